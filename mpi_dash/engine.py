"""Indicator engine: from plan + quarterly actuals to values, targets and semáforo.

Everything is computed on dense ``(plan rows × 4 quarters)`` numpy matrices; there is
no per-row Python loop, so 200k indicator-quarters take a fraction of a second.  The
user-facing methodology (Spanish, with formulas and worked examples) is
``docs/metodologia.md``; this docstring is the developer summary.

Notation, per plan row (one indicator in one year) and quarter k = 1..4:

* r_k   realizado of quarter k (NaN = not reported; a missing quarter is *not* 0).
* R_k   Σ r_i over i ≤ k; NaN when ANY quarter i ≤ k is unreported (missing ≠ 0: a gap is
        never filled with 0, so the cumulative figures stay empty until the gap is reported).
* T     ``meta_ajustada`` when present, else ``meta_anual``.
* p_k   ``programado_tk`` when the row gives a calendar (any of the four filled; a blank
        quarter of a calendar is 0), else T/4 (the plan's "25 % trimestral"); P_k = Σ p_i.
* B_k   previous year's R_k for the same ``clave`` (from the ``avances`` of anio−1, the same
        computation, NaN on any gap; no plan row for anio−1 is needed).

Decisions taken here (documented for users in docs/metodologia.md):

* ``acumulacion`` only changes ``avance_meta``; the other types have fixed formulas.
* Cumplimiento (avance_meta) = 100·R_k/P_k (acumulado) or 100·r_k/p_k (periodo) whenever the
  programmed amount is > 0 — also when T is blank but the row gives a calendar.  Without a
  programmed amount (empty or 0) cumplimiento is empty and the semáforo is ``sin_meta`` when
  nothing was done (achieved amount = 0) or ``informativo`` when something was done.
  ``valor_indicador`` (100·R_k/T) and ``esperado_pct`` need T (empty when T is empty or 0).
* Semáforo ``sin_dato`` when the figure it grades is missing: quarter k unreported, or (for
  the cumulative types: avance_meta acumulado, anio_anterior, conteo) any quarter ≤ k
  unreported.  ``hito`` keeps its own rule (reached once Realizado ≥ 1 in any quarter ≤ k).
* ``esperado_pct`` is 100·P_k/T (acumulado), 100 (periodo, when there is a target),
  100/0 for ``hito`` (due / not yet due) and empty for the other types.
* ``cumplimiento_pct`` is only defined for ``avance_meta`` (the other types have no
  programmed amount to compare against; their result is ``valor_indicador``).
* Descendente: the semáforo is evaluated on 200 − x (x mirrored around 100), so the same
  thresholds read the same way and being *below* the programme counts as the good side.
  This applies to the percentage types (avance_meta, periodo_anterior, anio_anterior);
  ``conteo`` thresholds are absolute counts and are used as given; ``hito`` ignores it.
* Thresholds: the row's four values when all four are present (the reader warns when only
  1–3 are); else ``parametros`` (:meth:`mpi_dash.semaforo.Thresholds.from_parametros`: per key,
  falling back to ``schema.DEFAULT_THRESHOLDS``, so a ``parametros`` with only some keys is fine).
  The colour itself is :func:`mpi_dash.semaforo.classify` (x rounded to 9 decimals, so that 90
  computed as 89.99999999999999 is still 90; the Descendente mirror as its argument).
* ``direccion_desvio`` (amarillo/rojo only, else None): "sobre" when the graded value lies above the
  verde band (over-achievement: more than programmed, or — Descendente, mirrored — less), "bajo" when it
  lies below (lagging); a hito in rojo (due, not reached) is "bajo".  Verde, pendiente, informativo,
  sin_dato and sin_meta have no direction.
* Duplicate avances for the same (clave, anio, trimestre): the last row wins (the reader
  rejects duplicates; this only keeps the engine deterministic).
* Unknown ``tipo_calculo``/``acumulacion``/``sentido`` (the reader rejects them) fall back
  to avance_meta / acumulado / Ascendente; matching is case-insensitive.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mpi_dash import schema, semaforo
from mpi_dash.schema import Acumulacion, Sentido, TipoCalculo
from mpi_dash.semaforo import INFORMATIVO, PENDIENTE, ROJO, SIN_DATO, SIN_META, VERDE

QUARTERS = 4

#: Extra columns of :func:`compute_all` besides ``schema.REPORT_FIELDS``.
EXTRA_FIELDS: tuple[str, ...] = ("programado_trimestre", "evidencia", "vence_trimestre", "direccion_desvio")
#: Values of ``direccion_desvio``: above / below the verde band (None when there is no deviation).
SOBRE, BAJO = "sobre", "bajo"
OUTPUT_FIELDS: tuple[str, ...] = (*schema.REPORT_FIELDS, *EXTRA_FIELDS)

# Semáforo codes (semaforo.VERDE …) are indexes into schema.SEMAFOROS; tipo codes into TIPOS_CALCULO
# (int8 matrices, names only at the end).
_TIPO = {name: code for code, name in enumerate(schema.TIPOS_CALCULO)}
AVANCE_META, PERIODO_ANTERIOR = _TIPO[TipoCalculo.AVANCE_META], _TIPO[TipoCalculo.PERIODO_ANTERIOR]
ANIO_ANTERIOR, CONTEO = _TIPO[TipoCalculo.ANIO_ANTERIOR], _TIPO[TipoCalculo.CONTEO]
HITO = _TIPO[TipoCalculo.HITO]
_PERCENT_TYPES = (AVANCE_META, PERIODO_ANTERIOR, ANIO_ANTERIOR)
_PERIODO = schema.ACUMULACIONES.index(Acumulacion.PERIODO)
_DESCENDENTE = schema.SENTIDOS.index(Sentido.DESCENDENTE)

_PLAN_REQUIRED = ("clave", "anio", "meta_anual", "tipo_calculo", "acumulacion", "sentido")
_AVANCES_REQUIRED = ("clave", "anio", "trimestre", "realizado")
_HEADERS = {
    **{c.name: c.header for c in schema.AVANCES_COLUMNS},
    **{c.name: c.header for c in schema.PLAN_COLUMNS},
}


# --------------------------------------------------------------------------- helpers
def _require(frame: pd.DataFrame, columns: tuple[str, ...], sheet: str) -> None:
    """Raise a Spanish ValueError naming every missing column."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        names = ", ".join(f"«{_HEADERS.get(c, c)}» ({c})" for c in missing)
        raise ValueError(
            f"Hoja {sheet}: faltan las columnas {names}; se esperaban todas las columnas del contrato."
        )


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A float64 copy of a numeric column (NaN = empty); an absent optional column is all NaN."""
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return frame[column].to_numpy(dtype=np.float64, na_value=np.nan)


def _codes(values: pd.Series, names: tuple[str, ...], default: int) -> np.ndarray:
    """Case-insensitive index of each value in ``names`` (unknown/empty → ``default``)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = {name.casefold(): i for i, name in enumerate(names)}
    mapped = np.array(
        [lookup.get(str(u).strip().casefold(), default) for u in uniques] + [default], dtype=np.int8
    )
    return mapped[codes]  # code -1 (NaN) picks the trailing default


