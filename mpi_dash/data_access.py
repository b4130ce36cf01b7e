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

        store = Store()
        return store.data_key()  # revision and approval record: an approval changes what pages show
    path = config.workbook_path()
    stat = path.stat()
    raw = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def load_dataset(store: Store | None = None) -> Dataset:
    """The current data (latest store revision); raises ``StoreError``/``WorkbookError`` on invalid data.
    ``store``: read that store (the command line's ``--db``) instead of the configured one."""
    if store is not None or not config.read_only_workbook():
        return _load_from_store(store=store)
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


def _load_from_store(revision: int | None = None, store: Store | None = None) -> Dataset:
    """The latest revision (``version`` = data version incl. approvals) or revision ``revision`` (``version``
    = database file + revision: a revision never changes).  ``store``: that store (the command line's ``--db``)
    instead of the configured one."""
    from mpi_dash.formatting import local_datetime
    from mpi_dash.store import Store

    store = store or Store()
    rev, snapshot = store.load_snapshot(revision)
    info = store.revision_info(rev)
    version = (store.data_key() if revision is None
               else f"{store.path.resolve()}#r{rev}")
    return Dataset(
        plan=snapshot.plan,
        avances=snapshot.avances,
        parametros=dict(snapshot.parametros),
        version=version,
        ilustrativo=bool(snapshot.parametros.get(ILLUSTRATIVE_FLAG, 0)),
        origen=f"Datos cargados el {local_datetime(info['fecha'])} por {info['autor']} (revisión {rev})",
    )


# --------------------------------------------------------------------------- approvals (issue 10)
def approval_events() -> pd.DataFrame:
    """Every approval event (``mpi_dash.approvals.EVENT_COLUMNS``); none in read-only workbook mode (no
    store: nothing can be approved, every figure is preliminary)."""
    from mpi_dash.approvals import empty_events

    if config.read_only_workbook():
        return empty_events()
    from mpi_dash.store import Store

    return Store().approval_events()


def load_revision(revision: int) -> Dataset:
    """The data of one revision of the store (the figures an approval pinned)."""
    return _load_from_store(revision)


def revision_times() -> tuple[dict[int, str], str | None]:
    """({revision: UTC ISO time}, time of the current data): the SIPOT «Fecha de actualización» of the
    figures shown.  Read-only workbook mode: no revisions, the workbook's modification time."""
    if config.read_only_workbook():
        saved = datetime.fromtimestamp(config.workbook_path().stat().st_mtime, tz=timezone.utc)
        return {}, saved.isoformat(timespec="seconds")
    from mpi_dash.store import Store

    revisions = Store().list_revisions()
    times = {int(n): str(f) for n, f in zip(revisions["numero"], revisions["fecha"], strict=True)}
    return times, times[max(times)] if times else None
