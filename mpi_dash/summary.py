"""Dashboard summaries built from the engine results: programs, semáforo counts, IPTT and baseline tables.

Inputs are the plan (``schema.PLAN_COLUMNS``) and the output of :func:`mpi_dash.engine.compute_all`
(``REPORT_FIELDS`` + ``programado_trimestre``, ``evidencia``, ``vence_trimestre``; one row per plan row
and quarter).  Every function is pure: DataFrames in, new DataFrames out, inputs never mutated.

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
* Program semáforo: ``cumplimiento = progress / expected · 100`` classified with the thresholds of
  ``parametros`` (defaults ``schema.DEFAULT_THRESHOLDS``); expected 0 → ``verde`` if something is already
  done (ahead of a calendar that expects nothing yet), else ``pendiente`` when one of its hitos is
  pending, else ``sin_meta``; no data → ``sin_dato``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mpi_dash import schema
from mpi_dash.formatting import format_number, short_program_name

MEASURABLE_TYPES = ("avance_meta", "hito")

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


def _thresholds(parametros: Mapping[str, float] | None) -> dict[str, float]:
    merged = dict(schema.DEFAULT_THRESHOLDS)
    for key in merged:
        value = (parametros or {}).get(key)
        if value is not None and not pd.isna(value):
            merged[key] = float(value)
    return merged


def thresholds_text(parametros: Mapping[str, float] | None = None, *, icons: bool = False) -> str:
    """The semáforo rule in Spanish, built from the thresholds actually in use (``parametros``)."""
    t = {k: format_number(v) for k, v in _thresholds(parametros).items()}
    verde, amarillo, rojo = ("🟢 verde", "🟡 amarillo", "🔴 rojo") if icons else ("verde", "amarillo", "rojo")
    return (f"{verde} de {t['verde_min']} % a {t['verde_max']} % de lo esperado, {amarillo} de "
            f"{t['amarillo_min']} % a menos de {t['verde_min']} % (o de más de {t['verde_max']} % a "
            f"{t['amarillo_max']} %), {rojo} fuera de esos rangos")


def classify(pct: pd.Series, parametros: Mapping[str, float] | None = None) -> pd.Series:
    """verde / amarillo / rojo for percentages (bounds belong to the better colour); NaN → sin_dato."""
    t = _thresholds(parametros)
    x = pd.to_numeric(pct, errors="coerce").to_numpy(dtype=float)
    verde = (x >= t["verde_min"]) & (x <= t["verde_max"])
    below = (x >= t["amarillo_min"]) & (x < t["verde_min"])
    above = (x > t["verde_max"]) & (x <= t["amarillo_max"])
    amarillo = below | above
    out = np.select([np.isnan(x), verde, amarillo], ["sin_dato", "verde", "amarillo"], "rojo")
    return pd.Series(out, index=pct.index, dtype=object)


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
    part = plan.loc[plan["anio"] == anio].copy()
    part["orden"] = np.arange(len(part))
    part["programa_num"] = part["clave"].map(schema.program_number)
    part["programa_corto"] = part["programa"].map(short_program_name)
    # Display name: the indicator, or the action when the plan has no indicator (cronograma-only rows).
    indicador = part["indicador"].astype(object)
    part["nombre"] = indicador.where(indicador.notna() & (indicador.astype(str).str.strip() != ""),
                                     part["accion"].astype(object))
    return part


def at_cutoff(results: pd.DataFrame, plan: pd.DataFrame, anio: int, trimestre: int) -> pd.DataFrame:
    """Engine rows of one cut-off joined with the plan texts, in plan order (one row per indicator).

    Adds ``programa_num``, ``programa_corto``, ``nombre`` (indicador, else acción),
    ``progreso`` and ``progreso_esperado`` (the scores of the
    program aggregation, NaN for types that do not enter it or without data).
    """
    part = _plan_part(plan, anio)
    cut = results.loc[(results["anio"] == anio) & (results["trimestre"] == trimestre)]
    engine_cols = [c for c in cut.columns if c not in part.columns or c in ("clave", "anio")]
    out = part.merge(cut[engine_cols].drop(columns=["tipo_calculo"], errors="ignore"),
                     on=["clave", "anio"], how="left", validate="one_to_one")
    out["trimestre"] = trimestre
    out = out.sort_values("orden", kind="stable").reset_index(drop=True)
    progreso, esperado = _scores(out, trimestre)
    out["progreso"] = progreso
    out["progreso_esperado"] = esperado
    return out


def _scores(cut: pd.DataFrame, trimestre: int) -> tuple[np.ndarray, np.ndarray]:
    tipo = cut["tipo_calculo"].astype(object).to_numpy()
    valor = pd.to_numeric(cut["valor_indicador"], errors="coerce").to_numpy(dtype=float)
    esperado = pd.to_numeric(cut["esperado_pct"], errors="coerce").to_numpy(dtype=float)
    semaforo = cut["semaforo"].astype(object).to_numpy()
    due = pd.to_numeric(cut.get("vence_trimestre", pd.Series(np.nan, index=cut.index)), errors="coerce")
    due = due.fillna(4).to_numpy(dtype=float)
    is_meta = tipo == "avance_meta"
    is_hito = tipo == "hito"
    hito_known = is_hito & (~np.isnan(valor) | (semaforo == "verde"))
    hito_value = np.where((semaforo == "verde") | (np.nan_to_num(valor) >= 100), 100.0, 0.0)
    score = np.full(len(cut), np.nan)
    score = np.where(is_meta, np.clip(valor, 0, 100), score)
    score = np.where(hito_known, hito_value, score)
    expected = np.full(len(cut), np.nan)
    expected = np.where(is_meta & ~np.isnan(valor), np.clip(esperado, 0, 100), expected)
    # A hito not yet due expects nothing *more* than what it already shows: its own score (0 pending,
    # 100 done early), so finishing a milestone ahead of time never turns its program red.
    expected = np.where(hito_known, np.where(trimestre >= due, 100.0, hito_value), expected)
    return score, expected


def program_summary(results: pd.DataFrame, plan: pd.DataFrame, anio: int, trimestre: int,
                    parametros: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per program (plan order): progress vs expected, coverage and program semáforo."""
    cut = at_cutoff(results, plan, anio, trimestre)
    cut["medible"] = cut["tipo_calculo"].isin(MEASURABLE_TYPES)
    cut["con_dato"] = cut["medible"] & cut["progreso"].notna()
    cut["pendiente"] = cut["medible"] & (cut["semaforo"] == "pendiente")
    grouped = cut.groupby("programa_num", sort=False)
    out = pd.DataFrame({
        "programa": grouped["programa"].first(),
        "programa_corto": grouped["programa_corto"].first(),
        "n_indicadores": grouped.size(),
        "n_medibles": grouped["medible"].sum(),
        "n_con_dato": grouped["con_dato"].sum(),
        "avance_pct": grouped["progreso"].mean(),
        "esperado_pct": grouped["progreso_esperado"].mean(),
        "_pendiente": grouped["pendiente"].any(),
    }).reset_index()
    out["n_medibles"] = out["n_medibles"].astype("int64")
    out["n_con_dato"] = out["n_con_dato"].astype("int64")
    out["n_indicadores"] = out["n_indicadores"].astype("int64")
    esperado = out["esperado_pct"].to_numpy(dtype=float)
    avance = out["avance_pct"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cumplimiento = np.where(esperado > 0, avance / esperado * 100, np.nan)
    out["cumplimiento_pct"] = cumplimiento
    semaforo = classify(out["cumplimiento_pct"], parametros).to_numpy(dtype=object)
    waiting = np.where(out["_pendiente"].to_numpy(dtype=bool), "pendiente", "sin_meta")
    semaforo = np.where(esperado == 0, np.where(avance > 0, "verde", waiting), semaforo)
    semaforo = np.where(np.isnan(avance), "sin_dato", semaforo)
    out["semaforo"] = semaforo
    out = out.drop(columns="_pendiente")
    return _sort_programs(out)


def _sort_programs(frame: pd.DataFrame) -> pd.DataFrame:
    """Programs in numeric order ('2' before '10'); non-numeric keys last, alphabetically."""
    number = pd.to_numeric(frame["programa_num"], errors="coerce").fillna(np.inf)
    ordered = frame.assign(_n=number).sort_values(["_n", "programa_num"], kind="stable")
    return ordered.drop(columns="_n").reset_index(drop=True)


def semaforo_counts(cut: pd.DataFrame) -> pd.DataFrame:
    """Number of indicators per semáforo value (every value of ``schema.SEMAFOROS``, in that order)."""
    values = cut["semaforo"].astype(object).where(cut["semaforo"].notna(), "sin_dato")
    counts = values.value_counts()
    return pd.DataFrame({"semaforo": list(schema.SEMAFOROS),
                         "n": [int(counts.get(s, 0)) for s in schema.SEMAFOROS]})


def red_indicators(cut: pd.DataFrame) -> pd.DataFrame:
    """Indicators in rojo at the cut-off with their justificación (plan order)."""
    cols = ["programa_num", "programa_corto", "clave", "nombre", "tipo_calculo", "valor_indicador",
            "cumplimiento_pct", "justificacion"]
    red = cut.loc[cut["semaforo"] == "rojo", cols].rename(columns={"nombre": "indicador"})
    return red.reset_index(drop=True)


def iptt_table(results: pd.DataFrame, plan: pd.DataFrame, anio: int, trimestre: int) -> pd.DataFrame:
    """Indicator table for one cut-off (columns ``IPTT_COLUMNS``), one row per indicator, plan order.

    ``indicador`` is the plan's indicator, or its action when the plan row has no indicator.
    Programmed values are shown for the four quarters (the plan); realised values only up to the cut-off.
    ``avance_pct`` is ``valor_indicador`` for ``avance_meta`` indicators only.
    """
    cut = at_cutoff(results, plan, anio, trimestre)
    year = results.loc[results["anio"] == anio]
    realizado = _by_quarter(year, "realizado_trimestre", cut["clave"])
    programado = _by_quarter(year, "programado_trimestre", cut["clave"])
    meta = pd.to_numeric(cut["meta"], errors="coerce") if "meta" in cut else np.nan
    table = pd.DataFrame({"programa_num": cut["programa_num"], "clave": cut["clave"],
                          "indicador": cut["nombre"], "tipo_calculo": cut["tipo_calculo"],
                          "unidad_medida": cut["unidad_medida"], "meta": meta})
    for k in range(1, 5):
        table[f"programado_t{k}"] = programado[k]
    for k in range(1, 5):
        table[f"realizado_t{k}"] = realizado[k] if k <= trimestre else np.nan
    for col in ("programado_acumulado", "realizado_acumulado", "valor_indicador", "esperado_pct",
                "cumplimiento_pct", "linea_base_acumulada", "variacion_linea_base_pct"):
        table[col] = pd.to_numeric(cut[col], errors="coerce")
    table["avance_pct"] = table["valor_indicador"].where(cut["tipo_calculo"] == "avance_meta")
    table["semaforo"] = cut["semaforo"].astype(object).where(cut["semaforo"].notna(), "sin_dato")
    table["justificacion"] = cut["justificacion"].astype(object).where(cut["justificacion"].notna(), None)
    evidencia = cut["evidencia"] if "evidencia" in cut else pd.Series(None, index=cut.index)
    table["evidencia"] = evidencia.astype(object).where(evidencia.notna(), None)
    return table[list(IPTT_COLUMNS)].reset_index(drop=True)


def _by_quarter(year: pd.DataFrame, column: str, claves: pd.Series) -> dict[int, pd.Series]:
    """``column`` of quarter k for each clave of ``claves`` (aligned to its index)."""
    out: dict[int, pd.Series] = {}
    for k in range(1, 5):
        rows = year.loc[year["trimestre"] == k].drop_duplicates("clave").set_index("clave")[column]
        out[k] = pd.to_numeric(claves.map(rows), errors="coerce")
    return out


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


def baseline_table(results: pd.DataFrame, plan: pd.DataFrame, anio: int, trimestre: int) -> pd.DataFrame:
    """Current year vs previous year at the same cut-off, per indicator (plan order).

    ``con_linea_base`` is False when the previous year has no actuals for the indicator.  A previous-year
    value of 0 *is* a baseline (``con_linea_base`` True) whose variation is not computable (NaN).
    """
    cut = at_cutoff(results, plan, anio, trimestre)
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
