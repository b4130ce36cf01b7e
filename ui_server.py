"""What the dashboard's own server (``scripts/serve.py``) adds around Streamlit to keep a visit cheap when
thirty officials open the link at once (issue 12; measured in ``benchmarks/bench_load.py``,
docs/dev/carga_junta.md):

* **the app's stylesheet as a file** (:func:`stylesheet`, :class:`StylesheetLink`): the CSS of every page
  (``ui_shell.APP_CSS``, ~4 KB) is linked from the HTML page and cached by the browser, instead of being sent
  again as an element in every session (one message fewer per visit; the page is also styled from its first
  paint).  Without this server (``streamlit run app.py``, AppTest) the shell still writes it into the page;
* **one wake-up of the event loop for a burst of messages** (:func:`batch_session_wakeups`): Streamlit hands
  every message of a page run from the script thread to the event loop with its own
  ``call_soon_threadsafe`` — a write to the loop's wake-up socket and a hand-over of the interpreter lock
  each.  Batched, the callbacks run in the same order, each in its own context, and one failing does not stop
  the others.
"""

from __future__ import annotations

import contextvars
import gzip
import hashlib
import threading
from collections.abc import Callable
from typing import Any

#: Where the stylesheet is served, under the server's base path (``server.baseUrlPath``), like ``./static/``.
STYLESHEET_ROUTE = "_mpi_dash/tablero.css"
_BATCHED = "_mpi_dash_batched"


def stylesheet() -> tuple[bytes, str]:
    """(the app's CSS as UTF-8, a short version of it for the link: a new CSS gets a new address)."""
    from ui_shell import APP_CSS

    css = APP_CSS.encode("utf-8")
    return css, hashlib.sha256(css).hexdigest()[:12]


def link_tag(version: str) -> bytes:
    """The ``<link>`` of the stylesheet, relative like Streamlit's own assets (``./static/…``): it resolves under
    the base path from the home page and from every page address (one segment deep)."""
    return f'<link rel="stylesheet" href="./{STYLESHEET_ROUTE}?v={version}">'.encode("ascii")


def with_link(html: bytes, link: bytes) -> bytes:
    """``html`` with ``link`` as the last element of its ``<body>`` (unchanged without one): after the styles
    Streamlit's components add to the ``<head>`` while the app runs, so the app's rules win ties with them as
    the ``<style>`` written into the page did."""
    at = html.lower().rfind(b"</body>")
    return html if at < 0 else html[:at] + link + html[at:]


