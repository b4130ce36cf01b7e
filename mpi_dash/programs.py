"""Per-program figures of a cut-off: THE one function behind the dashboard's program results and
``python -m mpi_dash report --nivel programa`` (and, later, the presentation and PDF/PPTX of issue 12).

:func:`program_figures` takes the cut-off frame (:func:`mpi_dash.summary.at_cutoff`) and returns one row
per program; :func:`program_report` is exactly :data:`PROGRAM_REPORT_FIELDS` of it, and
:func:`program_trend` stacks it for every cut-off from Marzo to the chosen one.  Pure functions:
DataFrames in, new DataFrames out, no Streamlit, no Plotly.

Aggregation (user documentation: ``docs/tablero.md`` and ``docs/metodologia.md`` §6):

* The *measurable* indicators of a program (``medible`` in the cut-off frame) are its hitos and its
  ``avance_meta`` rows with an annual goal: they have a percentage of a goal to average.  Each gets a
  progress score and an expected score (:func:`mpi_dash.summary.at_cutoff`).
* The counts (``report --nivel programa``; the screens say the same):

  - ``n_indicadores``: every indicator of the program in the plan year;
  - ``n_medibles``: its measurable indicators (the rest are *informative*: conteos, comparisons with the
    previous period or year, avance_meta without an annual goal — reported, never averaged);
  - ``faltantes``: the measurable indicators whose report is missing at the cut-off (semáforo ``sin_dato``),
    by clave; ``n_con_dato``: the measurable ones with their report.  Always
    ``n_con_dato + len(faltantes) = n_medibles``;
  - ``informativos_sin_reporte``: the informative indicators whose report is missing at the cut-off.  They
    never make a program incomplete (they do not enter its figure); the screens name them in words of their
    own («sin reporte (informativo): 2.2»);
  - ``completo``: no measurable indicator lacks data (``faltantes`` empty) — the screens then say «incompleto»
    and which ones.

* ``avance_pct`` = mean of the scores of the measurable indicators with data, ``esperado_pct`` = mean of
  their expected scores.  An indicator without data is never a 0.  (A measurable indicator reported but with
  nothing to grade at the cut — a per-quarter goal with nothing programmed in that quarter — counts as
  con dato and enters neither mean.)
* ``semaforo`` (first rule that applies):
    1. no measurable indicator → ``sin_meta``;
    2. every measurable indicator lacks data → ``sin_dato``;
    3. something expected (``esperado_pct`` > 0) → the colour of ``cumplimiento_pct = avance / esperado
       · 100`` by :func:`mpi_dash.semaforo.classify` with the Parámetros thresholds (never a row's own,
       never mirrored), with ``direccion_desvio`` "sobre"/"bajo" for amarillo/rojo;
    4. nothing expected yet: what was due lacks data → ``sin_dato``; something done ahead of a calendar
       that expects nothing yet → ``verde``; a target due later in the year → ``pendiente`` (with
       ``vence_trimestre``, the first quarter something falls due); else ``sin_meta``.
  ``avance_pct`` is empty (NaN) unless the semáforo is a colour: nothing due is never shown as 0 %.

To extend the program level (issue 10 adds ``estado``, ``aprobado_por``, ``aprobado_en``): merge the new
columns on ``programa`` + ``anio`` + ``trimestre`` and append their names to :data:`PROGRAM_REPORT_FIELDS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from mpi_dash import semaforo
from mpi_dash.schema import Semaforo, TipoCalculo
from mpi_dash.summary import sort_programs

#: Exactly the fields of ``python -m mpi_dash report --nivel programa``, in order.
PROGRAM_FIGURE_FIELDS: tuple[str, ...] = (
    "programa", "nombre", "anio", "trimestre", "avance_pct", "esperado_pct", "semaforo", "direccion_desvio",
    "completo", "n_indicadores", "n_medibles", "n_con_dato", "faltantes", "informativos_sin_reporte",
)
#: The approval of each program-quarter (issue 10): ``approvals.Estado`` value, approver's name, approval
#: date dd/mm/aaaa (Mexico City); en_captura / empty without an approval record (e.g. from a workbook).
APPROVAL_FIELDS: tuple[str, ...] = ("estado", "aprobado_por", "aprobado_en")
PROGRAM_REPORT_FIELDS: tuple[str, ...] = (*PROGRAM_FIGURE_FIELDS, *APPROVAL_FIELDS)
#: :func:`program_figures` columns besides the figure fields (for the screens).
PROGRAM_EXTRA_FIELDS: tuple[str, ...] = ("cumplimiento_pct", "vence_trimestre", "claves_faltantes",
                                         "claves_informativos_sin_reporte")
PROGRAM_FIELDS: tuple[str, ...] = (*PROGRAM_FIGURE_FIELDS, *PROGRAM_EXTRA_FIELDS)


def _first_due(cut: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row: is a target due at the cut-off, and the first quarter after the cut-off in which one falls
    due (NaN when none).  avance_meta: a quarter with programado > 0; hito: its due quarter."""
    k = int(cut["trimestre"].iloc[0]) if len(cut) else 0
    tipo = cut["tipo_calculo"].astype(object).to_numpy()
    medible = cut["medible"].to_numpy(dtype=bool)
    programado = np.column_stack([pd.to_numeric(cut[f"programado_t{q}"], errors="coerce").to_numpy(dtype=float)
                                  for q in range(1, 5)]) if len(cut) else np.empty((0, 4))
    vence = pd.to_numeric(cut.get("vence_trimestre"), errors="coerce").to_numpy(dtype=float) \
        if "vence_trimestre" in cut else np.full(len(cut), np.nan)
    vence = np.where(np.isnan(vence), 4.0, vence)
    quarters = np.arange(1, 5)[None, :]
    is_meta, is_hito = tipo == TipoCalculo.AVANCE_META, tipo == TipoCalculo.HITO
    esperado = pd.to_numeric(cut["esperado_pct"], errors="coerce").to_numpy(dtype=float)
    due_now = medible & ((is_meta & (np.nan_to_num(esperado) > 0)) | (is_hito & (k >= vence)))
    later_meta = np.where((programado > 0) & (quarters > k), quarters, 99).min(axis=1) if len(cut) else \
        np.empty(0)
    later = np.where(is_hito & (vence > k), vence, np.where(is_meta, later_meta, 99)).astype(float)
    later = np.where(medible & (later <= 4), later, np.nan)
    return due_now, later


