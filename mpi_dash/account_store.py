"""Accounts, sign-in sessions and the access log in the SQLite store: the methods :class:`Store` inherits.

Tables (migration ``m003_accounts`` of ``mpi_dash.store``):

* ``cuentas``: usuario (key, lower case), nombre, correo (unique when present), rol, programas ("1,3"),
  activa, creada, ultimo_acceso, hash_contrasena (Argon2id; never the password), debe_cambiar,
  contrasena_cambiada (sessions created before it are void), version (optimistic concurrency: two
  administrators editing one account → the second gets :class:`AccountConflict`).  Accounts are
  deactivated, never deleted (revisions keep pointing to them).
* ``intentos``: failed logins in a row per usuario string — unknown usuarios included, so the lockout
  (``sessions.MAX_FAILED_LOGINS`` → ``sessions.LOCK_MINUTES``) never tells whether an account exists.
* ``sesiones``: one row per sign-in (SHA-256 of the session id, usuario, método, creada, ultimo_uso, expira,
  revocada + motivo, codigo_usado).  See ``mpi_dash.sessions`` for the token.
* ``bitacora``: the access log (fecha UTC, usuario concerned, actor, evento, detalle); events in
  ``accounts.EVENTOS``.  Written in its own transaction when the action it records was refused (a refusal
  rolls the action back, never its log line).

Every method that changes an account takes the acting account (``actor``) and checks
``Permiso.ADMINISTRAR_CUENTAS`` inside the write transaction, against the account's *stored* role
(``_authorize``): the object a page holds is never trusted for its role or state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from mpi_dash import config, sessions
from mpi_dash.accounts import (
    PERMISO_LABELS,
    ROL_LABELS,
    Account,
    AccountError,
    Actor,
    CliActor,
    Permiso,
    PermissionDenied,
    Rol,
    check_correo,
    check_nombre,
    check_password,
    check_programas,
    check_rol,
    check_usuario,
    generate_password,
    hash_password,
    needs_rehash,
    normalize_usuario,
    programas_text,
    puede,
    verify_password,
)
from mpi_dash.errors import StoreError

if TYPE_CHECKING:
    import pandas as pd
    from sqlite_utils import Database

FIRST_ADMIN = "admin"
SYSTEM_ACTOR = "sistema (primer arranque)"
MAX_LOGGED_USUARIO = 200  # an attempted usuario longer than this is logged by its length only

WRONG_CREDENTIALS = "Usuario o contraseña incorrectos."
NO_OIDC_ACCESS = "Su cuenta no tiene acceso al tablero; pida el alta a la persona administradora"
OWN_PASSWORD = ("Su propia contraseña no se restablece desde «Cuentas»: cámbiela en «Mi contraseña» (sección "
                "Cuenta del menú), que pide la actual. No se cambió nada.")
INACTIVE = ("Esta cuenta está desactivada: no puede entrar. Si la necesita, pida a la persona administradora "
            "que la reactive.")


class LoginError(StoreError):
    """A sign-in refused; the message never says whether the usuario exists."""


class SessionEnded(StoreError):
    """The session of a token is over (expired, closed, or its account changed): sign in again."""


class SessionExpired(SessionEnded):
    """The session ended because it was not used for longer than the idle window."""


class AccountConflict(AccountError):
    """Another administrator changed the account after it was read."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _parse(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def locked_message(until: dt.datetime) -> str:
    from mpi_dash.formatting import local_datetime

    hour = local_datetime(_iso(until))[-5:]
    return (f"Demasiados intentos fallidos: el acceso con este usuario queda bloqueado "
            f"{sessions.LOCK_MINUTES} minutos, hasta las {hour} (hora de la Ciudad de México). "
            "Si olvidó su contraseña, pida a la persona administradora que la restablezca.")


def _account(row: dict[str, Any]) -> Account:
    programas = frozenset(p for p in (row["programas"] or "").split(",") if p)
    return Account(usuario=row["usuario"], nombre=row["nombre"], rol=Rol(row["rol"]), programas=programas,
                   correo=row["correo"], activa=bool(row["activa"]), creada=row["creada"],
                   ultimo_acceso=row["ultimo_acceso"], debe_cambiar_contrasena=bool(row["debe_cambiar"]),
                   version=int(row["version"]), bloqueada_hasta=row.get("bloqueada_hasta"))


