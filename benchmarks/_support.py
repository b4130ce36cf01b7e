"""What the browser benchmarks share: THE hello-world page, Chromium, and "cold / new session" first paints.

``bench_dashboard.py`` (Resumen), ``bench_slides.py`` (a slide) and ``bench_load.py`` (30 sessions at once)
compare the dashboard against the same one-gauge hello-world page, started the same way.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from e2e_support import CHROMIUM_ARGS, streamlit_server, wait_idle  # noqa: E402

# THE hello-world page of the benchmarks: one Plotly gauge.
HELLO = '''import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Hola", layout="wide")
st.title("Hola")
st.plotly_chart(go.Figure(go.Indicator(mode="gauge+number", value=50, gauge={"axis": {"range": [0, 100]}})))
'''
HELLO_READY = "() => document.querySelectorAll('.indicatorlayer .trace').length >= 1"
CHROMIUM = Path("/usr/bin/chromium")


def launch_chromium(pw: Any) -> Any:
    """Debian's Chromium, headless (``make browser`` installs it); None, with a Spanish message, if missing."""
    if not CHROMIUM.exists():
        print(f"No existe {CHROMIUM}: instálelo con `make browser`.", file=sys.stderr)
        return None
    return pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS))


def first_paint(browser: Any, url: str, ready: str, *, viewport: tuple[int, int] = (1600, 1000)) -> float:
    """Seconds from navigation start (a new browser session) to ``ready`` (a JS predicate) true and the app
    idle."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="es-MX")
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_function(ready, polling="raf", timeout=60_000)
        wait_idle(page, settle_s=0.0)
        return time.perf_counter() - start
    finally:
        context.close()


def cold_and_warm(browser: Any, apps: dict[str, tuple[str, dict[str, str], str, str]], *, starts: int,
                  sessions: int, viewport: tuple[int, int] = (1600, 1000)) -> dict[str, dict[str, Any]]:
    """For each app (name → script, env, url path, ready predicate): ``starts`` fresh servers (cold = the
    first session of each; median) and ``sessions`` further new sessions on the last one (warm).  Apps
    alternate start by start and session by session, so background load hits them alike."""
    cold: dict[str, list[float]] = {name: [] for name in apps}
    warm: dict[str, list[float]] = {name: [] for name in apps}
    for i in range(starts):
        with contextlib.ExitStack() as stack:
            urls = {name: stack.enter_context(streamlit_server(app, env=env))
                    for name, (app, env, _, _) in apps.items()}
            for name, (_, _, path, ready) in apps.items():
                cold[name].append(first_paint(browser, urls[name] + path, ready, viewport=viewport))
            if i == starts - 1:
                for _ in range(sessions):
                    for name, (_, _, path, ready) in apps.items():
                        warm[name].append(first_paint(browser, urls[name] + path, ready, viewport=viewport))
    return {name: {"cold_s": statistics.median(cold[name]), "cold_runs_s": cold[name], "warm_s": warm[name],
                   "warm_median_s": statistics.median(warm[name])} for name in apps}
