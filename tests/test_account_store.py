"""Accounts, sign-in, sessions, lockout and the access log in the store; permissions of every write × role.

Each write method of the store takes the acting account and checks it itself: a caller that forgets to
check (a page, a script) still cannot write.  The database is a temporary one seeded from the small sample
plan of ``upload_helpers`` (programs 1 and 6), with one account per role from ``auth_helpers``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from auth_helpers import ADMIN_CLI, PASSWORD, add_accounts
from upload_helpers import (avances_frame, data_sql, make_db, sample_plan, sample_snapshot, upload_bytes,
                            workbook_bytes)

from mpi_dash import config, sessions
from mpi_dash.account_store import INACTIVE, NO_OIDC_ACCESS, WRONG_CREDENTIALS
from mpi_dash.accounts import AccountError, CliActor, PermissionDenied, Rol
from mpi_dash.store import (
    AccountConflict,
    ForeignRowsRefused,
    LoginError,
    SessionEnded,
    SessionExpired,
    Store,
    StoreError,
)

OWN_ROW = [("1.1.1", 2023, "Junio", 0.5)]        # program 1: coco's
OTHER_ROW = [("6", 2023, "Marzo", 0.0)]          # program 6: not coco's


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.delenv(config.SESSION_HOURS_ENV, raising=False)
    path = make_db(tmp_path)
    add_accounts(path)
    return Store(path)


def events(store: Store, evento: str | None = None) -> list[tuple]:
    log = store.access_log(limit=None)
    rows = list(zip(log["evento"], log["usuario"], log["actor"], log["detalle"]))
    return [r for r in rows if evento is None or r[0] == evento]


def sql(store: Store, statement: str, params=()) -> None:
    with store.connection() as db:
        db.execute(statement, list(params))
        db.conn.commit()


# --------------------------------------------------------------------------- permissions: every write × role
def _write(store: Store, name: str, actor) -> None:  # noqa: ANN001
    if name == "commit_preview":
        store.commit_preview(store.prepare_upload(upload_bytes(OWN_ROW), "a.xlsx"), actor=actor, comment="c")
    elif name == "import_file":
        store.import_file(upload_bytes(OWN_ROW), "a.xlsx", actor=actor, comment="c")
    elif name == "revert":
        store.revert(1, actor=actor, reason="r")
    elif name == "save_state":
        snap = sample_snapshot()
        store.save_state(dataclasses.replace(snap, parametros={**snap.parametros, "verde_min": 85.0}),
                         actor=actor, comment="c")
    elif name == "create_account":
        store.create_account(actor, "nueva", nombre="Nueva", rol="consulta")
    elif name == "update_account":
        store.update_account(actor, "cony", version=None, nombre="Consuelo R.", rol="consulta")
    elif name == "set_active":
        store.set_active(actor, "cony", False)
    elif name == "reset_password":
        store.reset_password(actor, "cony")
    else:  # pragma: no cover
        raise AssertionError(name)


ALLOWED = {  # write → roles allowed (hand-written from the issue's table)
    "commit_preview": {"coordinacion", "direccion", "administracion"},
    "import_file": {"coordinacion", "direccion", "administracion"},
    "revert": {"direccion", "administracion"},
    "save_state": {"direccion", "administracion"},
    "create_account": {"administracion"},
    "update_account": {"administracion"},
    "set_active": {"administracion"},
    "reset_password": {"administracion"},
}
ROLE_USER = {"consulta": "cony", "coordinacion": "coco", "direccion": "ana", "administracion": "adri"}


@pytest.mark.parametrize("role", [*ROLE_USER, "desactivada"])
@pytest.mark.parametrize("write", sorted(ALLOWED))
def test_every_write_checks_the_role_itself(store, write, role):
    if write == "revert":
        store.import_file(upload_bytes(OWN_ROW), "a.xlsx", actor=ADMIN_CLI, comment="r2")
    if role == "desactivada":
        actor = store.get_account("beto")
        store.set_active(ADMIN_CLI, "beto", False)  # the page still holds the active object
    else:
        actor = store.get_account(ROLE_USER[role])
    before = data_sql(store.path), [(a.usuario, a.version) for a in store.list_accounts()]
    if role in ALLOWED[write]:
        _write(store, write, actor)
        assert (data_sql(store.path), [(a.usuario, a.version) for a in store.list_accounts()]) != before
        return
    with pytest.raises(PermissionDenied, match="No se guardó nada") as info:
        _write(store, write, actor)
    assert "desactivada" in str(info.value) if role == "desactivada" else "Su rol" in str(info.value)
    assert (data_sql(store.path), [(a.usuario, a.version) for a in store.list_accounts()]) == before
    (denied,) = events(store, "permiso_denegado")
    assert denied[1] == actor.usuario and denied[3] == str(info.value)


def test_role_is_read_from_the_store_not_from_the_object_a_page_holds(store):
    held = store.get_account("ana")  # dirección when the page read it
    store.update_account(ADMIN_CLI, "ana", version=None, nombre="Ana López", rol="consulta")
    with pytest.raises(PermissionDenied, match=r"Su rol \(Consulta\)"):
        store.import_file(upload_bytes(OWN_ROW), "a.xlsx", actor=held, comment="c")
    assert store.latest_revision() == 1


def test_coordinator_rows_that_change_another_program_are_refused_whole_grouped_per_program(store):
    """Rows of another program that WOULD change its data refuse the whole file: one line per program with
    its claves and row numbers (never one line per row), and advice the coordinator can follow."""
    coco = store.get_account("coco")
    content = upload_bytes(OWN_ROW + OTHER_ROW + [("6", 2023, "Junio", 1.0)])
    before = data_sql(store.path)
    for attempt in (lambda: store.prepare_upload(content, "mixto.xlsx", actor=coco),
                    lambda: store.import_file(content, "mixto.xlsx", actor=coco, comment="c"),
                    lambda: store.commit_preview(store.prepare_upload(content, "mixto.xlsx"), actor=coco,
                                                 comment="c")):
        with pytest.raises(ForeignRowsRefused) as info:
            attempt()
        assert info.value.filas == (("Avances", 3, "6", "6"), ("Avances", 4, "6", "6"))
        assert info.value.lines == [
            "Su archivo cambiaría datos de programas que su cuenta no coordina, así que no se guardó nada.",
            "Programa 6: 6 (filas 3 y 4) — su cuenta coordina el programa 1.",
            "Qué hacer: en esas filas deje los valores que traía la plantilla (la hoja no permite borrarlas), o "
            "descargue en «Cargar avances» una plantilla nueva, que trae solo sus programas, y copie ahí sus "
            "cifras. Si esos datos deben cambiar, pídalo a quien coordina ese programa."]
        assert "Quite esas filas" not in str(info.value)
    assert data_sql(store.path) == before
    assert len(events(store, "permiso_denegado")) == 3


def test_coordinator_cannot_slip_other_rows_through_a_preview_it_built(store):
    """A preview whose list of rows and of changed cells were edited to hide another program's row: the rows
    the revision would write are checked again inside the write transaction."""
    from mpi_dash.diff import Changes

    coco = store.get_account("coco")
    preview = store.prepare_upload(upload_bytes(OWN_ROW + OTHER_ROW), "mixto.xlsx")
    cells = preview.changes.cells
    own_only = Changes(cells=cells[cells["clave"] == "1.1.1"].reset_index(drop=True),
                       semaforo=preview.changes.semaforo)
    forged = dataclasses.replace(preview, subidas=None, changes=own_only)  # the other row hidden from the checks
    with pytest.raises(PermissionDenied, match="Su cuenta no puede cambiar la clave 6: solo avances del "
                                               "programa 1"):
        store.commit_preview(forged, actor=coco, comment="c")
    assert store.latest_revision() == 1


def test_coordinator_plan_or_parametros_sheet_is_refused(store):
    coco = store.get_account("coco")
    plan_file = workbook_bytes(sample_plan().query("clave == '1.1.1'"))
    with pytest.raises(PermissionDenied, match="trae la hoja «Plan»"):
        store.import_file(plan_file, "plan.xlsx", actor=coco, comment="c")
    params = workbook_bytes(None, avances_frame(*OWN_ROW), {"verde_min": 80.0})
    with pytest.raises(PermissionDenied, match="trae la hoja «Parámetros»"):
        store.import_file(params, "parametros.xlsx", actor=coco, comment="c")
    assert store.latest_revision() == 1


def test_coordinator_own_rows_are_saved_under_its_name(store):
    coco = store.get_account("coco")
    rev, preview = store.import_file(upload_bytes(OWN_ROW), "propio.xlsx", actor=coco, comment="junio")
    assert rev == 2 and preview.muestras_reemplazadas == {("1.1.1", 2023, 2)}  # its own sample row, now real
    assert not preview.clears_illustrative_flag  # the other sample rows stay samples
    info = store.revision_info(2)
    assert (info["autor"], info["usuario"], info["origen"]) == ("Coordinación Uno", "coco", "web")


def test_command_line_author_is_recorded_as_given(store):
    store.import_file(upload_bytes(OWN_ROW), "a.xlsx", actor=CliActor("Ana por teléfono"), comment="c")
    info = store.revision_info(2)
    assert (info["autor"], info["usuario"], info["origen"]) == ("Ana por teléfono", None, "cli")
    with pytest.raises(StoreError, match="Falta el nombre"):
        store.revert(1, actor=CliActor("  "), reason="r")


# --------------------------------------------------------------------------- signing in and lockout
def test_login_and_session(store):
    session = store.login(" ANA ", PASSWORD)
    assert session.account.usuario == "ana" and session.token != session.cookie_code
    account, method = store.check_session(session.token)
    assert (account.usuario, account.rol, method) == ("ana", Rol.DIRECCION, "local")
    assert store.get_account("ana").ultimo_acceso is not None
    assert events(store, "login_ok")[0][:2] == ("login_ok", "ana")


@pytest.mark.parametrize("token", ["", "x", "a" * 600])
def test_forged_tokens_end_nothing_and_open_nothing(store, token):
    with pytest.raises(SessionEnded):
        store.check_session(token)


def test_a_token_signed_with_another_key_or_tampered_is_refused(store, tmp_path):
    other = Store(make_db(tmp_path, "otra.sqlite"))
    add_accounts(other.path)
    foreign = other.login("ana", PASSWORD).token
    with pytest.raises(SessionEnded):
        store.check_session(foreign)
    token = store.login("ana", PASSWORD).token
    with pytest.raises(SessionEnded):
        store.check_session(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_wrong_password_and_unknown_usuario_read_the_same(store):
    messages = set()
    for usuario, password in (("ana", "equivocada-1"), ("nadie", "equivocada-1"), ("", "")):
        with pytest.raises(LoginError) as info:
            store.login(usuario, password)
        messages.add(str(info.value))
    assert messages == {WRONG_CREDENTIALS}


@pytest.mark.parametrize("usuario", ["ana", "no.existe"])
def test_five_failures_lock_for_15_minutes_whether_or_not_the_account_exists(store, usuario):
    for attempt in range(1, 5):
        with pytest.raises(LoginError, match="incorrectos"):
            store.login(usuario, f"mala-{attempt}-xxxxx")
    with pytest.raises(LoginError, match="bloqueado 15 minutos") as fifth:
        store.login(usuario, "mala-5-xxxxx")
    with pytest.raises(LoginError) as correct_during_lock:
        store.login(usuario, PASSWORD)
    assert str(correct_during_lock.value) == str(fifth.value)  # same words for both usuarios
    assert "Demasiados intentos fallidos" in str(fifth.value) and "usuario no existe" not in str(fifth.value)
    assert [e[0] for e in events(store) if e[1] == usuario][:2] == ["login_bloqueado", "login_bloqueado"]
    past = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)).isoformat(timespec="seconds")
    sql(store, "UPDATE intentos SET bloqueada_hasta = ? WHERE usuario = ?", [past, usuario])
    if usuario == "ana":
        assert store.login("ana", PASSWORD).account.usuario == "ana"  # 15 minutes later


def test_success_resets_the_count_and_a_reset_lifts_the_lock(store):
    for _ in range(4):
        with pytest.raises(LoginError):
            store.login("ana", "mala-clave-x")
    store.login("ana", PASSWORD)
    for _ in range(4):
        with pytest.raises(LoginError, match="incorrectos"):
            store.login("ana", "mala-clave-x")  # counts from zero again: not locked at the 5th overall
    with pytest.raises(LoginError, match="bloqueado"):
        store.login("ana", "mala-clave-x")
    store.reset_password(ADMIN_CLI, "ana", contrasena="clave-nueva-22")
    assert store.login("ana", "clave-nueva-22").account.usuario == "ana"


def test_deactivated_account_is_told_only_with_the_right_password(store):
    store.set_active(ADMIN_CLI, "beto", False)
    with pytest.raises(LoginError) as right:
        store.login("beto", PASSWORD)
    assert str(right.value) == INACTIVE
    with pytest.raises(LoginError) as wrong:
        store.login("beto", "mala-clave-x")
    assert str(wrong.value) == WRONG_CREDENTIALS


def test_very_long_or_markup_usuario_is_logged_without_storing_it_whole(store):
    with pytest.raises(LoginError):
        store.login("x" * 5000, "y")
    with pytest.raises(LoginError):
        store.login("<script>alert(1)</script>", "y")
    log = events(store, "login_fallido")
    assert log[1][1] == "(usuario de 5000 caracteres)" and log[0][1] == "<script>alert(1)</script>"


# --------------------------------------------------------------------------- sessions end
def _age_session(store: Store, hours: float) -> None:
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours)).isoformat(timespec="seconds")
    sql(store, "UPDATE sesiones SET ultimo_uso = ?", [old])


def test_idle_expiry_default_8_hours_and_configurable(store, monkeypatch):
    token = store.login("ana", PASSWORD).token
    _age_session(store, 7.9)
    assert store.check_session(token)[0].usuario == "ana"  # and its last use is now
    _age_session(store, 8.1)
    with pytest.raises(SessionExpired, match="expiró por inactividad \\(más de 8 horas"):
        store.check_session(token)
    assert events(store, "sesion_expirada")
    token = store.login("ana", PASSWORD).token
    monkeypatch.setenv(config.SESSION_HOURS_ENV, "0,5")
    _age_session(store, 0.6)
    with pytest.raises(SessionExpired, match="más de 0,5 horas"):
        store.check_session(token)


def test_absolute_lifetime(store):
    token = store.login("ana", PASSWORD).token
    sql(store, "UPDATE sesiones SET expira = ?", ["2000-01-01T00:00:00+00:00"])
    with pytest.raises(SessionExpired):
        store.check_session(token)


@pytest.mark.parametrize("ending", ["logout", "deactivation", "reset", "own_change"])
def test_logout_deactivation_and_password_changes_end_every_session(store, ending):
    first, second = store.login("ana", PASSWORD), store.login("ana", PASSWORD)
    other = store.login("beto", PASSWORD)
    new = None
    if ending == "logout":
        store.logout(first.token)
    elif ending == "deactivation":
        store.update_account(ADMIN_CLI, "ana", version=None, nombre="Ana López", rol="direccion")
        store.set_active(ADMIN_CLI, "ana", False)
    elif ending == "reset":
        store.reset_password(ADMIN_CLI, "ana")
    else:
        new = store.change_own_password(second.token, PASSWORD, "otra-clave-segura")
    for ended in (first, second):
        with pytest.raises(SessionEnded):
            store.check_session(ended.token)
        assert store.redeem_cookie_code(ended.cookie_code) is None
    assert store.check_session(other.token)[0].usuario == "beto"  # other accounts untouched
    if new is not None:
        assert store.check_session(new.token)[0].usuario == "ana"
        assert store.login("ana", "otra-clave-segura")


def test_own_password_change_checks_the_current_one_and_the_policy(store):
    session = store.login("ana", PASSWORD)
    with pytest.raises(AccountError, match="actual no es correcta"):
        store.change_own_password(session.token, "mala", "otra-clave-segura")
    with pytest.raises(AccountError, match="al menos 10"):
        store.change_own_password(session.token, PASSWORD, "corta")
    with pytest.raises(AccountError, match="distinta"):
        store.change_own_password(session.token, PASSWORD, PASSWORD)
    assert store.check_session(session.token)  # nothing changed


def test_cookie_code_is_single_use(store):
    session = store.login("ana", PASSWORD)
    token = store.redeem_cookie_code(session.cookie_code)
    assert store.check_session(token)[0].usuario == "ana"
    assert store.redeem_cookie_code(session.cookie_code) is None
    assert store.redeem_cookie_code(session.token) is None  # a token is not a code
    assert store.redeem_cookie_code("nada") is None


# --------------------------------------------------------------------------- managing accounts
def test_create_account_one_time_password_must_be_changed(store):
    adri = store.get_account("adri")
    account, password = store.create_account(adri, "Luz.M", nombre="  Luz  <i>M</i> ", rol="coordinacion",
                                             programas=["6"], correo="LUZ@cdmx.gob.mx")
    assert (account.usuario, account.nombre, account.correo, account.programas) == (
        "luz.m", "Luz <i>M</i>", "luz@cdmx.gob.mx", frozenset({"6"}))
    assert account.debe_cambiar_contrasena and len(password) == 16
    assert store.login("luz.m", password).account.debe_cambiar_contrasena
    assert password not in store.dump_sql()  # only its Argon2id hash is stored
    with pytest.raises(AccountError, match="Ya existe la cuenta «luz.m»"):
        store.create_account(adri, "luz.m", nombre="Otra", rol="consulta")
    with pytest.raises(AccountError, match="ya pertenece a otra cuenta"):
        store.create_account(adri, "otra", nombre="Otra", rol="consulta", correo="luz@cdmx.gob.mx")


def test_two_administrators_editing_the_same_account(store):
    seen = store.get_account("cony").version
    store.update_account(ADMIN_CLI, "cony", version=seen, nombre="Consuelo Ruiz", rol="coordinacion",
                         programas=["1"])
    with pytest.raises(AccountConflict, match="Otra persona modificó la cuenta «cony»"):
        store.update_account(ADMIN_CLI, "cony", version=seen, nombre="Otro nombre", rol="consulta")
    with pytest.raises(AccountConflict):
        store.set_active(ADMIN_CLI, "cony", False, version=seen)
    account = store.get_account("cony")
    assert (account.nombre, account.rol, account.activa) == ("Consuelo Ruiz", Rol.COORDINACION, True)


def test_an_active_administrator_always_remains(store):
    store.create_account(ADMIN_CLI, "sola", nombre="Sola", rol="administracion", contrasena=PASSWORD)
    store.set_active(ADMIN_CLI, "adri", False)
    sola = store.get_account("sola")
    for actor in (ADMIN_CLI, sola):  # the command line and the last administrator herself
        before = [(a.usuario, a.rol, a.activa, a.version) for a in store.list_accounts()]
        with pytest.raises(AccountError, match="«sola» es la única cuenta activa de administración: no se puede "
                           "desactivarla") as off:
            store.set_active(actor, "sola", False)
        with pytest.raises(AccountError, match="no se puede cambiar su rol, porque debe quedar al menos una"
                           ) as demoted:
            store.update_account(actor, "sola", version=None, nombre="Sola", rol="direccion")
        assert off.value.campo is None and demoted.value.campo == "rol"  # a form shows it under «Rol»
        assert [(a.usuario, a.rol, a.activa, a.version) for a in store.list_accounts()] == before
    # A deactivated administrator is not one of the active ones: its role may change.
    assert store.update_account(sola, "adri", version=None, nombre="Adri", rol="consulta").rol is Rol.CONSULTA
    # With a second active administrator, either one may go.
    store.create_account(sola, "otra", nombre="Otra", rol="administracion", contrasena=PASSWORD)
    assert not store.set_active(ADMIN_CLI, "sola", False).activa
    with pytest.raises(AccountError, match="«otra» es la única"):
        store.update_account(ADMIN_CLI, "otra", version=None, nombre="Otra", rol="consulta")


def test_an_administrator_never_resets_its_own_password(store):
    session = store.login("adri", PASSWORD)
    with store.connection() as db:
        stored = db.execute("SELECT hash_contrasena, version FROM cuentas WHERE usuario = 'adri'").fetchone()
    with pytest.raises(AccountError, match="Su propia contraseña no se restablece desde «Cuentas»: cámbiela en "
                       "«Mi contraseña»"):
        store.reset_password(store.get_account("adri"), "ADRI")
    with store.connection() as db:
        assert db.execute("SELECT hash_contrasena, version FROM cuentas WHERE usuario = 'adri'").fetchone() == stored
    assert store.check_session(session.token)[0].usuario == "adri"  # still signed in
    assert not events(store, "contrasena_restablecida")
    # Another administrator's, and the command line (the way back into a forgotten «admin»), may.
    assert len(store.reset_password(store.get_account("adri"), "ana")) == 16
    assert store.reset_password(ADMIN_CLI, "adri", contrasena="recuperada-123") is None
    assert store.login("adri", "recuperada-123")


def _lock(store: Store, usuario: str) -> None:
    for _ in range(5):
        with pytest.raises(LoginError):
            store.login(usuario, "mala-clave-x")


def test_a_locked_account_reads_locked_until_and_an_administrator_unlocks_it(store):
    _lock(store, "beto")
    locked = store.get_account("beto")
    now = dt.datetime.now(dt.timezone.utc)
    until = dt.datetime.fromisoformat(locked.bloqueada_hasta)
    assert dt.timedelta(minutes=14) < until - now <= dt.timedelta(minutes=15)
    assert locked.activa and locked.estado.startswith("bloqueada hasta ")
    # Hand-computed: 18:30 UTC on 5 January is 12:30 in Mexico City (UTC-6, no daylight saving since 2022).
    sql(store, "UPDATE intentos SET bloqueada_hasta = ? WHERE usuario = 'beto'", ["2099-01-05T18:30:00+00:00"])
    assert {a.usuario: a.estado for a in store.list_accounts()}["beto"] == "bloqueada hasta 12:30"
    assert store.get_account("ana").bloqueada_hasta is None and store.get_account("ana").estado == "activa"

    with pytest.raises(PermissionDenied, match=r"Su rol \(Dirección\) no permite administrar cuentas"):
        store.unlock(store.get_account("ana"), "beto")
    assert store.get_account("beto").bloqueada_hasta  # still locked
    with pytest.raises(LoginError, match="Demasiados intentos"):
        store.login("beto", PASSWORD)

    version = store.get_account("beto").version
    unlocked = store.unlock(store.get_account("adri"), "Beto")
    assert unlocked.bloqueada_hasta is None and unlocked.estado == "activa" and unlocked.version == version
    assert events(store, "cuenta_desbloqueada")[0][1:] == (
        "beto", "adri", "estaba bloqueada hasta 12:30 (hora de la Ciudad de México)")
    assert store.login("beto", PASSWORD).account.usuario == "beto"  # the same password works at once
    with pytest.raises(AccountError, match="La cuenta «beto» no está bloqueada: no hay nada que desbloquear"):
        store.unlock(ADMIN_CLI, "beto")
    with pytest.raises(AccountError, match="No existe la cuenta «nadie»"):
        store.unlock(ADMIN_CLI, "nadie")


def test_a_lockout_that_ended_reads_active(store):
    _lock(store, "beto")
    past = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)).isoformat(timespec="seconds")
    sql(store, "UPDATE intentos SET bloqueada_hasta = ? WHERE usuario = 'beto'", [past])
    assert store.get_account("beto").estado == "activa"
    with pytest.raises(AccountError, match="no está bloqueada"):
        store.unlock(ADMIN_CLI, "beto")


def test_a_deactivated_account_reads_deactivated_even_when_locked(store):
    _lock(store, "beto")
    store.set_active(ADMIN_CLI, "beto", False)
    assert store.get_account("beto").estado == "desactivada"


def test_accounts_are_never_deleted_and_reactivate(store):
    store.set_active(ADMIN_CLI, "beto", False)
    assert not store.get_account("beto").activa and "beto" in [a.usuario for a in store.list_accounts()]
    with pytest.raises(AccountError, match="ya está desactivada"):
        store.set_active(ADMIN_CLI, "beto", False)
    store.set_active(ADMIN_CLI, "beto", True)
    assert store.login("beto", PASSWORD)


def test_first_start_admin(tmp_path):
    store = Store(make_db(tmp_path))
    password = store.ensure_first_admin()
    admin = store.get_account("admin")
    assert admin.rol is Rol.ADMINISTRACION and admin.debe_cambiar_contrasena and len(password) == 16
    assert store.ensure_first_admin() is None  # only when there is no account at all
    assert store.login("admin", password).account.usuario == "admin"
    assert events(store, "cuenta_creada")[0][2] == "sistema (primer arranque)"


# --------------------------------------------------------------------------- identity provider
def test_identity_provider_matches_an_active_account_by_correo(store):
    store.update_account(ADMIN_CLI, "ana", version=None, nombre="Ana López", rol="direccion",
                         correo="ana@cdmx.gob.mx")
    session = store.login_oidc("Ana@CDMX.gob.mx")
    assert session.account.usuario == "ana" and store.check_session(session.token)[1] == "oidc"
    for correo in ("nadie@cdmx.gob.mx", "", None):
        with pytest.raises(LoginError) as info:
            store.login_oidc(correo)
        assert str(info.value) == NO_OIDC_ACCESS
    store.set_active(ADMIN_CLI, "ana", False)
    with pytest.raises(LoginError, match="no tiene acceso al tablero"):
        store.login_oidc("ana@cdmx.gob.mx")


def test_the_access_log_records_what_the_issue_lists(store):
    store.login("ana", PASSWORD)
    with pytest.raises(LoginError):
        store.login("ana", "mala-clave-x")
    with pytest.raises(PermissionDenied):
        store.revert(1, actor=store.get_account("cony"), reason="r")
    store.set_active(store.get_account("adri"), "beto", False)
    kinds = {e[0] for e in events(store)}
    assert {"login_ok", "login_fallido", "permiso_denegado", "cuenta_creada", "cuenta_desactivada"} <= kinds
    assert events(store, "cuenta_desactivada")[0][1:3] == ("beto", "adri")
    # People's words in the log, not the stored codes (hand-written: «direccion» is a code).
    created = {e[1]: e[3] for e in events(store, "cuenta_creada")}
    assert (created["ana"], created["coco"]) == ("Rol Dirección; programas —", "Rol Coordinación; programas 1")
    store.update_account(ADMIN_CLI, "cony", version=None, nombre="Consuelo Ruiz", rol="coordinacion", programas=["1"])
    assert events(store, "cuenta_cambiada")[0][3] == "rol: Consulta → Coordinación; programas: — → 1"
    assert list(store.access_log(usuario="beto")["usuario"].unique()) == ["beto"]
    assert PASSWORD not in store.dump_sql()
    assert sessions.MAX_FAILED_LOGINS == 5 and sessions.LOCK_MINUTES == 15


# --------------------------------------------------------------------------- a team's template (issue 21, item 4)
# The sample plan's 2023 template, in plan order: 1.1.1 (program 1, rows 2–5), 1.2.1 (program 1, rows 6–9) and
# 6 (program 6, rows 10–13: Marzo = 1 stored, the other quarters without a report); column E is «Realizado».
def _team_template(store: Store, cells: dict[str, object], revision: int = 1) -> bytes:
    import io

    from openpyxl import load_workbook

    from mpi_dash.template import build_template

    _, snap = store.load_snapshot(revision)
    wb = load_workbook(io.BytesIO(build_template(snap, anio=2023, revision=revision)))
    for ref, value in cells.items():
        wb["Avances"][ref] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_coordinator_team_template_other_programs_unchanged_are_ignored_with_one_notice(store):
    coco = store.get_account("coco")
    untouched = store.prepare_upload(_team_template(store, {}), "equipo.xlsx", actor=coco)
    assert untouched.outcome.value == "identico" and untouched.avisos == ()  # nothing else to say
    assert untouched.n_ignoradas == 4
    assert untouched.ignored_notice == "Se ignoraron 4 filas del programa 6: no cambian nada."
    revision, preview = store.import_file(_team_template(store, {"E3": 0.5}), "equipo.xlsx", actor=coco,
                                          comment="junio")
    assert revision == 2 and preview.ignored_notice == "Se ignoraron 4 filas del programa 6: no cambian nada."
    assert preview.avances_sin_cambio == 2  # 1.1.1 Marzo and 1.2.1 Marzo (not the ignored row of program 6)
    written = store.revision_changes(2, with_semaforo=False).cells
    assert set(written.loc[written["tabla"] == "Avances", "clave"]) == {"1.1.1"}
    assert not [e for e in events(store) if e[0] == "permiso_denegado"]


def test_coordinator_team_template_keeps_a_colleagues_later_change_of_another_program(store):
    """Program 6's coordinator corrected 6 Marzo after the team's template was made; coco's copy still has the
    template's value there: not a change, ignored (not even listed as a kept cell), and 6 Marzo stays."""
    coco = store.get_account("coco")
    template = _team_template(store, {"E3": 0.5})
    store.import_file(upload_bytes([("6", 2023, "Marzo", 0.0)]), "seis.xlsx", actor=ADMIN_CLI, comment="6")
    preview = store.prepare_upload(template, "equipo.xlsx", actor=coco)
    assert preview.n_conservadas == 0 and preview.n_ignoradas == 4
    store.commit_preview(preview, actor=coco, comment="junio")
    _, now = store.load_snapshot()
    rows = now.avances.set_index(["clave", "anio", "trimestre"])["realizado"]
    assert (rows[("6", 2023, 1)], rows[("1.1.1", 2023, 2)]) == (0.0, 0.5)


