"""Tests for the indicator engine (mpi_dash.engine): hand-computed cases per type and edge."""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpi_dash import engine, schema

NAN = float("nan")
YEAR = 2023


# --------------------------------------------------------------------------- fixture builders
def plan_row(clave: str = "A", anio: int = YEAR, meta: float = 100.0, *, tipo: str = "avance_meta",
             acumulacion: str = "acumulado", sentido: str = "Ascendente", ajustada: float = NAN,
             programado: tuple[float, float, float, float] | None = None,
             umbrales: tuple[float, float, float, float] | None = None) -> dict[str, object]:
    """One Plan row with every contract column (texts filled, optional numbers NaN)."""
    row: dict[str, object] = {c.name: (NAN if c.kind == "number" else f"{c.header} {clave}")
                              for c in schema.PLAN_COLUMNS}
    row.update(clave=clave, anio=anio, meta_anual=meta, meta_ajustada=ajustada, tipo_calculo=tipo,
               acumulacion=acumulacion, sentido=sentido)
    for column, value in zip(schema.PROGRAMADO_COLUMNS, programado or (NAN,) * 4, strict=True):
        row[column] = value
    for column, value in zip(schema.THRESHOLD_COLUMNS, umbrales or (NAN,) * 4, strict=True):
        row[column] = value
    return row


def make_plan(*rows: dict[str, object]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=[c.name for c in schema.PLAN_COLUMNS])
    frame["anio"] = frame["anio"].astype(np.int64)
    for column in schema.PLAN_COLUMNS:
        if column.kind == "number":
            frame[column.name] = frame[column.name].astype(np.float64)
    return frame


def make_avances(rows: list[tuple]) -> pd.DataFrame:
    """Rows (clave, anio, trimestre, realizado[, justificacion[, evidencia]])."""
    full = [tuple(r) + (None,) * (6 - len(r)) for r in rows]
    frame = pd.DataFrame(full, columns=[c.name for c in schema.AVANCES_COLUMNS])
    frame["justificacion"] = frame["justificacion"].astype(object)
    frame["evidencia"] = frame["evidencia"].astype(object)
    return frame.astype({"anio": np.int64, "trimestre": np.int64, "realizado": np.float64})


def quarters(clave: str, anio: int, values: tuple[float | None, ...]) -> list[tuple]:
    """Avances rows for quarters 1.. with None = not reported."""
    return [(clave, anio, q, float(v)) for q, v in enumerate(values, start=1) if v is not None]


def result(row: dict[str, object], current: tuple[float | None, ...], k: int,
           previous: tuple[float | None, ...] = (), parametros: dict[str, float] | None = None) -> pd.Series:
    """compute_all for one indicator; the output row of quarter k."""
    clave = str(row["clave"])
    avances = make_avances(quarters(clave, YEAR, current) + quarters(clave, YEAR - 1, previous))
    out = engine.compute_all(make_plan(row), avances, parametros)
    assert len(out) == 4
    return out.iloc[k - 1]


def assert_fields(got: pd.Series, expected: dict[str, object]) -> None:
    for field, want in expected.items():
        value = got[field]
        if isinstance(want, float) and math.isnan(want):
            assert pd.isna(value), f"{field}: expected empty, got {value!r}"
        elif isinstance(want, float):
            assert value == pytest.approx(want, rel=1e-12), f"{field}: expected {want}, got {value!r}"
        else:
            assert value == want, f"{field}: expected {want!r}, got {value!r}"


