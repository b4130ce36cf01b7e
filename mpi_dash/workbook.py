"""Read and validate the dashboard workbook (xlsx) with python-calamine.

The reader never evaluates formulas or macros: it checks the file container
first (:mod:`mpi_dash.container`: size, zip signature, zip-bomb ratios, macros)
and only then lets python-calamine parse the sheets, once.  Validation is
column-wise with pandas/numpy; Python loops only run over the problems found.
Every problem is collected (never only the first) as a :class:`Problem` whose
``mensaje`` is a Spanish sentence naming sheet, Excel row, column, value found
and what was expected.

Only the parser's own exceptions (``python_calamine.CalamineError`` and its
subclasses, ``OSError`` while opening) and the container's become problems ("el
archivo no se pudo leer"); anything else is a programming error and propagates
(the app's error wrapper logs it, the command line prints a Spanish line).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from mpi_dash import schema, semaforo
from mpi_dash.container import (
    DEFAULT_LIMITS,
    XLSX_EXPECTED,
    Limits,
    Opened,
    Source,
    check_container,
    formula_cells,
    open_source,
)
from mpi_dash.formatting import format_number
from mpi_dash.schema import Column, TipoCalculo

__all__ = [
    "Limits",
    "Problem",
    "ProblemGroup",
    "group_problems",
    "WorkbookData",
    "WorkbookError",
    "read_workbook",
    "validate_workbook",
    "problems_frame",
]

@dataclass(frozen=True)
class Problem:
    """One problem found in a workbook (an error, or an *aviso* that does not block)."""

    hoja: str
    fila: int | None
    columna: str | None
    valor: str
    esperado: str
    nivel: str = "error"
    #: What was found, in words, when it is not a value (a formula without a result, an ignored sheet…):
    #: replaces «se encontró "valor"» in :attr:`mensaje`.
    hallazgo: str | None = None
    #: The kind of problem for grouping long lists (:func:`group_problems`); "" = by ``esperado``.
    tipo: str = ""

    @property
    def mensaje(self) -> str:
        """One Spanish sentence naming sheet, row, column, value found and what was expected."""
        where = [f'Hoja "{self.hoja}"' if self.hoja else "Archivo"]
        if self.fila is not None:
            where.append(f"fila {self.fila}")
        if self.columna:
            where.append(f'columna "{self.columna}"')
        if self.hallazgo:
            found = self.hallazgo
        elif self.valor != "":
            found = f'se encontró "{self.valor}"'
        elif self.fila is not None and self.fila > 1 and self.columna:
            found = "la celda está vacía"
        else:
            found = "no se encontró"
        prefix = "Aviso. " if self.nivel == "aviso" else ""
        return f"{prefix}{', '.join(where)}: {found}; se esperaba {self.esperado}."


@dataclass(frozen=True)
class WorkbookData:
    """The validated content of a workbook."""

    plan: pd.DataFrame | None
    avances: pd.DataFrame
    #: Only the parameters the file's Parámetros sheet sets ({} without the sheet); consumers apply
    #: their own fallbacks (stored values, then ``schema.DEFAULT_THRESHOLDS``).
    parametros: dict[str, float]
    avisos: tuple[Problem, ...]
    #: Sheets present in the file (contract names) → internal names of the columns recognised in
    #: their header row (aliases included), in file order.
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Excel row number of each ``avances`` row (same order): the store names them when it refuses the
    #: rows of a program the uploading account does not coordinate.
    avances_rows: tuple[int, ...] = ()
    #: The Avances rows left out because «Realizado» is empty (each has an aviso of kind
    #: :data:`BLANK_REALIZADO`): clave, anio, trimestre, justificacion, evidencia, fila (Excel row) — the rows
    #: whose Clave, Año and Trimestre are valid.  The store tells «sin reporte» (a template row that had no
    #: report and still has none: no aviso) from a value left blank.
    sin_realizado: pd.DataFrame | None = None


class WorkbookError(Exception):
    """The workbook cannot be used; ``problems`` lists all of the problems found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(p.mensaje for p in self.problems))


_UNREADABLE = "el archivo no se pudo leer como Excel .xlsx"


def _file_problem(valor: str, esperado: str) -> Problem:
    return Problem(hoja="", fila=None, columna=None, valor=valor, esperado=esperado)


# --------------------------------------------------------------------------- cell conversion

_type_of = np.frompyfunc(type, 1, 1)
_NUMERIC_KINDS = frozenset({"floating", "integer", "mixed-integer-float"})


