"""AppTest: signing in, what each role sees, the first-login password change, public reading, «Cuentas»,
and what happens when the session ends in the middle of an upload."""

from __future__ import annotations

import datetime as dt

import pytest
from auth_helpers import (ACCOUNTS, ADMIN_CLI, BY_ROLE, PASSWORD, REPO_ROOT, db,  # noqa: F401 - db: a fixture
                          sign_in_with_form, signed_in)
from shown_text import as_read, without_joiners
from streamlit.testing.v1 import AppTest
from upload_helpers import data_sql, upload_bytes

from mpi_dash import config
from mpi_dash.store import Store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def read(elements) -> str:
    """What a person reads in ``elements`` (md()'s escapes and joiners resolved)."""
    return as_read(texts(elements))


def fresh(script: str = "app.py") -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / script), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_sign_in_form_labels_and_nothing_else(db):
    at = fresh()
    assert [t.label for t in at.text_input] == ["Usuario", "Contraseña"]
    assert at.text_input[1].proto.type == at.text_input[1].proto.PASSWORD
    assert [b.label for b in at.button] == ["Entrar"]
    assert not at.metric and not at.dataframe  # no figure before signing in
    sign_in_with_form(at, "ana")
    assert "Entrar" not in [b.label for b in at.button] and "Cerrar sesión" in [b.label for b in at.sidebar.button]


@pytest.mark.parametrize(("usuario", "password"), [("ana", "equivocada-1"), ("nadie", "equivocada-1")])
def test_wrong_password_and_unknown_user_same_message(db, usuario, password):
    at = sign_in_with_form(fresh(), usuario, password)
    assert texts(at.error) == "Usuario o contraseña incorrectos."


def test_lockout_message_on_the_form(db):
    at = fresh()
    for _ in range(5):
        sign_in_with_form(at, "beto", "equivocada-1")
    assert "bloqueado 15 minutos" in texts(at.error)
    sign_in_with_form(at, "beto", PASSWORD)
    assert "bloqueado 15 minutos" in texts(at.error)  # even with the right password


def test_deactivated_account_cannot_sign_in(db):
    Store(db).set_active(ADMIN_CLI, "beto", False)
    assert "desactivada" in texts(sign_in_with_form(fresh(), "beto").error)


NAV = ["Resumen", "Programa", "Línea base", "Tablas y descargas"]


@pytest.mark.parametrize(("role", "visible"), [
    ("consulta", NAV + ["Mi contraseña"]),
    ("coordinacion", NAV + ["Cargar avances", "Historial", "Mi contraseña"]),
    ("direccion", NAV + ["Cargar avances", "Historial", "Mi contraseña"]),
    ("administracion", NAV + ["Cargar avances", "Historial", "Cuentas", "Mi contraseña"]),
])
def test_navigation_per_role(db, role, visible):
    def script(usuario: str, repo: str) -> None:
        import streamlit as st

        import ui_auth
        from mpi_dash.accounts import Permiso
        from mpi_dash.store import Store

        account = Store().get_account(usuario)
        person = ui_auth.Visitor(account, accounts_on=True, public=False, method="local")
        sections = {"A": [(st.Page(f"{repo}/pages/{name}.py", url_path=name), permiso) for name, permiso in (
            ("resumen", Permiso.VER_TABLERO), ("cargar_avances", Permiso.CARGAR_AVANCES),
            ("historial", Permiso.VER_HISTORIAL), ("cuentas", Permiso.ADMINISTRAR_CUENTAS))]}
        for section, pages in ui_auth.allowed_pages(person, sections).items():
            for page in pages:
                st.write(f"{section}|{page.url_path}|{page.visibility}")

    at = AppTest.from_function(script, args=(BY_ROLE[role], str(REPO_ROOT)), default_timeout=60)
    at.run()
    shown = {line.split("|")[1] for line in texts(at.markdown).splitlines() if line.endswith("|visible")}
    hidden = {line.split("|")[1] for line in texts(at.markdown).splitlines() if line.endswith("|hidden")}
    names = {"Cargar avances": "cargar_avances", "Historial": "historial", "Cuentas": "cuentas",
             "Mi contraseña": "mi_contrasena"}
    expected = {names[v] for v in visible if v in names} | {"resumen"}
    assert shown == expected
    assert hidden == {"cargar_avances", "historial", "cuentas"} - expected  # reachable by URL, unlisted


