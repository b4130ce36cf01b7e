"""Per-program figures (mpi_dash.programs): THE function behind the dashboard's program results and
``report --nivel programa``.  Hand-computed on dash_fixtures.sample and on small plans run through the engine.
"""

from __future__ import annotations

import math
from pathlib import Path

import hypothesis
import pandas as pd
import pytest
from hypothesis import strategies as st

from dash_fixtures import avances_frame, close, plan_frame, plan_row, quarters, results_frame, sample
from mpi_dash import programs, summary
from mpi_dash.engine import compute_all

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "plan_2023.xlsx"


@pytest.fixture()
def data():
    return sample()


def figures_at(plan, results, k, parametros=None):
    return programs.program_figures(summary.at_cutoff(results, plan, 2023, k), parametros).set_index("programa")


# (trimestre, programa, avance, esperado, cumplimiento, semaforo, direccion, n_con_dato)
PROGRAM_CASES = [
    (1, "1", (25 + 10) / 2, 25.0, 70.0, "amarillo", "bajo", 2),      # 70 exactly is amarillo
    (2, "1", (50 + 20) / 2, 50.0, 70.0, "amarillo", "bajo", 2),
    (3, "1", (75 + 60) / 2, 75.0, 90.0, "verde", None, 2),           # 90 exactly is verde
    (4, "1", 100.0, 100.0, 100.0, "verde", None, 2),
    (1, "2", 50.0, 25.0, 200.0, "rojo", "sobre", 1),                 # overshoot beyond 130: ↑
    (2, "2", math.nan, math.nan, math.nan, "sin_dato", None, 0),      # unreported: never counted as 0
    (3, "2", 100.0, 75.0, 133.333333, "rojo", "sobre", 1),           # 2/2 capped at 100
    (1, "6", 100.0, 100.0, 100.0, "verde", None, 1),                 # hito reached, due Q1
    (4, "6", 100.0, 100.0, 100.0, "verde", None, 1),
]


@pytest.mark.parametrize(("k", "programa", "avance", "esperado", "cumplimiento", "semaforo", "direccion",
                          "n_dato"), PROGRAM_CASES)
def test_program_figures(data, k, programa, avance, esperado, cumplimiento, semaforo, direccion, n_dato):
    plan, results = data
    row = figures_at(plan, results, k).loc[programa]
    assert close(row["avance_pct"], avance)
    assert close(row["esperado_pct"], esperado)
    assert close(row["cumplimiento_pct"], cumplimiento)
    assert row["semaforo"] == semaforo
    assert row["direccion_desvio"] == direccion
    assert row["n_con_dato"] == n_dato


def test_shape_order_and_report_fields(data):
    plan, results = data
    cut = summary.at_cutoff(results, plan, 2023, 2)
    out = programs.program_figures(cut)
    assert tuple(out.columns) == programs.PROGRAM_FIELDS
    assert out["programa"].tolist() == ["1", "2", "6"]
    assert out["n_indicadores"].tolist() == [3, 1, 1]
    assert out["n_medibles"].tolist() == [2, 1, 1]        # 1.2.1 (periodo_anterior) is not in the gauge
    assert out.loc[0, "nombre"] == "Atención integral a personas defensoras de derechos humanos y periodistas"
    assert (out["anio"] == 2023).all() and (out["trimestre"] == 2).all()
    report = programs.program_report(cut)
    assert tuple(report.columns) == programs.PROGRAM_REPORT_FIELDS == (
        "programa", "nombre", "anio", "trimestre", "avance_pct", "esperado_pct", "semaforo", "direccion_desvio",
        "completo", "n_indicadores", "n_medibles", "n_con_dato", "faltantes", "informativos_sin_reporte",
        "estado", "aprobado_por", "aprobado_en")
    assert report["estado"].tolist() == ["en_captura"] * 3  # no approval record
    assert report["aprobado_por"].isna().all() and report["aprobado_en"].isna().all()


def test_missing_data_is_named_and_the_program_is_incomplete(data):
    plan, results = data
    out = figures_at(plan, results, 2)
    # program 2: 2.1 unreported in Junio → sin dato, named, never complete
    assert out.loc["2", "completo"] is False or out.loc["2", "completo"] == False  # noqa: E712 (numpy bool)
    assert out.loc["2", "faltantes"] == "2.1" and out.loc["2", "claves_faltantes"] == ("2.1",)
    assert bool(out.loc["1", "completo"]) and out.loc["1", "faltantes"] is None


