"""Cuentas (administración): create accounts, change data, role and programs, deactivate/reactivate, reset a
password, lift a sign-in lockout, and the access log.  Every change is checked again by the store.

* Resetting a password, deactivating and changing a role ask first, naming the account
  («¿Restablecer la contraseña de Ana López (ana.lopez)?» → «Confirmar» / «Cancelar»).
* One's own password is changed in «Mi contraseña», never reset here (the store refuses it too).
* A temporary password stays on screen (session state, across reruns) until «Ya la entregué: ocultar».
* Messages appear next to what caused them: a form's refusal under the field it names
  (``AccountError.campo``), an action's question and result under the action buttons (scrolled into view
  when the button sat at the bottom of the screen).
* Programs are checkboxes with the whole name: no English («Select all»), no name cut with «…».
"""

import streamlit as st

from mpi_dash.accounts import (
    ROL_LABELS,
    Account,
    Permiso,
    Rol,
    access_log_table,
    accounts_table,
    sole_active_admin,
)
from mpi_dash.store import AccountConflict, StoreError
from ui_auth import require
from ui_common import ensure_app_shell, md, program_options, require_store

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py
actor = require(Permiso.ADMINISTRAR_CUENTAS)
# English form hints hidden; a checkbox's label (a program's whole name) wraps instead of ending in «…».
st.html("<style>[data-testid='InputInstructions'] { display: none; } [data-testid='stCheckbox'] "
        "[data-testid='stMarkdownContainer'], [data-testid='stCheckbox'] [data-testid='stMarkdownContainer'] p "
        "{ white-space: normal; text-overflow: clip; overflow: visible; }</style>")

PASSWORDS = "cuentas_contrasenas"  # usuario → (quien, password, origen): on screen until dismissed
FLASH = "cuentas_aviso"            # (origen, message) for the run after a change
PENDING = "cuentas_confirmar"      # the action waiting for «Confirmar»: dict with accion, usuario, version…
ROLES = list(Rol)
CREATE, ACCOUNT = "crear", "cuenta"  # where a notice is shown: the create form, or the chosen account

st.title("Cuentas")
store = require_store("no hay cuentas")
try:
    accounts = store.list_accounts()
    _, snapshot = store.load_snapshot()
except StoreError as exc:
    st.error(str(exc), icon=":material/block:")
    st.stop()
year = int(snapshot.plan["anio"].max())
programs = program_options(snapshot.plan, year)  # "1" → "1. Atención integral…"
by_usuario = {a.usuario: a for a in accounts}
sole_admin = sole_active_admin(accounts)


def done(origen: str, message: str, password: tuple[Account, str] | None = None) -> None:
    """After a change: remember what to say (and a temporary password) where it happened, and rerun."""
    st.session_state[FLASH] = (origen, message)
    if password and password[1]:
        account, secret = password
        st.session_state.setdefault(PASSWORDS, {})[account.usuario] = (account.quien, secret, origen)
    st.session_state.pop(PENDING, None)
    st.rerun()


def notices(origen: str) -> None:
    """The message of the last change made here, and every temporary password not yet dismissed."""
    flash = st.session_state.get(FLASH)
    box = st.container(key=f"avisos_{origen}")
    if flash and flash[0] == origen:
        st.session_state.pop(FLASH)
        box.success(flash[1], icon=":material/check_circle:")
        reveal(f"avisos_{origen}")
    for usuario, (quien, password, where) in list(st.session_state.get(PASSWORDS, {}).items()):
        if where != origen:
            continue
        with box.container(border=True):
            st.markdown(f"**Contraseña temporal de {md(quien)}**: cópiela y entréguela a la persona por un medio "
                        "seguro; deberá cambiarla al entrar. Queda aquí hasta que la oculte; después no se puede "
                        "volver a ver (habría que restablecerla otra vez).")
            st.code(password, language=None)
            if st.button("Ya la entregué: ocultar", key=f"ocultar_{usuario}", icon=":material/visibility_off:"):
                st.session_state[PASSWORDS].pop(usuario, None)
                st.rerun()


def field_slots(*names: str) -> dict[str, object]:
    return {name: st.empty() for name in names}


