"""Reader/validator: every error class, normalisation, row numbers, avisos, limits, container checks.

Workbooks are built in memory with openpyxl (bytes); nothing is read from disk except where a
path is the point of the test.
"""

from __future__ import annotations

import io
import math
import re
import struct
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from mpi_dash import schema
from mpi_dash.workbook import (
    Limits,
    Problem,
    WorkbookData,
    WorkbookError,
    problems_frame,
    read_workbook,
    validate_workbook,
)

PLAN_HEADERS = [c.header for c in schema.PLAN_COLUMNS if c.required]
AVANCES_HEADERS = ["Clave", "Año", "Trimestre", "Realizado", "Justificación", "Evidencia"]


# --------------------------------------------------------------------------- helpers


def plan_row(clave: str = "1.1", anio: Any = 2023, **values: Any) -> dict[str, Any]:
    """A valid Plan row keyed by Spanish header; ``values`` overrides by header."""
    row: dict[str, Any] = {header: f"{header} de {clave}" for header in PLAN_HEADERS}
    row.update(
        {
            "Clave": clave,
            "Año": anio,
            "Meta anual": 8,
            "Tipo de cálculo": "avance_meta",
            "Acumulación": "acumulado",
            "Frecuencia": "Trimestral",
            "Sentido": "Ascendente",
        }
    )
    row.update(values)
    return row


def avance_row(clave: str = "1.1", anio: Any = 2023, trimestre: Any = 1, realizado: Any = 2,
               **values: Any) -> dict[str, Any]:
    row = {"Clave": clave, "Año": anio, "Trimestre": trimestre, "Realizado": realizado,
           "Justificación": None, "Evidencia": None}
    row.update(values)
    return row


def table(rows: list[dict[str, Any]], headers: list[str] | None = None) -> list[list[Any]]:
    """Header row + data rows (a dict ``None`` becomes a fully empty row)."""
    if headers is None:
        headers = list(dict.fromkeys(h for r in rows if r for h in r))
    return [headers] + [[r.get(h) for h in headers] if r else [] for r in rows]


def xlsx_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def default_sheets() -> dict[str, list[list[Any]]]:
    return {
        "Plan": table([plan_row("1.1"), plan_row("1.2", **{"Tipo de cálculo": "hito", "Meta anual": 1})]),
        "Avances": table(
            [avance_row("1.1", trimestre=1, realizado=2), avance_row("1.1", trimestre=2, realizado=3),
             avance_row("1.2", trimestre=2, realizado=1)],
            AVANCES_HEADERS,
        ),
    }


def book(**changes: list[list[Any]] | None) -> bytes:
    """The default valid workbook with some sheets replaced (None removes a sheet)."""
    sheets = default_sheets()
    for name, rows in changes.items():
        name = name.replace("_", " ")
        if rows is None:
            sheets.pop(name, None)
        else:
            sheets[name] = rows
    return xlsx_bytes(sheets)


def errors_of(source: Any, **kwargs: Any) -> list[Problem]:
    return [p for p in validate_workbook(source, **kwargs) if p.nivel == "error"]


def only_error(source: Any, **kwargs: Any) -> Problem:
    errors = errors_of(source, **kwargs)
    assert len(errors) == 1, [p.mensaje for p in errors]
    return errors[0]


