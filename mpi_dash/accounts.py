"""Accounts and roles: who may do what (ONE permission matrix), passwords, and the people-facing tables.

* :class:`Rol` — ``consulta`` < ``coordinacion`` < ``direccion`` < ``administracion`` (each adds to the
  previous one; Spanish labels for screens in :data:`ROL_LABELS`).
* :class:`Permiso` + :func:`puede` — the permission matrix, in this one place.  The store checks it inside
  every write (``mpi_dash.store``); pages only use it to hide what a role cannot use.
* :class:`Account` — one account as stored (never its password hash); :class:`CliActor` — the
  administrative command line, which acts with the name given by ``--autor``.
* Passwords: at least :data:`MIN_PASSWORD_LENGTH` characters, hashed with argon2-cffi's
  :class:`~argon2.PasswordHasher` (Argon2id, its default parameters; ``check_needs_rehash`` on login).
  Random one-time passwords come from :mod:`secrets`.  A clear password is never stored, printed or
  logged by this package — only the one-time ones, shown once to the person who asked for them.

Stdlib + argon2-cffi (pandas lazily, for the tables).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mpi_dash.errors import StoreError

if TYPE_CHECKING:
    import pandas as pd

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
MAX_USUARIO_LENGTH = 40
MAX_NOMBRE_LENGTH = 120
MAX_CORREO_LENGTH = 254
GENERATED_PASSWORD_LENGTH = 16
# No 0/O, 1/l/I: a one-time password is read aloud or copied from a screen.
_PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_USUARIO_RE = re.compile(r"[a-z0-9][a-z0-9._-]*")
_CORREO_RE = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")

_HASHER = PasswordHasher()
# Verified against when the usuario does not exist, so a wrong usuario takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class AccountError(StoreError):
    """An account operation that cannot be done (Spanish message for the person).  ``campo`` names the
    field at fault when there is one (usuario, nombre, correo, rol, programas, contrasena), so a form can
    show the message next to that field."""

    def __init__(self, message: str, campo: str | None = None) -> None:
        super().__init__(message)
        self.campo = campo


class PermissionDenied(StoreError):
    """The acting account may not do this; ``filas`` lists the rows of an upload that caused it
    (``(hoja, fila, clave, programa)``), if any."""

    def __init__(self, message: str, filas: Iterable[tuple[str, int | None, str, str]] = ()) -> None:
        super().__init__(message)
        self.filas: tuple[tuple[str, int | None, str, str], ...] = tuple(filas)


class Rol(StrEnum):
    CONSULTA = "consulta"
    COORDINACION = "coordinacion"
    DIRECCION = "direccion"
    ADMINISTRACION = "administracion"


ROL_LABELS: dict[Rol, str] = {Rol.CONSULTA: "Consulta", Rol.COORDINACION: "Coordinación",
                              Rol.DIRECCION: "Dirección", Rol.ADMINISTRACION: "Administración"}
ROL_ORDER: tuple[Rol, ...] = tuple(Rol)


class Permiso(StrEnum):
    VER_TABLERO = "ver_tablero"            # dashboard pages and their downloads
    VER_HISTORIAL = "ver_historial"
    CARGAR_AVANCES = "cargar_avances"      # coordinación: only the programs assigned to the account
    CARGAR_PLAN = "cargar_plan"            # Plan / Parámetros sheets, every program
    REVERTIR = "revertir"
    APROBAR_TRIMESTRE = "aprobar_trimestre"  # approve / reopen a program-quarter (dirección)
    ENVIAR_A_REVISION = "enviar_a_revision"  # coordinación: only the programs assigned to the account
    VER_ULTIMAS_CIFRAS = "ver_ultimas_cifras"  # switch to the latest (not yet approved) figures
    ADMINISTRAR_CUENTAS = "administrar_cuentas"
    VER_BITACORA = "ver_bitacora"
    QUITAR_ILUSTRATIVOS = "quitar_ilustrativos"  # remove the remaining bundled sample values (issue 21)


# THE permission matrix: the lowest role that has each permission (roles add up, in ROL_ORDER).
_MINIMUM_ROLE: dict[Permiso, Rol] = {
    Permiso.VER_TABLERO: Rol.CONSULTA,
    Permiso.VER_HISTORIAL: Rol.COORDINACION,
    Permiso.CARGAR_AVANCES: Rol.COORDINACION,
    Permiso.CARGAR_PLAN: Rol.DIRECCION,
    Permiso.REVERTIR: Rol.DIRECCION,
    Permiso.APROBAR_TRIMESTRE: Rol.DIRECCION,
    Permiso.ENVIAR_A_REVISION: Rol.COORDINACION,
    Permiso.VER_ULTIMAS_CIFRAS: Rol.COORDINACION,
    Permiso.ADMINISTRAR_CUENTAS: Rol.ADMINISTRACION,
    Permiso.VER_BITACORA: Rol.ADMINISTRACION,
    Permiso.QUITAR_ILUSTRATIVOS: Rol.ADMINISTRACION,
}
PERMISO_LABELS: dict[Permiso, str] = {
    Permiso.VER_TABLERO: "consultar el tablero", Permiso.VER_HISTORIAL: "consultar el historial",
    Permiso.CARGAR_AVANCES: "cargar avances", Permiso.CARGAR_PLAN: "cargar las hojas Plan o Parámetros",
    Permiso.REVERTIR: "revertir revisiones", Permiso.APROBAR_TRIMESTRE: "aprobar o reabrir trimestres",
    Permiso.ENVIAR_A_REVISION: "enviar trimestres a revisión",
    Permiso.VER_ULTIMAS_CIFRAS: "ver las últimas cifras sin aprobar",
    Permiso.ADMINISTRAR_CUENTAS: "administrar cuentas", Permiso.VER_BITACORA: "consultar la bitácora de accesos",
    Permiso.QUITAR_ILUSTRATIVOS: "quitar los datos ilustrativos",
}


@dataclass(frozen=True)
class Account:
    """One account as stored (the password hash never leaves the store)."""

    usuario: str
    nombre: str
    rol: Rol
    programas: frozenset[str] = frozenset()
    correo: str | None = None
    activa: bool = True
    creada: str = ""
    ultimo_acceso: str | None = None
    debe_cambiar_contrasena: bool = False
    version: int = 1
    #: End (UTC ISO) of a sign-in lockout in force when the account was read (``Store.list_accounts`` /
    #: ``get_account``); None when it is not locked, or when read with a session.
    bloqueada_hasta: str | None = None

    @property
    def rol_label(self) -> str:
        return ROL_LABELS[self.rol]

    @property
    def quien(self) -> str:
        """«Ana López (ana.lopez)»: how a confirmation names the account (plain text)."""
        return f"{self.nombre} ({self.usuario})"

    @property
    def estado(self) -> str:
        """«activa», «desactivada» or «bloqueada hasta HH:MM» (Mexico City time) for people."""
        if not self.activa:
            return "desactivada"
        if self.bloqueada_hasta:
            from mpi_dash.formatting import local_datetime

            return f"bloqueada hasta {local_datetime(self.bloqueada_hasta)[-5:]}"
        return "activa"

    @property
    def todos_los_programas(self) -> bool:
        """True unless the account is limited to its assigned programs (coordinación)."""
        return self.rol is not Rol.COORDINACION

    def puede(self, permiso: Permiso, programa: str | None = None) -> bool:
        return puede(self, permiso, programa)


@dataclass(frozen=True)
class CliActor:
    """The command line: administrative (shell access to the server), acting as ``nombre`` (``--autor``)."""

    nombre: str
    rol: Rol = field(default=Rol.ADMINISTRACION, init=False)
    programas: frozenset[str] = field(default=frozenset(), init=False)

    @property
    def usuario(self) -> None:
        return None


Actor = Account | CliActor


# Permissions a coordinación account has only for the programs assigned to it.
_PER_PROGRAM = frozenset({Permiso.CARGAR_AVANCES, Permiso.ENVIAR_A_REVISION})


def puede(actor: Account | CliActor | None, permiso: Permiso, programa: str | None = None) -> bool:
    """Whether ``actor`` has ``permiso`` (for ``programa``, when the permission is per program).

    None (no account: public reading) has no permission at all; the dashboard pages decide public reading
    themselves (``config.public_reading()``).  A deactivated account has none either.
    """
    if actor is None or (isinstance(actor, Account) and not actor.activa):
        return False
    if ROL_ORDER.index(actor.rol) < ROL_ORDER.index(_MINIMUM_ROLE[permiso]):
        return False
    if programa is not None and actor.rol is Rol.COORDINACION and permiso in _PER_PROGRAM:
        return str(programa) in actor.programas
    return True


# --------------------------------------------------------------------------- validation (Spanish messages)
def normalize_usuario(usuario: str) -> str:
    return " ".join(str(usuario or "").split()).lower()


def check_usuario(usuario: str) -> str:
    """The usuario normalised (lower case), or :class:`AccountError` saying what is expected."""
    text = normalize_usuario(usuario)
    if not text:
        raise AccountError("Falta el usuario: escríbalo (por ejemplo ana.lopez).", "usuario")
    if len(text) > MAX_USUARIO_LENGTH or not _USUARIO_RE.fullmatch(text):
        raise AccountError(f"El usuario «{_shown(text)}» no es válido: use de 1 a {MAX_USUARIO_LENGTH} "
                           "letras minúsculas sin acentos, números, punto, guion o guion bajo, empezando por "
                           "letra o número (por ejemplo ana.lopez).", "usuario")
    return text


def check_nombre(nombre: str) -> str:
    text = " ".join(str(nombre or "").split())
    if not text:
        raise AccountError("Falta el nombre de la persona.", "nombre")
    if len(text) > MAX_NOMBRE_LENGTH:
        raise AccountError(f"El nombre tiene {len(text)} caracteres; se admiten a lo más {MAX_NOMBRE_LENGTH}.",
                           "nombre")
    return text


def check_correo(correo: str | None) -> str | None:
    text = str(correo or "").strip().lower()
    if not text:
        return None
    if len(text) > MAX_CORREO_LENGTH or not _CORREO_RE.fullmatch(text):
        raise AccountError(f"El correo «{_shown(text)}» no es válido; se esperaba algo como "
                           "nombre@dominio.gob.mx (o déjelo vacío).", "correo")
    return text


def check_rol(rol: str | Rol) -> Rol:
    try:
        return Rol(str(rol).strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Rol)
        raise AccountError(f"El rol «{_shown(str(rol))}» no existe; se esperaba uno de: {choices}.",
                           "rol") from None


def check_programas(rol: Rol, programas: Iterable[str], known: Iterable[str]) -> frozenset[str]:
    """The programs of an account: one or more known programs for coordinación, none for the other roles."""
    chosen = frozenset(str(p).strip() for p in programas if str(p).strip())
    known_set = set(known)
    if rol is not Rol.COORDINACION:
        if chosen:
            raise AccountError("Solo las cuentas de coordinación tienen programas asignados; las demás "
                               "ven y, según su rol, cargan todos los programas.", "programas")
        return frozenset()
    if not chosen:
        raise AccountError("Una cuenta de coordinación necesita al menos un programa asignado.", "programas")
    unknown = sorted(chosen - known_set, key=_program_sort)
    if unknown:
        shown = ", ".join(sorted(known_set, key=_program_sort)) or "ninguno"
        raise AccountError(f"No existe el programa {', '.join(map(_shown, unknown))} en el plan vigente "
                           f"(programas: {shown}).", "programas")
    return chosen


def check_password(password: str) -> str:
    """A new password, or :class:`AccountError` with the policy (never echoes the password)."""
    text = str(password or "")
    if len(text) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"La contraseña debe tener al menos {MIN_PASSWORD_LENGTH} caracteres "
                           f"(tiene {len(text)}).", "contrasena")
    if len(text) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"La contraseña puede tener a lo más {MAX_PASSWORD_LENGTH} caracteres.", "contrasena")
    if not text.strip():
        raise AccountError("La contraseña no puede ser solo espacios.", "contrasena")
    return text


def _shown(text: str, limit: int = 60) -> str:
    """A value quoted in a message: whole when short, else its length (never cut with «…»)."""
    return text if len(text) <= limit else f"(texto de {len(text)} caracteres)"


def _program_sort(value: str) -> tuple[int, int, str]:
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def sole_active_admin(accounts: Iterable[Account]) -> str | None:
    """The usuario of the only active administración account, if there is exactly one (it can be neither
    deactivated nor given another role: the store refuses; a page uses this only to say so beforehand)."""
    admins = [a.usuario for a in accounts if a.activa and a.rol is Rol.ADMINISTRACION]
    return admins[0] if len(admins) == 1 else None


def programas_text(programas: Iterable[str]) -> str:
    """'1, 3' in numeric order; '—' when none."""
    items = sorted(programas, key=_program_sort)
    return ", ".join(items) if items else "—"


def parse_programas(text: str) -> tuple[str, ...]:
    """'1,3' / '1 3' → ('1', '3') (for the command line)."""
    return tuple(p for p in re.split(r"[\s,;]+", text or "") if p)


# --------------------------------------------------------------------------- passwords
def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing hash is checked against a dummy one (same time)."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def generate_password(length: int = GENERATED_PASSWORD_LENGTH) -> str:
    """A random one-time password (``secrets``), easy to read aloud."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


