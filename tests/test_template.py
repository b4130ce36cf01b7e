"""template.py: the upload template (locked keys, dropdown, numeric validation, round trip)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from upload_helpers import SAMPLE_PARAMETROS, sample_avances, sample_plan, seed_bytes

from mpi_dash.diff import diff_snapshots
from mpi_dash.snapshot import apply_upload, make_snapshot
from mpi_dash.template import (
    BASE_SHEET,
    HEADERS,
    INSTRUCTIONS_SHEET,
    build_template,
    read_base_revision,
    read_template_base,
    template_file_name,
    template_rows,
)
from mpi_dash.workbook import read_workbook


@pytest.fixture
def snap():
    return make_snapshot(sample_plan(), sample_avances(), SAMPLE_PARAMETROS)


def _sheet(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    return wb, wb["Avances"]


def test_layout_locking_and_validation(snap):
    wb, ws = _sheet(build_template(snap, revision=7))
    assert wb.sheetnames == ["Avances", INSTRUCTIONS_SHEET, BASE_SHEET]
    assert wb[BASE_SHEET].sheet_state == "veryHidden" and wb[BASE_SHEET].protection.sheet
    assert [c.value for c in ws[1]] == list(HEADERS)
    assert ws.max_row == 1 + 3 * 4  # 3 indicators of 2023 × 4 quarters
    col = {name: i + 1 for i, name in enumerate(HEADERS)}
    assert ws.protection.sheet is True
    for r in range(2, ws.max_row + 1):
        assert ws.cell(r, col["Clave"]).protection.locked
        assert ws.cell(r, col["Indicador"]).protection.locked
        assert ws.cell(r, col["Año"]).protection.locked
        assert not ws.cell(r, col["Realizado"]).protection.locked
        assert not ws.cell(r, col["Trimestre"]).protection.locked
    rules = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert rules["list"].formula1 == '"Marzo,Junio,Septiembre,Diciembre"'
    assert str(rules["list"].sqref) == "D2:D13"
    assert rules["decimal"].operator == "greaterThanOrEqual" and rules["decimal"].formula1 == "0"
    assert str(rules["decimal"].sqref) == "E2:E13"
    info = wb[INSTRUCTIONS_SHEET]
    assert any("vacía" in str(c.value) and "0" in str(c.value) for c in info["B"])


def test_prefilled_values(snap):
    _, ws = _sheet(build_template(snap))
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    first = rows[0]
    assert first[:7] == ["1.1.1", "Indicador 1.1.1", 2023, "Marzo", 1, None, "Acta 1/2023"]
    assert first[8] == 4 and first[9] == "1. PROGRAMA"
    assert [r[4] for r in rows[:4]] == [1, 1, None, None]  # Q3/Q4 not reported yet: blank, never 0
    assert [r[3] for r in rows[:4]] == ["Marzo", "Junio", "Septiembre", "Diciembre"]


def test_round_trip_changes_nothing(snap):
    content = build_template(snap)
    data = read_workbook(content, known_plan=snap.plan)
    assert data.plan is None
    assert len(data.avisos) == 12 - 4  # blank Realizado rows are avisos, not zeros
    after = apply_upload(snap, plan=None, avances=data.avances, parametros=None)
    assert diff_snapshots(snap, after).is_empty


def test_edited_template_changes_one_cell(snap):
    wb, ws = _sheet(build_template(snap))
    ws["E4"] = 2.5  # 1.1.1 Septiembre
    buffer = io.BytesIO()
    wb.save(buffer)
    data = read_workbook(buffer.getvalue(), known_plan=snap.plan)
    after = apply_upload(snap, plan=None, avances=data.avances, parametros=None)
    cells = diff_snapshots(snap, after, with_semaforo=False).cells
    avances_cells = cells[cells["tabla"] == "Avances"]
    assert avances_cells[["clave", "trimestre", "campo", "antes", "despues"]].values.tolist() == [
        ["1.1.1", 3, "Realizado", None, 2.5]]


def test_formula_like_text_stays_text():
    plan = sample_plan((2023,))
    plan.loc[0, "indicador"] = '=HYPERLINK("http://x","y")'
    avances = sample_avances().assign(justificacion="+12 sesiones")
    snap = make_snapshot(plan, avances, SAMPLE_PARAMETROS)
    content = build_template(snap)
    _, ws = _sheet(content)
    assert ws["B2"].data_type == "s" and ws["B2"].value == '=HYPERLINK("http://x","y")'
    assert ws["F2"].data_type == "s" and ws["F2"].value == "+12 sesiones"
    data = read_workbook(content, known_plan=snap.plan)
    assert after_is_same(snap, data)


def after_is_same(snap, data) -> bool:
    return diff_snapshots(snap, apply_upload(snap, plan=None, avances=data.avances, parametros=None)).is_empty


@pytest.mark.parametrize(("revision", "expected"), [(7, 7), (None, None)])
def test_base_revision_recorded(snap, revision, expected):
    assert read_base_revision(build_template(snap, revision=revision)) == expected


@pytest.mark.parametrize("content", [seed_bytes(), b"", b"no es excel"])
def test_base_revision_absent(content):
    assert read_base_revision(content) is None


def test_year_selection(snap):
    assert set(template_rows(snap, 2022)["anio"]) == {2022}
    with pytest.raises(ValueError, match="no tiene indicadores del año 2030"):
        build_template(snap, anio=2030)


def test_instructions_never_say_rows_can_be_deleted(snap):
    """The sheet is protected (rows cannot be deleted): the text must not suggest deleting them."""
    from datetime import datetime, timezone

    wb, ws = _sheet(build_template(snap, revision=3, now=datetime(2026, 11, 29, 1, 55, tzinfo=timezone.utc)))
    text = " ".join(str(c.value) for c in wb[INSTRUCTIONS_SHEET]["B"] if c.value is not None)
    assert "borrarlas" not in text and "puede borrar" not in text.lower()
    assert "Deje las filas de otros programas tal como están" in text
    assert ws.protection.sheet is True and ws.protection.deleteRows is True  # deleting rows is locked
    stamp = {r[0].value: r[1].value for r in wb[INSTRUCTIONS_SHEET].iter_rows(max_row=4)}["Generada"]
    assert stamp == "28/11/2026 19:55 (hora de la Ciudad de México)"   # dd/mm/aaaa, as every date shown


def test_coordinator_template_has_only_its_programs():
    from openpyxl import load_workbook

    from mpi_dash.template import build_template
    from upload_helpers import sample_snapshot

    content = build_template(sample_snapshot(), anio=2023, revision=3, programas=["6"])
    book = load_workbook(io.BytesIO(content))
    claves = {row[0].value for row in book["Avances"].iter_rows(min_row=2)}
    assert claves == {"6"}
    info = {row[0].value: row[1].value for row in book["Instrucciones"].iter_rows(max_row=5)}
    assert info["Programas"] == "6" and info["Revisión base"] == 3


def test_base_records_revision_and_every_editable_cell(snap):
    base = read_template_base(build_template(snap, revision=7, programas=["1"]))
    assert base.revision == 7
    # program 1 of 2023: 1.1.1 and 1.2.1, four quarters each, the stored values of that moment
    assert base.avances[["clave", "trimestre", "realizado", "evidencia"]].values.tolist()[:2] == [
        ["1.1.1", 1, 1.0, "Acta 1/2023"], ["1.1.1", 2, 1.0, "Acta 2/2023"]]
    assert len(base.avances) == 8 and base.avances["realizado"].notna().sum() == 3


def test_not_a_template_has_no_base(snap):
    assert read_template_base(seed_bytes()) is None


def test_template_file_name_says_year_programs_and_revision():
    assert template_file_name(2023, 4) == "plantilla_avances_2023_rev4.xlsx"
    assert template_file_name(2023, 4, ["1", "3"]) == "plantilla_avances_2023_programas_1-3_rev4.xlsx"