def test_a_verde_program_with_a_missing_report_is_incomplete():
    """Diciembre, program 3 of the bundled plan: every reporting indicator on track but 3.4 lacks
    Septiembre → verde AND incompleto, with 3.4 named (it used to read a plain «100 % verde»)."""
    plan = plan_frame([plan_row("3.1", meta_anual=4.0), plan_row("3.4", meta_anual=4.0)])
    avances = avances_frame([("3.1", 2023, q, 1.0) for q in (1, 2, 3, 4)]
                            + [("3.4", 2023, q, 1.0) for q in (1, 2, 4)])
    row = programs.program_figures(summary.at_cutoff(compute_all(plan, avances), plan, 2023, 4)).iloc[0]
    assert row["semaforo"] == "verde" and not row["completo"]
    assert row["faltantes"] == "3.4" and (row["n_medibles"], row["n_con_dato"]) == (2, 1)
    assert row["avance_pct"] == 100.0


def test_a_missing_report_of_an_informative_indicator_is_named_in_its_own_field():
    """2.2 (no annual goal: not in the average) lacks Septiembre: named in informativos_sin_reporte, NOT in
    faltantes, and the program stays complete — its figure does not depend on 2.2.  (It used to read
    n_medibles 1, n_con_dato 1 and faltantes «2.2»: three counts that cannot all be right.)"""
    plan = plan_frame([plan_row("2.1", tipo_calculo="hito", meta_anual=1.0, programado_t4=1.0),
                       plan_row("2.2")])
    avances = avances_frame([("2.1", 2023, q, 0.0) for q in (1, 2, 3)] + [("2.1", 2023, 4, 1.0)]
                            + [("2.2", 2023, q, 3.0) for q in (1, 2, 4)])
    row = programs.program_figures(summary.at_cutoff(compute_all(plan, avances), plan, 2023, 4)).iloc[0]
    assert (row["n_indicadores"], row["n_medibles"], row["n_con_dato"]) == (2, 1, 1)
    assert row["faltantes"] is None and row["claves_faltantes"] == () and bool(row["completo"])
    assert row["informativos_sin_reporte"] == "2.2" and row["claves_informativos_sin_reporte"] == ("2.2",)
    assert row["semaforo"] == "verde" and row["avance_pct"] == 100.0


# (realizados of the meta row 1.1 and the hito 1.2 in Q1, Q2 — None: unreported —, realizados of the conteo
# 1.3 and the periodo_anterior 1.4) at the Junio cut → (n_con_dato, faltantes, informativos_sin_reporte).
# 1.1: meta 4 (T/4); 1.2: hito due in Q4; 1.3, 1.4: informative.
COUNT_CASES = [
    ((1, 1), (0, 0), (2, 3), (5, 6), 2, None, None),
    ((1, None), (0, 0), (2, 3), (5, 6), 1, "1.1", None),            # 1.1 cumulative: Junio missing
    ((None, 1), (0, 0), (2, 3), (5, 6), 1, "1.1", None),            # …or Marzo missing (a gap is never 0)
    ((1, 1), (None, None), (2, 3), (5, 6), 1, "1.2", None),         # hito never reported
    ((None, None), (None, None), (2, 3), (5, 6), 0, "1.1, 1.2", None),
    ((1, 1), (0, 0), (2, None), (5, None), 2, None, "1.3, 1.4"),    # only informative reports missing
    ((1, None), (0, 0), (None, 3), (5, 6), 1, "1.1", "1.3"),        # conteo is cumulative: Marzo missing
    ((1, 1), (0, 0), (2, 3), (None, 6), 2, None, None),             # periodo_anterior reads Junio only
]


@pytest.mark.parametrize(("meta", "hito", "conteo", "periodo", "con_dato", "faltantes", "informativos"),
                         COUNT_CASES)
