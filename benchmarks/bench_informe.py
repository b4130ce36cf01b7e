"""Informe benchmark (not a test; part of ``make bench``): the «Informe trimestral» PDF and the Junta deck
(PPTX) for the 2023 plan and for a synthetic plan ten times larger.

For each document and plan it prints the build time in a fresh process (cold: imports + first build, what
the CLI ``informe`` costs) and warm in that process (median and min of --repeats builds, what a download
button costs on a running server), the size and the PDF's page count.  Targets for the 2023 plan on the
2-core machine: PDF ≤ 1 s and PPTX ≤ 1 s (warm).  The machine is shared: the load average is printed, and
the 10× plan is compared with the 2023 plan as a ratio measured in the same run (≈ 10 means linear).

The synthetic plan repeats every 2023 indicator ten times in its own program (claves 1.1.1 → 1.1.1.r2 …),
with its actuals and texts, so the engine, the tables and the pages grow tenfold.
PPTX needs ``mpi_dash.deck`` (issue 12, slides); without it that line says so.

Usage:  python benchmarks/bench_informe.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET_S = 1.0
ANIO, TRIMESTRE = 2023, 2


def dataset(scale: int):  # noqa: ANN201 - mpi_dash.data_access.Dataset
    """The bundled 2023 workbook, each indicator repeated ``scale`` times (scale 1: the plan itself)."""
    import pandas as pd

    from mpi_dash.data_access import Dataset
    from mpi_dash.workbook import read_workbook

    data = read_workbook(REPO / "data" / "plan_2023.xlsx")
    plans, avances = [data.plan], [data.avances]
    for r in range(2, scale + 1):
        plans.append(data.plan.assign(clave=data.plan["clave"].astype(str) + f".r{r}"))
        avances.append(data.avances.assign(clave=data.avances["clave"].astype(str) + f".r{r}"))
    plan = pd.concat(plans, ignore_index=True)
    order = plan["clave"].map(lambda c: tuple(str(c).split(".")))  # each copy next to its original
    plan = plan.loc[order.sort_values(kind="stable").index].reset_index(drop=True)
    return Dataset(plan, pd.concat(avances, ignore_index=True), dict(data.parametros), f"bench{scale}",
                   ("1", "2", "3", "4", "5", "6"), "Datos del libro plan_2023.xlsx")


def build(kind: str, data) -> bytes:  # noqa: ANN001
    if kind == "pdf":
        from mpi_dash.informe import build_informe

        return build_informe(data, ANIO, TRIMESTRE)
    from mpi_dash.deck import build_deck

    return build_deck(data, ANIO, TRIMESTRE)


def child(kind: str, scale: int, repeats: int) -> None:
    """One fresh process: cold build, then ``repeats`` warm builds; prints JSON."""
    data = dataset(scale)
    t0 = time.perf_counter()
    payload = build(kind, data)
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(repeats):
        t = time.perf_counter()
        build(kind, data)
        warm.append(time.perf_counter() - t)
    pages = None
    if kind == "pdf":
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(payload)).pages)
    print(json.dumps({"cold": cold, "median": statistics.median(warm), "min": min(warm), "kb": len(payload) / 1024,
                      "pages": pages, "indicators": len(data.plan)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} (2 cores shared)")
    print(f"{'documento':9} {'plan':>5} {'indicadores':>11} {'frío s':>7} {'mediana s':>9} {'mín s':>6} "
          f"{'KB':>6} {'páginas':>7}")
    results: dict[tuple[str, int], dict] = {}
    has_deck = importlib.util.find_spec("mpi_dash.deck") is not None
    for kind in ("pdf", "pptx"):
        for scale in (1, 10):
            label = "2023" if scale == 1 else "10×"
            if kind == "pptx" and not has_deck:
                print(f"{kind:9} {label:>5}  (mpi_dash.deck no está instalado: sin medición)")
                continue
            run = subprocess.run([sys.executable, __file__, "--child", kind, str(scale), str(args.repeats)],
                                 cwd=REPO, capture_output=True, text=True)
            if run.returncode:
                print(f"{kind:9} {label:>5}  falló: {(run.stderr.strip().splitlines() or ['?'])[-1]}")
                continue
            r = results[(kind, scale)] = json.loads(run.stdout.strip().splitlines()[-1])
            print(f"{kind:9} {label:>5} {r['indicators']:11d} {r['cold']:7.2f} {r['median']:9.3f} {r['min']:6.3f} "
                  f"{r['kb']:6.0f} {r['pages'] if r['pages'] is not None else '—':>7}")
    print(f"load average after:  {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for kind in ("pdf", "pptx"):
        if (kind, 1) in results:
            base = results[(kind, 1)]
            verdict = "CUMPLE" if base["median"] <= TARGET_S else "NO CUMPLE"
            line = f"{kind.upper()} plan 2023: mediana {base['median']:.3f} s (meta ≤ {TARGET_S:.0f} s) → {verdict}"
            if (kind, 10) in results:
                line += f"; plan 10×: {results[(kind, 10)]['median'] / base['median']:.1f} × el de 2023"
            print(line)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
