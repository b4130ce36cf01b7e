"""Command line parity with the upload page (issue 9): plantilla, import --vista-previa, conflicts (exit 3),
validate = the upload's verdict, grouped long error lists (--todos), the dashboard's downloads refused."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from upload_helpers import make_db, upload_bytes, workbook_bytes

from mpi_dash.cli import main
from mpi_dash.store import Store
from mpi_dash.template import BASE_SHEET, read_template_base


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path)


def _fill(path: Path, cells: dict[str, object]) -> Path:
    wb = load_workbook(path)
    for ref, value in cells.items():
        wb["Avances"][ref] = value
    wb.save(path)
    return path


def _template(db: Path, tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    assert main(["plantilla", "--anio", "2023", "-o", str(out), "--db", str(db)]) == 0
    return out


def test_plantilla_writes_the_page_template_with_its_base(db, tmp_path, capsys):
    out = _template(db, tmp_path, "plantilla.xlsx")
    assert "Plantilla de avances 2023 escrita" in capsys.readouterr().out
    base = read_template_base(out.read_bytes())
    assert base.revision == 1 and len(base.avances) == 12  # 3 indicators × 4 quarters
    assert load_workbook(out)[BASE_SHEET].sheet_state == "veryHidden"
    assert main(["plantilla", "--anio", "2030", "-o", str(tmp_path / "x.xlsx"), "--db", str(db)]) == 1
    assert "2030" in capsys.readouterr().err


def test_vista_previa_prints_and_saves_nothing(db, tmp_path, capsys):
    f = _fill(_template(db, tmp_path, "p.xlsx"), {"E2": 3.0, "E4": 2.0})  # Marzo changed, Septiembre new
    before = Store(db).dump_sql()
    assert main(["import", str(f), "--vista-previa", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert Store(db).dump_sql() == before
    assert "no se guardó nada" in out
    assert "1.1.1 Marzo 2023 «Realizado»: 1 → 3" in out
    assert "Valores nuevos (1):" in out and "1.1.1 Septiembre 2023 «Realizado»: 2" in out
    assert "Semáforos que cambian" in out


def test_import_with_conflicts_exit_3_saves_nothing(db, tmp_path, capsys):
    b_template = _template(db, tmp_path, "b.xlsx")
    a = _fill(_template(db, tmp_path, "a.xlsx"), {"E4": 2.0, "F4": "Texto de A"})
    assert main(["import", str(a), "--autor", "Ana", "--comentario", "septiembre", "--db", str(db)]) == 0
    b = _fill(b_template, {"E4": 2.5})
    before = Store(db).dump_sql()
    capsys.readouterr()
    assert main(["import", str(b), "--autor", "Beto", "--comentario", "septiembre", "--db", str(db)]) == 3
    captured = capsys.readouterr()
    assert Store(db).dump_sql() == before
    assert "No se importó «b.xlsx»" in captured.err
    assert "1.1.1 Septiembre 2023 «Realizado»: 2 (guardado por Ana (línea de comandos) el" in captured.out
    assert "su archivo: 2.5" in captured.out
    assert main(["validate", str(b), "--db", str(db)]) == 3  # validate gives the same verdict
    assert main(["import", str(b), "--vista-previa", "--db", str(db)]) == 0
    assert "1 conflicto por decidir" in capsys.readouterr().out


def test_validate_template_against_the_stored_plan(db, tmp_path, capsys, monkeypatch):
    from mpi_dash import config

    f = _fill(_template(db, tmp_path, "p.xlsx"), {"E2": 3.0})
    capsys.readouterr()
    monkeypatch.setenv(config.DB_ENV, str(db))  # the default database, as on the server (no --db)
    assert main(["validate", str(f)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("El archivo «p.xlsx» es válido (comparado con la revisión 1 guardada).")
    assert "hoja llamada" not in out and "1.1.1 Marzo 2023 «Realizado»: 1 → 3" in out
    bad = _fill(_template(db, tmp_path, "q.xlsx"), {"E3": "=1+1"})
    assert main(["validate", str(bad), "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "fórmula sin valor calculado" in out and "vacía" not in out


def test_ten_thousand_bad_rows_grouped(db, tmp_path, capsys):
    rows = [(f"P{i}", 2023, "Marzo", 1.0) for i in range(10_000)]
    f = tmp_path / "malo.xlsx"
    f.write_bytes(upload_bytes(rows))
    before = Store(db).dump_sql()
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "x", "--db", str(db)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) <= 100
    assert err[0] == "No se importó «malo.xlsx»: 10,000 errores. No se guardó nada."
    assert '10,000 filas con el mismo problema (filas 2–10,001); se encontró: P0, P1, P2, P3, P4, …' in err[1]
    assert err[-1] == "Total: 10,000 errores."
    assert Store(db).dump_sql() == before
    assert main(["validate", str(f), "--db", str(db), "--todos"]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 10_002  # every row, the header and the total


def test_dashboard_downloads_sent_to_the_plantilla(db, tmp_path, capsys):
    from mpi_dash.exports import to_excel_bytes, to_sipot_excel_bytes, sipot_frame, to_xlsx_bytes
    from mpi_dash.engine import compute_all
    from mpi_dash import summary, programs

    _, snap = Store(db).load_snapshot()
    results = compute_all(snap.plan, snap.avances, snap.parametros)
    cut = summary.at_cutoff(results, snap.plan, 2023, 2)
    figures = programs.program_figures(cut, snap.parametros)
    downloads = {
        "formato.xlsx": to_excel_bytes(summary.iptt_table(cut), figures, anio=2023, trimestre=2,
                                       origen="prueba", ilustrativos=(), parametros=snap.parametros),
        "sipot.xlsx": to_sipot_excel_bytes(sipot_frame(cut, 2023, 2, fecha_validacion=dt.date(2023, 7, 1),
                                                       fecha_actualizacion=dt.date(2023, 7, 1))),
        "informe.xlsx": to_xlsx_bytes(programs.program_report(cut, snap.parametros)),
    }
    before = Store(db).dump_sql()
    for name, content in downloads.items():
        f = tmp_path / name
        f.write_bytes(content)
        assert main(["import", str(f), "--autor", "Ana", "--comentario", "x", "--db", str(db)]) == 1, name
        err = capsys.readouterr().err
        assert "descarga" in err or "informe" in err, err
        assert "plantilla" in err, err
    assert Store(db).dump_sql() == before


def test_renamed_sheet_is_named(db, tmp_path, capsys):
    content = workbook_bytes(None, avances_rows=[("1.1.1", 2023, 1, 1.0, None, "Acta 1/2023")])
    wb = load_workbook(io.BytesIO(content))
    wb.create_sheet("Datos").append(["Clave", "Año"])
    f = tmp_path / "renombrado.xlsx"
    wb.save(f)
    assert main(["import", str(f), "--vista-previa", "--db", str(db)]) == 0
    assert 'se ignoró la hoja "Datos"' in capsys.readouterr().out


# --------------------------------------------------------------------------- issue 21: the upload path
# The sample template (2023): 1.1.1 rows 2–5, 1.2.1 rows 6–9 (program 1), 6 rows 10–13 (program 6); E = Realizado.
def test_programas_ignores_unchanged_rows_of_other_programs(db, tmp_path, capsys):
    f = _fill(_template(db, tmp_path, "equipo.xlsx"), {"E3": 0.5, "F3": "Se pospuso una sesión"})
    capsys.readouterr()
    assert main(["import", str(f), "--vista-previa", "--programas", "1", "--db", str(db)]) == 0
    assert "Se ignoraron 4 filas del programa 6: no cambian nada." in capsys.readouterr().out
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "junio", "--programas", "1",
                 "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Guardada la revisión 2" in out and "Se ignoraron 4 filas del programa 6: no cambian nada." in out


def test_programas_refuses_a_file_that_changes_another_program_grouped_per_program(db, tmp_path, capsys):
    f = _fill(_template(db, tmp_path, "equipo.xlsx"), {"E3": 0.5, "E10": 5.0, "E11": 1.0})
    capsys.readouterr()
    before = Store(db).dump_sql()
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "junio", "--programas", "1",
                 "--db", str(db)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "Error: El archivo cambiaría datos de programas fuera de --programas, así que no se guardó nada.",
        "Programa 6: 6 (filas 10 y 11) — la carga se limitó al programa 1 (--programas).",
        "Qué hacer: deje en esas filas los valores guardados, o quite --programas si el cambio debe guardarse."]
    assert Store(db).dump_sql() == before
    assert main(["validate", str(f), "--programas", "1", "--db", str(db)]) == 1  # the same verdict
    assert "Programa 6: 6 (filas 10 y 11)" in capsys.readouterr().err
    assert main(["import", str(f), "--vista-previa", "--programas", "9", "--db", str(db)]) == 1
    assert "No existe el programa 9 en el plan vigente" in capsys.readouterr().err


def test_untouched_template_says_only_that_nothing_changes(db, tmp_path, capsys):
    f = _template(db, tmp_path, "plantilla.xlsx")
    capsys.readouterr()
    assert main(["import", str(f), "--vista-previa", "--db", str(db)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Vista previa de «plantilla.xlsx» (revisión 1); no se guardó nada.",
        "Resultado: el archivo no cambia ningún dato guardado."]
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "nada", "--db", str(db)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "El archivo «plantilla.xlsx» no cambia ningún dato (es idéntico a lo guardado): no se guardó nada."]


def test_preview_and_import_ask_for_missing_justificaciones(db, tmp_path, capsys):
    """1.1.1 Junio 0.5 (75 %) is amarillo without a justificación: listed before and after saving (a warning:
    the import is saved, exit 0)."""
    f = _fill(_template(db, tmp_path, "p.xlsx"), {"E3": 0.5})
    capsys.readouterr()
    assert main(["import", str(f), "--vista-previa", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert ("Aviso: 1 indicador quedaría en amarillo o rojo sin justificación:\n"
            "  - 1.1.1 · Junio 2023 · Amarillo ↓ rezago: Indicador 1.1.1\n"
            "Escriba en la columna «Justificación» de su archivo") in out
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "junio", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Guardada la revisión 2" in out
    assert "Aviso: 1 indicador quedó en amarillo o rojo sin justificación:\n  - 1.1.1 · Junio 2023" in out


def test_conflict_with_ones_own_earlier_import_says_usted(db, tmp_path, capsys):
    template = _template(db, tmp_path, "plantilla.xlsx").read_bytes()
    first, second = tmp_path / "v1.xlsx", tmp_path / "v2.xlsx"
    first.write_bytes(template)
    second.write_bytes(template)
    _fill(first, {"E4": 2.0})
    _fill(second, {"E4": 3.0})
    assert main(["import", str(first), "--autor", "Ana", "--comentario", "v1", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["import", str(second), "--autor", "Ana", "--comentario", "v2", "--db", str(db)]) == 3
    captured = capsys.readouterr()
    assert "(usted la cambió el " in captured.err and "en la revisión 2)" in captured.err
    assert "1.1.1 Septiembre 2023 «Realizado»: 2 (guardado por usted el " in captured.out
