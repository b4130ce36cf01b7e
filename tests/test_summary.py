"""Program aggregation, semáforo counts, IPTT and baseline tables (hand-computed on dash_fixtures.sample)."""

from __future__ import annotations

import math

import hypothesis
import numpy as np
import pandas as pd
import pytest
from hypothesis import strategies as st

from dash_fixtures import avances_frame, plan_frame, plan_row, quarters, results_frame, sample
from mpi_dash import schema, summary


@pytest.fixture()
def data():
    return sample()


def _close(a, b):
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None or (isinstance(a, float) and math.isnan(a))
    return a == pytest.approx(b)


# (trimestre, programa, avance, esperado, cumplimiento, semaforo, n_con_dato)
PROGRAM_CASES = [
    (1, "1", (25 + 10) / 2, 25.0, 70.0, "amarillo", 2),      # 70 exactly is amarillo
    (2, "1", (50 + 20) / 2, 50.0, 70.0, "amarillo", 2),
    (3, "1", (75 + 60) / 2, 75.0, 90.0, "verde", 2),         # 90 exactly is verde
    (4, "1", 100.0, 100.0, 100.0, "verde", 2),
    (1, "2", 50.0, 25.0, 200.0, "rojo", 1),                  # overshoot beyond 130
    (2, "2", math.nan, math.nan, math.nan, "sin_dato", 0),   # unreported: never counted as 0
    (3, "2", 100.0, 75.0, 133.333333, "rojo", 1),            # 2/2 capped at 100
    (1, "6", 100.0, 100.0, 100.0, "verde", 1),               # hito reached, due Q1
    (4, "6", 100.0, 100.0, 100.0, "verde", 1),
]


@pytest.mark.parametrize(("k", "programa", "avance", "esperado", "cumplimiento", "semaforo", "n_dato"),
                         PROGRAM_CASES)
def test_program_summary(data, k, programa, avance, esperado, cumplimiento, semaforo, n_dato):
    plan, results = data
    out = summary.program_summary(summary.at_cutoff(results, plan, 2023, k)).set_index("programa_num")
    row = out.loc[programa]
    assert _close(row["avance_pct"], avance)
    assert _close(row["esperado_pct"], esperado)
    assert _close(row["cumplimiento_pct"], cumplimiento)
    assert row["semaforo"] == semaforo
    assert row["n_con_dato"] == n_dato


# (hito due quarter, hito realizado in Marzo, avance, esperado, cumplimiento, semaforo) at the Marzo cut-off;
# 1.1 is on track (1 of 4 = 25 %, expected 25 %).
HITO_CASES = [
    (4, 1.0, (25 + 100) / 2, (25 + 100) / 2, 100.0, "verde"),   # done early: on track, never rojo
    (4, 0.0, 25 / 2, 25 / 2, 100.0, "verde"),                   # pending, not due: expects nothing yet
    (1, 1.0, (25 + 100) / 2, (25 + 100) / 2, 100.0, "verde"),   # done when due
    (1, 0.0, 25 / 2, (25 + 100) / 2, 20.0, "rojo"),             # due and missed
]


@pytest.mark.parametrize(("due", "done", "avance", "esperado", "cumplimiento", "semaforo"), HITO_CASES)
def test_program_with_hito_before_and_after_due(due, done, avance, esperado, cumplimiento, semaforo):
    from mpi_dash.engine import compute_all

    plan = plan_frame([
        plan_row("1.1", meta_anual=4.0, programado_t1=1.0, programado_t2=1.0, programado_t3=1.0,
                 programado_t4=1.0),
        plan_row("1.2", tipo_calculo="hito", meta_anual=1.0, **{f"programado_t{due}": 1.0}),
    ])
    avances = avances_frame([("1.1", 2023, 1, 1.0), ("1.2", 2023, 1, done)])
    row = summary.program_summary(summary.at_cutoff(compute_all(plan, avances), plan, 2023, 1)).iloc[0]
    assert row["avance_pct"] == pytest.approx(avance)
    assert row["esperado_pct"] == pytest.approx(esperado)
    assert row["cumplimiento_pct"] == pytest.approx(cumplimiento)
    assert row["semaforo"] == semaforo


