"""Resumen: every program's result at the chosen cut-off, where the problems are, and each program's trend
(the body is ``ui_resumen.show``: compiled once per process, not at every clearing of Streamlit's script cache)."""

from ui_common import ensure_app_shell

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py

from ui_resumen import show  # noqa: E402 - after ensure_app_shell, like every page

show()
