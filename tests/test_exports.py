"""Every written file — styled Excel, CSV with BOM, SIPOT layout, the ``report`` in JSON/CSV/xlsx — read back
with openpyxl/pandas.

Formula injection (text starting with =, +, -, @, tab, CR) must never run: in CSV the cell gets a leading
apostrophe; in xlsx the text is a string cell (data_type "s"), exactly as typed, with no apostrophe.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest

from dash_fixtures import sample
from mpi_dash import exports, programs, summary
from mpi_dash.summary import IPTT_HEADERS

INJECTED_INDICATOR = '=HYPERLINK("http://x")'


@pytest.fixture()
def q1():
    plan, results = sample()
    cut = summary.at_cutoff(results, plan, 2023, 1)
    return summary.iptt_table(cut), programs.program_figures(cut), cut


def _all_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_csv_has_bom_headers_rows_and_words(q1):
    iptt, _, _ = q1
    data = exports.to_csv_bytes(iptt)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == list(IPTT_HEADERS.values())
    assert back["Clave"].astype(str).tolist() == ["1.1.1", "1.2.1", "1.3", "2.1", "6"]
    assert back["Semáforo"].tolist() == ["Verde", "Informativo", "Rojo", "Rojo", "Verde"]
    assert back.loc[2, "Variación vs línea base (%)"] == -50          # numbers are not neutralised
    assert back.loc[2, "Programado Marzo"] == 2.5
    assert back["Tipo de cálculo"].tolist()[1] == "Comparación con el trimestre anterior"


def test_csv_neutralises_formulas(q1):
    iptt, _, _ = q1
    back = pd.read_csv(io.BytesIO(exports.to_csv_bytes(iptt)), encoding="utf-8-sig")
    assert back.loc[3, "Indicador"] == "'" + INJECTED_INDICATOR
    assert back.loc[3, "Justificación"] == "'+Se adelantó la capacitación"
    text = exports.to_csv_bytes(iptt).decode("utf-8-sig")
    for line in text.splitlines():
        for cell in line.split(","):
            assert not cell.strip('"').startswith(("=", "+", "@")), cell


def test_excel_structure_and_styles(q1):
    iptt, programs, _ = q1
    data = exports.to_excel_bytes(iptt, programs, anio=2023, trimestre=1, origen="Libro x.xlsx",
                                  ilustrativos=("6", "1"))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Resumen", "Programa 1", "Programa 2", "Programa 6", "Notas"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
    resumen = pd.read_excel(io.BytesIO(data), engine="openpyxl", sheet_name="Resumen")
    assert len(resumen) == 3 and resumen["Programa"].astype(str).tolist() == ["1", "2", "6"]
    # the semáforo with its direction: 2.1's 200 % is over-achievement, not a failure like program 1's lag
    assert resumen["Semáforo"].tolist() == ["🟡 Amarillo ↓ rezago", "🔴 Rojo ↑ sobrecumplimiento", "🟢 Verde"]
    assert resumen["Indicadores sin dato al corte"].isna().all()
    assert resumen["% avance del programa"].tolist() == pytest.approx([17.5, 50.0, 100.0])
    p1 = pd.read_excel(io.BytesIO(data), engine="openpyxl", sheet_name="Programa 1")
    assert list(p1.columns) == list(IPTT_HEADERS.values())
    assert p1["Clave"].tolist() == ["1.1.1", "1.2.1", "1.3"]
    assert p1["Realizado Marzo"].tolist() == [1, 10, 1]
    assert p1["Realizado Junio"].isna().all()                       # after the cut-off
    # semáforo cell: fill colour + icon and word
    ws = wb["Programa 1"]
    col = [c.value for c in ws[1]].index("Semáforo") + 1
    assert ws.cell(row=4, column=col).value == "🔴 Rojo"
    assert ws.cell(row=4, column=col).fill.fgColor.rgb.endswith("FFCDD2")
    pct_col = [c.value for c in ws[1]].index("% cumplimiento") + 1
    assert ws.cell(row=4, column=pct_col).number_format == exports.PERCENT_FORMAT
    notas = pd.read_excel(io.BytesIO(data), engine="openpyxl", sheet_name="Notas")
    assert notas.set_index("Concepto").loc["Datos ilustrativos", "Descripción"] == (
        "Sí. Datos ilustrativos en los programas 1 y 6: sus avances incluyen cifras de ejemplo, que no son "
        "cifras oficiales del MPI CDMX.")
    official = pd.read_excel(io.BytesIO(exports.to_excel_bytes(iptt, programs, anio=2023, trimestre=1)),
                             engine="openpyxl", sheet_name="Notas")
    assert official.set_index("Concepto").loc["Datos ilustrativos", "Descripción"] == (
        "No: todos los avances son cifras cargadas.")


def test_excel_never_contains_formulas(q1):
    iptt, programs, _ = q1
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_excel_bytes(iptt, programs, anio=2023, trimestre=1)))
    cells = list(_all_cells(wb))
    assert all(c.data_type != "f" for c in cells)
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))      # every text a string cell
    values = {c.value for c in cells if isinstance(c.value, str)}
    # shown exactly as typed (a string cell is never evaluated): no apostrophe in xlsx
    assert INJECTED_INDICATOR in values and "'" + INJECTED_INDICATOR not in values
    assert "+Se adelantó la capacitación" in values


def test_sipot_layout(q1):
    *_, cut = q1
    plan, results = sample()
    cut = summary.at_cutoff(results, plan, 2023, 2)
    frame = exports.sipot_frame(cut, 2023, 2, fecha_validacion=dt.date(2023, 7, 10),
                                fecha_actualizacion=dt.date(2023, 7, 12), ilustrativos=("1",))
    assert tuple(frame.columns) == exports.SIPOT_COLUMNS and len(frame) == 5
    row = frame.iloc[2]                                               # 1.3
    assert row["Ejercicio"] == 2023
    assert row["Fecha de inicio del periodo que se informa"] == "01/04/2023"
    assert row["Fecha de término del periodo que se informa"] == "30/06/2023"
    assert row["Metas programadas"] == 10 and math.isnan(row["Metas ajustadas en su caso"])
    assert row["Avance de las metas"] == 20
    assert row["Fecha de validación"] == "10/07/2023" and row["Fecha de actualización"] == "12/07/2023"
    assert "Semáforo: Rojo" in row["Nota"] and "ilustrativos" in row["Nota"]
    assert "Justificación: =cmd" in row["Nota"]
    assert "Sin dato reportado al corte" in frame.iloc[3]["Nota"]     # 2.1 unreported in Junio
    # only the rows of program 1 (its avances hold sample values) say so
    assert ["ilustrativos" in n for n in frame["Nota"]] == [True, True, True, False, False]


def test_sipot_excel_round_trip_and_injection(q1):
    *_, cut = q1
    frame = exports.sipot_frame(cut, 2023, 1, fecha_validacion=dt.date(2023, 4, 5),
                                fecha_actualizacion=dt.date(2023, 4, 5))
    data = exports.to_sipot_excel_bytes(frame)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Indicadores de resultados"] and wb.active.freeze_panes == "A2"
    back = pd.read_excel(io.BytesIO(data), engine="openpyxl")
    assert tuple(back.columns) == exports.SIPOT_COLUMNS and len(back) == 5
    assert back.loc[3, "Nombre del indicador"] == INJECTED_INDICATOR
    cell = next(c for c in _all_cells(wb) if c.value == INJECTED_INDICATOR)
    assert cell.data_type == "s"
    assert all(c.data_type != "f" for c in _all_cells(wb))


def test_exports_do_not_mutate(q1):
    iptt, programs, cut = q1
    before = (iptt.copy(deep=True), programs.copy(deep=True), cut.copy(deep=True))
    exports.to_csv_bytes(iptt, ilustrativos=("1",))
    exports.to_excel_bytes(iptt, programs, anio=2023, trimestre=1)
    exports.to_sipot_excel_bytes(exports.sipot_frame(cut, 2023, 1, fecha_validacion=dt.date.today(),
                                                     fecha_actualizacion=dt.date.today()))
    exports.sipot_frame(cut, 2023, 1, fecha_validacion=dt.date.today(), fecha_actualizacion=dt.date.today())
    for a, b in zip((iptt, programs, cut), before, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_sheet_names_are_excel_safe():
    assert exports._sheet_name("Programa 1/2: [x]*?" + "y" * 40) == "Programa 1 2   x   " + "y" * 12


@pytest.mark.parametrize(("value", "percent", "expected"), [
    (4, False, "#,##0"), (4.0, False, "#,##0"), (2.5, False, "#,##0.0"), (1234.56, False, "#,##0.0"),
    (0.0, False, "#,##0"), (87.5, True, exports.PERCENT_FORMAT), (100.0, True, exports.PERCENT_FORMAT),
])
def test_number_format_per_value(value, percent, expected):
    assert exports.number_format(value, percent) == expected


def test_excel_number_formats_read_back_per_cell(q1):
    iptt, programs, _ = q1
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_excel_bytes(iptt, programs, anio=2023, trimestre=1)))
    ws = wb["Programa 1"]
    header = [c.value for c in ws[1]]
    meta = ws.cell(row=2, column=header.index("Meta anual") + 1)                  # 1.1.1: meta 4
    assert meta.value == 4 and meta.number_format == "#,##0"                      # "4", never "4."
    prog = ws.cell(row=4, column=header.index("Programado Marzo") + 1)            # 1.3: 2.5
    assert prog.value == 2.5 and prog.number_format == "#,##0.0"
    assert all(c.number_format != "#,##0.##" for c in _all_cells(wb))


def test_csv_marks_illustrative_data(q1):
    iptt, _, _ = q1
    back = pd.read_csv(io.BytesIO(exports.to_csv_bytes(iptt, ilustrativos=("2",))), encoding="utf-8-sig",
                       keep_default_na=False)
    assert list(back.columns)[-1] == "Nota"
    # only the row of program 2 (2.1) carries the note
    assert dict(zip(back["Clave"], back["Nota"])) == {
        "1.1.1": "", "1.2.1": "", "1.3": "", "2.1": "Datos ilustrativos, no cifras oficiales.", "6": ""}
    official = pd.read_csv(io.BytesIO(exports.to_csv_bytes(iptt)), encoding="utf-8-sig")
    assert "Nota" not in official.columns


def test_excel_notes_state_the_thresholds_in_use(q1):
    iptt, programs, _ = q1
    strict = {"verde_min": 95.0, "verde_max": 105.0, "amarillo_min": 80.0, "amarillo_max": 120.0}
    data = exports.to_excel_bytes(iptt, programs, anio=2023, trimestre=1, parametros=strict)
    notas = pd.read_excel(io.BytesIO(data), engine="openpyxl", sheet_name="Notas").set_index("Concepto")
    text = notas.loc["Semáforo", "Descripción"]
    text = text.replace("\u00a0", " ")
    assert text.startswith("Verde de 95 % a 105 %") and "amarillo de 80 % a menos de 95 %" in text
    assert "120 %" in text and "90 %" not in text


def test_sipot_rows_without_ficha_are_filled_and_baseline_is_a_value():
    from dash_fixtures import plan_frame, plan_row, quarters, results_frame

    plan = plan_frame([
        plan_row("1.1.5", indicador=None, dimension=None, definicion=None, metodo_calculo=None,
                 unidad_medida=None, linea_base=None, responsables=None, fuente_informacion=None,
                 accion="Actividades con el Consejo Consultivo", tipo_calculo="conteo",
                 meta_texto="25% de manera trimestral"),
        plan_row("1.1.1", meta_anual=4.0, linea_base="Número de sesiones del año inmediato anterior."),
    ])
    results = results_frame([
        *quarters("1.1.5", 2023, "conteo", valor_indicador=[2, 3, 5, 6], linea_base_acumulada=[1, 2, 3, 4]),
        *quarters("1.1.1", 2023, valor_indicador=[25, 50, 75, 100], linea_base_acumulada=[1, 2, 3, 4]),
    ])
    cut = summary.at_cutoff(results, plan, 2023, 4)
    frame = exports.sipot_frame(cut, 2023, 4, fecha_validacion=dt.date(2024, 1, 10),
                                fecha_actualizacion=dt.date(2024, 1, 10))
    bare, full = frame.iloc[0], frame.iloc[1]
    assert bare["Nombre del indicador"] == "Actividades con el Consejo Consultivo"
    for column in ("Dimensión(es) a medir", "Definición del indicador", "Método de cálculo",
                   "Unidad de medida", "Fuente de información", exports.SIPOT_COLUMNS[17], "Línea base",
                   "Metas programadas"):
        assert isinstance(bare[column], str) and bare[column].strip(), column
    assert "sin ficha técnica" in bare["Método de cálculo"]
    assert bare["Metas programadas"] == "25% de manera trimestral"
    assert bare["Línea base"] == "4 (2022, acumulado a diciembre)"
    assert full["Línea base"] == ("4 (2022, acumulado a diciembre). "
                                  "Número de sesiones del año inmediato anterior.")
    assert full["Nombre del indicador"] == "Indicador 1.1.1" and full["Metas programadas"] == 4


# --------------------------------------------------------------------------- the shared writers + report
def report_sample() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "clave": pd.Series(["1.1", "1.2", "2.1"], dtype="str"),
            "anio": np.array([2023, 2023, 2023], dtype=np.int64),
            "trimestre": np.array([2, 2, 2], dtype=np.int64),
            "cumplimiento_pct": [87.5, np.nan, -12.25],
            "semaforo": pd.Series(["amarillo", "sin_dato", None], dtype=object),
            "justificacion": pd.Series(["=HYPERLINK(\"http://x\",\"clic\")", None, "Sesión reprogramada"],
                                       dtype=object),
        }
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+52 55 1234", "'+52 55 1234"),
        ("-SUM(A1)", "'-SUM(A1)"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Texto normal", "Texto normal"),
        ("a=b", "a=b"),
        ("", ""),
        (-5.0, -5.0),
        (3, 3),
        (None, None),
    ],
)
def test_neutralize_formula(value: Any, expected: Any) -> None:
    assert exports.neutralize_formula(value) == expected


def test_neutralize_frame_is_pure_and_leaves_numbers_alone() -> None:
    frame = report_sample()
    before = frame.copy(deep=True)
    out = exports.neutralize_frame(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert out["justificacion"].tolist()[0] == "'=HYPERLINK(\"http://x\",\"clic\")"
    assert out["justificacion"].tolist()[2] == "Sesión reprogramada"
    assert out["cumplimiento_pct"].tolist()[2] == -12.25


def test_json_is_a_list_of_objects_with_nulls_and_ints() -> None:
    raw = exports.to_json_bytes(report_sample())
    text = raw.decode("utf-8")
    assert "Sesión" in text  # UTF-8, not \u escapes
    rows = json.loads(text)
    assert isinstance(rows, list) and len(rows) == 3
    assert list(rows[0]) == list(report_sample().columns)
    assert rows[0]["anio"] == 2023 and isinstance(rows[0]["anio"], int)
    assert rows[0]["cumplimiento_pct"] == 87.5
    assert rows[1]["cumplimiento_pct"] is None  # NaN → null
    assert rows[2]["semaforo"] is None and rows[1]["justificacion"] is None
    assert rows[0]["justificacion"].startswith("=")  # JSON is data, not a spreadsheet


def test_json_integer_fields_with_gaps_stay_integers() -> None:
    frame = pd.DataFrame({"anio": [2023.0, np.nan], "meta": [4.0, 2.5]})
    rows = json.loads(exports.to_json_bytes(frame))
    assert rows == [{"anio": 2023, "meta": 4.0}, {"anio": None, "meta": 2.5}]
    assert isinstance(rows[0]["anio"], int)


def test_json_of_an_empty_report_is_an_empty_list() -> None:
    assert json.loads(exports.to_json_bytes(report_sample().iloc[0:0])) == []


def test_report_csv_has_bom_point_decimals_and_neutralised_text() -> None:
    raw = exports.csv_bytes(report_sample())
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "clave,anio,trimestre,cumplimiento_pct,semaforo,justificacion"
    assert lines[1].startswith("1.1,2023,2,87.5,amarillo,")
    assert "'=HYPERLINK" in lines[1]
    assert lines[2] == "1.2,2023,2,,sin_dato,"
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert back["cumplimiento_pct"].tolist()[0] == 87.5 and math.isnan(back["cumplimiento_pct"].tolist()[1])
    assert back["justificacion"].tolist()[2] == "Sesión reprogramada"


def test_report_xlsx_round_trip_without_formulas() -> None:
    raw = exports.to_xlsx_bytes(report_sample())
    sheet = openpyxl.load_workbook(io.BytesIO(raw)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == list(report_sample().columns)
    assert rows[1][:5] == ["1.1", 2023, 2, 87.5, "amarillo"]
    assert rows[1][5] == "=HYPERLINK(\"http://x\",\"clic\")"              # as typed, no apostrophe …
    assert sheet.cell(row=2, column=6).data_type == "s"                     # … in a string cell, never run
    assert rows[2][3] is None and rows[3][4] is None
    assert rows[3][3] == -12.25
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("formato", ["json", "csv", "xlsx"])
def test_report_bytes_dispatches(formato: str) -> None:
    writers = {"json": exports.to_json_bytes, "csv": exports.csv_bytes}
    raw = exports.report_bytes(report_sample(), formato)
    if formato in writers:
        assert raw == writers[formato](report_sample())
    else:
        assert raw[:2] == b"PK"


def test_report_bytes_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="Formato no válido"):
        exports.report_bytes(report_sample(), "pdf")


def test_csv_numbers_rounded_as_on_screen_and_words_with_direction():
    """«116.66666666666667» and «4.0» were in the CSV: percentages now carry one decimal, whole quantities
    none; the semáforo reads as on screen (direction, missing report) without icons."""
    from dash_fixtures import plan_frame, plan_row, quarters, results_frame

    plan = plan_frame([plan_row("1.1", meta_anual=6.0), plan_row("2.2", meta_anual=4.0)])
    results = results_frame([
        *quarters("1.1", 2023, realizado_trimestre=[7.0] * 4, realizado_acumulado=[7.0] * 4, meta=[6.0] * 4,
                  programado_trimestre=[1.5] * 4, programado_acumulado=[6.0] * 4,
                  valor_indicador=[116.66666666666667] * 4, esperado_pct=[100.0] * 4,
                  cumplimiento_pct=[116.66666666666667] * 4, semaforo=["amarillo"] * 4,
                  direccion_desvio=["sobre"] * 4),
        *quarters("2.2", 2023, realizado_trimestre=[1.0, 1.0, None, 1.0], meta=[4.0] * 4,
                  semaforo=["verde", "verde", "sin_dato", "sin_dato"]),
    ])
    iptt = summary.iptt_table(summary.at_cutoff(results, plan, 2023, 4))
    text = exports.to_csv_bytes(iptt).decode("utf-8-sig")
    assert "116.66666666666667" not in text and "116.7" in text
    back = pd.read_csv(io.BytesIO(text.encode()), encoding="utf-8", dtype=str)
    assert back.loc[0, "Meta anual"] == "6" and back.loc[0, "Realizado acumulado"] == "7"
    assert back.loc[0, "Programado Marzo"] == "1.5"
    assert back.loc[0, "Semáforo"] == "Amarillo ↑ sobrecumplimiento"
    assert back.loc[1, "Semáforo"] == "Sin dato: falta el reporte de Septiembre"


def test_program_report_in_the_three_formats():
    plan, results = sample()
    report = programs.program_report(summary.at_cutoff(results, plan, 2023, 2))
    rows = json.loads(exports.report_bytes(report, "json"))
    assert [list(r) for r in rows] == [list(programs.PROGRAM_REPORT_FIELDS)] * 3
    assert rows[1]["completo"] is False and rows[1]["faltantes"] == "2.1" and rows[1]["avance_pct"] is None
    assert rows[0]["completo"] is True and rows[0]["faltantes"] is None
    assert rows[0]["direccion_desvio"] == "bajo" and rows[2]["direccion_desvio"] is None
    lines = exports.report_bytes(report, "csv").decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(programs.PROGRAM_REPORT_FIELDS)
    assert lines[2].startswith("2,Colaboración interinstitucional,2023,2,,") and ",false," in lines[2]
    assert ",true," in lines[1]                                            # true/false, not Python's True
    sheet = openpyxl.load_workbook(io.BytesIO(exports.report_bytes(report, "xlsx"))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == list(programs.PROGRAM_REPORT_FIELDS) and len(values) == 4
    assert values[2][8] is False and values[2][12] == "2.1"


def test_sipot_names_the_indicator_as_the_plan_does_never_na():
    """SIPOT keeps the plan's official indicator name (even when shared, as in 3.1–3.5); a placeholder
    («N/A», program 6) is replaced by the action, like an empty one."""
    from dash_fixtures import plan_frame, plan_row, quarters, results_frame

    plan = plan_frame([plan_row("3.1", indicador="Número total de capacitaciones.", accion="Capacitaciones A"),
                       plan_row("3.2", indicador="Número total de capacitaciones.", accion="Capacitaciones B"),
                       plan_row("6", indicador="N/A", accion="Aprobación del Plan Anual de Trabajo 2023")])
    results = results_frame([r for c in ("3.1", "3.2", "6") for r in quarters(c, 2023)])
    cut = summary.at_cutoff(results, plan, 2023, 1)
    frame = exports.sipot_frame(cut, 2023, 1, fecha_validacion=dt.date(2023, 4, 5),
                                fecha_actualizacion=dt.date(2023, 4, 5))
    assert frame["Nombre del indicador"].tolist() == [
        "Número total de capacitaciones.", "Número total de capacitaciones.",
        "Aprobación del Plan Anual de Trabajo 2023"]
    assert cut["nombre"].tolist() == ["Capacitaciones A", "Capacitaciones B",
                                      "Aprobación del Plan Anual de Trabajo 2023"]   # on screen: told apart


def test_sipot_dates_per_program_and_the_note_when_not_approved():
    """approvals.sipot_dates hands one date per program: validation = approval date, empty when not approved
    (the Nota says why); update = date of the revision shown."""
    plan, results = sample()
    cut = summary.at_cutoff(results, plan, 2023, 2)
    programas = sorted(set(cut["programa_num"].astype(str)))
    first, rest = programas[0], programas[1:]
    validacion = {first: dt.date(2023, 7, 12), **{p: None for p in rest}}
    actualizacion = {p: dt.date(2023, 7, 10) for p in programas}
    frame = exports.sipot_frame(cut, 2023, 2, fecha_validacion=validacion, fecha_actualizacion=actualizacion)
    mine = cut["programa_num"].astype(str).to_numpy() == first
    assert set(frame.loc[mine, "Fecha de validación"]) == {"12/07/2023"}
    assert set(frame.loc[~mine, "Fecha de validación"]) == {""}
    assert set(frame["Fecha de actualización"]) == {"10/07/2023"}
    assert not any(exports.SIPOT_NOT_APPROVED in n for n in frame.loc[mine, "Nota"])
    assert all(n.endswith(exports.SIPOT_NOT_APPROVED) for n in frame.loc[~mine, "Nota"])


def test_downloads_carry_the_stamp():
    plan, results = sample()
    cut = summary.at_cutoff(results, plan, 2023, 2)
    iptt = summary.iptt_table(cut)
    figures = programs.program_figures(cut)
    estados = {p: "Cifras aprobadas por Ana López el 12/07/2023" if p == "1" else "Cifras preliminares (sin aprobar)"
               for p in figures["programa"]}
    csv = pd.read_csv(io.BytesIO(exports.to_csv_bytes(iptt, estados=estados)), encoding="utf-8-sig", dtype=str)
    assert csv[exports.STAMP_HEADER].tolist() == [estados[c.split(".")[0]] for c in csv["Clave"]]
    book = io.BytesIO(exports.to_excel_bytes(iptt, figures, anio=2023, trimestre=2, sello="Aprobadas: programa 1 · "
                                             "preliminares: 2 y 6", estados=estados))
    notas = pd.read_excel(book, sheet_name="Notas", engine="openpyxl")
    assert notas.iloc[0].tolist() == [exports.STAMP_HEADER, "Aprobadas: programa 1 · preliminares: 2 y 6"]
    resumen = pd.read_excel(book, sheet_name="Resumen", engine="openpyxl")
    assert resumen[exports.STAMP_HEADER].tolist() == [estados[p] for p in figures["programa"]]
