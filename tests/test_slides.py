"""The slides of a cut-off as data (mpi_dash.slides) and their HTML (mpi_dash.slides_html): the sequence,
honest figures (missing is never 0, not-yet-due is never a failure), workbook texts kept as plain text,
nothing cut, continuation slides, and a year without plan rows.  Small plans built in memory, run through
the engine; expectations computed by hand."""

from __future__ import annotations

import re

import pytest

from dash_fixtures import avances_frame, plan_frame, plan_row
from mpi_dash import slides, slides_html
from mpi_dash.data_access import Dataset
from mpi_dash.errors import SinDatosDelCorte, StoreError

CODES = re.compile(r"avance_meta|periodo_anterior|anio_anterior|sin_dato|sin_meta|direccion_desvio|"
                   r"tipo_calculo|\bnan\b|\bNone\b")
MARKUP = "<b>**Urgente**</b> [ver](http://x) :smile:"
LONG = ("Número total de acciones de acompañamiento, seguimiento y canalización de casos de personas defensoras "
        "de derechos humanos y periodistas en riesgo, realizadas con las instancias de gobierno competentes")


def quarterly(clave, **values):
    return plan_row(clave, meta_anual=4.0, programado_t1=1.0, programado_t2=1.0, programado_t3=1.0,
                    programado_t4=1.0, **values)


def dataset(avances, plan=None, *, ilustrativos=()):
    plan = plan if plan is not None else plan_frame([
        quarterly("1.1", indicador="Sesiones de la Junta de Gobierno"),
        plan_row("1.2", tipo_calculo="hito", meta_anual=1.0, programado_t4=1.0, indicador="Informe anual"),
        quarterly("2.1", indicador="Capacitaciones impartidas"),
        plan_row("2.2", tipo_calculo="conteo", indicador="Personas atendidas", unidad_medida="Personas"),
    ])
    frame = avances_frame([row[:4] for row in avances])
    frame["justificacion"] = [row[4] if len(row) > 4 else None for row in avances]
    return Dataset(plan=plan, avances=frame, parametros={}, version="v1", programas_ilustrativos=ilustrativos,
                   origen="Datos de prueba")


# Junio: 1.1 on track (2 of 4 = 50 %, expected 50 %); 1.2 due in Diciembre; 2.1 reported only 1 of 2
# expected by Junio (25 % of 50 %: cumplimiento 50 → rojo ↓) with a justificación; 2.2 lacks Junio.
JUNIO = [("1.1", 2023, 1, 1.0), ("1.1", 2023, 2, 1.0), ("1.2", 2023, 1, 0.0), ("1.2", 2023, 2, 0.0),
         ("2.1", 2023, 1, 1.0), ("2.1", 2023, 2, 0.0, MARKUP), ("2.2", 2023, 1, 7.0)]


def all_text(deck: slides.Deck) -> str:
    parts = []
    for s in deck.slides:
        parts += [s.title, s.subtitle, *s.lines, s.notes]
        for p in (*s.programs, *([s.program] if s.program else [])):
            parts += [p.nombre, p.completitud, p.bar.estado, p.bar.avance, p.bar.esperado]
        for i in s.indicators:
            parts += [i.clave, i.nombre, i.etiqueta, i.valor, i.nota, i.estado, i.justificacion or ""]
        for e in s.exceptions:
            parts += [e.grupo, e.nombre, e.estado, e.versus, e.responsable, e.justificacion or ""]
        for t in s.trend:
            parts += [t.trimestre, t.bar.estado, t.bar.avance]
    return "\n".join(parts)


def test_sequence_portada_overview_programs_exceptions_closing():
    deck = slides.build_slides(dataset(JUNIO), 2023, 2)
    kinds = [s.kind for s in deck.slides]
    assert kinds == ["portada", "resumen", "programa", "programa", "excepciones", "cierre"]
    portada = deck.slides[0]
    assert portada.title == "Informe de avance del Plan Anual de Trabajo 2023 · corte a Junio"
    assert "Cifras preliminares" in portada.lines and slides.INSTITUCION in portada.lines
    assert deck.corte == "corte a Junio 2023 (acumulado enero–junio)"
    assert [p.numero for p in deck.slides[1].programs] == ["1", "2"]
    assert deck.slides[-1].lines[-2] == "Siguiente corte: Septiembre 2023."