def _cell_text(value: object) -> str:
    """A cell as text, for messages and text columns ('' when empty)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "VERDADERO" if value else "FALSO"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    return str(value).strip()


def _numbers(col: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column → (float64 values, blank mask, bad mask). Numeric-looking text is accepted."""
    n = len(col)
    if n == 0 or infer_dtype(col, skipna=False) in _NUMERIC_KINDS:
        values = col.astype(np.float64)
        bad = ~np.isfinite(values)
        return values, np.zeros(n, dtype=bool), bad
    types = _type_of(col)
    values = np.full(n, np.nan)
    is_num = (types == float) | (types == int)
    values[is_num] = col[is_num].astype(np.float64)
    blank = (types == type(None)) | np.asarray(col == "", dtype=bool)
    is_str = (types == str) & ~blank
    if is_str.any():
        stripped = pd.Series(col[is_str], dtype=object).str.strip()
        empty = (stripped == "").to_numpy(dtype=bool)
        parsed = pd.to_numeric(stripped.where(~empty, None), errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        idx = np.flatnonzero(is_str)
        blank[idx[empty]] = True
        values[idx] = parsed
    bad = ~blank & ~np.isfinite(values)
    values[blank] = np.nan
    return values, blank, bad


def _texts(col: np.ndarray, strip: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Column → (object array of str or None, blank mask).

    Pure-text columns are converted without a per-cell Python call (free text keeps its spaces);
    keys (``strip=True``) are stripped per *distinct* value (factorize), and so are mixed columns
    (numbers, dates → text).
    """
    if not len(col):
        return col.astype(object), np.zeros(0, dtype=bool)
    if infer_dtype(col, skipna=False) == "string" and not strip:
        out = col.copy()
    else:
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        converted = np.array([_cell_text(u) for u in uniques], dtype=object)
        out = converted[codes]
    blank = np.asarray(out == "", dtype=bool)
    out[blank] = None
    return out, blank


def _blank_cells(col: np.ndarray) -> np.ndarray:
    """Blank mask (empty cell) for any column; vectorised."""
    return np.asarray(col == "", dtype=bool)


# --------------------------------------------------------------------------- sheets → tables


@dataclass
class _Table:
    """The recognised columns of one sheet, data rows only, with true Excel row numbers."""

    sheet: str  # contract name ("Avances"), whatever the file's spelling
    raw: dict[str, np.ndarray]  # internal column name → object array (non-empty rows only)
    rows: np.ndarray  # Excel row numbers (int64)
    columns: dict[str, Column]
    #: Formula cells of recognised columns: internal column name → {Excel row: cached result or None}.
    formulas: dict[str, dict[int, bool]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)


class _Collector:
    """Accumulates problems; builds them only for the cells that fail (loop over problems only)."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def cells(
        self,
        table: _Table,
        name: str,
        mask: np.ndarray,
        esperado: str,
        nivel: str = "error",
        valores: Sequence[str] | None = None,
        tipo: str = "",
    ) -> None:
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        header = table.columns[name].header
        raw = table.raw.get(name)
        rows = table.rows[idx]
        for k, i in enumerate(idx):
            valor = valores[k] if valores is not None else (_cell_text(raw[i]) if raw is not None else "")
            self.items.append(Problem(table.sheet, int(rows[k]), header, valor, esperado, nivel, tipo=tipo))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.nivel == "error"]


# Rows are taken from the parser this many at a time: fewer than the cyclic garbage collector's first
# threshold (700 new container objects), so each chunk of row lists is gone before a collection starts.
_CHUNK_ROWS = 256


def _sheet_grid(sheet: object) -> tuple[np.ndarray, int]:
    """The cells of a sheet as a 2-D object array, and the Excel row number of its first row.

    python-calamine gives one Python list per row.  ``to_python()`` keeps all of them alive at once, which
    made the cyclic garbage collector run hundreds of times during a large read — full collections over
    every row included, ~10 % of the read time.  Here the rows are taken in chunks of ``_CHUNK_ROWS``, each
    turned into an array and dropped at once: the lists die before any collection, with no change to the
    collector's process-wide state (a threaded server shares it).
    """
    rows = sheet.iter_rows()  # type: ignore[attr-defined]
    parts: list[np.ndarray] = []
    while chunk := list(islice(rows, _CHUNK_ROWS)):
        part = np.array(chunk, dtype=object)
        if part.ndim != 2:  # ragged rows (not seen with calamine): pad with empty cells
            width = max(len(r) for r in chunk)
            part = np.array([list(r) + [""] * (width - len(r)) for r in chunk], dtype=object)
        parts.append(part)
    if not parts:
        return np.empty((0, 0), dtype=object), 1
    width = max(p.shape[1] for p in parts)
    grid = np.concatenate([p if p.shape[1] == width else
                           np.pad(p, ((0, 0), (0, width - p.shape[1])), constant_values="") for p in parts])
    end = sheet.end  # type: ignore[attr-defined]  # (row, column) of the last cell, 0-based
    # iter_rows starts at the first row of the sheet (leading empty rows included); should it ever start
    # at the first row with data instead, the last row still fixes the numbering.
    first_row = (end[0] + 1 - len(grid) + 1) if end else 1
    return grid, first_row


def _read_table(
    book: object,
    actual_name: str,
    sheet_name: str,
    columns: Sequence[Column],
    limits: Limits,
    out: _Collector,
    zip_source: object = None,
) -> _Table | None:
    """Parse one sheet once; map headers (any case/accents/spaces); drop fully empty rows."""
    from python_calamine import CalamineError

    try:
        sheet = book.get_sheet_by_name(actual_name)  # type: ignore[attr-defined]
        height = int(sheet.height)
        if height - 1 > limits.max_rows:
            out.add(
                Problem(
                    sheet_name,
                    None,
                    None,
                    f"{format_number(height - 1)} filas",
                    f"a lo más {format_number(limits.max_rows)} filas de datos por hoja",
                )
            )
            return None
        data, first_row = _sheet_grid(sheet)
        first_col = sheet.start[1] if sheet.start else 0  # type: ignore[attr-defined]
    except CalamineError:  # the parser's own failures (damaged XML or zip member, …) become a Problem
        out.add(Problem(sheet_name, None, None, "la hoja no se pudo leer", XLSX_EXPECTED))
        return None

    by_header = {schema.normalize_header(c.header): c for c in columns}
    by_header.update({schema.normalize_header(c.name.replace("_", " ")): c for c in columns})
    header_index = next((i for i, r in enumerate(data) if any(_cell_text(v) for v in r)), None)
    if header_index is None:
        return _Table(sheet_name, {}, np.zeros(0, dtype=np.int64), {c.name: c for c in columns})
    header_row = data[header_index]
    header_number = first_row + header_index  # Excel row number of the header
    positions: dict[str, int] = {}
    for j, cell in enumerate(header_row):
        column = by_header.get(schema.normalize_header(_cell_text(cell)))
        if column is None:
            continue  # unknown extra columns are ignored
        if column.name in positions:
            out.add(
                Problem(
                    sheet_name,
                    header_number,
                    column.header,
                    _cell_text(cell),
                    f'una sola columna "{column.header}" (está repetida)',
                )
            )
            continue
        positions[column.name] = j
    for column in columns:
        if column.required and column.name not in positions:
            out.add(
                Problem(
                    sheet_name,
                    header_number,
                    column.header,
                    "",
                    f'una columna con el encabezado "{column.header}" en la fila de encabezados',
                )
            )
    body = data[header_index + 1 :]
    n = len(body)
    if n and positions:
        raw = {name: body[:, j] for name, j in positions.items()}
    else:
        raw = {name: np.zeros(0, dtype=object) for name in positions}
        n = 0
    rows = np.arange(header_number + 1, header_number + 1 + n, dtype=np.int64)
    if n:
        # Narrow the candidate rows column by column: usually the first column ends the search.
        candidates = np.arange(n)
        for col in raw.values():
            candidates = candidates[_blank_cells(col[candidates])]
            if not len(candidates):
                break
        empty = np.zeros(n, dtype=bool)
        empty[candidates] = True
        if empty.any():
            keep = ~empty
            raw = {k: v[keep] for k, v in raw.items()}
            rows = rows[keep]
    formulas: dict[str, dict[int, bool]] = {}
    if zip_source is not None:
        by_position = {first_col + j: name for name, j in positions.items()}
        for cell in formula_cells(zip_source, actual_name):
            name = by_position.get(cell.columna)
            if name is not None and cell.fila > header_number:
                formulas.setdefault(name, {})[cell.fila] = cell.con_valor
    return _Table(sheet_name, raw, rows, {c.name: c for c in columns}, formulas)