def program_figures(cut: pd.DataFrame, parametros: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per program of the cut-off frame (programs in numeric order): :data:`PROGRAM_FIELDS`.

    ``programa`` is the program number ("1"), ``nombre`` its full name; ``faltantes`` the claves of the
    measurable indicators without data at the cut-off joined by ", " (None when complete) and
    ``claves_faltantes`` the same as a tuple; ``informativos_sin_reporte`` /
    ``claves_informativos_sin_reporte`` the same for the informative indicators; ``completo`` is a bool; ``vence_trimestre`` (1–4, NaN) the first quarter after the cut-off in which a
    target of the program falls due.
    """
    due_now, later = _first_due(cut)
    medible = cut["medible"].to_numpy(dtype=bool)
    progreso = cut["progreso"].to_numpy(dtype=np.float64)
    esperado = cut["progreso_esperado"].to_numpy(dtype=np.float64)
    falta = [v is None or v == Semaforo.SIN_DATO or v != v for v in cut["semaforo"].tolist()]  # noqa: PLR0124
    # Group with arrays (programs in order of appearance), not groupby: this runs for every cut of the trend.
    code, numbers = pd.factorize(cut["programa_num"].astype(str), sort=False)
    m = len(numbers)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(code, weights=values.astype(np.float64), minlength=m)

    has = ~np.isnan(progreso)
    with np.errstate(invalid="ignore", divide="ignore"):
        avance = total(np.where(has, progreso, 0.0)) / total(has)
        expected_has = ~np.isnan(esperado)
        expected = total(np.where(expected_has, esperado, 0.0)) / total(expected_has)
    first = np.unique(code, return_index=True)[1] if len(code) else np.empty(0, dtype=np.int64)
    later_min = np.full(m, np.inf)
    np.minimum.at(later_min, code, np.where(np.isnan(later), np.inf, later))
    claves = cut["clave"].astype(str).tolist()
    missing: list[list[str]] = [[] for _ in range(m)]        # measurable, without data
    informative: list[list[str]] = [[] for _ in range(m)]    # informative, without a report
    for i, lacking in enumerate(falta):
        if lacking:
            (missing if medible[i] else informative)[code[i]].append(claves[i])
    n_medibles = total(medible).astype(np.int64)
    n_faltantes = np.array([len(c) for c in missing], dtype=np.int64)
    out = pd.DataFrame({
        "programa": list(numbers),
        "nombre": cut["programa_nombre"].to_numpy(dtype=object)[first],
        "anio": cut["anio"].to_numpy(dtype=np.int64)[first],
        "trimestre": cut["trimestre"].to_numpy(dtype=np.int64)[first],
        "n_indicadores": np.bincount(code, minlength=m).astype(np.int64),
        "n_medibles": n_medibles,
        "n_con_dato": n_medibles - n_faltantes,
        "avance_pct": avance,
        "esperado_pct": expected,
        "_due_missing": total(due_now & ~has) > 0,
        "vence_trimestre": np.where(np.isinf(later_min), np.nan, later_min),
        "claves_faltantes": pd.Series([tuple(c) for c in missing], dtype=object),
        "claves_informativos_sin_reporte": pd.Series([tuple(c) for c in informative], dtype=object),
    })
    out = _grade(out, parametros)
    out["completo"] = np.array([not c for c in missing], dtype=bool)
    out["faltantes"] = pd.Series([", ".join(c) if c else None for c in missing], dtype=object)
    out["informativos_sin_reporte"] = pd.Series([", ".join(c) if c else None for c in informative],
                                                dtype=object)
    return sort_programs(out, "programa")[list(PROGRAM_FIELDS)]


def _grade(out: pd.DataFrame, parametros: Mapping[str, float] | None) -> pd.DataFrame:
    """Semáforo, direction and cumplimiento of each program (rules in the module docstring)."""
    avance = out["avance_pct"].to_numpy(dtype=float)
    esperado = out["esperado_pct"].to_numpy(dtype=float)
    thresholds = semaforo.Thresholds.from_parametros(parametros)
    with np.errstate(divide="ignore", invalid="ignore"):
        cumplimiento = np.where(esperado > 0, avance / esperado * 100, np.nan)
    graded = semaforo.names(semaforo.classify(cumplimiento, thresholds))
    waiting = np.where(out["vence_trimestre"].notna(), Semaforo.PENDIENTE.value, Semaforo.SIN_META.value)
    nothing_expected = np.where(out["_due_missing"].to_numpy(dtype=bool), Semaforo.SIN_DATO.value,
                                np.where(avance > 0, Semaforo.VERDE.value, waiting))
    colour = np.select(
        [out["n_medibles"].to_numpy() == 0, out["n_con_dato"].to_numpy() == 0, esperado > 0],
        [Semaforo.SIN_META.value, Semaforo.SIN_DATO.value, graded], nothing_expected).astype(object)
    off_band = np.isin(colour, [Semaforo.AMARILLO.value, Semaforo.ROJO.value])
    direction = np.where(off_band, np.where(cumplimiento > thresholds.verde_max, "sobre", "bajo"), None)
    coloured = np.isin(colour, [Semaforo.VERDE.value, Semaforo.AMARILLO.value, Semaforo.ROJO.value])
    return out.assign(
        avance_pct=np.where(coloured, avance, np.nan),
        esperado_pct=np.where(colour == Semaforo.PENDIENTE, 0.0, esperado),
        cumplimiento_pct=np.where(coloured, cumplimiento, np.nan),
        semaforo=pd.Series(colour, index=out.index, dtype=object),
        direccion_desvio=pd.Series(direction, index=out.index, dtype=object),
        vence_trimestre=out["vence_trimestre"].where(colour == Semaforo.PENDIENTE),
    ).drop(columns="_due_missing")


def program_report(cut: pd.DataFrame, parametros: Mapping[str, float] | None = None,
                   states: pd.DataFrame | None = None) -> pd.DataFrame:
    """``report --nivel programa``: exactly :data:`PROGRAM_REPORT_FIELDS`, one row per program; the approval
    fields from ``states`` (``approvals.current_states``; None: no approval record)."""
    from mpi_dash.approvals import approval_fields

    return approval_fields(program_figures(cut, parametros), states)[list(PROGRAM_REPORT_FIELDS)]


def program_trend(cuts: Iterable[pd.DataFrame], parametros: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Avance vs esperado of every program at each cut-off given (Marzo … the chosen one, in that order):
    :func:`program_figures` of each, stacked by :func:`stack_trend`."""
    return stack_trend([program_figures(cut, parametros) for cut in cuts])


def stack_trend(per_cut: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """:func:`program_figures` frames of several cut-offs as one trend (programa, trimestre order) — for
    callers that already hold each cut's figures (the dashboard caches them per cut)."""
    frames = list(per_cut)
    if not frames:
        return pd.DataFrame(columns=list(PROGRAM_FIELDS))
    return sort_programs(pd.concat(frames, ignore_index=True), "programa", then=("trimestre",))
