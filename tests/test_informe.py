"""The «Informe trimestral» PDF (mpi_dash.informe), read back with pypdf: what a person finds in it.

The dataset is built in memory with hand-computed figures at the Junio 2023 cut:
* 1.1 (program 1): meta 4, 1 per quarter, 1 done in Marzo and in Junio → 50.0 % of 50.0 % expected: Verde.
* 2.1 (program 2): meta 10, 2.5 per quarter, 1 + 1 done → 20.0 % of 50.0 % expected (cumplimiento 40 %): Rojo ↓.
* 3.1 (program 3): meta 4, all programmed in Diciembre, 0 reported → nothing due yet: Pendiente (vence en
  Diciembre) — never «0.0 %» of avance, never failed.
* 4.1 (program 4): 1 done in Marzo, Junio not reported → Sin dato: falta el reporte de Junio — never a 0.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from pathlib import Path

import hypothesis
import pytest
from dash_fixtures import avances_frame, plan_frame, plan_row
from hypothesis import strategies as st
from pypdf import PdfReader

from mpi_dash import data_access, informe, programs
from mpi_dash.data_access import Dataset
from mpi_dash.errors import SinDatosDelCorte, StoreError
from mpi_dash.formatting import format_percent

REPO = Path(__file__).resolve().parent.parent
MARKUP = "*urgente* #set $x$ <b>hola</b> _a_ @ref \\ `code` [link](http://x) =SUMA(A1)"
QUARTERLY = {f"programado_t{k}": 1.0 for k in range(1, 5)}


def dataset(*, ilustrativos: tuple[str, ...] = ()) -> Dataset:
    plan = plan_frame([
        plan_row("1.1", meta_anual=4.0, **QUARTERLY, indicador="Sesiones de la Junta de Gobierno"),
        plan_row("2.1", meta_anual=10.0, **{f"programado_t{k}": 2.5 for k in range(1, 5)},
                 indicador="Talleres de autoprotección"),
        plan_row("3.1", meta_anual=4.0, programado_t4=4.0, indicador="Informe anual publicado"),
        plan_row("4.1", meta_anual=4.0, **QUARTERLY, indicador="Reuniones con el Consejo"),
    ])
    avances = avances_frame([("1.1", 2023, 1, 1.0), ("1.1", 2023, 2, 1.0), ("2.1", 2023, 1, 1.0),
                             ("2.1", 2023, 2, 1.0), ("3.1", 2023, 1, 0.0), ("3.1", 2023, 2, 0.0),
                             ("4.1", 2023, 1, 1.0)])
    avances.loc[3, "justificacion"] = MARKUP
    avances.loc[3, "evidencia"] = "Listas de asistencia <firmadas> & escaneadas"
    return Dataset(plan, avances, {}, "v1", ilustrativos, "Datos de prueba cargados por Ana")


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with white space (line breaks, the non-breaking space before «%») as single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return informe.build_informe(dataset(), 2023, 2)


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    return pages_text(pdf)


def test_letter_pages_numbered_p_n_de_m(pdf, pages):
    reader = PdfReader(io.BytesIO(pdf))
    total = len(reader.pages)
    assert total == 8  # portada, resumen, 4 programs, exceptions, methodology + signatures
    for number, (page, text) in enumerate(zip(reader.pages, pages, strict=True), start=1):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)  # US letter, points
        assert f"p. {number} de {total}" in text


def test_stamp_on_the_portada_and_every_page(pages):
    assert "Cifras preliminares" in pages[0]
    assert all(text.count("Cifras preliminares") >= 1 for text in pages)
    approved = pages_text(informe.build_informe(dataset(), 2023, 2,
                                                stamp="Cifras aprobadas por la Junta de Gobierno el 15/07/2023"))
    assert all("Cifras aprobadas por la Junta de Gobierno el 15/07/2023" in text for text in approved)
    assert not any("Cifras preliminares" in text for text in approved)


def test_portada_names_the_plan_year_and_cut(pages):
    assert "Informe de avance del Plan Anual de Trabajo 2023" in pages[0]
    assert "corte a Junio 2023" in pages[0]
    assert "Datos de prueba cargados por Ana" in pages[0]


def test_summary_each_program_with_its_avance(pages):
    summary_page = pages[1]
    assert "Resumen ejecutivo" in summary_page
    assert "1. Atención integral a personas defensoras de derechos humanos y periodistas Verde 50.0 % 50.0 %" \
        in summary_page
    assert "2. Colaboración interinstitucional Rojo ↓ rezago 20.0 % 50.0 %" in summary_page
    assert "3. Programa 3 Pendiente (vence en Diciembre) — —" in summary_page
    assert "4. Programa 4 Sin dato — —" in summary_page and "1 de 1 con meta o hito sin dato: 4.1" in summary_page


def test_one_section_per_program_with_indicators_and_trend(pages):
    sections = {n: next(t for t in pages if f"Programa {n}." in t and "Indicadores al corte" in t) for n in "1234"}
    assert "Sesiones de la Junta de Gobierno 4 2 2 100.0 % Verde" in sections["1"]
    assert "Talleres de autoprotección 10 5 2 40.0 % Rojo ↓ rezago" in sections["2"]
    # nothing programmed to date: the indicator reads as on screen (engine: sin_meta), never failed
    assert "Informe anual publicado 4 0 0 — Sin meta" in sections["3"]
    assert "Reuniones con el Consejo 4 2 — — Sin dato: falta el reporte de Junio" in sections["4"]
    assert "Avance frente a lo esperado, por corte" in sections["1"]
    assert "Marzo Junio Septiembre Diciembre" in sections["1"]


def test_missing_is_never_zero_and_pending_is_never_failed(pages):
    everything = " ".join(pages)
    # The only percentages shown are the hand-computed ones (and the axis and expected points of the charts).
    avances = set(re.findall(r"(?<![\d.])(\d+\.\d) %", everything))
    assert avances <= {"50.0", "20.0", "25.0", "10.0", "40.0", "100.0", "0.0"}
    program_3 = next(t for t in pages if "Programa 3." in t and "Indicadores al corte" in t)
    assert "Sin cifra de avance: pendiente (vence en Diciembre)" in program_3
    assert "Rojo" not in program_3 and "No alcanzado" not in program_3
    program_4 = next(t for t in pages if "Programa 4." in t and "Indicadores al corte" in t)
    assert "Sin cifra de avance: sin dato" in program_4


def test_workbook_texts_print_as_typed(pages):
    everything = " ".join(pages)
    assert MARKUP in everything  # never parsed as Typst markup, Markdown or HTML
    assert "Listas de asistencia <firmadas> & escaneadas" in everything


def test_exceptions_methodology_and_signatures(pages):
    exceptions = next(t for t in pages if "Excepciones" in t)
    assert "Rojo ↓ rezago · 2.1 · Talleres de autoprotección" in exceptions
    assert "Sin dato · 4.1 · Reuniones con el Consejo" in exceptions
    assert exceptions.index("2.1 ·") < exceptions.index("4.1 ·")  # rojo ↓ before sin dato
    last = pages[-1]
    assert "Nota metodológica" in last and "verde de 90 % a 110 % de lo esperado" in last
    assert re.search(r"Elaboró\s+Revisó\s+Aprobó", last)


def test_the_methodology_note_speaks_to_its_readers(pages):
    """Issue 21: the note sent Junta readers to «docs/metodologia.md».  It says in words how avance and
    semáforo are computed and points to the dashboard's page, never to a file of the project."""
    note = pages[-1][pages[-1].index("Nota metodológica"):]
    assert not re.search(r"docs/|\.md\b|\.py\b|\.typ\b|metodologia|repositorio", note, re.IGNORECASE)
    assert "promedio del avance de sus indicadores con meta anual o hito que tienen dato al corte" in note
    assert "el cumplimiento, el avance entre lo esperado" in note and "Semáforo. Compara el cumplimiento" in note
    assert "página «Resumen»" in note and "tablero" in note


