"""accounts.py: the permission matrix, validation messages, password hashing and the people's tables."""

from __future__ import annotations

import pandas as pd
import pytest

from mpi_dash.accounts import (
    Account,
    AccountError,
    CliActor,
    Permiso,
    Rol,
    accounts_table,
    check_correo,
    check_nombre,
    check_password,
    check_programas,
    check_rol,
    check_usuario,
    generate_password,
    hash_password,
    needs_rehash,
    parse_programas,
    puede,
    refused_rows_table,
    revision_author,
    sole_active_admin,
    verify_password,
)

# Hand-written matrix of the table: rol → permissions it has.
EXPECTED = {
    Rol.CONSULTA: {Permiso.VER_TABLERO},
    Rol.COORDINACION: {Permiso.VER_TABLERO, Permiso.VER_HISTORIAL, Permiso.CARGAR_AVANCES,
                       Permiso.ENVIAR_A_REVISION, Permiso.VER_ULTIMAS_CIFRAS},
    Rol.DIRECCION: {Permiso.VER_TABLERO, Permiso.VER_HISTORIAL, Permiso.CARGAR_AVANCES, Permiso.CARGAR_PLAN,
                    Permiso.REVERTIR, Permiso.APROBAR_TRIMESTRE, Permiso.ENVIAR_A_REVISION,
                    Permiso.VER_ULTIMAS_CIFRAS},
    Rol.ADMINISTRACION: set(Permiso),
}


def account(rol: Rol, programas=(), activa=True) -> Account:
    return Account(usuario="x", nombre="X", rol=rol, programas=frozenset(programas), activa=activa)


@pytest.mark.parametrize("rol", list(Rol))
@pytest.mark.parametrize("permiso", list(Permiso))
def test_permission_matrix(rol, permiso):
    assert puede(account(rol, ("1",)), permiso) is (permiso in EXPECTED[rol])


def test_coordination_uploads_only_its_programs_and_others_every_program():
    coord = account(Rol.COORDINACION, ("1", "3"))
    assert puede(coord, Permiso.CARGAR_AVANCES, "1") and puede(coord, Permiso.CARGAR_AVANCES, "3")
    assert not puede(coord, Permiso.CARGAR_AVANCES, "2")
    assert puede(account(Rol.DIRECCION), Permiso.CARGAR_AVANCES, "6")
    assert puede(coord, Permiso.ENVIAR_A_REVISION, "1") and not puede(coord, Permiso.ENVIAR_A_REVISION, "2")
    assert puede(account(Rol.DIRECCION), Permiso.ENVIAR_A_REVISION, "2")


def test_no_account_and_deactivated_accounts_have_no_permission():
    assert not puede(None, Permiso.VER_TABLERO)
    assert not any(puede(account(Rol.ADMINISTRACION, activa=False), p) for p in Permiso)
    assert all(puede(CliActor("Ana"), p) for p in Permiso)  # the command line is administrative


@pytest.mark.parametrize(("value", "expected"), [("Ana.Lopez", "ana.lopez"), ("  beto_1 ", "beto_1"),
                                                  ("c-3", "c-3")])
def test_usuario_normalised(value, expected):
    assert check_usuario(value) == expected


@pytest.mark.parametrize("value", ["", "   ", "<b>x</b>", "ana lópez", ".ana", "a" * 41, "ana@x"])
def test_bad_usuario_is_a_spanish_message(value):
    with pytest.raises(AccountError, match="usuario"):
        check_usuario(value)


def test_long_values_are_never_cut_in_messages():
    with pytest.raises(AccountError) as info:
        check_usuario("x" * 500)
    assert "texto de 500 caracteres" in str(info.value) and "…" not in str(info.value)
    with pytest.raises(AccountError, match="a lo más 120"):
        check_nombre("n" * 121)


def test_markup_in_names_is_kept_as_typed():
    assert check_nombre("  Pepe   <b>**x**</b> ") == "Pepe <b>**x**</b>"


@pytest.mark.parametrize(("value", "ok"), [("ana@cdmx.gob.mx", True), ("", True), ("ANA@X.MX", True),
                                           ("ana", False), ("a@b", False), ("<a@b.mx>", False)])
def test_correo(value, ok):
    if ok:
        assert check_correo(value) == (value.strip().lower() or None)
    else:
        with pytest.raises(AccountError, match="correo"):
            check_correo(value)