def test_page_specs_become_pages_only_for_what_the_role_may_open(db):
    """ui_shell lists PageSpec entries: a page the visitor may open is built from its script; the others
    are stubs (same URL, hidden), whose script is never resolved."""
    def script(repo: str) -> None:
        import streamlit as st

        import ui_auth
        from mpi_dash.accounts import Permiso

        built = []

        class Spy(ui_auth.PageSpec):
            def build(self):  # noqa: ANN202
                built.append(self.url_path)
                return super().build()

        person = ui_auth.Visitor(None, accounts_on=True, public=True)
        sections = {"A": [(Spy(f"{repo}/pages/{name}.py", title=name, icon=":material/speed:", url_path=name),
                           permiso) for name, permiso in (("resumen", Permiso.VER_TABLERO),
                                                          ("cargar_avances", Permiso.CARGAR_AVANCES),
                                                          ("no_existe", Permiso.ADMINISTRAR_CUENTAS))]}
        for pages in ui_auth.allowed_pages(person, sections).values():
            for page in pages:
                st.write(f"{page.url_path}|{page.visibility}")
        st.write("built:" + ",".join(built))

    at = AppTest.from_function(script, args=(str(REPO_ROOT),), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    lines = texts(at.markdown).splitlines()
    assert "built:resumen" in lines                       # only the page public reading may open
    assert {"resumen|visible", "cargar_avances|hidden", "no_existe|hidden", "entrar|visible"} <= set(lines)


def test_pages_refuse_a_role_that_cannot_use_them(db):
    at = signed_in("pages/cuentas.py", db, "ana")
    assert "no tiene acceso a esta página" in texts(at.warning) and not at.dataframe
    at = signed_in("pages/historial.py", db, "cony")
    assert "no tiene acceso a esta página" in texts(at.warning)
    at = signed_in("pages/historial.py", db, "coco")  # coordinación sees the history, cannot revert
    assert at.dataframe and not [b for b in at.button if "Revertir" in b.label]
    assert "tarea de una cuenta de dirección" in texts(at.caption)
    assert "Entrar" in [b.label for b in fresh("pages/cargar_avances.py").button]  # not signed in


def test_first_login_forces_a_password_change(db):
    password = Store(db).reset_password(ADMIN_CLI, "ana")
    at = sign_in_with_form(fresh(), "ana", password)
    assert "Cambie su contraseña para continuar" in texts(at.title) and not at.metric
    boxes = {t.label: t for t in at.text_input}
    boxes["Contraseña actual"].input(password)
    boxes["Contraseña nueva"].input("mi-clave-propia")
    boxes["Repita la contraseña nueva"].input("mi-clave-propia")
    [b for b in at.button if b.label == "Cambiar contraseña"][0].click().run()
    assert "Se cambió su contraseña" in texts(at.success)
    assert not Store(db).get_account("ana").debe_cambiar_contrasena
    assert Store(db).login("ana", "mi-clave-propia")


def test_public_reading_opens_only_the_dashboard(db, monkeypatch):
    monkeypatch.setenv(config.PUBLIC_READING_ENV, "1")
    at = fresh()
    assert not [t for t in at.text_input if t.label == "Usuario"]  # the dashboard, no sign-in form
    assert "Consulta pública" in texts(at.sidebar.caption)
    at = fresh("pages/cargar_avances.py")  # still needs an account
    assert "requiere una cuenta" in texts(at.info) and not at.file_uploader


def test_logout_forgets_everything_and_ends_the_session(db):
    at = signed_in("app.py", db, "ana")
    token = at.session_state["_mpi_sesion"]
    [b for b in at.sidebar.button if b.label == "Cerrar sesión"][0].click().run()
    assert [t.label for t in at.text_input] == ["Usuario", "Contraseña"]
    assert "Cerró su sesión" in texts(at.warning)
    with pytest.raises(Exception):
        Store(db).check_session(token)


def test_names_with_markup_are_plain_text(db):
    Store(db).update_account(ADMIN_CLI, "ana", version=None, nombre="**Ana** <img src=x> [x](http://x)",
                             rol="direccion")
    at = signed_in("app.py", db, "ana")
    shown = without_joiners(texts(at.sidebar.markdown))  # escapes kept: checked below
    assert r"\*\*Ana\*\* \<img src=x\> \[x\]\(http\://x\)" in shown  # escaped: read literally


def test_expired_session_in_the_middle_of_an_upload_preview_saves_nothing(db):
    at = signed_in("pages/cargar_avances.py", db, "ana")
    at.file_uploader(key="archivo_avances").set_value(("a.xlsx", upload_bytes([("1.1.1", 2023, "Junio", 0.5)]),
                                                       XLSX))
    at.run()
    assert "Vista previa: qué cambiaría" in texts(at.subheader)
    at.text_area(key="comentario").input("junio")
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=9)).isoformat(timespec="seconds")
    with Store(db).connection() as conn:
        conn.execute("UPDATE sesiones SET ultimo_uso = ?", [old])
        conn.conn.commit()
    before = data_sql(db)
    [b for b in at.button if b.label.startswith("💾")][0].click().run()
    assert "expiró por inactividad" in texts(at.warning)
    assert [t.label for t in at.text_input] == ["Usuario", "Contraseña"]
    assert data_sql(db) == before and Store(db).latest_revision() == 1
    sign_in_with_form(at, "ana")  # signing in again: the page asks for the file again
    assert "Suba el archivo llenado" in texts(at.info) and "carga" not in at.session_state


