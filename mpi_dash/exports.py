"""Every file the dashboard and the command line write: styled Excel (IPTT), CSV, SIPOT and the ``report``.

ONE CSV writer (:func:`csv_bytes`) and ONE xlsx cell writer (:func:`xlsx_cell`) serve the dashboard
downloads and ``python -m mpi_dash report`` (:func:`report_bytes`: JSON, CSV or xlsx).

Formula injection (OWASP "CSV injection"): a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return could be run by a spreadsheet.

* CSV has no cell types, so such a cell gets a leading apostrophe (:func:`neutralize_formula`).
* xlsx: every text is written as a string cell (``data_type`` "s", an inline string), which Excel and
  LibreOffice show as text and never evaluate — so no apostrophe is added there and the text stays exactly
  as typed.
* JSON is data, not a spreadsheet: written as is.

openpyxl is imported lazily (only when a workbook is written).  Functions return bytes ready for
``st.download_button`` or a file.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Collection, Iterable, Mapping

import numpy as np
import pandas as pd

from mpi_dash import schema
from mpi_dash.formatting import (
    PERCENT_SIGN,
    SEMAFORO_FILLS,
    format_date,
    format_number,
    format_percent,
    indicator_status,
    is_empty,
    missing_reports_text,
    missing_text,
    program_status_label,
    quarter_dates,
    tipo_calculo_label,
)
from mpi_dash.schema import Semaforo, TipoCalculo
from mpi_dash.semaforo import Thresholds
from mpi_dash.summary import IPTT_HEADERS, PLACEHOLDER_NAMES

FORMATS: tuple[str, ...] = ("json", "csv", "xlsx")
REPORT_SHEET = "Informe"

# A cell starting with one of these is interpreted as a formula (or DDE payload) by
# Excel/LibreOffice/Google Sheets; tab and carriage return are used to smuggle them.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

PERCENT_COLUMNS = ("avance_pct", "esperado_pct", "cumplimiento_pct", "variacion_linea_base_pct")
HEADER_FILL = "9F2241"
HEADER_FONT = "FFFFFF"
INTEGER_FORMAT = "#,##0"      # per cell: whole numbers without a decimal point ("#,##0.##" showed "4.")
DECIMAL_FORMAT = "#,##0.0"
PERCENT_FORMAT = f'#,##0.0"{PERCENT_SIGN}"'   # non-breaking space: «%» never wraps alone

SIPOT_COLUMNS: tuple[str, ...] = (
    "Ejercicio",
    "Fecha de inicio del periodo que se informa",
    "Fecha de término del periodo que se informa",
    "Nombre del programa o concepto al que corresponde el indicador",
    "Objetivo institucional",
    "Nombre del indicador",
    "Dimensión(es) a medir",
    "Definición del indicador",
    "Método de cálculo",
    "Unidad de medida",
    "Frecuencia de medición",
    "Línea base",
    "Metas programadas",
    "Metas ajustadas en su caso",
    "Avance de las metas",
    "Sentido del indicador",
    "Fuente de información",
    "Área(s) responsable(s) que genera(n), posee(n), publica(n) y actualizan la información",
    "Fecha de validación",
    "Fecha de actualización",
    "Nota",
)

# Sheet "Resumen": one row per program (:func:`mpi_dash.programs.program_figures`).
SUMMARY_HEADERS: dict[str, str] = {
    "programa": "Programa",
    "nombre": "Nombre del programa",
    "semaforo": "Semáforo",
    "avance_pct": "% avance del programa",
    "esperado_pct": "% esperado al corte",
    "cumplimiento_pct": "% cumplimiento",
    "n_indicadores": "Indicadores",
    "n_medibles": "Indicadores con meta o hito",
    "n_con_dato": "Con meta o hito y con dato al corte",
    "faltantes": "Indicadores sin dato al corte",
    "informativos_sin_reporte": "Informativos sin reporte al corte",
}


# --------------------------------------------------------------------------- the shared writers
def neutralize_formula(value: object) -> object:
    """CSV defence against formula injection in one cell value.

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
    """A copy of ``frame`` whose text cells are neutralised for CSV (vectorised; input untouched)."""
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


INTEGER_FIELDS = frozenset({"anio", "trimestre"})


def _integer_like(series: pd.Series) -> bool:
    """Float column whose non-empty values are all whole numbers (e.g. an int column with NaN)."""
    if not pd.api.types.is_float_dtype(series.dtype):
        return False
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    finite = values[~np.isnan(values)]
    return bool(len(finite)) and bool(np.all(finite == np.round(finite))) and bool(
        np.all(np.abs(finite) < 2**53)
    )