def rezip(data: bytes, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None,
          compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Copy a zip, transforming members (None drops one) and adding ``extra`` members."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            content = change(info.filename, src.read(info.filename))
            if content is not None:
                dst.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


# --------------------------------------------------------------------------- happy path


def test_valid_workbook_frames_follow_the_contract() -> None:
    data = read_workbook(book())
    assert isinstance(data, WorkbookData)
    plan, avances = data.plan, data.avances
    assert list(plan.columns) == [c.name for c in schema.PLAN_COLUMNS]
    assert plan["clave"].tolist() == ["1.1", "1.2"]
    assert plan["anio"].dtype == np.int64
    for column in schema.PLAN_COLUMNS:
        if column.kind == "number":
            assert plan[column.name].dtype == np.float64, column.name
    # Optional columns absent from the file are present and empty.
    assert plan["meta_ajustada"].isna().all()
    assert plan["programado_t3"].isna().all()
    assert plan["notas"].isna().all() and plan["notas"].tolist() == [None, None]
    assert plan["meta_anual"].tolist() == [8.0, 1.0]
    assert list(avances.columns) == [c.name for c in schema.AVANCES_COLUMNS]
    assert avances["anio"].dtype == np.int64 and avances["trimestre"].dtype == np.int64
    assert avances["realizado"].dtype == np.float64
    assert avances[["clave", "trimestre", "realizado"]].values.tolist() == [
        ["1.1", 1, 2.0], ["1.1", 2, 3.0], ["1.2", 2, 1.0]]
    assert data.parametros == {}  # no Parámetros sheet: the consumer applies its defaults
    assert data.avisos == ()
    assert set(data.columns) == {"Plan", "Avances"}
    assert data.columns["Avances"] == ("clave", "anio", "trimestre", "realizado", "justificacion", "evidencia")


def test_path_and_bytes_give_the_same_result(tmp_path) -> None:
    content = book()
    path = tmp_path / "libro.xlsx"
    path.write_bytes(content)
    from_path, from_bytes = read_workbook(path), read_workbook(content)
    pd.testing.assert_frame_equal(from_path.plan, from_bytes.plan)
    pd.testing.assert_frame_equal(from_path.avances, from_bytes.avances)
    assert read_workbook(str(path)).parametros == from_bytes.parametros


def test_headers_and_sheet_names_are_normalised() -> None:
    def shout(header: str) -> str:
        return f"  {header.upper()}   " if len(header) % 2 else header.lower().replace(" ", "  ")

    plan = table([plan_row("1.1"), plan_row("1.2")])
    plan[0] = [shout(h) for h in plan[0]]
    plan[0][plan[0].index(shout("Acción"))] = "ACCION"  # no accent
    avances = table([avance_row("1.1")], AVANCES_HEADERS)
    avances[0] = ["clave", " AÑO ", "trimestre", "REALIZADO", "justificacion", "evidencia"]
    data = read_workbook(xlsx_bytes({"  plan ": plan, " AVANCES ": avances,
                                     "parametros": [["PARAMETRO", "valor"], ["verde_min", 85]]}))
    assert data.plan["accion"].tolist() == ["Acción de 1.1", "Acción de 1.2"]
    assert data.avances["realizado"].tolist() == [2.0]
    assert data.parametros["verde_min"] == 85.0


def test_recognised_columns_per_sheet_include_aliases() -> None:
    # "meta ajustada" is the internal name with a space (an accepted alias of "Meta ajustada");
    # the store relies on these names to know which Plan columns the upload carries.
    plan = table([plan_row("1.1", **{"meta ajustada": 6}), plan_row("1.2")])
    avances = [["CLAVE", "año", "trimestre", "realizado"], ["1.1", 2023, 1, 2]]
    data = read_workbook(book(Plan=plan, Avances=avances, Parámetros=[["parametro", "valor"], ["verde_min", 85]]))
    assert "meta_ajustada" in data.columns["Plan"] and "programado_t1" not in data.columns["Plan"]
    assert data.plan["meta_ajustada"].tolist()[0] == 6.0
    assert data.columns["Avances"] == ("clave", "anio", "trimestre", "realizado")
    assert data.columns["Parámetros"] == ("parametro", "valor")


def test_extra_unknown_columns_and_sheets_are_ignored() -> None:
    plan = table([{**plan_row("1.1"), "Comentario interno": "=no importa"}])
    data = read_workbook(book(Plan=plan, Léame=[["Instrucciones"], ["texto"]],
                              Avances=table([avance_row("1.1")], AVANCES_HEADERS)))
    assert "Comentario interno" not in data.plan.columns
    assert len(data.plan) == 1


def test_optional_plan_columns_are_read_when_present() -> None:
    plan = table([plan_row("1.1", **{"Meta ajustada": 10, "Programado T1": 2, "Programado T2": 2,
                                     "Verde mín": 80, "Verde máx": 120, "Amarillo mín": 60,
                                     "Amarillo máx": 140, "Notas": "  nota  "})])
    data = read_workbook(book(Plan=plan, Avances=table([avance_row("1.1")], AVANCES_HEADERS)))
    row = data.plan.iloc[0]
    assert (row["meta_ajustada"], row["programado_t1"], row["verde_min"], row["amarillo_max"]) == (
        10.0, 2.0, 80.0, 140.0)
    assert math.isnan(row["programado_t4"])
    assert row["notas"] == "  nota  "


@pytest.mark.parametrize(
    ("column", "written", "stored"),
    [
        ("Tipo de cálculo", "AVANCE_META", "avance_meta"),
        ("Tipo de cálculo", "Avance meta", "avance_meta"),
        ("Tipo de cálculo", " Hito ", "hito"),
        ("Tipo de cálculo", "año anterior", "anio_anterior"),
        ("Tipo de cálculo", "Periodo_Anterior", "periodo_anterior"),
        ("Acumulación", "PERIODO", "periodo"),
        ("Acumulación", "Período", "periodo"),
        ("Acumulación", "Acumulado", "acumulado"),
        ("Sentido", "descendente", "Descendente"),
        ("Sentido", "ASCENDENTE", "Ascendente"),
    ],
)
def test_enumerations_accept_any_case_and_store_canonical(column: str, written: str, stored: str) -> None:
    name = next(c.name for c in schema.PLAN_COLUMNS if c.header == column)
    data = read_workbook(book(Plan=table([plan_row("1.1", **{column: written}), plan_row("1.2")]),
                              Avances=table([avance_row("1.1")], AVANCES_HEADERS)))
    assert data.plan[name].tolist()[0] == stored


@pytest.mark.parametrize(
    ("written", "quarter"),
    [(1, 1), (4.0, 4), ("2", 2), ("T1", 1), ("t3", 3), (" T4 ", 4), ("Marzo", 1), ("JUNIO", 2),
     ("septiembre", 3), (" Diciembre ", 4)],
)
def test_quarter_spellings(written: Any, quarter: int) -> None:
    data = read_workbook(book(Avances=table([avance_row("1.1", trimestre=written)], AVANCES_HEADERS)))
    assert data.avances["trimestre"].tolist() == [quarter]


@pytest.mark.parametrize(("written", "value"), [(7, 7.0), (0, 0.0), (2.5, 2.5), ("12", 12.0), (" 3 ", 3.0)])
def test_realizado_accepts_numbers_and_numeric_text(written: Any, value: float) -> None:
    data = read_workbook(book(Avances=table([avance_row("1.1", realizado=written)], AVANCES_HEADERS)))
    assert data.avances["realizado"].tolist() == [value]


def test_numeric_clave_is_read_as_text() -> None:
    data = read_workbook(book(Plan=table([plan_row(1.5)]),  # typed as a number in Excel
                              Avances=table([avance_row("1.5")], AVANCES_HEADERS)))
    assert data.plan["clave"].tolist() == ["1.5"]
    assert data.avances["clave"].tolist() == ["1.5"]


def test_parametros_sheet_overrides_defaults_and_keeps_extra_keys() -> None:
    params = [["Parámetro", "Valor", "Descripción"], ["verde_min", 85, "x"], ["Amarillo máx", 140, ""],
              ["datos_ilustrativos", 1, "datos de ejemplo"]]
    data = read_workbook(book(Parámetros=params))
    # only what the sheet sets: a partial sheet must not reset the other (stored) thresholds
    assert data.parametros == {"verde_min": 85.0, "amarillo_max": 140.0, "datos_ilustrativos": 1.0}


def test_parametros_order_is_checked_on_the_merged_values() -> None:
    params = [["Parámetro", "Valor"], ["verde_min", 75]]
    stored = {"verde_min": 80.0, "verde_max": 100.0, "amarillo_min": 60.0, "amarillo_max": 120.0}
    assert read_workbook(book(Parámetros=params), known_parametros=stored).parametros == {"verde_min": 75.0}
    # amarillo_min 78 alone is fine with the defaults (78 ≤ 90) but not with the stored verde_min 75
    params = [["Parámetro", "Valor"], ["amarillo_min", 78]]
    assert errors_of(book(Parámetros=params)) == []
    problem = only_error(book(Parámetros=params), known_parametros={**stored, "verde_min": 75.0})
    assert (problem.hoja, problem.columna) == ("Parámetros", "Valor")
    assert "amarillo_min 78" in problem.valor and "verde_min 75" in problem.valor


def test_unknown_parameter_is_kept_with_an_aviso() -> None:
    data = read_workbook(book(Parámetros=[["Parámetro", "Valor"], ["verde_mim", 80]]))
    assert data.parametros == {"verde_mim": 80.0}
    assert [(p.nivel, p.hoja, p.fila, p.columna, p.valor) for p in data.avisos] == [
        ("aviso", "Parámetros", 2, "Parámetro", "verde_mim")]


def test_reading_leaves_the_garbage_collector_alone(monkeypatch) -> None:
    """The process-wide collector belongs to the (threaded) server, never to a library call."""
    import gc

    touched = []
    for name in ("disable", "enable", "freeze", "set_threshold"):
        monkeypatch.setattr(gc, name, lambda *args, name=name: touched.append(name))
    read_workbook(book())
    validate_workbook(b"not a workbook")
    assert touched == []


def test_inputs_are_not_mutated() -> None:
    known = read_workbook(book()).plan
    snapshot = known.copy(deep=True)
    read_workbook(book(Plan=None), known_plan=known)
    pd.testing.assert_frame_equal(known, snapshot)


# --------------------------------------------------------------------------- avisos, row numbers


def test_blank_realizado_is_an_aviso_and_the_row_is_dropped_never_zero() -> None:
    rows = [avance_row("1.1", trimestre=1, realizado=2), avance_row("1.1", trimestre=2, realizado=None),
            avance_row("1.2", trimestre=2, realizado="   ")]
    data = read_workbook(book(Avances=table(rows, AVANCES_HEADERS)))
    assert data.avances[["clave", "trimestre", "realizado"]].values.tolist() == [["1.1", 1, 2.0]]
    assert [(p.nivel, p.hoja, p.fila, p.columna) for p in data.avisos] == [
        ("aviso", "Avances", 3, "Realizado"), ("aviso", "Avances", 4, "Realizado")]
    assert "no se cuenta como 0" in data.avisos[0].mensaje
    assert all(p.nivel == "aviso" for p in validate_workbook(book(Avances=table(rows, AVANCES_HEADERS))))


def _with_cached_results(content: bytes, results: dict[str, str]) -> bytes:
    """The workbook with a stored result for some formula cells (what Excel writes on saving; openpyxl
    writes formulas without one).  ``results``: cell reference → the text of <v>."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                for ref, value in results.items():
                    data = re.sub(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v></v>'.encode(),
                                  rb"\g<1><v>" + value.encode() + b"</v>", data)
            target.writestr(info, data)
    return out.getvalue()


def test_formula_without_stored_result_is_an_error_never_empty() -> None:
    # openpyxl stores the formula without a cached value: a reader that evaluated it would get 2.
    problems = validate_workbook(book(Avances=table([avance_row("1.1", realizado="=1+1")], AVANCES_HEADERS)))
    assert [(p.nivel, p.hoja, p.fila, p.columna) for p in problems] == [("error", "Avances", 2, "Realizado")]
    assert problems[0].mensaje == (
        'Hoja "Avances", fila 2, columna "Realizado": la celda tiene una fórmula sin valor calculado; se '
        "esperaba el resultado guardado de la fórmula: abra y guarde el archivo en Excel y vuelva a subirlo.")
    assert "vacía" not in problems[0].mensaje


def test_formula_with_stored_result_uses_it_and_says_so() -> None:
    content = _with_cached_results(
        book(Avances=table([avance_row("1.1", realizado="=1+1"), avance_row("1.1", trimestre=2)],
                           AVANCES_HEADERS)), {"D2": "2"})
    data = read_workbook(content)
    assert data.avances["realizado"].tolist() == [2.0, 2.0]  # the stored result, as Excel shows it
    assert [(p.fila, p.columna, p.hallazgo) for p in data.avisos] == [(2, "Realizado", "la celda tiene una fórmula")]


def test_row_numbers_are_true_excel_rows_with_empty_rows_skipped() -> None:
    rows = [avance_row("1.1", trimestre=1), None, None, avance_row("1.1", trimestre=2),
            None, avance_row("1.1", trimestre=3, realizado="mucho")]
    problem = only_error(book(Avances=table(rows, AVANCES_HEADERS)))
    found = (problem.hoja, problem.fila, problem.columna, problem.valor)
    assert found == ("Avances", 7, "Realizado", "mucho")


def test_row_numbers_when_the_header_is_not_on_row_one() -> None:
    rows = [[], [], *table([avance_row("1.1"), avance_row("1.1", trimestre=9)], AVANCES_HEADERS)]
    problem = only_error(book(Avances=rows))
    assert (problem.fila, problem.columna, problem.valor) == (5, "Trimestre", "9")


def test_row_numbers_across_parser_chunks_with_the_table_away_from_a1() -> None:
    """The sheet is read a few hundred rows at a time: numbering must hold across chunks, whatever the
    first row and column of the table."""
    sheets = {"Plan": table([plan_row(f"1.{i}") for i in range(150)])}
    sheets["Avances"] = [[None, None, *row] for row in ([], [], *table(
        [avance_row(f"1.{k // 4}", trimestre=1 + k % 4) for k in range(600)]
        + [avance_row("1.1", trimestre="T9")], AVANCES_HEADERS))]
    problem = only_error(xlsx_bytes(sheets))
    assert (problem.hoja, problem.fila, problem.columna, problem.valor) == ("Avances", 604, "Trimestre", "T9")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), st.just("blank-row"), st.integers(0, 10_000),
                          st.integers(0, 10**8).map(lambda v: v / 100)), min_size=1, max_size=12))
def test_property_rows_kept_blanks_reported_with_true_row_numbers(cells: list[Any]) -> None:
    rows: list[dict[str, Any] | None] = []
    for quarter_key, cell in enumerate(cells):
        if cell == "blank-row":
            rows.append(None)
        else:  # distinct keys: the year varies (every year has the indicator in the plan below)
            rows.append(avance_row("1.1", anio=2000 + quarter_key, trimestre=1, realizado=cell))
    plan = table([plan_row("1.1", anio=2000 + k) for k in range(len(cells))])
    sheets = {"Plan": plan, "Avances": table(rows, AVANCES_HEADERS)}
    if all(r is None for r in rows):
        return  # no data rows at all: covered by the empty-workbook test
    data = read_workbook(xlsx_bytes(sheets))
    kept = [(2000 + k, float(c)) for k, c in enumerate(cells) if c not in (None, "blank-row")]
    assert list(zip(data.avances["anio"].tolist(), data.avances["realizado"].tolist())) == kept
    blank_rows = [k + 2 for k, c in enumerate(cells) if c is None]
    assert [p.fila for p in data.avisos] == blank_rows


# --------------------------------------------------------------------------- error classes


def test_missing_sheet() -> None:
    problem = only_error(book(Avances=None, Datos=[["x"], [1]]))
    assert (problem.hoja, problem.fila, problem.columna) == ("Avances", None, None)
    assert "Datos" in problem.valor and '"Avances"' in problem.esperado


def test_missing_plan_is_an_error_without_known_plan() -> None:
    problem = only_error(book(Plan=None))
    assert problem.hoja == "Plan" and problem.fila is None


def test_without_plan_sheet_avances_are_checked_against_known_plan() -> None:
    known = read_workbook(book()).plan
    upload = book(Plan=None, Avances=table([avance_row("1.2", trimestre=3), avance_row("7.7", trimestre=3)],
                                            AVANCES_HEADERS))
    problem = only_error(upload, known_plan=known)
    assert (problem.fila, problem.columna, problem.valor) == (3, "Clave", "7.7")
    assert "plan vigente" in problem.esperado
    data = read_workbook(book(Plan=None), known_plan=known)
    assert data.plan is None and len(data.avances) == 3


def test_upload_plan_keeps_the_stored_rows_of_its_year_for_claves() -> None:
    # Plan rows are upserted by (Clave, Año): an upload re-sending only 1.1 for 2023 leaves the stored
    # 1.2 of 2023 in place, so avances of 1.2 stay valid.
    known = read_workbook(book()).plan
    upload = book(Plan=table([plan_row("1.1", **{"Meta anual": 9})]),
                  Avances=table([avance_row("1.2", trimestre=3), avance_row("7.7", trimestre=3)], AVANCES_HEADERS))
    problem = only_error(upload, known_plan=known)
    assert (problem.fila, problem.valor) == (3, "7.7")
    assert [p.valor for p in errors_of(upload)] == ["1.2", "7.7"]  # without the stored plan 1.2 is unknown


def test_plan_only_upload_needs_no_avances_sheet() -> None:
    known = read_workbook(book()).plan
    data = read_workbook(book(Plan=table([plan_row("1.3")]), Avances=None), known_plan=known)
    assert data.plan["clave"].tolist() == ["1.3"] and len(data.avances) == 0
    assert "Avances" not in data.columns
    assert only_error(book(Avances=None)).hoja == "Avances"  # a full workbook still needs it


def test_missing_required_column() -> None:
    plan = table([plan_row("1.1")])
    drop = plan[0].index("Meta anual")
    plan = [[v for j, v in enumerate(r) if j != drop] for r in plan]
    problem = only_error(book(Plan=plan, Avances=table([avance_row("1.1")], AVANCES_HEADERS)))
    assert (problem.hoja, problem.fila, problem.columna, problem.valor) == ("Plan", 1, "Meta anual", "")
    assert "encabezado" in problem.esperado


def test_duplicate_header_is_an_error() -> None:
    avances = table([avance_row("1.1")], AVANCES_HEADERS)
    avances = [r + [r[3]] for r in avances]  # a second "Realizado" column
    problem = only_error(book(Avances=avances))
    assert (problem.fila, problem.columna) == (1, "Realizado")


def test_duplicate_plan_keys() -> None:
    plan = table([plan_row("1.1"), plan_row("1.2"), plan_row("1.1"), plan_row("1.1", anio=2022)])
    problem = only_error(book(Plan=plan))
    assert (problem.hoja, problem.fila, problem.columna, problem.valor) == ("Plan", 4, "Clave", "1.1 / 2023")
    assert "fila 2" in problem.esperado


def test_duplicate_avances_keys() -> None:
    rows = [avance_row("1.1", trimestre=1), avance_row("1.1", trimestre="T2"),
            avance_row("1.1", trimestre="Marzo", realizado=5)]
    problem = only_error(book(Avances=table(rows, AVANCES_HEADERS)))
    assert (problem.fila, problem.valor) == (4, "1.1 / 2023 / 1")
    assert "ya aparece en la fila 2" in problem.esperado


def test_unknown_clave_in_avances_for_that_year() -> None:
    # The plan (book default) has 1.1 for 2023 only: 2022 is its línea base (accepted, no 2022 plan
    # row needed), 2021 is neither a plan year nor the year before one.
    rows = [avance_row("1.1"), avance_row("9.9"), avance_row("1.1", anio=2021), avance_row("1.1", anio=2022),
            avance_row("1.1", anio=2024)]
    errors = errors_of(book(Avances=table(rows, AVANCES_HEADERS)))
    assert [(p.fila, p.columna, p.valor) for p in errors] == [
        (3, "Clave", "9.9"), (4, "Clave", "1.1"), (6, "Clave", "1.1")]
    assert "2021" in errors[1].esperado and "2022" in errors[1].esperado
    assert "2024" in errors[2].esperado


def test_previous_year_actuals_need_no_plan_rows() -> None:
    rows = [avance_row("1.1", anio=2022, trimestre=q) for q in (1, 2, 3, 4)] + [avance_row("1.1")]
    data = read_workbook(book(Avances=table(rows, AVANCES_HEADERS)))
    assert sorted(set(data.plan["anio"])) == [2023]
    assert data.avances["anio"].tolist() == [2022] * 4 + [2023]


@pytest.mark.parametrize("written", [0, 5, "T5", "Q1", "primero", 1.5, "Abril"])
def test_quarter_out_of_range_or_unparseable(written: Any) -> None:
    problem = only_error(book(Avances=table([avance_row("1.1", trimestre=written)], AVANCES_HEADERS)))
    assert (problem.fila, problem.columna) == (2, "Trimestre")
    assert "T1 a T4" in problem.esperado


@pytest.mark.parametrize(("written", "valor"), [("abc", "abc"), ("1,234", "1,234"), (-1, "-1"),
                                                 (-0.5, "-0.5"), (True, "VERDADERO")])
def test_text_or_negative_realizado(written: Any, valor: str) -> None:
    problem = only_error(book(Avances=table([avance_row("1.1", realizado=written)], AVANCES_HEADERS)))
    assert (problem.hoja, problem.fila, problem.columna, problem.valor) == ("Avances", 2, "Realizado", valor)
    assert "mayor o igual a 0" in problem.esperado


@pytest.mark.parametrize("header", ["Meta anual", "Meta ajustada", "Programado T2", "Verde mín",
                                    "Amarillo máx"])
def test_non_numeric_plan_numbers(header: str) -> None:
    problem = only_error(book(Plan=table([plan_row("1.1"), plan_row("1.2", **{header: "n/d"})])))
    assert (problem.hoja, problem.fila, problem.columna, problem.valor) == ("Plan", 3, header, "n/d")
    assert problem.esperado == "un número"


@pytest.mark.parametrize(("written", "valor"), [("dos mil", "dos mil"), (2023.5, "2023.5"), (23, "23"),
                                                 (None, "")])
def test_anio_must_be_an_integer_year(written: Any, valor: str) -> None:
    errors = errors_of(book(Plan=table([plan_row("1.1"), plan_row("1.2", anio=written)])))
    assert [(p.fila, p.columna, p.valor) for p in errors] == [(3, "Año", valor)]


@pytest.mark.parametrize(("header", "written"), [("Tipo de cálculo", "promedio"), ("Acumulación", "anual"),
                                                 ("Sentido", "arriba"), ("Sentido", None)])
def test_unknown_enumeration_values(header: str, written: Any) -> None:
    problem = only_error(book(Plan=table([plan_row("1.1"), plan_row("1.2", **{header: written})])))
    assert (problem.fila, problem.columna, problem.valor) == (3, header, written or "")
    assert problem.esperado.startswith("uno de:")


def test_blank_clave_is_an_error() -> None:
    problem = only_error(book(Avances=table([avance_row("1.1"), avance_row("  ")], AVANCES_HEADERS)))
    assert (problem.fila, problem.columna, problem.valor) == (3, "Clave", "")
    assert "la celda está vacía" in problem.mensaje


@pytest.mark.parametrize("header", ["Meta anual", "Meta ajustada", "Programado T1", "Programado T2",
                                    "Programado T3", "Programado T4", "Verde mín", "Verde máx",
                                    "Amarillo mín", "Amarillo máx"])
def test_negative_plan_numbers_are_errors(header: str) -> None:
    problem = only_error(book(Plan=table([plan_row("1.1"), plan_row("1.2", **{header: -4})])))
    assert (problem.hoja, problem.fila, problem.columna, problem.valor) == ("Plan", 3, header, "-4")
    assert problem.esperado == "un número mayor o igual a 0"


@pytest.mark.parametrize("name", ["verde_min", "amarillo_min"])
def test_negative_parametros_threshold_is_an_error(name: str) -> None:
    errors = errors_of(book(Parámetros=[["Parámetro", "Valor"], [name, -5]]))
    negative = [p for p in errors if p.fila == 2]
    assert [(p.hoja, p.columna, p.valor) for p in negative] == [("Parámetros", "Valor", "-5")]
    assert "mayor o igual a 0" in negative[0].esperado


@pytest.mark.parametrize(("given", "missing"), [
    ({"Verde mín": 80}, "Verde máx"),
    ({"Verde mín": 80, "Verde máx": 120}, "Amarillo mín"),
    ({"Verde mín": 80, "Verde máx": 120, "Amarillo mín": 60}, "Amarillo máx"),
    ({"Amarillo máx": 150}, "Verde mín"),
])
def test_partial_row_thresholds_are_an_aviso(given: dict, missing: str) -> None:
    data = read_workbook(book(Plan=table([plan_row("1.1"), plan_row("1.2", **given)])))
    assert [(p.nivel, p.hoja, p.fila, p.columna) for p in data.avisos] == [("aviso", "Plan", 3, missing)]
    assert f"{len(given)} de 4" in data.avisos[0].valor and "Parámetros" in data.avisos[0].esperado
    assert "fila 3" in data.avisos[0].mensaje


def test_disordered_row_thresholds() -> None:
    row = plan_row("1.2", **{"Verde mín": 95, "Verde máx": 90, "Amarillo mín": 70, "Amarillo máx": 130})
    problem = only_error(book(Plan=table([plan_row("1.1"), row])))
    assert (problem.fila, problem.columna) == (3, "Verde mín")
    assert "ordenados" in problem.esperado


@pytest.mark.parametrize(
    ("rows", "fila", "columna"),
    [
        ([["verde_min", "mucho"]], 2, "Valor"),
        ([["verde_min", None]], 2, "Valor"),
        ([["verde_min", 95], ["verde_max", 90]], None, "Valor"),  # disordered
        ([["verde_min", 95], ["Verde mín", 96]], 3, "Parámetro"),  # repeated
    ],
)
def test_invalid_parametros(rows: list[list[Any]], fila: int | None, columna: str) -> None:
    problem = only_error(book(Parámetros=[["Parámetro", "Valor"], *rows]))
    assert (problem.hoja, problem.fila, problem.columna) == ("Parámetros", fila, columna)


def test_too_many_rows() -> None:
    rows = [avance_row("1.1", trimestre=q) for q in (1, 2, 3)]
    problem = only_error(book(Avances=table(rows, AVANCES_HEADERS)), limits=Limits(max_rows=2))
    assert (problem.hoja, problem.valor) == ("Avances", "3 filas")
    assert "a lo más 2 filas" in problem.esperado
    assert errors_of(book(Avances=table(rows, AVANCES_HEADERS)), limits=Limits(max_rows=3)) == []


def test_all_problems_are_collected_not_only_the_first() -> None:
    plan = table([plan_row("1.1"), plan_row("1.2", anio="x", **{"Sentido": "?", "Meta anual": "?"})])
    avances = table([avance_row("1.1", trimestre=9, realizado="?"), avance_row("8.8")], AVANCES_HEADERS)
    with pytest.raises(WorkbookError) as raised:
        read_workbook(book(Plan=plan, Avances=avances))
    found = {(p.hoja, p.fila, p.columna) for p in raised.value.problems}
    assert found == {("Plan", 3, "Año"), ("Plan", 3, "Sentido"), ("Plan", 3, "Meta anual"),
                     ("Avances", 2, "Trimestre"), ("Avances", 2, "Realizado"), ("Avances", 3, "Clave")}
    assert str(raised.value).count("\n") == len(raised.value.problems) - 1


# --------------------------------------------------------------------------- the file itself


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (b"Clave,A\xc3\xb1o,Trimestre\n1.1,2023,1\n", "texto"),  # a CSV renamed .xlsx
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("Informe trimestral\nsin datos".encode("utf-8"), "texto"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ".xls"),  # Excel 97-2003 / encrypted
        (b"PK\x03\x04" + b"\x00" * 40, "ZIP"),  # corrupt zip
    ],
)
def test_not_an_xlsx(content: bytes, found: str, tmp_path) -> None:
    path = tmp_path / "informe.xlsx"
    path.write_bytes(content)
    problem = only_error(path)
    assert (problem.hoja, problem.fila, problem.columna) == ("", None, None)
    assert found in problem.valor and ".xlsx" in problem.esperado


def test_truncated_xlsx_is_a_corrupt_zip() -> None:
    problem = only_error(book()[:-200])
    assert "dañado" in problem.valor


def test_zip_without_workbook_part() -> None:
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    problem = only_error(docx.getvalue())
    assert "Word" in problem.valor


@pytest.mark.parametrize("content", [b"", None])
def test_empty_file_or_workbook_without_data_rows(content: bytes | None) -> None:
    if content is None:
        content = book(Plan=[PLAN_HEADERS], Avances=[AVANCES_HEADERS])
    problem = only_error(content)
    assert problem.hoja == ""
    assert ("0 bytes" in problem.valor) or ("sin filas de datos" in problem.valor)


def test_oversized_file() -> None:
    content = book()
    problem = only_error(content, limits=Limits(max_file_bytes=len(content) - 1))
    assert problem.valor == f"{len(content):,} bytes"
    assert errors_of(content, limits=Limits(max_file_bytes=len(content))) == []


def test_macros_are_rejected() -> None:
    xlsm = rezip(book(), lambda name, data: data, extra={"xl/vbaProject.bin": b"\x00VBA" * 100})
    problem = only_error(xlsm)
    assert "macros" in problem.valor


def test_excel4_macro_sheets_are_rejected() -> None:
    xlsm = rezip(book(), lambda name, data: data, extra={"xl/macrosheets/sheet1.xml": b"<xm/>"})
    assert "macros" in only_error(xlsm).valor


def _declare_huge_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the central-directory uncompressed size of ``member`` (a lying zip header)."""
    out = bytearray(data)
    start = 0
    while (start := out.find(b"PK\x01\x02", start)) >= 0:
        name_len = struct.unpack_from("<H", out, start + 28)[0]
        name = bytes(out[start + 46:start + 46 + name_len]).decode()
        if name == member:
            struct.pack_into("<I", out, start + 24, size)
            return bytes(out)
        start += 4
    raise AssertionError(member)


def test_zip_bomb_declared_uncompressed_size() -> None:
    bomb = _declare_huge_size(book(), "xl/worksheets/sheet1.xml", 0xFFFF0000)
    errors = errors_of(bomb)  # rejected from the directory alone: both the total and the ratio
    assert len(errors) == 2
    assert int(errors[0].valor.split(" ")[0].replace(",", "")) > 0xFFFF0000
    assert "sin comprimir" in errors[0].valor and "bomba ZIP" in errors[0].esperado
    assert "razón de compresión" in errors[1].valor


def test_zip_bomb_compression_ratio() -> None:
    # 8 MB of one repeated byte compresses to a few KB (ratio > 1,000).
    bomb = rezip(book(), lambda name, data: data, extra={"xl/media/relleno.xml": b"\x00" * (8 * 1024 * 1024)})
    problem = only_error(bomb)
    assert "razón de compresión" in problem.valor
    tolerant = Limits(max_compression_ratio=1e6)
    assert errors_of(bomb, limits=tolerant) == []


def _patch_declared_size(data: bytes, member: str, size: int) -> bytes:
    """Make both the local header and the central directory under-declare ``member``'s size."""
    out = bytearray(data)
    layouts = ((b"PK\x01\x02", 24, 28, 46), (b"PK\x03\x04", 22, 26, 30))  # central, local header
    for signature, size_at, name_len_at, name_at in layouts:
        start = 0
        while (start := out.find(signature, start)) >= 0:
            name_len = struct.unpack_from("<H", out, start + name_len_at)[0]
            if bytes(out[start + name_at:start + name_at + name_len]).decode() == member:
                struct.pack_into("<I", out, start + size_at, size)
            start += 4
    return bytes(out)


def test_zip_member_lying_about_its_size_is_never_inflated_past_the_declared_size() -> None:
    rows = [avance_row("1.1", anio=2000 + k % 100, trimestre=1 + k % 4) for k in range(3_000)]
    big = book(Avances=table(rows, AVANCES_HEADERS))
    lying = _patch_declared_size(big, "xl/worksheets/sheet2.xml", 5_000)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:  # the container checks see a tiny member
        assert archive.getinfo("xl/worksheets/sheet2.xml").file_size == 5_000
    problem = only_error(lying)
    assert (problem.hoja, problem.valor) == ("Avances", "la hoja no se pudo leer")


def test_total_uncompressed_limit() -> None:
    problem = only_error(book(), limits=Limits(max_uncompressed_bytes=1_000))
    assert "sin comprimir" in problem.valor


def _exploding_parser(monkeypatch, error: Exception) -> None:
    import python_calamine

    class Exploding:
        @classmethod
        def from_filelike(cls, *args: Any, **kwargs: Any) -> None:
            raise error

        from_path = from_filelike

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Exploding)