def test_coordinator_template_caption_and_other_rows_are_refused(db):
    at = signed_in("pages/cargar_avances.py", db, "coco")
    assert "Solo trae el programa 1, que coordina su cuenta." in texts(at.caption)
    before = data_sql(db)
    at.file_uploader(key="archivo_avances").set_value(
        ("mixto.xlsx", upload_bytes([("1.1.1", 2023, "Junio", 0.5), ("6", 2023, "Marzo", 0.0)]), XLSX))
    at.run()
    message = as_read(texts(at.error))
    assert "programas que su cuenta no coordina" in message
    # one line per program with its claves and rows (never one table row per file row), advice she can follow
    assert "\n- Programa 6: 6 (fila 3) — su cuenta coordina el programa 1.\n" in message
    assert "plantilla nueva" in message and "Quite esas filas" not in message
    assert not at.dataframe
    assert not [b for b in at.button if b.label.startswith("💾")]
    assert data_sql(db) == before


def create_form(at: AppTest):
    (create,) = [e for e in at.expander if e.label == "Crear una cuenta"]
    return create


def button(where, label: str):  # noqa: ANN001 - AppTest node
    (found,) = [b for b in where.button if b.label == label]
    return found


def after(column, label: str) -> list[str]:  # noqa: ANN001 - AppTest column
    """Types (and texts) of what follows the widget ``label`` in ``column``, in screen order."""
    nodes = list(column.children.values())
    index = [i for i, n in enumerate(nodes) if getattr(n, "label", None) == label][0]
    return [f"{type(n).__name__}:{as_read(str(getattr(n, 'value', '')))}" for n in nodes[index + 1:]]