def test_signature_names_when_given():
    text = pages_text(informe.build_informe(dataset(), 2023, 2, firmas={"Elaboró": "Ana López",
                                                                        "Aprobó": "Beto Ruiz"}))[-1]
    assert "Elaboró Ana López" in text and "Aprobó Beto Ruiz" in text and "Revisó" in text


def test_illustrative_notice_only_when_illustrative(pages):
    assert not any("Datos ilustrativos" in t for t in pages)
    marked = pages_text(informe.build_informe(dataset(ilustrativos=("2", "3")), 2023, 2))
    assert all("Datos ilustrativos en los programas 2 y 3" in t for t in marked)  # every page's header
    portada = " ".join(marked[0].split())
    assert ("Datos ilustrativos en los programas 2 y 3: sus avances incluyen cifras de ejemplo, que no son "
            "cifras oficiales del MPI CDMX.") in portada
    one = pages_text(informe.build_informe(dataset(ilustrativos=("3",)), 2023, 2))
    assert all("Datos ilustrativos en el programa 3" in t for t in one)


def test_table_headers_are_separate_words(pages):
    """Issue 21: the headers of the indicator tables ran together («ProgramadoRealizado»,
    «CumplimientoSemáforo»): the columns were narrower than their header words.  Every header word is now its
    own word in the PDF's text."""
    for text in pages:
        assert not re.search(r"ProgramadoRealizado|CumplimientoSemáforo|anualProgramado|corteCumplimiento", text)
    tables = [t for t in pages if "Indicadores al corte Indicador" in t]
    assert len(tables) == 4
    for text in tables:
        words = set(text.split())
        assert {w for h in informe.TABLE_HEADERS for w in h.split()} <= words
        assert "Programado al corte Realizado al corte Cumplimiento Semáforo" in text
    summary_words = set(pages[1].split())
    assert {w for h in informe.SUMMARY_HEADERS for w in h.split()} <= summary_words


