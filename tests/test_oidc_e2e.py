"""End to end in Chromium: signing in through an organisation's identity provider (``st.login``, OIDC).

``oidc-provider-mock`` (PyPI) plays the provider, started by the test on a local port: no network.  The
dashboard reads ``[auth]`` from a secrets file given with ``--secrets.files`` (as ``.streamlit/secrets.toml``
would in a deployment).  A person whose correo belongs to an active account is signed in as that account;
anyone else sees only «Su cuenta no tiene acceso al tablero; pida el alta a la persona administradora».
"""

from __future__ import annotations

import pytest
from auth_helpers import ADMIN_CLI, add_accounts
from e2e_support import chromium_path, error_texts, free_port, open_browser, screenshot, streamlit_server, wait_idle

from mpi_dash import config
from mpi_dash.store import Store

pytestmark = pytest.mark.browser
NO_ACCESS = "Su cuenta no tiene acceso al tablero; pida el alta a la persona administradora"


@pytest.fixture(scope="module")
def provider():
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc")
    db = folder / "e2e.sqlite"
    store = Store(db, seed=config.BUNDLED_WORKBOOK)
    store.latest_revision()
    add_accounts(db)
    store.update_account(ADMIN_CLI, "ana", version=None, nombre="Ana López", rol="direccion",
                         correo="ana@cdmx.gob.mx")
    store.create_account(ADMIN_CLI, "ex", nombre="Ex Persona", rol="consulta", correo="ex@cdmx.gob.mx",
                         contrasena="clave-de-prueba-1")
    store.set_active(ADMIN_CLI, "ex", False)
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        'cookie_secret = "secreto-de-prueba-para-las-cookies-1234567890"\n'
        'client_id = "tablero-mpi"\n'
        'client_secret = "secreto-del-cliente"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    env = {config.DB_ENV: str(db), config.WORKBOOK_ENV: ""}
    with streamlit_server(env=env, port=port, extra_args=("--secrets.files", str(secrets))):
        yield f"http://localhost:{port}", store


def sign_in_with_provider(page, url: str, correo: str) -> None:  # noqa: ANN001
    page.goto(url)
    wait_idle(page)
    page.get_by_role("button", name="Entrar con la cuenta institucional").click()
    page.locator("input[name='sub']").wait_for()  # the provider's own form
    page.locator("input[name='sub']").fill(correo)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")
    wait_idle(page)


def test_identity_provider_signs_in_the_account_with_that_correo(app):
    url, store = app
    with open_browser(chromium_path(), width=1366, height=768) as page:
        sign_in_with_provider(page, url, "ana@cdmx.gob.mx")
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert "Ana López" in sidebar and "Dirección" in sidebar, error_texts(page)
        page.reload()
        wait_idle(page)
        assert "Ana López" in page.locator("[data-testid='stSidebar']").inner_text()
        screenshot(page, "auth_oidc_dentro", full_page=False)
        page.get_by_role("button", name="Cerrar sesión").click()  # also signs out of the provider
        page.get_by_role("button", name="End session").click()  # the provider's own confirmation page
        page.wait_for_url(f"{url}/**")
        page.get_by_label("Usuario").wait_for()
        wait_idle(page)
        page.reload()
        wait_idle(page)
        assert page.get_by_label("Usuario").count() == 1  # not signed in again by the provider's cookie
    log = store.access_log(usuario="ana")
    assert "proveedor de identidad (ana@cdmx.gob.mx)" in set(log["detalle"])


@pytest.mark.parametrize("correo", ["nadie@cdmx.gob.mx", "ex@cdmx.gob.mx"])
def test_a_correo_without_an_active_account_sees_only_the_refusal(app, correo):
    url, _ = app
    with open_browser(chromium_path(), width=1366, height=768) as page:
        sign_in_with_provider(page, url, correo)
        page.get_by_text(NO_ACCESS).wait_for()
        assert page.locator("[data-testid='stSidebarNav']").count() == 0
        assert page.get_by_label("Usuario").count() == 0 and page.locator("[data-testid='stMetric']").count() == 0
        main = page.locator("[data-testid='stMain']").inner_text().strip()
        assert main.replace("block", "").strip() == NO_ACCESS  # the message and nothing else
        screenshot(page, "auth_oidc_sin_acceso", full_page=False)