@pytest.mark.parametrize("error_class", ["CalamineError", "ZipError", "XmlError", "PasswordError"])
def test_parser_failure_becomes_a_problem(monkeypatch, tmp_path, error_class: str) -> None:
    import python_calamine

    _exploding_parser(monkeypatch, getattr(python_calamine, error_class)("dañado"))
    problem = only_error(book())
    assert problem.valor == "el archivo no se pudo leer como Excel .xlsx"
    path = tmp_path / "libro.xlsx"
    path.write_bytes(book())
    assert only_error(path).valor == "el archivo no se pudo leer como Excel .xlsx"


def test_programming_error_is_not_disguised_as_a_bad_file(monkeypatch) -> None:
    """Only the parser's and the container's exceptions mean "bad file"; a bug propagates (and is logged
    by the app's error wrapper) instead of telling the user their file is unreadable."""
    _exploding_parser(monkeypatch, RuntimeError("boom"))
    with pytest.raises(RuntimeError, match="boom"):
        validate_workbook(book())
    with pytest.raises(RuntimeError, match="boom"):
        read_workbook(book())


def test_sheet_parser_failure_becomes_a_problem_for_that_sheet(monkeypatch) -> None:
    import python_calamine

    original = python_calamine.CalamineSheet.iter_rows

    def failing(self, *args: Any, **kwargs: Any) -> Any:
        if self.name == "Avances":
            raise python_calamine.XmlError("etiqueta sin cerrar")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(python_calamine.CalamineSheet, "iter_rows", failing)
    problem = only_error(book())
    assert (problem.hoja, problem.valor) == ("Avances", "la hoja no se pudo leer")


