"""Who is at the dashboard: sign-in form, session across reloads, role-based pages, «Cerrar sesión».

The rules live in the core (``mpi_dash.accounts``: the permission matrix; ``mpi_dash.account_store``:
sign-in, sessions, lockout).  This module only collects input and shows the result:

* :func:`visitor` — the person of this browser session: the session token kept in ``st.session_state``,
  else the HttpOnly cookie (``st.context.cookies``, set by the route of ``scripts/serve.py``), else the
  identity provider (``st.user`` after ``st.login``, matched to an account by correo).  Checked against the
  store on every run: an expired or revoked session ends here, whatever page is open.
* :func:`allowed_pages` — the navigation of that person's role (pages they cannot use are not listed; a
  deep link to one says why, in Spanish); :func:`at_the_door` — login form, first-login password change,
  or the identity-provider refusal, instead of the page; :func:`sidebar` — name, role, «Cerrar sesión».
* :func:`require` — first line of a protected page after ``ensure_app_shell()``: the page then has the
  acting account to pass to the store (which checks again).

Read-only workbook mode (``MPI_DASH_WORKBOOK`` without ``MPI_DASH_DB``) has no store, hence no accounts: a
developer preview without sign-in.  ``MPI_DASH_LECTURA_PUBLICA=1`` opens the dashboard pages without one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from mpi_dash import config
from mpi_dash.accounts import Account, Permiso, puede
from mpi_dash.errors import StoreError
from mpi_dash.sessions import COOKIE_NAME
from ui_common import md

TOKEN = "_mpi_sesion"            # session_state: the signed session token
METHOD = "_mpi_metodo"           # session_state: "local" | "oidc"
FLASH = "_mpi_aviso"             # session_state: message for the sign-in form (expired, closed…)
COOKIE_CODE = "_mpi_codigo"      # session_state: one-time code to trade for the cookie on the next run
CLEAR_COOKIE = "_mpi_borrar"     # session_state: ask the browser to drop the cookie on the next run
OIDC_REFUSED = "_mpi_sin_acceso"  # session_state: the provider's person has no active account
COOKIE_TRIED = "_mpi_cookie_visto"  # session_state: the cookie value already checked in this browser session
KEEP = {FLASH, COOKIE_CODE, CLEAR_COOKIE, OIDC_REFUSED, COOKIE_TRIED}
COOKIE_ROUTE, CLEAR_ROUTE = "_mpi_dash/sesion", "_mpi_dash/salir"


@dataclass(frozen=True)
class Visitor:
    account: Account | None
    accounts_on: bool   # False in read-only workbook mode (no store, no accounts)
    public: bool        # MPI_DASH_LECTURA_PUBLICA: dashboard pages without an account
    method: str = ""

    def may(self, permiso: Permiso) -> bool:
        if not self.accounts_on:
            return True
        if self.account is None:
            return self.public and permiso is Permiso.VER_TABLERO
        return puede(self.account, permiso)

    @property
    def must_change_password(self) -> bool:
        return self.account is not None and self.account.debe_cambiar_contrasena and self.method != "oidc"


def _store():  # noqa: ANN202 - mpi_dash.store.Store
    from mpi_dash.store import Store

    return Store()


def _oidc_configured() -> bool:
    from streamlit.runtime.secrets import secrets_singleton

    # Without any secrets file (the usual case) Streamlit looks for the files again on every call, under a
    # lock, and raises: ~1 ms per visit when thirty officials open the link at once.
    if not any(os.path.exists(path) for path in st.get_option("secrets.files")):
        return False
    try:
        return secrets_singleton.load_if_toml_exists() and "auth" in secrets_singleton
    except Exception:  # noqa: BLE001 - a broken secrets file means: no identity provider
        return False


def _start(session, method: str) -> None:  # noqa: ANN001 - mpi_dash.sessions.Session
    st.session_state[TOKEN] = session.token
    st.session_state[METHOD] = method
    st.session_state[COOKIE_CODE] = session.cookie_code


def _end(message: str | None) -> None:
    """Forget everything of this browser session (nothing of the previous person survives) and ask the
    browser to drop the cookie; ``message`` is shown on the sign-in form."""
    for key in list(st.session_state):
        if key not in KEEP:
            del st.session_state[key]
    st.session_state[CLEAR_COOKIE] = True
    if message:
        st.session_state[FLASH] = message


def _browser_actions() -> None:
    """Hand a fresh cookie code to the browser (it trades it for the HttpOnly cookie), or drop the cookie."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}/" if base else "/"
    calls = []
    if st.session_state.pop(CLEAR_COOKIE, False):
        calls.append((prefix + CLEAR_ROUTE, ""))
    code = st.session_state.pop(COOKIE_CODE, None)
    if code:
        calls.append((prefix + COOKIE_ROUTE, code))
    if calls:
        script = ";".join(f"fetch({json.dumps(url)},{{method:'POST',body:{json.dumps(body)},"
                          "credentials:'same-origin',headers:{'Content-Type':'text/plain'}})"
                          for url, body in calls)
        st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