def test_coordinator_team_template_changing_another_program_is_refused_naming_only_what_changes(store):
    coco = store.get_account("coco")
    content = _team_template(store, {"E3": 0.5, "E10": 5.0, "E12": 2.0})  # 6 Marzo changed, 6 Septiembre new
    before = data_sql(store.path)
    with pytest.raises(ForeignRowsRefused) as info:
        store.prepare_upload(content, "equipo.xlsx", actor=coco)
    assert info.value.programas == {"6": "Programa 6: 6 (filas 10 y 12) — su cuenta coordina el programa 1."}
    assert data_sql(store.path) == before


def test_refusal_names_a_few_rows_per_clave_never_one_line_per_row(store):
    coco = store.get_account("coco")
    rows = [("6", year, q, 9.0) for year in (2022, 2023) for q in range(1, 5)]  # 8 rows of program 6
    with pytest.raises(ForeignRowsRefused) as info:
        store.prepare_upload(upload_bytes(rows), "seis.xlsx", actor=coco)
    lines = info.value.lines
    assert len(lines) == 3 and str(info.value) == " ".join(lines)
    assert lines[1] == "Programa 6: 6 (filas 2, 3, 4 y 5 más) — su cuenta coordina el programa 1."
    assert len(info.value.filas) == 8  # every row is still known to the caller (and the access log)
