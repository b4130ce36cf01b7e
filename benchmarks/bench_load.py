"""Junta-scale load benchmark (not a test; part of ``make bench``): many officials open the link at once.

Opens 10 and then 30 sessions *at the same moment* through Streamlit's own websocket protocol (what the
browser's JavaScript does: ``/_stcore/stream`` with the ``streamlit`` subprotocol, a ``BackMsg`` with
``rerun_script`` and the client context; then ``ForwardMsg``s until ``script_finished``) against:

* **hello** — a one-gauge Streamlit page started with the project's ``.streamlit/config.toml`` (the floor);
* **tablero** — the dashboard as production runs it (``scripts/serve.py``, Resumen, production config);
* **tablero --dev** — the same with the development conveniences (file watcher, run on save), to show what
  the production configuration saves (``--no-dev`` leaves it out).

Per app and batch size it prints p50/p95 of the seconds from opening the websocket to the end of the first
script run, the errors (a connection or run that failed, timed out, or drew an exception or ``st.error``),
the server's CPU seconds per session and its resident memory per session (RSS growth with every session of
the batch still open, divided by the batch size; a warm-up visit first loads the shared data, so the growth
is what each session costs).  Batches of the apps are interleaved so the load of other processes on the
shared machine hits them alike.  Target: p95 with 30 sessions ≤ 1.5 × hello's p95 in the same run, no errors.

Data: the bundled workbook seeded into a temporary SQLite store; ``MPI_DASH_LECTURA_PUBLICA=1`` so every
session opens Resumen without signing in (the page a director lands on).

Usage:  python benchmarks/bench_load.py [--sizes 10 30] [--repeats 1] [--no-dev]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(REPO / "benchmarks"))
from _support import HELLO  # noqa: E402 - THE hello-world page of the benchmarks (one gauge)
from e2e_support import _stop, free_port, wait_healthy  # noqa: E402

TARGET_RATIO = 1.5
RUN_TIMEOUT_S = 120.0


@dataclass
class Batch:
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu_s: float = 0.0
    rss_mb: float = 0.0


def _proc_stats(pid: int) -> tuple[float, float]:
    """(CPU seconds user+sys, resident MB) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss_kb = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                  if line.startswith("VmRSS:"))
    return cpu, rss_kb / 1024


def _back_msg(port: int) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo

    msg = BackMsg(rerun_script=ClientState(
        query_string="", page_script_hash="",
        context_info=ContextInfo(timezone="America/Mexico_City", timezone_offset=360, locale="es-MX",
                                 url=f"http://127.0.0.1:{port}/", is_embedded=False, color_scheme="light")))
    return msg.SerializeToString()


def _problem(msg: object) -> str | None:
    """An exception or an ``st.error`` drawn by the run (the dashboard turns failures into st.error)."""
    from streamlit.proto.Alert_pb2 import Alert

    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":  # type: ignore[attr-defined]
        return None
    element = msg.delta.new_element  # type: ignore[attr-defined]
    kind = element.WhichOneof("type")
    if kind == "exception":
        return f"excepción: {element.exception.message[:120]}"
    if kind == "alert" and element.alert.format == Alert.ERROR:
        return f"st.error: {element.alert.body[:120]}"
    return None


async def _session(port: int, start: asyncio.Event, hold: asyncio.Event, batch: Batch, payload: bytes) -> None:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    await start.wait()
    t0 = time.perf_counter()
    try:
        async with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                           open_timeout=RUN_TIMEOUT_S, compression=None) as ws:
            await ws.send(payload)
            problem = None
            while True:
                raw = await asyncio.wait_for(ws.recv(), RUN_TIMEOUT_S)
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                problem = problem or _problem(msg)
                if msg.WhichOneof("type") == "script_finished":
                    if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue  # st.rerun(): the visit is over when the rerun ends
                    if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                        problem = problem or f"la ejecución terminó con estado {msg.script_finished}"
                    break
            batch.times.append(time.perf_counter() - t0)
            if problem:
                batch.errors.append(problem)
            await hold.wait()  # keep the session open until the batch's memory is measured
    except Exception as exc:  # noqa: BLE001 - counted and reported, the benchmark goes on
        batch.errors.append(f"{type(exc).__name__}: {exc}"[:160])