# --------------------------------------------------------------------------- avance_meta
CASES = [
    # id, plan row, realizado this year, k, previous year, expected fields
    ("acumulado-q2", plan_row(meta=12.0), (2, 4, 3), 2, (), dict(
        realizado_trimestre=4.0, realizado_acumulado=6.0, meta=12.0, programado_acumulado=6.0,
        programado_trimestre=3.0, valor_indicador=50.0, esperado_pct=50.0, cumplimiento_pct=100.0,
        semaforo="verde")),
    ("acumulado-q3", plan_row(meta=12.0), (2, 4, 3), 3, (), dict(
        realizado_acumulado=9.0, programado_acumulado=9.0, valor_indicador=75.0, esperado_pct=75.0,
        cumplimiento_pct=100.0, semaforo="verde")),
    ("overshoot", plan_row(meta=4.0), (3,), 1, (), dict(
        programado_acumulado=1.0, valor_indicador=75.0, esperado_pct=25.0, cumplimiento_pct=300.0,
        semaforo="rojo")),
    ("adjusted-target", plan_row(meta=40.0, ajustada=20.0), (5, 5), 2, (), dict(
        meta=20.0, programado_acumulado=10.0, valor_indicador=50.0, esperado_pct=50.0,
        cumplimiento_pct=100.0, semaforo="verde")),
    ("calendar-nothing-due-nothing-done", plan_row(meta=10.0, programado=(0, 5, 0, 5)), (0, 4), 1, (), dict(
        programado_acumulado=0.0, programado_trimestre=0.0, valor_indicador=0.0, esperado_pct=0.0,
        cumplimiento_pct=NAN, semaforo="sin_meta")),
    ("calendar-q2", plan_row(meta=10.0, programado=(0, 5, 0, 5)), (0, 4), 2, (), dict(
        programado_acumulado=5.0, programado_trimestre=5.0, valor_indicador=40.0, esperado_pct=50.0,
        cumplimiento_pct=80.0, semaforo="amarillo")),
    ("calendar-nothing-due-something-done", plan_row(meta=10.0, programado=(0, 5, 0, 5)), (2,), 1, (),
     dict(valor_indicador=20.0, cumplimiento_pct=NAN, semaforo="informativo")),
    ("calendar-blank-quarters-are-zero", plan_row(meta=10.0, programado=(4, NAN, NAN, NAN)), (4, 0), 2, (),
     dict(programado_trimestre=0.0, programado_acumulado=4.0, cumplimiento_pct=100.0, semaforo="verde")),
    ("zero-target-nothing-done", plan_row(meta=0.0), (0,), 1, (), dict(
        meta=0.0, valor_indicador=NAN, esperado_pct=NAN, cumplimiento_pct=NAN, semaforo="sin_meta")),
    ("zero-target-something-done", plan_row(meta=0.0), (3,), 1, (), dict(
        realizado_acumulado=3.0, valor_indicador=NAN, cumplimiento_pct=NAN, semaforo="informativo")),
    ("blank-target-something-done", plan_row(meta=NAN), (3,), 1, (), dict(
        meta=NAN, programado_acumulado=NAN, valor_indicador=NAN, esperado_pct=NAN, cumplimiento_pct=NAN,
        semaforo="informativo")),
    ("blank-target-nothing-done", plan_row(meta=NAN), (0,), 1, (), dict(semaforo="sin_meta")),
    ("zero-adjusted-target-wins", plan_row(meta=10.0, ajustada=0.0), (1,), 1, (), dict(
        meta=0.0, cumplimiento_pct=NAN, semaforo="informativo")),
    # missing ≠ 0: a gap before k leaves R_k (and everything built on it) empty → sin_dato
    ("missing-earlier-quarter", plan_row(meta=8.0), (2, None, 2), 3, (), dict(
        realizado_trimestre=2.0, realizado_acumulado=NAN, programado_acumulado=6.0, valor_indicador=NAN,
        esperado_pct=75.0, cumplimiento_pct=NAN, semaforo="sin_dato")),
    ("missing-q1-is-not-zero", plan_row(meta=4.0), (None, 1), 2, (), dict(
        realizado_trimestre=1.0, realizado_acumulado=NAN, cumplimiento_pct=NAN, semaforo="sin_dato")),
    ("gap-filled-later-counts-again", plan_row(meta=4.0), (1, 1, 1, 1), 4, (), dict(
        realizado_acumulado=4.0, cumplimiento_pct=100.0, semaforo="verde")),
    ("periodo-ignores-earlier-gap", plan_row(meta=8.0, acumulacion="periodo"), (None, 2), 2, (), dict(
        realizado_trimestre=2.0, realizado_acumulado=NAN, cumplimiento_pct=100.0, semaforo="verde")),
    # a calendar without a meta still grades cumplimiento; valor and esperado need the meta
    ("blank-target-with-calendar", plan_row(meta=NAN, programado=(1, 1, 1, 1)), (1, 1), 2, (), dict(
        meta=NAN, programado_acumulado=2.0, realizado_acumulado=2.0, cumplimiento_pct=100.0,
        valor_indicador=NAN, esperado_pct=NAN, semaforo="verde")),
    ("blank-target-with-calendar-periodo", plan_row(meta=NAN, acumulacion="periodo", programado=(2, 2, 2, 2)),
     (1,), 1, (), dict(cumplimiento_pct=50.0, valor_indicador=NAN, esperado_pct=NAN, semaforo="rojo")),
    ("missing-this-quarter", plan_row(meta=8.0), (2, None, 2), 2, (), dict(
        realizado_trimestre=NAN, realizado_acumulado=NAN, programado_acumulado=4.0, valor_indicador=NAN,
        esperado_pct=50.0, cumplimiento_pct=NAN, semaforo="sin_dato")),
    ("no-actuals-at-all", plan_row(meta=8.0), (), 4, (), dict(
        realizado_trimestre=NAN, valor_indicador=NAN, semaforo="sin_dato", justificacion=None)),
    ("periodo-q1", plan_row(meta=8.0, acumulacion="periodo"), (2, 1), 1, (), dict(
        valor_indicador=100.0, cumplimiento_pct=100.0, esperado_pct=100.0, semaforo="verde")),
    ("periodo-q2-accumulates-R-but-grades-r", plan_row(meta=8.0, acumulacion="periodo"), (2, 1), 2, (), dict(
        realizado_trimestre=1.0, realizado_acumulado=3.0, programado_trimestre=2.0, programado_acumulado=4.0,
        valor_indicador=50.0, cumplimiento_pct=50.0, esperado_pct=100.0, semaforo="rojo")),
    ("periodo-nothing-programmed-nothing-done",
     plan_row(meta=8.0, acumulacion="periodo", programado=(4, 0, 4, 0)), (4, 0), 2, (), dict(
         programado_trimestre=0.0, valor_indicador=NAN, esperado_pct=NAN, semaforo="sin_meta")),
    ("periodo-nothing-programmed-something-done",
     plan_row(meta=8.0, acumulacion="periodo", programado=(4, 0, 4, 0)), (4, 1), 2, (), dict(
         valor_indicador=NAN, cumplimiento_pct=NAN, semaforo="informativo")),
    ("baseline-and-variation", plan_row(meta=12.0), (3, 3), 2, (2, 2, 9), dict(
        linea_base_acumulada=4.0, variacion_linea_base_pct=50.0, cumplimiento_pct=100.0)),
    ("no-baseline", plan_row(meta=12.0), (3, 3), 2, (), dict(
        linea_base_acumulada=NAN, variacion_linea_base_pct=NAN)),
    ("baseline-zero", plan_row(meta=12.0), (3, 3), 2, (0, 0), dict(
        linea_base_acumulada=0.0, variacion_linea_base_pct=NAN)),
    ("baseline-quarter-unreported", plan_row(meta=12.0), (3, 3), 2, (5, None, 1), dict(
        linea_base_acumulada=NAN, variacion_linea_base_pct=NAN)),
    ("baseline-earlier-quarter-unreported", plan_row(meta=12.0), (3, 3, 3), 3, (5, None, 1), dict(
        linea_base_acumulada=NAN, variacion_linea_base_pct=NAN, cumplimiento_pct=100.0)),
    # ---- descendente: semáforo on 200 − cumplimiento; asymmetric row thresholds show the mirror
    ("ascendente-120-asymmetric", plan_row(meta=400.0, umbrales=(95, 150, 80, 200)), (120,), 1, (), dict(
        cumplimiento_pct=120.0, semaforo="verde")),
    ("descendente-120-mirrored-to-80", plan_row(meta=400.0, sentido="Descendente",
                                                umbrales=(95, 150, 80, 200)), (120,), 1, (), dict(
        cumplimiento_pct=120.0, valor_indicador=30.0, semaforo="amarillo")),
    ("descendente-60-mirrored-to-140", plan_row(meta=400.0, sentido="Descendente",
                                                umbrales=(95, 150, 80, 200)), (60,), 1, (), dict(
        cumplimiento_pct=60.0, semaforo="verde")),
    ("ascendente-60-asymmetric", plan_row(meta=400.0, umbrales=(95, 150, 80, 200)), (60,), 1, (), dict(
        semaforo="rojo")),
    ("descendente-default-thresholds-symmetric", plan_row(meta=400.0, sentido="descendente"), (88,), 1, (),
     dict(cumplimiento_pct=88.0, semaforo="amarillo")),
    ("descendente-far-below", plan_row(meta=400.0, sentido="Descendente"), (20,), 1, (), dict(
        semaforo="rojo")),
]


