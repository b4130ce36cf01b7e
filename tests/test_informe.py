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
import re
from pathlib import Path

import pytest
from dash_fixtures import avances_frame, plan_frame, plan_row
from pypdf import PdfReader

from mpi_dash import data_access, informe, programs
from mpi_dash.data_access import Dataset
from mpi_dash.errors import SinDatosDelCorte, StoreError
from mpi_dash.formatting import format_percent

REPO = Path(__file__).resolve().parent.parent
MARKUP = "*urgente* #set $x$ <b>hola</b> _a_ @ref \\ `code` [link](http://x) =SUMA(A1)"
QUARTERLY = {f"programado_t{k}": 1.0 for k in range(1, 5)}


def dataset(*, ilustrativo: bool = False) -> Dataset:
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
    return Dataset(plan, avances, {}, "v1", ilustrativo, "Datos de prueba cargados por Ana")


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


def test_signature_names_when_given():
    text = pages_text(informe.build_informe(dataset(), 2023, 2, firmas={"Elaboró": "Ana López",
                                                                        "Aprobó": "Beto Ruiz"}))[-1]
    assert "Elaboró Ana López" in text and "Aprobó Beto Ruiz" in text and "Revisó" in text


def test_illustrative_notice_only_when_illustrative(pages):
    assert not any("Datos ilustrativos" in t for t in pages)
    marked = pages_text(informe.build_informe(dataset(ilustrativo=True), 2023, 2))
    assert all("Datos ilustrativos: no son cifras oficiales del MPI CDMX." in t for t in marked)


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