def test_stamp_and_illustrative_notice():
    deck = slides.build_slides(dataset(JUNIO, ilustrativos=("2",)), 2023, 2,
                               stamp="Cifras aprobadas por Ana López el 15/07/2023")
    assert deck.stamp == "Cifras aprobadas por Ana López el 15/07/2023" and deck.ilustrativo
    assert "Cifras aprobadas por Ana López el 15/07/2023" in deck.slides[0].lines
    assert ("Datos ilustrativos en el programa 2: sus avances incluyen cifras de ejemplo, que no son cifras "
            "oficiales del MPI CDMX.") in deck.slides[0].lines
    assert deck.aviso_ilustrativo == "Datos ilustrativos en el programa 2"
    html = slides_html.render_deck(deck)
    assert html.count('<span class="s-warn">Datos ilustrativos en el programa 2</span>') == len(deck.slides)
    both = slides.build_slides(dataset(JUNIO, ilustrativos=("2", "1")), 2023, 2)
    assert both.aviso_ilustrativo == "Datos ilustrativos en los programas 1 y 2"
    assert both.slides[0].lines[-1].startswith("Datos ilustrativos en los programas 1 y 2: ")
    official = slides.build_slides(dataset(JUNIO), 2023, 2)
    assert not official.ilustrativo and official.aviso_ilustrativo == ""
    assert not any("ilustrativos" in line for line in official.slides[0].lines)
    assert "s-warn" not in slides_html.render_deck(official).split("</style>", 1)[1]


def test_program_figures_and_statuses_in_words():
    deck = slides.build_slides(dataset(JUNIO), 2023, 2)
    one, two = deck.slides[2].program, deck.slides[3].program
    # 1.1: 50 % of 50 % expected; the hito 1.2 is not due: it expects nothing more than its own 0.
    assert one.bar.avance_pct == pytest.approx(25.0) and one.bar.esperado_pct == pytest.approx(25.0)
    assert one.bar.estado == "Verde" and one.bar.avance == "25.0\u00a0%"
    hito = {i.clave: i for i in deck.slides[2].indicators}["1.2"]
    assert hito.estado == "Pendiente (vence en Diciembre)" and hito.semaforo == "pendiente"
    assert "No alcanzado" not in hito.valor and "Rojo" not in hito.estado          # not due: never a failure
    # 2.1: 1 of 2 programmed (25 % of the goal against 50 % expected: 50 % → rojo ↓); 2.2 (a count:
    # informative) lacks Junio — named apart, the program's figure is complete.
    assert two.bar.estado == "Rojo ↓ rezago"
    assert two.completitud == ("Completo: 1 de 1 indicador con meta o hito con dato. "
                               "Sin reporte (informativo): 2.2") and two.completo
    by_clave = {i.clave: i for i in deck.slides[3].indicators}
    # a count whose Junio report is missing: no value at all (never its Marzo 7, never 0)
    assert by_clave["2.2"].estado == "Sin dato: falta el reporte de Junio" and by_clave["2.2"].valor == "—"
    assert by_clave["2.1"].excepcion and by_clave["2.1"].justificacion == MARKUP
    assert by_clave["2.1"].nota == "Realizado 1 de 2 programado a la fecha (50.0\u00a0% de lo programado)"
    assert [t.trimestre for t in deck.slides[3].trend] == ["Marzo", "Junio"]


def test_justificaciones_are_plain_text_in_slides_notes_and_html():
    deck = slides.build_slides(dataset(JUNIO), 2023, 2)
    assert MARKUP in deck.slides[3].notes                           # the program's speaker notes
    exc = deck.slides[4]
    assert {e.clave for e in exc.exceptions} == {"2.1", "2.2"} and MARKUP in exc.notes
    html = slides_html.render_deck(deck)
    assert "<b>**Urgente**</b>" not in html
    assert "&lt;b&gt;**Urgente**&lt;/b&gt; [ver](http://x) :smile:" in html


def test_a_cut_without_data_shows_no_zero():
    deck = slides.build_slides(dataset([]), 2023, 3)
    text = all_text(deck)
    for s in deck.slides:
        for p in (*s.programs, *([s.program] if s.program else [])):
            assert p.bar.avance_pct is None and p.bar.avance.startswith("Sin cifra")
        for t in s.trend:
            assert t.bar.avance_pct is None
    assert "0.0\u00a0%" not in text and "0 %" not in text
    assert "Sin dato: falta" in text
    html = slides_html.render_deck(deck)
    assert 'class="fill"' not in html                              # no bar drawn without a figure


