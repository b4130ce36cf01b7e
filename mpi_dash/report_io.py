"""Write a report DataFrame as JSON, CSV or xlsx (used by ``python -m mpi_dash report``).

* JSON: a list of objects, one per row; empty values are ``null`` (NaN → null), integer columns
  stay integers, UTF-8 without ``\\u`` escapes.
* CSV: UTF-8 **with BOM** (so Excel shows accents), "." as decimal separator.
* xlsx: one plain sheet with a header row (openpyxl is imported lazily, only here).

Text cells written to CSV/xlsx go through :func:`neutralize_formula` so a spreadsheet never
runs a value such as ``=HYPERLINK(...)`` typed by someone in a justification.
"""

from __future__ import annotations

import io
import math
from typing import Literal

import numpy as np
import pandas as pd

__all__ = [
    "FORMATS",
    "FORMULA_PREFIXES",
    "neutralize_formula",
    "neutralize_frame",
    "report_bytes",
    "to_csv_bytes",
    "to_json_bytes",
    "to_xlsx_bytes",
]

Format = Literal["json", "csv", "xlsx"]
FORMATS: tuple[str, ...] = ("json", "csv", "xlsx")

# A cell starting with one of these is interpreted as a formula (or DDE payload) by
# Excel/LibreOffice/Google Sheets; tab and carriage return are used to smuggle them.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

SHEET_TITLE = "Informe"


def neutralize_formula(value: object) -> object:
    """Defuse spreadsheet formula injection in one cell value.

    A ``str`` starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    apostrophe (``'=1+1``), so spreadsheets show it as text instead of evaluating it. Any other
    value (numbers — including negative numbers —, None, other text) is returned unchanged.

    >>> neutralize_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralize_formula("-5"), neutralize_formula(-5.0), neutralize_formula("Texto")
    ("'-5", -5.0, 'Texto')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _is_text_column(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are neutralised (vectorised; input untouched)."""
    out = frame.copy()
    for name in out.columns:
        series = out[name]
        if not _is_text_column(series):
            continue
        values = series.to_numpy(dtype=object, na_value=None)
        is_text = np.frompyfunc(lambda v: isinstance(v, str), 1, 1)(values).astype(bool)
        if not is_text.any():
            continue
        texts = pd.Series(values[is_text], dtype=object)
        risky = texts.str.startswith(FORMULA_PREFIXES).to_numpy(dtype=bool)
        if risky.any():
            values = values.copy()
            idx = np.flatnonzero(is_text)[risky]
            values[idx] = "'" + texts[risky].astype(object)
            out[name] = pd.Series(values, index=out.index, dtype=object)
    return out


def _integer_like(series: pd.Series) -> bool:
    """Float column whose non-empty values are all whole numbers (e.g. an int column with NaN)."""
    if not pd.api.types.is_float_dtype(series.dtype):
        return False
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    finite = values[~np.isnan(values)]
    return bool(len(finite)) and bool(np.all(finite == np.round(finite))) and bool(
        np.all(np.abs(finite) < 2**53)
    )


INTEGER_FIELDS = frozenset({"anio", "trimestre"})


def _with_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Integer fields as nullable ints (so 2023 never prints as 2023.0)."""
    out = frame
    for name in frame.columns:
        if name in INTEGER_FIELDS and _integer_like(frame[name]):
            if out is frame:
                out = frame.copy()
            out[name] = frame[name].astype("Int64")
    return out


def to_json_bytes(frame: pd.DataFrame) -> bytes:
    """A JSON list of objects; NaN/None → null; ints as ints; UTF-8 (accents unescaped)."""
    text = _with_integers(frame).to_json(
        orient="records", force_ascii=False, double_precision=15, date_format="iso"
    )
    # pandas writes non-finite floats as null already; make sure nothing else slipped through.
    if not text or text == "null":
        text = "[]"
    return (text + "\n").encode("utf-8")


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with BOM, '.' decimals, empty cells for NaN/None, formulas neutralised."""
    buffer = io.StringIO()
    neutralize_frame(_with_integers(frame)).to_csv(buffer, index=False, lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return neutralize_formula(value)
    return str(value)


def to_xlsx_bytes(frame: pd.DataFrame, sheet_title: str = SHEET_TITLE) -> bytes:
    """A plain xlsx: one sheet, header row, values (no formulas: text is neutralised)."""
    from openpyxl import Workbook  # lazy: only the xlsx format pays this import

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append([str(c) for c in frame.columns])
    ready = _with_integers(frame)
    columns = [ready[c].to_numpy(dtype=object, na_value=None) for c in ready.columns]
    for row in zip(*columns):
        sheet.append([_xlsx_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_bytes(frame: pd.DataFrame, formato: str) -> bytes:
    """The report in one of :data:`FORMATS`; raises ``ValueError`` (Spanish) otherwise."""
    if formato == "json":
        return to_json_bytes(frame)
    if formato == "csv":
        return to_csv_bytes(frame)
    if formato == "xlsx":
        return to_xlsx_bytes(frame)
    raise ValueError(f"Formato no válido: «{formato}»; se esperaba json, csv o xlsx.")
