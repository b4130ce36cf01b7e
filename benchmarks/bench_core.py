"""Core benchmark: ``python benchmarks/bench_core.py [--out DIR] [--repeats N]`` (part of ``make bench``).

In one run it prints:

a) time of ``python -m mpi_dash report FILE --anio 2023 --trimestre 2 --formato json
   -o /dev/null`` as a subprocess on a 10,000-indicator × 5-year workbook (50,000 Plan rows,
   200,000 Avances rows, real sheet layout);
b) time of a subprocess that only imports pandas and parses the same file with python-calamine
   (every sheet to Python lists): the floor for any pandas-based reader;
c) the ratio a/b (target ≤ 1.5);
d) engine-only ``compute_all`` time at 20k and 200k indicator-quarters and their ratio
   (linear ≈ 10; target ≤ 0.3 s at 200k).

Every measurement reports wall time AND CPU time (user + sys: of the child process via
``resource.getrusage(RUSAGE_CHILDREN)`` deltas for a/b, ``time.process_time`` for d), each as
min and median of N runs.  On a shared machine wall time grows with the load while CPU time
barely moves, so the verdicts require BOTH the CPU-time ratio and the wall-time min ratio.

The workbook is generated once and cached under ``benchmarks/out/`` (git-ignored).
Developer tool: numbers are printed, nothing is asserted.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from mpi_dash import schema  # noqa: E402
from mpi_dash.schema import Acumulacion, Sentido, TipoCalculo  # noqa: E402
DEFAULT_OUT = REPO_ROOT / "benchmarks" / "out"
GENERATOR_VERSION = 1  # bump when the generated workbook changes shape
YEARS = (2019, 2020, 2021, 2022, 2023)
REPORT_YEAR, REPORT_QUARTER = 2023, 2

CALAMINE_FLOOR = """
import sys
import pandas  # noqa: F401  (a pandas-based reader pays this import too)
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
rows = [wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names]
"""


# --------------------------------------------------------------------------- data
def make_dataset(n_indicators: int, years: Sequence[int] = YEARS,
                 seed: int = 2023) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """Synthetic plan (n_indicators × len(years) rows) and avances (× 4 quarters), all types.

    Mix per indicator i: i % 20 == 0 periodo_anterior, 1 anio_anterior, 2 conteo, 3 hito,
    4 avance_meta/periodo, else avance_meta/acumulado; every 10th Descendente; some rows
    with a programmed calendar, an adjusted target or their own thresholds.
    """
    rng = np.random.default_rng(seed)
    n_years = len(years)
    n = n_indicators * n_years
    ind = np.tile(np.arange(n_indicators), n_years)
    anio = np.repeat(np.asarray(years, dtype=np.int64), n_indicators)
    clave = pd.Series([f"{i % 7 + 1}.{i // 7 % 9 + 1}.{i}" for i in range(n_indicators)], dtype=str)
    clave = clave.iloc[ind].reset_index(drop=True)

    kind = ind % 20
    tipo = np.full(n, TipoCalculo.AVANCE_META.value, dtype=object)
    tipo[kind == 0] = TipoCalculo.PERIODO_ANTERIOR.value
    tipo[kind == 1] = TipoCalculo.ANIO_ANTERIOR.value
    tipo[kind == 2] = TipoCalculo.CONTEO.value
    tipo[kind == 3] = TipoCalculo.HITO.value
    acumulacion = np.where(kind == 4, Acumulacion.PERIODO.value, Acumulacion.ACUMULADO.value).astype(object)
    sentido = np.where(ind % 10 == 7, Sentido.DESCENDENTE.value, Sentido.ASCENDENTE.value).astype(object)
    hito = kind == 3

    meta = rng.integers(4, 400, n).astype(np.float64)
    meta[hito] = 1.0
    meta_ajustada = np.where((ind % 13 == 5) & ~hito, np.round(meta * 1.2), np.nan)
    prog = np.full((n, 4), np.nan)
    calendar = (ind % 6 == 1) & ~hito
    shares = rng.dirichlet(np.ones(4), n)
    prog[calendar] = np.round(shares[calendar] * meta[calendar, None])
    prog[hito] = [0.0, 1.0, 0.0, 0.0]
    thr = np.full((n, 4), np.nan)
    own = ind % 17 == 3
    thr[own] = [85.0, 115.0, 60.0, 140.0]

    plan = pd.DataFrame({c.name: np.full(n, None, dtype=object) for c in schema.PLAN_COLUMNS})
    plan["clave"] = clave
    plan["anio"] = anio
    texts = {
        "programa": "Atención integral a personas defensoras de derechos humanos y periodistas",
        "objetivo": "Proteger, respetar y garantizar los derechos humanos",
        "accion": "Realización de sesiones programadas",
        "indicador": "Número total de sesiones realizadas",
        "dimension": "Sesiones realizadas",
        "definicion": "Realizar en tiempo y forma las sesiones programadas",
        "metodo_calculo": "(Número de sesiones realizadas en el periodo / sesiones programadas) * 100",
        "unidad_medida": "Sesiones",
        "frecuencia": "Trimestral",
        "linea_base": "Número de sesiones del año inmediato anterior",
        "responsables": "Dirección General",
        "fuente_informacion": "Informes bimestrales del MPI CDMX",
    }
    for column, text in texts.items():
        plan[column] = text
    plan["meta_anual"] = meta
    plan["meta_ajustada"] = meta_ajustada
    plan["tipo_calculo"] = tipo
    plan["acumulacion"] = acumulacion
    plan["sentido"] = sentido
    for q, column in enumerate(schema.PROGRAMADO_COLUMNS):
        plan[column] = prog[:, q]
    for t, column in enumerate(schema.THRESHOLD_COLUMNS):
        plan[column] = thr[:, t]
    for column in ("meta_texto", "origen", "notas"):
        plan[column] = None

    expected = np.where(np.isnan(prog), (meta / 4)[:, None], prog)
    realizado = np.round(expected * rng.uniform(0.5, 1.4, (n, 4)))
    realizado[hito] = (rng.random((int(hito.sum()), 4)) < 0.4).astype(np.float64)
    avances = pd.DataFrame(
        {
            "clave": clave.repeat(4).reset_index(drop=True),
            "anio": np.repeat(anio, 4),
            "trimestre": np.tile(np.arange(1, 5, dtype=np.int64), n),
            "realizado": realizado.ravel(),
            "justificacion": pd.Series(
                np.where(rng.random(n * 4) < 0.1, "Se reprogramó por causas externas", None), dtype=object
            ),
            "evidencia": pd.Series(np.full(n * 4, None, dtype=object), dtype=object),
        }
    )
    parametros = {**schema.DEFAULT_THRESHOLDS, schema.ILLUSTRATIVE_FLAG: 1.0}
    return plan, avances, parametros


def _cells(frame: pd.DataFrame) -> list[list[object]]:
    """Rows of Python values with NaN/NA → None (openpyxl cannot write NaN)."""
    columns = []
    for name in frame.columns:
        values = frame[name].to_numpy(dtype=object, na_value=None)
        columns.append([None if isinstance(v, float) and math.isnan(v) else v for v in values])
    return [list(row) for row in zip(*columns, strict=True)]


def write_workbook(plan: pd.DataFrame, avances: pd.DataFrame, parametros: dict[str, float],
                   path: Path) -> None:
    """Write the contract layout (Plan, Avances, Parámetros, Léame) with openpyxl write_only."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheets = (
        (schema.SHEET_PLAN, schema.PLAN_COLUMNS, plan),
        (schema.SHEET_AVANCES, schema.AVANCES_COLUMNS, avances),
    )
    for title, columns, frame in sheets:
        ws = wb.create_sheet(title)
        ws.append([c.header for c in columns])
        for row in _cells(frame[[c.name for c in columns]]):
            ws.append(row)
    ws = wb.create_sheet(schema.SHEET_PARAMETROS)
    ws.append([c.header for c in schema.PARAMETROS_COLUMNS])
    for key, value in parametros.items():
        ws.append([key, value, "Generado por el benchmark"])
    ws = wb.create_sheet(schema.SHEET_LEAME)
    ws.append(["Libro sintético generado por benchmarks/bench_core.py (datos ilustrativos)."])
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)


