"""Layouts measured in a real browser (Debian Chromium) at a phone (390×844), a laptop (1366×768) and a
projector (1920×1080, also ``?embed=true``), every cut-off: no horizontal page overflow, the six program
results inside the first screen on a laptop and a projector, no overlapping title/value/status boxes, values
≥ 36 px and labels ≥ 16 px, program names never cut with «…», no internal code in the page text, a phone
that starts with the sidebar collapsed and reads a one-column summary.  Screenshots: ``artifacts/layout_*.png``
(kept by CI).  Skips without Chromium, fails under CI=true (see e2e_support).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e2e_support import chromium_path, error_texts, open_browser, screenshot, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
PHONE, LAPTOP, PROJECTOR = (390, 844), (1366, 768), (1920, 1080)
QUARTERS = {1: "Marzo", 2: "Junio", 3: "Septiembre", 4: "Diciembre"}
BARS = ".st-key-program_bars [data-testid='stPlotlyChart']"
CODES = re.compile(r"avance_meta|periodo_anterior|anio_anterior|sin_dato|sin_meta|direccion_desvio|tipo_calculo|"
                   r"\bN/A\b|\b\d{4}-\d{2}-\d{2}\b|\b[0-9a-f]{40,64}\b")
PROGRAM_NAMES = (
    "Atención integral a personas defensoras de derechos humanos y periodistas",
    "Colaboración interinstitucional",
    "Acciones de prevención y capacitación para el ejercicio de la libertad de expresión y el derecho a "
    "defender derechos humanos",
    "Programa de capacitación 2023",
    "Transparencia y gobierno abierto",
    "Planeación estratégica 2023",
)

# Everything measured in one evaluation: overflow, the program bars' boxes, font sizes and the page text.
MEASURE = """() => {
  const box = e => { const r = e.getBoundingClientRect();
                     return {x: r.x, y: r.y, width: r.width, height: r.height}; };
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const scrollers = ['html', '[data-testid="stApp"]', '[data-testid="stAppViewContainer"]', '[data-testid="stMain"]']
    .map(s => document.querySelector(s)).filter(Boolean);
  const overflow = scrollers.map(e => e.scrollWidth - e.clientWidth);
  const chart = document.querySelector(".st-key-program_bars [data-testid='stPlotlyChart']");
  const shown = chart && visible(chart);
  const q = sel => shown ? Array.from(chart.querySelectorAll(sel)).filter(visible) : [];
  const size = e => parseFloat(getComputedStyle(e).fontSize);
  const header = document.querySelector('.st-key-page_header');
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const cards = document.querySelector('.st-key-program_list')
    || document.querySelector('.st-key-program_bars + [data-testid="stElementContainer"] '
                              + '[data-testid="stMarkdownContainer"] > p');
  return {
    overflow: Math.max(...overflow),
    width: window.innerWidth, height: window.innerHeight,
    bars: q('.indicatorlayer .trace').map(box),
    values: q('.indicatorlayer .numbers text.number')
      .filter(e => getComputedStyle(e).fill !== 'rgba(0, 0, 0, 0)' && e.textContent.trim() !== '-').map(box),
    value_sizes: q('.indicatorlayer .numbers text.number').map(size),
    notes: q('.infolayer .annotation').map(box),
    note_sizes: q('.infolayer .annotation-text').map(size),
    tick_sizes: q('.indicatorlayer g.xbulletaxistick text').map(size),
    header_bottom: header ? header.getBoundingClientRect().bottom : null,
    sidebar_open: !!sidebar && sidebar.getBoundingClientRect().right > 10
                  && sidebar.getBoundingClientRect().width > 10,
    // Resumen: the program cards are the paragraphs before the first heading of its one lists element
    list_shown: !!cards && visible(cards),
    headings_shown: Array.from(document.querySelectorAll('[data-testid="stMain"] h3'))
      .filter(visible).map(e => e.textContent.trim()),
    text: document.body.innerText,
  };
}"""


def _overlaps(boxes: list[dict[str, float]]) -> list[tuple[int, int]]:
    hits = []
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            if (a["x"] < b["x"] + b["width"] - 1 and b["x"] < a["x"] + a["width"] - 1
                    and a["y"] < b["y"] + b["height"] - 1 and b["y"] < a["y"] + a["height"] - 1):
                hits.append((i, j))
    return hits


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    chromium_path()
    workbook = REPO / "artifacts" / "layout_plan.xlsx"
    workbook.parent.mkdir(exist_ok=True)
    shutil.copy(REPO / "data" / "plan_2023.xlsx", workbook)
    with streamlit_server(env={"MPI_DASH_WORKBOOK": str(workbook), "MPI_DASH_DB": ""}) as url:
        yield url
    workbook.unlink(missing_ok=True)


@pytest.fixture(scope="module", params=[PHONE, LAPTOP, PROJECTOR], ids=lambda s: f"{s[0]}x{s[1]}")
def browser(request, server) -> Iterator[tuple[str, Any, tuple[int, int]]]:
    width, height = request.param
    with open_browser(chromium_path(), width=width, height=height) as page:
        yield server, page, request.param


def _open(page: Any, url: str, path: str, k: int, embed: bool = False) -> dict[str, Any]:
    page.goto(f"{url}/{path}?trimestre={k}" + ("&embed=true" if embed else ""))
    wait_idle(page)
    page.wait_for_timeout(300)  # charts finish their layout
    assert error_texts(page) == []
    return page.evaluate(MEASURE)


def _common(found: dict[str, Any], size: tuple[int, int]) -> None:
    assert found["overflow"] <= 1, f"the page scrolls sideways by {found['overflow']} px"
    assert not CODES.findall(found["text"]), CODES.findall(found["text"])
    assert "…" not in found["text"]                                # no name cut with «…»
    if size == PHONE:
        assert not found["sidebar_open"]                            # the sidebar starts collapsed


@pytest.mark.parametrize("k", list(QUARTERS))
@pytest.mark.parametrize("embed", [False, True], ids=["", "embed"])
def test_resumen_layout(browser, k, embed):
    url, page, size = browser
    found = _open(page, url, "", k, embed)     # ?embed=true on a phone (a shared link) reads like a phone
    screenshot(page, f"layout_resumen{'_embed' if embed else ''}_{size[0]}_{QUARTERS[k].lower()}", full_page=False)
    _common(found, size)
    for name in PROGRAM_NAMES:                                       # whole names, wrapped at most
        assert name.split()[-1] in found["text"]
    if size == PHONE:
        # a one-column summary (program, status, value) replaces the bars
        assert found["bars"] == [] and found["list_shown"]
        assert "⏳ Pendiente" in found["text"] or "%" in found["text"]
        assert found["headings_shown"] == ["¿Dónde están los problemas?"]  # the trends' heading goes with them
        return
    assert not found["list_shown"]
    assert found["headings_shown"] == ["¿Dónde están los problemas?", "Tendencia de cada programa"]
    assert found["sidebar_open"] is (not embed)                     # laptop and projector: navigation visible
    bars, values, notes = found["bars"], found["values"], found["notes"]
    assert len(bars) == 6
    bottom = max(b["y"] + b["height"] for b in [*bars, *notes])
    assert bottom <= size[1], f"the six program results end at {bottom:.0f} px, below the {size[1]}-px screen"
    assert all(b["x"] + b["width"] <= size[0] for b in [*bars, *notes, *values])
    assert _overlaps([*notes, *values]) == []                        # titles, statuses, values apart
    if not embed and size == LAPTOP:
        assert found["header_bottom"] <= 215, f"header ends at {found['header_bottom']:.0f} px"
    if size == PROJECTOR:
        assert min(found["value_sizes"]) >= 36, found["value_sizes"]
        assert min(found["note_sizes"] + found["tick_sizes"]) >= 16, (found["note_sizes"], found["tick_sizes"])


@pytest.mark.parametrize("path", ["programa", "linea_base", "tablas"])
@pytest.mark.parametrize("k", [1, 4])
def test_other_pages_layout(browser, path, k):
    url, page, size = browser
    found = _open(page, url, path, k)
    screenshot(page, f"layout_{path}_{size[0]}_{QUARTERS[k].lower()}")
    _common(found, size)
    if path == "programa":
        assert PROGRAM_NAMES[0] in found["text"].replace("\n", " ")   # the chosen program, whole
    if path in ("linea_base", "tablas"):
        # tables keep their key columns: they scroll inside themselves, never the page (checked above)
        frames = page.locator("[data-testid='stDataFrame']")
        assert frames.count() >= 1
        for i in range(frames.count()):
            box = frames.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= size[0] + 1
