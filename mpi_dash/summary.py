"""Dashboard tables of one cut-off built from the engine results: the cut-off frame, semáforo counts, the
exceptions list, IPTT and baseline tables.

Pandas style: :func:`at_cutoff` joins the plan (``schema.PLAN_COLUMNS``) with the output of
:func:`mpi_dash.engine.compute_all` for ONE cut-off (year + quarter) — computed once per render — and
every table of that cut-off is a function of that frame: ``iptt_table(cut)``, ``baseline_table(cut)``,
``exceptions(cut)``, ``semaforo_counts(cut)`` and, per program, :func:`mpi_dash.programs.program_figures`.
Every function is pure: DataFrames in, new DataFrames out, inputs never mutated.

The per-indicator *progress scores* of the program aggregation (``progreso``, ``progreso_esperado``) are
computed here, in :func:`at_cutoff`; how they are averaged per program is :mod:`mpi_dash.programs`:

* ``avance_meta`` with a goal (T > 0) → its ``valor_indicador`` (percent of the annual goal), capped to
  0–100; ``hito`` → 100 once reached, 0 otherwise.  Ratios (``periodo_anterior``, ``anio_anterior``),
  counts (``conteo``) and ``avance_meta`` rows without an annual goal have nothing to be a percentage of:
  they do not enter the program gauge (they are listed on the *Programa* page).
* Expected score: ``avance_meta`` → ``esperado_pct`` capped to 0–100; ``hito`` → 100 if due at or before
  the cut-off, else its own score (0 pending, 100 done ahead of time: early is on track).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mpi_dash import schema
from mpi_dash.formatting import TIPO_CALCULO_LABELS, is_empty, program_name
from mpi_dash.schema import Acumulacion, Semaforo, TipoCalculo

#: Texts a plan uses for "no indicator": never shown as a name (the action names the row instead).
PLACEHOLDER_NAMES = frozenset({"n/a", "na", "no aplica", "no aplica.", "-", "—", "s/d", "n.a.", "n/a."})
#: Types whose value adds up the year to date: they need every report from Marzo to the cut-off.
CUMULATIVE_TYPES: tuple[str, ...] = (TipoCalculo.ANIO_ANTERIOR.value, TipoCalculo.CONTEO.value)

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
#: Extra columns of :func:`iptt_table` that complete the words of the semáforo (not exported as columns).
IPTT_STATUS_COLUMNS: tuple[str, ...] = ("direccion_desvio", "reportes_faltantes", "vence_trimestre")


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


def _clean_text(value: object) -> str | None:
    """A text with single spaces; empty → None."""
    return None if is_empty(value) else " ".join(str(value).split())


def display_names(part: pd.DataFrame) -> pd.Series:
    """The name that tells each row apart on screen (one plan year): the plan's indicator, unless it is
    empty, a placeholder («N/A», «No aplica») or shared by several rows of the year (3.1–3.5 are all «Número
    total de capacitaciones.») — then the row's action, which the plan writes for every row.  Neither → clave.
    """
    indicador = [_clean_text(v) for v in part["indicador"].tolist()]
    accion = [_clean_text(v) for v in part["accion"].tolist()]
    folded = [v.casefold() if v else None for v in indicador]
    seen: dict[str, int] = {}
    for v in folded:
        if v:
            seen[v] = seen.get(v, 0) + 1
    names = []
    for ind, acc, fold, clave in zip(indicador, accion, folded, part["clave"].tolist(), strict=True):
        usable = ind is not None and fold not in PLACEHOLDER_NAMES and seen.get(fold or "", 0) < 2
        names.append(ind if usable else acc if acc is not None else ind if ind is not None else str(clave))
    return pd.Series(names, index=part.index, dtype=object)


# Engine columns whose empty value is None (texts); the others are numbers (NaN).
_TEXT_RESULTS = ("semaforo", "justificacion", "evidencia", "direccion_desvio")


def at_cutoff(results: pd.DataFrame, plan: pd.DataFrame, anio: int, trimestre: int) -> pd.DataFrame:
    """THE frame of one cut-off: plan rows of ``anio`` joined with the engine row of ``trimestre``, in plan
    order (one row per indicator).  Compute it once per render and pass it to the table functions.

    Adds ``programa_num``, ``programa_nombre`` (full name, :func:`~mpi_dash.formatting.program_name`),
    ``nombre`` (:func:`display_names`), ``trimestre``, ``progreso`` and ``progreso_esperado`` (the scores of
    the program aggregation, NaN for rows that do not enter it or without data), ``medible`` (the row
    enters the program gauge: a hito, or an avance_meta with an annual goal), ``programado_t1``…``t4``
    (the engine's p_k of each quarter: the plan's calendar, or T/4 without one — they replace the plan's
    raw calendar columns), ``realizado_t1``…``t4`` (each quarter's realizado, NaN after the cut-off) and
    ``reportes_faltantes`` (tuple of the quarters whose missing report leaves the row ``sin_dato``:
    every quarter up to the cut for the year-to-date types, else the cut's own quarter; () otherwise).

    Array code (one DataFrame built at the end): it runs for every cut-off of the trend on each render.
    """
    part = plan.loc[plan["anio"].to_numpy() == anio].drop(columns=list(schema.PROGRAMADO_COLUMNS),
                                                          errors="ignore").reset_index(drop=True)
    n = len(part)
    claves = part["clave"].astype(str).to_numpy()
    if len(set(claves)) != n:
        raise ValueError(f"El plan repite claves en el año {anio}: cada clave debe aparecer una vez por año.")
    year = results.loc[results["anio"].to_numpy() == anio]
    row = pd.Index(claves).get_indexer(year["clave"].astype(str).to_numpy())
    quarter = year["trimestre"].to_numpy(dtype=np.int64)
    known = (row >= 0) & (quarter >= 1) & (quarter <= 4)
    row, quarter, year = row[known], quarter[known], year.loc[known]
    at_cut = quarter == trimestre
    columns: dict[str, object] = {}
    for name in year.columns:
        if name in part.columns or name == "trimestre":
            continue  # clave, anio, tipo_calculo: the plan's; trimestre: added below
        text = name in _TEXT_RESULTS
        values = np.full(n, None, dtype=object) if text else np.full(n, np.nan)
        source = year[name].to_numpy(dtype=object if text else np.float64,
                                     **({} if text else {"na_value": np.nan}))
        values[row[at_cut]] = source[at_cut]
        if text:
            values = np.array([None if is_empty(v) else v for v in values], dtype=object)
        columns[name] = values
    wide = {}
    for source, prefix, last in (("programado_trimestre", "programado_t", 4),
                                 ("realizado_trimestre", "realizado_t", trimestre)):
        matrix = np.full((n, 4), np.nan)
        if source in year:
            keep = quarter <= last
            matrix[row[keep], quarter[keep] - 1] = year[source].to_numpy(dtype=np.float64, na_value=np.nan)[keep]
        wide.update({f"{prefix}{k}": matrix[:, k - 1] for k in range(1, 5)})
    tipo = part["tipo_calculo"].astype(object).to_numpy()
    engine_part = pd.DataFrame(columns, index=part.index)
    out = pd.concat([part.assign(orden=np.arange(n)), engine_part], axis=1)
    progreso, esperado = _scores(out, trimestre)
    meta = columns.get("meta", np.full(n, np.nan))
    medible = (tipo == TipoCalculo.HITO) | ((tipo == TipoCalculo.AVANCE_META) & (np.nan_to_num(meta) > 0))
    added = pd.DataFrame({
        "programa_num": [schema.program_number(c) for c in claves],
        "programa_nombre": [program_name(v) for v in part["programa"].tolist()],
        "nombre": display_names(part),
        "trimestre": np.full(n, trimestre, dtype=np.int64),
        "progreso": progreso, "progreso_esperado": esperado, "medible": medible, **wide,
        "reportes_faltantes": _missing_reports(out, wide, trimestre),
    }, index=part.index)
    return pd.concat([out, added], axis=1)


def _missing_reports(cut: pd.DataFrame, quarters: dict[str, np.ndarray], trimestre: int) -> list[tuple[int, ...]]:
    """Per row: the quarters (tuple) whose report is missing and leaves the row without data at the cut-off."""
    reported = np.column_stack([~np.isnan(quarters[f"realizado_t{k}"]) for k in range(1, trimestre + 1)])
    tipo = cut["tipo_calculo"].astype(object).tolist()
    acumulacion = [str(v).strip().casefold() for v in cut["acumulacion"].tolist()]
    sin_dato = [v == Semaforo.SIN_DATO or v is None for v in cut["semaforo"].tolist()]
    missing: list[tuple[int, ...]] = []
    for got, kind, acc, lacking in zip(reported, tipo, acumulacion, sin_dato, strict=True):
        if not lacking:
            missing.append(())
            continue
        year_to_date = kind in CUMULATIVE_TYPES or (kind == TipoCalculo.AVANCE_META and acc != Acumulacion.PERIODO)
        needed = range(1, trimestre + 1) if year_to_date else (trimestre,)
        missing.append(tuple(k for k in needed if not got[k - 1]))
    return missing


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


def sort_programs(frame: pd.DataFrame, column: str = "programa_num", then: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows in numeric program order ('2' before '10'; non-numeric keys last, alphabetically), then by
    ``then`` (stable)."""
    number = pd.to_numeric(frame[column], errors="coerce").fillna(np.inf)
    ordered = frame.assign(_n=number).sort_values(["_n", column, *then], kind="stable")
    return ordered.drop(columns="_n").reset_index(drop=True)


def _semaforo_or_sin_dato(cut: pd.DataFrame) -> pd.Series:
    values = cut["semaforo"].astype(object)
    return values.where(values.notna(), Semaforo.SIN_DATO.value)


def semaforo_counts(cut: pd.DataFrame) -> pd.DataFrame:
    """Number of indicators per semáforo value (every value of ``schema.SEMAFOROS``, in that order)."""
    counts = _semaforo_or_sin_dato(cut).value_counts()
    return pd.DataFrame({"semaforo": list(schema.SEMAFOROS),
                         "n": [int(counts.get(s, 0)) for s in schema.SEMAFOROS]})


#: Severity of each kind of exception (1 = most severe): what lags first, then what is missing, then what
#: exceeded the programme (over-achievement: the calendar was not realistic, not a failure).
SEVERITY: dict[tuple[str, str | None], int] = {
    (Semaforo.ROJO.value, "bajo"): 1, (Semaforo.AMARILLO.value, "bajo"): 2, (Semaforo.SIN_DATO.value, None): 3,
    (Semaforo.ROJO.value, "sobre"): 4, (Semaforo.AMARILLO.value, "sobre"): 5,
}
EXCEPTION_COLUMNS: tuple[str, ...] = (
    "severidad", "programa_num", "programa_nombre", "clave", "nombre", "tipo_calculo", "acumulacion",
    "semaforo", "direccion_desvio", "responsables", "unidad_medida", "valor_indicador", "esperado_pct",
    "cumplimiento_pct", "realizado_trimestre", "realizado_acumulado", "programado_trimestre",
    "programado_acumulado", "vence_trimestre", "reportes_faltantes", "justificacion",
)


def exceptions(cut: pd.DataFrame) -> pd.DataFrame:
    """«Where are the problems?»: every indicator in rojo, amarillo or sin dato at the cut-off, by severity
    (:data:`SEVERITY`: rojo ↓ rezago, amarillo ↓ rezago, sin dato, rojo ↑ and amarillo ↑ sobrecumplimiento),
    then plan order; columns :data:`EXCEPTION_COLUMNS` (the responsible area, the value against what was
    programmed, the missing reports and the justificación).  A missing direction reads as rezago."""
    colour = _semaforo_or_sin_dato(cut)
    direction = cut["direccion_desvio"].astype(object) if "direccion_desvio" in cut else \
        pd.Series(None, index=cut.index, dtype=object)
    off_band = colour.isin([Semaforo.ROJO.value, Semaforo.AMARILLO.value])
    direction = direction.where(direction.isin(["sobre", "bajo"]), "bajo").where(off_band, None)
    severity = [SEVERITY.get((c, d), 0) for c, d in zip(colour, direction, strict=True)]
    out = cut.assign(semaforo=colour, direccion_desvio=direction, severidad=severity, _orden=np.arange(len(cut)))
    for col in EXCEPTION_COLUMNS:
        if col not in out:
            out[col] = None
    out = out.loc[out["severidad"] > 0].sort_values(["severidad", "_orden"], kind="stable")
    return out[list(EXCEPTION_COLUMNS)].reset_index(drop=True)


#: Columns of :func:`missing_justifications`.
MISSING_JUSTIFICATION_COLUMNS: tuple[str, ...] = (
    "programa_num", "clave", "nombre", "trimestre", "semaforo", "direccion_desvio",
)


def missing_justifications(cut: pd.DataFrame) -> pd.DataFrame:
    """Indicators of the cut-off (``at_cutoff``) whose semáforo is amarillo or rojo and that carry no
    justificación (empty or blank text): the figures a Junta would read without an explanation.  Plan
    order; columns :data:`MISSING_JUSTIFICATION_COLUMNS` (``direccion_desvio`` sobre/bajo or None)."""
    colour = _semaforo_or_sin_dato(cut)
    texts = cut["justificacion"].astype(object) if "justificacion" in cut else \
        pd.Series(None, index=cut.index, dtype=object)
    blank = texts.map(lambda v: v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip())
    wanted = colour.isin([Semaforo.ROJO.value, Semaforo.AMARILLO.value]) & blank.astype(bool)
    out = cut.assign(semaforo=colour)
    for col in MISSING_JUSTIFICATION_COLUMNS:
        if col not in out:
            out[col] = None
    return out.loc[wanted.to_numpy(), list(MISSING_JUSTIFICATION_COLUMNS)].reset_index(drop=True)


def iptt_table(cut: pd.DataFrame) -> pd.DataFrame:
    """Indicator table of the cut-off (``at_cutoff``; columns ``IPTT_COLUMNS``), one row per indicator.

    ``indicador`` is the plan's indicator, or its action when the plan row has no indicator.
    Programmed values are shown for the four quarters (the plan); realised values only up to the cut-off.
    ``avance_pct`` is ``valor_indicador`` for ``avance_meta`` indicators only.  After ``IPTT_COLUMNS`` come
    :data:`IPTT_STATUS_COLUMNS` (direction, missing reports, due quarter), which word the semáforo
    (:func:`mpi_dash.formatting.indicator_status`) on screen and in the downloads; they are not columns of
    their own in the files.
    """
    numbers = ["meta", *(f"programado_t{k}" for k in range(1, 5)), *(f"realizado_t{k}" for k in range(1, 5)),
               "programado_acumulado", "realizado_acumulado", "valor_indicador", "esperado_pct",
               "cumplimiento_pct", "linea_base_acumulada", "variacion_linea_base_pct"]
    table = pd.DataFrame({"programa_num": cut["programa_num"], "clave": cut["clave"],
                          "indicador": cut["nombre"], "tipo_calculo": cut["tipo_calculo"],
                          "unidad_medida": cut["unidad_medida"]})
    for col in IPTT_STATUS_COLUMNS:
        table[col] = cut[col] if col in cut else None
    for col in numbers:
        table[col] = pd.to_numeric(cut[col], errors="coerce") if col in cut else np.nan
    table["avance_pct"] = table["valor_indicador"].where(cut["tipo_calculo"] == TipoCalculo.AVANCE_META)
    table["semaforo"] = _semaforo_or_sin_dato(cut)
    for col in ("justificacion", "evidencia"):
        texts = cut[col].astype(object) if col in cut else pd.Series(None, index=cut.index, dtype=object)
        table[col] = texts.where(texts.notna(), None)
    return table[[*IPTT_COLUMNS, *IPTT_STATUS_COLUMNS]].reset_index(drop=True)


def indicator_history(results: pd.DataFrame, clave: str, anio: int) -> pd.DataFrame:
    """The four quarters of one indicator in one year (trimestre order), engine columns only."""
    rows = results.loc[(results["clave"] == clave) & (results["anio"] == anio)]
    return rows.sort_values("trimestre", kind="stable").reset_index(drop=True)


#: Plan codes shown in words in the ficha técnica (never «avance_meta» or «acumulado» on screen).
FICHA_WORDS: dict[str, dict[str, str]] = {
    "tipo_calculo": {code: word for code, word in TIPO_CALCULO_LABELS.items()},
    "acumulacion": {Acumulacion.ACUMULADO.value: "Acumulada: de enero al corte",
                    Acumulacion.PERIODO.value: "Por trimestre: cada trimestre por separado"},
}


def ficha_tecnica(plan_row: pd.Series) -> list[tuple[str, str]]:
    """(Spanish header, text) pairs of one plan row's ficha técnica; empty fields are skipped; the plan's
    codes (tipo de cálculo, acumulación) in words."""
    headers = {c.name: c.header for c in schema.PLAN_COLUMNS}
    pairs: list[tuple[str, str]] = []
    for name in FICHA_COLUMNS:
        value = plan_row.get(name)
        if value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == "":
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        words = FICHA_WORDS.get(name, {})
        pairs.append((headers.get(name, name), words.get(str(value).strip().casefold(), str(value))))
    return pairs


def baseline_table(cut: pd.DataFrame) -> pd.DataFrame:
    """Current year vs previous year at the same cut-off (``at_cutoff``), per indicator (plan order).

    ``con_linea_base`` is False when the previous year has no actuals for the indicator.  A previous-year
    value of 0 *is* a baseline (``con_linea_base`` True) whose variation is not computable (NaN).
    """
    base = pd.to_numeric(cut["linea_base_acumulada"], errors="coerce")
    return pd.DataFrame({
        "programa_num": cut["programa_num"],
        "programa_nombre": cut["programa_nombre"],
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
    """Per program (from :func:`baseline_table`): how many indicators rose, fell or stayed the same against
    the previous year at the same cut-off.

    Indicators of one program count different things (sessions, attentions, workshops…), so their values
    are never added up, nor their variations averaged: each comparable indicator (a value this year and a
    previous-year value > 0) is compared with itself and the program says how many went up, down or stayed
    equal.  ``n_sin_comparar`` = indicators without a previous-year value, with a previous year of 0 or
    without this year's value.
    """
    base = pd.to_numeric(table["linea_base_acumulada"], errors="coerce")
    variation = pd.to_numeric(table["variacion_linea_base_pct"], errors="coerce")
    comparable = (table["con_linea_base"].astype(bool) & (base > 0) & table["realizado_acumulado"].notna()
                  & variation.notna())
    frame = table.assign(_cmp=comparable, _up=comparable & (variation > 0), _down=comparable & (variation < 0),
                         _same=comparable & (variation == 0))
    grouped = frame.groupby("programa_num", sort=False)
    out = pd.DataFrame({
        "programa_nombre": grouped["programa_nombre"].first(),
        "n_indicadores": grouped.size().astype("int64"),
        "n_comparables": grouped["_cmp"].sum().astype("int64"),
        "n_suben": grouped["_up"].sum().astype("int64"),
        "n_bajan": grouped["_down"].sum().astype("int64"),
        "n_iguales": grouped["_same"].sum().astype("int64"),
    }).reset_index()
    out["n_sin_comparar"] = out["n_indicadores"] - out["n_comparables"]
    return sort_programs(out)