def _row(db: Database, sql: str, params: Iterable[Any]) -> dict[str, Any] | None:
    cur = db.execute(sql, list(params))
    found = cur.fetchone()
    return None if found is None else dict(zip([d[0] for d in cur.description], found))


def _account_row(db: Database, usuario: str) -> dict[str, Any] | None:
    return _row(db, "SELECT * FROM cuentas WHERE usuario = ?", [usuario])


# An account with the end of its sign-in lockout when one is in force (ISO UTC text compares in time order).
_WITH_LOCK = ("SELECT c.*, CASE WHEN i.bloqueada_hasta > ? THEN i.bloqueada_hasta END AS bloqueada_hasta "
              "FROM cuentas c LEFT JOIN intentos i ON i.usuario = c.usuario")


def _log(db: Database, evento: str, *, usuario: str | None, actor: str | None, detalle: str = "") -> None:
    db.execute("INSERT INTO bitacora (fecha, usuario, actor, evento, detalle) VALUES (?, ?, ?, ?, ?)",
               [_iso(_now()), usuario, actor, evento, detalle])


def actor_name(actor: Actor) -> str:
    """How the access log names who acted: the usuario, or the command line with its --autor/OS user."""
    return actor.usuario if isinstance(actor, Account) else f"línea de comandos ({actor.nombre})"


def _authorize(db: Database, actor: Actor, permiso: Permiso, programa: str | None = None) -> Actor:
    """The acting account as stored NOW, if it may do ``permiso``; else :class:`PermissionDenied`.

    The command line (:class:`CliActor`) is administrative.  A web account is re-read inside the write
    transaction: a role changed, an account deactivated or a pending password change count at once.
    """
    if isinstance(actor, CliActor):
        if not (actor.nombre or "").strip():
            raise StoreError("Falta el nombre de quien hace el cambio (--autor).")
        return actor
    if not isinstance(actor, Account):
        raise TypeError(f"actor debe ser Account o CliActor, no {type(actor).__name__}")
    row = _account_row(db, actor.usuario)
    if row is None:
        raise PermissionDenied(f"No existe la cuenta «{actor.usuario}»: no se guardó nada.")
    current = _account(row)
    what = PERMISO_LABELS[permiso]
    if not current.activa:
        raise PermissionDenied(f"La cuenta «{current.usuario}» está desactivada: no puede {what}. "
                               "No se guardó nada.")
    if not puede(current, permiso, programa):
        raise PermissionDenied(f"Su rol ({current.rol_label}) no permite {what}. No se guardó nada.")
    return current


