"""Plotly builders: values, expected marks, semáforo bands around the expected value, words for every status,
whole-number axes for counts, coinciding series told apart, no network resources, large fonts, no «…»."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dash_fixtures import sample
from mpi_dash import figures, programs, summary
from mpi_dash.formatting import PERCENT_SIGN, SEMAFORO_COLORS


def _band_colours(steps):
    by_colour = {figures._rgba(c, figures.BAND_ALPHA): name for name, c in SEMAFORO_COLORS.items()}
    by_colour[figures.NEUTRAL_BAND] = "neutral"
    return [(tuple(s["range"]), by_colour[s["color"]]) for s in steps]


@pytest.mark.parametrize(("esperado", "expected"), [
    # only the window around the expected value is coloured: a program on track never looks red
    (50.0, [((0, 100), "neutral"), ((35, 45), "amarillo"), ((45, 55), "verde"), ((55, 65), "amarillo")]),
    (100.0, [((0, 100), "neutral"), ((70, 90), "amarillo"), ((90, 100), "verde")]),
    (25.0, [((0, 100), "neutral"), ((17.5, 22.5), "amarillo"), ((22.5, 27.5), "verde"),
            ((27.5, 32.5), "amarillo")]),
    (0.0, [((0, 100), "neutral")]),
    (math.nan, [((0, 100), "neutral")]),
])
def test_semaforo_bands(esperado, expected):
    got = _band_colours(figures.semaforo_bands(esperado))
    assert [(tuple(pytest.approx(x) for x in r), c) for r, c in got] == \
           [(tuple(pytest.approx(x) for x in r), c) for r, c in expected]


def test_bands_follow_parametros():
    steps = figures.semaforo_bands(100.0, {"verde_min": 95, "verde_max": 105, "amarillo_min": 80,
                                           "amarillo_max": 120})
    assert [tuple(s["range"]) for s in steps] == [(0, 100), (80, 95), (95, 100)]


def _programs(k=2):
    plan, results = sample()
    return programs.program_figures(summary.at_cutoff(results, plan, 2023, k))


def test_program_bars_one_figure_one_row_per_program():
    fig = figures.program_bars(_programs(2))
    assert [t.type for t in fig.data] == ["indicator"] * 3
    assert all(t.gauge.shape == "bullet" and t.mode == "number+gauge" for t in fig.data)
    # program 1 in Junio: 35 % of 50 % expected; program 2 without data: no number, no bar
    assert fig.data[0].value == 35.0 and fig.data[0].gauge.threshold.value == 50.0
    assert fig.data[1].value is None and fig.data[1].number.font.color == figures.INVISIBLE
    assert fig.data[0].number.suffix == PERCENT_SIGN and fig.data[0].number.font.size >= 36
    # rows stacked without overlap, on the same 0–100 % axis (tick labels only under the last bar)
    tops = [t.domain.y[1] for t in fig.data]
    assert all(fig.data[i].domain.y[0] > tops[i + 1] for i in range(len(tops) - 1))
    assert all(tuple(t.gauge.axis.range) == (0, 100) for t in fig.data)
    assert [t.gauge.axis.showticklabels for t in fig.data] == [False, False, True]
    # the bar is in the semáforo colour; the words carry the meaning
    assert fig.data[0].gauge.bar.color == figures.WORD_COLORS["amarillo"]


def test_program_bars_words_full_names_and_sizes():
    fig = figures.program_bars(_programs(2))
    texts = [a.text for a in fig.layout.annotations]
    titles, statuses = texts[0::2], texts[1::2]
    assert titles[0].startswith("<b>1.</b> Atención integral a personas defensoras")
    assert "periodistas" in titles[0] and not any("…" in t for t in texts)          # never cut
    assert "Amarillo ↓ rezago" in statuses[0] and f"esperado 50.0{PERCENT_SIGN}" in statuses[0]
    assert "Sin dato" in statuses[1] and "⚠ 1 de 1 con meta o hito sin dato: 2.1" in statuses[1]
    assert all(a.font.size >= 16 for a in fig.layout.annotations)
    assert fig.data[-1].gauge.axis.tickfont.size >= 16


def test_program_bars_pendiente_has_no_number():
    plan, results = sample()
    figures_q1 = programs.program_figures(summary.at_cutoff(results, plan, 2023, 1))
    pending = figures_q1.assign(semaforo="pendiente", avance_pct=np.nan, esperado_pct=0.0, vence_trimestre=4.0,
                                completo=True, claves_faltantes=[()] * len(figures_q1))
    fig = figures.program_bars(pending.iloc[:1])
    assert fig.data[0].value is None
    assert "Pendiente (vence en Diciembre)" in fig.layout.annotations[1].text


def test_program_bars_without_titles_for_the_programa_page():
    fig = figures.program_bars(_programs(2).iloc[:1], titles=False)
    assert len(fig.layout.annotations) == 1 and fig.data[0].domain.x[0] == 0


def test_program_bars_legend_over_the_first_bar():
    plain, with_legend = figures.program_bars(_programs(2)), figures.program_bars(_programs(2), legend=True)
    note = with_legend.layout.annotations[0]
    assert note.text == ("Barra: avance del programa · marca negra: avance esperado al corte<br>"
                         "franja verde: dentro de lo esperado (amarilla a los lados)")
    assert (note.y, note.yanchor, note.font.size) == (1, "top", 16)
    # the rows move down by the legend's 52 px, the figure grows by as much: the bars keep their size
    assert with_legend.layout.height == plain.layout.height + 52
    legend_bottom = 1 - 52 / with_legend.layout.height
    assert with_legend.data[0].domain.y[1] < legend_bottom
    assert [a.text for a in with_legend.layout.annotations[1:]] == [a.text for a in plain.layout.annotations]


def test_data_text_cannot_inject_plotly_html():
    frame = _programs(2).iloc[:1].assign(nombre='Programa <a href="http://x">clic</a> $M1$')
    fig = figures.program_bars(frame)
    title = fig.layout.annotations[0].text
    assert "<a" not in title and "‹a" in title and "$" not in fig.to_json()


def test_bullet_axis_grows_with_overshoot_and_bar_takes_the_status_colour():
    fig = figures.indicator_bullet(150.0, 50.0, "Indicador", semaforo="rojo")
    assert fig.data[0].gauge.shape == "bullet" and fig.data[0].gauge.axis.range == (0, 150.0)
    assert fig.data[0].gauge.bar.color == figures.WORD_COLORS["rojo"]
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


def test_counts_get_whole_number_ticks():
    """One session per quarter used to get ticks 0.2 … 1.2: whole counts have whole ticks."""
    _, results = sample()
    fig = figures.quarter_bars(summary.indicator_history(results, "1.1.1", 2023), 4)
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickformat == ",d"
    fractional = figures.quarter_bars(summary.indicator_history(results, "1.3", 2023), 4)
    assert fractional.layout.yaxis.dtick is None                    # 2.5 programmed: free ticks


def test_cumulative_line_compares_with_previous_year():
    _, results = sample()
    fig = figures.cumulative_line(summary.indicator_history(results, "1.3", 2023), 2023, 3)
    names = [t.name for t in fig.data]
    assert names == ["Realizado 2023", "2022 (línea base)", "Programado acumulado"]
    assert list(fig.data[0].y[:3]) == [1, 2, 6] and np.isnan(fig.data[0].y[3])
    assert list(fig.data[1].y) == [2, 4, 6, 8]
    assert "Coinciden" not in fig.layout.title.text


def test_coinciding_series_are_told_apart():
    """1.1.1: realizado, línea base and programado identical → one label, distinct markers, and the title
    says they coincide (three identical lines looked like one)."""
    hist = pd.DataFrame({"trimestre": [1, 2, 3, 4], "realizado_acumulado": [1.0, 2, 3, 4],
                         "linea_base_acumulada": [1.0, 2, 3, 4], "programado_acumulado": [1.0, 2, 3, 4]})
    fig = figures.cumulative_line(hist, 2023, 4)
    title = fig.layout.title.text.replace("<br>", " ")
    assert "Coinciden: Realizado 2023, 2022 (línea base) y programado acumulado" in title
    assert len({t.marker.symbol for t in fig.data}) == 3
    assert [sum(1 for x in t.text if x) for t in fig.data] == [1, 0, 0]


def test_program_trends_small_multiples():
    plan, results = sample()
    trend = programs.program_trend([summary.at_cutoff(results, plan, 2023, k) for k in (1, 2, 3)])
    fig = figures.program_trends(trend)
    # one row of three panels: one pair of axes, esperado and avance as one trace each (gaps between panels)
    assert [t.name for t in fig.data] == ["Esperado al corte", "Avance del programa"]
    avance = fig.data[1]
    assert list(avance.x[:4]) == [0, 1, 2, None] and list(avance.x[4:7]) == [5, 6, 7]   # program 2 at slot 5
    assert list(avance.y[:3]) == pytest.approx([17.5, 35.0, 67.5])
    assert list(fig.layout.xaxis.ticktext[:4]) == ["Mar", "Jun", "Sep", "Dic"]
    titles = [a.text for a in fig.layout.annotations]
    assert any("periodistas" in t for t in titles) and not any("…" in t for t in titles)
    line = figures.program_trend_line(trend.loc[trend["programa"] == "1"])
    assert [t.name for t in line.data] == ["Esperado al corte", "Avance del programa"]
    assert list(line.data[1].text) == [f"17.5{PERCENT_SIGN}", f"35.0{PERCENT_SIGN}", f"67.5{PERCENT_SIGN}"]


def test_baseline_variation_bars_signs_and_values():
    plan, results = sample()
    table = summary.baseline_table(summary.at_cutoff(results, plan, 2023, 2))
    fig = figures.baseline_variation_bars(table, 2023)
    bars, labels = fig.data
    assert list(bars.y) == ["1.1.1", "1.2.1", "1.3"]               # only comparable indicators
    assert list(bars.x) == pytest.approx([0.0, 37.5, -50.0])
    assert list(bars.text) == [f"0.0{PERCENT_SIGN} (2 → 2)", f"+37.5{PERCENT_SIGN} (16 → 22)",
                               f"-50.0{PERCENT_SIGN} (4 → 2)"]
    assert list(labels.x) == [0.0, 37.5, 0.0]                       # a fall is labelled right of 0
    empty = figures.baseline_variation_bars(table.iloc[:0], 2023)
    assert "Ningún indicador" in empty.layout.annotations[0].text


def test_figures_reference_nothing_external_and_strip_mathjax():
    plan, results = sample()
    hist = summary.indicator_history(results, "1.1.1", 2023)
    cut = summary.at_cutoff(results, plan, 2023, 2)
    trend = programs.program_trend([cut])
    figs = [
        figures.program_bars(programs.program_figures(cut)),
        figures.indicator_bullet(50, 50, "$M1$ talleres"),
        figures.quarter_bars(hist, 2, "Método $M1$"), figures.cumulative_line(hist, 2023, 2),
        figures.program_trends(trend), figures.program_trend_line(trend),
        figures.baseline_variation_bars(summary.baseline_table(cut), 2023),
    ]
    for fig in figs:
        payload = fig.to_json()
        assert "$" not in payload
        assert "http://" not in payload.replace("http://www.w3.org", "") and "https://" not in payload
        assert fig.layout.font.size >= 16


def test_long_titles_are_wrapped_never_cut():
    text = "Acciones de prevención y capacitación para el ejercicio de la libertad de expresión"
    wrapped = figures._wrap(text, 20)
    assert wrapped.count("<br>") >= 3 and wrapped.replace("<br>", " ") == text
