"""scripts/serve.py: the first start creates «admin» and shows its password once, only to a terminal."""

from __future__ import annotations

import importlib.util
import io
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


def test_read_only_workbook_mode_has_no_accounts(serve, tmp_path, monkeypatch):
    monkeypatch.delenv(config.DB_ENV, raising=False)
    monkeypatch.setenv(config.WORKBOOK_ENV, str(tmp_path / "libro.xlsx"))
    assert serve.first_start(io.StringIO(), interactive=True) is None


def test_app_has_the_cookie_routes(serve):
    paths = [r.path for r in serve.build_app()._user_routes]
    assert paths == ["/{prefix:path}_mpi_dash/sesion", "/{prefix:path}_mpi_dash/salir"]


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
