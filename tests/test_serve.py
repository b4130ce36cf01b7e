"""scripts/serve.py: the first start creates «admin» and shows its password once, only to a terminal."""

from __future__ import annotations

import importlib.util
import io
import subprocess
from pathlib import Path

import pytest
from upload_helpers import make_db

from mpi_dash import config
from mpi_dash.store import Store

SERVE = Path(__file__).resolve().parent.parent / "scripts" / "serve.py"


@pytest.fixture(scope="module")
def serve():
    spec = importlib.util.spec_from_file_location("serve_under_test", SERVE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = make_db(tmp_path)
    monkeypatch.setenv(config.DB_ENV, str(path))
    monkeypatch.delenv(config.WORKBOOK_ENV, raising=False)
    return path


def test_first_start_on_a_terminal_prints_the_password_once(serve, db):
    out = io.StringIO()
    message = serve.first_start(out, interactive=True)
    password = message.split("Contraseña temporal: ")[1].split()[0]
    assert "Se muestra solo esta vez" in out.getvalue()
    session = Store(db).login("admin", password)
    assert session.account.debe_cambiar_contrasena
    again = io.StringIO()
    assert serve.first_start(again, interactive=True) is None and again.getvalue() == ""


def test_first_start_without_a_terminal_never_writes_the_password(serve, db):
    out = io.StringIO()
    message = serve.first_start(out, interactive=False)
    assert "usuarios contrasena admin" in message and "Contraseña temporal" not in message
    assert Store(db).get_account("admin").debe_cambiar_contrasena


@pytest.mark.parametrize("interactive", [True, False])
def test_the_printed_recovery_command_works_as_printed(serve, db, tmp_path, interactive):
    """Pasted into a plain shell elsewhere (no venv activated, no MPI_DASH_DB, another folder), the command the
    first start prints sets a new temporary password for «admin» (a bare «python -m mpi_dash …» failed there
    with «No module named 'pandas'»)."""
    message = serve.first_start(io.StringIO(), interactive=interactive)
    command = message.rstrip().splitlines()[-1].strip() if interactive else message.split("Asígnela con: ")[1]
    assert command == serve.admin_password_command()
    result = subprocess.run(["/bin/sh", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"})
    assert result.returncode == 0, result.stderr
    password = result.stdout.split("Contraseña temporal: ")[1].split()[0]
    assert Store(db).login("admin", password).account.debe_cambiar_contrasena


def test_read_only_workbook_mode_has_no_accounts(serve, tmp_path, monkeypatch):
    monkeypatch.delenv(config.DB_ENV, raising=False)
    monkeypatch.setenv(config.WORKBOOK_ENV, str(tmp_path / "libro.xlsx"))
    assert serve.first_start(io.StringIO(), interactive=True) is None


def test_app_has_the_cookie_routes_and_links_the_stylesheet(serve, monkeypatch):
    import ui_server
    import ui_shell

    monkeypatch.setattr(ui_shell, "CSS_LINKED_BY_SERVER", False)
    app = serve.build_app()
    paths = [r.path for r in app._user_routes]
    assert paths == ["/{prefix:path}_mpi_dash/sesion", "/{prefix:path}_mpi_dash/salir",
                     "/{prefix:path}_mpi_dash/tablero.css"]
    assert [m.cls for m in app._user_middleware] == [serve.UnknownPageRedirect, ui_server.StylesheetLink]
    assert ui_shell.CSS_LINKED_BY_SERVER  # so the shell no longer sends it in every session


KNOWN = frozenset({"inicio", "resumen", "programa", "entrar"})


@pytest.mark.parametrize(("path", "base", "expected"), [
    ("/no_existe", "", "no_existe"),            # a mistyped page
    ("/programaa/", "", "programaa"),
    ("/Programa", "", "Programa"),              # page addresses are lower case
    ("/tablero/xyz", "tablero", "xyz"),         # under server.baseUrlPath
    ("/programa", "", None), ("/resumen", "", None), ("/entrar", "", None),   # pages
    ("/tablero/programa", "tablero", None), ("/tablero", "tablero", None), ("/", "", None),
    ("/xyz", "tablero", None),                  # outside the base path: not ours to judge
    ("/favicon.png", "", None), ("/manifest.json", "", None),                 # files
    ("/_stcore/health", "", None), ("/_stcore", "", None), ("/static/js/index.js", "", None),  # Streamlit's own
    ("/media/abc", "", None), ("/oauth2callback", "", None), ("/a/b", "", None),
])
def test_unknown_page_is_one_segment_that_names_no_page(serve, path, base, expected):
    assert serve.unknown_page(path, base, KNOWN) == expected


def _request(app, method: str, path: str, query: str = "") -> tuple[int, dict[str, str]]:
    """(status, headers) of one HTTP request through the ASGI ``app``."""
    import asyncio

    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "query_string": query.encode(), "headers": [],
             "root_path": "", "scheme": "http", "server": ("127.0.0.1", 8501), "http_version": "1.1"}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}


def test_a_mistyped_address_goes_home_with_the_name_and_the_rest_passes(serve):
    seen = []

    async def streamlit(scope, receive, send):  # stands for the dashboard
        seen.append((scope["method"], scope["path"]))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"tablero"})

    app = serve.UnknownPageRedirect(streamlit, known=KNOWN)
    status, headers = _request(app, "GET", "/progrma", "trimestre=2")
    assert (status, headers["location"]) == (302, "/?trimestre=2&pagina_no_encontrada=progrma")  # query kept
    assert _request(app, "GET", "/progrma")[1]["location"] == "/?pagina_no_encontrada=progrma"
    assert _request(app, "HEAD", "/otra-cosa")[0] == 302
    for method, path in [("GET", "/programa"), ("GET", "/"), ("GET", "/static/js/index.js"),
                         ("GET", "/_stcore/health"), ("GET", "/no existe"),   # a space: not a page name
                         ("POST", "/no_existe")]:                             # only GET/HEAD visit a page
        assert _request(app, method, path)[0] == 200
    assert seen == [("GET", "/programa"), ("GET", "/"), ("GET", "/static/js/index.js"), ("GET", "/_stcore/health"),
                    ("GET", "/no existe"), ("POST", "/no_existe")]


