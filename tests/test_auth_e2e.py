"""End to end in Chromium: sign in, a reload and a new tab keep the session, «Cerrar sesión», lockout, a
deep link the role cannot use, and a coordinator's upload limited to its programs.

The server is started as ``make run`` starts it (scripts/serve.py: the cookie routes included) on a
temporary database seeded from the bundled plan, with the accounts of ``auth_helpers``.  Screenshots of the
screens this issue adds go to ``artifacts/`` at 390×844, 1366×768 and 1920×1080.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from auth_helpers import PASSWORD, add_accounts
from e2e_support import (
    chromium_path,
    error_texts,
    goto_page,
    open_browser,
    screenshot,
    sign_in,
    streamlit_server,
    wait_idle,
)
from openpyxl import load_workbook
from upload_helpers import upload_bytes

from mpi_dash import config
from mpi_dash.sessions import COOKIE_NAME
from mpi_dash.store import Store

pytestmark = pytest.mark.browser
SIZES = {"movil": (390, 844), "laptop": (1366, 768), "proyector": (1920, 1080)}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Store]]:
    db = tmp_path_factory.mktemp("auth") / "e2e.sqlite"
    store = Store(db, seed=config.BUNDLED_WORKBOOK)
    store.latest_revision()
    add_accounts(db)
    with streamlit_server(env={config.DB_ENV: str(db), config.WORKBOOK_ENV: ""}) as url:
        yield url, store


@pytest.fixture
def browser():
    exe = chromium_path()
    with open_browser(exe, width=1366, height=768) as page:
        yield page


def signed_in_as(page, url: str, usuario: str) -> None:  # noqa: ANN001
    goto_page(page, url)
    sign_in(page, usuario, PASSWORD)
    assert page.get_by_role("button", name="Cerrar sesión").count() == 1, error_texts(page)


def test_login_reload_new_tab_and_logout(server, browser):
    url, store = server
    page = browser
    goto_page(page, url, "programa")
    assert page.get_by_label("Usuario").count() == 1 and page.get_by_label("Contraseña", exact=True).count() == 1
    assert page.locator("[data-testid='stSidebarNav']").count() == 0  # nothing before signing in
    sign_in(page, "ana", PASSWORD)
    page.get_by_text("Detalle de un indicador").first.wait_for()  # the page asked for, after signing in
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    assert "Ana López" in sidebar and "Dirección" in sidebar and "Cerrar sesión" in sidebar
    cookie = [c for c in page.context.cookies() if c["name"] == COOKIE_NAME][0]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert COOKIE_NAME not in page.evaluate("document.cookie")  # out of reach of scripts

    page.reload()
    wait_idle(page)
    assert page.get_by_label("Usuario").count() == 0 and "Ana López" in page.locator(
        "[data-testid='stSidebar']").inner_text()
    other = page.context.new_page()
    goto_page(other, url, "tablas")
    assert other.get_by_role("button", name="Cerrar sesión").count() == 1
    other.close()

    page.get_by_role("button", name="Cerrar sesión").click()
    wait_idle(page)
    assert page.get_by_label("Usuario").count() == 1 and page.get_by_text("Cerró su sesión").count() == 1
    page.reload()
    wait_idle(page)
    assert page.get_by_label("Usuario").count() == 1  # the cookie is gone, and its session ended
    assert not [c for c in page.context.cookies() if c["name"] == COOKIE_NAME]
    log = store.access_log(usuario="ana")
    assert {"login_ok", "sesion_cerrada"} <= set(log["evento"])


def test_lockout_never_says_whether_the_account_exists(server, browser):
    url, _ = server
    page = browser
    goto_page(page, url)
    messages = {}
    for usuario in ("beto", "fantasma"):
        for attempt in range(5):
            sign_in(page, usuario, f"equivocada-{attempt}", succeeds=False)
        messages[usuario] = error_texts(page)[-1]
        sign_in(page, usuario, PASSWORD, succeeds=False)
        assert "bloqueado 15 minutos" in error_texts(page)[-1]
    assert all("bloqueado 15 minutos" in m for m in messages.values())
    assert messages["beto"].split("hasta")[0] == messages["fantasma"].split("hasta")[0]
    screenshot(page, "auth_bloqueo", full_page=False)


def test_deep_link_to_a_page_the_role_cannot_use(server, browser):
    url, _ = server
    page = browser
    signed_in_as(page, url, "cony")
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "Resumen" in nav and "Cargar avances" not in nav and "Cuentas" not in nav
    goto_page(page, url, "cuentas")
    assert page.get_by_text("no está disponible para su cuenta (rol Consulta)").count() == 1
    assert not error_texts(page)


def test_coordinator_upload_limited_to_its_programs(server, browser, tmp_path):
    url, store = server
    page = browser
    signed_in_as(page, url, "coco")
    goto_page(page, url, "cargar_avances")
    with page.expect_download() as info:
        page.get_by_role("button", name="Descargar plantilla de avances").click()
    assert "_programas_1_" in info.value.suggested_filename
    sheet = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))["Avances"]
    assert {str(row[0].value).split(".")[0] for row in sheet.iter_rows(min_row=2)} == {"1"}

    mixed = tmp_path / "mixto.xlsx"
    mixed.write_bytes(upload_bytes([("1.1.1", 2023, "Diciembre", 3.0), ("2.3", 2023, "Diciembre", 1.0)]))
    page.locator("input[type='file']").set_input_files(str(mixed))
    page.get_by_text("programas que su cuenta no coordina").first.wait_for()
    wait_idle(page)
    screenshot(page, "auth_coordinacion_rechazo", full_page=False)
    assert store.latest_revision() == 1

    own = tmp_path / "propio.xlsx"
    own.write_bytes(upload_bytes([("1.1.1", 2023, "Diciembre", 3.0)]))
    page.locator("input[type='file']").set_input_files(str(own))
    page.get_by_text("Vista previa: qué cambiaría").wait_for()
    wait_idle(page)
    assert page.get_by_text("Se guardará a nombre de").count() == 1
    assert page.get_by_label("Nombre de quien carga").count() == 0
    page.get_by_label("Comentario (qué se carga y por qué)").fill("Avances de diciembre, programa 1")
    page.get_by_role("button", name="Guardar como nueva revisión").click()
    page.get_by_text("Se guardó la").wait_for()
    info = store.revision_info(store.latest_revision())
    assert (info["autor"], info["usuario"]) == ("Coordinación Uno", "coco")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_screens_at_three_sizes(server, size, tmp_path):
    """Screenshots to look at: sign-in, sidebar, Cuentas, Mi contraseña, upload as coordinator."""
    url, _ = server
    width, height = SIZES[size]
    with open_browser(chromium_path(), width=width, height=height) as page:
        goto_page(page, url)
        screenshot(page, f"auth_{size}_entrar", full_page=False)
        signed_in_as(page, url, "adri")
        screenshot(page, f"auth_{size}_resumen", full_page=False)
        for path in ("cuentas", "mi_contrasena", "historial"):
            goto_page(page, url, path)
            assert not error_texts(page)
            screenshot(page, f"auth_{size}_{path}")
        page.get_by_role("button", name="Cerrar sesión").click() if size != "movil" else None


def _inside(box, viewport) -> bool:  # noqa: ANN001 - Playwright bounding box / viewport size
    """Whole on screen (to the pixel: layouts put edges at fractions of one)."""
    return box is not None and box["y"] >= -1 and box["y"] + box["height"] <= viewport["height"] + 1 \
        and box["x"] >= -1 and box["x"] + box["width"] <= viewport["width"] + 1


@pytest.mark.parametrize("size", ["laptop", "movil"])
def test_cuentas_answers_appear_where_the_administrator_is_looking(server, size):
    """At 1366×768 and 390×844: the «Crear una cuenta» refusal shows without scrolling after pressing the button
    where a person sees it (at the bottom of the screen); «Restablecer la contraseña» asks naming the account,
    on screen; the temporary password stays on screen; no English «Select all» anywhere."""
    url, store = server
    usuario = f"luz.{size}"
    store.create_account(store.get_account("adri"), usuario, nombre="Luz Martínez", rol="consulta",
                         contrasena=PASSWORD)
    width, height = SIZES[size]
    with open_browser(chromium_path(), width=width, height=height) as page:
        signed_in_as(page, url, "adri")
        goto_page(page, url, "cuentas")
        page.get_by_text("Crear una cuenta").first.click()
        wait_idle(page)
        page.get_by_label("Usuario", exact=True).first.fill("Mal Usuario")
        page.get_by_label("Nombre", exact=True).first.fill("Alguien")
        create = page.get_by_role("button", name="Crear la cuenta")
        create.evaluate("b => b.scrollIntoView({block: 'end'})")  # as a person scrolls: just into sight
        page.wait_for_timeout(300)
        box = create.bounding_box()
        assert _inside(box, page.viewport_size)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # no scrolling by Playwright
        page.get_by_text("no es válido").first.wait_for()
        wait_idle(page)
        refusal = page.locator("[data-testid='stAlertContentError']")
        assert refusal.count() == 1 and "El usuario «mal usuario» no es válido" in refusal.inner_text()
        assert _inside(refusal.bounding_box(), page.viewport_size), refusal.bounding_box()
        screenshot(page, f"cuentas_{size}_crear_error", full_page=False)
        assert "Select all" not in page.locator("body").inner_text()

        goto_page(page, url, "cuentas")
        choice = page.get_by_label("Cuenta", exact=True)
        choice.click()
        choice.fill(f"({usuario})")
        page.keyboard.press("Enter")
        wait_idle(page)
        reset = page.get_by_role("button", name="Restablecer la contraseña")
        reset.evaluate("b => b.scrollIntoView({block: 'end'})")
        page.wait_for_timeout(300)
        box = reset.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        question = page.get_by_text(f"¿Restablecer la contraseña de Luz Martínez ({usuario})?")
        question.wait_for()
        wait_idle(page)
        confirm = page.get_by_role("button", name="Confirmar: restablecer")
        page.wait_for_function(  # brought into view (smoothly) when it appeared below the fold
            "([el, h]) => el.getBoundingClientRect().bottom <= h + 1", arg=[confirm.element_handle(), height])
        assert _inside(question.bounding_box(), page.viewport_size)
        screenshot(page, f"cuentas_{size}_confirmar", full_page=False)
        confirm.click()
        page.get_by_text(f"Contraseña temporal de Luz Martínez ({usuario})").wait_for()
        wait_idle(page)
        password = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
        assert store.login(usuario, password).account.debe_cambiar_contrasena
        page.reload()  # a reload starts a new browser session: the password is not kept anywhere else
        wait_idle(page)
        assert page.get_by_text("Contraseña temporal de").count() == 0
        screenshot(page, f"cuentas_{size}_temporal", full_page=False)