def test_the_counts_add_up(meta, hito, conteo, periodo, con_dato, faltantes, informativos):
    """Hand-computed: n_con_dato + len(faltantes) = n_medibles (2: 1.1 and 1.2); the informative indicators
    without their report are named apart and never make the program incomplete."""
    plan = plan_frame([plan_row("1.1", meta_anual=4.0),
                       plan_row("1.2", tipo_calculo="hito", meta_anual=1.0, programado_t4=1.0),
                       plan_row("1.3", tipo_calculo="conteo"),
                       plan_row("1.4", tipo_calculo="periodo_anterior", acumulacion="periodo")])
    avances = avances_frame([(clave, 2023, q, float(v)) for clave, values in
                             (("1.1", meta), ("1.2", hito), ("1.3", conteo), ("1.4", periodo))
                             for q, v in enumerate(values, start=1) if v is not None])
    row = programs.program_figures(summary.at_cutoff(compute_all(plan, avances), plan, 2023, 2)).iloc[0]
    assert (row["n_indicadores"], row["n_medibles"], row["n_con_dato"]) == (4, 2, con_dato)
    assert row["faltantes"] == faltantes and row["informativos_sin_reporte"] == informativos
    assert row["n_con_dato"] + len(row["claves_faltantes"]) == row["n_medibles"]
    assert bool(row["completo"]) is (faltantes is None)


def test_a_reported_measurable_indicator_with_nothing_to_grade_counts_as_con_dato():
    """A per-quarter goal (acumulacion periodo) with nothing programmed in Junio, reported 0: it has its report
    (semáforo sin_meta), so it is con dato and not missing — but there is nothing to average: nothing is due
    yet, the program waits for Septiembre.  (Counting only graded rows would call it «sin dato» with nothing
    missing.)"""
    plan = plan_frame([plan_row("1.1", meta_anual=4.0, acumulacion="periodo", programado_t1=0.0,
                                programado_t2=0.0, programado_t3=2.0, programado_t4=2.0)])
    avances = avances_frame([("1.1", 2023, 1, 0.0), ("1.1", 2023, 2, 0.0)])
    cut = summary.at_cutoff(compute_all(plan, avances), plan, 2023, 2)
    assert cut.loc[0, "semaforo"] == "sin_meta" and cut.loc[0, "medible"]
    row = programs.program_figures(cut).iloc[0]
    assert (row["n_medibles"], row["n_con_dato"], row["faltantes"]) == (1, 1, None) and bool(row["completo"])
    assert row["semaforo"] == "pendiente" and row["vence_trimestre"] == 3 and math.isnan(row["avance_pct"])


def test_program_2_at_septiembre_2023_of_the_bundled_plan():
    """The case of issue 21: program 2 (2.1 hito, 2.2 avance_meta without meta → informative, 2.3 hito) at
    Septiembre 2023.  2.2 lacks its Septiembre report: informative, so named apart; the program is complete."""
    from mpi_dash import engine, workbook

    data = workbook.read_workbook(BUNDLED)
    cut = summary.at_cutoff(engine.compute_all(data.plan, data.avances, data.parametros), data.plan, 2023, 3)
    figures = programs.program_figures(cut, data.parametros).set_index("programa")
    two = figures.loc["2"]
    assert (two["n_indicadores"], two["n_medibles"], two["n_con_dato"]) == (3, 2, 2)
    assert two["faltantes"] is None and two["informativos_sin_reporte"] == "2.2" and bool(two["completo"])
    assert (figures["n_con_dato"] + figures["claves_faltantes"].map(len) == figures["n_medibles"]).all()
    three = figures.loc["3"]  # 3.4 (meta) lacks Septiembre: measurable, so the program is incomplete
    assert (three["n_medibles"], three["n_con_dato"], three["faltantes"]) == (5, 4, "3.4")
    assert not three["completo"] and three["informativos_sin_reporte"] is None


def test_every_measurable_indicator_without_data_is_sin_dato():
    plan = plan_frame([plan_row("1.1", meta_anual=4.0), plan_row("1.2", meta_anual=4.0)])
    row = programs.program_figures(summary.at_cutoff(compute_all(plan, avances_frame([])), plan, 2023, 2)).iloc[0]
    assert row["semaforo"] == "sin_dato" and math.isnan(row["avance_pct"])
    assert row["faltantes"] == "1.1, 1.2" and row["n_con_dato"] == 0