def test_program_summary_shape_and_order(data):
    plan, results = data
    out = summary.program_summary(summary.at_cutoff(results, plan, 2023, 2))
    assert out["programa_num"].tolist() == ["1", "2", "6"]
    assert out["n_indicadores"].tolist() == [3, 1, 1]
    assert out["n_medibles"].tolist() == [2, 1, 1]        # 1.2.1 (periodo_anterior) is not in the gauge
    assert out.loc[0, "programa_corto"] == "Atención integral a personas defensoras…"


def test_program_semaforo_uses_parametros(data):
    plan, results = data
    strict = {"verde_min": 95.0, "verde_max": 105.0, "amarillo_min": 80.0, "amarillo_max": 120.0}
    out = summary.program_summary(summary.at_cutoff(results, plan, 2023, 3), strict).set_index("programa_num")
    assert out.loc["1", "semaforo"] == "amarillo"     # 90 % is amarillo under stricter thresholds


def test_programs_sort_numerically():
    plan = plan_frame([plan_row("10.1"), plan_row("2.1"), plan_row("1.1")])
    results = results_frame([r for c in ("10.1", "2.1", "1.1") for r in quarters(c, 2023)])
    out = summary.program_summary(summary.at_cutoff(results, plan, 2023, 1))
    assert out["programa_num"].tolist() == ["1", "2", "10"]


def test_expected_zero_program():
    plan = plan_frame([plan_row("1.1", meta_anual=1.0, programado_t4=1.0),
                       plan_row("2.1", meta_anual=1.0, programado_t4=1.0)])
    results = results_frame([
        *quarters("1.1", 2023, valor_indicador=[0, 0, 0, 100], esperado_pct=[0, 0, 0, 100]),
        *quarters("2.1", 2023, valor_indicador=[100, 100, 100, 100], esperado_pct=[0, 0, 0, 100]),
    ])
    out = summary.program_summary(summary.at_cutoff(results, plan, 2023, 1)).set_index("programa_num")
    assert out.loc["1", "semaforo"] == "sin_meta"
    assert out.loc["2", "semaforo"] == "verde"
    assert math.isnan(out.loc["1", "cumplimiento_pct"])


@pytest.mark.parametrize(("k", "expected"), [
    (1, {"verde": 2, "rojo": 2, "informativo": 1}),
    (2, {"verde": 2, "rojo": 1, "informativo": 1, "sin_dato": 1}),
    (3, {"verde": 2, "rojo": 1, "amarillo": 1, "informativo": 1}),
])
def test_semaforo_counts(data, k, expected):
    plan, results = data
    counts = summary.semaforo_counts(summary.at_cutoff(results, plan, 2023, k))
    assert counts["semaforo"].tolist() == list(schema.SEMAFOROS)
    assert dict(zip(counts["semaforo"], counts["n"])) == {s: expected.get(s, 0) for s in schema.SEMAFOROS}


def test_red_indicators_carry_justificacion(data):
    plan, results = data
    red = summary.red_indicators(summary.at_cutoff(results, plan, 2023, 1))
    assert red["clave"].tolist() == ["1.3", "2.1"]
    assert red["justificacion"].tolist() == ["Se reprogramaron talleres", "+Se adelantó la capacitación"]
    assert summary.red_indicators(summary.at_cutoff(results, plan, 2023, 4)).empty


def test_iptt_table(data):
    plan, results = data
    table = summary.iptt_table(summary.at_cutoff(results, plan, 2023, 2))
    assert tuple(table.columns) == summary.IPTT_COLUMNS
    assert table["clave"].tolist() == ["1.1.1", "1.2.1", "1.3", "2.1", "6"]   # plan order
    row = table.set_index("clave").loc["1.3"]
    assert [row[f"programado_t{k}"] for k in range(1, 5)] == [2.5] * 4       # the full calendar
    assert [row["realizado_t1"], row["realizado_t2"]] == [1.0, 1.0]
    assert math.isnan(row["realizado_t3"]) and math.isnan(row["realizado_t4"])  # after the cut-off
    assert row["avance_pct"] == 20 and row["cumplimiento_pct"] == 40 and row["semaforo"] == "rojo"
    assert row["linea_base_acumulada"] == 4 and row["variacion_linea_base_pct"] == -50
    # not avance_meta → no % avance; unreported quarter → sin_dato with empty realizado
    assert math.isnan(table.set_index("clave").loc["1.2.1", "avance_pct"])
    assert table.set_index("clave").loc["2.1", "semaforo"] == "sin_dato"
    assert math.isnan(table.set_index("clave").loc["2.1", "realizado_t2"])


