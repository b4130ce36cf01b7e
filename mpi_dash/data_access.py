"""The data the dashboard pages show: :func:`load_dataset` and its cheap cache key :func:`current_version`.

The dashboard pages (through ``ui_common.get_data``) get their data only here.  The data come from the
latest revision of the store (``mpi_dash.store.Store()``: ``$MPI_DASH_DB`` or ``instance/mpi_dash.sqlite``,
created and seeded on first use).  The upload and history pages work on the store itself (they need
previews, revisions and writes, not just the current data).

Read-only workbook mode (``config.read_only_workbook()``: ``$MPI_DASH_WORKBOOK`` set, ``$MPI_DASH_DB``
not): the dashboard reads that workbook directly and there is no store (developers' quick previews and the
dashboard tests).  With both set, the store at ``$MPI_DASH_DB`` is seeded from that workbook.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pandas as pd

from mpi_dash import config
from mpi_dash.schema import ILLUSTRATIVE_FLAG

if TYPE_CHECKING:
    from mpi_dash.store import Store


@dataclass(frozen=True)
class Dataset:
    """Everything a page needs: plan, actuals, thresholds and where they came from."""

    plan: pd.DataFrame
    avances: pd.DataFrame
    parametros: dict[str, float] = field(default_factory=dict)
    version: str = ""
    ilustrativo: bool = False
    origen: str = ""    # in plain words: «Datos cargados el 12/07/2023 10:00 por … (revisión 3)»


def current_version() -> str:
    """A cheap key that changes whenever the data change (store: latest revision; workbook: path, size,
    mtime)."""
    if not config.read_only_workbook():
        from mpi_dash.store import Store

        return Store().version_key()
    path = config.workbook_path()
    stat = path.stat()
    raw = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def load_dataset(store: Store | None = None) -> Dataset:
    """The current data (latest store revision); raises ``StoreError``/``WorkbookError`` on invalid data.
    ``store``: read that store (the command line's ``--db``) instead of the configured one."""
    if store is not None or not config.read_only_workbook():
        return _load_from_store(store)
    from mpi_dash.workbook import read_workbook

    from mpi_dash.formatting import local_datetime

    path = config.workbook_path()
    version = current_version()
    data = read_workbook(path)
    saved = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    return Dataset(
        plan=data.plan,
        avances=data.avances,
        parametros=dict(data.parametros),
        version=version,
        ilustrativo=bool(data.parametros.get(ILLUSTRATIVE_FLAG, 0)),
        origen=f"Datos del libro {path.name}, guardado el {local_datetime(saved)}",
    )


def _load_from_store(store: Store | None = None) -> Dataset:
    from mpi_dash.formatting import local_datetime
    from mpi_dash.store import Store

    store = store or Store()
    revision, snapshot = store.load_snapshot()
    info = store.revision_info(revision)
    return Dataset(
        plan=snapshot.plan,
        avances=snapshot.avances,
        parametros=dict(snapshot.parametros),
        version=store.version_key(),
        ilustrativo=bool(snapshot.parametros.get(ILLUSTRATIVE_FLAG, 0)),
        origen=f"Datos cargados el {local_datetime(info['fecha'])} por {info['autor']} (revisión {revision})",
    )
