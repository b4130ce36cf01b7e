"""Presentation benchmark (not a test): first paint of a slide against a hello-world page, and the PPTX build.

Measures, in one run:
  (a) first paint of a slide: a new browser session opens ``/presentacion?diapositiva=3&embed=true`` →
      slide 3 drawn and the app idle; against the hello-world page of the benchmarks (``_support.HELLO``:
      one Plotly gauge) on a server started the same way (and, for information, a page with a title and a
      line of text).  Cold (first session after a server start, median of --starts starts) and
      new sessions on a warm server (median of --sessions).  Apps alternate so background load hits both
      alike.  Target: ratio ≤ 1.3.
  (b) ``deck.build_deck`` for the 2023 plan (bundled workbook), each cut-off, median of --repeats builds
      (imports and the workbook read done before timing; the engine and the slides are part of the build).
      Target ≤ 1 s.

Usage:  python benchmarks/bench_slides.py [--sessions 7] [--starts 3] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from _support import HELLO, HELLO_READY, cold_and_warm, launch_chromium  # noqa: E402

# A still lighter page (title and a line of text), reported for information.
PLAIN = '''import streamlit as st

st.set_page_config(page_title="Hola", layout="wide")
st.title("Hola")
st.write("Una página de Streamlit sin datos.")
'''
TARGET_RATIO = 1.3
TARGET_PPTX_S = 1.0
SLIDE = 3
SLIDE_READY = (f"() => {{ const s = document.querySelector('.mpi-slide.is-current');"
               f" return s && s.dataset.n === '{SLIDE}' && s.getBoundingClientRect().height > 0; }}")


def measure_paint(browser, hello: Path, plain: Path, env: dict[str, str], starts: int,
                  sessions: int) -> dict[str, dict]:
    return cold_and_warm(browser, {
        "hola": (str(hello), {}, "", HELLO_READY),
        "texto": (str(plain), {}, "", "() => document.body.innerText.includes('Una página de Streamlit')"),
        "diapositiva": ("app.py", env, f"/presentacion?trimestre=3&diapositiva={SLIDE}&embed=true", SLIDE_READY),
    }, starts=starts, sessions=sessions, viewport=(1920, 1080))


def measure_pptx(repeats: int) -> dict[int, float]:
    from mpi_dash.data_access import Dataset
    from mpi_dash.deck import build_deck
    from mpi_dash.workbook import read_workbook

    book = read_workbook(REPO / "data" / "plan_2023.xlsx")
    data = Dataset(book.plan, book.avances, dict(book.parametros), "bench", ("1", "2", "3", "4", "5", "6"),
                   "data/plan_2023.xlsx")
    build_deck(data, 2023, 1)  # warm-up: first use of python-pptx's templates
    times = {}
    for k in (1, 2, 3, 4):
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            build_deck(data, 2023, k)
            runs.append(time.perf_counter() - start)
        times[k] = statistics.median(runs)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=7, help="new sessions per app after the cold one")
    parser.add_argument("--starts", type=int, default=3, help="fresh server starts per app (cold)")
    parser.add_argument("--repeats", type=int, default=5, help="PPTX builds per cut-off")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    pptx = measure_pptx(args.repeats)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        hello, plain = Path(tmp) / "hola.py", Path(tmp) / "texto.py"
        hello.write_text(HELLO, encoding="utf-8")
        plain.write_text(PLAIN, encoding="utf-8")
        # Read-only workbook mode: no store, no sign-in (the slides read the bundled workbook).
        env = {"MPI_DASH_WORKBOOK": str(REPO / "data" / "plan_2023.xlsx"), "MPI_DASH_DB": ""}
        browser = launch_chromium(pw)
        if browser is None:
            return 1
        try:
            paint = measure_paint(browser, hello, plain, env, args.starts, args.sessions)
        finally:
            browser.close()
    hola, texto, slide = paint["hola"], paint["texto"], paint["diapositiva"]
    ratio_cold = slide["cold_s"] / hola["cold_s"]
    ratio_warm = slide["warm_median_s"] / hola["warm_median_s"]
    pptx_max = max(pptx.values())
    checks = {"razón en frío": ratio_cold <= TARGET_RATIO, "razón en sesiones nuevas": ratio_warm <= TARGET_RATIO,
              "PPTX 2023": pptx_max <= TARGET_PPTX_S}
    ok = all(checks.values())
    print("Presentación — benchmark (segundos)")
    print(f"  hola-mundo (1 indicador): frío {hola['cold_s']:.3f} · mediana sesiones nuevas "
          f"{hola['warm_median_s']:.3f}  ({', '.join(f'{t:.3f}' for t in hola['warm_s'])})")
    print(f"  solo texto (referencia):  frío {texto['cold_s']:.3f} · mediana sesiones nuevas "
          f"{texto['warm_median_s']:.3f}  (razón diapositiva / texto: frío "
          f"{slide['cold_s'] / texto['cold_s']:.2f} · sesiones nuevas "
          f"{slide['warm_median_s'] / texto['warm_median_s']:.2f})")
    print(f"  diapositiva {SLIDE} (embed):   frío {slide['cold_s']:.3f} · mediana sesiones nuevas "
          f"{slide['warm_median_s']:.3f}  ({', '.join(f'{t:.3f}' for t in slide['warm_s'])})")
    print(f"  razón diapositiva / hola: frío {ratio_cold:.2f} · sesiones nuevas {ratio_warm:.2f} "
          f"(meta ≤ {TARGET_RATIO})")
    print("  PPTX plan 2023 (mediana de " + str(args.repeats) + "): "
          + " · ".join(f"T{k} {t:.3f}" for k, t in pptx.items()) + f" (meta ≤ {TARGET_PPTX_S})")
    print("  RESULTADO:", "cumple" if ok else
          "NO cumple (" + ", ".join(name for name, passed in checks.items() if not passed) + ")")
    out_dir = REPO / "benchmarks" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    result = {"paint": paint, "ratio_cold": ratio_cold, "ratio_warm": ratio_warm, "pptx_s": pptx,
              "checks": checks, "ok": ok}
    (out_dir / "bench_slides.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