def _with_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Integer fields (``anio``, ``trimestre``) as nullable ints, so 2023 never prints as 2023.0."""
    out = frame
    for name in frame.columns:
        if name in INTEGER_FIELDS and _integer_like(frame[name]):
            if out is frame:
                out = frame.copy()
            out[name] = frame[name].astype("Int64")
    return out


def _with_lowercase_bools(frame: pd.DataFrame) -> pd.DataFrame:
    """Boolean columns as the words ``true``/``false`` (JSON's spelling; pandas would write True/False)."""
    bools = [name for name in frame.columns if pd.api.types.is_bool_dtype(frame[name].dtype)]
    if not bools:
        return frame
    return frame.assign(**{name: frame[name].map({True: "true", False: "false"}).astype(object)
                           for name in bools})


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """THE CSV writer: UTF-8 with BOM (Excel shows accents), '.' decimals, CRLF, empty cells for
    NaN/None, integer fields without '.0', booleans as true/false, text neutralised
    (:func:`neutralize_formula`)."""
    buffer = io.StringIO()
    ready = _with_lowercase_bools(_with_integers(frame))
    neutralize_frame(ready).to_csv(buffer, index=False, lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_cell(sheet, value: object) -> object:  # noqa: ANN001 - an openpyxl worksheet (normal or write-only)
    """THE xlsx cell writer: what to append to ``sheet`` for one value.

    Empty (None, NaN, NA, blank text) → None (empty cell); bool → bool; integers → int; floats → float
    (non-finite → None); text — and anything else, as its text — → a string cell (``data_type`` "s"), which
    no spreadsheet evaluates: ``=HYPERLINK(…)`` is shown exactly as typed, never run, with no apostrophe.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    text = value if isinstance(value, str) else str(value)
    if not text.strip():
        return None
    from openpyxl.cell.cell import Cell

    cell = Cell(sheet, row=1, column=1, value=text)  # append() sets the real position
    cell.data_type = "s"  # openpyxl would make a text starting with "=" a formula
    return cell


def _workbook_bytes(workbook) -> bytes:  # noqa: ANN001
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- report (command line)
def to_json_bytes(frame: pd.DataFrame) -> bytes:
    """A JSON list of objects; NaN/None → null; ints as ints; UTF-8 (accents unescaped)."""
    text = _with_integers(frame).to_json(
        orient="records", force_ascii=False, double_precision=15, date_format="iso"
    )
    # pandas writes non-finite floats as null already; make sure nothing else slipped through.
    if not text or text == "null":
        text = "[]"
    return (text + "\n").encode("utf-8")


def to_xlsx_bytes(frame: pd.DataFrame, sheet_title: str = REPORT_SHEET) -> bytes:
    """A plain xlsx: one sheet, header row, values (text as string cells: no formulas)."""
    from openpyxl import Workbook  # lazy: only the xlsx format pays this import

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append([xlsx_cell(sheet, str(c)) for c in frame.columns])
    ready = _with_integers(frame)
    columns = [ready[c].to_numpy(dtype=object, na_value=None) for c in ready.columns]
    for row in zip(*columns):
        sheet.append([xlsx_cell(sheet, v) for v in row])
    return _workbook_bytes(workbook)


def report_bytes(frame: pd.DataFrame, formato: str) -> bytes:
    """The report in one of :data:`FORMATS`; raises ``ValueError`` (Spanish) otherwise.

    JSON: list of objects.  CSV: :func:`csv_bytes`.  xlsx: sheet "Informe" (:func:`to_xlsx_bytes`).
    """
    if formato == "json":
        return to_json_bytes(frame)
    if formato == "csv":
        return csv_bytes(frame)
    if formato == "xlsx":
        return to_xlsx_bytes(frame)
    raise ValueError(f"Formato no válido: «{formato}»; se esperaba json, csv o xlsx.")


# --------------------------------------------------------------------------- dashboard downloads
def iptt_status(iptt: pd.DataFrame, *, icons: bool = True) -> pd.Series:
    """The semáforo of each IPTT row in words (:func:`~mpi_dash.formatting.indicator_status`): with its
    direction, «Pendiente (vence en …)» or the missing reports — the same words as on screen."""
    def column(name: str) -> list[object]:
        return iptt[name].tolist() if name in iptt else [None] * len(iptt)

    texts = [indicator_status(s, d, faltan=f, vence=v, icons=icons) for s, d, f, v in zip(
        iptt["semaforo"], column("direccion_desvio"), column("reportes_faltantes"), column("vence_trimestre"),
        strict=True)]
    return pd.Series(texts, index=iptt.index, dtype=object)


def iptt_export_frame(iptt: pd.DataFrame, *, semaforo_icons: bool = True) -> pd.DataFrame:
    """The IPTT table with Spanish headers and readable enumerations (numbers stay numeric)."""
    out = iptt.assign(tipo_calculo=iptt["tipo_calculo"].map(tipo_calculo_label),
                      semaforo=iptt_status(iptt, icons=semaforo_icons))
    return out[[c for c in IPTT_HEADERS if c in out.columns]].rename(columns=IPTT_HEADERS)


PERCENT_DECIMALS = 1   # CSV: percentages with one decimal, as on screen
NUMBER_DECIMALS = 1    # other quantities: whole numbers without decimals, the rest with one (as on screen)


def rounded_as_shown(frame: pd.DataFrame, percent_columns: Iterable[str]) -> pd.DataFrame:
    """Numbers as the screen shows them: percentages with one decimal; quantities whole when whole (as
    integers: «4», never «4.0») and otherwise with one decimal."""
    out = frame.copy()
    percent = set(percent_columns)
    for name in out.columns:
        series = out[name]
        if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            continue
        values = pd.to_numeric(series, errors="coerce").astype("float64")
        if name in percent:
            out[name] = values.round(PERCENT_DECIMALS)
        elif _integer_like(values) or values.isna().all():
            out[name] = values.astype("Int64")
        else:
            out[name] = values.round(NUMBER_DECIMALS)
    return out


ILUSTRATIVO_NOTE = "Datos ilustrativos, no cifras oficiales."
#: Where it goes: the rows of the programs whose avances still hold bundled sample values
#: (``Dataset.programas_ilustrativos``): the CSV's «Nota», the SIPOT «Nota» and the Excel «Notas».


def _illustrative_rows(programas: pd.Series, ilustrativos: Collection[str]) -> np.ndarray:
    """Per row: does the row's program still hold sample values?"""
    marked = {str(p) for p in ilustrativos}
    return programas.astype(str).isin(marked).to_numpy(dtype=bool)
#: Column (CSV, Excel Resumen) and Notas row carrying the approval stamp (``approvals.stamp_text``).
STAMP_HEADER = "Estado de las cifras"
SIPOT_NOT_APPROVED = ("Cifras preliminares: sin fecha de validación porque la dirección aún no aprueba el "
                      "trimestre de este programa.")


def to_csv_bytes(iptt: pd.DataFrame, *, ilustrativos: Collection[str] = (),
                 estados: Mapping[str, str] | None = None) -> bytes:
    """The IPTT table as CSV (:func:`csv_bytes`) with Spanish headers, the semáforo in words (no icons) and
    the numbers rounded as on screen (:func:`rounded_as_shown`).

    ``ilustrativos``: programs whose avances still hold sample values; their rows carry a last column
    ``Nota`` saying the figures are not official (a CSV has no other place that survives copying rows
    elsewhere), the other rows leave it empty.  No such program: no ``Nota`` column.
    """
    frame = rounded_as_shown(iptt_export_frame(iptt, semaforo_icons=False),
                             [IPTT_HEADERS[c] for c in PERCENT_COLUMNS])
    if estados is not None:  # the stamp of each row's program (approvals.program_stamps)
        frame = frame.assign(**{STAMP_HEADER: iptt["programa_num"].astype(str).map(estados).to_numpy()})
    marked = _illustrative_rows(iptt["programa_num"], ilustrativos)
    if marked.any():
        frame = frame.assign(Nota=np.where(marked, ILUSTRATIVO_NOTE, ""))
    return csv_bytes(frame)


def number_format(value: float, percent: bool = False) -> str:
    """Excel number format of one numeric cell: integers without decimals, other values with one."""
    if percent:
        return PERCENT_FORMAT
    return INTEGER_FORMAT if float(value).is_integer() else DECIMAL_FORMAT


def _write_sheet(ws, frame: pd.DataFrame, *, percent_headers: Iterable[str] = (),
                 semaforo_header: str | None = None, semaforo_values: list[str] | None = None) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    percent = set(percent_headers)
    thin = Side(style="thin", color="BFBFBF")
    ws.append([xlsx_cell(ws, str(c)) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True, color=HEADER_FONT, size=12)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(bottom=thin)
    ws.row_dimensions[1].height = 48
    for values in frame.itertuples(index=False, name=None):
        ws.append([xlsx_cell(ws, v) for v in values])
    for j, name in enumerate(frame.columns, start=1):
        letter = get_column_letter(j)
        texts = [str(name)] + [str(v) for v in frame.iloc[:, j - 1].tolist()[:200]]
        ws.column_dimensions[letter].width = min(60, max(10, max(len(t) for t in texts) * 0.9 + 2))
        for row in range(2, len(frame) + 2):
            cell = ws.cell(row=row, column=j)
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = number_format(cell.value, name in percent)
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if semaforo_header is not None and semaforo_values is not None:
        col = list(frame.columns).index(semaforo_header) + 1
        for row, value in enumerate(semaforo_values, start=2):
            cell = ws.cell(row=row, column=col)
            fill = SEMAFORO_FILLS.get(value, SEMAFORO_FILLS[Semaforo.SIN_DATO])
            cell.fill = PatternFill("solid", fgColor=fill)
            cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def to_excel_bytes(iptt: pd.DataFrame, programs: pd.DataFrame, *, anio: int, trimestre: int,
                   origen: str = "", ilustrativos: Collection[str] = (),
                   parametros: Mapping[str, float] | None = None, sello: str = "",
                   estados: Mapping[str, str] | None = None) -> bytes:
    """Styled workbook: ``Resumen`` (one row per program: :func:`mpi_dash.programs.program_figures`), one
    ``Programa N`` sheet per program with its IPTT rows, and ``Notas`` (cut-off, source, how the program
    progress is computed).  Header rows are frozen, semáforo cells filled with their colour *and* carry icon
    + words (direction, «incompleto», «Pendiente (vence en …)»)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Resumen"
    status = [program_status_label(s, d, completo=c, vence=v) for s, d, c, v in zip(
        programs["semaforo"], programs["direccion_desvio"], programs["completo"], programs["vence_trimestre"],
        strict=True)]
    missing = [missing_text(f, n) or None for f, n in zip(programs["claves_faltantes"], programs["n_medibles"],
                                                          strict=True)]
    resumen = programs.assign(semaforo=status, faltantes=missing)
    resumen = resumen[[c for c in SUMMARY_HEADERS if c in resumen.columns]].rename(columns=SUMMARY_HEADERS)
    if estados is not None:  # each program's own approval stamp (approvals.program_stamps)
        resumen[STAMP_HEADER] = programs["programa"].astype(str).map(estados).to_numpy()
    _write_sheet(ws, resumen, percent_headers=[SUMMARY_HEADERS[c] for c in ("avance_pct", "esperado_pct",
                                                                            "cumplimiento_pct")],
                 semaforo_header="Semáforo", semaforo_values=programs["semaforo"].astype(object).tolist())
    pct_headers = [IPTT_HEADERS[c] for c in PERCENT_COLUMNS]
    for number, part in iptt.groupby("programa_num", sort=False):
        sheet = wb.create_sheet(_sheet_name(f"Programa {number}"))
        _write_sheet(sheet, iptt_export_frame(part), percent_headers=pct_headers, semaforo_header="Semáforo",
                     semaforo_values=part["semaforo"].astype(object).tolist())
    notes = wb.create_sheet("Notas")
    desde, hasta = quarter_dates(anio, trimestre)
    rows = [
        *([(STAMP_HEADER, sello)] if sello else []),
        ("Corte", f"{schema.QUARTER_NAMES[int(trimestre)]} {int(anio)} (acumulado del "
                  f"{format_date(dt.date(int(anio), 1, 1))} al {format_date(hasta)})"),
        ("Trimestre informado", f"{format_date(desde)} – {format_date(hasta)}"),
        ("Origen de los datos", origen or "—"),
        ("Datos ilustrativos", _illustrative_words(ilustrativos)),
        ("Avance del programa",
         f"Promedio del avance de sus indicadores con meta anual (cada uno topado en 100{PERCENT_SIGN}) y de "
         f"sus hitos (100{PERCENT_SIGN} alcanzado, 0{PERCENT_SIGN} no alcanzado), solo de los que tienen dato "
         "al corte; los que no tienen dato se nombran en «Indicadores sin dato al corte» y el programa queda "
         "«incompleto». Si al corte no se esperaba nada todavía, el programa queda «Pendiente» sin cifra."),
        ("Cifras", "Las cifras de estas hojas son exactas; Excel las muestra redondeadas (porcentajes con un "
                   "decimal, cantidades enteras sin decimales)."),
        ("Semáforo", f"{Thresholds.from_parametros(parametros).text().capitalize()} (% de cumplimiento "
                     "respecto de lo programado; umbrales de la hoja Parámetros)."),
        ("Generado", format_date(dt.date.today())),
    ]
    _write_sheet(notes, pd.DataFrame(rows, columns=["Concepto", "Descripción"]))
    notes.column_dimensions["B"].width = 100
    return _workbook_bytes(wb)


def _illustrative_words(ilustrativos: Collection[str]) -> str:
    """The «Datos ilustrativos» row of «Notas»: where sample values remain, or «No»."""
    from mpi_dash.data_access import NOT_OFFICIAL, illustrative_notice

    head = illustrative_notice(ilustrativos)
    if not head:
        return "No: todos los avances son cifras cargadas."
    return f"Sí. {head}: {NOT_OFFICIAL}."


def _sheet_name(name: str) -> str:
    """Excel sheet names: ≤ 31 chars, none of []:*?/\\."""
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31]


SipotDate = dt.date | None | Mapping[str, "dt.date | None"]


def _dates_by_row(value: SipotDate, cut: pd.DataFrame) -> list[dt.date | None]:
    """One date per row: the same for all, or per program number (``programa_num``)."""
    if isinstance(value, Mapping):
        return [value.get(str(p)) for p in cut["programa_num"]]
    return [value] * len(cut)


def sipot_frame(cut: pd.DataFrame, anio: int, trimestre: int, *, fecha_validacion: SipotDate,
                fecha_actualizacion: SipotDate, ilustrativos: Collection[str] = ()) -> pd.DataFrame:
    """SIPOT *Indicadores de resultados* rows (columns ``SIPOT_COLUMNS``) from ``summary.at_cutoff``.

    The dates are one date for every row or a mapping program number → date (``approvals.sipot_dates``:
    validation = approval date, update = date of the revision shown).  A row without a validation date
    (figures not approved) leaves «Fecha de validación» empty and says why in «Nota»; a row of a program in
    ``ilustrativos`` (its avances still hold sample values) says so in «Nota»."""
    desde, hasta = quarter_dates(anio, trimestre)
    valor = pd.to_numeric(cut["valor_indicador"], errors="coerce")
    validacion = _dates_by_row(fecha_validacion, cut)
    actualizacion = _dates_by_row(fecha_actualizacion, cut)
    marked = _illustrative_rows(cut["programa_num"], ilustrativos)
    notes = [_sipot_note(row, anio, trimestre, bool(m)) + ("" if v else " " + SIPOT_NOT_APPROVED)
             for row, v, m in zip(cut.to_dict("records"), validacion, marked, strict=True)]
    # The plan's own indicator name (the official one, even when several rows share it); rows without one
    # (actions only in the cronograma, or «N/A») are named by their action — never blanks or «N/A».
    sin_ficha = cut["indicador"].map(lambda v: is_empty(v) or " ".join(str(v).split()).casefold()
                                     in PLACEHOLDER_NAMES)
    nombre = cut["indicador"].astype(object).where(~sin_ficha, cut["accion"].astype(object))

    def text(column: str, fallback: str | pd.Series) -> pd.Series:
        values = cut[column].astype(object)
        return values.where(~values.map(is_empty), fallback)

    metodo = cut["tipo_calculo"].map(lambda t: SIN_FICHA_METODO.get(str(t), SIN_FICHA))
    meta = pd.to_numeric(cut["meta_anual"], errors="coerce").astype(object)
    meta = meta.where(meta.notna(), cut["meta_texto"].astype(object) if "meta_texto" in cut else None)
    linea_base = [_sipot_baseline(row, anio, trimestre) for row in cut.to_dict("records")]
    frame = pd.DataFrame({
        SIPOT_COLUMNS[0]: int(anio),
        SIPOT_COLUMNS[1]: format_date(desde),
        SIPOT_COLUMNS[2]: format_date(hasta),
        SIPOT_COLUMNS[3]: cut["programa"],
        SIPOT_COLUMNS[4]: cut["objetivo"],
        SIPOT_COLUMNS[5]: nombre,
        SIPOT_COLUMNS[6]: text("dimension", SIN_FICHA),
        SIPOT_COLUMNS[7]: text("definicion", "Acción del programa: " + cut["accion"].fillna("").astype(str)),
        SIPOT_COLUMNS[8]: text("metodo_calculo", metodo),
        SIPOT_COLUMNS[9]: text("unidad_medida", SIN_FICHA_UNIDAD),
        SIPOT_COLUMNS[10]: cut["frecuencia"],
        SIPOT_COLUMNS[11]: linea_base,
        SIPOT_COLUMNS[12]: meta,
        SIPOT_COLUMNS[13]: pd.to_numeric(cut["meta_ajustada"], errors="coerce"),
        SIPOT_COLUMNS[14]: valor.round(2),
        SIPOT_COLUMNS[15]: cut["sentido"],
        SIPOT_COLUMNS[16]: text("fuente_informacion", SIN_FICHA),
        SIPOT_COLUMNS[17]: text("responsables", SIN_FICHA),
        SIPOT_COLUMNS[18]: [format_date(d) if d else "" for d in validacion],
        SIPOT_COLUMNS[19]: [format_date(d) if d else "" for d in actualizacion],
        SIPOT_COLUMNS[20]: notes,
    }, index=cut.index)
    return frame.reset_index(drop=True)


SIN_FICHA = "No especificado en el Plan Anual de Trabajo (acción sin ficha técnica)"
SIN_FICHA_UNIDAD = "Número de actividades realizadas"
SIN_FICHA_METODO = {
    TipoCalculo.CONTEO:
        "Suma de las actividades realizadas de enero al corte (conteo; acción sin ficha técnica)",
    TipoCalculo.HITO: "Hito: 100 si se alcanzó al corte, 0 si no (acción sin ficha técnica)",
}


def _sipot_baseline(row: dict[str, object], anio: int, trimestre: int) -> str:
    """Línea base as a value (the previous year's actual at the same cut-off), then the plan's text."""
    month = schema.QUARTER_NAMES[int(trimestre)].lower()
    value = row.get("linea_base_acumulada")
    if is_empty(value):
        head = f"Sin dato de {int(anio) - 1} al corte de {month}"
    else:
        head = f"{format_number(value)} ({int(anio) - 1}, acumulado a {month})"
    plan_text = row.get("linea_base")
    return head if is_empty(plan_text) else f"{head}. {' '.join(str(plan_text).split())}"


def _sipot_note(row: dict[str, object], anio: int, trimestre: int, ilustrativo: bool) -> str:
    tipo = str(row.get("tipo_calculo") or "")
    month = schema.QUARTER_NAMES[int(trimestre)]
    what = {
        TipoCalculo.AVANCE_META: f"Avance: porcentaje de la meta anual acumulado a {month} {anio}",
        TipoCalculo.PERIODO_ANTERIOR:
            "Avance: realizado del trimestre como porcentaje del trimestre anterior",
        TipoCalculo.ANIO_ANTERIOR:
            "Avance: realizado acumulado como porcentaje del mismo corte del año anterior",
        TipoCalculo.CONTEO: "Avance: número de casos acumulado en el año (indicador de conteo)",
        TipoCalculo.HITO: "Avance: 100 = hito alcanzado, 0 = no alcanzado",
    }.get(tipo, "Avance del indicador")
    parts = [what + "."]
    semaforo = row.get("semaforo")
    if is_empty(row.get("valor_indicador")):
        missing = missing_reports_text(row.get("reportes_faltantes") or ())
        parts.append(f"Sin dato reportado al corte: {missing}." if missing else "Sin dato reportado al corte.")
    else:
        parts.append(f"Semáforo: {indicator_status(semaforo, row.get('direccion_desvio'), icons=False)}.")
        if not is_empty(row.get("cumplimiento_pct")):
            pct = format_percent(row.get("cumplimiento_pct"))
            parts.append(f"Cumplimiento respecto de lo programado: {pct}.")
    if not is_empty(row.get("justificacion")):
        parts.append(f"Justificación: {' '.join(str(row['justificacion']).split())}")
    if ilustrativo:
        parts.append(ILUSTRATIVO_NOTE)
    return " ".join(parts)


def to_sipot_excel_bytes(frame: pd.DataFrame) -> bytes:
    """One sheet ``Indicadores de resultados`` with the SIPOT columns, header frozen, text cells as text."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Indicadores de resultados"
    _write_sheet(ws, frame[list(SIPOT_COLUMNS)], percent_headers=())
    return _workbook_bytes(wb)
