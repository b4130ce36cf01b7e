"""End-to-end: `streamlit run app.py` + Debian Chromium via Playwright.

Opens each page, waits until the app is idle, checks that gauges/tables are there and no error box is
shown, switches quarter, downloads the Excel file and saves screenshots in ``artifacts/`` (look at them).
Skips without Chromium, fails under CI=true (see e2e_support).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from e2e_support import (
    chromium_path,
    error_texts,
    goto_page,
    open_browser,
    screenshot,
    streamlit_server,
    wait_idle,
)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
PLOTLY = "[data-testid='stPlotlyChart']"
DATAFRAME = "[data-testid='stDataFrame']"
BARS = f".st-key-program_bars {PLOTLY}"
GAUGE = f"{BARS} .indicatorlayer .trace"


REQUESTS: list[str] = []  # every URL the browser requested during this module


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[tuple[str, Any]]:
    """One server (read-only copy of the bundled workbook) and one browser page for the module."""
    exe = chromium_path()
    workbook = tmp_path_factory.mktemp("e2e") / "plan.xlsx"
    shutil.copy(REPO / "data" / "plan_2023.xlsx", workbook)
    env = {"MPI_DASH_WORKBOOK": str(workbook), "MPI_DASH_DB": ""}
    with streamlit_server(env=env) as url, open_browser(exe) as page:
        page.on("request", lambda request: REQUESTS.append(request.url))
        yield url, page


def _click_quarter(page: Any, month: str) -> None:
    page.locator("[data-testid='stRadio'] label").filter(has_text=month).first.click()
    wait_idle(page)


def _bar_texts(page: Any) -> str:
    return page.locator(BARS).first.inner_text()


def test_resumen_program_bars_and_quarter_switch(app):
    url, page = app
    goto_page(page, url)  # Resumen is the default page ("/")
    assert error_texts(page) == []
    page.get_by_text("Datos ilustrativos").first.wait_for()
    assert page.locator(BARS).count() == 1                                   # one figure …
    assert page.locator(GAUGE).count() == 6                                  # … with a bar per program
    assert page.get_by_text("Verde", exact=False).count() > 0
    page.get_by_text("¿Dónde están los problemas?").wait_for()
    december = _bar_texts(page)
    assert "Rojo ↓ rezago" in december and "⚠ 1 de 5 con meta o hito sin dato: 3.4" in december
    screenshot(page, "e2e_resumen_diciembre")
    _click_quarter(page, "Marzo")
    assert error_texts(page) == []
    page.get_by_text("corte a Marzo 2023").first.wait_for()
    march = _bar_texts(page)
    assert march != december and "Pendiente (vence en Diciembre)" in march
    screenshot(page, "e2e_resumen_marzo")


def test_programa_page(app):
    url, page = app
    goto_page(page, url, "programa")
    assert error_texts(page) == []
    assert page.locator(PLOTLY).count() >= 3                                 # gauge, bullets, detail charts
    assert page.locator(DATAFRAME).count() >= 1
    page.get_by_text("Detalle de un indicador").wait_for()
    screenshot(page, "e2e_programa")
    _click_quarter(page, "Junio")
    assert error_texts(page) == []
    page.get_by_text("corte a Junio 2023").first.wait_for()
    screenshot(page, "e2e_programa_junio")


def test_linea_base_page(app):
    url, page = app
    goto_page(page, url, "linea_base")
    assert error_texts(page) == []
    assert page.locator(PLOTLY).count() == 1                                 # variation per indicator
    assert page.locator(DATAFRAME).count() == 1 and page.locator("[data-testid='stTable']").count() == 1
    assert page.get_by_text("Variación", exact=False).count() > 0
    screenshot(page, "e2e_linea_base")


def test_tablas_page_and_excel_download(app):
    url, page = app
    goto_page(page, url, "tablas")
    assert error_texts(page) == []
    assert page.locator(DATAFRAME).count() == 1
    buttons = page.locator("[data-testid='stDownloadButton']")
    # Excel, CSV, SIPOT and, for the Junta de Gobierno, the deck and the PDF informe
    assert buttons.count() == 5
    screenshot(page, "e2e_tablas")
    with page.expect_download() as info:
        buttons.filter(has_text="Excel con formato").locator("button").first.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert wb.sheetnames[0] == "Resumen" and wb.sheetnames[-1] == "Notas"
    assert wb["Programa 1"].freeze_panes == "A2"


TABLE_FIT = """() => {
  const frame = document.querySelector('[data-testid="stDataFrame"]');
  const scroller = frame.querySelector('.dvn-scroller');
  return {frame: frame.getBoundingClientRect().height, content: scroller.scrollHeight,
          shown: scroller.clientHeight};
}"""


def test_tablas_tables_show_every_row_without_a_scroll_inside(app):
    """Issue 21: at 1366×768 «Tablas y descargas» showed four of program 3's five rows and half of the fifth,
    with a scroll inside the table (its height was «40 + 35 px per row», the rows are taller at the app's 18-px
    font).  A table of up to 30 rows is now as tall as its rows: nothing to scroll inside it."""
    url, page = app
    before = page.viewport_size
    page.set_viewport_size({"width": 1366, "height": 768})
    try:
        goto_page(page, url, "tablas")
        choices = page.locator("[data-testid='stRadio']").filter(has_text="Todos")
        heights = {}
        for choice in ("3", "2", "6", "Todos"):
            choices.get_by_text(choice, exact=True).click()
            wait_idle(page)
            page.wait_for_timeout(300)
            found = page.evaluate(TABLE_FIT)
            assert found["content"] <= found["shown"] + 1, (choice, found)   # no scroll inside the table
            heights[choice] = found["frame"]
        assert heights["Todos"] > heights["3"] > heights["2"] > heights["6"]   # 27, 5, 3 and 1 rows
        screenshot(page, "e2e_tablas_todos_1366")
    finally:
        page.set_viewport_size(before)


def test_embed_view_is_clean(app):
    url, page = app
    page.goto(f"{url}/?embed=true")
    wait_idle(page)
    assert error_texts(page) == []
    assert page.locator("[data-testid='stSidebar']").count() == 0 or not page.locator(
        "[data-testid='stSidebar']").is_visible()
    assert page.locator(GAUGE).count() == 6
    screenshot(page, "e2e_resumen_embed")


def test_a_mistyped_address_says_so_in_spanish(app):
    """A page address that does not exist lands on the home page with a Spanish notice (scripts/serve.py), never
    Streamlit's English «Page not found» dialog; the address bar is clean afterwards."""
    url, page = app
    page.goto(f"{url}/progrma?trimestre=2")
    wait_idle(page)
    page.get_by_text("No existe la página «/progrma» en el tablero").wait_for()
    page.get_by_text("corte a Junio 2023").first.wait_for()                  # the rest of the address kept
    assert page.get_by_text("Page not found").count() == 0 and page.locator("[role='dialog']").count() == 0
    assert page.locator(GAUGE).count() == 6                                  # Resumen, whole
    page.wait_for_function("() => !location.search.includes('pagina_no_encontrada')")
    screenshot(page, "e2e_pagina_no_encontrada", full_page=False)


def test_works_offline_no_external_requests(app):
    """Fonts, scripts, charts: everything comes from the local server (no CDN, no web fonts, no MathJax)."""
    url, page = app
    goto_page(page, url, "programa")
    assert REQUESTS, "no requests were recorded"
    external = sorted({u for u in REQUESTS if not u.startswith((url, "data:", "blob:", "about:"))})
    assert external == []



def test_favicon_is_the_inline_guinda_square(app):
    """The tab icon is the institutional guinda square drawn inline (a data: URL: nothing to fetch offline)."""
    url, page = app
    goto_page(page, url, "")
    href = page.evaluate("() => (document.querySelector(\"link[rel~='icon']\") || {}).href || ''")
    assert href.startswith("data:image/svg+xml;base64,"), href
    import base64

    assert "#9F2241" in base64.b64decode(href.split(",", 1)[1]).decode("utf-8")
