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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pandas as pd

from mpi_dash import config
from mpi_dash.formatting import join_words
from mpi_dash.schema import ILLUSTRATIVE_FLAG, program_number

if TYPE_CHECKING:
    from mpi_dash.store import Store


def illustrative_notice(programas: Iterable[str]) -> str:
    """The notice of where bundled sample values remain, without a final period: «Datos ilustrativos en el
    programa 3», «Datos ilustrativos en los programas 1, 2, 4, 5 y 6»; '' when none remain."""
    numbers = _program_order(programas)
    if not numbers:
        return ""
    where = f"el programa {numbers[0]}" if len(numbers) == 1 else f"los programas {join_words(numbers)}"
    return f"Datos ilustrativos en {where}"


#: What the notice adds on every page, slide, PDF and PPTX: the values are examples, not official figures.
NOT_OFFICIAL = "sus avances incluyen cifras de ejemplo, que no son cifras oficiales del MPI CDMX"


def _program_order(programas: Iterable[str]) -> list[str]:
    """Program numbers, each once, in numeric order ('2' before '10')."""
    return sorted({str(p) for p in programas}, key=lambda p: (not p.isdigit(), int(p) if p.isdigit() else 0, p))


@dataclass(frozen=True)
class Dataset:
    """Everything a page needs: plan, actuals, thresholds and where they came from.

    ``programas_ilustrativos``: the programs (numbers, in order) with at least one avances row that still
    holds a bundled sample value (``Snapshot.muestras``); empty when every value is a real one.
    """

    plan: pd.DataFrame
    avances: pd.DataFrame
    parametros: dict[str, float] = field(default_factory=dict)
    version: str = ""
    programas_ilustrativos: tuple[str, ...] = ()
    origen: str = ""    # in plain words: «Datos cargados el 12/07/2023 10:00 por … (revisión 3)»

    @property
    def ilustrativo(self) -> bool:
        """Some sample values remain (the notice is shown)."""
        return bool(self.programas_ilustrativos)

    @property
    def aviso_ilustrativo(self) -> str:
        """«Datos ilustrativos en los programas 1, 2, 4, 5 y 6: sus avances incluyen cifras de ejemplo, que no
        son cifras oficiales del MPI CDMX.» ('' when none remain): the sentence every page, slide, PDF and
        PPTX shows."""
        head = illustrative_notice(self.programas_ilustrativos)
        return f"{head}: {NOT_OFFICIAL}." if head else ""


def sample_lines(rows: pd.DataFrame) -> list[str]:
    """Where sample values remain, one line per program, from ``Store.sample_rows``: «Programa 1: 104 valores
    (2022: 52, 2023: 52)», «Programa 6: 1 valor (2023)»."""
    lines = []
    for programa in _program_order(rows["programa"]):
        mine = rows.loc[rows["programa"] == programa]
        years = mine.groupby("anio").size()
        n = len(mine)
        detail = (f"{int(years.index[0])}" if len(years) == 1
                  else ", ".join(f"{int(a)}: {int(k):,}" for a, k in years.items()))
        lines.append(f"Programa {programa}: {n:,} {'valor' if n == 1 else 'valores'} ({detail})")
    return lines


def programs_with_samples(muestras: Iterable[tuple[str, int, int]]) -> tuple[str, ...]:
    """The programs of the sample rows' keys ``(clave, anio, trimestre)``, in numeric order."""
    return tuple(_program_order(program_number(clave) for clave, _, _ in muestras))


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
    from mpi_dash.formatting import local_datetime
    from mpi_dash.snapshot import sample_keys
    from mpi_dash.workbook import read_workbook

    path = config.workbook_path()
    version = current_version()
    data = read_workbook(path)
    saved = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    return Dataset(
        plan=data.plan,
        avances=data.avances,
        parametros=dict(data.parametros),
        version=version,
        # read directly, the workbook's avances are all samples when its Parámetros say so
        programas_ilustrativos=(programs_with_samples(sample_keys(data.avances))
                                if data.parametros.get(ILLUSTRATIVE_FLAG) == 1 else ()),
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
        programas_ilustrativos=programs_with_samples(snapshot.muestras),
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
