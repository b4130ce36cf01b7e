"""Command line: aprobar, reabrir, aprobaciones, import of a locked program-quarter, and report from the
database (approved figures, --ultimas, the three approval fields of --nivel programa)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
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


def report(db: Path, capsys, *args: str) -> list[dict]:
    assert main(["report", "--anio", "2023", "--trimestre", "2", "--db", str(db), *args]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


def test_report_from_the_database_approved_and_latest(db, capsys):
    store = Store(db)
    store.approve(2023, 2, ["1"], actor=CliActor("Ana"))
    # Marzo is free: 1.1.1 Marzo 1 → 3 changes Junio's latest cumulative figure (1+1=2 → 3+1=4), not the approved
    store.import_file(upload_bytes([("1.1.1", 2023, "Marzo", 3.0, None, None)]), "m.xlsx",
                      actor=CliActor("Coco"), comment="marzo")
    approved, err = report(db, capsys)
    assert all(list(r) == list(schema.REPORT_FIELDS) for r in approved)  # the 15 fields, unchanged
    row = next(r for r in approved if r["clave"] == "1.1.1")
    assert row["realizado_acumulado"] == 2.0
    assert "Aprobadas: programa 1 · preliminares: 6" in err
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
