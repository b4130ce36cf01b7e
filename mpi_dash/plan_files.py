"""Build a plan workbook (Plan, Avances, Parámetros, Léame) from the plan's plain text files.

The content of a plan lives in one folder per year (``data/plan_2023/``), in files a person can
edit in a text editor or a spreadsheet; the workbook is generated from them:

    python -m mpi_dash.plan_files data/plan_2023 -o data/plan_2023.xlsx     (or: make plan)

Files of a plan folder (CSV: UTF-8, with or without BOM, comma-separated, first line = headers
written as in the workbook, in any order, case and accents ignored; TOML: read with ``tomllib``):

* ``plan.toml``        ``anio`` (the Año of every Plan row) and ``[programas]`` (program number →
                       heading; the number is the first segment of a Clave).
* ``acciones.csv``     one line per action, in plan order: Clave, Objetivo, Acción, Origen
                       («Ficha técnica» or «Solo cronograma»).
* ``indicadores.csv``  one line per action: Clave, Meta anual, Meta ajustada, Tipo de cálculo,
                       Acumulación, Frecuencia, Sentido, Programado T1–T4, the four thresholds, Notas.
* ``fichas.toml``      one ``["clave"]`` table per action with the long ficha texts (``meta_texto``,
                       ``indicador``, ``dimension``, ``definicion``, ``metodo_calculo``,
                       ``unidad_medida``, ``linea_base``, ``responsables``, ``fuente_informacion``);
                       required for every «Ficha técnica» action.
* ``avances.csv``      the Avances sheet as is (Clave, Año, Trimestre, Realizado, Justificación,
                       Evidencia).
* ``parametros.csv``   the Parámetros sheet as is (Parámetro, Valor, Descripción).
* ``leame.toml``       the Léame sheet: ``[[fila]]`` tables with ``hoja``, ``columna``,
                       ``descripcion``, ``valores`` (absent = empty).

The builder only checks what it needs to assemble the sheets (files, headers, claves shared by the
files, numbers); every rule of the workbook contract is then checked by the one reader
(:func:`mpi_dash.workbook.validate_workbook`) on the built bytes, and its problems are reported at
the file, line and column they came from.  Nothing is written when there is an error.  The output
is deterministic: the same files always give the same bytes (fixed zip and document dates).

API: :func:`read_plan_folder` (→ :class:`PlanContent`), :func:`workbook_bytes`,
:func:`build_plan` (read + build + validate + write), :func:`main` (the command line).
"""

from __future__ import annotations

import csv
import io
import re
import sys
import tomllib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mpi_dash import schema

if TYPE_CHECKING:
    from mpi_dash.workbook import Problem

PLAN_TOML = "plan.toml"
ACCIONES_CSV = "acciones.csv"
INDICADORES_CSV = "indicadores.csv"
FICHAS_TOML = "fichas.toml"
AVANCES_CSV = "avances.csv"
PARAMETROS_CSV = "parametros.csv"
LEAME_TOML = "leame.toml"
FILES = (PLAN_TOML, ACCIONES_CSV, INDICADORES_CSV, FICHAS_TOML, AVANCES_CSV, PARAMETROS_CSV, LEAME_TOML)

ORIGEN_FICHA = "Ficha técnica"
ORIGEN_CRONOGRAMA = "Solo cronograma"

# Which file holds each Plan column (internal names); together they are exactly schema.PLAN_COLUMNS.
PLAN_TOML_FIELDS = ("anio", "programa")
ACCIONES_FIELDS = ("clave", "objetivo", "accion", "origen")
INDICADORES_FIELDS = (
    "clave",
    "meta_anual",
    "meta_ajustada",
    "tipo_calculo",
    "acumulacion",
    "frecuencia",
    "sentido",
    *schema.PROGRAMADO_COLUMNS,
    *schema.THRESHOLD_COLUMNS,
    "notas",
)
FICHA_FIELDS = (
    "meta_texto",
    "indicador",
    "dimension",
    "definicion",
    "metodo_calculo",
    "unidad_medida",
    "linea_base",
    "responsables",
    "fuente_informacion",
)
LEAME_FIELDS = ("hoja", "columna", "descripcion", "valores")
LEAME_HEADERS = ("Hoja", "Columna", "Descripción", "Valores permitidos")

