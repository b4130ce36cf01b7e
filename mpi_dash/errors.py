"""Errors people read, in Spanish: the store's error types and THE mapping of SQLite / file-system failures.

SQLite and the operating system describe failures in English (``database is locked``, ``Permission
denied``).  Nothing English reaches a person: :func:`spanish_reason` turns such an exception into a short
Spanish reason, the same words for the store (``mpi_dash.store``), the command line and the pages; the
caller says what could not be done ("No se pudo escribir «x»: …") and keeps the original exception chained
(``raise … from exc``) for the logs.

Stdlib only.
"""

from __future__ import annotations

import errno
import sqlite3


class StoreError(Exception):
    """A store operation that cannot be done; ``str(error)`` is a Spanish message for the user."""


class ConfigError(StoreError):
    """An invalid setting (environment variable, config file): the message names it, its value and what
    was expected.  A :class:`StoreError`, because the store cannot work with it (pages and command line
    show it like any other store error)."""


SQLITE_REASONS: dict[str, str] = {
    "SQLITE_BUSY": "la base de datos está ocupada por otro proceso (se esperó y no se liberó)",
    "SQLITE_LOCKED": "la base de datos está bloqueada por otra operación",
    "SQLITE_CANTOPEN": "no se puede abrir el archivo (revise la ruta y los permisos)",
    "SQLITE_NOTADB": "el archivo no es una base de datos SQLite",
    "SQLITE_CORRUPT": "el archivo de la base de datos está dañado",
    "SQLITE_READONLY": "no hay permiso para escribir en la base de datos",
    "SQLITE_PERM": "no hay permiso para usar la base de datos",
    "SQLITE_FULL": "el disco está lleno",
    "SQLITE_IOERR": "error de lectura o escritura en el disco",
    "SQLITE_AUTH": "acceso no autorizado a la base de datos",
    "SQLITE_CONSTRAINT": "los datos no cumplen una restricción de la base de datos",
}
# By errno name (``errno.errorcode``): names are the same on every platform, numbers are not.
OS_REASONS: dict[str, str] = {
    "ENOENT": "no existe la carpeta o el archivo",
    "ENOTDIR": "una parte de la ruta es un archivo, no una carpeta",
    "EEXIST": "una parte de la ruta es un archivo, no una carpeta",  # mkdir over an existing file
    "EISDIR": "es una carpeta, no un archivo",
    "EACCES": "no hay permiso para usar esa ruta",
    "EPERM": "no hay permiso para usar esa ruta",
    "EROFS": "el disco es de solo lectura",
    "ENOSPC": "el disco está lleno",
    "EDQUOT": "se agotó la cuota de disco",
    "EFBIG": "el archivo sería demasiado grande",
    "ENAMETOOLONG": "el nombre o la ruta es demasiado largo",
    "EBUSY": "el archivo está en uso",
    "ETXTBSY": "el archivo está en uso",
    "EIO": "error de lectura o escritura en el disco",
}


def spanish_reason(exc: BaseException) -> str:
    """A short Spanish reason for an SQLite or file-system failure (never the English text)."""
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        for code, text in SQLITE_REASONS.items():
            if name == code or name.startswith(code + "_"):
                return text
        return f"error interno de SQLite ({name})" if name else "error interno de SQLite"
    if isinstance(exc, OSError):
        name = errno.errorcode.get(exc.errno or 0, "")
        return OS_REASONS.get(name, f"error del sistema de archivos (código {name or exc.errno})")
    return "error inesperado"


class SinDatosDelCorte(StoreError):
    """A cut-off (año, trimestre) with no plan rows for that year: nothing to present or report (slides, deck,
    informe).  ``str(error)`` is a Spanish message naming the year and the years available."""