FORMULA_WITHOUT_VALUE = "la celda tiene una fórmula sin valor calculado"
FORMULA_FIX = "el resultado guardado de la fórmula: abra y guarde el archivo en Excel y vuelva a subirlo"


def _formula_problems(tables: Sequence[_Table], out: _Collector) -> None:
    """Formula cells of the recognised columns: without a stored result → an error that replaces whatever
    the empty cell would have caused («vacía», row omitted…); with one → an aviso (its result was used)."""
    for table in tables:
        for name, cells in table.formulas.items():
            header = table.columns[name].header
            missing = {row for row, has_value in cells.items() if not has_value}
            if missing:
                out.items = [p for p in out.items
                             if not (p.hoja == table.sheet and p.columna == header and p.fila in missing)]
            for row in sorted(cells):
                if row in missing:
                    out.add(Problem(table.sheet, row, header, "", FORMULA_FIX, hallazgo=FORMULA_WITHOUT_VALUE,
                                    tipo="formula_sin_valor"))
                else:
                    out.add(Problem(table.sheet, row, header, "",
                                    "un valor escrito; se usó el resultado de la fórmula tal como lo muestra "
                                    "Excel", nivel="aviso", hallazgo="la celda tiene una fórmula",
                                    tipo="formula_con_valor"))


# --------------------------------------------------------------------------- column validators


def _number_column(
    table: _Table, name: str, out: _Collector, esperado: str = "un número"
) -> tuple[np.ndarray, np.ndarray]:
    col = table.raw.get(name)
    if col is None:
        n = len(table)
        return np.full(n, np.nan), np.ones(n, dtype=bool)
    values, blank, bad = _numbers(col)
    out.cells(table, name, bad, esperado)
    values = values.copy()
    values[bad] = np.nan
    return values, blank | bad


def _year_column(table: _Table, out: _Collector) -> tuple[np.ndarray, np.ndarray]:
    """Año: an integer 2000–2100. Returns (int64 values, invalid mask)."""
    col = table.raw.get("anio")
    n = len(table)
    if col is None:
        return np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)
    values, blank, bad = _numbers(col)
    with np.errstate(invalid="ignore"):
        ok = ~blank & ~bad & (values == np.floor(values)) & (values >= 2000) & (values <= 2100)
    out.cells(table, "anio", ~ok, "un año entero de cuatro cifras (por ejemplo 2023)")
    return np.where(ok, values, 0).astype(np.int64), ~ok


def _text_column(table: _Table, name: str, out: _Collector, required_value: bool = False) -> np.ndarray:
    """Text column; keys (``required_value``) are stripped and must not be blank."""
    col = table.raw.get(name)
    if col is None:
        return np.full(len(table), None, dtype=object)
    values, blank = _texts(col, strip=required_value)
    if required_value:
        out.cells(table, name, blank, f'un valor en "{table.columns[name].header}"')
    return values


def _enum_aliases(canonical: Sequence[str], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for value in canonical:
        key = schema.normalize_header(value)
        aliases[key] = value
        aliases[key.replace("_", " ")] = value
        aliases[key.replace(" ", "_")] = value
    for alias, value in (extra or {}).items():
        aliases[schema.normalize_header(alias)] = value
    return aliases


_ENUMS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "tipo_calculo": (
        schema.TIPOS_CALCULO,
        _enum_aliases(schema.TIPOS_CALCULO, {alias: TipoCalculo.ANIO_ANTERIOR.value
                                             for alias in ("ano_anterior", "año anterior")}),
    ),
    "acumulacion": (schema.ACUMULACIONES, _enum_aliases(schema.ACUMULACIONES)),
    "sentido": (schema.SENTIDOS, _enum_aliases(schema.SENTIDOS)),
}