def test_nothing_due_yet_is_pending_not_failed():
    plan = plan_frame([plan_row("4.1", tipo_calculo="hito", meta_anual=1.0, programado_t4=1.0,
                                indicador="Capacitación solicitada")])
    deck = slides.build_slides(dataset([("4.1", 2023, 1, 0.0)], plan), 2023, 1)
    prog = deck.slides[2].program
    assert prog.bar.semaforo == "pendiente" and prog.bar.avance_pct is None
    assert prog.bar.estado == "Pendiente (vence en Diciembre)" and prog.bar.avance == "Sin cifra: nada vence todavía"
    assert deck.slides[-2].lines == ("Ningún indicador está en rojo, en amarillo ni sin dato en este corte.",)


def test_no_internal_codes_and_nothing_cut():
    deck = slides.build_slides(dataset(JUNIO), 2023, 2)
    text = all_text(deck)
    assert not CODES.findall(text), CODES.findall(text)
    assert "…" not in text


def test_long_programs_continue_on_more_slides_every_indicator_once_in_plan_order():
    claves = [f"1.{n}" for n in range(1, 16)]
    plan = plan_frame([quarterly(c, indicador=f"{LONG} ({c})") for c in claves])
    deck = slides.build_slides(dataset([(c, 2023, 1, 1.0) for c in claves], plan), 2023, 1)
    parts = [s for s in deck.slides if s.kind == "programa"]
    assert len(parts) > 1
    assert [s.part for s in parts] == [(n, len(parts)) for n in range(1, len(parts) + 1)]
    assert [i.clave for s in parts for i in s.indicators] == claves
    assert parts[0].trend and not any(s.trend for s in parts[1:])
    assert all(i.nombre == f"{LONG} ({i.clave})" for s in parts for i in s.indicators)   # whole names
    for s in parts:   # each slide within the estimated capacity of the layout
        assert sum(slides._indicator_cost(i) for i in s.indicators) <= slides.LIST_LINES


def test_more_than_six_programs_continue_the_overview():
    plan = plan_frame([quarterly(f"{n}.1") for n in range(1, 9)])
    deck = slides.build_slides(dataset([], plan), 2023, 1)
    overview = [s for s in deck.slides if s.kind == "resumen"]
    assert [len(s.programs) for s in overview] == [6, 2] and [s.part for s in overview] == [(1, 2), (2, 2)]


def test_a_year_without_plan_rows_is_a_clear_error():
    with pytest.raises(SinDatosDelCorte, match="El plan no tiene indicadores para el año 2031") as err:
        slides.build_slides(dataset(JUNIO), 2031, 1)
    assert isinstance(err.value, StoreError)
    with pytest.raises(ValueError, match="Trimestre inválido"):
        slides.build_slides(dataset(JUNIO), 2023, 5)


def test_inputs_not_mutated():
    data = dataset(JUNIO)
    plan, avances = data.plan.copy(), data.avances.copy()
    slides.build_slides(data, 2023, 2)
    assert data.plan.equals(plan) and data.avances.equals(avances)


def test_html_has_every_slide_a_counter_and_the_requested_one_current():
    deck = slides.build_slides(dataset(JUNIO), 2023, 2)
    html = slides_html.render_deck(deck, 3)
    n = len(deck.slides)
    assert html.count('<section class="mpi-slide') == n
    assert f'<span class="mpi-counter" aria-live="polite">3 / {n}</span>' in html
    assert re.findall(r'class="mpi-slide [^"]*is-current[^"]*" data-n="(\d+)"', html) == ["3"]
    assert re.findall(r'is-current[^"]*" data-n="(\d+)"', slides_html.render_deck(deck, 99)) == [str(n)]
    assert "mpi-embedded" in slides_html.render_deck(deck, 1, embedded=True)


@pytest.mark.parametrize(("text", "chars", "lines"), [("", 10, 1), ("uno dos tres", 7, 2),
                                                       ("palabramuylarga x", 5, 2), ("a b c d", 3, 2)])
def test_lines_of(text, chars, lines):
    assert slides.lines_of(text, chars) == lines


def test_paginate_and_balance():
    assert slides.paginate([], lambda x: 1, 3) == [[]]
    assert slides.paginate([1, 1, 1, 1, 5], lambda x: x, 3) == [[1, 1, 1], [1], [5]]
    assert slides.balanced_pages([1] * 7, lambda x: x, 6) == [[1] * 4, [1] * 3]
