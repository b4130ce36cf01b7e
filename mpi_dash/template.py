"""The upload template: an xlsx the coordinators fill in and upload back.

Sheet ``Avances`` has one row per indicator × quarter of one plan year, with the contract columns
(Clave, Año, Trimestre, Realizado, Justificación, Evidencia) plus reference columns the reader ignores
(Indicador, Unidad de medida, Meta anual, Programa).  Claves, years and names are pre-filled and locked
(sheet protection without password, to avoid accidents), Trimestre has a dropdown, Realizado accepts only
numbers ≥ 0, and the values already stored are pre-filled.  Sheet ``Instrucciones`` explains the steps and
shows the revision the template was made from (``Revisión base``).  The very hidden, protected sheet
``Base`` records that revision and what every editable cell held then (:func:`read_template_base`): the
store merges an upload cell by cell against it (``snapshot.merge_avances``), so a template never undoes a
colleague's later change and a cell both people changed is a conflict a person decides.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from mpi_dash.formatting import local_datetime, programs_text
from mpi_dash.schema import QUARTER_NAMES, SHEET_AVANCES, program_number
from mpi_dash.snapshot import Snapshot

INSTRUCTIONS_SHEET = "Instrucciones"
BASE_SHEET = "Base"  # very hidden: the template's base (revision + what each editable cell held)
BASE_REVISION_LABEL = "Revisión base"
BASE_HEADERS: tuple[str, ...] = ("Clave", "Año", "Trimestre", "Realizado", "Justificación", "Evidencia")
#: Sheets of a template besides «Avances» (the reader neither reads them nor warns about them).
TEMPLATE_SHEETS: tuple[str, ...] = (INSTRUCTIONS_SHEET, BASE_SHEET)
HEADERS: tuple[str, ...] = ("Clave", "Indicador", "Año", "Trimestre", "Realizado", "Justificación",
                            "Evidencia", "Unidad de medida", "Meta anual", "Programa")
EDITABLE: frozenset[str] = frozenset({"Trimestre", "Realizado", "Justificación", "Evidencia"})
WIDTHS = {"Clave": 10, "Indicador": 60, "Año": 8, "Trimestre": 14, "Realizado": 12, "Justificación": 50,
          "Evidencia": 40, "Unidad de medida": 28, "Meta anual": 12, "Programa": 50}

INSTRUCTIONS: tuple[str, ...] = (
    "Cómo llenar esta plantilla",
    "1. Escriba en la hoja «Avances» el valor realizado de cada indicador en la columna «Realizado» "
    "(solo números, con punto decimal: 12.5). Lo que ya estaba guardado aparece prellenado.",
    "2. Una celda «Realizado» vacía significa «sin reporte»: esa fila no se toma en cuenta (nunca se lee "
    "como 0). Si el valor realizado es cero, escriba 0.",
    "3. Si el avance está por debajo o por encima de lo programado, explique por qué en «Justificación» "
    "y anote el documento de respaldo en «Evidencia» (por ejemplo: «Acta de sesión ordinaria 2/2023»).",
    "4. No cambie «Clave», «Indicador», «Año» ni «Programa» (están bloqueadas). «Trimestre» se elige de la "
    "lista: Marzo, Junio, Septiembre o Diciembre.",
    "5. Deje las filas de otros programas tal como están (la hoja está protegida: no se pueden borrar "
    "filas). Solo se guardan los valores que cambian; las filas sin cambios no modifican nada. Una cuenta de "
    "coordinación ignora las filas de otros programas que no cambian; si una de ellas cambiara, no se guardaría "
    "nada.",
    "6. Guarde el archivo como «Libro de Excel (*.xlsx)» y súbalo en la página «Cargar avances» del tablero. "
    "Antes de guardar verá una vista previa de lo que cambia; nada se guarda hasta que usted confirme.",
    "7. Cada carga queda registrada como una revisión en «Historial», desde donde se puede consultar, "
    "descargar el archivo original o revertir.",
)


def template_year(snapshot: Snapshot) -> int:
    """Default year of the template: the latest year of the plan."""
    if snapshot.plan.empty:
        raise ValueError("El plan está vacío: no hay indicadores para la plantilla.")
    return int(snapshot.plan["anio"].max())


def template_rows(snapshot: Snapshot, anio: int, programas: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per indicator × quarter of ``anio`` (plan order), with stored values where they exist;
    only the indicators of ``programas`` (program numbers) when given — a coordinator's template."""
    plan = snapshot.plan[snapshot.plan["anio"] == anio]
    if programas is not None:
        plan = plan[plan["clave"].map(program_number).isin(set(programas))]
    plan = plan.reset_index(drop=True)
    if plan.empty:
        which = "" if programas is None else f" en {programs_text(programas, article=True)}"
        raise ValueError(f"El plan no tiene indicadores del año {anio}{which}.")
    n = len(plan)
    rows = pd.DataFrame({
        "clave": np.repeat(plan["clave"].to_numpy(dtype=object), 4),
        "anio": np.full(4 * n, anio, dtype=np.int64),
        "trimestre": np.tile(np.arange(1, 5, dtype=np.int64), n),
        "indicador": np.repeat(plan["indicador"].to_numpy(dtype=object), 4),
        "unidad_medida": np.repeat(plan["unidad_medida"].to_numpy(dtype=object), 4),
        "meta_anual": np.repeat(plan["meta_anual"].to_numpy(dtype=float), 4),
        "programa": np.repeat(plan["programa"].to_numpy(dtype=object), 4),
    })
    stored = snapshot.avances[["clave", "anio", "trimestre", "realizado", "justificacion", "evidencia"]]
    return rows.merge(stored, on=["clave", "anio", "trimestre"], how="left", sort=False)