def _enum_column(table: _Table, name: str, out: _Collector) -> np.ndarray:
    """Any case/accents accepted; canonical spelling stored. Blank or unknown → error."""
    canonical, aliases = _ENUMS[name]
    col = table.raw.get(name)
    if col is None:
        return np.full(len(table), None, dtype=object)
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    mapped = np.array(
        [aliases.get(schema.normalize_header(_cell_text(u))) for u in uniques] + [None], dtype=object
    )
    values = mapped[codes] if len(codes) else np.zeros(0, dtype=object)
    bad = np.array([m is None for m in mapped], dtype=bool)[codes] if len(codes) else np.zeros(0, dtype=bool)
    options = ", ".join(canonical)
    out.cells(table, name, bad, f"uno de: {options}")
    return values


def _quarter_column(table: _Table, out: _Collector) -> tuple[np.ndarray, np.ndarray]:
    col = table.raw.get("trimestre")
    n = len(table)
    if col is None:
        return np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)
    if n and infer_dtype(col, skipna=False) in _NUMERIC_KINDS:  # fast path: plain numbers 1–4
        numbers = col.astype(np.float64)
        ok = np.isin(numbers, (1.0, 2.0, 3.0, 4.0))
        values = np.where(ok, numbers, 0).astype(np.int64)
    else:
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        parsed = np.array(
            [schema.parse_quarter(_quarter_input(u)) or 0 for u in uniques] + [0], dtype=np.int64
        )
        values = parsed[codes] if len(codes) else np.zeros(0, dtype=np.int64)
    bad = values == 0
    out.cells(table, "trimestre", bad, "un trimestre: 1 a 4, T1 a T4 o Marzo, Junio, Septiembre, Diciembre")
    return values, bad


