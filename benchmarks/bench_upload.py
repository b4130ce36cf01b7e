"""Benchmark: validate + diff of the real plan workbook, as the upload page does it (target ≤ 0.2 s).

    python benchmarks/bench_upload.py [--repeat 7]

Measures, on a temporary database seeded from ``data/plan_2023.xlsx`` (imports and the first seeding
excluded, median of several runs):

* ``validate``: ``read_workbook`` of the file's bytes with the stored plan as ``known_plan``;
* ``validate + diff``: the whole ``store.prepare_upload`` (open the store, read the latest revision,
  validate, merge by key, cell-level diff and semáforo changes via the engine) for (a) the bundled
  workbook itself and (b) the filled upload template (one indicator-quarter changed);
* ``confirm``: ``commit_preview`` of (b) (one write transaction).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
TARGET_S = 0.2


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from openpyxl import load_workbook

    from mpi_dash import store
    from mpi_dash.template import build_template
    from mpi_dash.workbook import read_workbook

    workbook = REPO_ROOT / "data" / "plan_2023.xlsx"
    content = workbook.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        revision, snapshot = store.load_snapshot(path=db)  # creates + seeds (not timed)
        template = build_template(snapshot, revision=revision)
        wb = load_workbook(io.BytesIO(template))
        wb["Avances"]["E2"] = 99  # one changed value
        buffer = io.BytesIO()
        wb.save(buffer)
        filled = buffer.getvalue()
        store.prepare_upload(content, "warmup.xlsx", path=db)  # warm imports/caches

        t_validate = median_time(lambda: read_workbook(content, known_plan=snapshot.plan), args.repeat)
        t_full = median_time(lambda: store.prepare_upload(content, "plan_2023.xlsx", path=db), args.repeat)
        t_template = median_time(lambda: store.prepare_upload(filled, "plantilla.xlsx", path=db), args.repeat)
        preview = store.prepare_upload(filled, "plantilla.xlsx", path=db)
        start = time.perf_counter()
        store.commit_preview(preview, author="bench", comment="bench", path=db)
        t_commit = time.perf_counter() - start

    rows = (
        ("validate (read_workbook, plan_2023.xlsx)", t_validate),
        ("validate + diff (prepare_upload, plan_2023.xlsx)", t_full),
        ("validate + diff (prepare_upload, filled template)", t_template),
        ("confirm (commit_preview, one revision)", t_commit),
    )
    print(f"Benchmark of the upload path ({len(snapshot.plan)} plan rows, {len(snapshot.avances)} avances; "
          f"median of {args.repeat})")
    for label, seconds in rows:
        print(f"  {label:<52} {seconds * 1000:8.1f} ms")
    verdict = "OK" if t_full <= TARGET_S else "MISSED"
    print(f"validate + diff of the real plan workbook: {t_full:.3f} s (target ≤ {TARGET_S} s: {verdict}; "
          f"ratio to target {t_full / TARGET_S:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