def typst_values(data: dict, label: str) -> list[dict]:
    """The metadata the template reports under ``<label>`` (``typst.query``): what Typst measured."""
    import typst

    found = typst.query(informe.TEMPLATE.read_bytes(), f"<{label}>", field="value", ignore_system_fonts=True,
                        sys_inputs={"data": json.dumps(data, ensure_ascii=False)})
    return json.loads(found)


def bundled_data(monkeypatch, trimestre: int) -> dict:
    monkeypatch.setenv("MPI_DASH_WORKBOOK", str(REPO / "data" / "plan_2023.xlsx"))
    monkeypatch.delenv("MPI_DASH_DB", raising=False)
    return informe.informe_data(data_access.load_dataset(), 2023, trimestre)


@pytest.mark.parametrize("trimestre", [2, 4])
def test_every_column_is_as_wide_as_its_widest_word(monkeypatch, trimestre):
    """Widths from the content, measured by Typst itself: no column (resumen and every program's table) is
    narrower than its widest header word or number plus its padding, and the columns fill the page width."""
    tables = typst_values(bundled_data(monkeypatch, trimestre), "anchos")
    assert len(tables) == 1 + 6                        # the resumen and one table per program
    for table in tables:
        assert all(width >= need - 0.01 for width, need in zip(table["anchos"], table["necesarios"], strict=True)), \
            table
        assert sum(table["anchos"]) == pytest.approx(table["total"], abs=0.5)
    widths = dict(zip(tables[1]["encabezados"], tables[1]["anchos"], strict=True))
    assert widths["Cumplimiento"] >= tables[1]["necesarios"][4] > 40  # «Cumplimiento» in bold 8 pt is ~45 pt


def boxes_overlap(a: dict, b: dict) -> bool:
    return informe.overlap(a, b)


def assert_clear(chart: dict) -> None:
    """No two labels overlap, no label covers a marker, the note covers neither, all inside the chart."""
    labels = chart["etiquetas"] + ([chart["nota"]] if chart["nota"] else [])
    for a, b in itertools.combinations(labels, 2):
        assert not boxes_overlap(a, b), (a, b)
    for label in labels:
        for marker in chart["marcadores"]:
            assert not boxes_overlap(label, marker), (label, marker)
        assert label["x"] >= 0 and label["y"] >= 0 and label["x"] + label["w"] <= chart["ancho"]
        assert label["y"] + label["h"] <= chart["meses_y"]      # above the month names


