"""Sign-in sessions: the signed token a browser keeps, and the one-time code that gets it there.

A session is a row of the store's ``sesiones`` table (``mpi_dash.store``), found by the SHA-256 of a random
session id (:func:`new_session_id`, 256 bits from :mod:`secrets`); the id itself is never stored.  The
browser keeps a **token**: that id signed and timestamped with itsdangerous (``URLSafeTimedSerializer``,
HMAC-SHA256 over the key kept in the store, salt :data:`TOKEN_SALT`) — a tampered or foreign token fails the
signature, an old one fails ``max_age``.  The store then checks the row on every new page session: not
revoked, used within the idle window (``config.session_idle_hours()``), account active, password not
changed since.

The token reaches the browser as an HttpOnly cookie (:data:`COOKIE_NAME`) set by a small server route
(``scripts/serve.py``): the page hands the browser only a **cookie code** — the same id signed with another
salt (:data:`CODE_SALT`), valid :data:`CODE_SECONDS` seconds and once — which the route trades for the
cookie.  The code alone cannot be turned into a token without the key.

Stdlib + itsdangerous (a maintained library; no hand-written cryptography).  See docs/dev/sesiones.md.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from mpi_dash.accounts import Account

COOKIE_NAME = "mpi_dash_sesion"
TOKEN_SALT = "mpi_dash.sesion"
CODE_SALT = "mpi_dash.codigo_cookie"
CODE_SECONDS = 120
MAX_SESSION_DAYS = 7          # absolute lifetime of a session, whatever the activity
TOUCH_EVERY_S = 60            # last use is written at most once a minute per session
MAX_FAILED_LOGINS = 5         # failures in a row that lock a usuario …
LOCK_MINUTES = 15             # … for this long
KEY_NAME = "sesiones"         # row of the store's ``claves`` table holding the signing key


@dataclass(frozen=True)
class Session:
    """A new sign-in: ``token`` for the page's session state, ``cookie_code`` for the browser cookie."""

    token: str
    cookie_code: str
    account: Account


def new_key() -> str:
    return secrets.token_hex(32)


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _serializer(key: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=salt, signer_kwargs={"digest_method": hashlib.sha256})


def sign_token(key: str, session_id: str) -> str:
    return _serializer(key, TOKEN_SALT).dumps(session_id)


def sign_code(key: str, session_id: str) -> str:
    return _serializer(key, CODE_SALT).dumps(session_id)


def _unsign(key: str, salt: str, value: str, max_age_s: float) -> str | None:
    if not isinstance(value, str) or not value or len(value) > 512:
        return None
    try:
        session_id = _serializer(key, salt).loads(value, max_age=max_age_s)
    except BadSignature:  # includes SignatureExpired
        return None
    return session_id if isinstance(session_id, str) else None


def session_id_from_token(key: str, token: str) -> str | None:
    """The session id of a genuine token not older than :data:`MAX_SESSION_DAYS`, else None."""
    return _unsign(key, TOKEN_SALT, token, MAX_SESSION_DAYS * 86400)


def session_id_from_code(key: str, code: str) -> str | None:
    """The session id of a genuine cookie code not older than :data:`CODE_SECONDS`, else None."""
    return _unsign(key, CODE_SALT, code, CODE_SECONDS)
