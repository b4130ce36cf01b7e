"""Start the dashboard (``make run``): ``app.py`` served by Streamlit, plus the session-cookie routes.

* The heavy libraries (pandas, numpy, plotly, the core) are imported, the data read and Resumen's default
  cut-off built (:func:`warm_up`) *before* the server accepts connections, so the first director who opens
  the dashboard after a restart does not wait for them; then they are frozen out of the garbage collector's
  full collections (:func:`freeze_startup_objects`).
* First start: when the store has no account, ``admin`` (administración) is created with a random password
  printed ONCE here — only to a terminal: under a service manager the output goes to a log file, so there
  the password is not shown and the command printed instead sets it (:func:`admin_password_command`: this
  very Python, from the repository, on this database — a bare ``python`` may lack the project's packages;
  see docs/despliegue.md).  It must be changed at first sign-in.
* The server is an ``st.App`` (Streamlit on Starlette + uvicorn) with two small routes of our own: POST
  ``/_mpi_dash/sesion`` trades a one-time cookie code for the HttpOnly, SameSite=Strict session cookie,
  and POST ``/_mpi_dash/salir`` drops it (see ``mpi_dash.sessions``, docs/dev/sesiones.md); and a middleware
  (:class:`UnknownPageRedirect`) that sends a mistyped page address to the home page, where the shell says so
  in Spanish (Streamlit itself would show an English «Page not found» dialog).

Production by default (``.streamlit/config.toml``: no file watcher, no rerun on save — see docs/despliegue.md).
``--dev`` turns the development conveniences back on: the file watcher and rerun on save, so editing a page
shows at once.

Takes the same ``--server.port 8502``-style options as ``streamlit run``.  The server listens on
127.0.0.1 unless ``--server.address`` says otherwise (``.streamlit/config.toml``).
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy  # noqa: E402,F401  (preloaded on purpose)
import pandas  # noqa: E402,F401
import plotly.graph_objects  # noqa: E402,F401

import mpi_dash.data_access  # noqa: E402,F401
import mpi_dash.engine  # noqa: E402,F401
import mpi_dash.figures  # noqa: E402,F401
import mpi_dash.store  # noqa: E402,F401
import mpi_dash.summary  # noqa: E402,F401
from mpi_dash import config  # noqa: E402
from mpi_dash.errors import StoreError  # noqa: E402
from mpi_dash.sessions import COOKIE_NAME  # noqa: E402

APP = REPO / "app.py"
MAX_BODY = 1024
#: ``--dev``: what production leaves off (options given explicitly on the command line still win).
DEV_OPTIONS: dict[str, object] = {"server.fileWatcherType": "auto", "server.runOnSave": True,
                                   "runner.postScriptGC": True}


def _same_origin(request) -> bool:  # noqa: ANN001 - starlette.requests.Request
    """Browsers send Origin on a POST from a page: it must be this server (no cross-site calls)."""
    origin = request.headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == request.headers.get("host", "")


def _cookie_path() -> str:
    from streamlit import config as st_config

    base = (st_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else "/"


async def set_session_cookie(request):  # noqa: ANN001, ANN201
    """POST body = a one-time cookie code → 204 with the HttpOnly session cookie; 403 otherwise."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    body = (await request.body())[:MAX_BODY].decode("ascii", "replace")
    token = None
    if _same_origin(request):
        try:
            token = await run_in_threadpool(mpi_dash.store.Store().redeem_cookie_code, body.strip())
        except StoreError:
            token = None
    if token is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    # No Max-Age: the cookie lives until the browser closes; the server ends the session earlier on
    # inactivity, sign-out, deactivation or a password change.
    response.set_cookie(COOKIE_NAME, token, httponly=True, samesite="strict", path=_cookie_path(),
                        secure=request.url.scheme == "https")
    return response


async def clear_session_cookie(request):  # noqa: ANN001, ANN201
    from starlette.responses import Response

    response = Response(status_code=204)
    if _same_origin(request):
        response.delete_cookie(COOKIE_NAME, path=_cookie_path(), httponly=True, samesite="strict")
    return response


PAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
#: One-segment addresses Streamlit serves itself (besides files, which have a dot, and ``_stcore``-like ones).
STREAMLIT_PATHS = frozenset({"oauth2callback"})


def unknown_page(path: str, base: str, known: frozenset[str]) -> str | None:
    """The page name of a request ``path`` that looks like a page address (one segment under the
    ``server.baseUrlPath`` ``base``, letters, digits, ``-`` or ``_``, not a file nor Streamlit's own) but names
    none of the ``known`` pages; None for anything else (served as usual)."""
    base, rest = base.strip("/"), path.strip("/")
    if base:
        if rest != base and not rest.startswith(base + "/"):
            return None
        rest = rest[len(base):].strip("/")
    if "/" in rest or not PAGE_NAME.fullmatch(rest) or rest in known or rest in STREAMLIT_PATHS:
        return None
    return rest


class UnknownPageRedirect:
    """ASGI middleware: a GET of a page address that names no page (:func:`unknown_page`) → 302 to the home page
    with the same query (``embed=true``, the cut-off) plus ``pagina_no_encontrada=NAME``
    (``ui_shell.not_found_notice`` says so in Spanish).  Everything else —
    the websocket, files, the known pages — passes through untouched."""

    def __init__(self, app, known: frozenset[str]) -> None:  # noqa: ANN001 - an ASGI app
        self.app, self.known = app, known

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001 - ASGI
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            base = _cookie_path()  # "/" or "/<server.baseUrlPath>"
            name = unknown_page(scope["path"], base, self.known)
            if name is not None:
                from urllib.parse import quote

                from starlette.responses import RedirectResponse
                from ui_shell import NOT_FOUND_PARAM

                home = base.rstrip("/") + "/"
                kept = scope.get("query_string", b"").decode("latin-1")  # ?embed=true&trimestre=… still apply
                query = f"{kept}&" if kept else ""
                await RedirectResponse(f"{home}?{query}{NOT_FOUND_PARAM}={quote(name)}", status_code=302)(
                    scope, receive, send)
                return
        await self.app(scope, receive, send)


def build_app():  # noqa: ANN201 - streamlit.starlette.App
    """``app.py`` with the two cookie routes and the app's stylesheet (also under a ``server.baseUrlPath``
    prefix), the redirect of mistyped page addresses (:class:`UnknownPageRedirect`), the stylesheet's link in
    every HTML page (``ui_server``)."""
    import streamlit as st
    from starlette.middleware import Middleware
    from starlette.routing import Route

    import ui_server
    import ui_shell

    ui_shell.CSS_LINKED_BY_SERVER = True  # the middleware below links it from every page
    return st.App(str(APP), routes=[
        Route("/{prefix:path}_mpi_dash/sesion", set_session_cookie, methods=["POST"]),
        Route("/{prefix:path}_mpi_dash/salir", clear_session_cookie, methods=["POST"]),
        Route("/{prefix:path}" + ui_server.STYLESHEET_ROUTE, ui_server.serve_stylesheet, methods=["GET"]),
    ], middleware=[Middleware(UnknownPageRedirect, known=ui_shell.url_paths()),
                   Middleware(ui_server.StylesheetLink, link=ui_server.link_tag(ui_server.stylesheet()[1]))])


def admin_password_command() -> str:
    """The command that gives ``admin`` a new temporary password, as it works when pasted into a shell: the
    Python running this server (the project's environment: a bare ``python`` lacks pandas), run from the
    repository (``-m mpi_dash`` is not installed elsewhere), on this server's database."""
    command = [sys.executable, "-m", "mpi_dash", "usuarios", "contrasena", "admin"]
    if os.environ.get(config.DB_ENV):
        command += ["--db", str(config.db_path().resolve())]
    return f"cd {shlex.quote(str(REPO))} && {shlex.join(command)}"


