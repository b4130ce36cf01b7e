"""Accounts for the page and browser tests: one per role, a known password, and signing in.

``add_accounts(path)`` creates (through the store, as the administrative command line) ``cony``
(consulta), ``coco`` (coordinación of program 1), ``ana`` (dirección, «Ana López»), ``beto`` (dirección)
and ``adri`` (administración), all with :data:`PASSWORD` (no forced change).  ``signed_in`` opens a page in
``AppTest`` with a real session of the store (as if the person had signed in); ``sign_in_with_form`` types
into the «Usuario»/«Contraseña» form and presses «Entrar».
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from upload_helpers import make_db

from mpi_dash import config
from mpi_dash.accounts import Account, CliActor
from mpi_dash.store import Store

REPO_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "clave-de-prueba-1"
ADMIN_CLI = CliActor("pruebas")
ACCOUNTS = {  # usuario: (nombre, rol, programas)
    "cony": ("Consuelo Ruiz", "consulta", ()),
    "coco": ("Coordinación Uno", "coordinacion", ("1",)),
    "ana": ("Ana López", "direccion", ()),
    "beto": ("Beto", "direccion", ()),
    "adri": ("Adriana Admin", "administracion", ()),
}
BY_ROLE = {"consulta": "cony", "coordinacion": "coco", "direccion": "ana", "administracion": "adri"}
TOKEN_KEY = "_mpi_sesion"  # ui_auth.TOKEN (not imported: ui_auth imports streamlit's page machinery)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app's database for a page test (import it into the test module): the test store of
    ``upload_helpers.make_db`` with the accounts of :func:`add_accounts`; no workbook, no public reading, the
    default session length."""
    path = make_db(tmp_path)
    monkeypatch.setenv(config.DB_ENV, str(path))
    for name in (config.WORKBOOK_ENV, config.PUBLIC_READING_ENV, config.SESSION_HOURS_ENV):
        monkeypatch.delenv(name, raising=False)
    add_accounts(path)
    return path


def add_accounts(path: Path | str) -> dict[str, Account]:
    store = Store(path)
    made = {}
    for usuario, (nombre, rol, programas) in ACCOUNTS.items():
        made[usuario], _ = store.create_account(ADMIN_CLI, usuario, nombre=nombre, rol=rol, programas=programas,
                                                contrasena=PASSWORD)
    return made


def signed_in(script: str, path: Path | str, usuario: str, *, run: bool = True) -> AppTest:
    """``script`` (relative to the repository) in AppTest, signed in as ``usuario``."""
    at = AppTest.from_file(str(REPO_ROOT / script), default_timeout=60)
    at.session_state[TOKEN_KEY] = Store(path).login(usuario, PASSWORD).token
    if run:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in_with_form(at: AppTest, usuario: str, password: str = PASSWORD) -> AppTest:
    (user_box,) = [t for t in at.text_input if t.label == "Usuario"]
    (password_box,) = [t for t in at.text_input if t.label == "Contraseña"]
    user_box.input(usuario)
    password_box.input(password)
    (button,) = [b for b in at.button if b.label == "Entrar"]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at