def test_iptt_headers_are_spanish_and_unique():
    headers = list(summary.IPTT_HEADERS.values())
    assert len(set(headers)) == len(headers)
    assert "Programado Marzo" in headers and "Semáforo" in headers


@pytest.mark.parametrize(("clave", "r", "b", "var", "con"), [
    ("1.1.1", 2, 2, 0, True), ("1.2.1", 22, 16, 37.5, True), ("1.3", 2, 4, -50, True),
    ("2.1", math.nan, math.nan, math.nan, False), ("6", 1, math.nan, math.nan, False),
])
def test_baseline_table(data, clave, r, b, var, con):
    plan, results = data
    table = summary.baseline_table(summary.at_cutoff(results, plan, 2023, 2)).set_index("clave")
    row = table.loc[clave]
    assert _close(row["realizado_acumulado"], r)
    assert _close(row["linea_base_acumulada"], b)
    assert _close(row["variacion_linea_base_pct"], var)
    assert bool(row["con_linea_base"]) is con


def test_baseline_by_program_takes_the_median_variation(data):
    plan, results = data
    table = summary.baseline_table(summary.at_cutoff(results, plan, 2023, 2))
    out = summary.baseline_by_program(table).set_index("programa_num")
    # 1.1.1 0 %, 1.2.1 +37.5 %, 1.3 −50 % → median 0 % (units differ: values are never summed)
    assert out.loc["1", "variacion_pct"] == pytest.approx(0.0)
    assert (out.loc["1", "n_con_linea_base"], out.loc["1", "n_suben"], out.loc["1", "n_bajan"]) == (3, 1, 1)
    assert (out.loc["1", "indice_base"], out.loc["1", "indice_actual"]) == (100.0, 100.0)
    assert out.loc["2", "n_con_linea_base"] == 0 and math.isnan(out.loc["2", "variacion_pct"])
    assert math.isnan(out.loc["2", "indice_base"])
    assert "realizado_acumulado" not in out.columns       # no sums across different units


@pytest.mark.parametrize(("values", "expected"), [
    ([(10, 5), (1000, 2000)], (100 - 50) / 2),            # +100 % and −50 %: median of two = mean, 25 %
    ([(110, 100), (4, 2), (1, 4)], 10.0),                  # +10 %, +100 %, −75 % → 10 %
    ([(3, 0), (6, 3)], 100.0),                             # base 0: not comparable, left out
    ([(3, 0)], math.nan),
])
def test_baseline_by_program_cases(values, expected):
    rows = [plan_row(f"1.{i}") for i in range(1, len(values) + 1)]
    results = results_frame([
        r for i, (cur, base) in enumerate(values, start=1)
        for r in quarters(f"1.{i}", 2023, realizado_acumulado=[cur] * 4, linea_base_acumulada=[base] * 4,
                          variacion_linea_base_pct=[(cur - base) / base * 100 if base else math.nan] * 4)
    ])
    cut = summary.at_cutoff(results, plan_frame(rows), 2023, 1)
    out = summary.baseline_by_program(summary.baseline_table(cut))
    assert _close(out.loc[0, "variacion_pct"], expected)


def test_baseline_zero_is_a_baseline_without_variation():
    plan = plan_frame([plan_row("1.1")])
    results = results_frame(quarters("1.1", 2023, realizado_acumulado=[3] * 4, linea_base_acumulada=[0] * 4))
    row = summary.baseline_table(summary.at_cutoff(results, plan, 2023, 1)).iloc[0]
    assert bool(row["con_linea_base"]) is True and row["linea_base_acumulada"] == 0
    assert math.isnan(row["variacion_linea_base_pct"])


def test_latest_cutoff_and_years(data):
    plan, _ = data
    assert summary.available_years(plan) == [2022, 2023]
    avances = avances_frame([("1.1.1", 2022, 4, 1.0), ("1.1.1", 2023, 1, 1.0), ("1.3", 2023, 3, 2.0)])
    assert summary.latest_cutoff(plan, avances) == (2023, 3)
    assert summary.latest_cutoff(plan, avances.iloc[:0]) == (2023, 1)
    assert summary.latest_cutoff(plan, avances_frame([("1.1.1", 2030, 2, 1.0)])) == (2023, 1)


def test_ficha_tecnica_skips_empty_and_uses_headers(data):
    plan, _ = data
    pairs = dict(summary.ficha_tecnica(plan.iloc[1]))
    assert pairs["Clave"] == "1.1.1" and pairs["Meta anual"] == "4"
    assert "Meta ajustada" not in pairs
    assert pairs["Método de cálculo"] == "(Realizadas/Programadas)*100"


