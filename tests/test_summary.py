"""The cut-off frame, exceptions list, semáforo counts, IPTT and baseline tables (hand-computed on
dash_fixtures.sample)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dash_fixtures import avances_frame, close, plan_frame, plan_row, quarters, results_frame, sample
from mpi_dash import schema, summary


@pytest.fixture()
def data():
    return sample()


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


def test_exceptions_by_severity_with_justificacion(data):
    plan, results = data
    cut = summary.at_cutoff(results, plan, 2023, 1)
    cut = cut.assign(direccion_desvio=cut["clave"].map({"1.3": "bajo", "2.1": "sobre"}).astype(object))
    out = summary.exceptions(cut)
    assert tuple(out.columns) == summary.EXCEPTION_COLUMNS
    # 1.3 rojo ↓ rezago (severity 1) before 2.1 rojo ↑ sobrecumplimiento (severity 4)
    assert out["clave"].tolist() == ["1.3", "2.1"] and out["severidad"].tolist() == [1, 4]
    assert out["justificacion"].tolist() == ["Se reprogramaron talleres", "+Se adelantó la capacitación"]
    assert out["responsables"].tolist() == ["Dirección General"] * 2
    assert summary.exceptions(summary.at_cutoff(results, plan, 2023, 4)).empty


def test_exceptions_name_amarillo_and_sin_dato_too(data):
    plan, results = data
    out = summary.exceptions(summary.at_cutoff(results, plan, 2023, 2)).set_index("clave")
    assert out.loc["2.1", "semaforo"] == "sin_dato" and out.loc["2.1", "reportes_faltantes"] == (2,)
    assert out.loc["2.1", "severidad"] == 3 and out.loc["2.1", "direccion_desvio"] is None
    out = summary.exceptions(summary.at_cutoff(results, plan, 2023, 3))
    assert out.set_index("clave").loc["1.3", "semaforo"] == "amarillo"
    # no direction given → an off-band colour reads as rezago (never silently dropped)
    assert out.set_index("clave").loc["1.3", "direccion_desvio"] == "bajo"


def test_exception_order_is_rezago_then_missing_then_over_achievement():
    rows = [("1.1", "amarillo", "sobre"), ("1.2", "rojo", "sobre"), ("1.3", "sin_dato", None),
            ("1.4", "amarillo", "bajo"), ("1.5", "rojo", "bajo"), ("1.6", "verde", None)]
    plan = plan_frame([plan_row(c) for c, _, _ in rows])
    results = results_frame([r for c, sem, d in rows
                             for r in quarters(c, 2023, semaforo=[sem] * 4, direccion_desvio=[d] * 4)])
    out = summary.exceptions(summary.at_cutoff(results, plan, 2023, 1))
    assert out["clave"].tolist() == ["1.5", "1.4", "1.3", "1.2", "1.1"]


def test_iptt_table(data):
    plan, results = data
    table = summary.iptt_table(summary.at_cutoff(results, plan, 2023, 2))
    assert tuple(table.columns) == (*summary.IPTT_COLUMNS, *summary.IPTT_STATUS_COLUMNS)
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
    assert close(row["realizado_acumulado"], r)
    assert close(row["linea_base_acumulada"], b)
    assert close(row["variacion_linea_base_pct"], var)
    assert bool(row["con_linea_base"]) is con


def test_baseline_by_program_counts_up_and_down(data):
    plan, results = data
    table = summary.baseline_table(summary.at_cutoff(results, plan, 2023, 2))
    out = summary.baseline_by_program(table).set_index("programa_num")
    # 1.1.1 0 %, 1.2.1 +37.5 %, 1.3 −50 %: one of each (units differ: values are never summed or averaged)
    assert tuple(out.loc["1", ["n_comparables", "n_suben", "n_bajan", "n_iguales", "n_sin_comparar"]]) == \
        (3, 1, 1, 1, 0)
    assert out.loc["2", "n_comparables"] == 0 and out.loc["2", "n_sin_comparar"] == 1
    assert "realizado_acumulado" not in out.columns and "variacion_pct" not in out.columns


@pytest.mark.parametrize(("values", "expected"), [
    ([(10, 5), (1000, 2000)], (2, 1, 1, 0, 0)),            # +100 % and −50 %
    ([(110, 100), (4, 4), (1, 4)], (3, 1, 1, 1, 0)),
    ([(3, 0), (6, 3)], (1, 1, 0, 0, 1)),                   # base 0: not comparable
    ([(3, 0)], (0, 0, 0, 0, 1)),
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
    assert tuple(out.loc[0, ["n_comparables", "n_suben", "n_bajan", "n_iguales", "n_sin_comparar"]]) == expected


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
    # the plan's codes in words: never «avance_meta» / «acumulado» on screen
    assert pairs["Tipo de cálculo"] == "Avance de la meta"
    assert pairs["Acumulación"] == "Acumulada: de enero al corte"


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
    summary.iptt_table(cut)
    summary.baseline_by_program(summary.baseline_table(cut))
    summary.semaforo_counts(cut)
    summary.exceptions(cut)
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
    assert summary.exceptions(summary.at_cutoff(results, plan, 2023, 1))["nombre"].tolist()[0] == \
        "Actividades con el Consejo Consultivo"
    assert summary.baseline_table(summary.at_cutoff(results, plan, 2023, 1))["indicador"].iloc[0] == \
        "Actividades con el Consejo Consultivo"


def test_names_tell_rows_apart_and_are_never_placeholders():
    """3.1–3.5 share the plan's indicator text and program 6's reads «N/A»: the action names them."""
    plan = plan_frame([
        plan_row("3.1", indicador="Número total de capacitaciones.", accion="Capacitaciones sobre derechos"),
        plan_row("3.2", indicador="Número total de capacitaciones. ", accion="Capacitaciones sobre género"),
        plan_row("6", indicador="N/A", accion="Aprobación del Plan Anual de Trabajo"),
        plan_row("7.1", indicador="Indicador propio", accion="Acción propia"),
        plan_row("7.2", indicador=None, accion=None),
    ])
    names = summary.display_names(plan).tolist()
    assert names == ["Capacitaciones sobre derechos", "Capacitaciones sobre género",
                     "Aprobación del Plan Anual de Trabajo", "Indicador propio", "7.2"]


@pytest.mark.parametrize(("k", "acumulacion", "tipo", "reported", "expected"), [
    (4, "acumulado", "avance_meta", (1, 2, 4), (3,)),        # 2.2 in Diciembre: only Septiembre is missing
    (3, "acumulado", "avance_meta", (1,), (2, 3)),
    (3, "periodo", "avance_meta", (1, 2), (3,)),              # by quarter: only the cut's own report
    (2, "acumulado", "conteo", (2,), (1,)),
    (2, "acumulado", "avance_meta", (1, 2), ()),              # complete
])
def test_missing_reports_say_which_quarter(k, acumulacion, tipo, reported, expected):
    from mpi_dash.engine import compute_all

    plan = plan_frame([plan_row("2.2", meta_anual=8.0, acumulacion=acumulacion, tipo_calculo=tipo)])
    avances = avances_frame([("2.2", 2023, q, 1.0) for q in reported])
    cut = summary.at_cutoff(compute_all(plan, avances), plan, 2023, k)
    assert cut.loc[0, "reportes_faltantes"] == expected
    assert (cut.loc[0, "semaforo"] == "sin_dato") is bool(expected)


def test_measurable_rows_have_a_goal_or_are_milestones():
    from mpi_dash.engine import compute_all

    plan = plan_frame([plan_row("1.1", meta_anual=4.0), plan_row("1.2"),  # avance_meta without goal
                       plan_row("1.3", tipo_calculo="hito", meta_anual=1.0),
                       plan_row("1.4", tipo_calculo="conteo")])
    cut = summary.at_cutoff(compute_all(plan, avances_frame([("1.2", 2023, 1, 3.0)])), plan, 2023, 1)
    assert cut["medible"].tolist() == [True, False, True, False]


def test_missing_justifications_lists_amarillo_and_rojo_without_text():
    cut = pd.DataFrame({
        "programa_num": ["1", "1", "2", "2", "3"],
        "clave": ["1.1", "1.2", "2.1", "2.2", "3.1"],
        "nombre": ["a", "b", "c", "d", "e"],
        "trimestre": [4, 4, 4, 4, 4],
        "semaforo": ["amarillo", "rojo", "verde", "rojo", None],
        "direccion_desvio": ["bajo", "sobre", None, "bajo", None],
        "justificacion": [None, "   ", None, "Se reprogramó", None],
    })
    out = summary.missing_justifications(cut)
    assert out["clave"].tolist() == ["1.1", "1.2"]
    assert out["semaforo"].tolist() == ["amarillo", "rojo"]
    assert list(out.columns) == list(summary.MISSING_JUSTIFICATION_COLUMNS)
    assert cut["clave"].tolist() == ["1.1", "1.2", "2.1", "2.2", "3.1"]  # input untouched
