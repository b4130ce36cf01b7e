"""Cuentas (administración): create accounts, change role and programs, deactivate/reactivate, reset a
password (one-time password shown once), and the access log.  Every change is checked again by the store."""

import streamlit as st

from mpi_dash.accounts import ROL_LABELS, Permiso, Rol, access_log_table, accounts_table
from mpi_dash.store import AccountConflict, StoreError
from ui_auth import require
from ui_common import ensure_app_shell, md, program_options, require_store

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py
actor = require(Permiso.ADMINISTRAR_CUENTAS)
st.html("<style>[data-testid='InputInstructions'] { display: none; }</style>")

ONE_TIME = "cuentas_contrasena"  # (usuario, password): shown once, then forgotten
FLASH = "cuentas_aviso"
ROLES = list(Rol)

st.title("Cuentas")
store = require_store("no hay cuentas")
try:
    accounts = store.list_accounts()
    _, snapshot = store.load_snapshot()
except StoreError as exc:
    st.error(str(exc), icon=":material/block:")
    st.stop()
year = int(snapshot.plan["anio"].max())
programs = program_options(snapshot.plan, year)  # "1" → "1 · Atención integral…"


def done(message: str, password: tuple[str, str] | None = None) -> None:
    st.session_state[FLASH] = message
    if password:
        st.session_state[ONE_TIME] = password
    st.rerun()


if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH), icon=":material/check_circle:")
if ONE_TIME in st.session_state:
    usuario, password = st.session_state.pop(ONE_TIME)
    with st.container(border=True):
        st.markdown(f"**Contraseña temporal de {md(usuario)}** — se muestra **solo esta vez**: cópiela y "
                    "entréguela a la persona por un medio seguro. Deberá cambiarla al entrar.")
        st.code(password, language=None)

st.caption("Las cuentas nunca se borran: se desactivan (sus revisiones conservan su nombre). Consulta ve el "
           "tablero; Coordinación además carga avances de sus programas y ve el historial; Dirección carga "
           "todo y revierte; Administración además administra cuentas.")
st.dataframe(accounts_table(accounts), hide_index=True, width="stretch")


def role_and_programs(prefix: str, rol: Rol, chosen: frozenset[str]) -> tuple[Rol, list[str]]:
    rol = st.selectbox("Rol", ROLES, index=ROLES.index(rol), format_func=ROL_LABELS.get, key=f"{prefix}_rol")
    picked = st.multiselect("Programas que coordina (solo para el rol Coordinación)", list(programs),
                            default=sorted(p for p in chosen if p in programs), format_func=programs.get,
                            key=f"{prefix}_programas", placeholder="Elija uno o más programas")
    return rol, picked if rol is Rol.COORDINACION else []


# Create ------------------------------------------------------------------------------------------------
with st.expander("Crear una cuenta", icon=":material/person_add:"):
    with st.form("crear", clear_on_submit=False):
        left, right = st.columns(2)
        usuario = left.text_input("Usuario", help="Minúsculas sin acentos, por ejemplo ana.lopez", max_chars=40)
        nombre = right.text_input("Nombre", max_chars=120)
        correo = left.text_input("Correo (opcional)", help="Para entrar con el proveedor de identidad institucional.")
        with right:
            rol, picked = role_and_programs("nueva", Rol.CONSULTA, frozenset())
        crear = st.form_submit_button("Crear la cuenta", type="primary")
    if crear:
        try:
            account, generated = store.create_account(actor, usuario, nombre=nombre, rol=rol, programas=picked,
                                                      correo=correo)
        except StoreError as exc:
            st.error(md(str(exc)), icon=":material/block:")
        else:
            done(f"Se creó la cuenta {md(account.usuario)} ({account.rol_label}).", (account.usuario, generated))

# Change ------------------------------------------------------------------------------------------------
st.subheader("Modificar una cuenta")
if not accounts:
    st.stop()
by_usuario = {a.usuario: a for a in accounts}
usuario = st.selectbox("Cuenta", list(by_usuario), key="cuenta_elegida",
                       format_func=lambda u: f"{u} · {by_usuario[u].nombre}"
                       + ("" if by_usuario[u].activa else " (desactivada)"))
account = by_usuario[usuario]
# The version this administrator is looking at: a change saved by someone else meanwhile is a conflict.
seen = st.session_state.setdefault(f"version_{usuario}", account.version)
if seen != account.version:
    st.warning("Otra persona modificó esta cuenta después de que usted la abrió; lo que guarde se rechazará. "
               "Vuelva a elegirla para ver los datos actuales.", icon=":material/sync_problem:")


def refused(exc: StoreError) -> None:
    if isinstance(exc, AccountConflict):
        st.session_state.pop(f"version_{usuario}", None)  # next run shows the current data
    st.error(md(str(exc)), icon=":material/block:")


with st.form(f"editar_{usuario}_{seen}"):
    left, right = st.columns(2)
    nombre = left.text_input("Nombre", value=account.nombre, max_chars=120)
    correo = left.text_input("Correo (opcional)", value=account.correo or "")
    with right:
        rol, picked = role_and_programs(f"editar_{usuario}_{seen}", account.rol, account.programas)
    guardar = st.form_submit_button("Guardar cambios", type="primary")
if guardar:
    try:
        store.update_account(actor, usuario, version=seen, nombre=nombre, rol=rol, programas=picked,
                             correo=correo)
    except StoreError as exc:
        refused(exc)
    else:
        st.session_state.pop(f"version_{usuario}", None)
        done(f"Se guardaron los cambios de la cuenta {md(usuario)}.")

left, right = st.columns(2)
toggle = "Reactivar la cuenta" if not account.activa else "Desactivar la cuenta"
if left.button(toggle, icon=":material/person_off:" if account.activa else ":material/person_check:",
               width="stretch"):
    try:
        store.set_active(actor, usuario, not account.activa, version=seen)
    except StoreError as exc:
        refused(exc)
    else:
        st.session_state.pop(f"version_{usuario}", None)
        done(f"Se {'desactivó' if account.activa else 'reactivó'} la cuenta {md(usuario)}."
             + (" Sus sesiones abiertas terminaron." if account.activa else ""))
if right.button("Restablecer la contraseña", icon=":material/key:", width="stretch",
                help="Genera una contraseña temporal, cierra las sesiones abiertas de la cuenta y levanta un "
                     "bloqueo por intentos fallidos."):
    try:
        generated = store.reset_password(actor, usuario, version=seen)
    except StoreError as exc:
        refused(exc)
    else:
        st.session_state.pop(f"version_{usuario}", None)
        done(f"Se restableció la contraseña de {md(usuario)}; sus sesiones abiertas terminaron.", (usuario, generated))

# Access log --------------------------------------------------------------------------------------------
st.subheader("Bitácora de accesos")
who = st.selectbox("Mostrar", ["(todas las cuentas)", *by_usuario], key="bitacora_de")
log = store.access_log(limit=500, usuario=None if who.startswith("(") else who)
st.caption("Entradas, intentos fallidos y bloqueos, permisos denegados y cambios de cuentas; las 500 más "
           "recientes, en hora de la Ciudad de México. También con «python -m mpi_dash usuarios bitacora».")
st.dataframe(access_log_table(log), hide_index=True, width="stretch",
             column_config={"Detalle": st.column_config.TextColumn("Detalle", width="large")})