async def serve_stylesheet(request):  # noqa: ANN001, ANN201 - starlette Request → Response
    """The stylesheet, cacheable for a year: its address changes with its content (``?v=``)."""
    from starlette.responses import Response

    css, version = stylesheet()
    return Response(css, media_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=31536000, immutable", "ETag": f'"{version}"'})


def _is_page_address(path: str) -> bool:
    """A request that Streamlit may answer with its HTML page: no file extension in the last segment."""
    return "." not in path.rsplit("/", 1)[-1]


class StylesheetLink:
    """ASGI middleware: every HTML page Streamlit serves (its ``index.html`` for the home page and each page
    address) gets the stylesheet's ``<link>`` (:func:`with_link`).  Page requests lose their conditional headers
    so a browser never keeps a copy from before the link (Streamlit marks the page ``no-cache`` anyway); the
    page's ``ETag``/``Last-Modified`` are dropped and its length recomputed.  Anything else passes untouched."""

    def __init__(self, app, link: bytes) -> None:  # noqa: ANN001 - an ASGI app
        self.app, self.link = app, link

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001 - ASGI
        if scope["type"] != "http" or scope["method"] != "GET" or not _is_page_address(scope["path"]):
            await self.app(scope, receive, send)
            return
        scope = {**scope, "headers": [(name, value) for name, value in scope["headers"]
                                      if name.lower() not in (b"if-none-match", b"if-modified-since")]}
        start: dict[str, Any] | None = None
        body: list[bytes] = []

        async def send_with_link(message: dict[str, Any]) -> None:
            nonlocal start
            kind = message["type"]
            if kind == "http.response.start":
                headers = {name.lower(): value for name, value in message.get("headers", [])}
                if message["status"] == 200 and headers.get(b"content-type", b"").startswith(b"text/html"):
                    start = message  # held until the whole page is here
                    return
            elif start is not None and kind in ("http.response.body", "http.response.pathsend"):
                if kind == "http.response.pathsend":
                    with open(message["path"], "rb") as page:
                        body.append(page.read())
                else:
                    body.append(message.get("body", b""))
                    if message.get("more_body", False):
                        return
                await self._send_page(start, b"".join(body), send)
                return
            await send(message)

        await self.app(scope, receive, send_with_link)

    async def _send_page(self, start: dict[str, Any], html: bytes, send) -> None:  # noqa: ANN001
        dropped = {b"content-length", b"etag", b"last-modified", b"content-encoding"}
        headers = list(start.get("headers", []))
        if any(name.lower() == b"content-encoding" and value.strip() == b"gzip" for name, value in headers):
            html = gzip.decompress(html)
        html = with_link(html, self.link)
        headers = [(name, value) for name, value in headers if name.lower() not in dropped]
        headers.append((b"content-length", str(len(html)).encode("ascii")))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": html, "more_body": False})


class _Wakeups:
    """The callbacks one session's threads handed to the event loop and not yet run."""

    __slots__ = ("lock", "pending", "scheduled")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: list[tuple[contextvars.Context, Callable[[], None]]] = []
        self.scheduled = False


def batched_call_soon(call_soon: Callable[[Any, Callable[[], None]], None]) -> Callable[[Any, Callable[[], None]], None]:
    """``AppSession._call_soon_on_event_loop`` (``call_soon``: the original, which schedules one callback on the
    session's event loop from any thread) scheduling ONE run for all the callbacks that arrive until the loop
    gets to it.  Each callback runs in the order it came, in a copy of the context of the thread that handed
    it over (as ``call_soon_threadsafe`` does); an exception in one goes to the loop's exception handler and
    the rest still run."""

    def run_pending(session: Any, wakeups: _Wakeups) -> None:
        while True:
            with wakeups.lock:
                if not wakeups.pending:
                    wakeups.scheduled = False
                    return
                batch, wakeups.pending = wakeups.pending, []
            for context, callback in batch:
                try:
                    context.run(callback)
                except (SystemExit, KeyboardInterrupt):
                    raise
                except BaseException as exc:  # noqa: BLE001 - what asyncio does with a failing callback
                    session._event_loop.call_exception_handler(
                        {"message": f"Exception in callback {callback!r}", "exception": exc})

    def call_soon_batched(session: Any, callback: Callable[[], None]) -> None:
        wakeups = session.__dict__.get(_BATCHED) or session.__dict__.setdefault(_BATCHED, _Wakeups())
        with wakeups.lock:
            wakeups.pending.append((contextvars.copy_context(), callback))
            if wakeups.scheduled:
                return
            wakeups.scheduled = True
        try:
            call_soon(session, lambda: run_pending(session, wakeups))
        except BaseException:
            with wakeups.lock:
                wakeups.scheduled = False
            raise

    call_soon_batched.batches_wakeups = True  # type: ignore[attr-defined]
    return call_soon_batched


def batch_session_wakeups(session_class: type | None = None) -> bool:
    """Install :func:`batched_call_soon` on Streamlit's ``AppSession`` (or ``session_class``); False, changing
    nothing, when that Streamlit has no ``_call_soon_on_event_loop`` (another version: the server still works,
    only without this saving — ``tests/test_ui_server.py`` notices)."""
    if session_class is None:
        from streamlit.runtime.app_session import AppSession as session_class
    original = getattr(session_class, "_call_soon_on_event_loop", None)
    if original is None:
        return False
    if not getattr(original, "batches_wakeups", False):
        session_class._call_soon_on_event_loop = batched_call_soon(original)
    return True