_PLAN_BY_NAME = {column.name: column for column in schema.PLAN_COLUMNS}
_FORMULA_STARTS = ("=", "+", "-", "@")


# --------------------------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FileProblem:
    """One problem of a plan folder: file, place in it, value found and what was expected."""

    archivo: str
    donde: str  # e.g. 'línea 5, columna "Meta anual"' or 'sección ["1.1.1"]' ("" = the whole file)
    valor: str
    esperado: str
    nivel: str = "error"

    @property
    def mensaje(self) -> str:
        where = f'Archivo "{self.archivo}"' + (f", {self.donde}" if self.donde else "")
        if self.valor != "":
            found = f'se encontró "{self.valor}"'
        else:
            found = "la celda está vacía" if "columna" in self.donde else "no se encontró"
        prefix = "Aviso. " if self.nivel == "aviso" else ""
        return f"{prefix}{where}: {found}; se esperaba {self.esperado}."


class PlanFilesError(Exception):
    """The plan folder cannot be built; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[FileProblem]):
        self.problems: tuple[FileProblem, ...] = tuple(problems)
        super().__init__("\n".join(p.mensaje for p in self.problems))


def _at_line(line: int, header: str | None = None) -> str:
    return f"línea {line}" + (f', columna "{header}"' if header else "")


def _at_key(section: str | None, key: str | None = None) -> str:
    """Place in a TOML file: ``section`` as written there (``["1.1.1"]``, ``[programas]``), then the key."""
    parts = [f"sección {section}"] if section else []
    if key:
        parts.append(f'campo "{key}"')
    return ", ".join(parts)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowOrigin:
    """Where a row of a built sheet came from: its line in each CSV file, and its Clave."""

    lines: dict[str, int]
    clave: str = ""


@dataclass(frozen=True)
class PlanContent:
    """The content of a plan folder, ready to be written (values keyed by internal column names)."""

    anio: int
    plan: tuple[dict[str, Any], ...]
    avances: tuple[dict[str, Any], ...]
    parametros: tuple[dict[str, Any], ...]
    leame: tuple[tuple[str, ...], ...]
    #: sheet name → origin of each of its data rows, in order.
    origins: dict[str, tuple[RowOrigin, ...]] = field(default_factory=dict)


Lines = list[tuple[int, dict[str, Any]]]  # (line number, {internal name: value}) per CSV data line


def _number(text: str, kind: str) -> Any:
    """The number a CSV cell holds (int when integral); any other text is returned unchanged.

    Text left in a number column reaches the workbook as text, and the reader reports it there.
    """
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if kind == "number" and re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?|[+-]?\d+[eE][+-]?\d+", text):
        return float(text)
    return text


class _FolderReader:
    """Reads the files of one plan folder, collecting every problem instead of stopping at the first."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[FileProblem] = []
        #: Files that could not be read (wholly): the checks across files skip them, so that one
        #: broken file gives one problem, not one per action.
        self.unreadable: set[str] = set()

    def problem(self, archivo: str, donde: str, valor: object, esperado: str) -> None:
        self.problems.append(FileProblem(archivo, donde, "" if valor is None else str(valor), esperado))

    def check_text(self, archivo: str, donde: str, value: object) -> None:
        """openpyxl writes a text starting with "=" as a formula; the other signs Excel would too."""
        if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
            expected = f"un texto que no empiece con «{value[0]}» (se leería como fórmula)"
            self.problem(archivo, donde, value, expected)

    def read_text(self, name: str) -> str | None:
        path = self.folder / name
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            self.problem(name, "", "", f"el archivo {name} en la carpeta {self.folder}")
        except OSError:
            self.problem(name, "", "", "un archivo que se pueda leer")
        else:
            try:
                return raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                expected = "texto en UTF-8 (en Excel: Guardar como → «CSV UTF-8»)"
                self.problem(name, _at_line(line), "texto con otra codificación", expected)
        self.unreadable.add(name)
        return None

    def read_csv(self, name: str, columns: Sequence[schema.Column]) -> Lines:
        """The data lines of a CSV file; headers matched like the workbook's (case and accents ignored)."""
        text = self.read_text(name)
        if text is None:
            return []
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            headers = next(reader, [])
        except csv.Error:
            headers = []
        positions = self._positions(name, headers, columns)
        if positions is None:
            self.unreadable.add(name)
            return []
        rows: Lines = []
        line = reader.line_num
        try:
            for cells in reader:
                start, line = line + 1, reader.line_num
                if any(cell.strip() for cell in cells):
                    rows.append((start, self._row(name, start, cells, len(headers), positions, columns)))
        except csv.Error:
            expected = 'que cada texto que empieza con comillas (") las cierre en la misma columna'
            self.problem(name, _at_line(line + 1), "comillas sin cerrar", expected)
            self.unreadable.add(name)
        return rows

    def _positions(
        self, name: str, headers: list[str], columns: Sequence[schema.Column]
    ) -> dict[str, int] | None:
        """Index of each column in the header line; None (and a problem) when a column is missing."""
        wanted = {schema.normalize_header(column.header): column for column in columns}
        expected = ", ".join(column.header for column in columns)
        positions: dict[str, int] = {}
        for index, header in enumerate(headers):
            column = wanted.get(schema.normalize_header(header))
            if column is None:
                if header.strip():
                    self.problem(name, _at_line(1, header), header, f"una de las columnas {expected}")
            elif column.name in positions:
                self.problem(name, _at_line(1, header), header, "cada columna una sola vez")
            else:
                positions[column.name] = index
        missing = [column.header for column in columns if column.name not in positions]
        if missing:
            found = ", ".join(header for header in headers if header.strip())
            self.problem(name, "línea 1", found, f"las columnas {expected} (faltan: {', '.join(missing)})")
            return None
        return positions

    def _row(self, name: str, line: int, cells: list[str], width: int, positions: dict[str, int],
             columns: Sequence[schema.Column]) -> dict[str, Any]:
        extra = [cell for cell in cells[width:] if cell.strip()]
        if extra:
            self.problem(name, _at_line(line), extra[0], f"a lo más {width} valores (uno por columna)")
        row: dict[str, Any] = {}
        for column in columns:
            index = positions[column.name]
            value: Any = cells[index].strip() if index < len(cells) else ""
            if value and column.kind in ("number", "int"):
                value = _number(value, column.kind)
            self.check_text(name, _at_line(line, column.header), value)
            row[column.name] = None if value == "" else value
        return row

    def read_toml(self, name: str) -> dict[str, Any]:
        text = self.read_text(name)
        if text is None:
            return {}
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+), column (\d+)", str(exc))
            lines = text.splitlines()
            line = int(match.group(1)) if match else 0
            self.problem(
                name,
                f"línea {line}, columna {match.group(2)}" if match else "",
                lines[line - 1].strip()[:120] if 0 < line <= len(lines) else "",
                'el formato TOML: campo = "texto entre comillas rectas, en una sola línea" y secciones como '
                '["1.1.1"] (revise comillas, signos = y corchetes)',
            )
            self.unreadable.add(name)
            return {}

    def texts(
        self, name: str, section: str | None, table: object, allowed: Sequence[str] | None
    ) -> dict[str, str]:
        """The text fields of a TOML table (``allowed`` keys; None = any); other values are problems."""
        if not isinstance(table, dict):
            self.problem(name, _at_key(section), table, "una sección con campos de texto")
            return {}
        out: dict[str, str] = {}
        for key, value in table.items():
            donde = _at_key(section, key)
            if allowed is not None and key not in allowed:
                self.problem(name, donde, key, f"solo los campos {', '.join(allowed)}")
            elif not isinstance(value, str):
                self.problem(name, donde, value, 'un texto entre comillas ("…")')
            else:
                self.check_text(name, donde, value)
                out[key] = value
        return out

    def by_clave(self, name: str, rows: Lines) -> dict[str, tuple[int, dict[str, Any]]]:
        """Rows by Clave; an empty or repeated Clave is a problem (the files are joined on it)."""
        out: dict[str, tuple[int, dict[str, Any]]] = {}
        for line, row in rows:
            clave = row["clave"]
            if clave is None:
                self.problem(name, _at_line(line, "Clave"), "", "la clave de la acción")
            elif clave in out:
                self.problem(name, _at_line(line, "Clave"), clave,
                             f"una sola línea por Clave (ya está en la línea {out[clave][0]})")
            else:
                out[clave] = (line, row)
        return out

    # ---- the files of a plan folder
    def plan_toml(self) -> tuple[int, dict[str, str]]:
        data = self.read_toml(PLAN_TOML)
        if not data:
            return 0, {}
        for key in data.keys() - {"anio", "programas"}:
            self.problem(PLAN_TOML, _at_key(None, key), key, "solo los campos anio y [programas]")
        anio = data.get("anio")
        if isinstance(anio, bool) or not isinstance(anio, int):
            self.problem(PLAN_TOML, _at_key(None, "anio"), anio, "el año del plan, por ejemplo: anio = 2023")
            anio = 0
        programas = data.get("programas")
        if not isinstance(programas, dict) or not programas:
            expected = 'una sección [programas] con líneas como 1 = "1. …"'
            self.problem(PLAN_TOML, _at_key("[programas]"), "", expected)
            self.unreadable.add(PLAN_TOML)
            return anio, {}
        return anio, self.texts(PLAN_TOML, "[programas]", programas, None)

    def plan(self, anio: int, programas: dict[str, str]) -> tuple[list[dict[str, Any]], list[RowOrigin]]:
        """Plan rows in the order of acciones.csv, joined by Clave with indicadores.csv and fichas.toml."""
        acciones = self.by_clave(ACCIONES_CSV, self.read_csv(ACCIONES_CSV, _plan_columns(ACCIONES_FIELDS)))
        indicadores = self.by_clave(
            INDICADORES_CSV, self.read_csv(INDICADORES_CSV, _plan_columns(INDICADORES_FIELDS))
        )
        fichas_toml = self.read_toml(FICHAS_TOML)
        fichas = {
            clave: self.texts(FICHAS_TOML, f'["{clave}"]', table, FICHA_FIELDS)
            for clave, table in fichas_toml.items()
        }
        if ACCIONES_CSV not in self.unreadable:
            for clave in fichas.keys() - acciones.keys():
                self.problem(FICHAS_TOML, _at_key(f'["{clave}"]'), clave, f"una Clave de {ACCIONES_CSV}")
            for clave, (line, _) in indicadores.items():
                if clave not in acciones:
                    expected = f"una Clave de {ACCIONES_CSV}"
                    self.problem(INDICADORES_CSV, _at_line(line, "Clave"), clave, expected)
        rows: list[dict[str, Any]] = []
        origins: list[RowOrigin] = []
        for clave, (line, accion) in acciones.items():
            if INDICADORES_CSV not in self.unreadable and clave not in indicadores:
                expected = f"una línea con esa Clave en {INDICADORES_CSV}"
                self.problem(ACCIONES_CSV, _at_line(line, "Clave"), clave, expected)
            origen = accion["origen"]
            if origen not in (ORIGEN_FICHA, ORIGEN_CRONOGRAMA):
                expected = f"{ORIGEN_FICHA} o {ORIGEN_CRONOGRAMA}"
                self.problem(ACCIONES_CSV, _at_line(line, "Origen"), origen, expected)
            elif origen == ORIGEN_FICHA and FICHAS_TOML not in self.unreadable and clave not in fichas:
                self.problem(FICHAS_TOML, _at_key(f'["{clave}"]'), "", f"la ficha técnica de {clave}")
            numero = schema.program_number(clave)
            if PLAN_TOML not in self.unreadable and numero not in programas:
                self.problem(PLAN_TOML, _at_key("[programas]", numero), "", "el encabezado del programa")
            indicador_line, indicador = indicadores.get(clave, (0, {}))
            row: dict[str, Any] = {column.name: None for column in schema.PLAN_COLUMNS}
            row.update(indicador)
            row.update(fichas.get(clave, {}))
            row.update(accion)
            row.update(anio=anio, programa=programas.get(numero))
            rows.append(row)
            origins.append(RowOrigin({ACCIONES_CSV: line, INDICADORES_CSV: indicador_line}, clave))
        return rows, origins

    def leame(self) -> list[tuple[str, ...]]:
        data = self.read_toml(LEAME_TOML)
        if not data:
            return []
        filas = data.get("fila")
        if set(data) != {"fila"} or not isinstance(filas, list):
            expected = "solo secciones [[fila]], una por fila de la hoja Léame"
            self.problem(LEAME_TOML, "", ", ".join(data), expected)
            return []
        out = []
        for number, table in enumerate(filas, start=1):
            values = self.texts(LEAME_TOML, f"[[fila]] número {number}", table, LEAME_FIELDS)
            out.append(tuple(values.get(name, "") for name in LEAME_FIELDS))
        return out