# --------------------------------------------------------------------------- tables for people
EVENTOS: dict[str, str] = {
    "login_ok": "Entrada", "login_fallido": "Entrada fallida", "login_bloqueado": "Entrada bloqueada",
    "sesion_cerrada": "Salida", "sesion_expirada": "Sesión expirada", "permiso_denegado": "Permiso denegado",
    "cuenta_creada": "Cuenta creada", "cuenta_cambiada": "Cuenta modificada",
    "cuenta_desactivada": "Cuenta desactivada", "cuenta_reactivada": "Cuenta reactivada",
    "contrasena_cambiada": "Contraseña cambiada", "contrasena_restablecida": "Contraseña restablecida",
    "cuenta_desbloqueada": "Cuenta desbloqueada",
}


def accounts_table(accounts: Iterable[Account]) -> pd.DataFrame:
    """Accounts as a Spanish table (plain text values) for the «Cuentas» page and ``usuarios listar``."""
    import pandas as pd

    from mpi_dash.formatting import local_datetime

    rows = [{"Usuario": a.usuario, "Nombre": a.nombre, "Correo": a.correo or "—", "Rol": a.rol_label,
             "Programas": programas_text(a.programas) if a.rol is Rol.COORDINACION else "todos",
             "Estado": a.estado, "Creada": local_datetime(a.creada),
             "Último acceso": local_datetime(a.ultimo_acceso) if a.ultimo_acceso else "nunca"}
            for a in accounts]
    columns = ["Usuario", "Nombre", "Correo", "Rol", "Programas", "Estado", "Creada", "Último acceso"]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def access_log_table(log: pd.DataFrame) -> pd.DataFrame:
    """The access log (``Store.access_log()``) as a Spanish table: Fecha, Usuario, Evento, Por, Detalle."""
    import pandas as pd

    from mpi_dash.formatting import local_datetime

    return pd.DataFrame({
        "Fecha (CDMX)": [local_datetime(v) for v in log["fecha"]],
        "Usuario": [v or "—" for v in log["usuario"]],
        "Evento": [EVENTOS.get(v, v) for v in log["evento"]],
        "Por": [v or "—" for v in log["actor"]],
        "Detalle": [v or "" for v in log["detalle"]],
    }, dtype=object)


def revision_author(autor: str | None, usuario: str | None, origen: str | None) -> str:
    """Who made a revision, for people: «Ana López (ana.lopez)» (web account), «Ana López (línea de
    comandos)» (``--autor``), or the stored author alone (system, revisions older than accounts)."""
    name = autor or "—"
    if usuario:
        return f"{name} ({usuario})"
    if origen == "cli":
        return f"{name} (línea de comandos)"
    return name


def refused_rows_table(filas: Iterable[tuple[str, int | None, str, str]]) -> pd.DataFrame:
    """The rows a :class:`PermissionDenied` names, as a table: Hoja, Fila, Clave, Programa."""
    import pandas as pd

    return pd.DataFrame([(h, "—" if f is None else str(f), c, p) for h, f, c, p in filas],
                        columns=["Hoja", "Fila", "Clave", "Programa"], dtype=object)