def _quarter_input(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _int_keys(claves: np.ndarray, *parts: np.ndarray) -> np.ndarray:
    """Encode (clave, anio[, trimestre]) as one int64 per row (-1 when the clave is empty)."""
    codes, _ = pd.factorize(claves)  # None → -1
    key = codes.astype(np.int64)
    for part in parts:
        key = key * 1024 + (np.asarray(part, dtype=np.int64) % 1024)
    return np.where(codes < 0, -1, key)


def _duplicates(
    table: _Table, keys: dict[str, np.ndarray], valid: np.ndarray, out: _Collector, what: str
) -> np.ndarray:
    """Mark and report every repetition (after the first) of the key among valid rows."""
    n = len(table)
    dup = np.zeros(n, dtype=bool)
    if not n:
        return dup
    columns = list(keys.values())
    encoded = _int_keys(columns[0], *columns[1:])
    valid_idx = np.flatnonzero(valid)
    sub = pd.Series(encoded[valid_idx])
    mask = sub.duplicated(keep="first").to_numpy()
    if not mask.any():
        return dup
    # Loop only over the rows involved in a repetition to find each key's first row.
    involved = sub.duplicated(keep=False).to_numpy()
    first_row: dict[int, int] = {}
    for key, row in zip(sub.to_numpy()[involved].tolist(), table.rows[valid_idx][involved].tolist()):
        first_row.setdefault(key, row)
    idx = valid_idx[mask]
    dup[idx] = True
    header = table.columns["clave"].header
    for i in idx:
        valor = " / ".join(str(keys[c][i]) for c in keys)
        out.add(
            Problem(
                table.sheet,
                int(table.rows[i]),
                header,
                valor,
                f"una sola fila por {what} (ya aparece en la fila {first_row[int(encoded[i])]})",
            )
        )
    return dup


# --------------------------------------------------------------------------- sheets


def _plan_frame(table: _Table, out: _Collector) -> pd.DataFrame:
    n = len(table)
    clave = _text_column(table, "clave", out, required_value=True)
    anio, anio_bad = _year_column(table, out)
    data: dict[str, object] = {}
    for column in schema.PLAN_COLUMNS:
        name = column.name
        if name == "clave":
            data[name] = clave
        elif name == "anio":
            data[name] = anio
        elif name in _ENUMS:
            data[name] = _enum_column(table, name, out)
        elif column.kind == "number":
            # Metas, calendar and thresholds are amounts/percentages: never negative.
            values = _number_column(table, name, out)[0]
            with np.errstate(invalid="ignore"):
                out.cells(table, name, values < 0, "un número mayor o igual a 0")
            data[name] = values
        else:
            data[name] = _text_column(table, name, out)
    thresholds = np.column_stack([data[c] for c in schema.THRESHOLD_COLUMNS]) if n else None
    if thresholds is not None:
        filled = ~np.isnan(thresholds)
        complete = filled.all(axis=1)
        headers = {c.name: c.header for c in schema.PLAN_COLUMNS}
        for i in np.flatnonzero(filled.any(axis=1) & ~complete):  # 1–3 of the 4: aviso per row
            missing = [headers[c] for c, f in zip(schema.THRESHOLD_COLUMNS, filled[i]) if not f]
            out.add(
                Problem(
                    table.sheet,
                    int(table.rows[i]),
                    missing[0],
                    f"{int(filled[i].sum())} de 4 umbrales capturados (faltan: {', '.join(missing)})",
                    "los cuatro umbrales de la fila (Verde mín, Verde máx, Amarillo mín, Amarillo máx) "
                    "o ninguno; la fila usará los umbrales de la hoja «Parámetros»",
                    nivel="aviso",
                )
            )
        disordered = complete & ~semaforo.is_ordered(*thresholds.T)  # columns in THRESHOLD_COLUMNS order
        out.cells(
            table,
            "verde_min",
            disordered,
            "umbrales ordenados: Amarillo mín ≤ Verde mín ≤ Verde máx ≤ Amarillo máx",
            valores=[
                f"{a:g} / {b:g} / {c:g} / {d:g}"
                for a, b, c, d in thresholds[disordered][:, [2, 0, 1, 3]]
            ],
        )
    valid = (clave != None) & ~anio_bad  # noqa: E711 - elementwise
    _duplicates(table, {"clave": clave, "anio": anio}, np.asarray(valid, dtype=bool), out, "Clave y Año")
    frame = pd.DataFrame(
        {
            name: (pd.Series(values, dtype=object) if np.asarray(values).dtype == object else values)
            for name, values in data.items()
        }
    )
    return frame


_Keys = tuple[np.ndarray, np.ndarray]  # (claves as object array, years as int64)


def _plan_keys(plan: pd.DataFrame | None) -> _Keys:
    """The (clave, anio) pairs of a plan, as arrays (empty arrays for no plan)."""
    if plan is None or not len(plan):
        return np.zeros(0, dtype=object), np.zeros(0, dtype=np.int64)
    claves = plan["clave"].to_numpy(dtype=object, na_value=None)
    years = pd.to_numeric(plan["anio"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ok = np.asarray(pd.notna(claves), dtype=bool) & np.isfinite(years)
    stripped = np.array([str(v).strip() for v in claves[ok]], dtype=object)
    return stripped, years[ok].astype(np.int64)


#: :attr:`Problem.tipo` of the aviso «Realizado vacío: la fila se omitió».
BLANK_REALIZADO = "realizado_vacio"
#: The avances a template held (see :func:`read_workbook`), or a function returning them.
BaseAvances = pd.DataFrame | Callable[[], pd.DataFrame | None] | None


def _no_report(
    blank: np.ndarray,
    keys: tuple[np.ndarray, np.ndarray, np.ndarray],
    texts: tuple[np.ndarray, np.ndarray],
    base: pd.DataFrame,
) -> np.ndarray:
    """Among the ``blank`` rows (empty Realizado), those that simply have no report: the template's ``base``
    had no Realizado for that Clave, Año and Trimestre either, and the row carries no Justificación or
    Evidencia.  Loops over the blank rows only."""
    reported = base.loc[base["realizado"].notna(), ["clave", "anio", "trimestre"]]
    known = {(str(c), int(a), int(t)) for c, a, t in reported.itertuples(index=False)}
    clave, anio, trimestre = keys
    out = np.zeros(len(blank), dtype=bool)
    for i in np.flatnonzero(blank):
        if clave[i] is None or any(t[i] is not None and str(t[i]).strip() for t in texts):
            continue
        out[i] = (str(clave[i]), int(anio[i]), int(trimestre[i])) not in known
    return out


def _avances_frame(
    table: _Table,
    out: _Collector,
    reference: _Keys | None,
    reference_label: str,
    base: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Avances rows that count (with their Excel row in ``fila``), and the rows left out for an empty
    Realizado whose Clave, Año and Trimestre are valid (:attr:`WorkbookData.sin_realizado`).  ``base``: the
    avances of the template the file was made from (see :func:`read_workbook`)."""
    clave = _text_column(table, "clave", out, required_value=True)
    anio, anio_bad = _year_column(table, out)
    trimestre, trimestre_bad = _quarter_column(table, out)
    if "realizado" in table.raw:
        realizado, realizado_blank, bad_number = _numbers(table.raw["realizado"])
        negative = ~realizado_blank & ~bad_number & (realizado < 0)
        out.cells(table, "realizado", bad_number, "un número mayor o igual a 0 (sin texto)")
        out.cells(table, "realizado", negative, "un número mayor o igual a 0")
    else:
        realizado = np.full(len(table), np.nan)
        realizado_blank = np.zeros(len(table), dtype=bool)
    justificacion = _text_column(table, "justificacion", out)
    evidencia = _text_column(table, "evidencia", out)
    key_valid = np.asarray(clave != None, dtype=bool) & ~anio_bad  # noqa: E711
    blank_aviso = realizado_blank
    if base is not None and realizado_blank.any():  # a template's row without a report: «sin reporte»
        blank_aviso = realizado_blank & ~_no_report(realizado_blank & key_valid & ~trimestre_bad,
                                                    (clave, anio, trimestre), (justificacion, evidencia), base)
    out.cells(
        table,
        "realizado",
        blank_aviso,
        "un número; la fila se omitió (un Realizado vacío no se cuenta como 0)",
        nivel="aviso",
        tipo=BLANK_REALIZADO,
    )
    if reference is not None and len(table) and "clave" in table.raw and "anio" in table.raw:
        ref_claves, ref_years = reference
        m = len(ref_claves)
        # A row of year y is valid when its Clave is planned for y, or for y + 1: the actuals of the
        # previous year are the línea base of the next plan year (no plan row for y is needed).
        n = len(clave)
        encoded = _int_keys(
            np.concatenate([ref_claves, clave, clave]), np.concatenate([ref_years, anio, anio + 1])
        )
        found = np.isin(encoded[m : m + n], encoded[:m]) | np.isin(encoded[m + n :], encoded[:m])
        wildcard = ref_years == 0  # plan rows whose Año is invalid (already reported): no cascade
        if wildcard.any():
            found |= pd.Series(clave, dtype=object).isin(ref_claves[wildcard]).to_numpy(dtype=bool)
        idx = np.flatnonzero(key_valid & ~found)
        for i in idx:
            out.add(
                Problem(
                    table.sheet,
                    int(table.rows[i]),
                    table.columns["clave"].header,
                    str(clave[i]),
                    f"una Clave que exista en {reference_label} para el año {int(anio[i])} "
                    f"(o para {int(anio[i]) + 1}, si la fila es la línea base de ese año)",
                )
            )
    # Blank Realizado rows are dropped: duplicates are judged among the rows that count.
    dup_valid = key_valid & ~trimestre_bad & ~realizado_blank
    _duplicates(
        table,
        {"clave": clave, "anio": anio, "trimestre": trimestre},
        dup_valid,
        out,
        "Clave, Año y Trimestre",
    )
    keep = ~realizado_blank
    counted = pd.DataFrame(
        {
            "clave": pd.Series(clave[keep], dtype=object),
            "anio": anio[keep],
            "trimestre": trimestre[keep],
            "realizado": realizado[keep].astype(np.float64),
            "justificacion": pd.Series(justificacion[keep], dtype=object),
            "evidencia": pd.Series(evidencia[keep], dtype=object),
            "fila": table.rows[keep],
        }
    )
    blank = realizado_blank & key_valid & ~trimestre_bad
    left_out = pd.DataFrame(
        {
            "clave": pd.Series(clave[blank], dtype=object),
            "anio": anio[blank].astype(np.int64),
            "trimestre": trimestre[blank].astype(np.int64),
            "justificacion": pd.Series(justificacion[blank], dtype=object),
            "evidencia": pd.Series(evidencia[blank], dtype=object),
            "fila": table.rows[blank].astype(np.int64),
        }
    )
    return counted, left_out


KNOWN_PARAMETERS: tuple[str, ...] = (*schema.DEFAULT_THRESHOLDS, schema.ILLUSTRATIVE_FLAG)


def _parameter_key(value: str) -> str:
    folded = schema.normalize_header(value)
    for column in schema.PLAN_COLUMNS:
        if column.name in schema.THRESHOLD_COLUMNS and schema.normalize_header(column.header) == folded:
            return column.name
    return folded.replace(" ", "_")


def _parametros(
    table: _Table, out: _Collector, known: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Only the parameters the sheet sets (a partial sheet must not reset the others).

    The threshold order is checked on the merged values: the file's over ``known`` (the stored
    parámetros of an upload) over ``schema.DEFAULT_THRESHOLDS``.
    """
    params: dict[str, float] = {}
    names = _text_column(table, "parametro", out, required_value=True)
    values, blank = _number_column(table, "valor", out)
    if "valor" in table.raw:
        raw_blank = _numbers(table.raw["valor"])[1]
        out.cells(table, "valor", raw_blank & (names != None), "un número")  # noqa: E711
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name is None:
            continue
        key = _parameter_key(name)
        if key in seen:
            out.add(
                Problem(
                    table.sheet,
                    int(table.rows[i]),
                    table.columns["parametro"].header,
                    name,
                    f"un solo renglón por parámetro (ya aparece en la fila {seen[key]})",
                )
            )
            continue
        seen[key] = int(table.rows[i])
        if key not in KNOWN_PARAMETERS:  # probably a typo ("verde_mim"): kept, but say so
            out.add(
                Problem(
                    table.sheet,
                    int(table.rows[i]),
                    table.columns["parametro"].header,
                    name,
                    f"uno de: {', '.join(KNOWN_PARAMETERS)} "
                    "(el parámetro se conserva pero el tablero no lo usa)",
                    nivel="aviso",
                )
            )
        if not blank[i]:
            if key in schema.DEFAULT_THRESHOLDS and values[i] < 0:
                out.add(
                    Problem(
                        table.sheet,
                        int(table.rows[i]),
                        table.columns["valor"].header,
                        _cell_text(table.raw["valor"][i]),
                        "un número mayor o igual a 0",
                    )
                )
            params[key] = float(values[i])
    merged = semaforo.threshold_values({**(known or {}), **params})
    if not semaforo.is_ordered(**merged):
        out.add(
            Problem(
                table.sheet,
                None,
                table.columns["valor"].header,
                semaforo.order_text(merged),
                semaforo.ORDER_RULE,
            )
        )
    return params


# --------------------------------------------------------------------------- entry points


def _sheet_lookup(names: Sequence[str]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for name in names:
        lookup.setdefault(schema.normalize_header(name), name)
    return lookup


_SHEET_ORDER = {schema.SHEET_PLAN: 1, schema.SHEET_AVANCES: 2, schema.SHEET_PARAMETROS: 3}


def _sort_key(problem: Problem) -> tuple[int, int, int]:
    sheet = _SHEET_ORDER.get(problem.hoja, 9) if problem.hoja else 0
    return (sheet, problem.fila or 0, 0 if problem.nivel == "error" else 1)


def _read(
    source: Source,
    known_plan: pd.DataFrame | None,
    limits: Limits,
    known_parametros: Mapping[str, float] | None = None,
    base: BaseAvances = None,
) -> tuple[WorkbookData | None, list[Problem]]:
    opened = open_source(source)
    if not isinstance(opened, Opened):
        return None, [_file_problem(*opened)]
    findings = check_container(opened, limits)
    if findings:
        return None, [_file_problem(*finding) for finding in findings]

    from python_calamine import CalamineError, CalamineWorkbook

    try:
        if isinstance(opened.book_source, Path):
            book = CalamineWorkbook.from_path(str(opened.book_source))
        else:
            book = CalamineWorkbook.from_filelike(opened.book_source)
    except (CalamineError, OSError):  # the parser's own failures (or the file vanished) become a Problem
        return None, [_file_problem(_UNREADABLE, XLSX_EXPECTED)]
    with book:  # closes the file whatever happens
        return _read_book(book, known_plan, limits, known_parametros, opened.zip_source, base)


# Sheets of the dashboard's own downloads (mpi_dash.exports) and of `report`: such a file is recognised and
# the person is sent to the template.  tests/test_workbook.py builds each download to keep these in step.
OWN_DOWNLOADS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"resumen", "notas"}), "la descarga «Excel con formato» del tablero"),
    (frozenset({"indicadores de resultados"}), "la descarga en formato SIPOT del tablero"),
    (frozenset({"informe"}), "un informe de la línea de comandos (report)"),
)
USE_TEMPLATE = ("la plantilla de avances: descárguela en la página «Cargar avances» (o con «python -m mpi_dash "
                "plantilla»), llénela y súbala")
#: Sheets that are documentation, not data: the template's «Instrucciones» and hidden «Base», the plan
#: workbook's «Léame» (never read, never warned about).
TEMPLATE_SHEETS = frozenset({"instrucciones", "base", "leame"})


def _own_download(sheet_names: Sequence[str]) -> str | None:
    names = {schema.normalize_header(n) for n in sheet_names}
    for needed, what in OWN_DOWNLOADS:
        if needed <= names:
            return what
    return None


def _read_book(
    book: object,
    known_plan: pd.DataFrame | None,
    limits: Limits,
    known_parametros: Mapping[str, float] | None,
    zip_source: object = None,
    base: BaseAvances = None,
) -> tuple[WorkbookData | None, list[Problem]]:
    out = _Collector()
    sheet_names = list(book.sheet_names)  # type: ignore[attr-defined]
    lookup = _sheet_lookup(sheet_names)
    found = ", ".join(sheet_names)
    contract = {schema.normalize_header(n) for n in (schema.SHEET_PLAN, schema.SHEET_AVANCES,
                                                     schema.SHEET_PARAMETROS)}
    if not contract & set(lookup):
        download = _own_download(sheet_names)
        if download is not None:
            return None, [Problem("", None, None, "", USE_TEMPLATE, hallazgo=f"el archivo es {download}, "
                                  "no una carga de datos")]
    for name in sheet_names:
        folded = schema.normalize_header(name)
        if folded not in contract and folded not in TEMPLATE_SHEETS:
            out.add(Problem("", None, None, name, 'que los datos vengan en las hojas "Plan", "Avances" o '
                            '"Parámetros", las únicas que se leen (si esa hoja trae avances, cámbiele el nombre '
                            'a "Avances")', nivel="aviso", hallazgo=f'se ignoró la hoja "{name}"',
                            tipo="hoja_ignorada"))

    def resolve(wanted: str, required: bool) -> str | None:
        actual = lookup.get(schema.normalize_header(wanted))
        if actual is None and required:
            out.add(Problem(wanted, None, None, found, f'una hoja llamada "{wanted}"'))
        return actual

    plan_name = resolve(schema.SHEET_PLAN, required=known_plan is None)
    # An upload (known plan given) may carry only a Plan sheet: Avances is then optional.
    avances_name = resolve(schema.SHEET_AVANCES, required=known_plan is None or plan_name is None)
    param_name = resolve(schema.SHEET_PARAMETROS, required=False)

    # Problems name the sheet by its contract name ("Avances") even when spelled " AVANCES ".
    plan_table = (
        _read_table(book, plan_name, schema.SHEET_PLAN, schema.PLAN_COLUMNS, limits, out, zip_source)
        if plan_name
        else None
    )
    avances_table = (
        _read_table(book, avances_name, schema.SHEET_AVANCES, schema.AVANCES_COLUMNS, limits, out, zip_source)
        if avances_name
        else None
    )
    param_table = (
        _read_table(book, param_name, schema.SHEET_PARAMETROS, schema.PARAMETROS_COLUMNS, limits, out,
                    zip_source)
        if param_name
        else None
    )
    tables = [t for t in (plan_table, avances_table) if t is not None]
    if tables and all(len(t) == 0 for t in tables) and not out.errors:
        out.add(
            _file_problem(
                "un libro sin filas de datos",
                'al menos una fila de datos en la hoja "Plan" o en la hoja "Avances"',
            )
        )

    plan = _plan_frame(plan_table, out) if plan_table is not None else None
    if plan is not None:
        ref_claves, ref_years = _plan_keys(plan)
        label = 'la hoja "Plan"'
        if known_plan is not None:
            # Uploads upsert Plan rows by (Clave, Año): the stored rows the file does not repeat stay,
            # so the claves are checked against the stored plan ∪ the file's plan.
            old_claves, old_years = _plan_keys(known_plan)
            ref_claves = np.concatenate([ref_claves, old_claves])
            ref_years = np.concatenate([ref_years, old_years])
            label = 'la hoja "Plan" o en el plan vigente'
        reference: _Keys | None = (ref_claves, ref_years)
    elif known_plan is not None:
        reference, label = _plan_keys(known_plan), "el plan vigente"
    else:
        reference, label = None, ""
    sin_realizado = None
    if avances_table is not None:
        if callable(base):  # read only now: the container was checked (size, zip bomb, macros)
            base = base()
        avances, sin_realizado = _avances_frame(avances_table, out, reference, label, base)
        avances_rows = tuple(int(r) for r in avances.pop("fila"))
    else:
        avances, avances_rows = _empty_avances(), ()
    parametros = _parametros(param_table, out, known_parametros) if param_table is not None else {}
    _formula_problems([t for t in (plan_table, avances_table, param_table) if t is not None], out)
    problems = sorted(out.items, key=_sort_key)
    if any(p.nivel == "error" for p in problems):
        return None, problems
    avisos = tuple(p for p in problems if p.nivel == "aviso")
    columns = {
        t.sheet: tuple(t.raw) for t in (plan_table, avances_table, param_table) if t is not None
    }
    data = WorkbookData(plan=plan, avances=avances, parametros=parametros, avisos=avisos, columns=columns,
                        avances_rows=avances_rows, sin_realizado=sin_realizado)
    return data, problems


def _empty_avances() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "clave": pd.Series([], dtype=object),
            "anio": np.zeros(0, dtype=np.int64),
            "trimestre": np.zeros(0, dtype=np.int64),
            "realizado": np.zeros(0, dtype=np.float64),
            "justificacion": pd.Series([], dtype=object),
            "evidencia": pd.Series([], dtype=object),
        }
    )