def _pct(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """100·num/den; NaN (never inf, never an error) when den is missing or 0."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.asarray(num * 100.0 / den, dtype=np.float64)
    return np.where(np.isfinite(out), out, np.nan)


def _cumsum_complete(r: np.ndarray) -> np.ndarray:
    """R_k = Σ_{i≤k} r_i; NaN from the first unreported quarter on (missing ≠ 0)."""
    return np.cumsum(r, axis=1)  # NaN propagates through the running sum


def _quarter_matrices(
    plan_keys: np.ndarray, av_keys: np.ndarray, trimestre: np.ndarray, realizado: np.ndarray,
    positions: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Scatter actuals into (len(plan_keys) × 4): realizado (NaN = unreported), source row (-1)."""
    n = len(plan_keys)
    values = np.full((n, QUARTERS), np.nan)
    source = np.full((n, QUARTERS), -1, dtype=np.int64)
    if n == 0 or len(av_keys) == 0:
        return values, source
    uniq_codes, uniq = pd.factorize(plan_keys)  # plan keys may repeat (duplicate plan rows)
    m = len(uniq)
    row = pd.Index(uniq).get_indexer(av_keys)
    ok = row >= 0
    row, q, val, pos = row[ok], trimestre[ok] - 1, realizado[ok], positions[ok]
    cell = row * QUARTERS + q
    last = ~pd.Series(cell).duplicated(keep="last").to_numpy()
    cell, val, pos = cell[last], val[last], pos[last]
    u_values = np.full(m * QUARTERS, np.nan)
    u_source = np.full(m * QUARTERS, -1, dtype=np.int64)
    u_values[cell] = val
    u_source[cell] = pos
    return (u_values.reshape(m, QUARTERS)[uniq_codes], u_source.reshape(m, QUARTERS)[uniq_codes])


def _text_column(avances: pd.DataFrame, column: str, source: np.ndarray) -> pd.Series:
    """Text of the avances row behind each cell (None when absent), as object dtype.

    ``source`` holds positional indexes into ``avances`` (-1 = no row).
    """
    if column not in avances.columns or source.size == 0:
        return pd.Series(np.full(source.size, None, dtype=object), dtype=object)
    texts = avances[column].to_numpy(dtype=object, na_value=None)
    texts = np.append(texts, None)  # index -1 → None
    return pd.Series(texts[source.ravel()], dtype=object)


# --------------------------------------------------------------------------- engine
def compute_all(plan: pd.DataFrame, avances: pd.DataFrame,
                parametros: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per plan row × quarter 1–4 with every indicator result.

    Columns: ``schema.REPORT_FIELDS`` + ``programado_trimestre`` (p_k), ``evidencia``,
    ``vence_trimestre`` (hito due quarter, else NaN).  Ordered by ``anio``, plan order,
    ``trimestre``; empty numbers are NaN and empty texts None.  Inputs are not modified.
    """
    _require(plan, _PLAN_REQUIRED, schema.SHEET_PLAN)
    _require(avances, _AVANCES_REQUIRED, schema.SHEET_AVANCES)

    plan_anio_raw = plan["anio"].to_numpy(dtype=np.int64)
    order = np.argsort(plan_anio_raw, kind="stable")
    n = len(order)
    anio = plan_anio_raw[order]
    clave_sorted = plan["clave"].take(order).astype(str)

    # ---- actuals of this year and of the previous year, as (n × 4) matrices
    clave_codes, clave_uniques = pd.factorize(clave_sorted)
    av_code = pd.Index(clave_uniques).get_indexer(avances["clave"].astype(str))
    av_anio = avances["anio"].to_numpy(dtype=np.int64)
    av_tri = avances["trimestre"].to_numpy(dtype=np.int64)
    av_real = _numbers(avances, "realizado")
    lo, hi = (int(anio.min()) - 1, int(anio.max())) if n else (0, 0)
    keep = ((av_code >= 0) & (av_anio >= lo) & (av_anio <= hi) & (av_tri >= 1) & (av_tri <= QUARTERS)
            & ~np.isnan(av_real))
    span = hi - lo + 2
    plan_key = clave_codes.astype(np.int64) * span + (anio - lo)
    av_key = av_code[keep].astype(np.int64) * span + (av_anio[keep] - lo)
    positions = np.arange(int(keep.sum()), dtype=np.int64)
    r, src = _quarter_matrices(plan_key, av_key, av_tri[keep], av_real[keep], positions)
    # an avances row of year y is the "previous year" of the plan row of year y + 1 (key + 1)
    r_prev, _ = _quarter_matrices(plan_key, av_key + 1, av_tri[keep], av_real[keep], positions)

    # ---- plan numbers
    def sorted_numbers(column: str) -> np.ndarray:
        return _numbers(plan, column)[order]

    meta_ajustada = sorted_numbers("meta_ajustada")
    target = np.where(np.isnan(meta_ajustada), sorted_numbers("meta_anual"), meta_ajustada)
    target_ok = np.isfinite(target) & (target != 0)
    programado = np.column_stack([sorted_numbers(c) for c in schema.PROGRAMADO_COLUMNS]) if n else \
        np.empty((0, QUARTERS))
    has_calendar = (~np.isnan(programado)).any(axis=1, keepdims=True)
    p = np.where(has_calendar, np.nan_to_num(programado, nan=0.0), (target / QUARTERS)[:, None])
    P = np.cumsum(p, axis=1)
    T = target[:, None]

    tipo = _codes(plan["tipo_calculo"].take(order), schema.TIPOS_CALCULO, AVANCE_META)[:, None]
    periodo = (_codes(plan["acumulacion"].take(order), schema.ACUMULACIONES, 0) == _PERIODO)[:, None]
    descendente = (_codes(plan["sentido"].take(order), schema.SENTIDOS, 0) == _DESCENDENTE)[:, None]

    row_thr = np.column_stack([sorted_numbers(c) for c in schema.THRESHOLD_COLUMNS]) if n else \
        np.empty((0, 4))
    row_thr_ok = np.all(np.isfinite(row_thr), axis=1)
    general = semaforo.Thresholds.from_parametros(parametros).as_array()
    thr = np.where(row_thr_ok[:, None], row_thr, general[None, :])
    row_thr_ok = row_thr_ok[:, None]

    # ---- realised amounts and baseline
    reported = ~np.isnan(r)
    R = _cumsum_complete(r)
    B = _cumsum_complete(r_prev)
    r_before = np.concatenate([r_prev[:, 3:4], r[:, :3]], axis=1)  # r_{k-1}, r_0 = prev Q4
    k = np.arange(1, QUARTERS + 1)[None, :]

    # ---- avance_meta (acumulado and periodo)
    am_amount = np.where(periodo, r, R)
    am_prog = np.where(periodo, p, P)
    am_target = np.isfinite(am_prog) & (am_prog > 0)  # a calendar alone is enough to grade
    am_cumpl = np.where(am_target, _pct(am_amount, am_prog), np.nan)
    with_meta = target_ok[:, None]
    am_valor = np.where(with_meta, np.where(periodo, am_cumpl, _pct(R, T)), np.nan)
    am_esperado = np.where(with_meta, np.where(periodo, np.where(am_target, 100.0, np.nan), _pct(P, T)),
                           np.nan)

    # ---- hito
    reached = np.logical_or.accumulate(r >= 1, axis=1)  # NaN >= 1 is False
    due_mask = programado >= 1
    vence = np.where(due_mask.any(axis=1), due_mask.argmax(axis=1) + 1, QUARTERS).astype(np.float64)
    hito_valor = np.where(reached, 100.0, np.where(reported, 0.0, np.nan))
    hito_esperado = np.where(k >= vence[:, None], 100.0, 0.0)

    is_am, is_hito = tipo == AVANCE_META, tipo == HITO
    valor = np.select(
        [is_am, tipo == PERIODO_ANTERIOR, tipo == ANIO_ANTERIOR, tipo == CONTEO, is_hito],
        [am_valor, _pct(r, r_before), _pct(R, B), R, hito_valor],
        np.nan,
    )
    esperado = np.select([is_am, is_hito], [am_esperado, hito_esperado], np.nan)
    cumplimiento = np.where(is_am, am_cumpl, np.nan)

    # ---- semáforo
    x = np.where(is_am, cumplimiento, valor)
    mirror = descendente & np.isin(tipo, _PERCENT_TYPES)
    colour = semaforo.classify(x, thr[:, None, :], mirror=mirror)  # (n, 1, 4) thresholds per row
    other = ~is_am & ~is_hito
    gradable = (is_am & ~np.isnan(cumplimiento)) | (other & row_thr_ok & ~np.isnan(valor))
    sem = np.where(gradable, colour, INFORMATIVO).astype(np.int8)
    sem = np.where(is_am & reported & ~am_target & (am_amount == 0), SIN_META, sem)
    cumulative = (is_am & ~periodo) | (tipo == ANIO_ANTERIOR) | (tipo == CONTEO)
    have_data = reported & ~(cumulative & np.isnan(R))
    sem = np.where(have_data, sem, SIN_DATO)
    hito_sem = np.where(reached, VERDE, np.where(~reported, SIN_DATO,
                                                 np.where(k >= vence[:, None], ROJO, PENDIENTE)))
    sem = np.where(is_hito, hito_sem, sem).astype(np.int8)
    # Direction of an amarillo/rojo: the graded value (mirrored for Descendente) above or below the verde band.
    graded = np.where(mirror, semaforo.MIRROR_SUM - x, x)
    off_band = (sem == semaforo.AMARILLO) | (sem == ROJO)
    above = graded > thr[:, None, 1]  # verde_max, broadcast per row
    direction = np.where(off_band & ~is_hito & above, SOBRE, np.where(off_band, BAJO, None))

    # ---- assemble (row-major ravel = anio, plan order, trimestre)
    def rep(values: np.ndarray) -> np.ndarray:
        return np.repeat(values, QUARTERS)

    tipo_names = np.array(schema.TIPOS_CALCULO, dtype=object)[tipo[:, 0]] if n else np.array([], object)
    av_kept = avances.loc[keep] if n else avances.iloc[:0]
    out = pd.DataFrame(
        {
            "clave": clave_sorted.repeat(QUARTERS).reset_index(drop=True),
            "anio": rep(anio),
            "trimestre": np.tile(np.arange(1, QUARTERS + 1, dtype=np.int64), n),
            "tipo_calculo": rep(tipo_names),
            "realizado_trimestre": r.ravel(),
            "realizado_acumulado": R.ravel(),
            "meta": rep(target),
            "programado_acumulado": P.ravel(),
            "valor_indicador": valor.ravel(),
            "esperado_pct": esperado.ravel(),
            "cumplimiento_pct": cumplimiento.ravel(),
            "semaforo": semaforo.names(sem.ravel()),
            "linea_base_acumulada": B.ravel(),
            "variacion_linea_base_pct": _pct(R - B, B).ravel(),
            "programado_trimestre": p.ravel(),
            "vence_trimestre": np.where(is_hito[:, 0], vence, np.nan).repeat(QUARTERS),
            "direccion_desvio": direction.astype(object).ravel(),
        }
    )
    out["justificacion"] = _text_column(av_kept, "justificacion", src)
    out["evidencia"] = _text_column(av_kept, "evidencia", src)
    return out[list(OUTPUT_FIELDS)]


def report(plan: pd.DataFrame, avances: pd.DataFrame, anio: int, trimestre: int | str,
           parametros: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Results of one year and quarter: exactly ``schema.REPORT_FIELDS``, in plan order.

    ``trimestre`` accepts 1–4, 'T1'–'T4' or 'Marzo'…'Diciembre'.  Raises ``ValueError``
    (Spanish message) for an invalid quarter or year.
    """
    quarter = schema.parse_quarter(trimestre)
    if quarter is None:
        raise ValueError(
            f"Trimestre no válido: «{trimestre}»; se esperaba 1, 2, 3 o 4 "
            "(Marzo, Junio, Septiembre o Diciembre)."
        )
    try:
        year = int(anio)
    except (TypeError, ValueError):
        raise ValueError(f"Año no válido: «{anio}»; se esperaba un número entero como 2023.") from None
    _require(plan, _PLAN_REQUIRED, schema.SHEET_PLAN)
    _require(avances, _AVANCES_REQUIRED, schema.SHEET_AVANCES)
    plan_year = plan.loc[plan["anio"].to_numpy() == year]
    av_years = avances["anio"].to_numpy()
    avances_years = avances.loc[(av_years == year) | (av_years == year - 1)]
    full = compute_all(plan_year, avances_years, parametros)
    selected = full.loc[full["trimestre"].to_numpy() == quarter, list(schema.REPORT_FIELDS)]
    return selected.reset_index(drop=True)