def test_indicator_history(data):
    _, results = data
    hist = summary.indicator_history(results, "1.3", 2023)
    assert hist["trimestre"].tolist() == [1, 2, 3, 4]
    assert hist["realizado_acumulado"].tolist() == [1, 2, 6, 10]


def test_inputs_not_mutated(data):
    """The cut-off frame is computed once per render and shared: no table function may change it."""
    plan, results = data
    plan_before, results_before = plan.copy(deep=True), results.copy(deep=True)
    cut = summary.at_cutoff(results, plan, 2023, 2)
    cut_before = cut.copy(deep=True)
    summary.program_summary(cut)
    summary.iptt_table(cut)
    summary.baseline_by_program(summary.baseline_table(cut))
    summary.semaforo_counts(cut)
    summary.red_indicators(cut)
    pd.testing.assert_frame_equal(plan, plan_before)
    pd.testing.assert_frame_equal(results, results_before)
    pd.testing.assert_frame_equal(cut, cut_before)


def test_cut_carries_the_quarterly_calendar_and_actuals(data):
    plan, results = data
    cut = summary.at_cutoff(results, plan, 2023, 2).set_index("clave")
    # 1.3 has no calendar in the plan: the engine's p_k = T/4 = 2.5, for all four quarters
    assert [cut.loc["1.3", f"programado_t{k}"] for k in range(1, 5)] == [2.5] * 4
    assert [cut.loc["1.3", "realizado_t1"], cut.loc["1.3", "realizado_t2"]] == [1.0, 1.0]
    assert cut.loc[["1.3"], ["realizado_t3", "realizado_t4"]].isna().all(axis=None)   # after the cut-off
    assert (cut["trimestre"] == 2).all()


def test_rows_without_indicator_are_named_by_their_action():
    plan = plan_frame([plan_row("1.1.5", indicador=None, accion="Actividades con el Consejo Consultivo",
                                tipo_calculo="conteo"), plan_row("1.1.1")])
    results = results_frame([*quarters("1.1.5", 2023, "conteo", semaforo=["rojo"] * 4),
                             *quarters("1.1.1", 2023)])
    assert summary.iptt_table(summary.at_cutoff(results, plan, 2023, 1))["indicador"].tolist() == [
        "Actividades con el Consejo Consultivo", "Indicador 1.1.1"]
    assert summary.red_indicators(summary.at_cutoff(results, plan, 2023, 1))["indicador"].tolist() == [
        "Actividades con el Consejo Consultivo"]
    assert summary.baseline_table(summary.at_cutoff(results, plan, 2023, 1))["indicador"].iloc[0] == \
        "Actividades con el Consejo Consultivo"


def test_program_summary_on_real_engine_output():
    """Contract check against engine.compute_all (not hand-built rows): shapes and a hand-computed program."""
    from mpi_dash.engine import compute_all

    plan = plan_frame([
        plan_row("1.1", meta_anual=4.0, programado_t1=1.0, programado_t2=1.0, programado_t3=1.0,
                 programado_t4=1.0),
        plan_row("1.2", meta_anual=10.0),                       # p_k = 10/4
        plan_row("1.3", tipo_calculo="conteo"),                 # not in the gauge
        plan_row("2.1", tipo_calculo="hito", meta_anual=1.0, programado_t3=1.0),
    ])
    avances = avances_frame([("1.1", 2023, 1, 1.0), ("1.1", 2023, 2, 1.0), ("1.2", 2023, 1, 1.0),
                             ("1.2", 2023, 2, 2.0), ("1.3", 2023, 2, 7.0), ("2.1", 2023, 2, 0.0)])
    results = compute_all(plan, avances)
    out = summary.program_summary(summary.at_cutoff(results, plan, 2023, 2)).set_index("programa_num")
    # 1.1: 2/4 = 50 % (expected 50); 1.2: 3/10 = 30 % (expected 5/10 = 50)
    assert out.loc["1", "avance_pct"] == pytest.approx((50 + 30) / 2)
    assert out.loc["1", "esperado_pct"] == pytest.approx(50)
    assert out.loc["1", "semaforo"] == "amarillo"             # 40/50 = 80 %
    assert out.loc["1", "n_medibles"] == 2 and out.loc["1", "n_indicadores"] == 3
    # 2.1: hito due in Q3, not reached at Q2 → 0 of expected 0, waiting for its milestone → pendiente
    assert out.loc["2", "avance_pct"] == 0 and out.loc["2", "esperado_pct"] == 0
    assert out.loc["2", "semaforo"] == "pendiente"
    iptt = summary.iptt_table(summary.at_cutoff(results, plan, 2023, 2))
    assert iptt["realizado_t2"].tolist()[:3] == [1.0, 2.0, 7.0]
    assert iptt["programado_t1"].tolist()[:2] == [1.0, 2.5]


