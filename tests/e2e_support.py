"""Shared helpers for the end-to-end (browser) tests.

Start ``streamlit run`` on a free port as a subprocess, wait until it answers
``/_stcore/health``, drive Debian's Chromium through Playwright, wait until the
app is idle and save screenshots under ``artifacts/``.

Usage in a test module::

    from e2e_support import chromium_path, streamlit_server, open_browser, wait_idle, screenshot

    def test_x(tmp_path):
        exe = chromium_path()                      # skips (or fails under CI=true)
        with streamlit_server(env={"MPI_DASH_WORKBOOK": str(path)}) as url, open_browser(exe) as page:
            page.goto(url)
            wait_idle(page)
            screenshot(page, "x")

Under ``CI=true`` a missing ``/usr/bin/chromium`` (or Playwright) FAILS the test instead of skipping it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "artifacts"
CHROMIUM = Path(os.environ.get("MPI_DASH_CHROMIUM", "/usr/bin/chromium"))
DEFAULT_TIMEOUT_S = 60.0
KEEP_LOGS = 10  # streamlit-<port>.log files kept from earlier sessions (one per server started)
# Chromium flags for containers without a user namespace sandbox / small /dev/shm.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run")


def prune_server_logs(keep: int = KEEP_LOGS, directory: Path = ARTIFACTS) -> list[Path]:
    """Delete all but the ``keep`` newest ``streamlit-*.log`` files of earlier runs; return the deleted."""
    logs = sorted(directory.glob("streamlit-*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    removed = []
    for old in logs[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
            removed.append(old)
    return removed


prune_server_logs()  # once per test session: this module is imported once


def in_ci() -> bool:
    """True when the suite runs under CI (a missing browser must fail, not skip)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _missing(reason: str) -> None:
    if in_ci():
        pytest.fail(f"CI=true y {reason}", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> Path:
    """Path of Debian's Chromium; skip the test if absent (fail under CI=true)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the machine
        _missing("falta el paquete playwright")
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        _missing(f"no existe el navegador {CHROMIUM} (instálelo con `make browser`)")
    return CHROMIUM


def free_port() -> int:
    """An unused TCP port on localhost."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes] | None = None,
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
    """Poll ``{url}/_stcore/health`` until it answers ``ok``; raise if the server dies or times out."""
    deadline = time.monotonic() + timeout_s
    last_error = ""
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"streamlit terminó con código {proc.returncode} antes de estar listo")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last_error = str(exc)
        time.sleep(0.2)
    raise TimeoutError(f"streamlit no respondió en {timeout_s:.0f} s ({last_error})")