def _plan_columns(names: Sequence[str]) -> tuple[schema.Column, ...]:
    return tuple(_PLAN_BY_NAME[name] for name in names)


def read_plan_folder(folder: str | Path) -> PlanContent:
    """Read every file of a plan folder; raise :class:`PlanFilesError` listing all problems found."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PlanFilesError([FileProblem(str(folder), "", "", "una carpeta con los archivos del plan")])
    reader = _FolderReader(folder)
    anio, programas = reader.plan_toml()
    plan, plan_origins = reader.plan(anio, programas)
    avances = reader.read_csv(AVANCES_CSV, schema.AVANCES_COLUMNS)
    parametros = reader.read_csv(PARAMETROS_CSV, schema.PARAMETROS_COLUMNS)
    leame = reader.leame()
    if reader.problems:
        raise PlanFilesError(reader.problems)
    return PlanContent(
        anio=anio,
        plan=tuple(plan),
        avances=tuple(row for _, row in avances),
        parametros=tuple(row for _, row in parametros),
        leame=tuple(leame),
        origins={
            schema.SHEET_PLAN: tuple(plan_origins),
            schema.SHEET_AVANCES: tuple(RowOrigin({AVANCES_CSV: line}) for line, _ in avances),
            schema.SHEET_PARAMETROS: tuple(RowOrigin({PARAMETROS_CSV: line}) for line, _ in parametros),
        },
    )


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="691C32")  # CDMX institutional guinda
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
NARROW, MEDIUM, WIDE = 10, 18, 48
WIDTHS: dict[str, int] = {
    "clave": NARROW,
    "anio": 8,
    "trimestre": 12,
    "realizado": 11,
    "meta_anual": 11,
    "meta_ajustada": 11,
    "tipo_calculo": MEDIUM,
    "acumulacion": 13,
    "frecuencia": 12,
    "sentido": 12,
    "origen": 16,
    "parametro": 20,
    "valor": 10,
    **{name: 11 for name in schema.PROGRAMADO_COLUMNS},
    **{name: 11 for name in schema.THRESHOLD_COLUMNS},
}
PARAMETROS_DESCRIPTION_WIDTH = 70
LEAME_WIDTHS = (13, 30, 90, 45)


def _write_table(
    ws: Worksheet,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[Any]],
) -> None:
    """Header row (bold on guinda, frozen, filter) + data rows; widths and wrapping by column name."""
    ws.append([header for _, header in columns])
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for values in rows:
        ws.append(list(values))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 2)}"
    for index, (name, _) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        width = WIDTHS.get(name, WIDE)
        ws.column_dimensions[letter].width = width
        alignment = WRAP if width >= MEDIUM else TOP
        for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.alignment = alignment


def _sheet(ws: Worksheet, columns: Sequence[schema.Column], rows: Iterable[dict[str, Any]]) -> None:
    names = [column.name for column in columns]
    _write_table(
        ws, [(column.name, column.header) for column in columns], ([row[n] for n in names] for row in rows)
    )


def build_workbook(content: PlanContent, *, solo_plan: bool = False) -> Workbook:
    """The whole workbook in memory: Plan, Avances, Parámetros and Léame (only Plan with ``solo_plan``).

    A workbook with only the Plan sheet changes the plan of an existing database (``import``) and
    leaves its avances and parámetros as they are.
    """
    wb = Workbook()
    plan_ws = wb.active
    plan_ws.title = schema.SHEET_PLAN
    _sheet(plan_ws, schema.PLAN_COLUMNS, content.plan)
    if solo_plan:
        return wb
    _sheet(wb.create_sheet(schema.SHEET_AVANCES), schema.AVANCES_COLUMNS, content.avances)
    parametros_ws = wb.create_sheet(schema.SHEET_PARAMETROS)
    _sheet(parametros_ws, schema.PARAMETROS_COLUMNS, content.parametros)
    parametros_ws.column_dimensions["C"].width = PARAMETROS_DESCRIPTION_WIDTH
    leame_ws = wb.create_sheet(schema.SHEET_LEAME)
    _write_table(leame_ws, list(zip(LEAME_FIELDS, LEAME_HEADERS, strict=True)), content.leame)
    for index, width in enumerate(LEAME_WIDTHS, start=1):
        leame_ws.column_dimensions[get_column_letter(index)].width = width
    return wb


def workbook_bytes(content: PlanContent, *, solo_plan: bool = False) -> bytes:
    """The xlsx bytes, reproducible: zip entries sorted, dated 1 January of the plan year."""
    raw = io.BytesIO()
    build_workbook(content, solo_plan=solo_plan).save(raw)
    fixed_time = (max(content.anio, 1980), 1, 1, 0, 0, 0)  # zip dates start in 1980
    fixed_iso = f"{fixed_time[0]:04d}-01-01T00:00:00Z"
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda item: item.filename):
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{fixed_iso}\g<2>", text
                )
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=fixed_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Validation of the built workbook (by the one reader), reported at the source files
# --------------------------------------------------------------------------------------------
_FILE_OF_PLAN_FIELD: dict[str, str] = {
    **{name: PLAN_TOML for name in PLAN_TOML_FIELDS},
    **{name: ACCIONES_CSV for name in ACCIONES_FIELDS},
    **{name: INDICADORES_CSV for name in INDICADORES_FIELDS if name != "clave"},
    **{name: FICHAS_TOML for name in FICHA_FIELDS},
}
_FILE_OF_SHEET = {
    schema.SHEET_PLAN: ACCIONES_CSV,
    schema.SHEET_AVANCES: AVANCES_CSV,
    schema.SHEET_PARAMETROS: PARAMETROS_CSV,
}
_NAME_OF_HEADER: dict[str, str] = {
    schema.normalize_header(column.header): column.name
    for column in (*schema.PLAN_COLUMNS, *schema.AVANCES_COLUMNS, *schema.PARAMETROS_COLUMNS)
}


def locate(problem: Problem, content: PlanContent) -> FileProblem:
    """A problem the reader found in the built workbook, at the text file and line it came from."""
    origins = content.origins.get(problem.hoja, ())
    index = (problem.fila or 0) - 2  # row 1 holds the headers
    if not 0 <= index < len(origins):  # a problem of the whole sheet (or of the container)
        archivo, donde = _FILE_OF_SHEET.get(problem.hoja, f"libro generado, hoja {problem.hoja}"), ""
    else:
        origin = origins[index]
        header = problem.columna
        name = _NAME_OF_HEADER.get(schema.normalize_header(header)) if header else None
        if problem.hoja == schema.SHEET_PLAN:
            archivo = _FILE_OF_PLAN_FIELD.get(name or "", ACCIONES_CSV)
        else:
            archivo = next(iter(origin.lines))
        if archivo in origin.lines:
            donde = _at_line(origin.lines[archivo], header)
        elif archivo == FICHAS_TOML:
            donde = _at_key(f'["{origin.clave}"]', name)
        elif name == "programa":
            donde = _at_key("[programas]", schema.program_number(origin.clave))
        else:
            donde = _at_key(None, "anio")
    return FileProblem(archivo, donde, problem.valor, problem.esperado, problem.nivel)


def check_workbook(data: bytes, content: PlanContent) -> tuple[FileProblem, ...]:
    """Validate built bytes with the workbook reader: raise on an error, return the avisos."""
    from mpi_dash.workbook import validate_workbook

    problems = tuple(locate(problem, content) for problem in validate_workbook(data))
    if any(problem.nivel == "error" for problem in problems):
        raise PlanFilesError(problems)
    return problems


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build_plan` did."""

    path: Path
    content: PlanContent
    avisos: tuple[FileProblem, ...]
    changed: bool  # False when the file already held exactly these bytes (it is not rewritten)


