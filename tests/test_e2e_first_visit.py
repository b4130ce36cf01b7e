"""End-to-end (Chromium): the first visit to a fresh server may go straight to a page.

A pages/ folder makes a freshly started Streamlit server run its first script in legacy multipage mode;
``ui_common.ensure_app_shell`` keeps that first deep link inside app.py.  Own module: each case needs its
own fresh server and browser (test_e2e.py keeps one of each per module).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from e2e_support import chromium_path, error_texts, open_browser, screenshot, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("url_path", ["resumen", "programa", "historial"])
def test_first_deep_link_on_a_fresh_server_runs_inside_the_app(tmp_path, url_path):
    # A fresh server with a pages/ folder starts in legacy multipage mode; the first visit going straight
    # to a page must still get app.py's navigation (sections, Spanish titles) and no "Page not found".
    exe = chromium_path()
    workbook = tmp_path / "plan.xlsx"
    shutil.copy(REPO / "data" / "plan_2023.xlsx", workbook)
    env = {"MPI_DASH_WORKBOOK": str(workbook), "MPI_DASH_DB": ""}
    with streamlit_server(env=env) as url, open_browser(exe) as page:
        page.goto(f"{url}/{url_path}")
        wait_idle(page)
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Tablas y descargas" in nav and "Carga de datos" in nav
        assert page.title().startswith("Tablero PAT")
        assert page.locator("[role='dialog']").count() == 0
        assert not error_texts(page)
        screenshot(page, f"e2e_primer_enlace_{url_path}", full_page=False)
