"""``python -m mpi_dash usuarios …``: accounts from the command line (administrative: shell access).

* ``usuarios crear USUARIO --nombre NOMBRE --rol {consulta,coordinacion,direccion,administracion}
  [--programas 1,3] [--correo CORREO] [--contrasena-stdin]`` — without ``--contrasena-stdin`` a one-time
  password is generated and printed once (it must be changed at first sign-in);
* ``usuarios listar`` (the state reads «bloqueada hasta HH:MM» during a sign-in lockout);
  ``usuarios desactivar USUARIO``; ``usuarios reactivar USUARIO``;
* ``usuarios rol USUARIO ROL [--programas 1,3]`` — another role (and programs, for coordinación);
* ``usuarios contrasena USUARIO [--contrasena-stdin]`` — also the way to recover the ``admin`` account;
* ``usuarios desbloquear USUARIO`` — lift a lockout after too many failed sign-ins (password unchanged);
* ``usuarios bitacora [--usuario U] [--limite N]`` — the access log, newest first.

The last active administración account can be neither deactivated nor given another role (the store
refuses, exit 1).  The command line acts as :class:`~mpi_dash.accounts.CliActor` named after the operating-system user, as
the access log records it.  A password is read from standard input (without echo on a terminal), never
from an argument (arguments show in the process list and the shell history).  Exit codes: 0 ok,
1 refused (the message says why), 2 usage.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from mpi_dash.cli import (
    EXIT_INVALID,
    EXIT_OK,
    SpanishArgumentParser,
    _db_option,
    _print,
    _text,
    on_store,
    print_table,
    whole_number_type,
)

if TYPE_CHECKING:
    from mpi_dash.store import Store

ROLES = ("consulta", "coordinacion", "direccion", "administracion")


def _cli_actor():  # noqa: ANN202 - accounts.CliActor (imported lazily)
    from mpi_dash.accounts import CliActor

    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        who = "usuario del sistema desconocido"
    return CliActor(who)


def _read_password() -> str | None:
    """The password from standard input: without echo on a terminal, else its first line."""
    if sys.stdin is None:
        return None
    if sys.stdin.isatty():
        first = getpass.getpass("Contraseña nueva: ")
        if getpass.getpass("Repítala: ") != first:
            _print("Error: las dos contraseñas no coinciden; no se cambió nada.", sys.stderr)
            return None
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _one_time(password: str) -> None:
    _print(f"Contraseña temporal: {password}")
    _print("Se muestra solo esta vez: entréguela a la persona por un medio seguro; deberá cambiarla al entrar.")


@on_store
def cmd_crear(args: argparse.Namespace, store: Store) -> int:
    from mpi_dash.accounts import parse_programas, programas_text

    password = _read_password() if args.contrasena_stdin else None
    if args.contrasena_stdin and password is None:
        return EXIT_INVALID
    account, generated = store.create_account(
        _cli_actor(), args.usuario, nombre=args.nombre, rol=args.rol, correo=args.correo,
        programas=parse_programas(args.programas or ""), contrasena=password)
    programs = f", programas {programas_text(account.programas)}" if account.programas else ""
    _print(f"Se creó la cuenta «{account.usuario}» ({account.rol_label}{programs}).")
    if generated:
        _one_time(generated)
    return EXIT_OK


def _show_table(args: argparse.Namespace, load, empty: str) -> int:  # noqa: ANN001 - Store → DataFrame
    """Print the table ``load(store)`` makes (or ``empty`` when it has no rows)."""

    @on_store
    def show(args: argparse.Namespace, store: Store) -> int:
        table = load(store)
        if table.empty:
            _print(empty)
        else:
            print_table(list(table.columns), table.astype(str).values.tolist())
        return EXIT_OK

    return show(args)


def cmd_listar(args: argparse.Namespace) -> int:
    from mpi_dash.accounts import accounts_table

    return _show_table(args, lambda store: accounts_table(store.list_accounts()),
                       "No hay cuentas todavía: se crea «admin» al arrancar el tablero, o use «usuarios crear».")


def _set_active(args: argparse.Namespace, activa: bool) -> int:
    @on_store
    def change(args: argparse.Namespace, store: Store) -> int:
        account = store.set_active(_cli_actor(), args.usuario, activa)
        if activa:
            _print(f"Se reactivó la cuenta «{account.usuario}»: ya puede entrar con su contraseña.")
        else:
            _print(f"Se desactivó la cuenta «{account.usuario}»: sus sesiones abiertas terminaron y no puede "
                   "entrar. Sus revisiones se conservan.")
        return EXIT_OK

    return change(args)


def cmd_desactivar(args: argparse.Namespace) -> int:
    return _set_active(args, False)


def cmd_reactivar(args: argparse.Namespace) -> int:
    return _set_active(args, True)


@on_store
def cmd_contrasena(args: argparse.Namespace, store: Store) -> int:
    password = _read_password() if args.contrasena_stdin else None
    if args.contrasena_stdin and password is None:
        return EXIT_INVALID
    generated = store.reset_password(_cli_actor(), args.usuario, contrasena=password)
    _print(f"Se cambió la contraseña de «{args.usuario.strip().lower()}»: sus sesiones abiertas terminaron "
           "y, si estaba bloqueada por intentos fallidos, ya puede entrar.")
    if generated:
        _one_time(generated)
    return EXIT_OK


@on_store
def cmd_rol(args: argparse.Namespace, store: Store) -> int:
    from mpi_dash.accounts import AccountError, normalize_usuario, parse_programas, programas_text

    current = store.get_account(args.usuario)
    if current is None:
        raise AccountError(f"No existe la cuenta «{normalize_usuario(args.usuario)}».")
    account = store.update_account(_cli_actor(), current.usuario, version=current.version, nombre=current.nombre,
                                   rol=args.rol, programas=parse_programas(args.programas or ""),
                                   correo=current.correo)
    programs = f", programas {programas_text(account.programas)}" if account.programas else ""
    if (account.rol, account.programas) == (current.rol, current.programas):
        _print(f"La cuenta «{account.usuario}» ya tenía el rol {account.rol_label}{programs}: no se cambió nada.")
    else:
        _print(f"La cuenta «{account.usuario}» ahora tiene el rol {account.rol_label}{programs}.")
    return EXIT_OK


@on_store
def cmd_desbloquear(args: argparse.Namespace, store: Store) -> int:
    account = store.unlock(_cli_actor(), args.usuario)
    _print(f"Se desbloqueó la cuenta «{account.usuario}»: ya puede volver a entrar con su contraseña de siempre.")
    return EXIT_OK


def cmd_bitacora(args: argparse.Namespace) -> int:
    from mpi_dash.accounts import access_log_table

    return _show_table(args, lambda store: access_log_table(store.access_log(limit=args.limite,
                                                                             usuario=args.usuario)),
                       "La bitácora de accesos está vacía.")


_limit = whole_number_type("un número entero", "debe ser mayor que 0")


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contrasena-stdin", action="store_true",
                        help="lee la contraseña de la entrada estándar (sin eco en una terminal) en vez de "
                        "generar una temporal")


def add_usuarios(subparsers: argparse._SubParsersAction) -> None:
    """The ``usuarios`` command and its subcommands."""
    parser = subparsers.add_parser(
        "usuarios", help="cuentas del tablero: crear, listar, desactivar, rol, contraseñas, desbloquear, "
        "bitácora",
        description="Administra las cuentas del tablero (requiere acceso al servidor). Código de salida: "
        "0 hecho, 1 rechazado (el mensaje dice por qué), 2 error de uso.")
    sub = parser.add_subparsers(title="subcomandos", dest="subcomando", metavar="SUBCOMANDO",
                                parser_class=SpanishArgumentParser)
    sub.required = True

    crear = sub.add_parser("crear", help="crea una cuenta",
                           description="Crea una cuenta. Sin --contrasena-stdin genera una contraseña temporal, "
                           "la muestra una sola vez y la persona debe cambiarla al entrar.")
    crear.add_argument("usuario", metavar="USUARIO", help="nombre de usuario (minúsculas, por ejemplo ana.lopez)")
    crear.add_argument("--nombre", type=_text, required=True, metavar="NOMBRE", help="nombre de la persona")
    crear.add_argument("--rol", required=True, choices=ROLES, help="rol de la cuenta")
    crear.add_argument("--programas", metavar="1,3", default=None,
                       help="programas asignados (solo para coordinación), separados por comas")
    crear.add_argument("--correo", metavar="CORREO", default=None,
                       help="correo institucional (para entrar con el proveedor de identidad)")
    _password_option(crear)
    crear.set_defaults(func=cmd_crear)

    listar = sub.add_parser("listar", help="lista las cuentas", description="Lista todas las cuentas.")
    listar.set_defaults(func=cmd_listar)

    for name, func, text in (("desactivar", cmd_desactivar, "desactiva una cuenta (nunca se borra)"),
                             ("reactivar", cmd_reactivar, "reactiva una cuenta desactivada")):
        cmd = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        cmd.add_argument("usuario", metavar="USUARIO")
        cmd.set_defaults(func=func)

    rol = sub.add_parser(
        "rol", help="cambia el rol de una cuenta (y sus programas, si es de coordinación)",
        description="Cambia el rol de una cuenta. La única cuenta activa de administración no puede cambiar "
        "de rol: cree o reactive otra antes.")
    rol.add_argument("usuario", metavar="USUARIO")
    rol.add_argument("rol", choices=ROLES, metavar="ROL", help="uno de: " + ", ".join(ROLES))
    rol.add_argument("--programas", metavar="1,3", default=None,
                     help="programas asignados (solo para coordinación), separados por comas")
    rol.set_defaults(func=cmd_rol)

    desbloquear = sub.add_parser(
        "desbloquear", help="levanta el bloqueo por intentos fallidos de una cuenta",
        description="Levanta el bloqueo de una cuenta tras demasiados intentos fallidos de entrar, sin "
        "cambiar su contraseña.")
    desbloquear.add_argument("usuario", metavar="USUARIO")
    desbloquear.set_defaults(func=cmd_desbloquear)

    contrasena = sub.add_parser(
        "contrasena", help="restablece la contraseña de una cuenta (también para recuperar «admin»)",
        description="Restablece la contraseña: termina las sesiones abiertas de la cuenta y levanta un bloqueo "
        "por intentos fallidos. Sin --contrasena-stdin genera una temporal que debe cambiarse al entrar.")
    contrasena.add_argument("usuario", metavar="USUARIO")
    _password_option(contrasena)
    contrasena.set_defaults(func=cmd_contrasena)

    bitacora = sub.add_parser("bitacora", help="muestra la bitácora de accesos",
                              description="Entradas, intentos fallidos, bloqueos, permisos denegados y cambios "
                              "de cuentas, del más reciente al más antiguo.")
    bitacora.add_argument("--usuario", metavar="USUARIO", default=None, help="solo los de este usuario")
    bitacora.add_argument("--limite", type=_limit, metavar="N", default=200, help="cuántos (200 por omisión)")
    bitacora.set_defaults(func=cmd_bitacora)

    for cmd in (crear, listar, rol, contrasena, desbloquear, bitacora,
                *[sub.choices[n] for n in ("desactivar", "reactivar")]):
        _db_option(cmd)
