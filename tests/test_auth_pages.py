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


def test_cuentas_create_shows_the_one_time_password_once_and_conflicts(db):
    at = signed_in("pages/cuentas.py", db, "adri")
    table = at.dataframe[0].value
    assert set(table["Usuario"]) == set(ACCOUNTS)
    (create,) = [e for e in at.expander if e.label == "Crear una cuenta"]
    boxes = {t.label: t for t in create.text_input}
    boxes["Usuario"].input("luz")
    boxes["Nombre"].input("Luz <b>M</b>")
    create.selectbox[0].select("coordinacion")
    create.multiselect[0].select("6")
    [b for b in create.button if b.label == "Crear la cuenta"][0].click().run()
    assert not at.exception and "Se creó la cuenta luz" in texts(at.success)
    (password,) = [c.value for c in at.code]
    assert Store(db).login("luz", password).account.programas == frozenset({"6"})
    assert "<b>M</b>" in at.dataframe[0].value.set_index("Usuario").loc["luz", "Nombre"]  # as typed
    at.run()
    assert not at.code  # shown once

    first, second = signed_in("pages/cuentas.py", db, "adri"), signed_in("pages/cuentas.py", db, "adri")
    for at in (first, second):
        at.selectbox(key="cuenta_elegida").select("cony").run()
    [t for t in first.text_input if t.label == "Nombre"][-1].input("Consuelo R.")
    [b for b in first.button if b.label == "Guardar cambios"][0].click().run()
    assert "Se guardaron los cambios" in texts(first.success)
    [t for t in second.text_input if t.label == "Nombre"][-1].input("Otro nombre")
    [b for b in second.button if b.label == "Guardar cambios"][0].click().run()
    assert "Otra persona modificó la cuenta «cony»" in texts(second.error)
    assert Store(db).get_account("cony").nombre == "Consuelo R."
    log = [b for b in second.dataframe][-1].value
    assert {"Cuenta creada", "Cuenta modificada"} <= set(log["Evento"])
