"""Report writers: JSON nulls/ints, CSV with BOM, xlsx round trip, formula-injection neutralising."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from mpi_dash.report_io import (
    neutralize_formula,
    neutralize_frame,
    report_bytes,
    to_csv_bytes,
    to_json_bytes,
    to_xlsx_bytes,
)


def sample() -> pd.DataFrame:
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
    assert neutralize_formula(value) == expected


def test_neutralize_frame_is_pure_and_leaves_numbers_alone() -> None:
    frame = sample()
    before = frame.copy(deep=True)
    out = neutralize_frame(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert out["justificacion"].tolist()[0] == "'=HYPERLINK(\"http://x\",\"clic\")"
    assert out["justificacion"].tolist()[2] == "Sesión reprogramada"
    assert out["cumplimiento_pct"].tolist()[2] == -12.25


def test_json_is_a_list_of_objects_with_nulls_and_ints() -> None:
    raw = to_json_bytes(sample())
    text = raw.decode("utf-8")
    assert "Sesión" in text  # UTF-8, not \u escapes
    rows = json.loads(text)
    assert isinstance(rows, list) and len(rows) == 3
    assert list(rows[0]) == list(sample().columns)
    assert rows[0]["anio"] == 2023 and isinstance(rows[0]["anio"], int)
    assert rows[0]["cumplimiento_pct"] == 87.5
    assert rows[1]["cumplimiento_pct"] is None  # NaN → null
    assert rows[2]["semaforo"] is None and rows[1]["justificacion"] is None
    assert rows[0]["justificacion"].startswith("=")  # JSON is data, not a spreadsheet


def test_json_integer_fields_with_gaps_stay_integers() -> None:
    frame = pd.DataFrame({"anio": [2023.0, np.nan], "meta": [4.0, 2.5]})
    rows = json.loads(to_json_bytes(frame))
    assert rows == [{"anio": 2023, "meta": 4.0}, {"anio": None, "meta": 2.5}]
    assert isinstance(rows[0]["anio"], int)


def test_json_of_an_empty_report_is_an_empty_list() -> None:
    assert json.loads(to_json_bytes(sample().iloc[0:0])) == []


def test_csv_has_bom_point_decimals_and_neutralised_text() -> None:
    raw = to_csv_bytes(sample())
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


def test_xlsx_round_trip_without_formulas() -> None:
    raw = to_xlsx_bytes(sample())
    sheet = load_workbook(io.BytesIO(raw)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == list(sample().columns)
    assert rows[1][:5] == ["1.1", 2023, 2, 87.5, "amarillo"]
    assert rows[1][5] == "'=HYPERLINK(\"http://x\",\"clic\")"
    assert rows[2][3] is None and rows[3][4] is None
    assert rows[3][3] == -12.25
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("formato", ["json", "csv", "xlsx"])
def test_report_bytes_dispatches(formato: str) -> None:
    writers = {"json": to_json_bytes, "csv": to_csv_bytes}
    raw = report_bytes(sample(), formato)
    if formato in writers:
        assert raw == writers[formato](sample())
    else:
        assert raw[:2] == b"PK"


def test_report_bytes_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="Formato no válido"):
        report_bytes(sample(), "pdf")