def test_the_trend_labels_of_program_3_no_longer_overlap(monkeypatch):
    """Issue 21: program 3 at Diciembre, Junio: «43.3 %» (avance) printed over «50.0 %» (esperado).  The
    higher value is labelled above its marker, the lower one below its own."""
    chart = next(p for p in bundled_data(monkeypatch, 4)["programas"] if p["numero"] == "3")["grafica"]
    junio = {label["serie"]: label for label in chart["etiquetas"] if label["q"] == 2}
    assert (junio["avance"]["texto"], junio["esperado"]["texto"]) == ("43.3\u00a0%", "50.0\u00a0%")
    assert not boxes_overlap(junio["avance"], junio["esperado"])
    marker = {m["serie"]: m for m in chart["marcadores"] if m["q"] == 2}
    assert junio["esperado"]["y"] + junio["esperado"]["h"] <= marker["esperado"]["y"]   # above its marker
    assert junio["avance"]["y"] >= marker["avance"]["y"] + marker["avance"]["h"]        # below its marker
    assert_clear(chart)


@pytest.mark.parametrize("trimestre", [1, 2, 3, 4])
def test_no_chart_label_overlaps_on_the_bundled_plan(monkeypatch, trimestre):
    data = bundled_data(monkeypatch, trimestre)
    for program in data["programas"]:
        assert_clear(program["grafica"])
    # and Typst's own measure of every label text fits the box it was given (so the boxes are the labels)
    for label in typst_values(data, "etiqueta"):
        assert label["ancho"] <= label["w"] + 1e-6 and label["alto"] <= label["h"] + 1e-6, label


_values = st.one_of(st.none(), st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 1)))


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.lists(st.tuples(_values, _values), min_size=4, max_size=4),
                  st.sampled_from([None, "Pendiente (vence en Diciembre)", "Sin dato", "Sin meta"]),
                  st.integers(1, 4))
def test_chart_labels_never_overlap_whatever_the_values(pairs, nota, nota_q):
    """Any avance and esperado values at the four cuts (close, equal, crossing, at 0 or 100 %, missing), with
    or without the note: the label boxes clear each other, the markers and the month names."""
    avance = {q: a for q, (a, _) in enumerate(pairs, start=1) if a is not None}
    esperado = {q: e for q, (_, e) in enumerate(pairs, start=1) if e is not None}
    if nota:
        avance.pop(nota_q, None)      # the note stands where the cut has no number
    layout = informe.chart_layout(avance, esperado, nota, nota_q)
    assert len(layout["etiquetas"]) == len(avance) + len(esperado)
    assert_clear({**layout, "ancho": informe.CHART_WIDTH,
                  "meses_y": informe.CHART_HEIGHT - informe.PLOT_BOTTOM + informe.MONTH_GAP})


def test_charts_are_vectors_not_pictures(pdf):
    assert all(len(page.images) == 0 for page in PdfReader(io.BytesIO(pdf)).pages)


def test_year_without_plan_is_sin_datos_del_corte():
    with pytest.raises(SinDatosDelCorte, match="no tiene indicadores del año 2030") as caught:
        informe.build_informe(dataset(), 2030, 2)
    assert isinstance(caught.value, StoreError)
    with pytest.raises(ValueError, match="Trimestre inválido"):
        informe.build_informe(dataset(), 2023, 5)


def test_bundled_plan_every_program_and_avance_as_on_screen(monkeypatch):
    """The bundled 2023 workbook at every cut: each program's name and its avance as the dashboard shows it
    (``programs.program_figures`` of the same cut, ``format_percent``), or no number when it has none."""
    monkeypatch.setenv("MPI_DASH_WORKBOOK", str(REPO / "data" / "plan_2023.xlsx"))
    monkeypatch.delenv("MPI_DASH_DB", raising=False)
    data = data_access.load_dataset()
    for trimestre in (1, 4):
        figures = programs.program_figures(informe.cut_frames(data, 2023, trimestre)[-1], data.parametros)
        text = pages_text(informe.build_informe(data, 2023, trimestre))
        summary_page = text[1]
        for row in figures.itertuples():
            assert f"{row.programa}. " in summary_page
            section = next(t for t in text if f"Programa {row.programa}. {row.nombre}" in t)
            if row.avance_pct == row.avance_pct:  # a number on screen
                assert f"{' '.join(format_percent(row.avance_pct).split())} frente a" in section
            else:
                assert "Sin cifra de avance" in section
        assert ("Datos ilustrativos" in summary_page) == data.ilustrativo
