"""The figures of a cut read from the store, exactly as the dashboard shows them: approved programs from the
revision their approval pinned, the others from the latest data (``ultimas=True``: the latest data for all).

For the command line (``report`` without a workbook) and the presentation / PDF report.  Approved programs
whose inputs changed after their approval (``approvals.drift``: approved before the lock covered earlier
quarters) are named in the stamp, and are the ones ``ultimas=True`` counts as preliminary.  The dashboard
does the same through ``ui_common`` (cached per data version and view); both assemble with
``approvals.approved_frame``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from mpi_dash import approvals


@dataclass(frozen=True)
class StoreCut:
    """One cut (year, quarter) from the store, in one view."""

    anio: int
    trimestre: int
    cut: pd.DataFrame            # summary.at_cutoff, approved programs from their pinned revision
    parametros: dict[str, float]
    events: pd.DataFrame         # approval events (approvals.EVENT_COLUMNS)
    states: pd.DataFrame         # approvals.current_states(events)
    programas: list[str]         # programs of the year's plan
    shown_latest: tuple[str, ...]  # approved programs shown with their latest (different) figures
    drifted: dict[str, pd.DataFrame]  # approvals.drift: approved programs whose inputs changed since
    stamp: str                   # approvals.stamp_text of what is shown
    firmas: dict[str, str]       # approvals.firmas of the cut


class _Cache:
    """Snapshots and engine results per revision, computed once per call."""

    def __init__(self, store) -> None:  # noqa: ANN001 - mpi_dash.store.Store
        self.store = store
        self.data: dict[int | None, tuple] = {}

    def get(self, revision: int | None) -> tuple:  # (snapshot, results)
        from mpi_dash.engine import compute_all

        if revision not in self.data:
            _, snap = self.store.load_snapshot(revision)
            self.data[revision] = (snap, compute_all(snap.plan, snap.avances, snap.parametros))
        return self.data[revision]


def years(store) -> list[int]:  # noqa: ANN001
    """Plan years of the latest data."""
    _, snap = store.load_snapshot()
    return sorted({int(y) for y in snap.plan["anio"].unique()})


def _assemble(latest: pd.DataFrame, frame_at: Callable[[int], pd.DataFrame], states: pd.DataFrame, anio: int,
              trimestre: int, ultimas: bool, **kwargs) -> pd.DataFrame:  # noqa: ANN003
    if ultimas:
        return latest
    return approvals.approved_frame(latest, frame_at, states, anio, trimestre, **kwargs)


def store_cut(store, anio: int, trimestre: int, *, ultimas: bool = False,  # noqa: ANN001
              cache: _Cache | None = None) -> StoreCut:
    """The cut-off frame of (anio, trimestre) as the dashboard shows it, with its stamp and signatures
    (``cache``: share the revisions already read with other cuts)."""
    from mpi_dash.summary import at_cutoff

    cache = cache or _Cache(store)
    snap, results = cache.get(None)
    events = store.approval_events()
    states = approvals.current_states(events)

    def cut_at(revision: int | None) -> pd.DataFrame:
        s, r = cache.get(revision)
        return at_cutoff(r, s.plan, anio, trimestre)

    by_program = lambda f: f["programa_num"].astype(str)  # noqa: E731
    latest = cut_at(None)
    approved = approvals.approved_frame(latest, cut_at, states, anio, trimestre, program_of=by_program)
    programas = approvals.program_sort(latest["programa_num"].astype(str))
    drifted = approvals.drift(states, anio, trimestre, lambda r: cache.get(r)[0], snap)
    shown_latest = tuple(drifted) if ultimas else ()
    return StoreCut(int(anio), int(trimestre), latest if ultimas else approved, dict(snap.parametros), events,
                    states, programas, shown_latest, drifted,
                    approvals.stamp_text(states, anio, trimestre, programas, shown_latest=shown_latest,
                                         drifted=drifted),
                    approvals.firmas(events, anio, trimestre))


def store_series(store, anio: int, trimestre: int, *, ultimas: bool = False) -> list[StoreCut]:  # noqa: ANN001
    """:func:`store_cut` of every quarter from Marzo to ``trimestre`` (each revision read once): what the
    presentation and the informe present — the cut frames, and the last one's stamp and signatures."""
    cache = _Cache(store)
    return [store_cut(store, anio, k, ultimas=ultimas, cache=cache) for k in range(1, int(trimestre) + 1)]


def store_report(store, anio: int, trimestre: int, *, nivel: str = "indicador",  # noqa: ANN001
                 ultimas: bool = False) -> pd.DataFrame:
    """``report`` from the store: per indicator exactly ``schema.REPORT_FIELDS`` (approved programs from
    their pinned revision), or per program ``programs.PROGRAM_REPORT_FIELDS`` (with the approval fields)."""
    if nivel == "programa":
        from mpi_dash.programs import program_report

        found = store_cut(store, anio, trimestre, ultimas=ultimas)
        return program_report(found.cut, found.parametros, found.states)
    from mpi_dash.engine import report

    cache = _Cache(store)

    def report_at(revision: int | None) -> pd.DataFrame:
        s, _ = cache.get(revision)
        return report(s.plan, s.avances, anio, trimestre, s.parametros)

    states = approvals.current_states(store.approval_events())
    return _assemble(report_at(None), report_at, states, anio, trimestre, ultimas)