def test_missing_path_is_a_problem_not_a_traceback(tmp_path) -> None:
    problem = only_error(tmp_path / "no-existe.xlsx")
    assert "no-existe.xlsx" in problem.valor
    folder = only_error(tmp_path)
    assert "carpeta" in folder.esperado


def test_default_limits_fit_the_benchmark_size() -> None:
    limits = Limits()
    assert limits.max_rows >= 200_000 and limits.max_file_bytes >= 20 * 1024 * 1024
    with pytest.raises(Exception):
        limits.max_rows = 1  # type: ignore[misc]  # frozen


# --------------------------------------------------------------------------- problems


def test_problem_message_names_every_part() -> None:
    problem = Problem("Avances", 7, "Realizado", "abc", "un número mayor o igual a 0")
    assert problem.mensaje == ('Hoja "Avances", fila 7, columna "Realizado": se encontró "abc"; '
                               "se esperaba un número mayor o igual a 0.")
    aviso = Problem("Avances", 3, "Realizado", "", "un número", nivel="aviso")
    assert aviso.mensaje.startswith("Aviso. ") and "la celda está vacía" in aviso.mensaje
    assert Problem("", None, None, "0 bytes", "un libro").mensaje == (
        'Archivo: se encontró "0 bytes"; se esperaba un libro.')