@pytest.mark.parametrize("k", [1, 2])
def test_nothing_due_is_pendiente_without_a_number(k):
    """Marzo and Junio, programs 2 and 4 of the bundled plan: only milestones due in Diciembre → «Pendiente»
    with the quarter they fall due, NO avance (it used to read a big «0.0 %»)."""
    plan = plan_frame([plan_row("4.1", tipo_calculo="hito", meta_anual=1.0, programado_t4=1.0)])
    avances = avances_frame([("4.1", 2023, q, 0.0) for q in range(1, k + 1)])
    row = programs.program_figures(summary.at_cutoff(compute_all(plan, avances), plan, 2023, k)).iloc[0]
    assert row["semaforo"] == "pendiente" and math.isnan(row["avance_pct"])
    assert row["esperado_pct"] == 0 and row["vence_trimestre"] == 4 and bool(row["completo"])
    assert math.isnan(row["cumplimiento_pct"]) and row["direccion_desvio"] is None


def test_first_due_quarter_of_a_calendar():
    plan = plan_frame([plan_row("1.1", meta_anual=10.0, programado_t1=0.0, programado_t2=0.0,
                                programado_t3=5.0, programado_t4=5.0),
                       plan_row("1.2", tipo_calculo="hito", meta_anual=1.0, programado_t4=1.0)])
    avances = avances_frame([("1.1", 2023, 1, 0.0), ("1.2", 2023, 1, 0.0)])
    row = programs.program_figures(summary.at_cutoff(compute_all(plan, avances), plan, 2023, 1)).iloc[0]
    assert row["semaforo"] == "pendiente" and row["vence_trimestre"] == 3    # the calendar's Septiembre


def test_due_but_unreported_is_not_pendiente():
    """Something due at the cut-off without data, beside a pending milestone: «sin dato», not «pendiente»."""
    plan = plan_frame([plan_row("1.1", meta_anual=4.0),
                       plan_row("1.2", tipo_calculo="hito", meta_anual=1.0, programado_t4=1.0)])
    avances = avances_frame([("1.2", 2023, 1, 0.0)])
    row = programs.program_figures(summary.at_cutoff(compute_all(plan, avances), plan, 2023, 1)).iloc[0]
    assert row["semaforo"] == "sin_dato" and row["faltantes"] == "1.1"


def test_no_measurable_indicator_is_sin_meta():
    plan = plan_frame([plan_row("1.1", tipo_calculo="conteo")])
    row = programs.program_figures(summary.at_cutoff(
        compute_all(plan, avances_frame([("1.1", 2023, 1, 3.0)])), plan, 2023, 1)).iloc[0]
    assert row["semaforo"] == "sin_meta" and row["n_medibles"] == 0 and math.isnan(row["avance_pct"])


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
    plan = plan_frame([
        plan_row("1.1", meta_anual=4.0, programado_t1=1.0, programado_t2=1.0, programado_t3=1.0,
                 programado_t4=1.0),
        plan_row("1.2", tipo_calculo="hito", meta_anual=1.0, **{f"programado_t{due}": 1.0}),
    ])
    avances = avances_frame([("1.1", 2023, 1, 1.0), ("1.2", 2023, 1, done)])
    row = programs.program_figures(summary.at_cutoff(compute_all(plan, avances), plan, 2023, 1)).iloc[0]
    assert row["avance_pct"] == pytest.approx(avance)
    assert row["esperado_pct"] == pytest.approx(esperado)
    assert row["cumplimiento_pct"] == pytest.approx(cumplimiento)
    assert row["semaforo"] == semaforo


def test_semaforo_uses_parametros(data):
    plan, results = data
    strict = {"verde_min": 95.0, "verde_max": 105.0, "amarillo_min": 80.0, "amarillo_max": 120.0}
    assert figures_at(plan, results, 3, strict).loc["1", "semaforo"] == "amarillo"   # 90 % under 95–105


def test_programs_sort_numerically():
    plan = plan_frame([plan_row("10.1"), plan_row("2.1"), plan_row("1.1")])
    results = results_frame([r for c in ("10.1", "2.1", "1.1") for r in quarters(c, 2023)])
    out = programs.program_figures(summary.at_cutoff(results, plan, 2023, 1))
    assert out["programa"].tolist() == ["1", "2", "10"]


