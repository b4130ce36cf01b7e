"""Command line: aprobar, reabrir, aprobaciones, import of a locked program-quarter, and report from the
database (approved figures, --ultimas, the three approval fields of --nivel programa)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from test_approval_store import approve_at
from upload_helpers import data_sql, make_db, upload_bytes

from mpi_dash import config, programs, schema
from mpi_dash.accounts import CliActor
from mpi_dash.approvals import local_date
from mpi_dash.cli import main
from mpi_dash.store import Store


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = make_db(tmp_path)
    monkeypatch.delenv(config.DB_ENV, raising=False)
    monkeypatch.delenv(config.WORKBOOK_ENV, raising=False)
    return path


def cli(db: Path, *args: str) -> int:
    return main([*args, "--db", str(db)])


def test_aprobar_twice_and_reabrir(db, capsys):
    assert cli(db, "aprobar", "--anio", "2023", "--trimestre", "Junio", "--programa", "1", "--autor", "Ana López") == 0
    assert capsys.readouterr().out.startswith("Aprobado el programa 1 en Junio 2023 (datos de la revisión 1).")
    assert cli(db, "aprobar", "--anio", "2023", "--trimestre", "2", "--programa", "1", "--autor", "Ana") == 1
    err = capsys.readouterr().err
    assert "ya está aprobado por Ana López" in err and "No se guardó nada" in err
    assert cli(db, "reabrir", "--anio", "2023", "--trimestre", "2", "--programa", "1", "--autor", "Ana") == 2
    assert "--motivo" in capsys.readouterr().err  # the motivo is required
    assert cli(db, "reabrir", "--anio", "2023", "--trimestre", "3", "--autor", "Ana", "--motivo", "x") == 1
    assert "ningún programa estaba aprobado" in capsys.readouterr().err
    assert cli(db, "reabrir", "--anio", "2023", "--trimestre", "2", "--programa", "1", "--autor", "Ana",
               "--motivo", "dato equivocado") == 0
    assert "Reabierto el programa 1 en Junio 2023" in capsys.readouterr().out
    assert cli(db, "aprobaciones", "--anio", "2023") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Fecha", "(hora", "de", "CDMX)", "Año", "Trimestre", "Programa", "Estado", "Persona",
                                "Rev.", "Motivo"]
    assert "Aprobada" in lines[1] and "Ana López" in lines[1]
    assert "Reabierta" in lines[2] and lines[2].endswith("dato equivocado")


def test_aprobar_every_program_lists_the_indicators_without_data(db, capsys):
    assert cli(db, "aprobar", "--anio", "2023", "--trimestre", "2", "--autor", "Ana") == 0
    out = capsys.readouterr().out
    assert "Aprobados los programas 1 y 6 en Junio 2023" in out
    assert "Aviso: se aprobaron 1 indicador(es) sin dato al corte: 1.2.1." in out
    assert "sin justificación" not in out


def test_aprobar_lists_the_figures_without_justificacion(db, capsys):
    Store(db).import_file(upload_bytes([("1.1.1", 2023, "Junio", 3.0, None, "Acta 2/2023")]), "j.xlsx",
                          actor=CliActor("Coco"), comment="junio")   # 4 of 2 programmed: rojo, no justificación
    assert cli(db, "aprobar", "--anio", "2023", "--trimestre", "2", "--programa", "1", "--autor", "Ana") == 0
    out = capsys.readouterr().out
    assert "Aviso: se aprobaron 1 indicador(es) en amarillo o rojo sin justificación: 1.1.1." in out


def test_aprobaciones_empty_and_usage_errors(db, capsys):
    assert cli(db, "aprobaciones") == 0
    assert "No hay aprobaciones registradas." in capsys.readouterr().out
    assert cli(db, "aprobar", "--anio", "2023", "--trimestre", "5", "--autor", "Ana") == 2
    assert cli(db, "aprobar", "--anio", "2023", "--trimestre", "2", "--programa", "9", "--autor", "Ana") == 1
    assert "no tiene el programa 9" in capsys.readouterr().err
    assert main(["aprobar", "--anio", "2023", "--trimestre", "2", "--autor", "Ana", "--db",
                 str(db.parent / "no_existe.sqlite")]) == 2


def test_import_of_a_locked_quarter_exits_1_and_saves_nothing(db, tmp_path, capsys):
    assert cli(db, "aprobar", "--anio", "2023", "--trimestre", "2", "--programa", "1", "--autor", "Ana López") == 0
    before = data_sql(db)
    upload = tmp_path / "junio.xlsx"
    upload.write_bytes(upload_bytes([("1.1.1", 2023, "Junio", 3.0, None, "Acta 2/2023")]))
    assert cli(db, "import", str(upload), "--autor", "Coco", "--comentario", "junio") == 1
    err = capsys.readouterr().err
    assert "No se guardó nada" in err and "Avances, clave 1.1.1, Junio 2023, Realizado: 1 → 3" in err
    assert f"aprobado por Ana López el {local_date(Store(db).approval_events()['fecha'][0])}" in err
    assert data_sql(db) == before
    other = tmp_path / "septiembre.xlsx"
    other.write_bytes(upload_bytes([("1.1.1", 2023, "Septiembre", 1.0)]))
    assert cli(db, "import", str(other), "--autor", "Coco", "--comentario", "septiembre") == 0


def test_import_changing_an_earlier_quarter_of_an_approved_diciembre_exits_1(tmp_path, monkeypatch, capsys):
    """Issue 21: Diciembre approved for program 3; ``import`` of a correction of 3.1 Septiembre (1 → 6) is
    refused — exit 1, the database unchanged, who approved, the cell and how to reopen."""
    monkeypatch.delenv(config.DB_ENV, raising=False)
    monkeypatch.delenv(config.WORKBOOK_ENV, raising=False)
    db = tmp_path / "mpi.sqlite"
    Store(db, seed=Path(__file__).resolve().parent.parent / "data" / "plan_2023.xlsx").latest_revision()
    assert cli(db, "aprobar", "--anio", "2023", "--trimestre", "Diciembre", "--programa", "3",
               "--autor", "Ana López") == 0
    capsys.readouterr()
    before = data_sql(db)
    upload = tmp_path / "septiembre.xlsx"
    upload.write_bytes(upload_bytes([("3.1", 2023, "Septiembre", 6.0, "El rezago disminuye con la capacitación de "
                                      "agosto; se recupera en el cuarto trimestre.",
                                      "Listas de asistencia y memoria fotográfica (septiembre 2023)")]))
    assert cli(db, "import", str(upload), "--autor", "Coordinación Tres", "--comentario", "corrige septiembre") == 1
    captured = capsys.readouterr()
    err = captured.err
    assert "Guardada" not in captured.out
    assert err.count("No se guardó nada") == 1
    assert (f"programa 3 (aprobado por Ana López el {local_date(Store(db).approval_events()['fecha'][0])}, "
            "cifras de Diciembre 2023)") in err
    assert "Celdas: Avances, clave 3.1, Septiembre 2023, Realizado: 1 → 6." in err
    assert "«python -m mpi_dash reabrir»" in err
    assert data_sql(db) == before


def report(db: Path, capsys, *args: str) -> list[dict]:
    assert main(["report", "--anio", "2023", "--trimestre", "2", "--db", str(db), *args]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


def test_report_from_the_database_approved_and_latest(db, capsys):
    """An approval of Junio pinned at revision 1 whose Marzo changed afterwards (a database approved before
    the lock covered earlier quarters): the approved figures stay those of revision 1, the stamp says they
    differ from the data, ``--ultimas`` shows the data."""
    store = Store(db)
    # 1.1.1 Marzo 1 → 3 changes Junio's cumulative figure (1+1=2 → 3+1=4)
    store.import_file(upload_bytes([("1.1.1", 2023, "Marzo", 3.0, None, "Acta 1/2023")]), "m.xlsx",
                      actor=CliActor("Coco"), comment="marzo")
    approve_at(db, revision=1, anio=2023, trimestre=2, programa="1", autor="Ana")
    approved, err = report(db, capsys)
    assert all(list(r) == list(schema.REPORT_FIELDS) for r in approved)  # the 15 fields, unchanged
    row = next(r for r in approved if r["clave"] == "1.1.1")
    assert row["realizado_acumulado"] == 2.0
    assert ("Aprobadas: programa 1 · preliminares: 6 · Las cifras aprobadas de Junio difieren de los datos "
            "actuales en 1.1.1") in err
    latest, err = report(db, capsys, "--ultimas")
    assert next(r for r in latest if r["clave"] == "1.1.1")["realizado_acumulado"] == 4.0
    assert "Cifras preliminares (sin aprobar)" in err
    per_program, _ = report(db, capsys, "--nivel", "programa")
    assert [list(r) for r in per_program] == [list(programs.PROGRAM_REPORT_FIELDS)] * 2
    assert [(r["programa"], r["estado"], r["aprobado_por"]) for r in per_program] == [
        ("1", "aprobada", "Ana"), ("6", "en_captura", None)]
    assert per_program[0]["aprobado_en"] == local_date(store.approval_events()["fecha"][0])


def test_report_from_the_database_csv(db, tmp_path, capsys):
    out = tmp_path / "p.csv"
    assert main(["report", "--anio", "2023", "--trimestre", "2", "--nivel", "programa", "--formato", "csv",
                 "-o", str(out), "--db", str(db)]) == 0
    frame = pd.read_csv(io.BytesIO(out.read_bytes()), encoding="utf-8-sig", dtype=str)
    assert list(frame.columns) == list(programs.PROGRAM_REPORT_FIELDS)
    assert frame["estado"].tolist() == ["en_captura", "en_captura"]


def test_report_usage(db, tmp_path, capsys):
    book = tmp_path / "libro.xlsx"
    book.write_bytes(b"x")
    assert main(["report", str(book), "--anio", "2023", "--trimestre", "2", "--db", str(db)]) == 2
    assert "no se usan junto con un ARCHIVO" in capsys.readouterr().err
    assert main(["report", "--anio", "2030", "--trimestre", "2", "--db", str(db)]) == 1
    assert "no tiene indicadores del año 2030 (años disponibles: 2022, 2023)" in capsys.readouterr().err
    assert main(["report", "--anio", "2023", "--trimestre", "2", "--db", str(tmp_path / "nada.sqlite")]) == 2