def test_rol_and_programs():
    assert check_rol(" Direccion ") is Rol.DIRECCION
    with pytest.raises(AccountError, match="se esperaba uno de: consulta, coordinacion"):
        check_rol("jefe")
    known = ["1", "2", "3"]
    assert check_programas(Rol.COORDINACION, ["1", " 3"], known) == {"1", "3"}
    assert check_programas(Rol.DIRECCION, [], known) == frozenset()
    with pytest.raises(AccountError, match="al menos un programa"):
        check_programas(Rol.COORDINACION, [], known)
    with pytest.raises(AccountError, match="No existe el programa 9"):
        check_programas(Rol.COORDINACION, ["9"], known)
    with pytest.raises(AccountError, match="Solo las cuentas de coordinación"):
        check_programas(Rol.CONSULTA, ["1"], known)
    assert parse_programas("1, 3;4 5") == ("1", "3", "4", "5")


@pytest.mark.parametrize(("password", "message"), [("corta", r"al menos 10 caracteres \(tiene 5\)"),
                                                   (" " * 12, "solo espacios"), ("x" * 201, "a lo más 200")])
def test_password_policy(password, message):
    with pytest.raises(AccountError, match=message) as info:
        check_password(password)
    assert password.strip() == "" or password not in str(info.value)  # never echoed


def test_hashing_is_argon2id_salted_and_verifies():
    first, second = hash_password("clave-larga-1"), hash_password("clave-larga-1")
    assert first.startswith("$argon2id$") and first != second and "clave-larga-1" not in first
    assert verify_password(first, "clave-larga-1") and not verify_password(first, "otra-clave-1")
    assert not verify_password(None, "clave-larga-1") and not verify_password("no-es-hash", "x")
    assert not needs_rehash(first) and needs_rehash("no-es-hash")


def test_generated_passwords_are_random_readable_and_valid():
    made = {generate_password() for _ in range(50)}
    assert len(made) == 50
    assert all(len(p) == 16 and not set(p) & set("0O1lI") for p in made)
    assert all(check_password(p) == p for p in made)


def test_revision_author():
    assert revision_author("Ana López", "ana", "web") == "Ana López (ana)"
    assert revision_author("Ana", None, "cli") == "Ana (línea de comandos)"
    assert revision_author("sistema", None, "sistema") == "sistema"
    assert revision_author("Beto", None, None) == "Beto"  # revisions older than accounts


def test_tables_are_plain_spanish_text():
    table = accounts_table([Account(usuario="pepe", nombre="<b>Pepe</b>", rol=Rol.COORDINACION,
                                    programas=frozenset({"3", "1"}), creada="2023-06-01T18:00:00+00:00")])
    assert table.iloc[0].tolist() == ["pepe", "<b>Pepe</b>", "—", "Coordinación", "1, 3", "activa",
                                      "01/06/2023 12:00", "nunca"]
    rows = refused_rows_table([("Avances", 7, "2.1", "2"), ("Avances", None, "3", "3")])
    assert rows.values.tolist() == [["Avances", "7", "2.1", "2"], ["Avances", "—", "3", "3"]]
    assert isinstance(rows, pd.DataFrame)


@pytest.mark.parametrize(("check", "value", "campo"), [
    (check_usuario, "", "usuario"), (check_usuario, "Ana López", "usuario"), (check_nombre, " ", "nombre"),
    (check_correo, "ana@", "correo"), (check_rol, "jefe", "rol"), (check_password, "corta", "contrasena"),
    (lambda v: check_programas(Rol.COORDINACION, v, ["1"]), [], "programas"),
    (lambda v: check_programas(Rol.CONSULTA, v, ["1"]), ["1"], "programas"),
])
def test_each_refusal_names_its_field_for_the_form(check, value, campo):
    with pytest.raises(AccountError) as info:
        check(value)
    assert info.value.campo == campo


def test_state_for_people_and_how_a_confirmation_names_the_account():
    ana = Account(usuario="ana.lopez", nombre="Ana López", rol=Rol.DIRECCION)
    assert ana.quien == "Ana López (ana.lopez)" and ana.estado == "activa"
    # 01:05 UTC on 8 December is 19:05 of the 7th in Mexico City (UTC-6): the hour only, as the lock is 15 min.
    locked = Account(usuario="beto", nombre="Beto", rol=Rol.CONSULTA, bloqueada_hasta="2026-12-08T01:05:00+00:00")
    assert locked.estado == "bloqueada hasta 19:05"
    assert Account(usuario="x", nombre="X", rol=Rol.CONSULTA, activa=False,
                   bloqueada_hasta="2026-12-08T01:05:00+00:00").estado == "desactivada"
    assert accounts_table([locked])["Estado"].tolist() == ["bloqueada hasta 19:05"]


def test_sole_active_admin():
    def admin(usuario: str, activa: bool = True) -> Account:
        return Account(usuario=usuario, nombre=usuario, rol=Rol.ADMINISTRACION, activa=activa)

    consulta = Account(usuario="c", nombre="C", rol=Rol.CONSULTA)
    assert sole_active_admin([admin("a"), consulta, admin("b", activa=False)]) == "a"
    assert sole_active_admin([admin("a"), admin("b")]) is None
    assert sole_active_admin([consulta]) is None
