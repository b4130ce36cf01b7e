"""The presentation as a PowerPoint deck (16:9): :func:`build_deck`.

The same slides as the page «Presentación» (:func:`mpi_dash.slides.build_slides`: one sequence, two
renderers), written with python-pptx (why: ``docs/dev/presentacion.md``):

* charts are native, editable PowerPoint charts (python-pptx chart objects with their data embedded), never
  pictures: per program slide the avance against the esperado and the trend over the year's cut-offs;
  the overview compares the programs.  A missing figure is an empty point, never a 0;
* institutional colours (guinda #9F2241, the dashboard's gold for «esperado», the semáforo colours with
  their words);
* the justificaciones of each slide in its speaker notes;
* texts from the workbook as plain text (python-pptx writes runs of text: nothing is interpreted).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches, Pt

from mpi_dash import slides as S
from mpi_dash.formatting import NBSP
from mpi_dash.slides import Bar, Deck, Slide

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)   # PowerPoint 16:9
MARGIN = Inches(0.5)
PERCENT_FORMAT = f'0.0"{NBSP}%"'
BODY_PT, SMALL_PT, HEAD_PT, TITLE_PT, FIGURE_PT = 15, 13, 20, 26, 54


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


GUINDA, GUINDA_OSCURO, DORADO = _rgb(S.GUINDA), _rgb(S.GUINDA_OSCURO), _rgb(S.DORADO)
BLANCO, GRIS = RGBColor(0xFF, 0xFF, 0xFF), _rgb("#333333")


def _status_rgb(code: str) -> RGBColor:
    return _rgb(S.STATUS_COLORS.get(code, "#555555"))


def build_deck(dataset, anio: int, trimestre: int, *, stamp: str = S.DEFAULT_STAMP,  # noqa: ANN001
               cuts: Sequence[pd.DataFrame] | None = None) -> bytes:
    """The deck of the cut-off ``anio``/``trimestre`` of ``dataset`` (``data_access.Dataset``) as .pptx bytes;
    ``cuts``: the cut frames to present (see :func:`mpi_dash.slides.build_slides`).

    Raises :class:`mpi_dash.errors.SinDatosDelCorte` when the plan has no rows for ``anio``."""
    return render_deck(S.build_slides(dataset, anio, trimestre, stamp=stamp, cuts=cuts))


def render_deck(deck: Deck) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.core_properties.title = deck.slides[0].title if deck.slides else "Presentación"
    prs.core_properties.author = "MPI CDMX · Tablero del Plan Anual de Trabajo"
    prs.core_properties.subject = f"Cifras al {deck.corte} · {deck.stamp}"
    blank = prs.slide_layouts[6]
    for n, slide in enumerate(deck.slides, 1):
        page = prs.slides.add_slide(blank)
        DRAW[slide.kind](page, slide, deck)
        if slide.kind != S.PORTADA:
            _footer(page, deck, n)
        if slide.notes:
            page.notes_slide.notes_text_frame.text = slide.notes
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- text helpers
def _box(page, left, top, width, height, *, anchor=MSO_ANCHOR.TOP):  # noqa: ANN001, ANN202
    frame = page.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    return frame


def _para(frame, text: str, *, size: int = BODY_PT, bold: bool = False,  # noqa: ANN001
          color: RGBColor | None = None, first: bool = False, space: int = 4):  # noqa: ANN202
    p = frame.paragraphs[0] if first else frame.add_paragraph()
    p.space_after = Pt(space)
    _run(p, text, size=size, bold=bold, color=color)
    return p


def _run(p, text: str, *, size: int = BODY_PT, bold: bool = False,  # noqa: ANN001
         color: RGBColor | None = None) -> None:
    """A run of plain text.  Only what differs from the theme is written (its font is Calibri, its text
    colour near-black): every property python-pptx sets costs XML work, and a deck has hundreds of runs."""
    run = p.add_run()
    run.text = text
    font = run.font
    font.size = Pt(size)
    if bold:
        font.bold = True
    if color is not None:
        font.color.rgb = color


def _title(page, slide: Slide) -> None:  # noqa: ANN001
    kicker = {S.RESUMEN: "Resumen", S.PROGRAMA: "Programa", S.EXCEPCIONES: "Excepciones",
              S.CIERRE: "Cierre"}.get(slide.kind, "")
    if slide.part[1] > 1:
        kicker += f" · {slide.part[0]} de {slide.part[1]}"
    frame = _box(page, MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(1.1))
    _para(frame, kicker, size=SMALL_PT, bold=True, color=GUINDA_OSCURO, first=True, space=0)
    _para(frame, slide.title, size=TITLE_PT if len(slide.title) < 90 else HEAD_PT, bold=True, space=0)
    line = page.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, Inches(1.42), WIDTH - 2 * MARGIN, Emu(45720))
    line.fill.solid()
    line.fill.fore_color.rgb = GUINDA
    line.line.fill.background()


def _footer(page, deck: Deck, n: int) -> None:  # noqa: ANN001
    frame = _box(page, MARGIN, HEIGHT - Inches(0.45), WIDTH - 2 * MARGIN, Inches(0.35))
    p = _para(frame, f"Cifras al {deck.corte} · {deck.stamp}", size=SMALL_PT - 2, color=GRIS, first=True)
    if deck.ilustrativo:
        _run(p, f" · {deck.aviso_ilustrativo}: no son cifras oficiales", size=SMALL_PT - 2, bold=True, color=GRIS)
    _run(p, f"   ·   {n} / {len(deck.slides)}", size=SMALL_PT - 2, bold=True, color=GRIS)


def _state(p, code: str, words: str, size: int = BODY_PT) -> None:  # noqa: ANN001
    _run(p, "● ", size=size, color=_status_rgb(code))
    _run(p, words, size=size, bold=True, color=_status_rgb(code))


# --------------------------------------------------------------------------- charts (native, editable)
def _style_chart(chart, *, legend: bool = True) -> None:  # noqa: ANN001
    chart.font.size = Pt(SMALL_PT)
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = 0, 100
    axis.has_major_gridlines = True
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = f'0"{NBSP}%"', False
    for series, colour in zip(chart.plots[0].series, (GUINDA, DORADO), strict=False):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = colour
    plot = chart.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = PERCENT_FORMAT, False
    labels.font.size = Pt(SMALL_PT)
    labels.position = XL_LABEL_POSITION.OUTSIDE_END


def _bars_chart(page, categories: list[str], bars: list[Bar], left, top, width, height, *,  # noqa: ANN001
                kind=XL_CHART_TYPE.BAR_CLUSTERED, title: str = "") -> None:
    data = CategoryChartData(number_format=PERCENT_FORMAT)
    data.categories = categories
    data.add_series("Avance", [b.avance_pct for b in bars])        # None: no figure (an empty point)
    data.add_series("Esperado al corte", [b.esperado_pct for b in bars])
    chart = page.shapes.add_chart(kind, left, top, width, height, data).chart
    _style_chart(chart)
    chart.has_title = bool(title)
    if title:
        chart.chart_title.text_frame.text = title
        chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(SMALL_PT + 1)
    if kind == XL_CHART_TYPE.BAR_CLUSTERED:
        chart.category_axis.reverse_order = True       # first program on top


# --------------------------------------------------------------------------- slides
def _portada(page, slide: Slide, deck: Deck) -> None:  # noqa: ANN001
    page.background.fill.solid()
    page.background.fill.fore_color.rgb = GUINDA
    inst, corte, stamp, *rest = slide.lines
    frame = _box(page, Inches(0.8), Inches(1.0), WIDTH - Inches(1.6), HEIGHT - Inches(2.0),
                 anchor=MSO_ANCHOR.MIDDLE)
    _para(frame, inst, size=HEAD_PT - 2, color=BLANCO, first=True, space=18)
    _para(frame, slide.title, size=40, bold=True, color=BLANCO, space=18)
    _para(frame, f"{slide.subtitle} · {corte}", size=HEAD_PT + 2, color=BLANCO, space=18)
    _para(frame, stamp, size=HEAD_PT + 2, bold=True, color=BLANCO, space=12)
    for line in rest:
        _para(frame, line, size=HEAD_PT, bold=True, color=_rgb("#FFE08A"))


def _resumen(page, slide: Slide, deck: Deck) -> None:  # noqa: ANN001
    _title(page, slide)
    top = Inches(1.65)
    rows = list(slide.programs)
    if not rows:
        _para(_box(page, MARGIN, top, WIDTH - 2 * MARGIN, Inches(1)), slide.lines[0] if slide.lines else "",
              size=HEAD_PT, first=True)
        return
    table_w = Inches(7.7)
    shape = page.shapes.add_table(len(rows) + 1, 3, MARGIN, top, table_w, Inches(0.5) * (len(rows) + 1))
    table = shape.table
    table.columns[0].width, table.columns[1].width, table.columns[2].width = Inches(3.6), Inches(2.1), Inches(2.0)
    for j, header in enumerate(("Programa", "Estado y avance", "Completitud")):
        cell = table.cell(0, j)
        cell.text = header
        cell.fill.solid()
        cell.fill.fore_color.rgb = GUINDA
        run = cell.text_frame.paragraphs[0].runs[0]
        run.font.size, run.font.bold, run.font.color.rgb = Pt(SMALL_PT), True, BLANCO
    for i, prog in enumerate(rows, 1):
        cells = [table.cell(i, j) for j in range(3)]
        for cell in cells:
            cell.fill.solid()
            cell.fill.fore_color.rgb = BLANCO if i % 2 else _rgb("#F6F6F6")
        _para(cells[0].text_frame, f"{prog.numero}. {prog.nombre}", size=SMALL_PT, bold=True, first=True, space=0)
        p = cells[1].text_frame.paragraphs[0]
        _state(p, prog.bar.semaforo, prog.bar.estado, size=SMALL_PT)
        figure = (f"Avance {prog.bar.avance} · esperado {prog.bar.esperado}" if prog.bar.avance_pct is not None
                  else prog.bar.avance)
        _para(cells[1].text_frame, figure, size=SMALL_PT, space=0)
        _para(cells[2].text_frame, prog.completitud_corta, size=SMALL_PT, first=True, space=0)
    _bars_chart(page, [f"Programa {p.numero}" for p in rows], [p.bar for p in rows], MARGIN + table_w + Inches(0.2),
                top, WIDTH - 2 * MARGIN - table_w - Inches(0.2), Inches(5.1), title="Avance contra lo esperado")


def _programa(page, slide: Slide, deck: Deck) -> None:  # noqa: ANN001
    _title(page, slide)
    prog = slide.program
    assert prog is not None
    top, left_w = Inches(1.65), Inches(4.6)
    frame = _box(page, MARGIN, top, left_w, Inches(1.9))
    p = frame.paragraphs[0]
    _state(p, prog.bar.semaforo, prog.bar.estado, size=HEAD_PT)
    if prog.bar.avance_pct is not None:
        _para(frame, prog.bar.avance, size=FIGURE_PT, bold=True, color=GUINDA, space=0)
        _para(frame, f"esperado al corte {prog.bar.esperado}", size=BODY_PT, color=DORADO)
    else:
        _para(frame, prog.bar.avance, size=HEAD_PT, bold=True)
    _para(frame, prog.completitud, size=SMALL_PT)
    chart_top = top + Inches(2.0)
    if prog.bar.avance_pct is not None and slide.part[0] == 1:   # charts on the program's first slide
        _bars_chart(page, ["Al corte"], [prog.bar], MARGIN, chart_top, left_w, Inches(1.35))
        chart_top += Inches(1.4)
    if slide.trend:
        _bars_chart(page, [t.trimestre for t in slide.trend], [t.bar for t in slide.trend], MARGIN, chart_top,
                    left_w, HEIGHT - chart_top - Inches(0.55), kind=XL_CHART_TYPE.COLUMN_CLUSTERED,
                    title="Tendencia en el año")
    right = _box(page, MARGIN + left_w + Inches(0.35), top, WIDTH - 2 * MARGIN - left_w - Inches(0.35),
                 HEIGHT - top - Inches(0.6))
    heading = "Indicadores" + (f" ({slide.part[0]} de {slide.part[1]})" if slide.part[1] > 1 else "")
    _para(right, heading, size=HEAD_PT - 2, bold=True, color=GUINDA_OSCURO, first=True)
    for ind in slide.indicators:
        _para(right, f"{ind.clave} · {ind.nombre}", size=SMALL_PT, space=0)
        p = right.add_paragraph()
        p.space_after = Pt(2 if ind.excepcion else 8)
        if ind.valor not in (ind.estado, "—"):
            _run(p, f"{ind.valor} · ", size=SMALL_PT, bold=True)
        _state(p, ind.semaforo, ind.estado, size=SMALL_PT)
        if ind.excepcion:
            _para(right, ind.nota, size=SMALL_PT - 1, space=0)
            why = f"Justificación: {ind.justificacion}" if ind.justificacion else "Sin justificación registrada."
            _para(right, why, size=SMALL_PT - 1, space=8)


def _excepciones(page, slide: Slide, deck: Deck) -> None:  # noqa: ANN001
    _title(page, slide)
    frame = _box(page, MARGIN, Inches(1.65), WIDTH - 2 * MARGIN, HEIGHT - Inches(2.3))
    _para(frame, slide.subtitle, size=BODY_PT, bold=True, color=GUINDA_OSCURO, first=True, space=10)
    for r in slide.exceptions:
        p = frame.add_paragraph()
        _state(p, r.semaforo, r.estado, size=BODY_PT)
        _run(p, f" · {r.clave} · {r.nombre} · {r.programa}", size=BODY_PT)
        _para(frame, r.versus, size=SMALL_PT, space=10)
    for line in slide.lines:
        _para(frame, line, size=HEAD_PT)


def _cierre(page, slide: Slide, deck: Deck) -> None:  # noqa: ANN001
    _title(page, slide)
    frame = _box(page, MARGIN, Inches(1.75), WIDTH - 2 * MARGIN, HEIGHT - Inches(2.4))
    _para(frame, slide.subtitle, size=BODY_PT, color=GRIS, first=True, space=14)
    for line in slide.lines:
        _para(frame, f"• {line}", size=HEAD_PT, space=14)


DRAW = {S.PORTADA: _portada, S.RESUMEN: _resumen, S.PROGRAMA: _programa, S.EXCEPCIONES: _excepciones,
        S.CIERRE: _cierre}