@contextlib.contextmanager
def streamlit_server(app: str | Path = "app.py", *, env: Mapping[str, str] | None = None,
                     port: int | None = None, extra_args: tuple[str, ...] = (),
                     timeout_s: float = DEFAULT_TIMEOUT_S, log_path: Path | None = None) -> Iterator[str]:
    """Run ``streamlit run <app>`` (cwd = repo root) on a free port; yield its base URL; always stop it.

    The repository's ``app.py`` is started through ``scripts/serve.py``, exactly as ``make run`` does.

    ``env`` overrides/extends the environment (e.g. ``MPI_DASH_WORKBOOK``).  The server log goes to
    ``log_path`` (default ``artifacts/streamlit-<port>.log``) so a failing test can be diagnosed.
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = log_path or ARTIFACTS / f"streamlit-{port}.log"
    child_env = {**os.environ, **(env or {})}
    child_env.setdefault("PYTHONUNBUFFERED", "1")
    # The dashboard starts as `make run` starts it (scripts/serve.py: `streamlit run app.py` with the heavy
    # imports done before the server listens); any other script with plain `streamlit run`.
    is_dashboard = Path(REPO_ROOT / app).resolve() == (REPO_ROOT / "app.py").resolve()
    launch = [sys.executable, str(REPO_ROOT / "scripts" / "serve.py")] if is_dashboard else \
        [sys.executable, "-m", "streamlit", "run", str(app)]
    cmd = [
        *launch,
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        "--server.runOnSave", "false", *extra_args,
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            wait_healthy(url, proc, timeout_s)
            yield url
        finally:
            _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server and its children (own process group) — never anything else."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@contextlib.contextmanager
def open_browser(executable: Path | None = None, *, width: int = 1600, height: int = 1000,
                 device_scale_factor: float = 1.0) -> Iterator[Any]:
    """Launch Chromium headless via Playwright and yield a fresh ``Page`` (large, projector-like viewport)."""
    from playwright.sync_api import sync_playwright

    executable = executable or chromium_path()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(executable), headless=True, args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context(viewport={"width": width, "height": height},
                                          device_scale_factor=device_scale_factor, locale="es-MX")
            page = context.new_page()
            page.set_default_timeout(DEFAULT_TIMEOUT_S * 1000)
            yield page
        finally:
            browser.close()


def wait_idle(page: Any, timeout_s: float = DEFAULT_TIMEOUT_S, settle_s: float = 0.3) -> None:
    """Wait until the Streamlit app is connected and its script is not running (twice, ``settle_s`` apart).

    Streamlit marks the root element with ``data-test-script-state`` (running / notRunning / …) and
    ``data-test-connection-state``; a rerun can start right after a widget change, so the idle state
    must hold across a short pause.
    """
    deadline = time.monotonic() + timeout_s
    idle = ("[data-testid='stApp'][data-test-script-state='notRunning']"
            "[data-test-connection-state='CONNECTED']")
    while True:
        remaining = max(deadline - time.monotonic(), 0.1)
        page.wait_for_selector(idle, state="attached", timeout=remaining * 1000)
        page.wait_for_timeout(settle_s * 1000)
        if page.locator(idle).count() == 1 and page.locator("[data-testid='stSkeleton']").count() == 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError("la app de Streamlit no quedó inactiva a tiempo")


def error_texts(page: Any) -> list[str]:
    """Texts of visible Streamlit error boxes and exceptions (empty list = no error shown)."""
    boxes = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
    return [boxes.nth(i).inner_text() for i in range(boxes.count())]


def screenshot(page: Any, name: str, *, full_page: bool = True, max_height: int = 9000) -> Path:
    """Save a PNG screenshot as ``artifacts/<name>.png`` and return its path.

    Streamlit scrolls inside its own container, so Playwright's ``full_page`` alone captures only the
    viewport: with ``full_page`` the viewport is stretched to the content height for the shot.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    path = ARTIFACTS / f"{safe}.png"
    original = page.viewport_size
    if full_page and original:
        height = page.evaluate(
            "() => Math.max(...['[data-testid=\"stMain\"]', '[data-testid=\"stAppViewContainer\"]']"
            ".map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight),"
            " document.body.scrollHeight)")
        tall = min(max(int(height), original["height"]), max_height)
        page.set_viewport_size({"width": original["width"], "height": tall})
        page.wait_for_timeout(400)  # let charts re-layout
    try:
        page.screenshot(path=str(path), full_page=full_page)
    finally:
        if full_page and original:
            page.set_viewport_size(original)
    return path


def goto_page(page: Any, base_url: str, url_path: str = "", *, query: str = "") -> None:
    """Open a page of the multipage app (``url_path`` as given to ``st.Page``) and wait until idle."""
    target = f"{base_url}/{url_path}".rstrip("/")
    if query:
        target += f"?{query}"
    page.goto(target)
    wait_idle(page)


def sign_in(page: Any, usuario: str, password: str, *, succeeds: bool = True) -> None:
    """Fill «Usuario» and «Contraseña», press «Entrar» and wait until the app is idle — when the sign-in
    ``succeeds``, first until the page behind the form is there («Cerrar sesión» in the sidebar): the run of
    the form and the rerun that shows the page can leave a short idle moment between them."""
    page.get_by_label("Usuario").fill(usuario)
    page.get_by_label("Contraseña", exact=True).fill(password)
    page.get_by_role("button", name="Entrar", exact=True).click()
    if succeeds:
        page.get_by_role("button", name="Cerrar sesión").wait_for(state="attached")
    wait_idle(page)
