"""ui_server: the app's stylesheet linked from every HTML page (instead of sent in every session), and one
event-loop wake-up for a burst of a session's messages — same callbacks, same order."""

from __future__ import annotations

import asyncio
import contextvars
import gzip
import shutil
import threading
from pathlib import Path

import pytest
from streamlit.runtime.app_session import AppSession

import ui_server
import ui_shell

REPO = Path(__file__).resolve().parent.parent
LINK = b'<link rel="stylesheet" href="./_mpi_dash/tablero.css?v=abc">'
PAGE = b"<!doctype html><html><head><title>Tablero</title></head><body><div id=root></div></body></html>"


# --- the stylesheet -------------------------------------------------------------------------------------------

def test_the_link_goes_last_in_the_body_so_the_app_rules_win_ties():
    assert ui_server.with_link(PAGE, LINK) == PAGE.replace(b"</body>", LINK + b"</body>")
    assert ui_server.with_link(PAGE.upper(), LINK).endswith(LINK + b"</BODY></HTML>")
    assert ui_server.with_link(b"no es html", LINK) == b"no es html"


def test_the_stylesheet_is_the_app_css_and_its_address_changes_with_it(monkeypatch):
    css, version = ui_server.stylesheet()
    assert css == ui_shell.APP_CSS.encode("utf-8")
    assert ui_server.link_tag(version) == \
        f'<link rel="stylesheet" href="./_mpi_dash/tablero.css?v={version}">'.encode()
    response = asyncio.run(ui_server.serve_stylesheet(None))
    assert response.body == css
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert "immutable" in response.headers["cache-control"]
    monkeypatch.setattr(ui_shell, "APP_CSS", ui_shell.APP_CSS + " .otra { color: red; }")
    assert ui_server.stylesheet()[1] != version