async def _batch(port: int, pid: int, n: int) -> Batch:
    batch = Batch()
    start, hold = asyncio.Event(), asyncio.Event()
    payload = _back_msg(port)
    tasks = [asyncio.create_task(_session(port, start, hold, batch, payload)) for _ in range(n)]
    await asyncio.sleep(0.2)
    cpu0, rss0 = _proc_stats(pid)
    start.set()
    while len(batch.times) + len(batch.errors) < n and not all(t.done() for t in tasks):
        await asyncio.sleep(0.05)
    cpu1, rss1 = _proc_stats(pid)
    hold.set()
    await asyncio.gather(*tasks)
    batch.cpu_s = (cpu1 - cpu0) / n
    batch.rss_mb = (rss1 - rss0) / n
    return batch


@contextlib.contextmanager
def server(cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> Iterator[tuple[int, int]]:
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen([*cmd, "--server.port", str(port)], cwd=cwd, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_healthy(f"http://127.0.0.1:{port}", proc, 120)
            yield port, proc.pid
        finally:
            _stop(proc)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--repeats", type=int, default=1, help="batches of each size per app (pooled)")
    parser.add_argument("--no-dev", action="store_true", help="leave out the dashboard in development mode")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mpi_bench_load_") as tmp_name:
        tmp = Path(tmp_name)
        hello_dir = tmp / "hello"
        (hello_dir / ".streamlit").mkdir(parents=True)
        shutil.copy(REPO / ".streamlit" / "config.toml", hello_dir / ".streamlit" / "config.toml")
        (hello_dir / "hello.py").write_text(HELLO, encoding="utf-8")
        db = tmp / "mpi.sqlite"
        env = {**os.environ, "MPI_DASH_DB": str(db), "MPI_DASH_LECTURA_PUBLICA": "1", "PYTHONUNBUFFERED": "1"}
        env.pop("MPI_DASH_WORKBOOK", None)
        subprocess.run([sys.executable, "-c", "from mpi_dash.store import Store; Store().latest_revision()"],
                       cwd=REPO, env=env, check=True)  # create + seed the store before timing
        serve = [sys.executable, str(REPO / "scripts" / "serve.py")]
        apps = {"hello": ([sys.executable, "-m", "streamlit", "run", "hello.py"], hello_dir),
                "tablero": (serve, REPO)}
        if not args.no_dev:
            apps["tablero --dev"] = ([*serve, "--dev"], REPO)
        results: dict[tuple[str, int], Batch] = {}
        print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} (2 cores shared)")
        with contextlib.ExitStack() as stack:
            running = {name: stack.enter_context(server(cmd, cwd, env, tmp / f"{name.replace(' ', '_')}.log"))
                       for name, (cmd, cwd) in apps.items()}
            for name, (port, pid) in running.items():  # warm-up visit: shared data cached, imports done
                warm = asyncio.run(_batch(port, pid, 1))
                if warm.errors:
                    print(f"{name}: la visita de calentamiento falló: {warm.errors[0]}")
            for n in args.sizes:
                for _ in range(args.repeats):
                    for name, (port, pid) in running.items():
                        got = asyncio.run(_batch(port, pid, n))
                        pooled = results.setdefault((name, n), Batch())
                        pooled.times += got.times
                        pooled.errors += got.errors
                        pooled.cpu_s += got.cpu_s / args.repeats
                        pooled.rss_mb += got.rss_mb / args.repeats
                        time.sleep(1.0)
        print(f"load average after:  {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        print(f"\n{'app':15} {'sesiones':>8} {'p50 s':>7} {'p95 s':>7} {'errores':>7} {'CPU s/sesión':>12} "
              f"{'MB/sesión':>9}")
        for (name, n), b in results.items():
            print(f"{name:15} {n:8d} {_pct(b.times, 0.5):7.2f} {_pct(b.times, 0.95):7.2f} {len(b.errors):7d} "
                  f"{b.cpu_s:12.3f} {b.rss_mb:9.2f}")
            for error in sorted(set(b.errors))[:3]:
                print(f"    error: {error}")
        print()
        verdict = True
        for n in args.sizes:
            hello, board = results[("hello", n)], results[("tablero", n)]
            ratio = _pct(board.times, 0.95) / _pct(hello.times, 0.95)
            line = f"{n} sesiones: p95 tablero / p95 hello = {ratio:.2f}"
            if ("tablero --dev", n) in results:
                dev = results[("tablero --dev", n)]
                line += f" (con --dev: {_pct(dev.times, 0.95) / _pct(hello.times, 0.95):.2f})"
            print(line)
            if n == max(args.sizes):
                verdict = ratio <= TARGET_RATIO and not board.errors
        print(f"Meta: p95 con {max(args.sizes)} sesiones ≤ {TARGET_RATIO} × hello y sin errores → "
              f"{'CUMPLE' if verdict else 'NO CUMPLE'}")


if __name__ == "__main__":
    main()