@pytest.mark.parametrize(("row", "current", "k", "previous", "expected"),
                         [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_hand_computed_cases(row: dict, current: tuple, k: int, previous: tuple, expected: dict) -> None:
    assert_fields(result(row, current, k, previous), expected)


# --------------------------------------------------------------------------- semáforo bounds
@pytest.mark.parametrize(
    ("realizado", "expected"),
    [
        (69.9, "rojo"), (70.0, "amarillo"), (89.9, "amarillo"), (90.0, "verde"), (100.0, "verde"),
        (110.0, "verde"), (110.1, "amarillo"), (130.0, "amarillo"), (130.1, "rojo"), (0.0, "rojo"),
    ],
)
def test_default_bounds_belong_to_the_better_colour(realizado: float, expected: str) -> None:
    # meta 400 → P_1 = 100, so cumplimiento = realizado exactly
    got = result(plan_row(meta=400.0), (realizado,), 1)
    assert got["cumplimiento_pct"] == pytest.approx(realizado)
    assert got["semaforo"] == expected


@pytest.mark.parametrize(("realizado", "expected"), [(0.7, "amarillo"), (0.9, "verde"), (1.1, "verde"),
                                                     (1.3, "amarillo")])
def test_bounds_survive_floating_noise(realizado: float, expected: str) -> None:
    # meta 4 → P_1 = 1: 0.9·100 is 90.00000000000001 and 1.1·100 is 110.00000000000001 in binary
    assert result(plan_row(meta=4.0), (realizado,), 1)["semaforo"] == expected


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("meta", "realizado", "expected"), [
    (4e-300, 1.0, "rojo"), (4e300, 1e300, "verde"), (4.0, 1e306, "rojo"),
    (4.0, 1e308, "informativo"),  # 1e310 % is not representable → empty, never inf
])
def test_extreme_magnitudes_neither_warn_nor_give_inf(meta: float, realizado: float, expected: str) -> None:
    got = result(plan_row(meta=meta), (realizado,), 1)
    assert got["semaforo"] == expected
    assert not np.isinf(got[["valor_indicador", "cumplimiento_pct", "esperado_pct"]].astype(float)).any()


@pytest.mark.parametrize(
    ("umbrales", "parametros", "expected"),
    [
        (None, None, "amarillo"),                                          # defaults: 85 in [70, 90)
        (None, {"verde_min": 80.0}, "verde"),                              # parametros, rest default
        (None, {"verde_min": 80.0, "verde_max": 120.0, "amarillo_min": 60.0, "amarillo_max": 140.0},
         "verde"),
        ((90, 110, 86, 130), {"verde_min": 80.0}, "rojo"),                 # row wins over parametros
        ((80, 110, 70, 130), None, "verde"),                               # row wins over defaults
        ((NAN, 110, 86, 130), {"verde_min": 80.0}, "verde"),               # incomplete row → parametros
        ((NAN, NAN, 86, NAN), None, "amarillo"),                           # incomplete row → defaults
        (None, {"verde_min": NAN}, "amarillo"),                            # NaN parameter → default
    ],
)
def test_threshold_sources(umbrales: tuple | None, parametros: dict | None, expected: str) -> None:
    got = result(plan_row(meta=400.0, umbrales=umbrales), (85,), 1, parametros=parametros)
    assert got["cumplimiento_pct"] == pytest.approx(85.0)
    assert got["semaforo"] == expected


# --------------------------------------------------------------------------- hito
HITO_CAL = (0.0, 1.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("programado", "current", "k", "expected"),
    [
        (HITO_CAL, (0, 0, 1), 1, dict(valor_indicador=0.0, esperado_pct=0.0, semaforo="pendiente",
                                      vence_trimestre=2.0)),
        (HITO_CAL, (0, 0, 1), 2, dict(valor_indicador=0.0, esperado_pct=100.0, semaforo="rojo")),
        (HITO_CAL, (0, 0, 1), 3, dict(valor_indicador=100.0, semaforo="verde", realizado_acumulado=1.0)),
        # Q4 not reported, already reached in Q3: stays verde and 100
        (HITO_CAL, (0, 0, 1), 4, dict(valor_indicador=100.0, semaforo="verde", realizado_trimestre=NAN)),
        (HITO_CAL, (1,), 1, dict(valor_indicador=100.0, esperado_pct=0.0, semaforo="verde")),
        (HITO_CAL, (), 1, dict(valor_indicador=NAN, semaforo="sin_dato")),
        (HITO_CAL, (0, None), 2, dict(valor_indicador=NAN, semaforo="sin_dato")),
        (HITO_CAL, (0.5, 0.5), 2, dict(valor_indicador=0.0, semaforo="rojo")),   # each quarter < 1
        (None, (0, 0, 0, 0), 3, dict(semaforo="pendiente", vence_trimestre=4.0, esperado_pct=0.0)),
        (None, (0, 0, 0, 0), 4, dict(semaforo="rojo", esperado_pct=100.0)),
        ((0.0, 0.0, 1.0, 1.0), (0, 0, 0), 2, dict(semaforo="pendiente", vence_trimestre=3.0)),
        ((0.0, 0.0, 1.0, 1.0), (0, 0, 0), 3, dict(semaforo="rojo")),
    ],
)
def test_hito(programado: tuple | None, current: tuple, k: int, expected: dict) -> None:
    row = plan_row(meta=1.0, tipo="hito", programado=programado, umbrales=(0, 1, 0, 1))  # ignored
    got = result(row, current, k)
    assert_fields(got, {"cumplimiento_pct": NAN, **expected})


def test_vence_trimestre_is_empty_for_other_types() -> None:
    assert pd.isna(result(plan_row(), (1,), 1)["vence_trimestre"])


# --------------------------------------------------------------------------- other types
@pytest.mark.parametrize(
    ("tipo", "current", "previous", "k", "umbrales", "sentido", "expected"),
    [
        # periodo_anterior: r_k / r_{k-1}, r_0 = Q4 of the previous year
        ("periodo_anterior", (12, 6, 0, 5), (1, 1, 1, 10), 1, None, "Ascendente",
         dict(valor_indicador=120.0, semaforo="informativo", cumplimiento_pct=NAN, esperado_pct=NAN)),
        ("periodo_anterior", (12, 6, 0, 5), (1, 1, 1, 10), 2, None, "Ascendente",
         dict(valor_indicador=50.0, semaforo="informativo")),
        ("periodo_anterior", (12, 6, 0, 5), (1, 1, 1, 10), 3, None, "Ascendente",
         dict(valor_indicador=0.0, semaforo="informativo")),
        ("periodo_anterior", (12, 6, 0, 5), (1, 1, 1, 10), 4, None, "Ascendente",   # r_3 = 0
         dict(valor_indicador=NAN, realizado_trimestre=5.0, semaforo="informativo")),
        ("periodo_anterior", (12,), (), 1, None, "Ascendente",                    # no previous Q4
         dict(valor_indicador=NAN, semaforo="informativo")),
        ("periodo_anterior", (12, 6), (), 2, None, "Ascendente", dict(valor_indicador=50.0)),
        ("periodo_anterior", (12, None, 6), (), 3, None, "Ascendente",            # r_2 unreported
         dict(valor_indicador=NAN, semaforo="informativo")),
        ("periodo_anterior", (12,), (1, 1, 1, 10), 1, (90, 110, 70, 130), "Ascendente",
         dict(valor_indicador=120.0, semaforo="amarillo")),
        ("periodo_anterior", (8,), (1, 1, 1, 10), 1, (95, 150, 80, 200), "Descendente",  # 200−80 = 120
         dict(valor_indicador=80.0, semaforo="verde")),
        ("periodo_anterior", (12,), (), 1, (90, 110, 70, 130), "Ascendente",       # thresholds, no ratio
         dict(valor_indicador=NAN, semaforo="informativo")),
        # anio_anterior: R_k / B_k
        ("anio_anterior", (6, 4), (5, 5, 5, 5), 1, None, "Ascendente",
         dict(valor_indicador=120.0, linea_base_acumulada=5.0, variacion_linea_base_pct=20.0,
              semaforo="informativo")),
        ("anio_anterior", (6, 4), (5, 5, 5, 5), 2, None, "Ascendente",
         dict(valor_indicador=100.0, linea_base_acumulada=10.0, variacion_linea_base_pct=0.0)),
        ("anio_anterior", (6, 4), (), 2, None, "Ascendente",
         dict(valor_indicador=NAN, linea_base_acumulada=NAN, semaforo="informativo")),
        ("anio_anterior", (6,), (0,), 1, None, "Ascendente", dict(valor_indicador=NAN)),
        ("anio_anterior", (6, 3), (5, 5), 2, (90, 110, 70, 130), "Ascendente",
         dict(valor_indicador=90.0, semaforo="verde")),
        ("anio_anterior", (6, None), (5, 5), 2, (90, 110, 70, 130), "Ascendente",
         dict(valor_indicador=NAN, semaforo="sin_dato")),
        # conteo: R_k, thresholds (when the row has them) are absolute and never mirrored
        ("conteo", (3, 4), (), 1, None, "Ascendente", dict(valor_indicador=3.0, semaforo="informativo")),
        ("conteo", (3, 4), (), 2, None, "Ascendente", dict(valor_indicador=7.0, semaforo="informativo")),
        ("conteo", (3, 4), (), 1, (5, 10, 3, 12), "Ascendente",
         dict(valor_indicador=3.0, semaforo="amarillo")),
        ("conteo", (3, 4), (), 2, (5, 10, 3, 12), "Descendente", dict(valor_indicador=7.0, semaforo="verde")),
        ("conteo", (3, None), (), 2, None, "Ascendente", dict(valor_indicador=NAN, semaforo="sin_dato")),
        # missing ≠ 0 in the cumulative types: a gap before k → empty R_k → sin_dato
        ("conteo", (None, 4), (), 2, (5, 10, 3, 12), "Ascendente",
         dict(realizado_trimestre=4.0, valor_indicador=NAN, semaforo="sin_dato")),
        ("anio_anterior", (None, 4), (5, 5), 2, (90, 110, 70, 130), "Ascendente",
         dict(realizado_acumulado=NAN, valor_indicador=NAN, semaforo="sin_dato")),
        ("periodo_anterior", (None, 4, 2), (), 3, None, "Ascendente",    # periodo: gap at k-2 is irrelevant
         dict(valor_indicador=50.0, semaforo="informativo")),
    ],
)
def test_other_types(tipo: str, current: tuple, previous: tuple, k: int, umbrales: tuple | None,
                     sentido: str, expected: dict) -> None:
    row = plan_row(meta=40.0, tipo=tipo, umbrales=umbrales, sentido=sentido)
    got = result(row, current, k, previous)
    assert got["tipo_calculo"] == tipo
    assert_fields(got, expected)


# --------------------------------------------------------------------------- shape, texts, order
def test_texts_of_quarter_k_and_none_when_missing() -> None:
    avances = make_avances([("A", YEAR, 1, 1.0, "Se reprogramó", "acta.pdf"), ("A", YEAR, 2, 2.0)])
    out = engine.compute_all(make_plan(plan_row()), avances)
    assert out["justificacion"].tolist() == ["Se reprogramó", None, None, None]
    assert out["evidencia"].tolist() == ["acta.pdf", None, None, None]


def test_duplicate_avances_last_row_wins() -> None:
    avances = make_avances([("A", YEAR, 1, 5.0, "primera"), ("A", YEAR, 1, 7.0, "segunda")])
    got = engine.compute_all(make_plan(plan_row()), avances).iloc[0]
    assert (got["realizado_trimestre"], got["justificacion"]) == (7.0, "segunda")


def test_order_anio_then_plan_order_then_quarter_and_foreign_rows_ignored() -> None:
    plan = make_plan(plan_row("B", 2023), plan_row("A", 2023), plan_row("Z", 2022))
    avances = make_avances([("A", 2023, 1, 1.0), ("NO-EXISTE", 2023, 1, 9.0), ("B", 2019, 1, 3.0)])
    out = engine.compute_all(plan, avances)
    assert out["clave"].tolist() == ["Z"] * 4 + ["B"] * 4 + ["A"] * 4
    assert out["anio"].tolist() == [2022] * 4 + [2023] * 8
    assert out["trimestre"].tolist() == [1, 2, 3, 4] * 3
    assert out.index.equals(pd.RangeIndex(12))
    assert out.loc[8, "realizado_trimestre"] == 1.0
    assert out["realizado_trimestre"].notna().sum() == 1


def test_same_clave_several_years_uses_own_year_and_previous_as_baseline() -> None:
    plan = make_plan(plan_row("A", 2022, meta=4.0), plan_row("A", 2023, meta=8.0))
    avances = make_avances(quarters("A", 2022, (1, 1, 1, 1)) + quarters("A", 2023, (2, 2)))
    out = engine.compute_all(plan, avances).set_index(["anio", "trimestre"])
    assert out.loc[(2022, 2), "cumplimiento_pct"] == 100.0
    assert pd.isna(out.loc[(2022, 2), "linea_base_acumulada"])
    assert out.loc[(2023, 2), "realizado_acumulado"] == 4.0
    assert out.loc[(2023, 2), "linea_base_acumulada"] == 2.0
    assert out.loc[(2023, 2), "variacion_linea_base_pct"] == 100.0


def test_compute_all_columns_and_dtypes() -> None:
    out = engine.compute_all(make_plan(plan_row(), plan_row("H", tipo="hito")),
                             make_avances([("A", YEAR, 1, 1.0)]))
    assert tuple(out.columns) == (*schema.REPORT_FIELDS, "programado_trimestre", "evidencia",
                                  "vence_trimestre", "direccion_desvio")
    assert out["anio"].dtype == np.int64 and out["trimestre"].dtype == np.int64
    for column in ("realizado_trimestre", "meta", "valor_indicador", "cumplimiento_pct", "vence_trimestre"):
        assert out[column].dtype == np.float64
    assert set(out["semaforo"]) <= set(schema.SEMAFOROS)


def test_empty_plan_gives_empty_frame_with_columns() -> None:
    out = engine.compute_all(make_plan(), make_avances([("A", YEAR, 1, 1.0)]))
    assert out.empty and tuple(out.columns) == engine.OUTPUT_FIELDS


def test_case_insensitive_enums() -> None:
    row = plan_row(meta=8.0, tipo="AVANCE_META", acumulacion="Periodo", sentido="ASCENDENTE")
    got = result(row, (1, 2), 2)
    assert got["tipo_calculo"] == "avance_meta" and got["cumplimiento_pct"] == 100.0


def test_missing_required_column_is_a_spanish_error() -> None:
    plan = make_plan(plan_row()).drop(columns=["meta_anual"])
    with pytest.raises(ValueError, match="Hoja Plan: faltan las columnas «Meta anual»"):
        engine.compute_all(plan, make_avances([]))


def test_optional_plan_columns_may_be_absent() -> None:
    plan = make_plan(plan_row(meta=12.0)).drop(
        columns=["meta_ajustada", *schema.PROGRAMADO_COLUMNS, *schema.THRESHOLD_COLUMNS])
    got = engine.compute_all(plan, make_avances([("A", YEAR, 1, 3.0)])).iloc[0]
    assert got["cumplimiento_pct"] == 100.0 and got["semaforo"] == "verde"


# --------------------------------------------------------------------------- report
def test_report_returns_exactly_report_fields_for_the_quarter() -> None:
    plan = make_plan(plan_row("A", 2023, meta=12.0), plan_row("B", 2023, tipo="conteo"),
                     plan_row("A", 2022, meta=12.0))
    avances = make_avances(quarters("A", 2023, (3, 3)) + quarters("A", 2022, (1, 1)) +
                           quarters("A", 2021, (7, 7)))
    out = engine.report(plan, avances, 2023, 2)
    assert tuple(out.columns) == schema.REPORT_FIELDS
    assert out["clave"].tolist() == ["A", "B"]
    assert out["trimestre"].tolist() == [2, 2]
    assert out.index.equals(pd.RangeIndex(2))
    first = out.iloc[0]
    assert (first["realizado_acumulado"], first["linea_base_acumulada"]) == (6.0, 2.0)
    full = engine.compute_all(plan, avances)
    expected = full[(full["anio"] == 2023) & (full["trimestre"] == 2)][list(schema.REPORT_FIELDS)]
    pd.testing.assert_frame_equal(out, expected.reset_index(drop=True))


@pytest.mark.parametrize("trimestre", [2, "T2", "Junio", "junio"])
def test_report_accepts_quarter_spellings(trimestre: object) -> None:
    out = engine.report(make_plan(plan_row()), make_avances([]), YEAR, trimestre)
    assert out["trimestre"].tolist() == [2]


@pytest.mark.parametrize("trimestre", [0, 5, "T5", "Enero", None])
def test_report_rejects_bad_quarter_in_spanish(trimestre: object) -> None:
    with pytest.raises(ValueError, match="Trimestre no válido"):
        engine.report(make_plan(plan_row()), make_avances([]), YEAR, trimestre)


def test_report_unknown_year_is_empty() -> None:
    out = engine.report(make_plan(plan_row()), make_avances([]), 1999, 1)
    assert out.empty and tuple(out.columns) == schema.REPORT_FIELDS


# --------------------------------------------------------------------------- purity
def test_inputs_are_not_mutated() -> None:
    plan = make_plan(plan_row("B", 2023, programado=(1, 2, 3, 4)), plan_row("A", 2022, tipo="hito"),
                     plan_row("C", 2023, meta=NAN, tipo="conteo", umbrales=(1, 2, 0, 3)))
    avances = make_avances(quarters("B", 2023, (1, None, 3)) + [("A", 2022, 2, 1.0, "texto", None)] +
                           [("B", 2023, 1, 2.0)])
    parametros = {"verde_min": 80.0, "datos_ilustrativos": 1.0}
    before = (plan.copy(deep=True), avances.copy(deep=True), copy.deepcopy(parametros))
    engine.compute_all(plan, avances, parametros)
    engine.report(plan, avances, 2023, 3, parametros)
    pd.testing.assert_frame_equal(plan, before[0])
    pd.testing.assert_frame_equal(avances, before[1])
    assert parametros == before[2]


# --------------------------------------------------------------------------- properties
quarter_value = st.one_of(st.none(), st.floats(min_value=0, max_value=1e6, allow_nan=False))
# A meta is a count or a percentage: no plan has one below 1e-6.  Hypothesis found 2.2e-313, where 100·R/T
# overflows to inf and the engine (rightly) shows no value; that is not a case a workbook can hold.
indicator = st.tuples(
    st.one_of(st.just(NAN), st.just(0.0), st.floats(min_value=1e-6, max_value=1e6, allow_nan=False)),
    st.sampled_from(schema.TIPOS_CALCULO),
    st.sampled_from(schema.ACUMULACIONES),
    st.sampled_from(schema.SENTIDOS),
    st.tuples(quarter_value, quarter_value, quarter_value, quarter_value),
    st.tuples(quarter_value, quarter_value, quarter_value, quarter_value),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(indicator, min_size=1, max_size=6))
def test_properties_of_any_non_negative_input(indicators: list) -> None:
    rows, actuals = [], []
    for i, (meta, tipo, acumulacion, sentido, current, previous) in enumerate(indicators):
        clave = f"K{i}"
        rows.append(plan_row(clave, meta=meta, tipo=tipo, acumulacion=acumulacion, sentido=sentido))
        actuals += quarters(clave, YEAR, current) + quarters(clave, YEAR - 1, previous)
    out = engine.compute_all(make_plan(*rows), make_avances(actuals))

    numbers = out.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numbers).any()
    assert set(out["semaforo"]) <= set(schema.SEMAFOROS)
    for i, (meta, tipo, acumulacion, _s, current, _p) in enumerate(indicators):
        block = out.iloc[4 * i: 4 * i + 4]
        acumulado = block["realizado_acumulado"].to_numpy()
        reported = block["realizado_trimestre"].notna().to_numpy()
        assert np.array_equal(reported, [v is not None for v in current])
        # missing ≠ 0: R_k exists exactly when every quarter ≤ k is reported, and is their sum
        complete = np.logical_and.accumulate(reported)
        assert np.array_equal(~np.isnan(acumulado), complete)
        assert np.all(np.diff(acumulado[complete]) >= -1e-9 * np.maximum(1, acumulado[complete][1:]))
        expected_r = np.cumsum([np.nan if v is None else v for v in current])
        assert np.allclose(acumulado[complete], expected_r[complete])
        assert (block.loc[~reported, "semaforo"].isin(["sin_dato", "verde"])).all()
        cumulative = tipo in ("conteo", "anio_anterior") or (tipo == "avance_meta" and acumulacion == "acumulado")
        if cumulative:
            assert (block.loc[~complete, "semaforo"] == "sin_dato").all()
        if tipo == "avance_meta" and acumulacion == "acumulado" and meta > 0:
            valor = block["valor_indicador"].to_numpy()
            assert np.allclose(valor[complete], 100.0 * acumulado[complete] / meta)
        if tipo == "conteo":
            assert np.allclose(block["valor_indicador"].to_numpy()[complete], acumulado[complete])


