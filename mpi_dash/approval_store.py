"""Quarter approvals in the store: ``ApprovalStoreMixin`` (methods of ``mpi_dash.store.Store``) and the lock
check every revision goes through (:func:`check_approval_lock`, called by ``store._write_revision`` inside
THE write transaction, so an upload and an approval racing each other cannot both win).

Events are append-only rows of table ``aprobaciones`` (migration ``m004_approvals``); rules and wording in
``mpi_dash.approvals``.  Each transition checks the acting account as stored now (``_acting``): approve and
reopen need ``Permiso.APROBAR_TRIMESTRE`` (dirección), sending to review ``Permiso.ENVIAR_A_REVISION`` for
each program (a coordinación account: only its programs).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from mpi_dash import approvals
from mpi_dash.accounts import Account, Actor, CliActor, Permiso, PermissionDenied, puede
from mpi_dash.approvals import (
    Accion,
    ApprovalConflict,
    ApprovalError,
    Estado,
    check_transition,
    where_text,
)
from mpi_dash.errors import StoreError
from mpi_dash.formatting import count_text

if TYPE_CHECKING:
    from sqlite_utils import Database

    from mpi_dash.snapshot import RowChanges, Snapshot

_EVENTS_SQL = ("SELECT id, anio, trimestre, programa, estado, fecha, autor, usuario, origen, motivo, revision_id "
               "FROM aprobaciones")


@dataclass(frozen=True)
class Transition:
    """What an approval action did: the programs it moved (in numeric order), the programs left as they
    were because they already were in the target state (only when no program was named), the revision
    the events refer to, and the new state."""

    anio: int
    trimestre: int
    estado: Estado
    programas: tuple[str, ...]
    sin_cambio: tuple[str, ...]
    revision: int


def _events(db: Database, anio: int | None = None) -> pd.DataFrame:
    if not db["aprobaciones"].exists():
        return approvals.empty_events()
    sql, params = _EVENTS_SQL, []
    if anio is not None:
        sql += " WHERE anio = ?"
        params.append(int(anio))
    rows = db.execute(sql + " ORDER BY id", params).fetchall()
    frame = pd.DataFrame(rows, columns=list(approvals.EVENT_COLUMNS))
    if frame.empty:
        return approvals.empty_events()
    for col in ("id", "anio", "trimestre", "revision"):
        frame[col] = frame[col].astype("int64")
    for col in ("programa", "estado", "fecha", "autor", "usuario", "origen", "motivo"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def _year_programs(db: Database, anio: int) -> list[str]:
    from mpi_dash.schema import program_number
    from mpi_dash.store import _latest

    latest = _latest(db)
    rows = db.execute("SELECT clave FROM (SELECT clave, present, MAX(revision_id) AS r FROM plan_versions "
                      "WHERE revision_id <= ? AND anio = ? GROUP BY clave, anio) WHERE present = 1",
                      [latest, int(anio)]).fetchall()
    return approvals.program_sort(program_number(r[0]) for r in rows)


def check_approval_lock(db: Database, rc: RowChanges) -> None:
    """Refuse (``approvals.ApprovalLocked``, nothing saved) a revision that would change any cell an approved
    program-quarter's figures are computed from (``approvals.locked_cells``).  Runs inside the write
    transaction of the revision."""
    from mpi_dash.store import _latest, _snapshot

    if not db["aprobaciones"].exists():
        return
    states = approvals.current_states(_events(db))
    if approvals.approved(states).empty or not _touches(rc, states):
        return
    cells = approvals.locked_cells(rc, _snapshot(db, _latest(db)), states)
    if not cells.empty:
        raise approvals.ApprovalLocked(approvals.locked_message(cells), cells)


def _touches(rc: RowChanges, states: pd.DataFrame) -> bool:
    """A cheap first look (no snapshot read): could ``rc`` write an input of an approval?  A superset of
    ``dependencies.cut_inputs``: avances of a program and year with an approved quarter (that year) or of
    the year before one (its línea base), plan rows of an approved program-year, the thresholds."""
    from mpi_dash.schema import THRESHOLD_COLUMNS, program_number

    part = approvals.approved(states)
    years = {(int(a), str(p)) for a, p in zip(part["anio"], part["programa"], strict=True)}
    if any(k in THRESHOLD_COLUMNS for k in (*rc.parametros_set, *rc.parametros_removed)):
        return True
    for frame in (rc.avances_upserts, rc.avances_removed):
        for c, a in zip(frame["clave"], frame["anio"], strict=True):
            p = program_number(c)
            if (int(a), p) in years or (int(a) + 1, p) in years:
                return True
    for frame in (rc.plan_upserts, rc.plan_removed):
        for c, a in zip(frame["clave"], frame["anio"], strict=True):
            if (int(a), program_number(c)) in years:
                return True
    return False


class ApprovalStoreMixin:
    """Approval events and transitions (mixed into ``mpi_dash.store.Store``)."""

    # Provided by Store / AccountStoreMixin.
    def connection(self, *, auto_seed: bool = True) -> contextlib.AbstractContextManager[Database]: ...
    def _acting(self, actor: Actor, permiso: Permiso, programa: str | None = None
                ) -> contextlib.AbstractContextManager[tuple[Database, Actor]]: ...

    # ----------------------------------------------------------------------- reading
    def approval_events(self, anio: int | None = None) -> pd.DataFrame:
        """Every approval event (``approvals.EVENT_COLUMNS``), oldest first; ``fecha`` in UTC ISO."""
        with self.connection() as db:
            return _events(db, anio)

    def approval_states(self, anio: int | None = None) -> pd.DataFrame:
        """The state of every program-quarter that has an event (latest event per key)."""
        return approvals.current_states(self.approval_events(anio))

    def approvals_key(self) -> str:
        """Cheap cache key of the approval record (changes with every event)."""
        with self.connection() as db:
            if not db["aprobaciones"].exists():
                return "a0"
            return f"a{db.execute('SELECT COALESCE(MAX(id), 0) FROM aprobaciones').fetchone()[0]}"

    def year_programs(self, anio: int) -> list[str]:
        """Program numbers of the latest plan of ``anio`` (numeric order)."""
        with self.connection() as db:
            return _year_programs(db, anio)

    def changes_since_approval(self, anio: int) -> dict[tuple[int, str], pd.DataFrame]:
        """For every program-quarter of ``anio`` ever approved: its inputs (``approvals.changed_inputs``, the
        lock's rule; ``approvals.LOCKED_COLUMNS``) that differ between the revision of its last approval and
        the latest data (empty frame: nothing changed since).  For a program-quarter approved now, a
        non-empty frame means its approved figures no longer match the data (approved before the lock
        covered earlier quarters, or a database changed by hand)."""
        from mpi_dash.snapshot import row_changes
        from mpi_dash.store import _latest, _snapshot

        with self.connection() as db:
            events = _events(db, anio)
            last = events.loc[events["estado"] == Estado.APROBADA].drop_duplicates(
                ["trimestre", "programa"], keep="last")
            if last.empty:
                return {}
            latest = _latest(db)
            now = _snapshot(db, latest)
            snaps: dict[int, tuple[Snapshot, RowChanges]] = {}
            out = {}
            for row in last.itertuples(index=False):
                rev = int(row.revision)
                if rev not in snaps:
                    snap = _snapshot(db, rev)
                    snaps[rev] = (snap, row_changes(snap, now))
                snap, changes = snaps[rev]
                out[(int(row.trimestre), str(row.programa))] = approvals.changed_inputs(snap, now, row._asdict(),
                                                                                        changes=changes)
            return out

    def locked_by_approval(self, preview) -> pd.DataFrame:  # noqa: ANN001 - store.Preview
        """The cells of an upload preview that approvals lock now (``approvals.LOCKED_COLUMNS``; empty: none)
        — for the upload page to warn before confirming; the commit checks again inside its transaction."""
        from mpi_dash.snapshot import row_changes

        with self.connection() as db:
            states = approvals.current_states(_events(db))
        if approvals.approved(states).empty:
            return pd.DataFrame(columns=list(approvals.LOCKED_COLUMNS))
        return approvals.locked_cells(row_changes(preview.before, preview.after), preview.before, states)

    # ----------------------------------------------------------------------- transitions
    def approve(self, anio: int, trimestre: int, programas: Iterable[str] | None = None, *, actor: Actor,
                motivo: str | None = None, revision: int | None = None) -> Transition:
        """Approve the program-quarters (all programs of the year when ``programas`` is None), pinning the
        latest revision.  ``revision``: the one the person reviewed — if a later revision changed those
        figures, :class:`approvals.ApprovalConflict` and nothing is approved.  Dirección only."""
        return self._transition(Accion.APROBAR, anio, trimestre, programas, actor=actor, motivo=motivo,
                                revision=revision)

    def reopen(self, anio: int, trimestre: int, programas: Iterable[str] | None = None, *, actor: Actor,
               motivo: str) -> Transition:
        """Reopen approved program-quarters (motivo required): lifts the lock.  Dirección only."""
        return self._transition(Accion.REABRIR, anio, trimestre, programas, actor=actor, motivo=motivo)

    def submit_for_review(self, anio: int, trimestre: int, programas: Iterable[str] | None = None, *,
                          actor: Actor, motivo: str | None = None, revision: int | None = None) -> Transition:
        """Send program-quarters to review (optional step; a coordinación account: its programs only)."""
        return self._transition(Accion.ENVIAR, anio, trimestre, programas, actor=actor, motivo=motivo,
                                revision=revision)

    def _transition(self, accion: Accion, anio: int, trimestre: int, programas: Iterable[str] | None, *,
                    actor: Actor, motivo: str | None, revision: int | None = None) -> Transition:
        from mpi_dash.store import ORIGIN_CLI, ORIGIN_WEB, _latest, _now, _require_text

        if not 1 <= int(trimestre) <= 4:
            raise StoreError(f"El trimestre {trimestre} no existe: se esperaba 1 a 4 (Marzo a Diciembre).")
        motivo = (motivo or "").strip() or None
        permiso = Permiso.ENVIAR_A_REVISION if accion is Accion.ENVIAR else Permiso.APROBAR_TRIMESTRE
        with self._acting(actor, permiso) as (db, who):
            every = _year_programs(db, anio)
            if not every:
                raise StoreError(f"El plan no tiene indicadores del año {anio}: no hay nada que "
                                 f"{'aprobar' if accion is Accion.APROBAR else 'cambiar'}.")
            named = programas is not None
            chosen = approvals.program_sort(programas) if named else [
                p for p in every if accion is not Accion.ENVIAR or puede(who, permiso, p)]
            unknown = [p for p in chosen if p not in every]
            if unknown:
                raise StoreError(f"El plan de {anio} no tiene {'el programa' if len(unknown) == 1 else 'los programas'} "
                                 f"{approvals.join_words(unknown)} (programas: {approvals.join_words(every)}).")
            foreign = [p for p in chosen if not puede(who, permiso, p)]
            if foreign or not chosen:
                mine = ", ".join(sorted(who.programas)) or "ninguno"
                raise PermissionDenied(f"Su cuenta solo puede enviar a revisión sus programas ({mine}); no "
                                       f"{approvals.join_words(foreign) if foreign else 'hay ninguno en ' + str(anio)}. "
                                       "No se guardó nada.")
            states = approvals.current_states(_events(db, anio))
            target, moved, unchanged, refusals = approvals.TARGET[accion], [], [], []
            for p in chosen:
                actual = approvals.state_of(states, anio, trimestre, p)
                try:
                    check_transition(accion, actual, where=where_text(p, anio, trimestre), motivo=motivo,
                                     row=approvals._row(states, anio, trimestre, p))
                    moved.append(p)
                except ApprovalError as exc:
                    if accion is Accion.REABRIR and not motivo:
                        raise
                    if not named:  # every program of the year: those it does not apply to stay as they are
                        unchanged.append(p)
                    else:
                        refusals.append(str(exc))
            if refusals:
                raise ApprovalError(" ".join(refusals) + " No se guardó nada.")
            if not moved:
                what = {Accion.APROBAR: "los programas ya estaban aprobados",
                        Accion.REABRIR: "ningún programa estaba aprobado",
                        Accion.ENVIAR: "los programas ya estaban enviados a revisión o aprobados"}[accion]
                raise ApprovalError(f"Nada que hacer en {approvals.quarter_label(trimestre)} {anio}: {what}. "
                                    "No se guardó nada.")
            latest = _latest(db)
            if revision is not None and int(revision) != latest and accion is not Accion.REABRIR:
                _check_unchanged(db, int(revision), latest, anio, trimestre, moved)
            if isinstance(who, CliActor):
                autor, usuario, origen = _require_text(who.nombre, "el nombre de quien aprueba"), None, ORIGIN_CLI
            else:
                assert isinstance(who, Account)
                autor, usuario, origen = who.nombre, who.usuario, ORIGIN_WEB
            when = _now()
            db["aprobaciones"].insert_all(
                [{"anio": int(anio), "trimestre": int(trimestre), "programa": p, "estado": str(target),
                  "fecha": when, "autor": autor, "usuario": usuario, "origen": origen, "motivo": motivo,
                  "revision_id": latest} for p in moved])
            return Transition(int(anio), int(trimestre), target, tuple(moved), tuple(unchanged), latest)


def _check_unchanged(db: Database, seen: int, latest: int, anio: int, trimestre: int,
                     programas: list[str]) -> None:
    """The person reviewed revision ``seen``; refuse when a later revision changed the inputs of the figures
    about to be approved (an upload that won the race)."""
    from mpi_dash.snapshot import row_changes
    from mpi_dash.store import _check_revision, _snapshot

    _check_revision(latest, seen)
    before = _snapshot(db, seen)
    pretend = pd.DataFrame([{"anio": int(anio), "trimestre": int(trimestre), "programa": p,
                             "estado": str(Estado.APROBADA), "autor": "", "fecha": None, "revision": seen}
                            for p in programas])
    cells = approvals.locked_cells(row_changes(before, _snapshot(db, latest)), before, pretend)
    if cells.empty:
        return
    changed = approvals.program_sort(cells["programa"])
    n = len(approvals._distinct_cells(cells))
    raise ApprovalConflict(
        f"Mientras usted revisaba las cifras (revisión {seen}) se guardó la revisión {latest}, que cambia "
        f"{count_text(n, 'celda', 'celdas')} de {'el programa' if len(changed) == 1 else 'los programas'} "
        f"{approvals.join_words(changed)}. No se aprobó nada: revise las cifras nuevas y apruebe otra vez.")


__all__ = ["ApprovalConflict", "ApprovalError", "ApprovalStoreMixin", "Transition", "check_approval_lock"]