def test_cuentas_create_shows_the_temporary_password_until_dismissed_and_conflicts(db):
    at = signed_in("pages/cuentas.py", db, "adri")
    table = at.dataframe[0].value
    assert set(table["Usuario"]) == set(ACCOUNTS)
    create = create_form(at)
    boxes = {t.label: t for t in create.text_input}
    boxes["Usuario"].input("luz")
    boxes["Nombre"].input("Luz <b>M</b>")
    create.selectbox[0].select("coordinacion")
    create.checkbox(key="nueva_programa_6").check()  # a checkbox per program, whole name
    button(create, "Crear la cuenta").click().run()
    assert not at.exception and "Se creó la cuenta Luz <b>M</b> (luz)" in read(create_form(at).success)
    (password,) = [c.value for c in create_form(at).code]  # in the create form, where the button was
    assert "Contraseña temporal de Luz <b>M</b> (luz)" in read(create_form(at).markdown)
    assert Store(db).login("luz", password).account.programas == frozenset({"6"})
    assert "<b>M</b>" in at.dataframe[0].value.set_index("Usuario").loc["luz", "Nombre"]  # as typed
    assert [t.value for t in create_form(at).text_input] == ["", "", ""]  # an empty form for the next one
    assert not create_form(at).checkbox(key="nueva_programa_6").value
    at.run()
    assert [c.value for c in at.code] == [password]  # still there after a rerun…
    button(create_form(at), "Ya la entregué: ocultar").click().run()
    assert not at.code  # …until dismissed, then gone for good
    at.run()
    assert not at.code

    first, second = signed_in("pages/cuentas.py", db, "adri"), signed_in("pages/cuentas.py", db, "adri")
    for at in (first, second):
        at.selectbox(key="cuenta_elegida").select("cony").run()
    [t for t in first.text_input if t.label == "Nombre"][-1].input("Consuelo R.")
    button(first, "Guardar cambios").click().run()
    assert "Se guardaron los cambios" in texts(first.success)
    [t for t in second.text_input if t.label == "Nombre"][-1].input("Otro nombre")
    button(second, "Guardar cambios").click().run()
    assert "Otra persona modificó la cuenta «cony»" in texts(second.error)
    assert Store(db).get_account("cony").nombre == "Consuelo R."
    log = [b for b in second.dataframe][-1].value
    assert {"Cuenta creada", "Cuenta modificada"} <= set(log["Evento"])


def test_cuentas_create_refusal_appears_under_the_field_that_caused_it(db):
    at = signed_in("pages/cuentas.py", db, "adri")
    boxes = {t.label: t for t in create_form(at).text_input}
    boxes["Usuario"].input("Mal Usuario")
    boxes["Nombre"].input("X")
    button(create_form(at), "Crear la cuenta").click().run()
    left, right = create_form(at).columns[:2]
    assert after(left, "Usuario")[0].startswith("Error:El usuario «mal usuario» no es válido")
    assert len(at.error) == 1  # only there, not repeated elsewhere

    boxes = {t.label: t for t in create_form(at).text_input}
    boxes["Usuario"].input("nueva")
    boxes["Correo (opcional)"].input("x@cdmx.gob.mx")
    Store(db).update_account(ADMIN_CLI, "beto", version=None, nombre="Beto", rol="direccion",
                             correo="x@cdmx.gob.mx")
    button(create_form(at), "Crear la cuenta").click().run()
    left, right = create_form(at).columns[:2]
    assert after(left, "Correo (opcional)")[0].startswith("Error:El correo x@cdmx.gob.mx ya pertenece")
    assert not after(left, "Usuario")[0].startswith("Error") and len(at.error) == 1
    assert Store(db).get_account("nueva") is None


def test_cuentas_has_no_english_select_all(db):
    at = signed_in("pages/cuentas.py", db, "adri")
    # Streamlit's multiselect adds «Select all» and «No results» in English; pills cut long names with «…».
    assert not at.multiselect and not at.button_group
    assert [as_read(c.label) for c in create_form(at).checkbox] == ["1. Programa", "6. Programa"]  # whole names