def read_workbook(
    source: Source,
    *,
    known_plan: pd.DataFrame | None = None,
    limits: Limits = DEFAULT_LIMITS,
    known_parametros: Mapping[str, float] | None = None,
    base: BaseAvances = None,
) -> WorkbookData:
    """Read and validate a workbook; raise :class:`WorkbookError` with every problem found.

    ``source`` is a path or the file's bytes.  When the ``Plan`` sheet is absent, ``known_plan``
    (the current plan) is required and the ``Avances`` keys are checked against it; with both, they
    are checked against the file's Plan ∪ ``known_plan`` (uploads upsert Plan rows by key), and the
    ``Avances`` sheet may be absent.  An Avances row of year y is valid when its Clave is planned for
    y or y + 1 (the previous year's actuals are the línea base).  ``known_parametros`` (the stored
    parámetros) only serves to check the threshold order of a partial Parámetros sheet.

    ``base``: the avances the upload's template held (``template.read_template_base``), when the file is a
    template — or a function returning them (or None), called once the file's container has been checked.
    An empty Realizado in a row that had no Realizado in the base either and carries no Justificación or
    Evidencia means «sin reporte»: no aviso (a template downloaded and uploaded back untouched says nothing
    about its rows without a report).  A Realizado emptied where the base had one, or
    texts without a Realizado, keep the aviso «la fila se omitió»; text in Realizado stays an error.
    """
    data, problems = _read(source, known_plan, limits, known_parametros, base)
    if data is None:
        raise WorkbookError(problems)
    return data