def visitor() -> Visitor:
    """The person of this browser session (see the module docstring); renders no UI except the hidden
    browser actions."""
    if config.read_only_workbook():
        return Visitor(None, accounts_on=False, public=True)
    public = config.public_reading()
    account, method = None, st.session_state.get(METHOD, "")
    try:
        store = _store()
        token = st.session_state.get(TOKEN)
        if not token:
            # The cookies of a browser session are the ones of its first request: a cookie rejected (or
            # ended by «Cerrar sesión») stays there until the page is reloaded, so it is tried only once.
            cookie = st.context.cookies.get(COOKIE_NAME)
            if isinstance(cookie, str) and cookie != st.session_state.get(COOKIE_TRIED):
                token = st.session_state[COOKIE_TRIED] = cookie
        if token:
            try:
                account, method = store.check_session(token)
                st.session_state[TOKEN], st.session_state[METHOD] = token, method
            except StoreError as exc:
                from mpi_dash.store import SessionExpired

                # Say why when this browser session was signed in, or when inactivity ended it.
                _end(str(exc) if TOKEN in st.session_state or isinstance(exc, SessionExpired) else None)
        if account is None and not st.session_state.get(OIDC_REFUSED) and _oidc_configured() \
                and st.user.is_logged_in:
            try:
                session = store.login_oidc(st.user.get("email"))
                _start(session, "oidc")
                account, method = session.account, "oidc"
            except StoreError:
                st.session_state[OIDC_REFUSED] = True
    finally:
        _browser_actions()
    return Visitor(account, accounts_on=True, public=public, method=method)


def _login_form(note: str = "") -> None:
    """«Usuario», «Contraseña», «Entrar» (and the identity provider's button when configured)."""
    st.title("Tablero del Plan Anual de Trabajo")
    st.caption("Mecanismo de Protección Integral de Personas Defensoras de Derechos Humanos y Periodistas de la "
               "Ciudad de México")
    column = st.columns([3, 2])[0]  # a readable width on wide screens (full width on a phone)
    with column:
        _login_fields(note)


def _login_fields(note: str) -> None:
    if FLASH in st.session_state:
        st.warning(st.session_state.pop(FLASH), icon=":material/lock_clock:")
    if note:
        st.info(note, icon=":material/lock:")
    with st.form("entrar", enter_to_submit=True):
        usuario = st.text_input("Usuario", max_chars=100, autocomplete="username")
        contrasena = st.text_input("Contraseña", type="password", max_chars=200, autocomplete="current-password")
        entrar = st.form_submit_button("Entrar", type="primary")
    if entrar:
        try:
            _start(_store().login(usuario, contrasena), "local")
        except StoreError as exc:
            st.error(str(exc), icon=":material/block:")
        else:
            st.session_state.pop(FLASH, None)
            st.rerun()
    if _oidc_configured():
        if st.button("Entrar con la cuenta institucional", icon=":material/badge:"):
            st.login()
    st.caption("¿Olvidó su contraseña o necesita una cuenta? Pídalo a la persona administradora del tablero.")


def _password_form(*, forced: bool) -> None:
    st.title("Cambiar la contraseña" if not forced else "Cambie su contraseña para continuar")
    if forced:
        st.info("Entró con una contraseña temporal: elija una propia (al menos 10 caracteres) para usar el "
                "tablero.", icon=":material/key:")
    with st.form("cambiar_contrasena", clear_on_submit=True):
        actual = st.text_input("Contraseña actual", type="password", autocomplete="current-password")
        nueva = st.text_input("Contraseña nueva", type="password", autocomplete="new-password")
        otra = st.text_input("Repita la contraseña nueva", type="password", autocomplete="new-password")
        cambiar = st.form_submit_button("Cambiar contraseña", type="primary")
    if cambiar:
        if nueva != otra:
            st.error("Las dos contraseñas nuevas no coinciden: no se cambió nada.", icon=":material/block:")
            return
        try:
            _start(_store().change_own_password(st.session_state[TOKEN], actual, nueva),
                   st.session_state.get(METHOD, "local"))
        except StoreError as exc:
            st.error(str(exc), icon=":material/block:")
            return
        st.session_state[FLASH + "_ok"] = "Se cambió su contraseña. Sus otras sesiones se cerraron."
        st.rerun()


def at_the_door(person: Visitor) -> bool:
    """Render the sign-in form, the forced password change or the provider's refusal instead of the page;
    True when the page must not run."""
    if not person.accounts_on:
        return False
    if person.account is None and st.session_state.get(OIDC_REFUSED):
        st.error("Su cuenta no tiene acceso al tablero; pida el alta a la persona administradora",
                 icon=":material/block:")
        return True
    if person.account is None and not person.public:
        _login_form()
        return True
    if person.must_change_password:
        _password_form(forced=True)
        return True
    done = st.session_state.pop(FLASH + "_ok", None)
    if done:
        st.success(done, icon=":material/check_circle:")
    return False