def _get(app, path: str, headers: list[tuple[bytes, bytes]] = (), method: str = "GET"):
    """(start message, whole body) of one request through the ASGI ``app``."""
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "query_string": b"", "headers": list(headers),
             "root_path": "", "scheme": "http", "server": ("127.0.0.1", 8501), "http_version": "1.1"}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def _streamlit(seen: list, *, content_type=b"text/html; charset=utf-8", chunks=(PAGE,), encoding=None,
               status=200):
    """Stands for Streamlit's static files: what it got, what it answers."""
    async def app(scope, receive, send):
        seen.append(scope)
        headers = [(b"content-type", content_type), (b"etag", b'"1"'), (b"last-modified", b"ayer"),
                   (b"cache-control", b"no-cache"),
                   (b"content-length", str(sum(map(len, chunks))).encode())]
        if encoding:
            headers.append((b"content-encoding", encoding))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for i, chunk in enumerate(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": i < len(chunks) - 1})
    return app


def _headers(start) -> dict[bytes, bytes]:
    return dict(start["headers"])


@pytest.mark.parametrize("path", ["/", "/programa", "/tablero/presentacion"])
def test_every_html_page_gets_the_link_and_a_fresh_length(path):
    seen = []
    start, body = _get(ui_server.StylesheetLink(_streamlit(seen), LINK), path,
                       [(b"if-none-match", b'"1"'), (b"If-Modified-Since", b"ayer"), (b"accept", b"text/html")])
    assert body == ui_server.with_link(PAGE, LINK)
    headers = _headers(start)
    assert headers[b"content-length"] == str(len(body)).encode()
    assert b"etag" not in headers and b"last-modified" not in headers   # never a copy kept without the link
    assert headers[b"cache-control"] == b"no-cache"
    assert seen[0]["headers"] == [(b"accept", b"text/html")]             # no 304 for an old copy either


def test_a_page_sent_in_pieces_or_compressed_still_gets_the_link():
    half = len(PAGE) // 2
    _, body = _get(ui_server.StylesheetLink(_streamlit([], chunks=(PAGE[:half], PAGE[half:])), LINK), "/")
    assert body == ui_server.with_link(PAGE, LINK)
    start, body = _get(ui_server.StylesheetLink(_streamlit([], chunks=(gzip.compress(PAGE),), encoding=b"gzip"),
                                                LINK), "/programa")
    assert body == ui_server.with_link(PAGE, LINK)
    assert b"content-encoding" not in _headers(start)


def test_files_and_other_answers_pass_untouched():
    script = b"console.log('tablero')"
    seen = []
    start, body = _get(ui_server.StylesheetLink(_streamlit(seen, content_type=b"text/javascript",
                                                           chunks=(script,)), LINK),
                       "/static/js/index.js", [(b"if-none-match", b'"1"')])
    assert body == script and _headers(start)[b"etag"] == b'"1"'
    assert seen[0]["headers"] == [(b"if-none-match", b'"1"')]           # files keep their 304s
    answers = [(_streamlit([], content_type=b"application/json", chunks=(b"{}",)), "/_stcore/x", "GET", b"{}"),
               (_streamlit([], status=404), "/programa", "GET", PAGE),
               (_streamlit([]), "/programa", "POST", PAGE)]
    for app, path, method, expected in answers:
        assert _get(ui_server.StylesheetLink(app, LINK), path, method=method)[1] == expected


def test_the_server_links_the_css_and_the_shell_then_leaves_it_out_of_the_page(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from mpi_dash import config

    shutil.copy(REPO / "data" / "plan_2023.xlsx", tmp_path / "plan.xlsx")   # the bundled data, read-only
    monkeypatch.setenv(config.WORKBOOK_ENV, str(tmp_path / "plan.xlsx"))
    monkeypatch.delenv("MPI_DASH_DB", raising=False)

    def styles(linked: bool) -> list[str]:
        ui_shell.CSS_LINKED_BY_SERVER = linked
        try:
            at = AppTest.from_file("../app.py", default_timeout=60).run()
        finally:
            ui_shell.CSS_LINKED_BY_SERVER = False
        assert not at.exception
        return [el.proto.body for el in at.get("html")]

    assert any(ui_shell.APP_CSS in body for body in styles(linked=False))       # streamlit run app.py, AppTest
    assert not any(ui_shell.APP_CSS in body for body in styles(linked=True))    # scripts/serve.py


# --- one wake-up for a burst of messages ----------------------------------------------------------------------

class _Session:
    """Stands for Streamlit's AppSession: ``_call_soon_on_event_loop`` as Streamlit writes it."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._event_loop = loop
        self.wakeups = 0

    def _call_soon_on_event_loop(self, callback) -> None:
        self.wakeups += 1
        self._event_loop.call_soon_threadsafe(callback)


@pytest.fixture()
def loop():
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


def _batched_class() -> type:
    cls = type("Session", (_Session,), {})
    assert ui_server.batch_session_wakeups(cls)
    return cls


def test_callbacks_handed_over_while_the_loop_is_busy_run_in_order_after_one_wakeup(loop):
    session = _batched_class()(loop)
    busy, ran, done = threading.Event(), [], threading.Event()
    session._call_soon_on_event_loop(lambda: busy.wait(5))                  # the loop is busy with another visit
    for i in range(100):
        session._call_soon_on_event_loop(lambda i=i: ran.append(i))
    session._call_soon_on_event_loop(done.set)
    busy.set()
    assert done.wait(5)
    assert ran == list(range(100))
    assert session.wakeups == 1                                             # not 102
    session._call_soon_on_event_loop(lambda: ran.append("otra"))           # an idle loop is woken again
    after = threading.Event()
    session._call_soon_on_event_loop(after.set)
    assert after.wait(5) and ran[-1] == "otra" and 2 <= session.wakeups <= 3


def test_a_failing_callback_goes_to_the_loop_handler_and_the_rest_still_run(loop):
    errors, ran, done = [], [], threading.Event()
    loop.set_exception_handler(lambda _loop, context: errors.append(context["exception"]))
    session = _batched_class()(loop)
    busy = threading.Event()
    session._call_soon_on_event_loop(lambda: busy.wait(5))
    session._call_soon_on_event_loop(lambda: 1 / 0)
    session._call_soon_on_event_loop(lambda: ran.append("después"))
    session._call_soon_on_event_loop(done.set)
    busy.set()
    assert done.wait(5)
    assert ran == ["después"] and [type(e) for e in errors] == [ZeroDivisionError]


def test_each_callback_runs_in_the_context_it_was_handed_over_in(loop):
    var = contextvars.ContextVar("visita")
    session = _batched_class()(loop)
    busy, seen, done = threading.Event(), [], threading.Event()
    session._call_soon_on_event_loop(lambda: busy.wait(5))
    for name in ("a", "b"):
        var.set(name)
        session._call_soon_on_event_loop(lambda: seen.append(var.get()))
    session._call_soon_on_event_loop(done.set)
    busy.set()
    assert done.wait(5) and seen == ["a", "b"]


def test_installed_once_and_only_where_streamlit_has_the_method():
    cls = _batched_class()
    batched = cls._call_soon_on_event_loop
    assert ui_server.batch_session_wakeups(cls) and cls._call_soon_on_event_loop is batched   # not wrapped twice
    assert not ui_server.batch_session_wakeups(type("Other", (), {}))
    # The pinned Streamlit has the method (a new version without it would silently lose the saving).
    streamlit_session = type("StreamlitSession", (AppSession,), {})
    assert ui_server.batch_session_wakeups(streamlit_session)
    assert streamlit_session._call_soon_on_event_loop.batches_wakeups
    assert not getattr(AppSession._call_soon_on_event_loop, "batches_wakeups", False)   # Streamlit's own untouched