def test_problems_frame() -> None:
    problems = [Problem("Plan", 2, "Año", "x", "un año"), Problem("", None, None, "a", "b", "aviso")]
    frame = problems_frame(problems)
    assert list(frame.columns) == ["nivel", "hoja", "fila", "columna", "valor", "esperado", "mensaje"]
    assert frame["nivel"].tolist() == ["error", "aviso"]
    assert frame["fila"].tolist()[0] == 2 and pd.isna(frame["fila"].tolist()[1])
    assert frame["mensaje"].tolist() == [p.mensaje for p in problems]
    assert len(problems_frame([])) == 0


def test_renamed_sheet_is_named_in_an_aviso() -> None:
    content = book(Datos=table([avance_row("1.1", realizado=3)], AVANCES_HEADERS))
    avisos = [p for p in validate_workbook(content) if p.nivel == "aviso"]
    assert [p.mensaje for p in avisos] == [
        'Aviso. Archivo: se ignoró la hoja "Datos"; se esperaba que los datos vengan en las hojas "Plan", '
        '"Avances" o "Parámetros", las únicas que se leen (si esa hoja trae avances, cámbiele el nombre a '
        '"Avances").']


@pytest.mark.parametrize(("sheets", "what"), [
    (["Resumen", "Programa 1", "Notas"], "Excel con formato"),
    (["Indicadores de resultados"], "SIPOT"),
    (["Informe"], "report"),
])
def test_dashboard_downloads_are_recognised(sheets, what) -> None:
    content = xlsx_bytes({name: [["Clave", "Valor"], ["1.1", 1]] for name in sheets})
    problems = validate_workbook(content)
    assert len(problems) == 1 and problems[0].nivel == "error"
    assert what in problems[0].mensaje and "plantilla" in problems[0].mensaje