def test_cuentas_reset_asks_naming_the_account_and_keeps_the_password_until_dismissed(db):
    at = signed_in("pages/cuentas.py", db, "adri")
    at.selectbox(key="cuenta_elegida").select("ana").run()
    button(at, "Restablecer la contraseña").click().run()
    assert "¿Restablecer la contraseña de Ana López (ana)?" in read(at.markdown)
    assert Store(db).login("ana", PASSWORD)  # nothing happened yet
    button(at, "Cancelar").click().run()
    assert "¿Restablecer" not in read(at.markdown) and Store(db).login("ana", PASSWORD)
    button(at, "Restablecer la contraseña").click().run()
    button(at, "Confirmar: restablecer").click().run()
    assert "Se restableció la contraseña de Ana López (ana)" in read(at.success)
    (password,) = [c.value for c in at.code]
    assert "Contraseña temporal de Ana López (ana)" in read(at.markdown)
    at.selectbox(key="cuenta_elegida").select("beto").run()  # looking at another account: still shown
    assert [c.value for c in at.code] == [password]
    assert Store(db).login("ana", password).account.debe_cambiar_contrasena
    button(at, "Ya la entregué: ocultar").click().run()
    assert not at.code
    assert ("contrasena_restablecida", "ana", "adri") in set(zip(*[Store(db).access_log()[c] for c in (
        "evento", "usuario", "actor")]))


def test_cuentas_own_account_has_no_reset_and_the_sole_administrator_cannot_go(db):
    at = signed_in("pages/cuentas.py", db, "adri")
    at.selectbox(key="cuenta_elegida").select("adri").run()
    labels = [b.label for b in at.button]
    assert "Restablecer la contraseña" not in labels
    assert "Su propia contraseña se cambia en «Mi contraseña»" in read(at.caption)
    (off,) = [b for b in at.button if b.label == "Desactivar la cuenta"]
    assert off.disabled and "Es la única cuenta activa de Administración" in read(at.caption)
    at.selectbox(key="editar_adri_1_rol").select("direccion")
    button(at, "Guardar cambios").click().run()
    assert "¿Cambiar el rol" not in read(at.markdown)  # no question: the store says why not, under «Rol»
    (form,) = [f for f in at.get("form") if "Guardar cambios" in [b.label for b in f.button]]
    assert after(form.columns[1], "Rol")[0].startswith("Error:«adri» es la única cuenta activa de "
                                                       "administración: no se puede cambiar su rol")
    assert Store(db).get_account("adri").rol.value == "administracion"


def test_cuentas_deactivating_and_changing_a_role_ask_naming_the_account(db):
    at = signed_in("pages/cuentas.py", db, "adri")
    at.selectbox(key="cuenta_elegida").select("beto").run()
    button(at, "Desactivar la cuenta").click().run()
    assert "¿Desactivar la cuenta de Beto (beto)?" in read(at.markdown)
    assert Store(db).get_account("beto").activa
    button(at, "Confirmar: desactivar").click().run()
    assert not Store(db).get_account("beto").activa and "Se desactivó la cuenta de Beto (beto)" in read(at.success)

    at.selectbox(key="cuenta_elegida").select("cony").run()
    at.selectbox(key="editar_cony_1_rol").select("direccion")
    button(at, "Guardar cambios").click().run()
    assert "¿Cambiar el rol de Consuelo Ruiz (cony) de Consulta a Dirección?" in read(at.markdown)
    assert Store(db).get_account("cony").rol.value == "consulta"
    button(at, "Confirmar: cambiar el rol").click().run()
    assert Store(db).get_account("cony").rol.value == "direccion"
    assert "Se guardaron los cambios de la cuenta Consuelo Ruiz (cony)" in read(at.success)


def test_cuentas_locked_account_reads_locked_until_and_unlocks(db):
    for _ in range(5):
        with pytest.raises(Exception):
            Store(db).login("beto", "mala-clave-x")
    at = signed_in("pages/cuentas.py", db, "adri")
    state = at.dataframe[0].value.set_index("Usuario")["Estado"]
    assert state["beto"].startswith("bloqueada hasta ") and state["ana"] == "activa"
    at.selectbox(key="cuenta_elegida").select("ana").run()
    assert "Desbloquear" not in [b.label for b in at.button]  # only for a locked account
    at.selectbox(key="cuenta_elegida").select("beto").run()
    button(at, "Desbloquear").click().run()
    assert "Se desbloqueó la cuenta de Beto (beto)" in read(at.success)
    assert at.dataframe[0].value.set_index("Usuario")["Estado"]["beto"] == "activa"
    assert Store(db).login("beto", PASSWORD).account.usuario == "beto"
    assert "Cuenta desbloqueada" in set(at.dataframe[-1].value["Evento"])