SIGN_IN_PATH, PASSWORD_PATH = "entrar", "mi_contrasena"
#: URL paths of the account pages (:func:`allowed_pages` adds them); ``ui_shell.url_paths`` lists every page.
ACCOUNT_URL_PATHS = (SIGN_IN_PATH, PASSWORD_PATH)


@dataclass(frozen=True)
class PageSpec:
    """A page of the navigation, made into an ``st.Page`` only for a visitor who may open it: building an
    ``st.Page`` from a script path resolves and checks the file on every run, and the pages a visitor may not
    use are replaced by a stub anyway (Junta scale: every visit pays for every page built)."""

    path: str
    title: str
    icon: str
    url_path: str
    default: bool = False

    def build(self) -> st.Page:
        return st.Page(self.path, title=self.title, icon=self.icon, url_path=self.url_path, default=self.default)


def _page_stub(page: st.Page | PageSpec, body: Callable[[], None]) -> st.Page:
    """Stands for ``page`` (same URL and title) when it may not run: shows ``body`` instead, unlisted."""
    def show() -> None:
        body()

    if isinstance(page, PageSpec):
        default, url_path = page.default, page.url_path
    else:
        default, url_path = bool(getattr(page, "_default", False)), getattr(page, "_url_path", page.url_path)
    return st.Page(show, title=page.title, url_path=url_path, default=default,
                   visibility="visible" if default else "hidden")


def allowed_pages(person: Visitor, sections: Mapping[str, Sequence[tuple[st.Page | PageSpec, Permiso]]]
                  ) -> dict[str, list[st.Page]]:
    """The navigation for ``person``: each page they may use; the others stay reachable by URL but hidden,
    saying why (or asking to sign in)."""
    nav: dict[str, list[st.Page]] = {}
    for section, pages in sections.items():
        for page, permiso in pages:
            if person.may(permiso):
                nav.setdefault(section, []).append(page.build() if isinstance(page, PageSpec) else page)
                continue
            if person.account is None:
                body = lambda: _login_form("Esta página requiere una cuenta: entre con su usuario y contraseña.")  # noqa: E731
            else:
                role = person.account.rol_label
                body = lambda title=page.title, role=role: st.warning(  # noqa: E731
                    f"**{title}** no está disponible para su cuenta (rol {role}). Si la necesita, pida a la "
                    "persona administradora que cambie su rol.", icon=":material/lock:")
            nav.setdefault(section, []).append(_page_stub(page, body))
    if person.accounts_on and person.account is None and person.public:
        nav.setdefault("Cuenta", []).append(st.Page(_login_form, title="Entrar", url_path=SIGN_IN_PATH,
                                                    icon=":material/login:"))
    if person.account is not None:
        nav.setdefault("Cuenta", []).append(st.Page(lambda: _password_form(forced=False), title="Mi contraseña",
                                                    url_path=PASSWORD_PATH, icon=":material/key:"))
    return nav


def sidebar(person: Visitor, footer: str = "") -> None:
    """Who is signed in (plain text) and «Cerrar sesión»; public reading says so; then ``footer`` (markdown)
    — in the same caption as the public-reading note: one element fewer per visit of the landing page."""
    if not person.accounts_on:
        if footer:
            st.sidebar.caption(footer)
        return
    if person.account is None:
        st.sidebar.caption("Consulta pública, sin cuenta (solo lectura)." + (f"\n\n{footer}" if footer else ""))
        return
    box = st.sidebar.container(border=True)
    box.markdown(f"**{md(person.account.nombre)}**  \n{md(person.account.usuario)} · {person.account.rol_label}")
    box.button("Cerrar sesión", on_click=logout, icon=":material/logout:", width="stretch")
    if footer:
        st.sidebar.caption(footer)


def logout() -> None:
    """End every session of the account (the store revokes them), forget this browser session, drop the
    cookie, and sign out of the identity provider too when it was used."""
    token = st.session_state.get(TOKEN)
    if token:
        try:
            _store().logout(token)
        except StoreError:
            pass  # the session is unusable anyway: the token is forgotten below
    oidc = st.session_state.get(METHOD) == "oidc"
    _end("Cerró su sesión.")
    if oidc:
        st.logout()


def require(permiso: Permiso) -> Account | None:
    """For a protected page: the signed-in account allowed to ``permiso``; otherwise the sign-in form or a
    Spanish refusal, and the page stops.  None only in read-only workbook mode (no accounts)."""
    person = visitor()
    if not person.accounts_on:
        return None
    if at_the_door(person):
        st.stop()
    if person.account is None or not person.may(permiso):
        if person.account is None:
            _login_form("Esta página requiere una cuenta: entre con su usuario y contraseña.")
        else:
            st.warning(f"Su cuenta (rol {person.account.rol_label}) no tiene acceso a esta página.",
                       icon=":material/lock:")
        st.stop()
    return person.account


def shows_navigation(person: Visitor) -> bool:
    """The page menu is shown once the person is past the door (never on the sign-in form)."""
    if not person.accounts_on:
        return True
    if person.account is None:
        return person.public and not st.session_state.get(OIDC_REFUSED)
    return not person.must_change_password
