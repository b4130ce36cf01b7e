"""config.py: database path, seed workbook, read-only workbook mode and upload limits from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from mpi_dash import config
from mpi_dash.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in (config.DB_ENV, config.WORKBOOK_ENV, config.MAX_UPLOAD_MB_ENV, config.MAX_UPLOAD_ROWS_ENV):
        monkeypatch.delenv(name, raising=False)


def test_defaults():
    assert config.db_path() == REPO_ROOT / "instance" / "mpi_dash.sqlite"
    assert config.workbook_path() == REPO_ROOT / "data" / "plan_2023.xlsx"
    assert not config.read_only_workbook()
    assert config.max_upload_mb() == 10  # server.maxUploadSize of .streamlit/config.toml
    limits = config.upload_limits()
    assert limits.max_file_bytes == 10 * 1024 * 1024 and limits.max_rows == 500_000


@pytest.mark.parametrize(("db", "workbook", "read_only"), [
    (None, None, False), ("a.sqlite", None, False), (None, "libro.xlsx", True),
    ("a.sqlite", "libro.xlsx", False),  # both: the store at $MPI_DASH_DB, seeded from that workbook
])
def test_read_only_workbook_only_with_a_workbook_and_no_database(monkeypatch, tmp_path, db, workbook,
                                                                  read_only):
    if db:
        monkeypatch.setenv(config.DB_ENV, str(tmp_path / db))
    if workbook:
        monkeypatch.setenv(config.WORKBOOK_ENV, str(tmp_path / workbook))
    assert config.read_only_workbook() is read_only
    assert config.db_path() == (tmp_path / db if db else config.DEFAULT_DB)
    assert config.workbook_path() == (tmp_path / workbook if workbook else config.BUNDLED_WORKBOOK)


@pytest.mark.parametrize(("value", "expected"), [("5", 5), (" 12 ", 12), ("10.0", 10)])
def test_max_upload_mb_from_environment(monkeypatch, value, expected):
    monkeypatch.setenv(config.MAX_UPLOAD_MB_ENV, value)
    assert config.max_upload_mb() == expected
    assert config.upload_limits().max_file_bytes == expected * 1024 * 1024


def test_max_upload_rows_from_environment(monkeypatch):
    monkeypatch.setenv(config.MAX_UPLOAD_ROWS_ENV, "2")
    assert config.upload_limits().max_rows == 2


def test_streamlit_config_missing_or_unreadable_falls_back_to_10(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "STREAMLIT_CONFIG", tmp_path / "no_existe.toml")
    assert config.max_upload_mb() == 10
    broken = tmp_path / "config.toml"
    broken.write_text("[server\nmaxUploadSize = ", "utf-8")
    monkeypatch.setattr(config, "STREAMLIT_CONFIG", broken)
    assert config.max_upload_mb() == 10
    broken.write_text("[server]\nmaxUploadSize = 25\n", "utf-8")
    assert config.max_upload_mb() == 25


@pytest.mark.parametrize("value", ["abc", "0", "-3", "2.5", "nan", "inf", "1e400", "10 MB"])
@pytest.mark.parametrize("variable", [config.MAX_UPLOAD_MB_ENV, config.MAX_UPLOAD_ROWS_ENV])
def test_invalid_limit_variables_are_a_spanish_error(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=f"La variable de entorno {variable} vale «{value}»; "
                                          "se esperaba un número entero"):
        config.upload_limits()


@pytest.mark.parametrize(("value", "hours"), [(None, 8.0), ("12", 12.0), ("0,5", 0.5), ("1.5", 1.5)])
def test_session_idle_hours(monkeypatch, value, hours):
    if value is not None:
        monkeypatch.setenv(config.SESSION_HOURS_ENV, value)
    else:
        monkeypatch.delenv(config.SESSION_HOURS_ENV, raising=False)
    assert config.session_idle_hours() == hours


@pytest.mark.parametrize("value", ["ocho", "0", "-3", "1000", "nan"])
def test_invalid_session_hours_is_a_spanish_config_error(monkeypatch, value):
    monkeypatch.setenv(config.SESSION_HOURS_ENV, value)
    with pytest.raises(ConfigError, match=f"MPI_DASH_SESION_HORAS vale «{value}»"):
        config.session_idle_hours()


@pytest.mark.parametrize(("value", "public"), [(None, False), ("", False), ("0", False), ("1", True),
                                               ("sí", True), ("TRUE", True), ("no", False)])
def test_public_reading_is_off_by_default(monkeypatch, value, public):
    if value is None:
        monkeypatch.delenv(config.PUBLIC_READING_ENV, raising=False)
    else:
        monkeypatch.setenv(config.PUBLIC_READING_ENV, value)
    assert config.public_reading() is public


def test_invalid_public_reading_value(monkeypatch):
    monkeypatch.setenv(config.PUBLIC_READING_ENV, "quizá")
    with pytest.raises(ConfigError, match="MPI_DASH_LECTURA_PUBLICA vale «quizá»"):
        config.public_reading()


def test_server_listens_on_localhost_by_default():
    import tomllib

    settings = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert settings["server"]["address"] == "127.0.0.1"