def validate_workbook(
    source: Source,
    *,
    known_plan: pd.DataFrame | None = None,
    limits: Limits = DEFAULT_LIMITS,
    known_parametros: Mapping[str, float] | None = None,
    base: BaseAvances = None,
) -> list[Problem]:
    """Every problem of a workbook: errors and *avisos* (empty list = valid, nothing to report); ``base`` as
    in :func:`read_workbook`."""
    return _read(source, known_plan, limits, known_parametros, base)[1]


PROBLEM_COLUMNS = ("nivel", "hoja", "fila", "columna", "valor", "esperado", "mensaje")


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table: nivel, hoja, fila, columna, valor, esperado, mensaje."""
    items = list(problems)
    return pd.DataFrame(
        {
            "nivel": pd.Series([p.nivel for p in items], dtype=object),
            "hoja": pd.Series([p.hoja for p in items], dtype=object),
            "fila": pd.array([p.fila for p in items], dtype="Int64"),
            "columna": pd.Series([p.columna for p in items], dtype=object),
            "valor": pd.Series([p.valor for p in items], dtype=object),
            "esperado": pd.Series([p.esperado for p in items], dtype=object),
            "mensaje": pd.Series([p.mensaje for p in items], dtype=object),
        },
        columns=list(PROBLEM_COLUMNS),
    )


# --------------------------------------------------------------------------- long lists of problems
GROUP_SAMPLE = 5  # values and rows named in a group's line


@dataclass(frozen=True)
class ProblemGroup:
    """Problems of the same kind, sheet and column (one line instead of thousands)."""

    problems: tuple[Problem, ...]

    @property
    def first(self) -> Problem:
        return self.problems[0]

    def __len__(self) -> int:
        return len(self.problems)

    @property
    def filas(self) -> str:
        """The rows in words: «fila 7», «filas 2–10,001» (a run), «filas 2, 5, 9, … y 96 más»."""
        rows = [p.fila for p in self.problems if p.fila is not None]
        if not rows:
            return ""
        if len(rows) == 1:
            return f"fila {rows[0]}"
        if rows == list(range(rows[0], rows[0] + len(rows))):
            return f"filas {rows[0]:,}–{rows[-1]:,}"
        shown = ", ".join(f"{r:,}" for r in rows[:GROUP_SAMPLE])
        more = f" y {len(rows) - GROUP_SAMPLE:,} más" if len(rows) > GROUP_SAMPLE else ""
        return f"filas {shown}{more}"

    @property
    def valores(self) -> str:
        """The distinct values found, the first few: «P0, P1, P2, P3, P4, …»."""
        seen = list(dict.fromkeys(p.hallazgo or p.valor for p in self.problems if (p.hallazgo or p.valor)))
        if not seen:
            return ""
        return ", ".join(seen[:GROUP_SAMPLE]) + (", …" if len(seen) > GROUP_SAMPLE else "")

    @property
    def mensaje(self) -> str:
        """One Spanish line: the single problem's message, or the count, rows and first values of many."""
        if len(self.problems) == 1:
            return self.first.mensaje
        p = self.first
        where = [f'Hoja "{p.hoja}"' if p.hoja else "Archivo"]
        if p.columna:
            where.append(f'columna "{p.columna}"')
        found = f"; se encontró: {self.valores}" if self.valores else ""
        prefix = "Aviso. " if p.nivel == "aviso" else ""
        return (f"{prefix}{', '.join(where)}: {len(self.problems):,} filas con el mismo problema ({self.filas})"
                f"{found}; se esperaba {p.esperado}.")


def group_problems(problems: Iterable[Problem]) -> list[ProblemGroup]:
    """Problems grouped by level, sheet, column and kind (what was expected), in order of first appearance."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        key = (p.nivel, p.hoja, p.columna, p.tipo or p.esperado) if p.fila is not None else (id(p),)
        groups.setdefault(key, []).append(p)
    return [ProblemGroup(tuple(items)) for items in groups.values()]


GROUP_HEADERS: tuple[str, ...] = ("Hoja", "Columna", "Filas", "Cuántas", "Se encontró", "Qué se esperaba")


def problem_groups_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """:func:`group_problems` as a Spanish table (one row per group: the page's view of a long list)."""
    rows = [(g.first.hoja or "(archivo)", g.first.columna or "—", g.filas or "—", f"{len(g):,}",
             g.valores or "—", g.first.esperado) for g in group_problems(problems)]
    return pd.DataFrame(rows, columns=list(GROUP_HEADERS), dtype=object)
