"""Command line: exit codes 0/1/2, Spanish output, report formats (real engine + a spy)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from mpi_dash import engine, schema
from mpi_dash.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent
PLAN_HEADERS = [c.header for c in schema.PLAN_COLUMNS if c.required]
AVANCES_HEADERS = ["Clave", "Año", "Trimestre", "Realizado", "Justificación"]


def plan_row(clave: str, meta: float = 8, tipo: str = "avance_meta") -> list[Any]:
    values = {h: f"{h} {clave}" for h in PLAN_HEADERS}
    values.update({"Clave": clave, "Año": 2023, "Meta anual": meta, "Tipo de cálculo": tipo,
                   "Acumulación": "acumulado", "Sentido": "Ascendente", "Frecuencia": "Trimestral"})
    return [values[h] for h in PLAN_HEADERS]


def write_book(path: Path, avances: list[list[Any]] | None = None,
               plan: list[list[Any]] | None = None) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {
        "Plan": [PLAN_HEADERS, *(plan or [plan_row("1.1"), plan_row("1.2", meta=4)])],
        "Avances": [AVANCES_HEADERS, *(avances if avances is not None else [
            ["1.1", 2023, 1, 2, None], ["1.1", 2023, 2, 2, "=cmd|' /C calc'!A0"], ["1.2", 2023, 1, 1, None],
            ["1.2", 2023, 2, None, None]])],
    }
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in sheet.iter_rows():
            for cell in cells:  # text that merely looks like a formula (a hostile justification)
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    workbook.save(path)
    return path


@pytest.fixture
def valid_book(tmp_path: Path) -> Path:
    return write_book(tmp_path / "libro.xlsx")


@pytest.fixture
def invalid_book(tmp_path: Path) -> Path:
    rows = [["1.1", 2023, 7, "mucho", None], ["9.9", 2023, 1, 1, None]]
    return write_book(tmp_path / "malo.xlsx", avances=rows)


# --------------------------------------------------------------------------- validate


def test_validate_valid_book_exit_0_with_summary(valid_book: Path, capsys) -> None:
    assert main(["validate", str(valid_book)]) == 0
    out = capsys.readouterr().out
    assert "Libro válido: 2 indicadores (año 2023), 3 avances." in out
    assert "1 aviso" in out and 'Hoja "Avances", fila 5, columna "Realizado"' in out


def test_validate_invalid_book_exit_1_lists_every_problem(invalid_book: Path, capsys) -> None:
    assert main(["validate", str(invalid_book)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "El libro «malo.xlsx» no es válido: 3 errores."
    assert len(lines) == 5 and all(line.startswith("- Hoja \"Avances\"") for line in lines[1:4])
    assert lines[-1] == "Total: 3 errores."  # the count at the end too
    assert any('fila 2, columna "Trimestre": se encontró "7"' in line for line in lines)
    assert any('fila 2, columna "Realizado": se encontró "mucho"' in line for line in lines)
    assert any('fila 3, columna "Clave": se encontró "9.9"' in line for line in lines)


def test_validate_not_an_xlsx_exit_1(tmp_path: Path, capsys) -> None:
    fake = tmp_path / "datos.xlsx"
    fake.write_text("Clave,Año\n1.1,2023\n", encoding="utf-8")
    assert main(["validate", str(fake)]) == 1
    assert "archivo de texto" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [[], ["validate"], ["validar", "x.xlsx"], ["validate", "a.xlsx", "b.xlsx"]],
)
def test_usage_errors_exit_2_in_spanish(argv: list[str], capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("uso: ") and "error:" in err
    assert "the following" not in err and "invalid choice" not in err


def test_missing_file_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(tmp_path / "no-existe.xlsx")]) == 2
    assert "no existe" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--anio", "2023", "--trimestre", "1"]) == 2
    assert "es una carpeta" in capsys.readouterr().err


def test_help_exit_0_in_spanish(capsys) -> None:
    assert main(["report", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("uso: ") and "opciones:" in out and "muestra esta ayuda" in out


# --------------------------------------------------------------------------- report


def report_json(path: Path, capsys, *extra: str) -> list[dict[str, Any]]:
    assert main(["report", str(path), "--anio", "2023", "--trimestre", "2", *extra]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out)


def test_report_json_has_exactly_the_report_fields(valid_book: Path, capsys) -> None:
    rows = report_json(valid_book, capsys, "--formato", "json")
    assert [row["clave"] for row in rows] == ["1.1", "1.2"]
    assert all(list(row) == list(schema.REPORT_FIELDS) for row in rows)
    first = rows[0]
    found = (first["anio"], first["trimestre"], first["realizado_acumulado"], first["meta"])
    assert found == (2023, 2, 4.0, 8.0)
    assert rows[1]["realizado_trimestre"] is None  # blank Realizado: never 0
    assert rows[1]["justificacion"] is None


def test_report_default_level_is_indicador(valid_book: Path, capsys) -> None:
    default = report_json(valid_book, capsys)
    assert report_json(valid_book, capsys, "--nivel", "indicador") == default
    assert all(list(row) == list(schema.REPORT_FIELDS) for row in default)   # the 15 fields, unchanged
    assert len(schema.REPORT_FIELDS) == 15


def test_report_program_level_is_the_dashboards_function(valid_book: Path, capsys) -> None:
    """--nivel programa: one row per program with exactly PROGRAM_REPORT_FIELDS, equal to what the
    dashboard shows (programs.program_figures on the same cut-off)."""
    from mpi_dash import programs, summary
    from mpi_dash.workbook import read_workbook

    rows = report_json(valid_book, capsys, "--nivel", "programa")
    assert [list(r) for r in rows] == [list(programs.PROGRAM_REPORT_FIELDS)]
    row = rows[0]
    # 1.1: 4 of 8 = 50 %, expected 50 %; 1.2 lacks its Junio report (blank Realizado) → named, incomplete
    assert (row["programa"], row["anio"], row["trimestre"]) == ("1", 2023, 2)
    assert row["avance_pct"] == 50.0 and row["esperado_pct"] == 50.0 and row["semaforo"] == "verde"
    assert row["completo"] is False and row["faltantes"] == "1.2" and row["direccion_desvio"] is None
    assert (row["n_indicadores"], row["n_medibles"], row["n_con_dato"]) == (2, 2, 1)
    data = read_workbook(valid_book)
    results = engine.compute_all(data.plan, data.avances, data.parametros)
    expected = programs.program_report(summary.at_cutoff(results, data.plan, 2023, 2), data.parametros)
    assert rows == json.loads(expected.to_json(orient="records"))


@pytest.mark.parametrize("formato", ["csv", "xlsx"])
def test_report_program_level_csv_and_xlsx(valid_book: Path, tmp_path: Path, capsys, formato: str) -> None:
    from mpi_dash import programs

    out = tmp_path / f"programas.{formato}"
    assert main(["report", str(valid_book), "--anio", "2023", "--trimestre", "2", "--nivel", "programa",
                 "--formato", formato, "-o", str(out)]) == 0
    assert "1 programa" in capsys.readouterr().err
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str) if formato == "csv" else \
        pd.read_excel(out, engine="openpyxl", dtype=str)
    assert list(frame.columns) == list(programs.PROGRAM_REPORT_FIELDS)
    assert frame.loc[0, "completo"].lower() == "false" and frame.loc[0, "faltantes"] == "1.2"


def test_report_program_counts_add_up_on_the_bundled_plan(tmp_path: Path, capsys) -> None:
    """Issue 21: program 2 at Septiembre 2023 read n_medibles 2, n_con_dato 2 and faltantes «2.2» (2.2 has no
    meta: it is informative).  Now n_con_dato + the claves of faltantes = n_medibles for every program, and
    2.2 is named in informativos_sin_reporte — in json, csv and xlsx alike."""
    book = REPO_ROOT / "data" / "plan_2023.xlsx"
    rows = {r["programa"]: r for r in report_json(book, capsys, "--trimestre", "Septiembre",  # the last one counts
                                                  "--nivel", "programa")}
    two = rows["2"]
    assert (two["n_indicadores"], two["n_medibles"], two["n_con_dato"]) == (3, 2, 2)
    assert two["faltantes"] is None and two["informativos_sin_reporte"] == "2.2" and two["completo"] is True
    assert (rows["3"]["n_con_dato"], rows["3"]["faltantes"], rows["3"]["completo"]) == (4, "3.4", False)
    for row in rows.values():
        claves = row["faltantes"].split(", ") if row["faltantes"] else []
        assert row["n_con_dato"] + len(claves) == row["n_medibles"]
    for formato in ("csv", "xlsx"):
        out = tmp_path / f"programas.{formato}"
        assert main(["report", str(book), "--anio", "2023", "--trimestre", "3", "--nivel", "programa",
                     "--formato", formato, "-o", str(out)]) == 0
        frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str) if formato == "csv" else \
            pd.read_excel(out, engine="openpyxl", dtype=str)
        two = frame.set_index("programa").loc["2"]
        assert two["informativos_sin_reporte"] == "2.2" and pd.isna(two["faltantes"]) and two["n_con_dato"] == "2"


def test_report_rejects_an_unknown_level(valid_book: Path, capsys) -> None:
    assert main(["report", str(valid_book), "--anio", "2023", "--trimestre", "2", "--nivel", "accion"]) == 2
    assert "opción no válida" in capsys.readouterr().err


def test_report_matches_the_engine(valid_book: Path, capsys) -> None:
    from mpi_dash.workbook import read_workbook

    data = read_workbook(valid_book)
    expected = engine.report(data.plan, data.avances, 2023, 2, data.parametros)
    rows = report_json(valid_book, capsys)
    got = pd.DataFrame(rows, columns=list(schema.REPORT_FIELDS))
    for name in ("cumplimiento_pct", "valor_indicador", "esperado_pct"):
        want = expected[name].astype(float).reset_index(drop=True)
        pd.testing.assert_series_equal(got[name].astype(float), want, check_names=False)
    assert got["semaforo"].tolist() == expected["semaforo"].tolist()


@pytest.mark.parametrize("spelling", ["2", "T2", "t2", "Junio", "JUNIO"])
def test_report_quarter_spellings_reach_the_engine_as_int(spelling: str, valid_book: Path, capsys,
                                                          monkeypatch) -> None:
    calls: list[tuple[int, int]] = []

    def fake_report(plan, avances, anio, trimestre, parametros=None):  # type: ignore[no-untyped-def]
        calls.append((anio, trimestre))
        return pd.DataFrame([{f: None for f in schema.REPORT_FIELDS}])[list(schema.REPORT_FIELDS)]

    monkeypatch.setattr(engine, "report", fake_report)
    assert main(["report", str(valid_book), "--anio", "2023", "--trimestre", spelling]) == 0
    assert calls == [(2023, 2)]
    assert json.loads(capsys.readouterr().out) == [{f: None for f in schema.REPORT_FIELDS}]


@pytest.mark.parametrize("argv", [["--trimestre", "5"], ["--trimestre", "T0"], ["--anio", "dos mil"],
                                  ["--formato", "pdf"], ["--formato", "xlsx"]])
def test_report_usage_errors_exit_2(argv: list[str], valid_book: Path, capsys) -> None:
    base = {"--anio": "2023", "--trimestre": "2"}
    for flag, value in zip(argv[::2], argv[1::2]):
        base[flag] = value
    args = [a for pair in base.items() for a in pair]
    assert main(["report", str(valid_book), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "error:" in captured.err


def test_report_csv_to_stdout_starts_with_bom(valid_book: Path, capsysbinary) -> None:
    assert main(["report", str(valid_book), "--anio", "2023", "--trimestre", "T2", "--formato", "csv"]) == 0
    raw = capsysbinary.readouterr().out
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype={"clave": str})
    assert list(frame.columns) == list(schema.REPORT_FIELDS)
    assert frame["clave"].tolist() == ["1.1", "1.2"]
    assert frame["justificacion"].tolist()[0] == "'=cmd|' /C calc'!A0"  # neutralised


def test_report_xlsx_to_file(valid_book: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "informe.xlsx"
    assert main(["report", str(valid_book), "--anio", "2023", "--trimestre", "Junio", "--formato", "xlsx",
                 "-o", str(out)]) == 0
    assert "Informe escrito" in capsys.readouterr().err
    sheet = load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == list(schema.REPORT_FIELDS)
    assert [r[0] for r in rows[1:]] == ["1.1", "1.2"]
    assert rows[1][-1] == "=cmd|' /C calc'!A0"                          # as typed, in a string cell:
    assert sheet.cell(row=2, column=len(rows[0])).data_type == "s"      # never evaluated, no apostrophe
    assert not list(tmp_path.glob(".informe.xlsx.*"))  # no temp file left behind


def test_report_json_to_file(valid_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "informe.json"
    assert main(["report", str(valid_book), "--anio", "2023", "--trimestre", "2", "-o", str(out)]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 2


def test_report_invalid_book_exit_1_and_no_output(invalid_book: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "informe.json"
    assert main(["report", str(invalid_book), "--anio", "2023", "--trimestre", "2", "-o", str(out)]) == 1
    captured = capsys.readouterr()
    assert "No se generó el informe" in captured.err and "3 errores" in captured.err
    assert captured.out == "" and not out.exists()


def test_report_year_without_indicators_exit_1(valid_book: Path, capsys) -> None:
    assert main(["report", str(valid_book), "--anio", "2030", "--trimestre", "2"]) == 1
    assert "años disponibles: 2023" in capsys.readouterr().err


def test_report_unwritable_output_exit_1(valid_book: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "no" / "existe" / "informe.json"
    assert main(["report", str(valid_book), "--anio", "2023", "--trimestre", "2", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "No se pudo escribir" in err and "no existe la carpeta o el archivo" in err
    assert "No such file" not in err


@pytest.mark.parametrize(("code", "expected"), [
    ("ENOENT", "no existe la carpeta o el archivo"),   # mpi_dash.errors: the store's words too
    ("EACCES", "no hay permiso para usar esa ruta"),
    ("EISDIR", "es una carpeta, no un archivo"),
    ("ENOSPC", "el disco está lleno"),
    ("EROFS", "el disco es de solo lectura"),
    ("ENOTDIR", "una parte de la ruta es un archivo, no una carpeta"),
])
def test_report_os_errors_are_spanish(valid_book: Path, tmp_path: Path, capsys, monkeypatch,
                                      code: str, expected: str) -> None:
    import errno
    import os

    def failing(*args: Any, **kwargs: Any) -> None:
        number = getattr(errno, code)
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr("mpi_dash.cli.os.replace", failing)
    target = tmp_path / "informe.json"
    assert main(["report", str(valid_book), "--anio", "2023", "--trimestre", "2", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    number = getattr(errno, code)
    assert f"No se pudo escribir «{target}»: {expected}." in err and os.strerror(number) not in err
    assert not target.exists() and list(tmp_path.glob("*.tmp")) == []


def test_report_output_is_a_directory(valid_book: Path, tmp_path: Path, capsys) -> None:
    assert main(["report", str(valid_book), "--anio", "2023", "--trimestre", "2", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "es una carpeta, no un archivo" in err and "Is a directory" not in err


def test_unexpected_error_is_a_spanish_line_not_a_traceback(valid_book: Path, capsys, monkeypatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise KeyError("x")

    monkeypatch.delenv("MPI_DASH_DEBUG", raising=False)
    monkeypatch.setattr(engine, "report", broken)
    assert main(["report", str(valid_book), "--anio", "2023", "--trimestre", "2"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error inesperado") and "Traceback" not in err


# --------------------------------------------------------------------------- as a process


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mpi_dash", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, encoding="utf-8", check=False, timeout=120)


def test_python_dash_m_exit_codes(valid_book: Path, invalid_book: Path, tmp_path: Path) -> None:
    ok = run("validate", str(valid_book))
    bad = run("validate", str(invalid_book))
    missing = run("validate", str(tmp_path / "nada.xlsx"))
    usage = run("report", str(valid_book), "--anio", "2023", "--trimestre", "2", "--formato", "xlsx")
    assert (ok.returncode, bad.returncode, missing.returncode, usage.returncode) == (0, 1, 2, 2)
    assert "Libro válido" in ok.stdout and "Traceback" not in bad.stdout + bad.stderr
    report = run("report", str(valid_book), "--anio", "2023", "--trimestre", "2")
    assert report.returncode == 0
    assert [list(r) for r in json.loads(report.stdout)] == [list(schema.REPORT_FIELDS)] * 2