def ensure_workbook(out_dir: Path, n_indicators: int = 10_000) -> Path:
    """The cached benchmark workbook (generated on first use)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"bench_{n_indicators}x{len(YEARS)}_v{GENERATOR_VERSION}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        plan, avances, parametros = make_dataset(n_indicators)
        write_workbook(plan, avances, parametros, path)
        print(f"Libro generado en {time.perf_counter() - started:,.1f} s: {path}")
    return path


# --------------------------------------------------------------------------- timing
def _children_cpu() -> float:
    """User + system CPU seconds of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _times(run: Callable[[], object], repeats: int) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds of this process) of ``repeats`` in-process runs."""
    wall, cpu = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return wall, cpu


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, check=False)


def report_command_available() -> tuple[bool, str]:
    """Whether ``python -m mpi_dash report`` exists yet (the CLI is written by someone else)."""
    probe = _run([sys.executable, "-m", "mpi_dash", "report", "--help"])
    detail = (probe.stderr or probe.stdout).strip().splitlines()
    return probe.returncode == 0, detail[-1] if detail else ""


def report_command(path: Path) -> list[str]:
    return [sys.executable, "-m", "mpi_dash", "report", str(path), "--anio", str(REPORT_YEAR),
            "--trimestre", str(REPORT_QUARTER), "--formato", "json", "-o", "/dev/null"]


def floor_command(path: Path) -> list[str]:
    return [sys.executable, "-c", CALAMINE_FLOOR, str(path)]


def check_command(cmd: list[str]) -> str:
    """'' when the command runs successfully, else the reason (Spanish)."""
    done = _run(cmd)
    if done.returncode == 0:
        return ""
    lines = (done.stderr or done.stdout).strip().splitlines()
    return f"terminó con código {done.returncode}: {lines[-1] if lines else ''}"


def time_interleaved(commands: dict[str, list[str]],
                     repeats: int) -> dict[str, tuple[list[float], list[float]]]:
    """(wall, CPU) seconds of each command, run alternately (a, b, a, b, …) so that both see the
    same load on a shared machine; CPU = user + sys of the child (``RUSAGE_CHILDREN`` delta)."""
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in commands}
    for _ in range(repeats):
        for name, cmd in commands.items():
            cpu_started = _children_cpu()
            started = time.perf_counter()
            done = _run(cmd)
            elapsed = time.perf_counter() - started
            cpu = _children_cpu() - cpu_started
            if done.returncode != 0:
                raise RuntimeError(f"{name}: {check_command(cmd)}")
            times[name][0].append(elapsed)
            times[name][1].append(cpu)
    return times


def time_engine(n_indicators: int, repeats: int) -> tuple[int, list[float], list[float]]:
    """(indicator-quarters, wall seconds, CPU seconds) of compute_all on a synthetic dataset."""
    from mpi_dash.engine import compute_all

    plan, avances, parametros = make_dataset(n_indicators)
    compute_all(plan, avances, parametros)  # warm-up
    wall, cpu = _times(lambda: compute_all(plan, avances, parametros), repeats)
    return len(plan) * 4, wall, cpu


def _stats(values: list[float]) -> str:
    """'min X s, mediana Y s' (es-MX)."""
    return f"mín {min(values):,.3f} s, mediana {statistics.median(values):,.3f} s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/bench_core.py",
                                     description="Benchmark del lector/CLI y del motor de indicadores.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="carpeta del libro en caché")
    parser.add_argument("--repeats", type=int, default=5, help="repeticiones de cada subproceso")
    args = parser.parse_args(argv)

    path = ensure_workbook(args.out)
    size_mb = path.stat().st_size / 1e6
    print(f"Libro: {path} ({size_mb:,.1f} MB; 50,000 filas de Plan, 200,000 de Avances)")
    load = ", ".join(f"{v:,.2f}" for v in os.getloadavg())
    print(f"Carga del sistema (1, 5, 15 min): {load} en {os.cpu_count()} núcleos")

    commands = {"floor": floor_command(path)}
    available, detail = report_command_available()
    reason = "" if available else f"el comando «report» no existe todavía ({detail})"
    if available:
        reason = check_command(report_command(path))
        if reason:
            reason = f"el comando «report» {reason}"
        else:
            commands["cli"] = report_command(path)
    times = time_interleaved(commands, args.repeats)
    n = args.repeats
    floor_wall, floor_cpu = times["floor"]
    if "cli" in times:
        cli_wall, cli_cpu = times["cli"]
        print(f"(a) report CLI ({n} corridas, alternadas con b): pared {_stats(cli_wall)}; "
              f"CPU {_stats(cli_cpu)}")
    else:
        print(f"(a) report CLI: NO MEDIDO, {reason}")
    print(f"(b) piso pandas + python-calamine ({n} corridas): pared {_stats(floor_wall)}; "
          f"CPU {_stats(floor_cpu)}")
    if "cli" not in times:
        print("(c) razón a/b: NO DISPONIBLE (falta el comando report)")
    else:
        cpu_ratio = statistics.median(cli_cpu) / statistics.median(floor_cpu)
        cpu_min_ratio = min(cli_cpu) / min(floor_cpu)
        wall_min_ratio = min(cli_wall) / min(floor_wall)
        wall_median_ratio = statistics.median(cli_wall) / statistics.median(floor_wall)
        verdict = "cumple" if max(cpu_ratio, wall_min_ratio) <= 1.5 else "NO cumple"
        print(f"(c) razón a/b: CPU {cpu_ratio:,.2f} (medianas; mínimos {cpu_min_ratio:,.2f}); pared "
              f"{wall_min_ratio:,.2f} (mínimos; medianas {wall_median_ratio:,.2f}) — objetivo ≤ 1.5 en "
              f"CPU y en pared mínima: {verdict}")

    small_n, small_wall, small_cpu = time_engine(1_000, repeats=9)
    large_n, large_wall, large_cpu = time_engine(10_000, repeats=max(n, 5))
    large_s = max(min(large_wall), statistics.median(large_cpu))
    verdict = "cumple" if large_s <= 0.3 else "NO cumple"
    print(f"(d) motor compute_all, {small_n:,} indicador-trimestres: pared {_stats(small_wall)}; "
          f"CPU {_stats(small_cpu)}")
    print(f"    {large_n:,} indicador-trimestres: pared {_stats(large_wall)}; CPU {_stats(large_cpu)} "
          f"(objetivo ≤ 0.300 s en CPU y en pared mínima: {verdict})")
    print(f"    razón 200k/20k: CPU {statistics.median(large_cpu) / statistics.median(small_cpu):,.1f}, "
          f"pared mínima {min(large_wall) / min(small_wall):,.1f} (lineal ≈ 10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