# --------------------------------------------------------------------------- direction of a deviation
@pytest.mark.parametrize(("row", "current", "k", "semaforo", "direccion"), [
    (plan_row(meta=10.0, programado=(4, 4, 1, 1)), (4, 5), 2, "amarillo", "sobre"),    # 9 of 8 = 112.5 %
    (plan_row(meta=4.0, programado=(1, 1, 1, 1)), (1, 2), 2, "rojo", "sobre"),         # 3 of 2 = 150 %
    (plan_row(meta=4.0, programado=(2, 2, 0, 0)), (1, 0), 2, "rojo", "bajo"),         # 1/4 = 25 %
    (plan_row(meta=4.0, programado=(1, 1, 1, 1)), (1, 1), 2, "verde", None),
    (plan_row(meta=10.0, programado=(4, 0, 0, 0)), (3,), 1, "amarillo", "bajo"),       # 75 %
    (plan_row(meta=10.0, programado=(4, 0, 0, 0)), (5,), 1, "amarillo", "sobre"),      # 125 %
    (plan_row(meta=10.0, programado=(4, 0, 0, 0)), (6,), 1, "rojo", "sobre"),          # 150 %
    (plan_row(tipo="hito", meta=1.0, programado=(1, 0, 0, 0)), (0,), 1, "rojo", "bajo"),  # due, missed
    (plan_row(tipo="hito", meta=1.0, programado=(0, 0, 0, 1)), (0,), 1, "pendiente", None),
    (plan_row(meta=4.0, programado=(1, 1, 1, 1)), (1, None), 2, "sin_dato", None),
])
def test_direction_of_amarillo_and_rojo(row, current, k, semaforo, direccion) -> None:
    got = result(row, current, k)
    assert got["semaforo"] == semaforo
    assert got["direccion_desvio"] == direccion


def test_direction_of_a_descendente_row_is_on_the_graded_side() -> None:
    """Descendente grades 200 − x: doing less than programmed (80 % → graded 120 %) is beyond the verde band
    on the good side, «sobre» (over-achievement), not «rezago»."""
    row = plan_row(meta=10.0, programado=(5, 0, 0, 0), sentido="Descendente")
    got = result(row, (4,), 1)                                   # 4 of 5 = 80 %, graded 120 %
    assert (got["semaforo"], got["direccion_desvio"]) == ("amarillo", "sobre")
    got = result(row, (6,), 1)                                   # 6 of 5 = 120 %, graded 80 %
    assert (got["semaforo"], got["direccion_desvio"]) == ("amarillo", "bajo")
