"""Settings of the dashboard and its store: the ONE module that reads environment variables and the
Streamlit config file (the store, the pages and the command line ask here).

* ``$MPI_DASH_DB``: the SQLite database (default ``instance/mpi_dash.sqlite``, git-ignored).
* ``$MPI_DASH_WORKBOOK``: the workbook that seeds an empty database (default the bundled
  ``data/plan_2023.xlsx``).  Set WITHOUT ``$MPI_DASH_DB`` it puts the dashboard in *read-only workbook
  mode*: it reads that workbook directly, and the upload and history pages are disabled (developers'
  quick previews and the dashboard tests).
* Upload limits, the same for the upload page and ``python -m mpi_dash import``:
  ``$MPI_DASH_MAX_UPLOAD_MB``, else ``server.maxUploadSize`` of ``.streamlit/config.toml`` (the limit the
  browser enforces), else 10 MB; ``$MPI_DASH_MAX_UPLOAD_ROWS`` overrides the rows per sheet (tests).
  A value that is not a positive whole number is a :class:`~mpi_dash.errors.ConfigError` (Spanish).
* ``$MPI_DASH_SESION_HORAS``: hours without use after which a signed-in session ends (default 8; decimals
  allowed, e.g. 0.5).
* ``$MPI_DASH_LECTURA_PUBLICA``: ``1`` (or ``si``/``true``) opens the dashboard pages, read-only, to anyone
  who reaches the server, without an account (default: off, everything needs an account).

Values are read on every call (cheap), so a test or a restarted server sees the current environment.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mpi_dash.errors import ConfigError

if TYPE_CHECKING:
    from mpi_dash.workbook import Limits

REPO_ROOT = Path(__file__).resolve().parent.parent
DB_ENV = "MPI_DASH_DB"
WORKBOOK_ENV = "MPI_DASH_WORKBOOK"
MAX_UPLOAD_MB_ENV = "MPI_DASH_MAX_UPLOAD_MB"
MAX_UPLOAD_ROWS_ENV = "MPI_DASH_MAX_UPLOAD_ROWS"
SESSION_HOURS_ENV = "MPI_DASH_SESION_HORAS"
PUBLIC_READING_ENV = "MPI_DASH_LECTURA_PUBLICA"

DEFAULT_DB = REPO_ROOT / "instance" / "mpi_dash.sqlite"
BUNDLED_WORKBOOK = REPO_ROOT / "data" / "plan_2023.xlsx"
STREAMLIT_CONFIG = REPO_ROOT / ".streamlit" / "config.toml"
DEFAULT_MAX_UPLOAD_MB = 10
DEFAULT_SESSION_HOURS = 8.0
_TRUE = {"1", "si", "sí", "true", "yes", "on"}
_FALSE = {"", "0", "no", "false", "off"}


def db_path() -> Path:
    """The database file: ``$MPI_DASH_DB``, else ``instance/mpi_dash.sqlite``."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def workbook_path() -> Path:
    """The workbook that seeds an empty database, and the one read in read-only workbook mode."""
    return Path(os.environ.get(WORKBOOK_ENV) or BUNDLED_WORKBOOK)


def read_only_workbook() -> bool:
    """True when only ``$MPI_DASH_WORKBOOK`` is set: the dashboard reads it directly, no store (no uploads,
    no history)."""
    return bool(os.environ.get(WORKBOOK_ENV)) and not os.environ.get(DB_ENV)


def _positive_int_env(name: str, what: str) -> int | None:
    """``$name`` as a positive integer, None when unset; a Spanish :class:`ConfigError` when invalid."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not (value == value and value >= 1 and value < 1e12 and value.is_integer()):
        raise ConfigError(f"La variable de entorno {name} vale «{raw}»; se esperaba un número entero de "
                          f"{what} mayor que 0 (por ejemplo 10). Corríjala o bórrela y reinicie el tablero.")
    return int(value)


def max_upload_mb() -> int:
    """Upload size limit in MB: ``$MPI_DASH_MAX_UPLOAD_MB``, else ``server.maxUploadSize`` of
    ``.streamlit/config.toml`` (the same limit the browser enforces), else 10."""
    env = _positive_int_env(MAX_UPLOAD_MB_ENV, "megabytes")
    if env is not None:
        return env
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        import tomllib

        return int(tomllib.loads(STREAMLIT_CONFIG.read_text("utf-8"))["server"]["maxUploadSize"])
    return DEFAULT_MAX_UPLOAD_MB


def upload_limits() -> Limits:
    """``workbook.Limits`` for uploads (page and command line alike): the configured size and row limits."""
    from mpi_dash.workbook import Limits

    limits = Limits(max_file_bytes=max_upload_mb() * 1024 * 1024)
    rows = _positive_int_env(MAX_UPLOAD_ROWS_ENV, "filas")
    return limits if rows is None else replace(limits, max_rows=rows)


def session_idle_hours() -> float:
    """Hours without use after which a session ends: ``$MPI_DASH_SESION_HORAS``, else 8."""
    raw = os.environ.get(SESSION_HOURS_ENV, "").strip()
    if not raw:
        return DEFAULT_SESSION_HOURS
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = float("nan")
    if not (value == value and 0 < value <= 24 * 30):
        raise ConfigError(f"La variable de entorno {SESSION_HOURS_ENV} vale «{raw}»; se esperaba un número de "
                          "horas mayor que 0 y de a lo más 720 (por ejemplo 8). Corríjala o bórrela y reinicie "
                          "el tablero.")
    return value


def public_reading() -> bool:
    """True when ``$MPI_DASH_LECTURA_PUBLICA`` opens the dashboard pages (read-only) without an account."""
    raw = os.environ.get(PUBLIC_READING_ENV, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"La variable de entorno {PUBLIC_READING_ENV} vale «{raw}»; se esperaba 1 (abrir las "
                      "páginas del tablero sin cuenta, solo lectura) o 0 (todo requiere cuenta).")