class AccountStoreMixin:
    """Accounts, sessions and the access log (mixed into ``mpi_dash.store.Store``)."""

    # Provided by Store.
    def connection(self, *, auto_seed: bool = True) -> contextlib.AbstractContextManager[Database]: ...
    def _writing(self, *, auto_seed: bool = True) -> contextlib.AbstractContextManager[Database]: ...
    def _known_programs(self, db: Database) -> set[str]: ...

    # ----------------------------------------------------------------------- acting + logging
    @contextlib.contextmanager
    def _acting(self, actor: Actor, permiso: Permiso, programa: str | None = None
                ) -> Iterator[tuple[Database, Actor]]:
        """THE write transaction of an action by ``actor``: permission checked inside it; a refusal
        (:class:`PermissionDenied`, here or later in the block) rolls the action back and is logged."""
        try:
            with self._writing() as db:
                yield db, _authorize(db, actor, permiso, programa)
        except PermissionDenied as exc:
            self.log_event("permiso_denegado", usuario=getattr(actor, "usuario", None),
                           actor=actor_name(actor), detalle=str(exc))
            raise

    def log_event(self, evento: str, *, usuario: str | None, actor: str | None, detalle: str = "") -> None:
        """Write one access-log line in its own transaction."""
        with self._writing() as db:
            _log(db, evento, usuario=usuario, actor=actor, detalle=detalle)

    def access_log(self, *, limit: int | None = 500, usuario: str | None = None) -> pd.DataFrame:
        """The access log, newest first: fecha (UTC ISO), usuario, evento, actor, detalle."""
        import pandas as pd

        sql = "SELECT fecha, usuario, evento, actor, detalle FROM bitacora"
        params: list[Any] = []
        if usuario:
            sql += " WHERE usuario = ?"
            params.append(normalize_usuario(usuario))
        sql += " ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        with self.connection() as db:
            rows = db.execute(sql, params).fetchall()
        return pd.DataFrame(rows, columns=["fecha", "usuario", "evento", "actor", "detalle"], dtype=object)

    # ----------------------------------------------------------------------- reading accounts
    def has_accounts(self) -> bool:
        with self.connection() as db:
            return db.execute("SELECT 1 FROM cuentas LIMIT 1").fetchone() is not None

    def get_account(self, usuario: str) -> Account | None:
        """The account as stored, with the end of a sign-in lockout in force (``bloqueada_hasta``)."""
        with self.connection() as db:
            row = _row(db, _WITH_LOCK + " WHERE c.usuario = ?", [_iso(_now()), normalize_usuario(usuario)])
        return None if row is None else _account(row)

    def list_accounts(self) -> list[Account]:
        """Every account (active first, then by usuario), with the end of a sign-in lockout in force."""
        with self.connection() as db:
            cur = db.execute(_WITH_LOCK + " ORDER BY c.activa DESC, c.usuario", [_iso(_now())])
            names = [d[0] for d in cur.description]
            return [_account(dict(zip(names, r))) for r in cur.fetchall()]

    def known_programs(self) -> list[str]:
        """Program numbers of the current plan, in numeric order (what an account can be assigned)."""
        with self.connection() as db:
            found = self._known_programs(db)
        return sorted(found, key=lambda p: (not p.isdigit(), int(p) if p.isdigit() else 0, p))

    # ----------------------------------------------------------------------- first start
    def ensure_first_admin(self) -> str | None:
        """With no account at all: create ``admin`` (administración) with a random password, which must be
        changed at first sign-in, and return that password (to show ONCE).  Otherwise None."""
        password = generate_password()
        with self._writing() as db:
            if db.execute("SELECT 1 FROM cuentas LIMIT 1").fetchone() is not None:
                return None
            self._insert_account(db, FIRST_ADMIN, nombre="Administración", rol=Rol.ADMINISTRACION,
                                 programas=frozenset(), correo=None, password=password, must_change=True)
            _log(db, "cuenta_creada", usuario=FIRST_ADMIN, actor=SYSTEM_ACTOR,
                 detalle="Primera cuenta, creada al arrancar con la base sin cuentas")
        return password

    # ----------------------------------------------------------------------- managing accounts
    def create_account(self, actor: Actor, usuario: str, *, nombre: str, rol: str | Rol,
                       programas: Iterable[str] = (), correo: str | None = None,
                       contrasena: str | None = None) -> tuple[Account, str | None]:
        """Create an account; returns it and the one-time password generated when ``contrasena`` is None
        (that password must be changed at first sign-in; a given one need not)."""
        usuario, nombre = check_usuario(usuario), check_nombre(nombre)
        rol, correo = check_rol(rol), check_correo(correo)
        generated = None if contrasena is not None else generate_password()
        password = check_password(contrasena) if contrasena is not None else generated
        with self._acting(actor, Permiso.ADMINISTRAR_CUENTAS) as (db, who):
            chosen = check_programas(rol, programas, self._known_programs(db))
            if _account_row(db, usuario) is not None:
                raise AccountError(f"Ya existe la cuenta «{usuario}» (las cuentas no se borran; si está "
                                   "desactivada, reactívela).", "usuario")
            self._check_correo_free(db, correo, usuario)
            self._insert_account(db, usuario, nombre=nombre, rol=rol, programas=chosen, correo=correo,
                                 password=password, must_change=generated is not None)
            _log(db, "cuenta_creada", usuario=usuario, actor=actor_name(who),
                 detalle=f"Rol {ROL_LABELS[rol]}; programas {programas_text(chosen)}")
            account = _account(_account_row(db, usuario))
        return account, generated

    def update_account(self, actor: Actor, usuario: str, *, version: int | None, nombre: str,
                       rol: str | Rol, programas: Iterable[str] = (), correo: str | None = None) -> Account:
        """Change name, correo, role and programs.  ``version``: the one the editor read (None: no check)."""
        nombre, rol, correo = check_nombre(nombre), check_rol(rol), check_correo(correo)
        with self._acting(actor, Permiso.ADMINISTRAR_CUENTAS) as (db, who):
            current = self._editable(db, usuario, version)
            chosen = check_programas(rol, programas, self._known_programs(db))
            self._check_correo_free(db, correo, current.usuario)
            if current.activa and current.rol is Rol.ADMINISTRACION and rol is not Rol.ADMINISTRACION:
                self._keep_an_admin(db, current.usuario, "cambiar su rol", campo="rol")
            changes = [f"{label}: {before} → {after}" for label, before, after in (
                ("nombre", current.nombre, nombre), ("correo", current.correo or "—", correo or "—"),
                ("rol", current.rol_label, ROL_LABELS[rol]),
                ("programas", programas_text(current.programas), programas_text(chosen))) if before != after]
            if not changes:
                return current
            db.execute("UPDATE cuentas SET nombre = ?, correo = ?, rol = ?, programas = ?, version = version + 1 "
                       "WHERE usuario = ?", [nombre, correo, rol.value, ",".join(sorted(chosen)),
                                             current.usuario])
            _log(db, "cuenta_cambiada", usuario=current.usuario, actor=actor_name(who), detalle="; ".join(changes))
            return _account(_account_row(db, current.usuario))

    def set_active(self, actor: Actor, usuario: str, activa: bool, *, version: int | None = None) -> Account:
        """Deactivate (every session of the account ends) or reactivate an account; never deletes it."""
        with self._acting(actor, Permiso.ADMINISTRAR_CUENTAS) as (db, who):
            current = self._editable(db, usuario, version)
            if current.activa == activa:
                state = "activa" if activa else "desactivada"
                raise AccountError(f"La cuenta «{current.usuario}» ya está {state}.")
            if not activa and current.rol is Rol.ADMINISTRACION:
                self._keep_an_admin(db, current.usuario, "desactivarla")
            db.execute("UPDATE cuentas SET activa = ?, version = version + 1 WHERE usuario = ?",
                       [int(activa), current.usuario])
            if not activa:
                _revoke_all(db, current.usuario, "cuenta desactivada")
            _log(db, "cuenta_reactivada" if activa else "cuenta_desactivada", usuario=current.usuario,
                 actor=actor_name(who))
            return _account(_account_row(db, current.usuario))

    def reset_password(self, actor: Actor, usuario: str, *, contrasena: str | None = None,
                       version: int | None = None) -> str | None:
        """Set a new password (ends every session of the account and lifts a lockout).  Without
        ``contrasena``: a random one-time password, returned to hand over, to change at first sign-in.

        A web account never resets its OWN password (it would sign itself out and, with a generated one, lose
        it): that is «Mi contraseña» (:meth:`change_own_password`), which asks for the current one.  The
        command line may (it is how a forgotten ``admin`` password is recovered)."""
        generated = None if contrasena is not None else generate_password()
        password = check_password(contrasena) if contrasena is not None else generated
        with self._acting(actor, Permiso.ADMINISTRAR_CUENTAS) as (db, who):
            current = self._editable(db, usuario, version)
            if isinstance(who, Account) and who.usuario == current.usuario:
                raise AccountError(OWN_PASSWORD)
            self._set_password(db, current.usuario, password, must_change=generated is not None)
            db.execute("DELETE FROM intentos WHERE usuario = ?", [current.usuario])
            _log(db, "contrasena_restablecida", usuario=current.usuario, actor=actor_name(who),
                 detalle="contraseña temporal (debe cambiarla al entrar)" if generated else "")
        return generated

    def unlock(self, actor: Actor, usuario: str) -> Account:
        """Lift the sign-in lockout of an account (too many failed sign-ins) before it ends by itself; its
        password and sessions stay as they are.  Logged as ``cuenta_desbloqueada``."""
        key = normalize_usuario(usuario)
        with self._acting(actor, Permiso.ADMINISTRAR_CUENTAS) as (db, who):
            if _account_row(db, key) is None:
                raise AccountError(f"No existe la cuenta «{key}».")
            attempt = _row(db, "SELECT bloqueada_hasta FROM intentos WHERE usuario = ?", [key])
            until = _parse(attempt["bloqueada_hasta"]) if attempt else None
            if until is None or until <= _now():
                raise AccountError(f"La cuenta «{key}» no está bloqueada: no hay nada que desbloquear.")
            db.execute("DELETE FROM intentos WHERE usuario = ?", [key])
            from mpi_dash.formatting import local_datetime

            _log(db, "cuenta_desbloqueada", usuario=key, actor=actor_name(who),
                 detalle=f"estaba bloqueada hasta {local_datetime(_iso(until))[-5:]} (hora de la Ciudad de México)")
        return self.get_account(key)

    # ----------------------------------------------------------------------- signing in
    def login(self, usuario: str, contrasena: str) -> sessions.Session:
        """Sign in with usuario and password; :class:`LoginError` (Spanish, never revealing whether the
        usuario exists) when refused.  5 failures in a row lock that usuario string for 15 minutes."""
        key = normalize_usuario(usuario)
        logged = key if len(key) <= MAX_LOGGED_USUARIO else f"(usuario de {len(key)} caracteres)"
        with self.connection() as db:  # the slow hash is checked outside the write lock
            row = _account_row(db, key)
        matches = verify_password(row["hash_contrasena"] if row else None, str(contrasena or ""))
        now = _now()
        refusal: str
        with self._writing() as db:
            attempt = _row(db, "SELECT * FROM intentos WHERE usuario = ?", [logged])
            until = _parse(attempt["bloqueada_hasta"]) if attempt else None
            if until and until > now:
                _log(db, "login_bloqueado", usuario=logged, actor=logged, detalle="intento durante el bloqueo")
                refusal = locked_message(until)
            elif matches and row and row["activa"]:
                db.execute("DELETE FROM intentos WHERE usuario = ?", [logged])
                if needs_rehash(row["hash_contrasena"]):
                    db.execute("UPDATE cuentas SET hash_contrasena = ? WHERE usuario = ?",
                               [hash_password(str(contrasena)), key])
                _log(db, "login_ok", usuario=key, actor=key, detalle="usuario y contraseña")
                return self._open_session(db, key, "local", now)
            elif matches and row:
                _log(db, "login_fallido", usuario=key, actor=key, detalle="cuenta desactivada")
                refusal = INACTIVE
            else:
                failed = 1 if (attempt is None or until) else int(attempt["fallidos"]) + 1
                locks = failed >= sessions.MAX_FAILED_LOGINS
                lock_until = now + dt.timedelta(minutes=sessions.LOCK_MINUTES) if locks else None
                db["intentos"].upsert({"usuario": logged, "fallidos": 0 if locks else failed, "ultimo": _iso(now),
                                       "bloqueada_hasta": _iso(lock_until) if lock_until else None},
                                      pk="usuario")
                _log(db, "login_bloqueado" if locks else "login_fallido", usuario=logged, actor=logged,
                     detalle=f"intento fallido {failed} de {sessions.MAX_FAILED_LOGINS} seguidos"
                     + (f"; bloqueado {sessions.LOCK_MINUTES} minutos" if locks else ""))
                refusal = locked_message(lock_until) if lock_until else WRONG_CREDENTIALS
        raise LoginError(refusal)

    def login_oidc(self, correo: str | None) -> sessions.Session:
        """Sign in a person the identity provider vouched for: the active account with that correo, else
        :class:`LoginError` with :data:`NO_OIDC_ACCESS`."""
        email = str(correo or "").strip().lower()
        now = _now()
        with self._writing() as db:
            row = _row(db, "SELECT * FROM cuentas WHERE correo = ? AND activa = 1", [email]) if email else None
            if row is not None:
                _log(db, "login_ok", usuario=row["usuario"], actor=row["usuario"],
                     detalle=f"proveedor de identidad ({email})")
                return self._open_session(db, row["usuario"], "oidc", now)
            _log(db, "login_fallido", usuario=None, actor=email[:MAX_LOGGED_USUARIO] or None,
                 detalle="proveedor de identidad: el correo no corresponde a una cuenta activa")
        raise LoginError(NO_OIDC_ACCESS)

    def check_session(self, token: str) -> tuple[Account, str]:
        """``(account, método)`` of a live session (its last use is recorded; método "local" or "oidc");
        :class:`SessionEnded` otherwise (:class:`SessionExpired` after the idle window)."""
        now = _now()
        with self.connection() as db:
            found = self._live_session(db, token, now)
        session, account = found
        last = _parse(session["ultimo_uso"])
        if last is None or (now - last).total_seconds() >= sessions.TOUCH_EVERY_S:
            with self._writing() as db:
                db.execute("UPDATE sesiones SET ultimo_uso = ? WHERE id = ?", [_iso(now), session["id"]])
                db.execute("UPDATE cuentas SET ultimo_acceso = ? WHERE usuario = ?", [_iso(now), account.usuario])
        return account, str(session["metodo"])

    def redeem_cookie_code(self, code: str) -> str | None:
        """The session token for a genuine, fresh, unused cookie code (used up now), else None."""
        key = self._signing_key()
        session_id = sessions.session_id_from_code(key, code)
        if session_id is None:
            return None
        with self._writing() as db:
            cur = db.execute("UPDATE sesiones SET codigo_usado = 1 WHERE id_hash = ? AND codigo_usado = 0 "
                             "AND revocada IS NULL", [sessions.id_hash(session_id)])
            if cur.rowcount != 1:
                return None
        return sessions.sign_token(key, session_id)

    def logout(self, token: str) -> None:
        """Sign out: every session of the token's account ends (this browser and any other)."""
        session_id = sessions.session_id_from_token(self._signing_key(), token)
        if session_id is None:
            return
        with self._writing() as db:
            row = _row(db, "SELECT usuario FROM sesiones WHERE id_hash = ? AND revocada IS NULL",
                       [sessions.id_hash(session_id)])
            if row is not None:
                _revoke_all(db, row["usuario"], "salida")
                _log(db, "sesion_cerrada", usuario=row["usuario"], actor=row["usuario"])

    def change_own_password(self, token: str, actual: str, nueva: str) -> sessions.Session:
        """The signed-in person changes their password: every session ends, a new one is returned."""
        now = _now()
        with self.connection() as db:
            session, account = self._live_session(db, token, now)
            row = _account_row(db, account.usuario)
        if not verify_password(row["hash_contrasena"], str(actual or "")):
            raise AccountError("La contraseña actual no es correcta: no se cambió nada.")
        check_password(nueva)
        if nueva == actual:
            raise AccountError("La contraseña nueva debe ser distinta de la actual.")
        with self._writing() as db:
            self._set_password(db, account.usuario, nueva, must_change=False)
            _log(db, "contrasena_cambiada", usuario=account.usuario, actor=account.usuario)
            # Opened after the change (not at ``now``): hashing takes time, and a session older than the
            # password change is void.
            return self._open_session(db, account.usuario, session["metodo"], _now())

    # ----------------------------------------------------------------------- helpers (one connection)
    def _signing_key(self) -> str:
        with self.connection() as db:
            return str(db.execute("SELECT valor FROM claves WHERE nombre = ?", [sessions.KEY_NAME]).fetchone()[0])

    def _live_session(self, db: Database, token: str, now: dt.datetime) -> tuple[dict[str, Any], Account]:
        key = db.execute("SELECT valor FROM claves WHERE nombre = ?", [sessions.KEY_NAME]).fetchone()[0]
        session_id = sessions.session_id_from_token(key, token)
        ended = SessionEnded("Su sesión terminó (salió, cambió su contraseña o cambió su cuenta): vuelva a entrar.")
        if session_id is None:
            raise ended
        session = _row(db, "SELECT * FROM sesiones WHERE id_hash = ?", [sessions.id_hash(session_id)])
        if session is None or session["revocada"]:
            raise ended
        idle_h = config.session_idle_hours()
        last = _parse(session["ultimo_uso"]) or now
        if now - last > dt.timedelta(hours=idle_h) or now > (_parse(session["expira"]) or now):
            self._expire(session)
            hours = f"{idle_h:g}".replace(".", ",")
            raise SessionExpired(f"Su sesión expiró por inactividad (más de {hours} horas sin uso): vuelva a "
                               "entrar. No se guardó nada pendiente.")
        row = _account_row(db, session["usuario"])
        changed = _parse(row["contrasena_cambiada"]) if row else None
        if row is None or not row["activa"] or (changed and changed > _parse(session["creada"])):
            raise ended
        return session, _account(row)

    def _expire(self, session: dict[str, Any]) -> None:
        with self._writing() as db:
            cur = db.execute("UPDATE sesiones SET revocada = ?, motivo = 'inactividad' WHERE id = ? "
                             "AND revocada IS NULL", [_iso(_now()), session["id"]])
            if cur.rowcount:
                _log(db, "sesion_expirada", usuario=session["usuario"], actor=session["usuario"])

    def _open_session(self, db: Database, usuario: str, metodo: str, now: dt.datetime) -> sessions.Session:
        session_id = sessions.new_session_id()
        db["sesiones"].insert({"id_hash": sessions.id_hash(session_id), "usuario": usuario, "metodo": metodo,
                               "creada": _iso(now), "ultimo_uso": _iso(now),
                               "expira": _iso(now + dt.timedelta(days=sessions.MAX_SESSION_DAYS)),
                               "revocada": None, "motivo": None, "codigo_usado": 0})
        db.execute("UPDATE cuentas SET ultimo_acceso = ? WHERE usuario = ?", [_iso(now), usuario])
        key = db.execute("SELECT valor FROM claves WHERE nombre = ?", [sessions.KEY_NAME]).fetchone()[0]
        return sessions.Session(token=sessions.sign_token(key, session_id),
                                cookie_code=sessions.sign_code(key, session_id),
                                account=_account(_account_row(db, usuario)))

    def _insert_account(self, db: Database, usuario: str, *, nombre: str, rol: Rol, programas: frozenset[str],
                        correo: str | None, password: str, must_change: bool) -> None:
        now = _iso(_now())
        db["cuentas"].insert({"usuario": usuario, "nombre": nombre, "correo": correo, "rol": rol.value,
                              "programas": ",".join(sorted(programas)), "activa": 1, "creada": now,
                              "ultimo_acceso": None, "hash_contrasena": hash_password(password),
                              "debe_cambiar": int(must_change), "contrasena_cambiada": now, "version": 1})

    def _set_password(self, db: Database, usuario: str, password: str, *, must_change: bool) -> None:
        db.execute("UPDATE cuentas SET hash_contrasena = ?, debe_cambiar = ?, contrasena_cambiada = ?, "
                   "version = version + 1 WHERE usuario = ?",
                   [hash_password(password), int(must_change), _iso(_now()), usuario])
        _revoke_all(db, usuario, "cambio de contraseña")

    def _editable(self, db: Database, usuario: str, version: int | None) -> Account:
        row = _account_row(db, normalize_usuario(usuario))
        if row is None:
            raise AccountError(f"No existe la cuenta «{normalize_usuario(usuario)}».")
        current = _account(row)
        if version is not None and current.version != int(version):
            raise AccountConflict(f"Otra persona modificó la cuenta «{current.usuario}» mientras usted la "
                                  "editaba: no se guardó nada. Revise los datos actuales y vuelva a intentarlo.")
        return current

    def _keep_an_admin(self, db: Database, usuario: str, what: str, campo: str | None = None) -> None:
        others = db.execute("SELECT COUNT(*) FROM cuentas WHERE rol = ? AND activa = 1 AND usuario != ?",
                            [Rol.ADMINISTRACION.value, usuario]).fetchone()[0]
        if not others:
            raise AccountError(f"«{usuario}» es la única cuenta activa de administración: no se puede {what}, "
                               "porque debe quedar al menos una. Cree o reactive otra antes. No se cambió nada.",
                               campo)

    def _check_correo_free(self, db: Database, correo: str | None, usuario: str) -> None:
        if correo and db.execute("SELECT 1 FROM cuentas WHERE correo = ? AND usuario != ?",
                                 [correo, usuario]).fetchone():
            raise AccountError(f"El correo {correo} ya pertenece a otra cuenta (cada correo identifica a una "
                               "sola persona al entrar con el proveedor de identidad).", "correo")


def _revoke_all(db: Database, usuario: str, motivo: str) -> None:
    db.execute("UPDATE sesiones SET revocada = ?, motivo = ? WHERE usuario = ? AND revocada IS NULL",
               [_iso(_now()), motivo, usuario])
