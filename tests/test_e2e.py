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
METRIC_VALUE = "[data-testid='stMetricValue']"
GAUGE = f"{PLOTLY} .indicatorlayer .trace"


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


def _metric_values(page: Any) -> list[str]:
    return page.locator(METRIC_VALUE).all_inner_texts()


def test_resumen_gauges_and_quarter_switch(app):
    url, page = app
    goto_page(page, url)  # Resumen is the default page ("/")
    assert error_texts(page) == []
    page.get_by_text("Datos ilustrativos").first.wait_for()
    assert page.locator(PLOTLY).count() == 1                                 # one figure …
    assert page.locator(GAUGE).count() == 6                                  # … with six gauges drawn
    assert page.get_by_text("Verde", exact=False).count() > 0
    december = _metric_values(page)
    assert len(december) == 4
    screenshot(page, "e2e_resumen_diciembre")
    _click_quarter(page, "Marzo")
    assert error_texts(page) == []
    page.get_by_text("corte a Marzo 2023").first.wait_for()
    assert _metric_values(page) != december
    screenshot(page, "e2e_resumen_marzo")


def _overlaps(boxes: list[dict[str, float]]) -> list[tuple[int, int]]:
    """Pairs of bounding boxes (Playwright ``{x, y, width, height}``) that intersect."""
    hits = []
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            if (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
                    and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]):
                hits.append((i, j))
    return hits


@pytest.mark.parametrize("width", [1280, 1600])
def test_resumen_gauges_readable_on_laptop_and_projector(app, width):
    """Laptop (1280 px, sidebar open) and projector (1600 px): gauge titles and tick labels never collide."""
    url, page = app
    original = page.viewport_size
    page.set_viewport_size({"width": width, "height": 1000})
    try:
        goto_page(page, url)
        assert page.locator("[data-testid='stSidebar']").is_visible()
        assert page.locator(GAUGE).count() == 6
        titles = page.locator(f"{GAUGE} .title")
        assert titles.count() == 6
        assert _overlaps([titles.nth(i).bounding_box() for i in range(titles.count())]) == []
        ticks = page.locator(f"{GAUGE} .xangularaxistick text")
        tick_texts = ticks.all_text_contents()
        assert tick_texts and all(t.endswith("%") for t in tick_texts)   # "25 %", not a bare "25"
        assert _overlaps([ticks.nth(i).bounding_box() for i in range(ticks.count())]) == []
        screenshot(page, f"e2e_resumen_{width}px")
    finally:
        page.set_viewport_size(original)


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
    assert page.locator(PLOTLY).count() == 2
    assert page.locator(DATAFRAME).count() == 2
    assert page.get_by_text("variación", exact=False).count() > 0
    screenshot(page, "e2e_linea_base")


def test_tablas_page_and_excel_download(app):
    url, page = app
    goto_page(page, url, "tablas")
    assert error_texts(page) == []
    assert page.locator(DATAFRAME).count() == 1
    buttons = page.locator("[data-testid='stDownloadButton']")
    assert buttons.count() == 3
    screenshot(page, "e2e_tablas")
    with page.expect_download() as info:
        buttons.filter(has_text="Excel con formato").locator("button").first.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert wb.sheetnames[0] == "Resumen" and wb.sheetnames[-1] == "Notas"
    assert wb["Programa 1"].freeze_panes == "A2"


def test_embed_view_is_clean(app):
    url, page = app
    page.goto(f"{url}/?embed=true")
    wait_idle(page)
    assert error_texts(page) == []
    assert page.locator("[data-testid='stSidebar']").count() == 0 or not page.locator(
        "[data-testid='stSidebar']").is_visible()
    assert page.locator(GAUGE).count() == 6
    screenshot(page, "e2e_resumen_embed")


def test_works_offline_no_external_requests(app):
    """Fonts, scripts, charts: everything comes from the local server (no CDN, no web fonts, no MathJax)."""
    url, page = app
    goto_page(page, url, "programa")
    assert REQUESTS, "no requests were recorded"
    external = sorted({u for u in REQUESTS if not u.startswith((url, "data:", "blob:", "about:"))})
    assert external == []

