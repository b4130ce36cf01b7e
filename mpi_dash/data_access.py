"""The single data-access point of the dashboard.

Pages call :func:`current_version` (cheap) to key their cache and
:func:`load_dataset` to get the data.  Today the data come from the bundled
workbook; the store (SQLite) replaces this source without touching pages.
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


def current_version() -> str:
    """A cheap key that changes whenever the data change (path, size, mtime)."""
    path = workbook_path()
    stat = path.stat()
    raw = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def load_dataset() -> Dataset:
    """Read and validate the current data; raises ``WorkbookError`` on invalid data."""
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