def program_checkboxes(prefix: str, chosen: frozenset[str]) -> list[str]:
    """The programs of a coordinación account: a checkbox per program with its whole name (a multiselect adds
    an English «Select all» and «No results»; pills cut a long name with «…»)."""
    st.markdown("**Programas que coordina** (solo para el rol Coordinación)")
    columns, half = st.columns(2), (len(programs) + 1) // 2  # 1-3 | 4-6: in order when stacked on a phone
    return [p for i, (p, name) in enumerate(programs.items())
            if columns[i // half].checkbox(md(name), value=p in chosen, key=f"{prefix}_programa_{p}")]


def reveal(key: str) -> None:
    """Scroll the browser just enough to show the container ``key`` (``st.container(key=…)``): the answer
    to a button near the bottom of the screen would otherwise appear below it, out of sight.  A counter
    makes each script new (an identical element would not run again)."""
    count = st.session_state["_cuentas_revelar"] = st.session_state.get("_cuentas_revelar", 0) + 1
    st.html(f"<script>/* {count} */ setTimeout(() => document.querySelector('.st-key-{key}')"
            "?.scrollIntoView({block: 'nearest', behavior: 'smooth'}), 200);</script>",
            unsafe_allow_javascript=True)


def show_refusal(exc: StoreError, slots: dict[str, object]) -> None:
    """The store's message under the field it names (``AccountError.campo``), else in the general slot."""
    campo = getattr(exc, "campo", None)
    slot = slots.get(campo) or slots["general"]
    slot.error(md(str(exc)), icon=":material/block:")


st.caption("Las cuentas nunca se borran: se desactivan (sus revisiones conservan su nombre). Consulta ve el "
           "tablero; Coordinación además carga avances de sus programas y ve el historial; Dirección carga "
           "todo, aprueba y revierte; Administración además administra cuentas. «Bloqueada» es una cuenta con "
           "demasiados intentos fallidos de entrar: se libera sola a la hora indicada, o con «Desbloquear».")
st.dataframe(accounts_table(accounts), hide_index=True, width="stretch")

# Create ------------------------------------------------------------------------------------------------
with st.expander("Crear una cuenta", icon=":material/person_add:"):
    notices(CREATE)
    with st.form("crear", clear_on_submit=False):
        slots = field_slots("general")
        left, right = st.columns(2)
        with left:
            usuario = st.text_input("Usuario", help="Minúsculas sin acentos, por ejemplo ana.lopez", max_chars=40,
                                    key="nueva_usuario")
            slots["usuario"] = st.empty()
            correo = st.text_input("Correo (opcional)", key="nueva_correo",
                                   help="Para entrar con el proveedor de identidad institucional.")
            slots["correo"] = st.empty()
        with right:
            nombre = st.text_input("Nombre", max_chars=120, key="nueva_nombre")
            slots["nombre"] = st.empty()
            rol = st.selectbox("Rol", ROLES, index=ROLES.index(Rol.CONSULTA), format_func=ROL_LABELS.get,
                               placeholder="Elija una opción",
                               key="nueva_rol")
            slots["rol"] = st.empty()
        picked = program_checkboxes("nueva", frozenset())
        slots["programas"] = st.empty()
        crear = st.form_submit_button("Crear la cuenta", type="primary")
    if crear:
        try:
            account, generated = store.create_account(actor, usuario, nombre=nombre, rol=rol, correo=correo,
                                                      programas=picked if rol is Rol.COORDINACION else [])
        except StoreError as exc:
            show_refusal(exc, slots)
        else:
            for key in ("nueva_usuario", "nueva_correo", "nueva_nombre", "nueva_rol",
                        *[f"nueva_programa_{p}" for p in programs]):
                st.session_state.pop(key, None)  # an empty form for the next account
            done(CREATE, f"Se creó la cuenta {md(account.quien)} ({account.rol_label}).", (account, generated))

# Change ------------------------------------------------------------------------------------------------
st.subheader("Modificar una cuenta")
if not accounts:
    st.stop()
usuario = st.selectbox("Cuenta", list(by_usuario), placeholder="Elija una opción", key="cuenta_elegida",
                       format_func=lambda u: f"{by_usuario[u].quien} · {by_usuario[u].estado}")
account = by_usuario[usuario]
own = actor is not None and usuario == actor.usuario
# The version this administrator is looking at: a change saved by someone else meanwhile is a conflict.
seen = st.session_state.setdefault(f"version_{usuario}", account.version)
if seen != account.version:
    st.warning("Otra persona modificó esta cuenta después de que usted la abrió; lo que guarde se rechazará. "
               "Vuelva a elegirla para ver los datos actuales.", icon=":material/sync_problem:")
pending = st.session_state.get(PENDING)
if pending and pending["usuario"] != usuario:  # another account chosen: that question no longer stands
    st.session_state.pop(PENDING)
    pending = None


def refused(exc: StoreError, where=st) -> None:  # noqa: ANN001 - a container
    if isinstance(exc, AccountConflict):
        st.session_state.pop(f"version_{usuario}", None)  # next run shows the current data
    st.session_state.pop(PENDING, None)
    where.error(md(str(exc)), icon=":material/block:")


def confirm(question: str, detail: str, action: str, run) -> None:  # noqa: ANN001 - () -> None
    """The second step of an action: ``question`` names the account; «Confirmar» runs ``run``."""
    box = st.container(border=True, key="confirmacion")
    if st.session_state.pop("_cuentas_preguntar", False):  # asked in this run: bring it into view
        reveal("confirmacion")
    box.markdown(f"**{question}**  \n{detail}")
    yes, no = box.columns(2)
    if yes.button(f"Confirmar: {action}", type="primary", key="confirmar", width="stretch"):
        try:
            run()
        except StoreError as exc:
            refused(exc, box)
    if no.button("Cancelar", key="cancelar", width="stretch"):
        st.session_state.pop(PENDING, None)
        st.rerun()


# Actions on the chosen account: right under the choice, their questions and results right under them.
left, middle, right = st.columns(3)
if account.activa:
    if left.button("Desactivar la cuenta", icon=":material/person_off:", width="stretch",
                   disabled=usuario == sole_admin):
        st.session_state[PENDING] = pending = {"accion": "desactivar", "usuario": usuario, "version": seen}
        st.session_state["_cuentas_preguntar"] = True
elif left.button("Reactivar la cuenta", icon=":material/person_check:", width="stretch"):
    try:
        store.set_active(actor, usuario, True, version=seen)
    except StoreError as exc:
        refused(exc)
    else:
        st.session_state.pop(f"version_{usuario}", None)
        done(ACCOUNT, f"Se reactivó la cuenta de {md(account.quien)}: ya puede entrar con su contraseña.")
if not own and middle.button("Restablecer la contraseña", icon=":material/key:", width="stretch",
                             help="Genera una contraseña temporal, cierra las sesiones abiertas de la cuenta y "
                                  "levanta un bloqueo por intentos fallidos."):
    st.session_state[PENDING] = pending = {"accion": "restablecer", "usuario": usuario, "version": seen}
    st.session_state["_cuentas_preguntar"] = True
if account.bloqueada_hasta and right.button("Desbloquear", icon=":material/lock_open:", width="stretch",
                                            help="Levanta el bloqueo por intentos fallidos sin cambiar la "
                                                 "contraseña."):
    try:
        store.unlock(actor, usuario)
    except StoreError as exc:
        refused(exc)
    else:
        done(ACCOUNT, f"Se desbloqueó la cuenta de {md(account.quien)}: ya puede volver a entrar con su "
                      "contraseña.")
if own:
    st.caption("Su propia contraseña se cambia en «Mi contraseña» (sección Cuenta del menú), que pide la "
               "actual; no se restablece desde aquí.")
if usuario == sole_admin:
    st.caption("Es la única cuenta activa de Administración: no se puede desactivar ni cambiar de rol hasta "
               "que haya otra.")
notices(ACCOUNT)


def reset() -> None:
    generated = store.reset_password(actor, usuario, version=pending["version"])
    st.session_state.pop(f"version_{usuario}", None)
    done(ACCOUNT, f"Se restableció la contraseña de {md(account.quien)}; sus sesiones abiertas terminaron.",
         (account, generated))


def deactivate() -> None:
    store.set_active(actor, usuario, False, version=pending["version"])
    st.session_state.pop(f"version_{usuario}", None)
    done(ACCOUNT, f"Se desactivó la cuenta de {md(account.quien)}. Sus sesiones abiertas terminaron.")


if pending and pending["accion"] == "restablecer":
    confirm(f"¿Restablecer la contraseña de {md(account.quien)}?",
            "Se genera una contraseña temporal que verá aquí; sus sesiones abiertas terminan y deberá cambiarla "
            "al entrar.", "restablecer", reset)
elif pending and pending["accion"] == "desactivar":
    confirm(f"¿Desactivar la cuenta de {md(account.quien)}?",
            ("Es su propia cuenta: su sesión terminará y no podrá volver a entrar hasta que otra persona "
             "administradora la reactive." if own else
             "Sus sesiones abiertas terminan y no podrá entrar hasta que se reactive; sus revisiones se "
             "conservan."), "desactivar", deactivate)

st.markdown("**Datos de la cuenta**")
with st.form(f"editar_{usuario}_{seen}"):
    slots = field_slots("general")
    left, right = st.columns(2)
    with left:
        nombre = st.text_input("Nombre", value=account.nombre, max_chars=120)
        slots["nombre"] = st.empty()
        correo = st.text_input("Correo (opcional)", value=account.correo or "")
        slots["correo"] = st.empty()
    with right:
        rol = st.selectbox("Rol", ROLES, index=ROLES.index(account.rol), format_func=ROL_LABELS.get,
                               placeholder="Elija una opción",
                           key=f"editar_{usuario}_{seen}_rol")
        slots["rol"] = st.empty()
    picked = program_checkboxes(f"editar_{usuario}_{seen}", account.programas)
    slots["programas"] = st.empty()
    guardar = st.form_submit_button("Guardar cambios", type="primary")
picked = picked if rol is Rol.COORDINACION else []


def save(data: dict) -> None:
    store.update_account(actor, usuario, version=data["version"], nombre=data["nombre"], rol=data["rol"],
                         programas=data["programas"], correo=data["correo"])
    st.session_state.pop(f"version_{usuario}", None)
    done(ACCOUNT, f"Se guardaron los cambios de la cuenta {md(account.quien)}.")


if guardar:
    data = {"accion": "rol", "usuario": usuario, "version": seen, "nombre": nombre, "correo": correo,
            "rol": rol, "programas": picked}
    if rol is not account.rol and usuario != sole_admin:  # the sole administrator: the store says why not
        st.session_state[PENDING] = pending = data
        st.session_state["_cuentas_preguntar"] = True
    else:
        try:
            save(data)
        except StoreError as exc:
            if isinstance(exc, AccountConflict):
                st.session_state.pop(f"version_{usuario}", None)
            show_refusal(exc, slots)
if pending and pending["accion"] == "rol":
    new_rol = Rol(pending["rol"])
    consequence = ("Es su propia cuenta: dejará de poder administrar cuentas." if own and
                   new_rol is not Rol.ADMINISTRACION else "Sus sesiones siguen abiertas con el rol nuevo.")
    confirm(f"¿Cambiar el rol de {md(account.quien)} de {account.rol_label} a {ROL_LABELS[new_rol]}?",
            consequence, "cambiar el rol", lambda: save(pending))

# Access log --------------------------------------------------------------------------------------------
st.subheader("Bitácora de accesos")
who = st.selectbox("Mostrar", ["(todas las cuentas)", *by_usuario], placeholder="Elija una opción",
                   key="bitacora_de")
log = store.access_log(limit=500, usuario=None if who.startswith("(") else who)
st.caption("Entradas, intentos fallidos y bloqueos, permisos denegados y cambios de cuentas; las 500 más "
           "recientes, en hora de la Ciudad de México. En el servidor, desde la carpeta del tablero: "
           "«.venv/bin/python -m mpi_dash usuarios bitacora».")
st.dataframe(access_log_table(log), hide_index=True, width="stretch",
             column_config={"Detalle": st.column_config.TextColumn("Detalle", width="large")})
