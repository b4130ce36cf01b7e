"""errors.py: one Spanish reason for every SQLite / file-system failure, shared by the store and the CLI."""

from __future__ import annotations

import errno
import os
import sqlite3

import pytest

from mpi_dash.errors import ConfigError, StoreError, spanish_reason


def sqlite_error(name: str) -> sqlite3.Error:
    exc = sqlite3.OperationalError("database is locked")
    exc.sqlite_errorname = name  # what sqlite3 sets on errors raised by SQLite itself
    return exc


@pytest.mark.parametrize(("exc", "expected"), [
    (sqlite3.OperationalError("unable to open database file"), "error interno de SQLite"),
    (sqlite_error("SQLITE_BUSY"),
     "la base de datos está ocupada por otro proceso (se esperó y no se liberó)"),
    (sqlite_error("SQLITE_IOERR_WRITE"), "error de lectura o escritura en el disco"),  # extended code
    (sqlite_error("SQLITE_WEIRD"), "error interno de SQLite (SQLITE_WEIRD)"),
    (OSError(errno.EACCES, "Permission denied"), "no hay permiso para usar esa ruta"),
    (OSError(errno.ENOSPC, "No space left on device"), "el disco está lleno"),
    (OSError(errno.EROFS, "Read-only file system"), "el disco es de solo lectura"),
    (OSError(errno.EIO, "Input/output error"), "error de lectura o escritura en el disco"),
    (OSError(errno.ENOENT, "No such file or directory"), "no existe la carpeta o el archivo"),
    (OSError(errno.ENOTDIR, "Not a directory"), "una parte de la ruta es un archivo, no una carpeta"),
    (OSError(errno.EISDIR, "Is a directory"), "es una carpeta, no un archivo"),
    (OSError(errno.ELOOP, "Too many levels of symbolic links"),
     "error del sistema de archivos (código ELOOP)"),
    (KeyError("x"), "error inesperado"),
])
def test_spanish_reason_never_english(exc, expected):
    reason = spanish_reason(exc)
    assert reason == expected
    if isinstance(exc, OSError):
        assert os.strerror(exc.errno) not in reason


def test_config_errors_are_store_errors():
    """Pages and the command line report an invalid setting like any store error."""
    assert issubclass(ConfigError, StoreError)