def first_start(stream=None, *, interactive: bool | None = None) -> str | None:  # noqa: ANN001
    """Create ``admin`` when the store has no account; print its password once (only to a terminal).
    Returns the message printed (None when there was nothing to do, or in read-only workbook mode)."""
    stream = stream or sys.stdout
    if config.read_only_workbook():
        return None
    try:
        password = mpi_dash.store.Store().ensure_first_admin()
    except StoreError as exc:
        message = f"No se pudo preparar la base de datos: {exc}"
        print(message, file=sys.stderr, flush=True)
        return message
    if password is None:
        return None
    interactive = stream.isatty() if interactive is None else interactive
    command = admin_password_command()
    if interactive:
        message = ("\n  Primera vez: se creó la cuenta «admin» (Administración).\n"
                   f"  Contraseña temporal: {password}\n"
                   "  Se muestra solo esta vez y no se guarda en ningún archivo: anótela. Al entrar, el tablero\n"
                   "  pedirá cambiarla. Si la pierde, en otra terminal:\n"
                   f"    {command}\n")
    else:
        message = ("Primera vez: se creó la cuenta «admin» (Administración). Su contraseña temporal no se "
                   "muestra porque esta salida no es una terminal (quedaría en un registro). Asígnela con: "
                   f"{command}")
    print(message, file=stream, flush=True)
    return message


def warm_up(stream=None) -> bool:  # noqa: ANN001
    """Read the data and build Resumen's default cut-off before the server accepts connections
    (``ui_resumen.warm_up``), so the first director after a restart does not wait for it (~0.5 s of Plotly's
    first figures, measured by benchmarks/bench_dashboard.py).  Never stops the start: with invalid or
    missing data it says so and the pages explain it in Spanish.  Returns True when the data were ready."""
    import logging

    stream = stream or sys.stderr
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "missing ScriptRunContext": expected, nothing runs a page yet
    try:
        import ui_resumen

        ui_resumen.warm_up()
        return True
    except Exception as exc:  # noqa: BLE001 - the page shows the problem in Spanish to whoever opens it
        print(f"Aviso: no se pudieron preparar los datos al arrancar ({type(exc).__name__}: {exc}); el tablero "
              "lo explicará en la primera visita.", file=stream, flush=True)
        return False
    finally:
        quiet.setLevel(level)


def freeze_startup_objects() -> None:
    """Move everything loaded so far (libraries, the data, Resumen's default cut-off) out of the garbage
    collector's sight (``gc.freeze``): they live as long as the server, yet every full collection scanned
    them — ~0.1 s each, several times during a burst of visits (Junta scale: 30 officials at once).  Objects
    made later are collected as usual; reference counting still frees anything that loses its last
    reference, frozen or not."""
    import gc

    gc.collect()
    gc.freeze()


def server_options(flags: dict[str, object], *, dev: bool = False) -> dict[str, object]:
    """Streamlit options from click's ``--server.port``-style flags; ``dev`` adds :data:`DEV_OPTIONS`."""
    overrides = {name.replace("_", "."): value for name, value in flags.items() if value is not None and value != ()}
    if dev:
        overrides = {**DEV_OPTIONS, **overrides}
    return overrides


def main(argv: list[str] | None = None) -> int:
    """Parse ``streamlit run``-style options, prepare the first account, and serve ``app.py``."""
    import click
    from streamlit.web.cli import configurator_options

    @click.command(context_settings={"help_option_names": ["-h", "--help"]})
    @click.option("--dev", is_flag=True, default=False,
                  help="modo de desarrollo: vigila los archivos y vuelve a ejecutar la página al guardar")
    @configurator_options
    def serve(dev: bool, **flags: object) -> None:
        overrides = server_options(flags, dev=dev)
        first_start()
        warm_up()
        freeze_startup_objects()
        import ui_server

        ui_server.batch_session_wakeups()  # one event-loop wake-up per burst of a session's messages
        # App.run() takes the launcher's folder for the script-level .streamlit/ (config.toml, secrets.toml):
        # name app.py itself as the launcher, so it is the repository's .streamlit/ from any directory.
        sys.argv = [str(APP)]
        build_app().run(config=overrides)

    return serve.main(args=list(sys.argv[1:] if argv is None else argv), prog_name="serve.py",
                      standalone_mode=True) or 0


if __name__ == "__main__":
    sys.exit(main())
