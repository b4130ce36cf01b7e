"""The PowerPoint deck (mpi_dash.deck.build_deck) reopened with python-pptx: 16:9, one slide per slide of
the presentation, native charts on each program's first slide (missing figures as empty points, never 0),
institutional colours, texts, speaker notes with the justificaciones, and a year without plan rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from mpi_dash import slides
from mpi_dash.data_access import Dataset
from mpi_dash.deck import build_deck
from mpi_dash.errors import SinDatosDelCorte
from mpi_dash.workbook import read_workbook
from test_slides import CODES, JUNIO, MARKUP, dataset


def reopen(data: bytes) -> Presentation:
    return Presentation(io.BytesIO(data))


def texts(slide) -> str:  # noqa: ANN001
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def charts(slide) -> list:  # noqa: ANN001
    return [shape.chart for shape in slide.shapes if shape.has_chart]


@pytest.fixture(scope="module")
def junio():
    data = dataset(JUNIO, ilustrativos=("1", "2"))
    return slides.build_slides(data, 2023, 2), reopen(build_deck(data, 2023, 2))


def test_sixteen_by_nine_and_one_pptx_slide_per_slide(junio):
    deck, prs = junio
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    assert len(prs.slides) == len(deck.slides) == 6


def test_portada_texts_and_stamp(junio):
    _, prs = junio
    text = texts(prs.slides[0])
    assert "Informe de avance del Plan Anual de Trabajo 2023 · corte a Junio" in text
    assert "Cifras preliminares" in text and slides.INSTITUCION in text
    assert ("Datos ilustrativos en los programas 1 y 2: sus avances incluyen cifras de ejemplo, que no son "
            "cifras oficiales del MPI CDMX.") in text


def test_every_slide_has_its_counter_and_the_illustrative_notice(junio):
    _, prs = junio
    for n, slide in enumerate(prs.slides, 1):
        if n > 1:
            assert f"{n} / 6" in texts(slide)
            assert "Datos ilustrativos en los programas 1 y 2: no son cifras oficiales" in texts(slide)


def test_no_notice_once_no_sample_value_remains():
    prs = reopen(build_deck(dataset(JUNIO), 2023, 2))
    assert not any("ilustrativos" in texts(slide) for slide in prs.slides)
    one = reopen(build_deck(dataset(JUNIO, ilustrativos=("2",)), 2023, 2))
    assert all("Datos ilustrativos en el programa 2" in texts(slide) for slide in one.slides)


def test_program_slides_have_native_editable_charts(junio):
    _, prs = junio
    one, two = prs.slides[2], prs.slides[3]
    for slide in (one, two):
        kinds = sorted(c.chart_type for c in charts(slide))
        assert kinds == sorted([XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.COLUMN_CLUSTERED])
    trend = next(c for c in charts(two) if c.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED)
    assert list(trend.plots[0].categories) == ["Marzo", "Junio"]
    avance, esperado = trend.plots[0].series
    assert avance.name == "Avance" and esperado.name == "Esperado al corte"
    # Programa 2: Marzo 1 of 1 programmed (2.1: 25 % of the goal, expected 25 %); Junio 25 % of 50 % expected.
    assert avance.values == pytest.approx((25.0, 25.0)) and esperado.values == pytest.approx((25.0, 50.0))
    assert str(avance.format.fill.fore_color.rgb) == "9F2241"     # guinda
    assert str(esperado.format.fill.fore_color.rgb) == "8A6D3B"
    assert "Programa 2. Colaboración interinstitucional" in texts(two)


def test_overview_chart_and_table(junio):
    _, prs = junio
    overview = prs.slides[1]
    (chart,) = charts(overview)
    assert list(chart.plots[0].categories) == ["Programa 1", "Programa 2"]
    text = texts(overview)
    assert "Rojo ↓ rezago" in text and "incompleto" not in text  # 2.2 (a count) is informative
    assert "Completo · Sin reporte (informativo): 2.2" in text


def test_missing_figures_are_empty_points_never_zero():
    data = dataset([])
    prs = reopen(build_deck(data, 2023, 2))
    for slide in list(prs.slides)[2:4]:
        (trend,) = charts(slide)                      # no figure: no «avance vs esperado» chart, only the trend
        for series in trend.plots[0].series:
            assert series.values == (None, None)
        assert "Sin cifra: sin dato" in texts(slide)
    overview = charts(prs.slides[1])[0]
    assert all(v is None for s in overview.plots[0].series for v in s.values)


def test_justificaciones_in_the_speaker_notes_as_plain_text(junio):
    _, prs = junio
    program_two, exceptions = prs.slides[3], prs.slides[4]
    assert MARKUP in program_two.notes_slide.notes_text_frame.text
    assert MARKUP in exceptions.notes_slide.notes_text_frame.text
    assert "2.2 · Personas atendidas (Sin dato: falta el reporte de Junio). Justificación: sin justificación " \
           "registrada." in program_two.notes_slide.notes_text_frame.text
    assert MARKUP in texts(program_two)                                     # on the slide too, as typed


def test_bundled_plan_every_program_slide_and_no_internal_codes():
    book = read_workbook(Path(__file__).resolve().parent.parent / "data" / "plan_2023.xlsx")
    data = Dataset(book.plan, book.avances, dict(book.parametros), "v", ("1", "2", "3", "4", "5", "6"),
                   "Libro de prueba")
    deck = slides.build_slides(data, 2023, 4)
    prs = reopen(build_deck(data, 2023, 4))
    assert len(prs.slides) == len(deck.slides)
    for built, slide in zip(deck.slides, prs.slides, strict=True):
        text = texts(slide)
        assert not CODES.findall(text) and "…" not in text
        if built.kind == "programa":
            expected = (2 if built.part[0] == 1 else 0) if built.program.bar.avance_pct is not None else \
                (1 if built.part[0] == 1 else 0)
            assert len(charts(slide)) == expected, built.title
            assert built.title in text
            assert all(f"{i.clave} · {i.nombre}" in text for i in built.indicators)


def test_a_year_without_plan_rows_raises():
    with pytest.raises(SinDatosDelCorte):
        build_deck(dataset(JUNIO), 2030, 1)
