"""Dashboard summaries built from the engine results: programs, semáforo counts, IPTT and baseline tables.

Pandas style: :func:`at_cutoff` joins the plan (``schema.PLAN_COLUMNS``) with the output of
:func:`mpi_dash.engine.compute_all` for ONE cut-off (year + quarter) — computed once per render — and
every table of that cut-off is a function of that frame: ``program_summary(cut, parametros)``,
``iptt_table(cut)``, ``baseline_table(cut)``, ``red_indicators(cut)``, ``semaforo_counts(cut)``.  Every
function is pure: DataFrames in, new DataFrames out, inputs never mutated.

Program aggregation (shown in the dashboard and documented in ``docs/tablero.md``):

* Each indicator gets a *progress score* in 0–100 at the cut-off:
  ``avance_meta`` → its ``valor_indicador`` (percent of the annual goal), capped to 0–100;
  ``hito`` → 100 once reached, 0 otherwise.  Ratios (``periodo_anterior``, ``anio_anterior``) and counts
  (``conteo``) have no goal and do not enter the program gauge (they are listed on the *Programa* page).
* Its *expected* score: ``avance_meta`` → ``esperado_pct`` capped to 0–100; ``hito`` → 100 if due at or
  before the cut-off, else its own score (0 pending, 100 done ahead of time: early is on track).
* Program progress = mean of the scores of its measurable indicators **with data** at the cut-off;
  program expected = mean of the expected scores of the same indicators.  Indicators without data are
  counted and shown ("n de m con dato"), never treated as 0.
* Program semáforo: ``cumplimiento = progress / expected · 100`` coloured by the same
  :func:`mpi_dash.semaforo.classify` as the indicators (same bands, same rounding), with the thresholds of
  ``parametros`` (never a row's own thresholds; no Descendente mirror: a program's progress is always
  "more is better"); expected 0 → ``verde`` if something is already done (ahead of a calendar that
  expects nothing yet), else ``pendiente`` when one of its hitos is pending, else ``sin_meta``; no
  data → ``sin_dato``.  So a program with a single ``avance_meta`` (ascendente, no thresholds of its own,
  not above its annual goal) or ``hito`` indicator has that indicator's semáforo.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mpi_dash import schema, semaforo
from mpi_dash.formatting import short_program_name
from mpi_dash.schema import Semaforo, TipoCalculo

MEASURABLE_TYPES: tuple[str, ...] = (TipoCalculo.AVANCE_META.value, TipoCalculo.HITO.value)

# Plan columns shown in the *ficha técnica*, in the order of the plan's own ficha.
FICHA_COLUMNS: tuple[str, ...] = (
    "clave", "programa", "objetivo", "accion", "meta_texto", "indicador", "dimension", "definicion",
    "metodo_calculo", "unidad_medida", "meta_anual", "meta_ajustada", "tipo_calculo", "acumulacion",
    "frecuencia", "sentido", "linea_base", "responsables", "fuente_informacion", "origen", "notas",
)

# IPTT (indicator performance tracking table) columns and their Spanish headers.
IPTT_HEADERS: dict[str, str] = {
    "programa_num": "Programa",
    "clave": "Clave",
    "indicador": "Indicador",
    "tipo_calculo": "Tipo de cálculo",
    "unidad_medida": "Unidad de medida",
    "meta": "Meta anual",
    **{f"programado_t{k}": f"Programado {schema.QUARTER_NAMES[k]}" for k in range(1, 5)},
    **{f"realizado_t{k}": f"Realizado {schema.QUARTER_NAMES[k]}" for k in range(1, 5)},
    "programado_acumulado": "Programado acumulado",
    "realizado_acumulado": "Realizado acumulado",
    "valor_indicador": "Valor del indicador",
    "avance_pct": "% avance de la meta",
    "esperado_pct": "% esperado al corte",
    "cumplimiento_pct": "% cumplimiento",
    "semaforo": "Semáforo",
    "linea_base_acumulada": "Línea base (año anterior al corte)",
    "variacion_linea_base_pct": "Variación vs línea base (%)",
    "justificacion": "Justificación",
    "evidencia": "Evidencia",
}
IPTT_COLUMNS: tuple[str, ...] = tuple(IPTT_HEADERS)


def available_years(plan: pd.DataFrame) -> list[int]:
    """Plan years, ascending."""
    return sorted(int(y) for y in plan["anio"].dropna().unique())


def latest_cutoff(plan: pd.DataFrame, avances: pd.DataFrame) -> tuple[int, int]:
    """Default selection: the latest plan year with actuals and its latest quarter with data.

    Falls back to the latest plan year, quarter 1, when no actuals exist for any plan year.
    """
    years = available_years(plan)
    if not years:
        raise ValueError("El plan no tiene ningún año.")
    done = avances[avances["anio"].isin(years)]
    if done.empty:
        return years[-1], 1
    anio = int(done["anio"].max())
    return anio, int(done.loc[done["anio"] == anio, "trimestre"].max())


def _plan_part(plan: pd.DataFrame, anio: int) -> pd.DataFrame:
    part = plan.loc[plan["anio"] == anio]
    indicador = part["indicador"].astype(object)
    return part.assign(
        orden=np.arange(len(part)),
        programa_num=part["clave"].map(schema.program_number),
        programa_corto=part["programa"].map(short_program_name),
        # Display name: the indicator, or the action when the plan has no indicator (cronograma-only rows).
        nombre=indicador.where(indicador.notna() & (indicador.astype(str).str.strip() != ""),
                               part["accion"].astype(object)),
    )


def at_cutoff(results: pd.DataFrame, plan: pd.DataFrame, anio: int, trimestre: int) -> pd.DataFrame:
    """THE frame of one cut-off: plan rows of ``anio`` joined with the engine row of ``trimestre``, in plan
    order (one row per indicator).  Compute it once per render and pass it to the table functions.

    Adds ``programa_num``, ``programa_corto``, ``nombre`` (indicador, else acción), ``trimestre``,
    ``progreso`` and ``progreso_esperado`` (the scores of the program aggregation, NaN for types that do
    not enter it or without data), ``programado_t1``…``programado_t4`` (the engine's p_k of each quarter:
    the plan's calendar, or T/4 without one — they replace the plan's raw calendar columns) and
    ``realizado_t1``…``realizado_t4`` (each quarter's realizado, NaN after the cut-off).
    """
    part = _plan_part(plan, anio)
    year = results.loc[results["anio"] == anio]
    cut = year.loc[year["trimestre"] == trimestre]
    engine_cols = [c for c in cut.columns if c not in part.columns or c in ("clave", "anio")]
    out = part.drop(columns=list(schema.PROGRAMADO_COLUMNS), errors="ignore").merge(
        cut[engine_cols].drop(columns=["tipo_calculo"], errors="ignore"),
        on=["clave", "anio"], how="left", validate="one_to_one")
    out = out.sort_values("orden", kind="stable").reset_index(drop=True)
    progreso, esperado = _scores(out, trimestre)
    return out.assign(trimestre=trimestre, progreso=progreso, progreso_esperado=esperado,
                      **_quarter_columns(year, out["clave"], trimestre))


def _quarter_columns(year: pd.DataFrame, claves: pd.Series, trimestre: int) -> dict[str, pd.Series]:
    """programado_t1..t4 (all four quarters: the plan) and realizado_t1..t4 (NaN after the cut-off)."""
    rows = year.drop_duplicates(["clave", "trimestre"]).set_index(["clave", "trimestre"])
    empty = pd.Series(np.nan, index=claves.index)
    columns: dict[str, pd.Series] = {}
    for source, prefix, last in (("programado_trimestre", "programado_t", 4),
                                 ("realizado_trimestre", "realizado_t", trimestre)):
        wide = rows[source].unstack("trimestre") if len(rows) else pd.DataFrame()
        for k in range(1, 5):
            values = claves.map(wide[k]) if k <= last and k in wide.columns else empty
            columns[f"{prefix}{k}"] = pd.to_numeric(values, errors="coerce")
    return columns


def _scores(cut: pd.DataFrame, trimestre: int) -> tuple[np.ndarray, np.ndarray]:
    tipo = cut["tipo_calculo"].astype(object).to_numpy()
    valor = pd.to_numeric(cut["valor_indicador"], errors="coerce").to_numpy(dtype=float)
    esperado = pd.to_numeric(cut["esperado_pct"], errors="coerce").to_numpy(dtype=float)
    verde = cut["semaforo"].astype(object).to_numpy() == Semaforo.VERDE
    due = pd.to_numeric(cut.get("vence_trimestre", pd.Series(np.nan, index=cut.index)), errors="coerce")
    due = due.fillna(4).to_numpy(dtype=float)
    is_meta = tipo == TipoCalculo.AVANCE_META
    is_hito = tipo == TipoCalculo.HITO
    hito_known = is_hito & (~np.isnan(valor) | verde)
    hito_value = np.where(verde | (np.nan_to_num(valor) >= 100), 100.0, 0.0)
    score = np.full(len(cut), np.nan)
    score = np.where(is_meta, np.clip(valor, 0, 100), score)
    score = np.where(hito_known, hito_value, score)
    expected = np.full(len(cut), np.nan)
    expected = np.where(is_meta & ~np.isnan(valor), np.clip(esperado, 0, 100), expected)
    # A hito not yet due expects nothing *more* than what it already shows: its own score (0 pending,
    # 100 done early), so finishing a milestone ahead of time never turns its program red.
    expected = np.where(hito_known, np.where(trimestre >= due, 100.0, hito_value), expected)
    return score, expected


def program_summary(cut: pd.DataFrame, parametros: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per program of the cut-off (``at_cutoff``): progress vs expected, coverage and semáforo."""
    medible = cut["tipo_calculo"].isin(MEASURABLE_TYPES)
    rows = cut.assign(_medible=medible, _con_dato=medible & cut["progreso"].notna(),
                      _pendiente=medible & (cut["semaforo"] == Semaforo.PENDIENTE))
    grouped = rows.groupby("programa_num", sort=False)
    out = pd.DataFrame({
        "programa": grouped["programa"].first(),
        "programa_corto": grouped["programa_corto"].first(),
        "n_indicadores": grouped.size().astype("int64"),
        "n_medibles": grouped["_medible"].sum().astype("int64"),
        "n_con_dato": grouped["_con_dato"].sum().astype("int64"),
        "avance_pct": grouped["progreso"].mean(),
        "esperado_pct": grouped["progreso_esperado"].mean(),
    }).reset_index()
    esperado = out["esperado_pct"].to_numpy(dtype=float)
    avance = out["avance_pct"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cumplimiento = np.where(esperado > 0, avance / esperado * 100, np.nan)
    colour = semaforo.names(semaforo.classify(cumplimiento, semaforo.Thresholds.from_parametros(parametros)))
    waiting = np.where(grouped["_pendiente"].any().to_numpy(dtype=bool), Semaforo.PENDIENTE.value,
                       Semaforo.SIN_META.value)
    colour = np.where(esperado == 0, np.where(avance > 0, Semaforo.VERDE.value, waiting), colour)
    colour = np.where(np.isnan(avance), Semaforo.SIN_DATO.value, colour)
    out["cumplimiento_pct"] = cumplimiento
    out["semaforo"] = pd.Series(colour, index=out.index, dtype=object)
    return _sort_programs(out)


def _sort_programs(frame: pd.DataFrame) -> pd.DataFrame:
    """Programs in numeric order ('2' before '10'); non-numeric keys last, alphabetically."""
    number = pd.to_numeric(frame["programa_num"], errors="coerce").fillna(np.inf)
    ordered = frame.assign(_n=number).sort_values(["_n", "programa_num"], kind="stable")
    return ordered.drop(columns="_n").reset_index(drop=True)


def _semaforo_or_sin_dato(cut: pd.DataFrame) -> pd.Series:
    values = cut["semaforo"].astype(object)
    return values.where(values.notna(), Semaforo.SIN_DATO.value)


def semaforo_counts(cut: pd.DataFrame) -> pd.DataFrame:
    """Number of indicators per semáforo value (every value of ``schema.SEMAFOROS``, in that order)."""
    counts = _semaforo_or_sin_dato(cut).value_counts()
    return pd.DataFrame({"semaforo": list(schema.SEMAFOROS),
                         "n": [int(counts.get(s, 0)) for s in schema.SEMAFOROS]})


def red_indicators(cut: pd.DataFrame) -> pd.DataFrame:
    """Indicators in rojo at the cut-off with their justificación (plan order)."""
    cols = ["programa_num", "programa_corto", "clave", "nombre", "tipo_calculo", "valor_indicador",
            "cumplimiento_pct", "justificacion"]
    red = cut.loc[cut["semaforo"] == Semaforo.ROJO, cols].rename(columns={"nombre": "indicador"})
    return red.reset_index(drop=True)


def iptt_table(cut: pd.DataFrame) -> pd.DataFrame:
    """Indicator table of the cut-off (``at_cutoff``; columns ``IPTT_COLUMNS``), one row per indicator.

    ``indicador`` is the plan's indicator, or its action when the plan row has no indicator.
    Programmed values are shown for the four quarters (the plan); realised values only up to the cut-off.
    ``avance_pct`` is ``valor_indicador`` for ``avance_meta`` indicators only.
    """
    numbers = ["meta", *(f"programado_t{k}" for k in range(1, 5)), *(f"realizado_t{k}" for k in range(1, 5)),
               "programado_acumulado", "realizado_acumulado", "valor_indicador", "esperado_pct",
               "cumplimiento_pct", "linea_base_acumulada", "variacion_linea_base_pct"]
    table = pd.DataFrame({"programa_num": cut["programa_num"], "clave": cut["clave"],
                          "indicador": cut["nombre"], "tipo_calculo": cut["tipo_calculo"],
                          "unidad_medida": cut["unidad_medida"]})
    for col in numbers:
        table[col] = pd.to_numeric(cut[col], errors="coerce") if col in cut else np.nan
    table["avance_pct"] = table["valor_indicador"].where(cut["tipo_calculo"] == TipoCalculo.AVANCE_META)
    table["semaforo"] = _semaforo_or_sin_dato(cut)
    for col in ("justificacion", "evidencia"):
        texts = cut[col].astype(object) if col in cut else pd.Series(None, index=cut.index, dtype=object)
        table[col] = texts.where(texts.notna(), None)
    return table[list(IPTT_COLUMNS)].reset_index(drop=True)


def indicator_history(results: pd.DataFrame, clave: str, anio: int) -> pd.DataFrame:
    """The four quarters of one indicator in one year (trimestre order), engine columns only."""
    rows = results.loc[(results["clave"] == clave) & (results["anio"] == anio)]
    return rows.sort_values("trimestre", kind="stable").reset_index(drop=True)


def ficha_tecnica(plan_row: pd.Series) -> list[tuple[str, str]]:
    """(Spanish header, text) pairs of one plan row's ficha técnica; empty fields are skipped."""
    headers = {c.name: c.header for c in schema.PLAN_COLUMNS}
    pairs: list[tuple[str, str]] = []
    for name in FICHA_COLUMNS:
        value = plan_row.get(name)
        if value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == "":
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        pairs.append((headers.get(name, name), str(value)))
    return pairs


def baseline_table(cut: pd.DataFrame) -> pd.DataFrame:
    """Current year vs previous year at the same cut-off (``at_cutoff``), per indicator (plan order).

    ``con_linea_base`` is False when the previous year has no actuals for the indicator.  A previous-year
    value of 0 *is* a baseline (``con_linea_base`` True) whose variation is not computable (NaN).
    """
    base = pd.to_numeric(cut["linea_base_acumulada"], errors="coerce")
    return pd.DataFrame({
        "programa_num": cut["programa_num"],
        "programa_corto": cut["programa_corto"],
        "clave": cut["clave"],
        "indicador": cut["nombre"],
        "tipo_calculo": cut["tipo_calculo"],
        "unidad_medida": cut["unidad_medida"],
        "realizado_acumulado": pd.to_numeric(cut["realizado_acumulado"], errors="coerce"),
        "linea_base_acumulada": base,
        "variacion_linea_base_pct": pd.to_numeric(cut["variacion_linea_base_pct"], errors="coerce"),
        "con_linea_base": base.notna(),
    })


def baseline_by_program(table: pd.DataFrame) -> pd.DataFrame:
    """Per program: the **median** of the per-indicator variations vs the previous year.

    Indicators of one program count different things (sessions, attentions, workshops…), so their values
    are never added up: each comparable indicator (value this year, previous-year value > 0) gives its own
    variation in percent, and the program shows the median of those variations (robust: one large-volume
    indicator cannot dominate), with how many rose and fell.  ``indice_base`` = 100 and
    ``indice_actual`` = 100 + median express it as an index (previous year = 100) for the panels.
    """
    base = pd.to_numeric(table["linea_base_acumulada"], errors="coerce")
    variation = pd.to_numeric(table["variacion_linea_base_pct"], errors="coerce")
    comparable = (table["con_linea_base"].astype(bool) & (base > 0) & table["realizado_acumulado"].notna()
                  & variation.notna())
    frame = table.assign(_var=variation.where(comparable), _cmp=comparable,
                         _up=comparable & (variation > 0), _down=comparable & (variation < 0))
    grouped = frame.groupby("programa_num", sort=False)
    out = pd.DataFrame({
        "programa_corto": grouped["programa_corto"].first(),
        "n_indicadores": grouped.size().astype("int64"),
        "n_con_linea_base": grouped["_cmp"].sum().astype("int64"),
        "n_suben": grouped["_up"].sum().astype("int64"),
        "n_bajan": grouped["_down"].sum().astype("int64"),
        "variacion_pct": grouped["_var"].median().astype("float64"),
    }).reset_index()
    has = out["variacion_pct"].notna()
    out["indice_base"] = np.where(has, 100.0, np.nan)
    out["indice_actual"] = 100.0 + out["variacion_pct"]
    return _sort_programs(out)