def test_meta_15_programado_10_realizado_9_is_verde_for_the_indicator_and_its_program():
    """90 % computed two ways: the indicator as 9/10·100, the program as (60 / 66.67)·100 =
    89.99999999999999 — both are graded by the one semaforo.classify, which rounds: both are verde."""
    from mpi_dash.engine import compute_all

    plan = plan_frame([plan_row("1.1", meta_anual=15.0, programado_t1=10.0, programado_t2=5.0,
                                programado_t3=0.0, programado_t4=0.0)])
    cut = summary.at_cutoff(compute_all(plan, avances_frame([("1.1", 2023, 1, 9.0)])), plan, 2023, 1)
    assert cut.loc[0, "cumplimiento_pct"] == pytest.approx(90.0) and cut.loc[0, "semaforo"] == "verde"
    program = summary.program_summary(cut).iloc[0]
    assert program["cumplimiento_pct"] == pytest.approx(90.0)
    assert program["semaforo"] == "verde"


@st.composite
def _one_indicator_program(draw):
    """A one-indicator program in the domain where program and indicator grade the same figure:

    * ``avance_meta`` acumulado, Ascendente, without thresholds of its own (the program uses Parámetros and
      never mirrors), a meta > 0, a calendar (or none: T/4) that programs no more than the meta and
      something (> 0) by the cut-off, and realised amounts that never exceed the annual goal (the program
      caps each indicator at 100 % of its goal); quarters may be unreported (→ sin dato);
    * or a ``hito`` (any calendar, any actuals, unreported quarters included) under thresholds where 100 %
      is verde and 0 % is rojo (the hito rule is reached = verde, due and missed = rojo; the program grades
      100 % or 0 % of its expectation).
    Counts are whole numbers, as the coordinators report them.  Any ordered Parámetros thresholds.
    """
    k = draw(st.integers(1, 4))
    verde_min, verde_max = sorted(draw(st.lists(st.integers(0, 200), min_size=2, max_size=2)))
    amarillo_min = draw(st.integers(0, verde_min))
    amarillo_max = draw(st.integers(verde_max, 300))
    parametros = {"verde_min": float(verde_min), "verde_max": float(verde_max),
                  "amarillo_min": float(amarillo_min), "amarillo_max": float(amarillo_max)}
    reported = st.one_of(st.none(), st.integers(0, 3))
    if verde_min <= 100 <= verde_max and amarillo_min > 0 and draw(st.booleans()):
        calendar = {f"programado_t{q}": float(draw(st.integers(0, 1))) for q in range(1, 5)}
        row = plan_row("1.1", tipo_calculo="hito", meta_anual=1.0, **calendar)
        actuals = [draw(reported) for _ in range(4)]
    else:
        meta = draw(st.integers(1, 500))
        calendar = {}
        if draw(st.booleans()):
            parts = [draw(st.integers(0, meta)) for _ in range(4)]
            hypothesis.assume(sum(parts) <= meta and sum(parts[:k]) > 0)
            calendar = {f"programado_t{q}": float(p) for q, p in enumerate(parts, start=1)}
        row = plan_row("1.1", meta_anual=float(meta), **calendar)
        actuals, left = [], meta
        for _ in range(4):
            value = draw(st.one_of(st.none(), st.integers(0, left)))
            actuals.append(value)
            left -= value or 0
    avances = avances_frame([("1.1", 2023, q, float(v)) for q, v in enumerate(actuals, start=1)
                             if v is not None])
    return plan_frame([row]), avances, parametros, k


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(_one_indicator_program())
def test_a_one_indicator_program_has_its_indicators_semaforo(case):
    from mpi_dash.engine import compute_all

    plan, avances, parametros, k = case
    cut = summary.at_cutoff(compute_all(plan, avances, parametros), plan, 2023, k)
    assert summary.program_summary(cut, parametros).loc[0, "semaforo"] == cut.loc[0, "semaforo"]
