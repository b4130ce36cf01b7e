"""The single data-access point of the dashboard.

Pages call :func:`current_version` (cheap) to key their cache and
:func:`load_dataset` to get the data.  The data come from the latest revision of
the SQLite store (``mpi_dash.store``: ``$MPI_DASH_DB`` or ``instance/mpi_dash.sqlite``,
created and seeded from the bundled workbook on first use).

Developer override: when ``$MPI_DASH_WORKBOOK`` is set and ``$MPI_DASH_DB`` is not, the
dashboard reads that workbook directly, read-only (tests and quick previews of a file);
with both set, the store at ``$MPI_DASH_DB`` is seeded from that workbook.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORKBOOK = REPO_ROOT / "data" / "plan_2023.xlsx"
WORKBOOK_ENV = "MPI_DASH_WORKBOOK"


@dataclass(frozen=True)
class Dataset:
    """Everything a page needs: plan, actuals, thresholds and where they came from."""

    plan: pd.DataFrame
    avances: pd.DataFrame
    parametros: dict[str, float] = field(default_factory=dict)
    version: str = ""
    ilustrativo: bool = False
    origen: str = ""


def workbook_path() -> Path:
    """The workbook the dashboard reads (environment override, else the bundled plan)."""
    return Path(os.environ.get(WORKBOOK_ENV) or DEFAULT_WORKBOOK)


def use_store() -> bool:
    """True unless only ``$MPI_DASH_WORKBOOK`` is set (read-only workbook mode, see module doc)."""
    from mpi_dash.store import DB_ENV

    return bool(os.environ.get(DB_ENV)) or not os.environ.get(WORKBOOK_ENV)


def current_version() -> str:
    """A cheap key that changes whenever the data change (store: latest revision; workbook: path/size/mtime)."""
    if use_store():
        from mpi_dash import store

        return store.version_key()
    path = workbook_path()
    stat = path.stat()
    raw = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def load_dataset() -> Dataset:
    """The current data (latest store revision); raises ``StoreError``/``WorkbookError`` on invalid data."""
    if use_store():
        return _load_from_store()
    from mpi_dash.workbook import read_workbook

    path = workbook_path()
    version = current_version()
    data = read_workbook(path)
    return Dataset(
        plan=data.plan,
        avances=data.avances,
        parametros=dict(data.parametros),
        version=version,
        ilustrativo=bool(data.parametros.get("datos_ilustrativos", 0)),
        origen=f"Libro {path.name}",
    )


def _load_from_store() -> Dataset:
    from mpi_dash import store
    from mpi_dash.formatting import local_datetime

    revision, snapshot = store.load_snapshot()
    info = store.revision_info(revision)
    return Dataset(
        plan=snapshot.plan,
        avances=snapshot.avances,
        parametros=dict(snapshot.parametros),
        version=store.version_key(),
        ilustrativo=bool(snapshot.parametros.get("datos_ilustrativos", 0)),
        origen=f"Base de datos, revisión {revision} ({local_datetime(info['fecha'])}, {info['autor']})",
    )
