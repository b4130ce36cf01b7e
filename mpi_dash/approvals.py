"""Quarter approval: the state machine, the lock rule, the approved figures and THE stamp text.

An approval is recorded per (año, trimestre, programa) as append-only *events* (table ``aprobaciones`` of
the store, migration ``m004``); the state of a program-quarter is its latest event (none = «En captura»):

    En captura ──enviar (coordinación del programa)──▶ Enviada a revisión
    En captura / Enviada / Reabierta ──aprobar (dirección)──▶ Aprobada   (pins the revision current then)
    Aprobada ──reabrir (dirección, motivo obligatorio)──▶ Reabierta ──▶ … (enviar / aprobar again)

Every event records who, when (UTC), the motivo and the revision it refers to.  The store checks the
permission and the transition inside its write transaction (``Store.approve`` / ``reopen`` /
``submit_for_review``); this module holds the rules as pure functions (DataFrames in, values out).

* Lock (:func:`locked_cells`): while a program-quarter is approved, a revision may not change any stored
  value its figures are computed from — ``mpi_dash.dependencies.cut_inputs``: the program's Realizados,
  justificaciones and evidencias of that year up to that quarter, the previous year's Realizados its línea
  base reads, its Plan rows of that year and the semáforo thresholds of Parámetros.  The store calls it
  inside the SAME write transaction as every upload commit, revert and state save.
* Drift (:func:`drift`, :func:`changed_inputs`): with the same rule, the approved program-quarters whose
  inputs changed after their approval (approved before the rule covered earlier quarters, or a database
  changed by hand): the stamp and «Aprobación» name the claves until it is reopened and approved again.
* Approved figures (:func:`assemble_by_program`): the figures of an approved program-quarter are those of
  the pinned revision; a cut may mix programs pinned at different revisions, so frames are computed per
  revision and assembled program by program.
* :func:`stamp_text` is THE stamp («Cifras aprobadas por … el dd/mm/aaaa» / «Aprobadas: programas 1 y 3 ·
  preliminares: 2» / «Cifras preliminares (sin aprobar)») of pages and downloads; :func:`firmas` the
  signature block (Elaboró / Revisó / Aprobó) of a cut.

Stdlib, pandas, numpy, schema, snapshot, dependencies, formatting; no Streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from mpi_dash.dependencies import REALIZADO, TEXTS, CutInputs, cut_inputs
from mpi_dash.errors import StoreError
from mpi_dash.formatting import count_text, join_words, local_timezone, quarter_label
from mpi_dash.schema import AVANCES_COLUMNS, PLAN_COLUMNS, Semaforo, program_number
from mpi_dash.snapshot import PLAN_VALUES, RowChanges, Snapshot, row_changes, values_equal


class Estado(StrEnum):
    EN_CAPTURA = "en_captura"      # no event yet
    ENVIADA = "enviada"            # sent to review by coordinación (optional step)
    APROBADA = "aprobada"
    REABIERTA = "reabierta"


ESTADO_LABELS: dict[Estado, str] = {Estado.EN_CAPTURA: "En captura", Estado.ENVIADA: "Enviada a revisión",
                                    Estado.APROBADA: "Aprobada", Estado.REABIERTA: "Reabierta"}


class Accion(StrEnum):
    ENVIAR = "enviar"
    APROBAR = "aprobar"
    REABRIR = "reabrir"


#: The state each action leads to, and the states it may start from.
TARGET: dict[Accion, Estado] = {Accion.ENVIAR: Estado.ENVIADA, Accion.APROBAR: Estado.APROBADA,
                                Accion.REABRIR: Estado.REABIERTA}
ALLOWED_FROM: dict[Accion, frozenset[Estado]] = {
    Accion.ENVIAR: frozenset({Estado.EN_CAPTURA, Estado.REABIERTA}),
    Accion.APROBAR: frozenset({Estado.EN_CAPTURA, Estado.ENVIADA, Estado.REABIERTA}),
    Accion.REABRIR: frozenset({Estado.APROBADA}),
}
ACCION_LABELS: dict[Estado, str] = {Estado.ENVIADA: "Envío a revisión", Estado.APROBADA: "Aprobación",
                                    Estado.REABIERTA: "Reapertura"}

#: One approval event (``Store.approval_events``); ``fecha`` UTC ISO, ``revision`` the revision it refers to.
EVENT_COLUMNS: tuple[str, ...] = ("id", "anio", "trimestre", "programa", "estado", "fecha", "autor",
                                  "usuario", "origen", "motivo", "revision")
#: Columns of :func:`locked_cells` (a refused change), in Spanish words ready for a message: the cell (``campo``
#: its Spanish header), its value before and after, and the approved program-cut that depends on it
#: (``programa``, ``aprobada_anio``, ``aprobada_trimestre``) with who approved it and when (dd/mm/aaaa).
LOCKED_COLUMNS: tuple[str, ...] = ("tabla", "clave", "anio", "trimestre", "campo", "antes", "despues",
                                   "programa", "aprobada_anio", "aprobada_trimestre", "aprobada_por", "aprobada_el")
_HEADERS = {c.name: c.header for c in (*PLAN_COLUMNS, *AVANCES_COLUMNS)}
PRELIMINARY_STAMP = "Cifras preliminares (sin aprobar)"
MAX_LISTED_CELLS = 30


class ApprovalError(StoreError):
    """A transition that cannot be made (approving twice, reopening something not approved…)."""


class ApprovalLocked(StoreError):
    """A write that would change approved figures; ``celdas`` (:data:`LOCKED_COLUMNS`) lists them."""

    def __init__(self, message: str, celdas: pd.DataFrame) -> None:
        super().__init__(message)
        self.celdas = celdas


class ApprovalConflict(StoreError):
    """The figures changed after the person looked at them: nothing was approved."""


# --------------------------------------------------------------------------- states
def empty_events() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("id", "anio", "trimestre", "revision") else object)
                         for c in EVENT_COLUMNS})


def current_states(events: pd.DataFrame) -> pd.DataFrame:
    """The latest event per (anio, trimestre, programa) — the state of each program-quarter that has one
    (those without an event are «En captura»)."""
    if events.empty:
        return events.copy()
    latest = events.sort_values("id").drop_duplicates(["anio", "trimestre", "programa"], keep="last")
    return latest.sort_values(["anio", "trimestre", "programa"], key=_program_sort_key).reset_index(drop=True)


def _program_sort_key(column: pd.Series) -> pd.Series:
    if column.name != "programa":
        return column
    return column.map(lambda p: (0, int(p), "") if str(p).isdigit() else (1, 0, str(p)))


def program_sort(programas: Iterable[str]) -> list[str]:
    """Program numbers in numeric order ('2' before '10')."""
    return sorted({str(p) for p in programas}, key=lambda p: (not p.isdigit(), int(p) if p.isdigit() else 0, p))


def state_of(states: pd.DataFrame, anio: int, trimestre: int, programa: str) -> Estado:
    row = _row(states, anio, trimestre, programa)
    return Estado.EN_CAPTURA if row is None else Estado(row["estado"])


def _row(states: pd.DataFrame, anio: int, trimestre: int, programa: str) -> dict | None:
    if states.empty:
        return None
    hit = states.loc[(states["anio"] == int(anio)) & (states["trimestre"] == int(trimestre))
                     & (states["programa"].astype(str) == str(programa))]
    return None if hit.empty else hit.iloc[-1].to_dict()


def approved(states: pd.DataFrame, anio: int | None = None, trimestre: int | None = None) -> pd.DataFrame:
    """The program-quarters approved now (optionally of one cut)."""
    if states.empty:
        return states
    mask = states["estado"] == Estado.APROBADA
    if anio is not None:
        mask &= states["anio"] == int(anio)
    if trimestre is not None:
        mask &= states["trimestre"] == int(trimestre)
    return states.loc[mask]


def pinned_revisions(states: pd.DataFrame, anio: int, trimestre: int) -> dict[str, int]:
    """Program → the revision its approved figures come from, for the cut (approved programs only)."""
    part = approved(states, anio, trimestre)
    return {str(p): int(r) for p, r in zip(part["programa"], part["revision"], strict=True)}


def check_transition(accion: Accion, actual: Estado, *, where: str, motivo: str | None = None,
                     row: Mapping | None = None) -> Estado:
    """The state ``accion`` leads to from ``actual``; :class:`ApprovalError` (Spanish, naming ``where``,
    e.g. «el programa 1 en Junio 2023») when not allowed."""
    if accion is Accion.REABRIR and not (motivo or "").strip():
        raise ApprovalError("Falta el motivo de la reapertura: escríbalo (queda en el historial).")
    if actual in ALLOWED_FROM[accion]:
        return TARGET[accion]
    who = f" por {row['autor']} el {local_date(row['fecha'])}" if row else ""
    if accion is Accion.APROBAR:  # only from Aprobada
        raise ApprovalError(f"{_cap(where)} ya está aprobado{who}: no se puede aprobar dos veces. "
                            "Para corregirlo, primero reábralo.")
    if accion is Accion.REABRIR:
        raise ApprovalError(f"{_cap(where)} no está aprobado (estado: {ESTADO_LABELS[actual]}): "
                            "solo se reabre lo aprobado.")
    state = "ya está aprobado" if actual is Estado.APROBADA else "ya se envió a revisión"
    raise ApprovalError(f"{_cap(where)} {state}{who}: no se puede enviar a revisión.")


def where_text(programa: str, anio: int, trimestre: int) -> str:
    return f"el programa {programa} en {quarter_label(trimestre)} {int(anio)}"


# --------------------------------------------------------------------------- dates
def local_date(value: str | dt.datetime | None) -> str:
    """A stored UTC timestamp as the Mexico City date dd/mm/aaaa ('' when empty)."""
    moment = _local(value)
    return "" if moment is None else moment.strftime("%d/%m/%Y")


def local_day(value: str | dt.datetime | None) -> dt.date | None:
    """A stored UTC timestamp as the Mexico City calendar date (SIPOT dates)."""
    moment = _local(value)
    return None if moment is None else moment.date()


def _local(value: str | dt.datetime | None) -> dt.datetime | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str)
                                                                           and not value.strip()):
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(local_timezone())


# --------------------------------------------------------------------------- the stamp and the signatures
def stamp_text(states: pd.DataFrame, anio: int, trimestre: int, programas: Iterable[str], *,
               shown_latest: Collection[str] = (), drifted: Mapping[str, pd.DataFrame] | None = None) -> str:
    """THE stamp of a cut, for every page and download.

    ``programas``: the programs of the cut; ``shown_latest``: approved programs shown with their latest
    figures because those differ from the approved ones («últimas cifras»), so they count as preliminary.
    All approved → «Cifras aprobadas por NOMBRE el dd/mm/aaaa» (several people or dates: each named with
    its programs); some → «Aprobadas: programas 1, 3 y 5 · preliminares: 2, 4 y 6»; none → «Cifras
    preliminares (sin aprobar)».  ``drifted`` (:func:`drift`): approved programs whose inputs changed since
    their approval — the stamp then adds « · Las cifras aprobadas de Diciembre difieren de los datos actuales
    en 3.1» (:func:`drift_text`) until they are reopened and approved again.
    """
    text = _stamp_words(states, anio, trimestre, programas, shown_latest)
    every = {str(p) for p in programas}
    mine = {p: cells for p, cells in (drifted or {}).items() if p in every}
    return f"{text} · {drift_text(trimestre, mine)}" if mine else text


def _stamp_words(states: pd.DataFrame, anio: int, trimestre: int, programas: Iterable[str],
                 shown_latest: Collection[str]) -> str:
    every = program_sort(programas)
    part = approved(states, anio, trimestre)
    latest = {str(p) for p in shown_latest}
    part = part.loc[part["programa"].astype(str).isin(set(every) - latest)] if not part.empty else part
    done = program_sort(part["programa"]) if not part.empty else []
    if not done:
        return PRELIMINARY_STAMP
    pending = [p for p in every if p not in set(done)]
    if pending:
        return (f"Aprobadas: {_programs_words(done)} · preliminares: {join_words(pending)}")
    groups: dict[tuple[str, str], list[str]] = {}
    for row in part.itertuples(index=False):
        groups.setdefault((str(row.autor), local_date(row.fecha)), []).append(str(row.programa))
    if len(groups) == 1:
        (nombre, fecha), = groups
        return f"Cifras aprobadas por {nombre} el {fecha}"
    pieces = [f"{_programs_words(program_sort(ps))} por {nombre} el {fecha}"
              for (nombre, fecha), ps in sorted(groups.items(), key=lambda kv: program_sort(kv[1])[0])]
    return "Cifras aprobadas: " + "; ".join(pieces)


def _programs_words(programas: list[str]) -> str:
    return f"programa {programas[0]}" if len(programas) == 1 else f"programas {join_words(programas)}"


def without_data(cut: pd.DataFrame, programas: Iterable[str]) -> pd.DataFrame:
    """The indicators of ``programas`` without data at the cut-off (rows of ``cut``, a ``summary.at_cutoff``
    frame): what approving them would pin as «sin dato» (the page asks to confirm; the command line warns)."""
    wanted = {str(p) for p in programas}
    return cut.loc[cut["programa_num"].astype(str).isin(wanted) & (cut["semaforo"] == Semaforo.SIN_DATO)]


def is_fully_approved(states: pd.DataFrame, anio: int, trimestre: int, programas: Iterable[str]) -> bool:
    done = set(pinned_revisions(states, anio, trimestre))
    every = {str(p) for p in programas}
    return bool(every) and every <= done


FIRMA_KEYS: tuple[str, ...] = ("Elaboró", "Revisó", "Aprobó")


def firmas(events: pd.DataFrame, anio: int, trimestre: int, programas: Iterable[str] | None = None
           ) -> dict[str, str]:
    """The signature block of a cut (presentation, PDF): {"Elaboró", "Revisó", "Aprobó"} → names.

    From the approval record of the programs (all of the cut's events when ``programas`` is None), for
    the approval in force only (events after the last reopening):

    * «Elaboró»: who sent the program-quarters to review (coordinación), names joined by «; »;
    * «Revisó»: who approved them after a sending to review (dirección reviewed what was sent); when
      nobody sent anything to review, the same approver (the approval is the review);
    * «Aprobó»: who approved them.

    A role nobody holds yet is "" (the line is left blank to be signed by hand); a cut not approved has an
    empty «Aprobó».
    """
    part = events.loc[(events["anio"] == int(anio)) & (events["trimestre"] == int(trimestre))]
    if programas is not None:
        part = part.loc[part["programa"].astype(str).isin({str(p) for p in programas})]
    elaboro: list[str] = []
    aprobo: list[str] = []
    reviso: list[str] = []
    for _, group in part.sort_values("id").groupby("programa", sort=False):
        estados = group["estado"].tolist()
        cut_at = max((i for i, e in enumerate(estados) if e == Estado.REABIERTA), default=-1)
        current = group.iloc[cut_at + 1:]
        sent = current.loc[current["estado"] == Estado.ENVIADA, "autor"].tolist()
        approvers = current.loc[current["estado"] == Estado.APROBADA, "autor"].tolist()
        elaboro += sent
        aprobo += approvers
        reviso += approvers
    return {"Elaboró": _names(elaboro), "Revisó": _names(reviso), "Aprobó": _names(aprobo)}


def _names(names: list[str]) -> str:
    return "; ".join(dict.fromkeys(str(n) for n in names if n))


# --------------------------------------------------------------------------- the lock
def _programs_of(claves: pd.Series) -> pd.Series:
    return claves.astype(str).map(program_number)


@dataclass(frozen=True)
class _Cut:
    """One approved program-cut and what it is computed from (``dependencies.cut_inputs``)."""

    anio: int
    trimestre: int
    programa: str
    autor: str
    fecha: str  # dd/mm/aaaa (Mexico City)
    inputs: CutInputs

    def fields(self) -> dict[str, object]:
        return {"programa": self.programa, "aprobada_anio": self.anio, "aprobada_trimestre": self.trimestre,
                "aprobada_por": self.autor, "aprobada_el": self.fecha}


def _approved_cuts(states: pd.DataFrame, plan: pd.DataFrame) -> list[_Cut]:
    locked = approved(states)
    return [_Cut(int(r.anio), int(r.trimestre), str(r.programa), str(r.autor), local_date(r.fecha),
                 cut_inputs(plan, int(r.anio), int(r.trimestre), str(r.programa)))
            for r in locked.sort_values(["anio", "trimestre"], kind="stable").itertuples(index=False)]


def locked_cells(rc: RowChanges, current: Snapshot, states: pd.DataFrame) -> pd.DataFrame:
    """The cells the revision ``rc`` (written over ``current``) would change among the inputs of approved
    figures (:data:`LOCKED_COLUMNS`; empty when it touches nothing approved): one row per cell and approved
    program-cut whose figures are computed from it.

    While a program-cut (A, T, P) is approved, its inputs are locked — ``dependencies.cut_inputs`` (THE
    rule, from the engine's): P's Realizados, justificaciones and evidencias of A up to T, the previous
    year's Realizados its línea base (and a ``periodo_anterior`` Marzo) reads, every field of P's Plan rows
    of A (rows added or removed too), and the four semáforo thresholds of Parámetros.  Nothing else (the
    «datos ilustrativos» parámetro, other programs, quarters after T) is locked.
    """
    cuts = _approved_cuts(states, current.plan)
    if not cuts:
        return pd.DataFrame(columns=list(LOCKED_COLUMNS))
    rows: list[dict] = []
    rows += _avances_cells(rc, current, cuts)
    rows += _plan_cells(rc, current, cuts)
    for name in (*rc.parametros_set, *rc.parametros_removed):
        for cut in cuts:
            if cut.inputs.parametro(name):
                rows.append({"tabla": "Parámetros", "clave": None, "anio": None, "trimestre": None, "campo": name,
                             "antes": current.parametros.get(name), "despues": rc.parametros_set.get(name),
                             **cut.fields()})
    frame = pd.DataFrame(rows, columns=list(LOCKED_COLUMNS)).astype(object)
    return frame.where(frame.notna(), None)


_AVANCES_READ: tuple[str, ...] = (REALIZADO, *TEXTS)


def _avances_cells(rc: RowChanges, current: Snapshot, cuts: list[_Cut]) -> list[dict]:
    by_cell: dict[tuple, list[_Cut]] = {}
    for cut in cuts:
        for cell in cut.inputs.avances:
            by_cell.setdefault(cell, []).append(cut)
    keys = {cell[:3] for cell in by_cell}
    out: list[dict] = []
    for frame, removed in ((rc.avances_upserts, False), (rc.avances_removed, True)):
        if frame.empty:
            continue
        hit = np.array([(str(c), int(a), int(t)) in keys for c, a, t in
                        zip(frame["clave"], frame["anio"], frame["trimestre"], strict=True)], dtype=bool)
        if not hit.any():
            continue
        part = frame.loc[hit, [c for c in frame.columns if c in ("clave", "anio", "trimestre", *_AVANCES_READ)]]
        stored = current.avances[["clave", "anio", "trimestre", *_AVANCES_READ]].rename(
            columns={c: f"{c}__a" for c in _AVANCES_READ})
        merged = part.merge(stored, on=["clave", "anio", "trimestre"], how="left")
        for r in merged.to_dict("records"):
            key = (str(r["clave"]), int(r["anio"]), int(r["trimestre"]))
            for col in _AVANCES_READ:
                before = r.get(f"{col}__a")
                after = None if removed else r.get(col)
                if _same_value(before, after):
                    continue
                for cut in by_cell.get((*key, col), ()):
                    out.append({"tabla": "Avances", "clave": key[0], "anio": key[1], "trimestre": key[2],
                                "campo": _HEADERS.get(col, col), "antes": None if _missing(before) else before,
                                "despues": None if _missing(after) else after, **cut.fields()})
    return out


def _plan_cells(rc: RowChanges, current: Snapshot, cuts: list[_Cut]) -> list[dict]:
    out: list[dict] = []
    for frame, removed in ((rc.plan_upserts, False), (rc.plan_removed, True)):
        if frame.empty:
            continue
        owners = [[cut for cut in cuts if cut.inputs.plan_row(c, a)]
                  for c, a in zip(frame["clave"], frame["anio"], strict=True)]
        hit = np.array([bool(o) for o in owners], dtype=bool)
        if not hit.any():
            continue
        part = frame.loc[hit].reset_index(drop=True)
        owners = [o for o in owners if o]
        merged = part.merge(current.plan, on=["clave", "anio"], how="left", suffixes=("", "__a"))
        columns = ["clave"] if removed else [c for c in PLAN_VALUES if c in part.columns]
        for col in columns:
            if removed:
                before_values = pd.Series(["(fila del plan)"] * len(merged))
                after_values = pd.Series([None] * len(merged))
                changed = np.ones(len(merged), dtype=bool)
            else:
                before_values = merged[f"{col}__a"] if f"{col}__a" in merged else pd.Series([None] * len(merged))
                after_values = merged[col]
                changed = ~values_equal(before_values.reset_index(drop=True), after_values.reset_index(drop=True))
            for i in np.flatnonzero(changed):
                r = merged.iloc[i]
                for cut in owners[i]:
                    out.append({"tabla": "Plan", "clave": r["clave"], "anio": int(r["anio"]), "trimestre": None,
                                "campo": "fila completa" if removed else _HEADERS.get(col, col),
                                "antes": before_values.iloc[i], "despues": after_values.iloc[i], **cut.fields()})
    return out


def _distinct_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per cell (a cell several approved cuts depend on is listed once)."""
    if cells.empty:
        return cells
    key = cells[["tabla", "clave", "anio", "trimestre", "campo"]].astype(str)
    return cells.loc[~key.duplicated()].reset_index(drop=True)


def _quarters_words(cuts: list[tuple[int, int]]) -> str:
    """[(2023, 3), (2023, 4)] → «Septiembre y Diciembre 2023»; several years → «Diciembre 2022 y Marzo 2023»."""
    years = sorted({a for a, _ in cuts})
    if len(years) == 1:
        return f"{join_words([quarter_label(t) for _, t in sorted(cuts)])} {years[0]}"
    return join_words([f"{quarter_label(t)} {a}" for a, t in sorted(cuts)])


def approvals_words(cells: pd.DataFrame) -> str:
    """The approved cuts behind ``cells`` (:data:`LOCKED_COLUMNS`), in words: «programa 3 (aprobado por Ana
    López el 07/01/2024, cifras de Diciembre 2023)»; programs approved by the same person on the same day for
    the same quarters share one entry («programas 1 y 2 (aprobados por …)»)."""
    per_program: dict[tuple[str, str, str], set[tuple[int, int]]] = {}
    for r in cells.itertuples(index=False):
        per_program.setdefault((str(r.programa), str(r.aprobada_por), str(r.aprobada_el)), set()).add(
            (int(r.aprobada_anio), int(r.aprobada_trimestre)))
    groups: dict[tuple[str, str, tuple], list[str]] = {}
    for (programa, autor, fecha), quarters in per_program.items():
        groups.setdefault((autor, fecha, tuple(sorted(quarters))), []).append(programa)
    pieces = []
    for (autor, fecha, quarters), programas in sorted(groups.items(), key=lambda kv: (kv[0][2], program_sort(kv[1]))):
        programas = program_sort(programas)
        plural = len(programas) > 1
        pieces.append(f"{_programs_words(programas)} (aprobado{'s' if plural else ''} por {autor} el {fecha}, "
                      f"cifras de {_quarters_words(list(quarters))})")
    return join_words(pieces)


def _earlier_inputs(cells: pd.DataFrame) -> bool:
    """Some cell is of another quarter or year than the approved cut it locks (an earlier quarter or the
    previous year's línea base): the message says why it is locked."""
    avances = cells.loc[cells["tabla"] == "Avances"]
    return bool(((avances["anio"] != avances["aprobada_anio"])
                 | (avances["trimestre"] != avances["aprobada_trimestre"])).any())


def locked_message(cells: pd.DataFrame, *, preview: bool = False) -> str:
    """The Spanish refusal: which approved figures (whose, which quarter, who approved and when), then the
    cells (each once, at most :data:`MAX_LISTED_CELLS`) and how to reopen.  ``preview``: said before saving,
    on the upload page, over a table of the cells (so they are not listed)."""

    distinct = _distinct_cells(cells)
    single = len({(r.aprobada_anio, r.aprobada_trimestre, r.programa) for r in cells.itertuples(index=False)}) == 1
    why = (" Las cifras de un trimestre se calculan también con los trimestres anteriores del año (acumulado) y "
           "con el año anterior (línea base): esas celdas quedan bloqueadas con ellas."
           if _earlier_inputs(cells) else "")
    reopen = (f"Para corregirlas, una cuenta de dirección debe reabrir {'ese trimestre' if single else 'esas cifras'} "
              "(página «Aprobación» o «python -m mpi_dash reabrir»).")
    if preview:  # said on the upload page, to whoever uploads: the page reopens, not the server's CLI
        return (f"No se puede guardar este archivo: cambia {count_text(len(distinct), 'celda', 'celdas')} de cifras aprobadas — "
                f"{approvals_words(cells)}; están en la tabla de abajo.{why} Para corregirlas, una cuenta de "
                f"dirección debe reabrir {'ese trimestre' if single else 'esas cifras'} en la página «Aprobación».")
    lines = [_cell_line(r, sep=", ", clave="clave ", year="año ")
             for r in distinct.head(MAX_LISTED_CELLS).itertuples(index=False)]
    more = (f"; … y {len(distinct) - MAX_LISTED_CELLS:,} celdas más" if len(distinct) > MAX_LISTED_CELLS else "")
    return (f"No se guardó nada: el cambio toca {count_text(len(distinct), 'celda', 'celdas')} de cifras aprobadas — "
            f"{approvals_words(cells)}. Celdas: {'; '.join(lines)}{more}.{why} {reopen}")


# --------------------------------------------------------------------------- approved figures
def assemble_by_program(latest: pd.DataFrame, pinned: Mapping[int, pd.DataFrame],
                        program_revision: Mapping[str, int], *, program_of: Callable[[pd.DataFrame], pd.Series]
                        = lambda f: _programs_of(f["clave"])) -> pd.DataFrame:
    """A frame with the rows of each approved program taken from the frame of its pinned revision
    (``pinned[revision]``) and the other programs' rows from ``latest``; programs in numeric order, each
    keeping its own row order.  Frames must share their columns (same function, other revision)."""
    if not program_revision:
        return latest
    latest_programs = program_of(latest)
    pieces = [latest.loc[~latest_programs.isin(set(program_revision))]]
    for revision in sorted(set(program_revision.values())):
        frame = pinned[revision]
        mine = {p for p, r in program_revision.items() if r == revision}
        pieces.append(frame.loc[program_of(frame).isin(mine)])
    pieces = [p for p in pieces if not p.empty] or [latest.iloc[0:0]]
    out = pd.concat(pieces, ignore_index=True)
    numbers = program_of(out).to_numpy(dtype=object)
    rank = {p: i for i, p in enumerate(program_sort(set(numbers)))}
    order = np.lexsort((np.arange(len(out)), np.array([rank[p] for p in numbers], dtype=np.int64)))
    return out.iloc[order].reset_index(drop=True)


def approved_frame(latest: pd.DataFrame, frame_at: Callable[[int], pd.DataFrame], states: pd.DataFrame,
                   anio: int, trimestre: int, **kwargs) -> pd.DataFrame:  # noqa: ANN003
    """The approved figures of the cut (A, T): ``frame_at(revision)`` is the same frame computed on a pinned
    revision's data (called once per distinct pinned revision); unapproved programs from ``latest``."""
    pins = pinned_revisions(states, anio, trimestre)
    if not pins:
        return latest
    return assemble_by_program(latest, {r: frame_at(r) for r in set(pins.values())}, pins, **kwargs)


def changed_inputs(pinned: Snapshot, latest: Snapshot, approval: Mapping, *,
                   changes: RowChanges | None = None) -> pd.DataFrame:
    """The inputs of one approved program-cut (``approval``: a row of :func:`current_states` or of the events,
    with anio, trimestre, programa, autor, fecha) that differ between ``pinned`` (the data of the revision
    its approval pinned) and ``latest`` (:data:`LOCKED_COLUMNS`; empty: the approved figures are still the
    figures of the data).  The same dependency rule as the lock (:func:`locked_cells`): an approval made
    before that rule covered earlier quarters (or a database changed by hand) can have such cells.
    ``changes``: ``row_changes(pinned, latest)`` when already computed (several approvals, one revision)."""
    row = {c: approval.get(c) for c in EVENT_COLUMNS if c in approval}
    only = pd.DataFrame([{**row, "estado": str(Estado.APROBADA)}])
    return locked_cells(changes if changes is not None else row_changes(pinned, latest), pinned, only)


def drift(states: pd.DataFrame, anio: int, trimestre: int, pinned_at: Callable[[int], Snapshot],
          latest: Snapshot) -> dict[str, pd.DataFrame]:
    """Programs approved now at (anio, trimestre) whose inputs changed since their approval → those cells
    (:func:`changed_inputs`; ``pinned_at(revision)`` is the data of a revision).  Programs whose inputs did
    not change are left out: an empty dict means every approved figure of the cut matches the data."""
    out: dict[str, pd.DataFrame] = {}
    part = approved(states, anio, trimestre)
    for revision, rows in part.groupby("revision", sort=True):  # one comparison per pinned revision
        pinned = pinned_at(int(revision))
        if _same_data(pinned, latest):  # approved at the latest data (the usual case): nothing to compare
            continue
        cells = locked_cells(row_changes(pinned, latest), pinned, rows)
        for programa, mine in cells.groupby("programa", sort=False):
            out[str(programa)] = mine.reset_index(drop=True)
    return {p: out[p] for p in program_sort(out)}


def _same_data(a: Snapshot, b: Snapshot) -> bool:
    return a is b or (a.parametros == b.parametros and a.plan.equals(b.plan) and a.avances.equals(b.avances))


def changed_claves(cells: pd.DataFrame) -> list[str]:
    """The claves of changed inputs (:data:`LOCKED_COLUMNS` rows), in order of appearance; a threshold of
    Parámetros is «los umbrales del semáforo»."""
    names: list[str] = []
    for tabla, clave in zip(cells["tabla"], cells["clave"], strict=True):
        name = "los umbrales del semáforo" if tabla == "Parámetros" else str(clave)
        if name not in names:
            names.append(name)
    return names


def drift_text(trimestre: int, drifted: Mapping[str, pd.DataFrame]) -> str:
    """«Las cifras aprobadas de Diciembre difieren de los datos actuales en 3.1» ('' when nothing drifted);
    the claves of every program that drifted, in program order."""
    if not drifted:
        return ""
    names: list[str] = []
    for programa in program_sort(drifted):
        names += [n for n in changed_claves(drifted[programa]) if n not in names]
    return f"Las cifras aprobadas de {quarter_label(trimestre)} difieren de los datos actuales en {join_words(names)}"


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _same_value(x: object, y: object) -> bool:
    """Equal cell values (floats exactly; empty == empty; tuples element-wise)."""
    if x is y:
        return True
    if _missing(x) or _missing(y):
        return _missing(x) and _missing(y)
    try:
        return bool(x == y)
    except (TypeError, ValueError):
        return False


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- per program (downloads)
def program_stamps(states: pd.DataFrame, anio: int, trimestre: int, programas: Iterable[str], *,
                   shown_latest: Collection[str] = (), drifted: Mapping[str, pd.DataFrame] | None = None
                   ) -> dict[str, str]:
    """Program → the stamp of its own figures («Cifras aprobadas por NOMBRE el dd/mm/aaaa» or «Cifras
    preliminares (sin aprobar)», with its own drift): a column of the downloads, so a row copied elsewhere
    keeps its status."""
    return {str(p): stamp_text(states, anio, trimestre, [p], shown_latest=shown_latest, drifted=drifted)
            for p in programas}


def sipot_dates(states: pd.DataFrame, anio: int, trimestre: int, programas: Iterable[str], *,
                revision_times: Mapping[int, str], latest_time: str | None,
                shown_latest: Collection[str] = ()) -> tuple[dict[str, dt.date | None], dict[str, dt.date | None]]:
    """SIPOT dates per program (Mexico City calendar days): «Fecha de validación» = the approval date (None
    when not approved: the row says why), «Fecha de actualización» = the date of the revision shown (the
    pinned one for approved programs, the latest data otherwise)."""
    latest = {str(p) for p in shown_latest}
    validacion: dict[str, dt.date | None] = {}
    actualizacion: dict[str, dt.date | None] = {}
    for p in programas:
        row = _row(states, anio, trimestre, p)
        if row is not None and row["estado"] == Estado.APROBADA and str(p) not in latest:
            validacion[str(p)] = local_day(row["fecha"])
            actualizacion[str(p)] = local_day(revision_times.get(int(row["revision"])))
        else:
            validacion[str(p)] = None
            actualizacion[str(p)] = local_day(latest_time)
    return validacion, actualizacion


def approval_fields(figures: pd.DataFrame, states: pd.DataFrame | None) -> pd.DataFrame:
    """``figures`` (one row per program: ``programa``, ``anio``, ``trimestre``) with ``estado`` (an
    :class:`Estado` value), ``aprobado_por`` and ``aprobado_en`` (dd/mm/aaaa, Mexico City; None unless
    approved) merged on programa + anio + trimestre."""
    estado, por, en = [], [], []
    for p, a, t in zip(figures["programa"], figures["anio"], figures["trimestre"], strict=True):
        row = None if states is None else _row(states, int(a), int(t), str(p))
        state = Estado.EN_CAPTURA if row is None else Estado(row["estado"])
        estado.append(str(state))
        done = state is Estado.APROBADA
        por.append(row["autor"] if done else None)
        en.append(local_date(row["fecha"]) if done else None)
    return figures.assign(estado=pd.Series(estado, index=figures.index, dtype=object),
                          aprobado_por=pd.Series(por, index=figures.index, dtype=object),
                          aprobado_en=pd.Series(en, index=figures.index, dtype=object))


# --------------------------------------------------------------------------- tables for people (Spanish)
EVENTS_HEADERS = ("Fecha (CDMX)", "Año", "Trimestre", "Programa", "Estado", "Persona", "Revisión", "Motivo")


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """Approval transitions for people, newest first: :data:`EVENTS_HEADERS` (texts; dates dd/mm/aaaa HH:MM
    Mexico City)."""
    from mpi_dash.formatting import local_datetime

    rows = [(local_datetime(e.fecha), str(e.anio), quarter_label(int(e.trimestre)), str(e.programa),
             ESTADO_LABELS[Estado(e.estado)], str(e.autor), str(e.revision),
             "—" if pd.isna(e.motivo) or not str(e.motivo).strip() else str(e.motivo))
            for e in events.sort_values("id", ascending=False).itertuples(index=False)]
    return pd.DataFrame(rows, columns=list(EVENTS_HEADERS))


def state_words(row: Mapping | None, changed: pd.DataFrame | None = None) -> str:
    """One cell of the approval grid: «Aprobada · Ana López · 12/07/2023», «En captura»; ``changed`` (the
    cells of :meth:`Store.changes_since_approval`): an approval whose inputs changed since says where
    («Aprobada · … · difiere de los datos actuales en 3.1: reabra y apruebe otra vez»), a reopened one how
    much («Reabierta · … · 2 celdas cambiaron desde la aprobación»)."""
    if row is None:
        return ESTADO_LABELS[Estado.EN_CAPTURA]
    text = f"{ESTADO_LABELS[Estado(row['estado'])]} · {row['autor']} · {local_date(row['fecha'])}"
    if changed is None or changed.empty:
        return text
    if Estado(row["estado"]) is Estado.APROBADA:
        return (f"{text} · difiere de los datos actuales en {join_words(changed_claves(changed))}: reabra y "
                "apruebe otra vez")
    n = len(_distinct_cells(changed))
    return f"{text} · {n:,} celda{'s' if n != 1 else ''} cambi{'aron' if n != 1 else 'ó'} desde la aprobación"


def grid_table(states: pd.DataFrame, anio: int, programas: Mapping[str, str],
               changes: Mapping[tuple[int, str], pd.DataFrame] | None = None) -> pd.DataFrame:
    """Programs × quarters of ``anio``: «Programa» (number and full name, from ``programas``) and one column
    per quarter (Marzo … Diciembre) with :func:`state_words`; ``changes``: ``Store.changes_since_approval``."""
    changes = changes or {}
    rows = []
    for number, name in programas.items():
        row = {"Programa": name}
        for t in (1, 2, 3, 4):
            row[quarter_label(t)] = state_words(_row(states, anio, t, number), changes.get((t, str(number))))
        rows.append(row)
    return pd.DataFrame(rows, columns=["Programa", *(quarter_label(t) for t in (1, 2, 3, 4))])


def locked_cells_lines(cells: pd.DataFrame) -> list[str]:
    """:func:`locked_cells` as one line per cell, for a phone (the table's seven columns do not fit 390 px):
    «Avances · 3.1 · Septiembre 2023 · Realizado: 1 → 6», «Plan · 3.1 · 2023 · Meta: 10 → 12»,
    «Parámetros · verde_min: 90 → 85»."""
    return [_cell_line(r, sep=" · ") for r in _distinct_cells(cells).itertuples(index=False)]


def _cell_line(r, *, sep: str, clave: str = "", year: str = "") -> str:  # noqa: ANN001 - a locked-cells row
    """One locked cell in words: where (sheet, clave, quarter or year, column, joined by ``sep``; ``clave`` and
    ``year`` prefix those parts) and its value before → after."""
    from mpi_dash.formatting import display_value

    if r.tabla == "Avances":
        parts = [r.tabla, f"{clave}{r.clave}", f"{quarter_label(int(r.trimestre))} {int(r.anio)}", r.campo]
    elif r.tabla == "Plan":
        parts = [r.tabla, f"{clave}{r.clave}", f"{year}{int(r.anio)}", r.campo]
    else:
        parts = [r.tabla, r.campo]
    return f"{sep.join(parts)}: {display_value(r.antes)} → {display_value(r.despues)}"


def locked_cells_table(cells: pd.DataFrame) -> pd.DataFrame:
    """:func:`locked_cells` for people, each cell once: Hoja, Clave, Año, Trimestre, Columna, Antes, Después
    (texts; which approved figures depend on them is said by :func:`locked_message`)."""
    from mpi_dash.formatting import display_value

    cells = _distinct_cells(cells)

    return pd.DataFrame({
        "Hoja": cells["tabla"].astype(str), "Clave": cells["clave"].map(lambda v: v or "—"),
        "Año": cells["anio"].map(lambda v: "—" if v is None or v != v else str(int(v))),
        "Trimestre": cells["trimestre"].map(lambda v: "—" if v is None or v != v else quarter_label(int(v))),
        "Columna": cells["campo"].astype(str), "Antes": cells["antes"].map(display_value),
        "Después": cells["despues"].map(display_value)})
