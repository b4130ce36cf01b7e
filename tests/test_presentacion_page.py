"""The page «Presentación» in AppTest (bundled workbook, read-only mode): it renders every cut-off without
error, opens the slide of ``?diapositiva=N``, offers the PPTX (and the PDF, or says it is not installed) on the
page and on «Tablas y descargas», and builds the slides of a cut-off once for every visitor."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mpi_dash import config, slides

REPO = Path(__file__).resolve().parent.parent
PAGE = "pages/presentacion.py"


@pytest.fixture()
def workbook(tmp_path, monkeypatch):
    path = tmp_path / "plan.xlsx"   # a private copy: its own data version, so its own cache entries
    shutil.copy(REPO / "data" / "plan_2023.xlsx", path)
    monkeypatch.setenv(config.WORKBOOK_ENV, str(path))
    monkeypatch.delenv("MPI_DASH_DB", raising=False)
    return path


def open_presentacion(**params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def deck_html(at: AppTest) -> str:
    (html,) = [e for e in at.get("html") if "mpi-deck" in e.proto.body]
    assert html.proto.unsafe_allow_javascript
    return html.proto.body


def current(body: str) -> str:
    (n,) = re.findall(r'class="mpi-slide [^"]*is-current[^"]*" data-n="(\d+)"', body)
    return n


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_every_cut_renders(workbook, k):
    at = open_presentacion(trimestre=str(k))
    body = deck_html(at)
    month = {1: "Marzo", 2: "Junio", 3: "Septiembre", 4: "Diciembre"}[k]
    assert f"Informe de avance del Plan Anual de Trabajo 2023 · corte a {month}" in body
    assert ("Datos ilustrativos en los programas 1, 2, 3, 4, 5 y 6: sus avances incluyen cifras de ejemplo, que "
            "no son cifras oficiales del MPI CDMX.") in body   # the bundled data are
    assert current(body) == "1"


def test_deep_link(workbook):
    body = deck_html(open_presentacion(trimestre="2", diapositiva="4"))
    assert current(body) == "4"
    body = deck_html(open_presentacion(trimestre="2", diapositiva="500"))
    assert current(body) == str(body.count('<section class="mpi-slide'))   # clamped to the last
    assert current(deck_html(open_presentacion(diapositiva="-2"))) == "1"


def test_downloads_on_the_page_and_on_tablas(workbook):
    for page in (PAGE, "pages/tablas.py"):
        at = open_presentacion()
        at.switch_page(page).run()
        labels = [b.proto.label for b in at.get("download_button")]
        assert "Presentación editable (PowerPoint)" in labels and "Informe trimestral (PDF)" in labels


def test_slides_of_a_cut_are_built_once_for_every_visitor(workbook, monkeypatch):
    calls = []
    original = slides.build_slides

    def counting(*args, **kwargs):
        calls.append(args[1:3])
        return original(*args, **kwargs)

    monkeypatch.setattr(slides, "build_slides", counting)
    for _ in range(3):                                      # three visitors, same cut-off
        open_presentacion(trimestre="3")
    assert calls == [(2023, 3)]
