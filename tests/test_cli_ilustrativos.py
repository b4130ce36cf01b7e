"""``python -m mpi_dash ilustrativos [quitar]``: where sample values remain, and removing them (issue 21 item 2).

The test database of ``upload_helpers`` holds 12 sample rows: program 1 has 11 (8 of 2022, 3 of 2023) and
program 6 one (2023).
"""

from __future__ import annotations

import io

import pytest
from upload_helpers import make_db, upload_bytes

from mpi_dash.accounts import CliActor
from mpi_dash.cli import main
from mpi_dash.store import Store


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path)


def test_lists_where_sample_values_remain(db, capsys):
    assert main(["ilustrativos", "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        "Datos ilustrativos en los programas 1 y 6 (revisión 1): 12 valores de ejemplo del libro incluido.",
        "  Programa 1: 11 valores (2022: 8, 2023: 3)",
        "  Programa 6: 1 valor (2023)"]
    assert "ilustrativos quitar --autor NOMBRE" in out[3]


def test_after_an_upload_of_program_6_only_program_1_is_named(db, capsys):
    Store(db).import_file(upload_bytes([("6", 2023, "Marzo", 0.0)]), "hito.xlsx", actor=CliActor("Ana"),
                          comment="hito")
    assert main(["ilustrativos", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Datos ilustrativos en el programa 1 (revisión 2): 11 valores de ejemplo")
    assert "Programa 6" not in out


def test_quitar_without_confirmation_in_a_script_saves_nothing(db, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    before = Store(db).dump_sql()
    assert main(["ilustrativos", "quitar", "--autor", "Adriana", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("No se quitó nada: para quitar 12 valores de ejemplo de los programas 1 y 6 confirme "
                           "con --si.")
    assert Store(db).dump_sql() == before


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code", "revisions"), [("sí\n", 0, 2), ("no\n", 2, 1), ("", 2, 1)])
def test_quitar_asks_at_a_terminal(db, capsys, monkeypatch, answer, code, revisions):
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    assert main(["ilustrativos", "quitar", "--autor", "Adriana", "--db", str(db)]) == code
    out = capsys.readouterr().out
    assert "Se quitarán 12 valores de ejemplo de los programas 1 y 6:" in out
    assert "  Programa 6: 1 valor (2023)" in out
    assert Store(db).latest_revision() == revisions
    if code:
        assert out.rstrip().endswith("No se quitó nada.")


def test_quitar_with_si_saves_one_revision_and_says_how_to_undo(db, capsys):
    assert main(["ilustrativos", "--db", str(db), "quitar", "--autor", "Adriana", "--si"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == (
        "Guardada la revisión 2: se quitaron 12 valores de ejemplo de los programas 1 y 6; esos indicadores "
        "quedan sin dato hasta que se carguen sus avances. Para deshacerlo: python -m mpi_dash revertir 1 "
        "--autor NOMBRE --motivo TEXTO")
    store = Store(db)
    info = store.revision_info(2)
    assert (info["tipo"], info["autor"], info["origen"]) == ("quitar_ilustrativos", "Adriana", "cli")
    assert info["comentario"] == "Se quitan los datos ilustrativos (valores de ejemplo del libro incluido)"
    assert store.load_snapshot()[1].avances.empty
    assert main(["ilustrativos", "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("No quedan datos ilustrativos (revisión 2)")
    assert main(["ilustrativos", "quitar", "--autor", "Adriana", "--si", "--db", str(db)]) == 1
    assert "no hay nada que quitar" in capsys.readouterr().out
    assert store.latest_revision() == 2


def test_quitar_requires_an_author(db, capsys):
    assert main(["ilustrativos", "quitar", "--si", "--db", str(db)]) == 2
    assert "--autor" in capsys.readouterr().err
    assert Store(db).latest_revision() == 1


def test_quitar_with_a_comment(db, capsys):
    assert main(["ilustrativos", "quitar", "--autor", "Adriana", "--comentario", "Arranque oficial", "--si",
                 "--db", str(db)]) == 0
    assert Store(db).revision_info(2)["comentario"] == "Arranque oficial"


def test_missing_database_is_a_usage_error(tmp_path, capsys):
    assert main(["ilustrativos", "--db", str(tmp_path / "no.sqlite")]) == 2
    assert "No existe la base de datos" in capsys.readouterr().err
