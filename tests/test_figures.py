"""Plotly builders: values, threshold markers, semáforo bands, no network resources, large fonts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dash_fixtures import sample
from mpi_dash import figures, summary
from mpi_dash.formatting import SEMAFORO_COLORS


def _band_colours(steps):
    by_colour = {figures._rgba(c, figures.BAND_ALPHA): name for name, c in SEMAFORO_COLORS.items()}
    return [(tuple(s["range"]), by_colour[s["color"]]) for s in steps]


@pytest.mark.parametrize(("esperado", "expected"), [
    (50.0, [((0, 35), "rojo"), ((35, 45), "amarillo"), ((45, 55), "verde"), ((55, 65), "amarillo"),
            ((65, 100), "rojo")]),
    (100.0, [((0, 70), "rojo"), ((70, 90), "amarillo"), ((90, 100), "verde")]),
    (25.0, [((0, 17.5), "rojo"), ((17.5, 22.5), "amarillo"), ((22.5, 27.5), "verde"),
            ((27.5, 32.5), "amarillo"), ((32.5, 100), "rojo")]),
    (0.0, [((0, 100), "sin_meta")]),
    (math.nan, [((0, 100), "sin_meta")]),
])
def test_semaforo_bands(esperado, expected):
    got = _band_colours(figures.semaforo_bands(esperado))
    assert [(tuple(pytest.approx(x) for x in r), c) for r, c in got] == \
           [(tuple(pytest.approx(x) for x in r), c) for r, c in expected]


def test_bands_follow_parametros():
    steps = figures.semaforo_bands(100.0, {"verde_min": 95, "verde_max": 105, "amarillo_min": 80,
                                           "amarillo_max": 120})
    assert [tuple(s["range"]) for s in steps] == [(0, 80), (80, 95), (95, 100)]


def test_program_gauge_value_threshold_and_word():
    fig = figures.program_gauge(35.0, 50.0, "Atención integral a personas defensoras…", "amarillo")
    ind = fig.data[0]
    assert ind.type == "indicator" and ind.mode == "gauge+number"
    assert ind.value == 35.0 and ind.gauge.threshold.value == 50.0
    assert ind.number.suffix == " %"
    assert ind.gauge.axis.range == (0, 100)
    assert "Amarillo" in fig.layout.annotations[0].text and "50.0 %" in fig.layout.annotations[0].text
    assert fig.layout.separators == ".,"


def test_program_gauge_without_data_says_so():
    fig = figures.program_gauge(math.nan, math.nan, "Colaboración interinstitucional", "sin_dato")
    assert fig.data[0].mode == "gauge" and fig.data[0].value is None
    assert "Sin dato" in fig.layout.annotations[0].text


def test_bullet_axis_grows_with_overshoot():
    fig = figures.indicator_bullet(150.0, 50.0, "Indicador")
    assert fig.data[0].gauge.shape == "bullet" and fig.data[0].gauge.axis.range == (0, 150.0)
    assert figures.indicator_bullet(20.0, 50.0, "x").data[0].gauge.axis.range == (0, 100.0)


def test_quarter_bars_hide_realizado_after_cutoff():
    _, results = sample()
    hist = summary.indicator_history(results, "1.3", 2023)
    fig = figures.quarter_bars(hist, 2, "Talleres")
    programado, realizado = fig.data
    assert list(programado.x) == ["Marzo", "Junio", "Septiembre", "Diciembre"]
    assert list(programado.y) == [2.5] * 4
    assert list(realizado.y[:2]) == [1, 1] and np.isnan(realizado.y[2]) and np.isnan(realizado.y[3])
    assert list(programado.text) == ["2.5"] * 4


def test_cumulative_line_compares_with_previous_year():
    _, results = sample()
    fig = figures.cumulative_line(summary.indicator_history(results, "1.3", 2023), 2023, 3)
    names = [t.name for t in fig.data]
    assert names == ["Realizado 2023", "2022 (línea base)", "Programado acumulado"]
    assert list(fig.data[0].y[:3]) == [1, 2, 6] and np.isnan(fig.data[0].y[3])
    assert list(fig.data[1].y) == [2, 4, 6, 8]


def test_baseline_panels_one_panel_per_row_with_own_scale():
    plan, results = sample()
    table = summary.baseline_table(summary.at_cutoff(results, plan, 2023, 2))
    fig = figures.baseline_panels(table, "clave", 2023, cols=3)
    assert len(fig.data) == 5
    first = fig.data[0]
    assert list(first.x) == ["2022", "2023"] and list(first.y) == [2, 2]
    assert list(fig.data[1].text) == ["16", "22"]
    assert list(fig.data[3].text) == ["sin línea base", "sin dato"]       # 2.1: nothing either year
    assert list(fig.data[3].y) == [0, 0]
    titles = [a.text for a in fig.layout.annotations]
    assert "variación +37.5 %" in titles[1] and "variación -50.0 %" in titles[2]
    assert "sin línea base" in titles[3] and "sin línea base" in titles[4]
    # each panel has its own scale (atenciones vs sesiones)
    assert fig.layout.yaxis.range[1] == pytest.approx(2 * 1.3)
    assert fig.layout.yaxis2.range[1] == pytest.approx(22 * 1.3)


def test_baseline_panels_empty():
    plan, results = sample()
    table = summary.baseline_table(summary.at_cutoff(results, plan, 2023, 2))
    fig = figures.baseline_panels(table.iloc[:0], "clave", 2023)
    assert "Sin indicadores" in fig.layout.annotations[0].text


def test_figures_reference_nothing_external_and_strip_mathjax():
    plan, results = sample()
    hist = summary.indicator_history(results, "1.1.1", 2023)
    table = summary.baseline_table(summary.at_cutoff(results, plan, 2023, 2))
    figs = [
        figures.program_gauge(50, 50, "Método $M1$ (x/y)*100", "verde"),
        figures.indicator_bullet(50, 50, "$M1$ talleres"),
        figures.quarter_bars(hist, 2), figures.cumulative_line(hist, 2023, 2),
        figures.baseline_panels(table, "indicador", 2023),
    ]
    for fig in figs:
        payload = fig.to_json()
        assert "$" not in payload
        assert "http://" not in payload.replace("http://www.w3.org", "") and "https://" not in payload
        assert fig.layout.font.size >= 18


def test_long_titles_are_wrapped():
    assert figures._wrap("Acciones de prevención y capacitación para el ejercicio", 20).count("<br>") >= 2


def test_data_text_cannot_inject_plotly_html():
    fig = figures.program_gauge(50, 50, 'Programa <a href="http://x">clic</a>', "verde")
    assert "<a" not in fig.data[0].title.text and "‹a" in fig.data[0].title.text


def test_program_gauges_one_figure_grid():
    plan, results = sample()
    programs = summary.program_summary(summary.at_cutoff(results, plan, 2023, 2))
    fig = figures.program_gauges(programs, cols=2)
    assert [t.type for t in fig.data] == ["indicator"] * 3
    assert [t.value for t in fig.data] == [35.0, None, 100.0]              # program 2: sin dato
    assert [t.gauge.threshold.value for t in fig.data] == [50.0, 0.0, 100.0]
    assert fig.data[0].domain.x[1] <= fig.data[1].domain.x[0]              # side by side, no overlap
    assert fig.data[2].domain.y[1] <= fig.data[0].domain.y[0]              # third one on the next row
    texts = [a.text for a in fig.layout.annotations]
    assert "Amarillo" in texts[0] and "Sin dato" in texts[1] and "Verde" in texts[2]
    assert all(a.xanchor == "center" for a in fig.layout.annotations)


def test_baseline_panels_years_are_categories():
    plan, results = sample()
    table = summary.baseline_table(summary.at_cutoff(results, plan, 2023, 2))
    fig = figures.baseline_panels(table, "clave", 2023, cols=2)
    axes = [getattr(fig.layout, name) for name in dir(fig.layout) if name.startswith("xaxis")]
    assert axes and all(axis.type == "category" for axis in axes)


def test_program_gauges_fit_a_laptop_third():
    """Titles ≤ 20 characters a line (3 lines at most), tick labels carry " %" and skip 0/100, which ran
    into the neighbouring gauge's labels ("1000")."""
    plan, results = sample()
    programs = summary.program_summary(summary.at_cutoff(results, plan, 2023, 2))
    programs.loc[0, "programa_corto"] = "Acciones de prevención y capacitación para personas defensoras"
    fig = figures.program_gauges(programs)
    lines = fig.data[0].title.text.split("<br>")
    assert len(lines) <= 3 and all(len(line) <= 20 for line in lines) and lines[-1].endswith("…")
    for gauge in fig.data:
        assert list(gauge.gauge.axis.tickvals) == [25, 50, 75]
        assert list(gauge.gauge.axis.ticktext) == ["25 %", "50 %", "75 %"]


@pytest.mark.parametrize(("base", "current", "expected"), [
    (0.0, 3.0, "línea base 0 · variación no calculable"),
    (math.nan, 3.0, "sin línea base"),
    (2.0, 3.0, "variación +50.0 %"),
])
def test_baseline_panel_titles_tell_zero_from_missing(base, current, expected):
    import pandas as pd

    var = (current - base) / base * 100 if base else math.nan
    table = pd.DataFrame({"clave": ["1.1"], "realizado_acumulado": [current], "linea_base_acumulada": [base],
                          "variacion_linea_base_pct": [var]})
    fig = figures.baseline_panels(table, "clave", 2023)
    assert expected in fig.layout.annotations[0].text
