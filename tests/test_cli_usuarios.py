"""``python -m mpi_dash usuarios …``: create, list, deactivate/reactivate, passwords, access log; exit codes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from upload_helpers import make_db

from mpi_dash.cli import main
from mpi_dash.store import Store

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path)


def run(db: Path, *args: str, stdin: str | None = None, monkeypatch=None) -> int:  # noqa: ANN001
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(["usuarios", *args, "--db", str(db)])


def test_create_with_generated_password_printed_once(db, capsys):
    assert run(db, "crear", "Ana.Lopez", "--nombre", "Ana López", "--rol", "coordinacion", "--programas", "1,6",
               "--correo", "ana@cdmx.gob.mx") == 0
    out = capsys.readouterr().out
    assert "Se creó la cuenta «ana.lopez» (Coordinación, programas 1, 6)." in out
    password = out.split("Contraseña temporal: ")[1].split()[0]
    session = Store(db).login("ana.lopez", password)
    assert session.account.debe_cambiar_contrasena and session.account.correo == "ana@cdmx.gob.mx"
    assert password not in Store(db).dump_sql()


def test_create_with_password_from_stdin(db, capsys, monkeypatch):
    assert run(db, "crear", "dir", "--nombre", "Dirección", "--rol", "direccion", "--contrasena-stdin",
               stdin="una-clave-segura\n", monkeypatch=monkeypatch) == 0
    assert "Contraseña temporal" not in capsys.readouterr().out
    assert not Store(db).login("dir", "una-clave-segura").account.debe_cambiar_contrasena


@pytest.mark.parametrize(("args", "stdin", "code", "message"), [
    (["crear", "x", "--nombre", "X", "--rol", "jefe"], None, 2, "opción no válida: 'jefe'"),
    (["crear", "x", "--rol", "consulta"], None, 2, "faltan argumentos obligatorios: --nombre"),
    (["crear", "x", "--nombre", " ", "--rol", "consulta"], None, 2, "no puede estar vacío"),
    (["crear", "<b>x</b>", "--nombre", "X", "--rol", "consulta"], None, 1, "no es válido"),
    (["crear", "x", "--nombre", "X", "--rol", "coordinacion"], None, 1, "al menos un programa"),
    (["crear", "x", "--nombre", "X", "--rol", "coordinacion", "--programas", "9"], None, 1,
     "No existe el programa 9"),
    (["crear", "x", "--nombre", "X", "--rol", "consulta", "--contrasena-stdin"], "corta\n", 1,
     "al menos 10 caracteres"),
    (["desactivar", "nadie"], None, 1, "No existe la cuenta «nadie»"),
    (["contrasena", "nadie"], None, 1, "No existe la cuenta «nadie»"),
    (["rol", "nadie", "consulta"], None, 1, "No existe la cuenta «nadie»"),
    (["rol", "x", "jefe"], None, 2, "opción no válida: 'jefe'"),
    (["desbloquear", "nadie"], None, 1, "No existe la cuenta «nadie»"),
    (["desbloquear"], None, 2, "faltan argumentos obligatorios: USUARIO"),
    (["bitacora", "--limite", "0"], None, 2, "debe ser mayor que 0"),
    ([], None, 2, "faltan argumentos obligatorios"),
])
def test_refusals_and_usage_errors(db, capsys, monkeypatch, args, stdin, code, message):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    argv = ["usuarios", *args] + (["--db", str(db)] if args else [])
    assert main(argv) == code
    captured = capsys.readouterr()
    assert message in captured.err + captured.out
    assert "Traceback" not in captured.err


def test_list_deactivate_reactivate_and_log(db, capsys, monkeypatch):
    run(db, "crear", "beto", "--nombre", "Beto <i>Pérez</i>", "--rol", "consulta")
    run(db, "crear", "adri", "--nombre", "Adri", "--rol", "administracion")
    capsys.readouterr()
    assert run(db, "listar") == 0
    listing = capsys.readouterr().out
    assert "Beto <i>Pérez</i>" in listing and "Consulta" in listing and "nunca" in listing
    assert run(db, "desactivar", "beto") == 0
    assert "sus sesiones abiertas terminaron" in capsys.readouterr().out
    assert not Store(db).get_account("beto").activa
    assert run(db, "desactivar", "beto") == 1
    assert run(db, "reactivar", "beto") == 0
    assert run(db, "desactivar", "adri") == 1  # the only active administrator
    assert "única cuenta activa de administración" in capsys.readouterr().err
    assert run(db, "bitacora", "--usuario", "beto") == 0
    log = capsys.readouterr().out
    assert "Cuenta desactivada" in log and "Cuenta reactivada" in log and "línea de comandos" in log


def test_recover_admin_password(db, capsys, monkeypatch):
    first = Store(db).ensure_first_admin()
    for _ in range(5):  # the admin locked itself out
        with pytest.raises(Exception):
            Store(db).login("admin", "olvidada-xx")
    assert run(db, "contrasena", "admin", "--contrasena-stdin", stdin="recuperada-123\n",
               monkeypatch=monkeypatch) == 0
    assert Store(db).login("admin", "recuperada-123").account.usuario == "admin"
    with pytest.raises(Exception):
        Store(db).login("admin", first)


def test_usuarios_as_a_process_reads_the_password_from_stdin(db):
    result = subprocess.run([sys.executable, "-m", "mpi_dash", "usuarios", "crear", "luz", "--nombre", "Luz",
                             "--rol", "consulta", "--contrasena-stdin", "--db", str(db)], cwd=REPO_ROOT,
                            input="clave-por-tuberia\n", capture_output=True, text=True, timeout=120,
                            env={**os.environ})
    assert result.returncode == 0, result.stderr
    assert "clave-por-tuberia" not in result.stdout + result.stderr
    assert Store(db).login("luz", "clave-por-tuberia")


def test_the_last_administrator_can_be_neither_deactivated_nor_demoted(db, capsys):
    run(db, "crear", "adri", "--nombre", "Adri", "--rol", "administracion")
    run(db, "crear", "beto", "--nombre", "Beto", "--rol", "consulta")
    capsys.readouterr()
    assert run(db, "rol", "adri", "direccion") == 1
    err = capsys.readouterr().err
    assert "«adri» es la única cuenta activa de administración: no se puede cambiar su rol" in err
    assert "Traceback" not in err
    assert run(db, "desactivar", "adri") == 1
    assert "no se puede desactivarla" in capsys.readouterr().err
    account = Store(db).get_account("adri")
    assert (account.rol.value, account.activa) == ("administracion", True)

    assert run(db, "rol", "beto", "administracion") == 0  # a second administrator: now adri may change
    assert "La cuenta «beto» ahora tiene el rol Administración." in capsys.readouterr().out
    assert run(db, "rol", "adri", "coordinacion", "--programas", "6") == 0
    assert "La cuenta «adri» ahora tiene el rol Coordinación, programas 6." in capsys.readouterr().out
    assert run(db, "rol", "adri", "coordinacion", "--programas", "6") == 0
    assert "ya tenía el rol Coordinación, programas 6: no se cambió nada" in capsys.readouterr().out
    assert run(db, "rol", "beto", "consulta") == 1  # beto is now the only one
    assert Store(db).get_account("beto").rol.value == "administracion"


def test_a_locked_account_lists_as_locked_and_is_unlocked(db, capsys, monkeypatch):
    run(db, "crear", "beto", "--nombre", "Beto", "--rol", "consulta", "--contrasena-stdin",
        stdin="clave-de-beto-1\n", monkeypatch=monkeypatch)
    for _ in range(5):
        with pytest.raises(Exception):
            Store(db).login("beto", "mala-clave-x")
    capsys.readouterr()
    assert run(db, "listar") == 0
    assert "bloqueada hasta " in capsys.readouterr().out
    assert run(db, "desbloquear", "beto") == 0
    assert "Se desbloqueó la cuenta «beto»" in capsys.readouterr().out
    assert Store(db).login("beto", "clave-de-beto-1").account.usuario == "beto"  # same password
    assert run(db, "desbloquear", "beto") == 1
    assert "no está bloqueada" in capsys.readouterr().err
    assert run(db, "bitacora", "--usuario", "beto") == 0
    assert "Cuenta desbloqueada" in capsys.readouterr().out