def test_warm_up_builds_resumen_of_the_default_cut_before_serving(serve, db):
    """The data read and Resumen's default cut built before the first visitor: the figures are then the
    cached ones a page run gets (built once, not again)."""
    import ui_common
    import ui_resumen

    out = io.StringIO()
    assert serve.warm_up(out) is True and out.getvalue() == ""
    loaded = ui_common.load_current()
    anio, trimestre = ui_common.default_cut(loaded)
    assert (anio, trimestre) == (2023, 2)          # the test plan has data up to Junio
    views = ui_common.default_views(loaded, anio, trimestre)
    first = ui_resumen._figures(loaded, anio, trimestre, views)
    assert ui_resumen._figures(loaded, anio, trimestre, views)[0] is first[0]   # cached: the same object


def test_warm_up_never_stops_the_start_on_bad_data(serve, tmp_path, monkeypatch):
    bad = tmp_path / "no_es_excel.xlsx"
    bad.write_bytes(b"esto no es un libro de Excel")
    monkeypatch.delenv(config.DB_ENV, raising=False)
    monkeypatch.setenv(config.WORKBOOK_ENV, str(bad))
    out = io.StringIO()
    assert serve.warm_up(out) is False
    assert out.getvalue().startswith("Aviso: no se pudieron preparar los datos al arrancar")


def test_startup_objects_are_frozen_out_of_full_collections(serve):
    import gc

    try:
        serve.freeze_startup_objects()
        assert gc.get_freeze_count() > 1000   # the libraries and data loaded so far
    finally:
        gc.unfreeze()                          # the rest of the test run collects as usual