def _text(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def template_file_name(anio: int, revision: int, programas: Sequence[str] | None = None) -> str:
    """``plantilla_avances_2023_rev4.xlsx`` (``…_programas_1-3_rev4.xlsx`` for a coordination's programs):
    the year, the programs and the revision the template was made from, so a stale copy is recognisable."""
    suffix = "" if programas is None else "_programas_" + "-".join(programas)
    return f"plantilla_avances_{anio}{suffix}_rev{revision}.xlsx"


def build_template(snapshot: Snapshot, *, anio: int | None = None, revision: int | None = None,
                   now: datetime | None = None, programas: Iterable[str] | None = None) -> bytes:
    """The template xlsx (bytes) for ``anio`` (default: latest plan year) made from ``snapshot``; only the
    rows of ``programas`` when given (what a coordination account may upload)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    year = template_year(snapshot) if anio is None else int(anio)
    rows = template_rows(snapshot, year, programas)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_AVANCES
    ws.append(list(HEADERS))
    header_fill = PatternFill("solid", fgColor="9F2241")
    locked_fill = PatternFill("solid", fgColor="F3EEE8")
    for col, name in enumerate(HEADERS, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS[name]
    values = {
        "Clave": rows["clave"], "Indicador": rows["indicador"], "Año": rows["anio"],
        "Trimestre": rows["trimestre"].map(QUARTER_NAMES), "Realizado": rows["realizado"],
        "Justificación": rows["justificacion"], "Evidencia": rows["evidencia"],
        "Unidad de medida": rows["unidad_medida"], "Meta anual": rows["meta_anual"],
        "Programa": rows["programa"],
    }
    columns = [[_text(v) for v in values[name].tolist()] for name in HEADERS]
    unlocked = Protection(locked=False)
    for r, record in enumerate(zip(*columns), start=2):
        for c, (name, value) in enumerate(zip(HEADERS, record), start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text is text: a leading "=" is never a formula
            if name in EDITABLE:
                cell.protection = unlocked
            else:
                cell.fill = locked_fill
            if name in ("Indicador", "Justificación", "Programa"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = len(rows) + 1
    col_of = {name: get_column_letter(i) for i, name in enumerate(HEADERS, start=1)}
    quarter = DataValidation(type="list", formula1='"' + ",".join(QUARTER_NAMES.values()) + '"',
                             allow_blank=False, showErrorMessage=True, errorTitle="Trimestre no válido",
                             error="Elija Marzo, Junio, Septiembre o Diciembre.")
    quarter.add(f"{col_of['Trimestre']}2:{col_of['Trimestre']}{last}")
    number = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="Realizado no válido",
                            error="Escriba un número mayor o igual a 0 (con punto decimal), o deje la celda "
                                  "vacía.",
                            showInputMessage=True, promptTitle="Realizado",
                            prompt="Número ≥ 0. Vacío = sin reporte (no se lee como 0).")
    number.add(f"{col_of['Realizado']}2:{col_of['Realizado']}{last}")
    ws.add_data_validation(quarter)
    ws.add_data_validation(number)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{len(rows) + 1}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False

    info = wb.create_sheet(INSTRUCTIONS_SHEET)
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 110
    stamp = f"{local_datetime(now or datetime.now(timezone.utc))} (hora de la Ciudad de México)"
    info.append(["Plantilla de avances", f"Plan Anual de Trabajo {year} · MPI CDMX"])
    info.append(["Año", year])
    if programas is not None:
        info.append(["Programas", ", ".join(sorted(set(programas), key=lambda p: (len(p), p)))])
    info.append([BASE_REVISION_LABEL, revision if revision is not None else ""])
    info.append(["Generada", stamp])
    meta_rows = info.max_row
    info.append([])
    for line in INSTRUCTIONS:
        info.append(["", line])
    for row in info.iter_rows(min_row=1, max_row=meta_rows):
        row[0].font = Font(bold=True)
    info.cell(row=meta_rows + 2, column=2).font = Font(bold=True, size=13)
    for row in info.iter_rows(min_row=meta_rows + 3):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    _add_base_sheet(wb, rows, revision, year)
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _add_base_sheet(wb: object, rows: pd.DataFrame, revision: int | None, year: int) -> None:
    """The very hidden, protected sheet recording the template's base: the revision and every editable
    cell as written in «Avances» (same rows, same order)."""
    import secrets

    base = wb.create_sheet(BASE_SHEET)  # type: ignore[attr-defined]
    base.append([BASE_REVISION_LABEL, revision if revision is not None else ""])
    base.append(["Año", year])
    base.append([])
    base.append(list(BASE_HEADERS))
    for record in zip(rows["clave"], rows["anio"], rows["trimestre"], rows["realizado"],
                      rows["justificacion"], rows["evidencia"]):
        values = [_text(v) for v in record]
        base.append(values)
        for cell, value in zip(base[base.max_row], values):
            if isinstance(value, str):
                cell.data_type = "s"
    base.sheet_state = "veryHidden"  # not listed by Excel's «Mostrar»; only the store reads it
    base.protection.sheet = True
    base.protection.password = secrets.token_hex(8)  # nobody edits the base by accident


@dataclass(frozen=True)
class TemplateBase:
    """What a template recorded about its origin: the revision, and the avances it held then (None for
    a template older than the «Base» sheet: the store then takes the data of that revision)."""

    revision: int
    avances: pd.DataFrame | None


def read_template_base(content: bytes) -> TemplateBase | None:
    """The base of a template (revision + cells, from its «Base» sheet; the revision alone from an older
    template's «Instrucciones»), or None when the file is not a template of this dashboard."""
    from python_calamine import CalamineWorkbook

    from mpi_dash.schema import normalize_header
    from mpi_dash.snapshot import conform_avances

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = {normalize_header(n): n for n in book.sheet_names}
        sheet = names.get(normalize_header(BASE_SHEET))
        if sheet is None:
            revision = read_base_revision(content)
            return None if revision is None else TemplateBase(revision, None)
        grid = book.get_sheet_by_name(sheet).to_python()
    except Exception:  # noqa: BLE001 - a damaged/unknown sheet simply means "not a template"
        return None
    revision = _whole(grid[0][1]) if grid and len(grid[0]) >= 2 else None
    if revision is None or len(grid) < 4 or tuple(grid[3][:6]) != BASE_HEADERS:
        return None
    body = [r[:6] for r in grid[4:] if any(v not in ("", None) for v in r[:6])]
    frame = pd.DataFrame(body, columns=["clave", "anio", "trimestre", "realizado", "justificacion",
                                        "evidencia"])
    frame = frame.replace("", None)
    return TemplateBase(revision, conform_avances(frame))


def _whole(value: object) -> int | None:
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return int(value) if is_number and float(value).is_integer() else None


def read_base_revision(content: bytes) -> int | None:
    """The ``Revisión base`` recorded in a template's Instrucciones sheet, or None (not a template)."""
    from python_calamine import CalamineWorkbook

    from mpi_dash.schema import normalize_header

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = {normalize_header(n): n for n in book.sheet_names}
        sheet = names.get(normalize_header(INSTRUCTIONS_SHEET))
        if sheet is None:
            return None
        for row in book.get_sheet_by_name(sheet).to_python(nrows=20):
            if len(row) >= 2 and normalize_header(row[0]) == normalize_header(BASE_REVISION_LABEL):
                value = row[1]
                is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
                if is_number and float(value).is_integer():
                    return int(value)
                return None
    except Exception:  # noqa: BLE001 - a damaged/unknown sheet simply means "not a template"
        return None
    return None