def build_plan(folder: str | Path, output: str | Path, *, solo_plan: bool = False) -> BuildResult:
    """Read ``folder``, build and validate the workbook, then write it to ``output`` (atomically).

    ``solo_plan`` writes only the Plan sheet (the whole workbook is still built and validated).
    Raises :class:`PlanFilesError` (nothing written) when the files have an error, and ``OSError``
    when ``output`` cannot be written.
    """
    from mpi_dash.cli import write_output

    content = read_plan_folder(folder)
    data = workbook_bytes(content)
    avisos = check_workbook(data, content)
    if solo_plan:
        data = workbook_bytes(content, solo_plan=True)
    target = Path(output)
    changed = not (target.is_file() and target.read_bytes() == data)
    if changed:
        write_output(data, str(target))
    return BuildResult(target, content, avisos, changed)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mpi_dash.plan_files CARPETA [-o LIBRO.xlsx]``: 0 written, 1 problems, 2 usage."""
    from mpi_dash.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, SpanishArgumentParser, print_problems
    from mpi_dash.errors import spanish_reason

    parser = SpanishArgumentParser(
        prog="python -m mpi_dash.plan_files",
        description=(
            "Genera el libro del plan (hojas Plan, Avances, Parámetros y Léame) a partir de los archivos "
            "de texto de una carpeta como data/plan_2023. Si algún archivo tiene errores, los lista todos "
            "y no escribe nada."
        ),
    )
    parser.add_argument("carpeta", help=f"carpeta con {', '.join(FILES)}")
    parser.add_argument("-o", "--salida", help="libro .xlsx que se escribe (por omisión: CARPETA.xlsx)")
    parser.add_argument(
        "--solo-plan",
        action="store_true",
        help="escribe solo la hoja Plan: sirve para cargar cambios del plan en una base que ya tiene avances "
        "reales sin tocarlos (requiere -o)",
    )
    try:
        args = parser.parse_args(argv)
        if args.solo_plan and not args.salida:
            parser.error("con --solo-plan indique el archivo de salida con -o (el libro completo no se toca)")
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    folder = Path(args.carpeta)
    if not folder.is_dir():
        print(f"Error: no existe la carpeta «{folder}»; se esperaba la carpeta con los archivos del plan.",
              file=sys.stderr)
        return EXIT_USAGE
    output = Path(args.salida) if args.salida else folder.with_suffix(".xlsx")
    try:
        result = build_plan(folder, output, solo_plan=args.solo_plan)
    except PlanFilesError as exc:
        errors = sum(problem.nivel == "error" for problem in exc.problems)
        print(f"No se generó el libro: {errors} {'error' if errors == 1 else 'errores'} en «{folder}».")
        print_problems(exc.problems)
        return EXIT_INVALID
    except OSError as exc:
        print(f"Error: no se pudo escribir «{output}»: {spanish_reason(exc)}.", file=sys.stderr)
        return EXIT_INVALID
    content = result.content
    sheets = (
        "solo la hoja Plan" if args.solo_plan
        else f"{len(content.avances)} de Avances, {len(content.parametros)} parámetros"
    )
    print(
        f"Libro {'generado' if result.changed else 'sin cambios (ya estaba al día)'}: {result.path} "
        f"({len(content.plan)} filas de Plan {content.anio}, {sheets})."
    )
    print_problems(result.avisos)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
