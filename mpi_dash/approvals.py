"""Quarter approval: the state machine, the lock rule, the approved figures and THE stamp text.

An approval is recorded per (año, trimestre, programa) as append-only *events* (table ``aprobaciones`` of
the store, migration ``m004``); the state of a program-quarter is its latest event (none = «En captura»):

    En captura ──enviar (coordinación del programa)──▶ Enviada a revisión
    En captura / Enviada / Reabierta ──aprobar (dirección)──▶ Aprobada   (pins the revision current then)
    Aprobada ──reabrir (dirección, motivo obligatorio)──▶ Reabierta ──▶ … (enviar / aprobar again)

Every event records who, when (UTC), the motivo and the revision it refers to.  The store checks the
permission and the transition inside its write transaction (``Store.approve`` / ``reopen`` /
``submit_for_review``); this module holds the rules as pure functions (DataFrames in, values out).

* Lock (:func:`locked_cells`): while a program-quarter is approved, a revision may not change the Avances
  rows of that program, year and quarter, the Plan rows of that program and year, nor the semáforo
  thresholds of Parámetros (the program's semáforo depends on them).  The store calls it inside the SAME
  write transaction as every upload commit, revert and state save.
* Approved figures (:func:`assemble_by_program`): the figures of an approved program-quarter are those of
  the pinned revision; a cut may mix programs pinned at different revisions, so frames are computed per
  revision and assembled program by program.
* :func:`stamp_text` is THE stamp («Cifras aprobadas por … el dd/mm/aaaa» / «Aprobadas: programas 1 y 3 ·
  preliminares: 2» / «Cifras preliminares (sin aprobar)») of pages and downloads; :func:`firmas` the
  signature block (Elaboró / Revisó / Aprobó) of a cut.

Stdlib, pandas, numpy, schema, snapshot, formatting; no Streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from enum import StrEnum

import numpy as np
import pandas as pd

from mpi_dash.errors import StoreError
from mpi_dash.formatting import join_words, local_timezone, quarter_label
from mpi_dash.schema import (AVANCES_COLUMNS, ILLUSTRATIVE_FLAG, PLAN_COLUMNS, THRESHOLD_COLUMNS, Semaforo,
                             program_number)
from mpi_dash.snapshot import AVANCES_VALUES, PLAN_VALUES, RowChanges, Snapshot, values_equal


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
#: Columns of :func:`locked_cells` (a refused change), in Spanish words ready for a message.
LOCKED_COLUMNS: tuple[str, ...] = ("tabla", "clave", "anio", "trimestre", "campo", "antes", "despues",
                                   "programa", "aprobada_por", "aprobada_el")
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
               shown_latest: Collection[str] = ()) -> str:
    """THE stamp of a cut, for every page and download.

    ``programas``: the programs of the cut; ``shown_latest``: approved programs shown with their latest
    figures because those differ from the approved ones («últimas cifras»), so they count as preliminary.
    All approved → «Cifras aprobadas por NOMBRE el dd/mm/aaaa» (several people or dates: each named with
    its programs); some → «Aprobadas: programas 1, 3 y 5 · preliminares: 2, 4 y 6»; none → «Cifras
    preliminares (sin aprobar)».
    """
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


def locked_cells(rc: RowChanges, current: Snapshot, states: pd.DataFrame) -> pd.DataFrame:
    """The cells the revision ``rc`` (written over ``current``) would change in approved figures
    (:data:`LOCKED_COLUMNS`; empty when it touches nothing approved).

    Locked while a program-quarter (A, T, P) is approved: Avances rows of program P, year A, quarter T;
    Plan rows of program P and year A; the semáforo thresholds of Parámetros (every program's semáforo
    depends on them).  The «datos ilustrativos» flag is never locked (it changes by itself when official
    avances arrive).
    """
    locked = approved(states)
    if locked.empty:
        return pd.DataFrame(columns=list(LOCKED_COLUMNS))
    by_quarter = {(int(a), int(t), str(p)): (r.autor, local_date(r.fecha)) for a, t, p, r in zip(
        locked["anio"], locked["trimestre"], locked["programa"], locked.itertuples(index=False), strict=True)}
    by_year: dict[tuple[int, str], tuple[str, str]] = {}
    for (a, t, p), who in sorted(by_quarter.items()):
        by_year.setdefault((a, p), who)
    rows: list[dict] = []
    rows += _avances_cells(rc, current, by_quarter)
    rows += _plan_cells(rc, current, by_year)
    first = next(iter(sorted(by_quarter.items())))
    params = [k for k in (*rc.parametros_set, *rc.parametros_removed) if k != ILLUSTRATIVE_FLAG
              and k in THRESHOLD_COLUMNS]
    for name in params:
        (a, t, p), (autor, fecha) = first
        rows.append({"tabla": "Parámetros", "clave": None, "anio": None, "trimestre": None, "campo": name,
                     "antes": current.parametros.get(name), "despues": rc.parametros_set.get(name),
                     "programa": p, "aprobada_por": autor, "aprobada_el": fecha,
                     "cut": (a, t)})
    frame = pd.DataFrame(rows, columns=[*LOCKED_COLUMNS, "cut"]).drop(columns="cut").astype(object)
    return frame.where(frame.notna(), None)


def _avances_cells(rc: RowChanges, current: Snapshot, by_quarter: dict) -> list[dict]:
    out: list[dict] = []
    for frame, removed in ((rc.avances_upserts, False), (rc.avances_removed, True)):
        if frame.empty:
            continue
        programs = _programs_of(frame["clave"])
        keys = list(zip(frame["anio"].astype(int), frame["trimestre"].astype(int), programs, strict=True))
        hit = np.array([k in by_quarter for k in keys], dtype=bool)
        if not hit.any():
            continue
        part = frame.loc[hit]
        before = current.avances.merge(part[["clave", "anio", "trimestre"]], on=["clave", "anio", "trimestre"])
        merged = part.merge(before, on=["clave", "anio", "trimestre"], how="left", suffixes=("", "__a"),
                            indicator=True)
        for col in AVANCES_VALUES:
            after_values = merged[col] if not removed else pd.Series([None] * len(merged), index=merged.index)
            before_values = merged[f"{col}__a"] if f"{col}__a" in merged else merged[col]
            if removed:
                changed = before_values.notna().to_numpy()
            else:
                changed = ~values_equal(before_values, after_values)
            for i in np.flatnonzero(changed):
                r = merged.iloc[i]
                autor, fecha = by_quarter[(int(r["anio"]), int(r["trimestre"]), program_number(r["clave"]))]
                out.append({"tabla": "Avances", "clave": r["clave"], "anio": int(r["anio"]),
                            "trimestre": int(r["trimestre"]), "campo": _HEADERS.get(col, col),
                            "antes": before_values.iloc[i], "despues": after_values.iloc[i],
                            "programa": program_number(r["clave"]), "aprobada_por": autor, "aprobada_el": fecha,
                            "cut": None})
    return out


def _plan_cells(rc: RowChanges, current: Snapshot, by_year: dict) -> list[dict]:
    out: list[dict] = []
    for frame, removed in ((rc.plan_upserts, False), (rc.plan_removed, True)):
        if frame.empty:
            continue
        programs = _programs_of(frame["clave"])
        hit = np.array([(int(a), p) in by_year for a, p in zip(frame["anio"], programs, strict=True)], dtype=bool)
        if not hit.any():
            continue
        part = frame.loc[hit]
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
                autor, fecha = by_year[(int(r["anio"]), program_number(r["clave"]))]
                out.append({"tabla": "Plan", "clave": r["clave"], "anio": int(r["anio"]), "trimestre": None,
                            "campo": "fila completa" if removed else _HEADERS.get(col, col), "antes": before_values.iloc[i],
                            "despues": after_values.iloc[i], "programa": program_number(r["clave"]),
                            "aprobada_por": autor, "aprobada_el": fecha, "cut": None})
    return out


def locked_message(cells: pd.DataFrame, *, preview: bool = False) -> str:
    """The Spanish refusal: what is approved (who, when), then the cells (at most :data:`MAX_LISTED_CELLS`).
    ``preview``: said before saving, on the upload page, over a table of the cells (so they are not listed)."""
    from mpi_dash.formatting import display_value

    cuts = []
    for (programa, autor, fecha), _ in cells.groupby(["programa", "aprobada_por", "aprobada_el"], sort=False):
        cuts.append(f"programa {programa} (aprobado por {autor} el {fecha})")
    reopen = ("Para corregirlas, una cuenta de dirección debe reabrir ese trimestre (página «Aprobación» o "
              "«python -m mpi_dash reabrir»).")
    if preview:
        return (f"No se puede guardar este archivo: cambia {len(cells):,} celda(s) de cifras aprobadas — "
                f"{join_words(cuts)} (en la tabla de abajo). {reopen}")
    lines = []
    for r in cells.head(MAX_LISTED_CELLS).itertuples(index=False):
        if r.tabla == "Avances":
            where = f"Avances, clave {r.clave}, {quarter_label(int(r.trimestre))} {int(r.anio)}, {r.campo}"
        elif r.tabla == "Plan":
            where = f"Plan, clave {r.clave}, año {int(r.anio)}, {r.campo}"
        else:
            where = f"Parámetros, {r.campo}"
        lines.append(f"{where}: {display_value(r.antes)} → {display_value(r.despues)}")
    more = (f"; … y {len(cells) - MAX_LISTED_CELLS:,} celdas más" if len(cells) > MAX_LISTED_CELLS else "")
    return (f"No se guardó nada: el cambio toca {len(cells):,} celda(s) de cifras aprobadas — "
            f"{join_words(cuts)}. Celdas: {'; '.join(lines)}{more}. {reopen}")


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


def differing_programs(latest: pd.DataFrame, approved_view: pd.DataFrame, programas: Iterable[str], *,
                       program_of: Callable[[pd.DataFrame], pd.Series] = lambda f: _programs_of(f["clave"])
                       ) -> list[str]:
    """Approved programs whose latest figures differ from the approved ones (where the «últimas cifras»
    switch matters), cell by cell: numbers exactly, empty equals empty."""
    if list(latest.columns) != list(approved_view.columns):
        return [str(p) for p in programas]
    wanted = [str(p) for p in programas]
    lp, ap = program_of(latest).astype(str), program_of(approved_view).astype(str)
    lmask, amask = lp.isin(wanted).to_numpy(), ap.isin(wanted).to_numpy()
    left = latest.loc[lmask].to_numpy(dtype=object)
    right = approved_view.loc[amask].to_numpy(dtype=object)
    lp, ap = lp.to_numpy()[lmask], ap.to_numpy()[amask]
    out = []
    for p in wanted:
        a, b = left[lp == p], right[ap == p]
        if a.shape != b.shape or not all(map(_same_value, a.ravel(), b.ravel())):
            out.append(str(p))
    return out


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
                   shown_latest: Collection[str] = ()) -> dict[str, str]:
    """Program → the stamp of its own figures («Cifras aprobadas por NOMBRE el dd/mm/aaaa» or «Cifras
    preliminares (sin aprobar)»): a column of the downloads, so a row copied elsewhere keeps its status."""
    return {str(p): stamp_text(states, anio, trimestre, [p], shown_latest=shown_latest) for p in programas}


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


def state_words(row: Mapping | None, changed: int = 0) -> str:
    """One cell of the approval grid: «Aprobada · Ana López · 12/07/2023», «En captura», «Reabierta ·
    Ana López · 13/07/2023 · 2 celdas cambiaron desde la aprobación»."""
    if row is None:
        text = ESTADO_LABELS[Estado.EN_CAPTURA]
    else:
        text = f"{ESTADO_LABELS[Estado(row['estado'])]} · {row['autor']} · {local_date(row['fecha'])}"
    if changed:
        text += f" · {changed:,} celda{'s' if changed != 1 else ''} cambi{'aron' if changed != 1 else 'ó'} desde " \
                "la aprobación"
    return text


def grid_table(states: pd.DataFrame, anio: int, programas: Mapping[str, str],
               changes: Mapping[tuple[int, str], pd.DataFrame] | None = None) -> pd.DataFrame:
    """Programs × quarters of ``anio``: «Programa» (number and full name, from ``programas``) and one column
    per quarter (Marzo … Diciembre) with :func:`state_words`; ``changes``: ``Store.changes_since_approval``."""
    changes = changes or {}
    rows = []
    for number, name in programas.items():
        row = {"Programa": name}
        for t in (1, 2, 3, 4):
            found = changes.get((t, str(number)))
            row[quarter_label(t)] = state_words(_row(states, anio, t, number),
                                                0 if found is None else len(found))
        rows.append(row)
    return pd.DataFrame(rows, columns=["Programa", *(quarter_label(t) for t in (1, 2, 3, 4))])


def locked_cells_table(cells: pd.DataFrame) -> pd.DataFrame:
    """:func:`locked_cells` for people: Hoja, Clave, Año, Trimestre, Columna, Antes, Después (texts)."""
    from mpi_dash.formatting import display_value

    return pd.DataFrame({
        "Hoja": cells["tabla"].astype(str), "Clave": cells["clave"].map(lambda v: v or "—"),
        "Año": cells["anio"].map(lambda v: "—" if v is None or v != v else str(int(v))),
        "Trimestre": cells["trimestre"].map(lambda v: "—" if v is None or v != v else quarter_label(int(v))),
        "Columna": cells["campo"].astype(str), "Antes": cells["antes"].map(display_value),
        "Después": cells["despues"].map(display_value)})