def test_on_real_engine_output():
    """Contract check against engine.compute_all: shapes and a hand-computed program."""
    plan = plan_frame([
        plan_row("1.1", meta_anual=4.0, programado_t1=1.0, programado_t2=1.0, programado_t3=1.0,
                 programado_t4=1.0),
        plan_row("1.2", meta_anual=10.0),                       # p_k = 10/4
        plan_row("1.3", tipo_calculo="conteo"),                 # not in the gauge
        plan_row("2.1", tipo_calculo="hito", meta_anual=1.0, programado_t3=1.0),
    ])
    avances = avances_frame([("1.1", 2023, 1, 1.0), ("1.1", 2023, 2, 1.0), ("1.2", 2023, 1, 1.0),
                             ("1.2", 2023, 2, 2.0), ("1.3", 2023, 2, 7.0), ("2.1", 2023, 2, 0.0)])
    out = programs.program_figures(summary.at_cutoff(compute_all(plan, avances), plan, 2023, 2)).set_index(
        "programa")
    # 1.1: 2/4 = 50 % (expected 50); 1.2: 3/10 = 30 % (expected 5/10 = 50)
    assert out.loc["1", "avance_pct"] == pytest.approx((50 + 30) / 2)
    assert out.loc["1", "esperado_pct"] == pytest.approx(50)
    assert (out.loc["1", "semaforo"], out.loc["1", "direccion_desvio"]) == ("amarillo", "bajo")  # 80 %
    assert out.loc["1", "n_medibles"] == 2 and out.loc["1", "n_indicadores"] == 3
    # 1.3 (conteo) lacks Marzo: informative, so named apart; program 1 stays complete (2 of 2 with data)
    assert out.loc["1", "faltantes"] is None and out.loc["1", "informativos_sin_reporte"] == "1.3"
    assert out.loc["1", "n_con_dato"] == 2 and bool(out.loc["1", "completo"])
    # 2.1: hito due in Q3, not reached at Q2 → nothing due yet: pendiente, no number
    assert math.isnan(out.loc["2", "avance_pct"]) and out.loc["2", "esperado_pct"] == 0
    assert out.loc["2", "semaforo"] == "pendiente" and out.loc["2", "vence_trimestre"] == 3


def test_meta_15_programado_10_realizado_9_is_verde_for_the_indicator_and_its_program():
    """90 % computed two ways: the indicator as 9/10·100, the program as (60 / 66.67)·100 =
    89.99999999999999 — both are graded by the one semaforo.classify, which rounds: both are verde."""
    plan = plan_frame([plan_row("1.1", meta_anual=15.0, programado_t1=10.0, programado_t2=5.0,
                                programado_t3=0.0, programado_t4=0.0)])
    cut = summary.at_cutoff(compute_all(plan, avances_frame([("1.1", 2023, 1, 9.0)])), plan, 2023, 1)
    assert cut.loc[0, "cumplimiento_pct"] == pytest.approx(90.0) and cut.loc[0, "semaforo"] == "verde"
    program = programs.program_figures(cut).iloc[0]
    assert program["cumplimiento_pct"] == pytest.approx(90.0)
    assert program["semaforo"] == "verde"


def test_trend_from_marzo_to_the_cut(data):
    plan, results = data
    cuts = [summary.at_cutoff(results, plan, 2023, k) for k in (1, 2, 3)]
    trend = programs.program_trend(cuts)
    assert trend[["programa", "trimestre"]].values.tolist() == [
        [p, k] for p in ("1", "2", "6") for k in (1, 2, 3)]
    one = trend.loc[trend["programa"] == "1"]
    assert one["avance_pct"].tolist() == pytest.approx([17.5, 35.0, 67.5])
    assert one["esperado_pct"].tolist() == pytest.approx([25.0, 50.0, 75.0])
    assert programs.program_trend([]).empty


def test_inputs_not_mutated(data):
    plan, results = data
    cut = summary.at_cutoff(results, plan, 2023, 2)
    before = cut.copy(deep=True)
    programs.program_figures(cut)
    programs.program_trend([cut])
    pd.testing.assert_frame_equal(cut, before)


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
def test_a_one_indicator_program_has_its_indicators_semaforo_and_direction(case):
    plan, avances, parametros, k = case
    cut = summary.at_cutoff(compute_all(plan, avances, parametros), plan, 2023, k)
    program = programs.program_figures(cut, parametros).iloc[0]
    assert program["semaforo"] == cut.loc[0, "semaforo"]
    indicator_direction = cut.loc[0, "direccion_desvio"]
    assert program["direccion_desvio"] == (None if pd.isna(indicator_direction) else indicator_direction)
    assert bool(program["completo"]) is (cut.loc[0, "semaforo"] != "sin_dato")
    assert program["n_con_dato"] + len(program["claves_faltantes"]) == program["n_medibles"] == 1
