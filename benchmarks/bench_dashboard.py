"""Dashboard benchmark (not a test): real `streamlit run` servers driven by Debian Chromium.

Measures, in one run:
  (a) first render of **Resumen** (new browser session → app idle with the 6 gauges drawn) against a
      hello-world Streamlit page that shows one Plotly gauge; both on fresh servers ("cold": first
      session after a start, includes imports and the first data read; median of --starts starts) and
      as the median of further new sessions ("warm": what every other director opening the link sees).
      Target: ratio ≤ 1.3.
  (b) quarter switch on Resumen: click a quarter → new values visible (caption changed, app idle AND the
      gauges redrawn: the text drawn in the gauge figure differs from before the click). Median of
      several switches. Target ≤ 0.5 s.
The verdict requires BOTH ratios (cold and new sessions) and the switch time to meet their targets.
Cold and warm runs of the two apps are interleaved (hello, Resumen, hello, …) so that load from other
processes on the machine affects both alike.

Usage:  python benchmarks/bench_dashboard.py [--sessions 7] [--switches 8] [--aprobadas]
(--aprobadas: programs 1, 3 and 5 approved in every quarter, so every cut mixes approved and preliminary
programs — the approved figures are assembled from their pinned revision.)
Data: the bundled workbook seeded (before timing) into a temporary SQLite store — what production reads.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from _support import HELLO, HELLO_READY, cold_and_warm, launch_chromium  # noqa: E402
from e2e_support import streamlit_server, wait_idle  # noqa: E402 - _support puts tests/ on the path

TARGET_RATIO = 1.3
TARGET_SWITCH_S = 0.5
MONTHS = ["Marzo", "Junio", "Septiembre", "Diciembre"]
RESUMEN_READY = "() => document.querySelectorAll('.indicatorlayer .trace').length >= 6"  # the 6 program bars


GAUGE_TEXT = ("() => Array.from(document.querySelectorAll('.indicatorlayer'))"
              ".map(e => e.textContent).join('|')")


def quarter_switches(browser, url: str, switches: int) -> list[float]:
    """Seconds from clicking a quarter to seeing its values (caption changed, app idle, gauges redrawn)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="es-MX")
    page = context.new_page()
    times = []
    try:
        page.goto(url)
        wait_idle(page)
        for i in range(switches):
            month = MONTHS[i % len(MONTHS)]
            if page.get_by_text(f"corte a {month} ").count():
                month = MONTHS[(i + 1) % len(MONTHS)]
            label = page.locator("[data-testid='stRadio'] label").filter(has_text=month).first
            before = page.evaluate(GAUGE_TEXT)
            start = time.perf_counter()
            label.click()
            page.wait_for_function(
                """([month, before]) => {
                    const app = document.querySelector("[data-testid='stApp']");
                    const gauges = Array.from(document.querySelectorAll('.indicatorlayer'))
                        .map(e => e.textContent).join('|');
                    return document.body.innerText.includes(`corte a ${month} `) && app
                        && app.getAttribute('data-test-script-state') === 'notRunning'
                        && gauges !== '' && gauges !== before;
                }""", arg=[month, before], polling="raf", timeout=30_000)
            times.append(time.perf_counter() - start)
            wait_idle(page)
    finally:
        context.close()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=7, help="new sessions per app after the cold one")
    parser.add_argument("--switches", type=int, default=8, help="quarter switches to time")
    parser.add_argument("--starts", type=int, default=3, help="fresh server starts per app (cold)")
    parser.add_argument("--aprobadas", action="store_true",
                        help="antes de medir, aprueba los programas 1, 3 y 5 de cada trimestre de 2023 (las "
                             "páginas muestran cifras aprobadas armadas desde su revisión fijada)")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    out_dir = REPO / "benchmarks" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        tmp_path = Path(tmp)
        hello = tmp_path / "hello_gauge.py"
        hello.write_text(HELLO, encoding="utf-8")
        # Public reading: the dashboard renders without the sign-in form (the session check still runs).
        env = {"MPI_DASH_DB": str(tmp_path / "bench.sqlite"),
               "MPI_DASH_WORKBOOK": str(REPO / "data" / "plan_2023.xlsx"), "MPI_DASH_LECTURA_PUBLICA": "1"}
        # Production reads an existing store; create it once here so "cold" measures a server (re)start,
        # not the one-time seeding of a brand-new database.
        subprocess.run([sys.executable, "-c", "from mpi_dash import data_access; data_access.load_dataset()"],
                       cwd=REPO, env={**os.environ, **env}, check=True)
        if args.aprobadas:
            subprocess.run([sys.executable, "-c", "from mpi_dash.store import Store; from mpi_dash.accounts import "
                            "CliActor; s = Store(); [s.approve(2023, t, ['1', '3', '5'], actor=CliActor('Medición')) "
                            "for t in (1, 2, 3, 4)]"], cwd=REPO, env={**os.environ, **env}, check=True)
        browser = launch_chromium(pw)
        if browser is None:
            return 1
        try:
            measured = cold_and_warm(browser, {"hello": (str(hello), {}, "", HELLO_READY),
                                               "resumen": ("app.py", env, "", RESUMEN_READY)},
                                     starts=args.starts, sessions=args.sessions)
            hello_r, dash_r = measured["hello"], measured["resumen"]
            with streamlit_server("app.py", env=env) as url:
                switches = quarter_switches(browser, url, args.switches)
        finally:
            browser.close()

    ratio_cold = dash_r["cold_s"] / hello_r["cold_s"]
    ratio_warm = dash_r["warm_median_s"] / hello_r["warm_median_s"]
    switch_median = statistics.median(switches)
    checks = {"razón en frío": ratio_cold <= TARGET_RATIO,
              "razón en sesiones nuevas": ratio_warm <= TARGET_RATIO,
              "cambio de trimestre": switch_median <= TARGET_SWITCH_S}
    ok = all(checks.values())
    print("Tablero — benchmark en Chromium (segundos)")
    print(f"  (frío = primera sesión tras arrancar el servidor, mediana de {args.starts} arranques; "
          f"sesiones nuevas = {args.sessions} sesiones más)")
    print(f"  hola-mundo (1 indicador Plotly): frío {hello_r['cold_s']:.3f} · mediana sesiones nuevas "
          f"{hello_r['warm_median_s']:.3f}  ({', '.join(f'{t:.3f}' for t in hello_r['warm_s'])})")
    print(f"  Resumen (6 indicadores):         frío {dash_r['cold_s']:.3f} · mediana sesiones nuevas "
          f"{dash_r['warm_median_s']:.3f}  ({', '.join(f'{t:.3f}' for t in dash_r['warm_s'])})")
    print(f"  razón Resumen / hola-mundo:      frío {ratio_cold:.2f} · sesiones nuevas {ratio_warm:.2f} "
          f"(meta ≤ {TARGET_RATIO})")
    print(f"  cambio de trimestre:             mediana {switch_median:.3f} · máx {max(switches):.3f} "
          f"({len(switches)} cambios; meta ≤ {TARGET_SWITCH_S})")
    print("  RESULTADO:", "cumple" if ok else
          "NO cumple (" + ", ".join(name for name, passed in checks.items() if not passed) + ")")
    result = {"hello": hello_r, "resumen": dash_r, "ratio_cold": ratio_cold, "ratio_warm": ratio_warm,
              "switch_s": switches, "switch_median_s": switch_median, "checks": checks, "ok": ok}
    (out_dir / "bench_dashboard.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
