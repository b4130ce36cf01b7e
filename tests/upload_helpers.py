"""Shared builders for the upload/store tests: a tiny plan in memory and xlsx files written from it.

Every workbook is built in memory with openpyxl (headers from ``mpi_dash.schema``), so the tests do not
depend on the bundled workbook's content.  ``BAD_UPLOADS`` maps each validation error class to a
function returning the bytes of an upload with that problem.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
import pytest

from mpi_dash.accounts import CliActor
from mpi_dash.schema import (
    AVANCES_COLUMNS,
    PARAMETROS_COLUMNS,
    PLAN_COLUMNS,
    SHEET_AVANCES,
    SHEET_PARAMETROS,
    SHEET_PLAN,
)

PLAN_HEADERS = {c.name: c.header for c in PLAN_COLUMNS}
AVANCES_HEADERS = {c.name: c.header for c in AVANCES_COLUMNS}


def plan_row(clave: str, anio: int, **over: object) -> dict[str, object]:
    """A complete plan row with sensible texts (override any column by internal name)."""
    row: dict[str, object] = {
        "clave": clave, "anio": anio, "programa": f"{clave.split('.')[0]}. PROGRAMA", "objetivo": "Objetivo",
        "accion": f"Acción {clave}", "indicador": f"Indicador {clave}", "dimension": "Eficacia",
        "definicion": "Definición", "metodo_calculo": "M1 = (A/B)*100", "unidad_medida": "Sesiones",
        "meta_anual": 4.0, "meta_ajustada": None, "tipo_calculo": "avance_meta", "acumulacion": "acumulado",
        "frecuencia": "Trimestral", "sentido": "Ascendente", "programado_t1": None, "programado_t2": None,
        "programado_t3": None, "programado_t4": None, "linea_base": "2022", "responsables": "Dirección",
        "fuente_informacion": "Actas", "verde_min": None, "verde_max": None, "amarillo_min": None,
        "amarillo_max": None, "meta_texto": None, "origen": "Ficha técnica", "notas": None,
    }
    row.update(over)
    return row


def sample_plan(years: tuple[int, ...] = (2022, 2023)) -> pd.DataFrame:
    """Three indicators per year: 1.1.1 (avance_meta, 1 a quarter), 1.2.1 (periodo_anterior), 6 (hito, T1)."""
    rows = []
    for year in years:
        rows.append(plan_row("1.1.1", year, programado_t1=1.0, programado_t2=1.0, programado_t3=1.0,
                             programado_t4=1.0))
        rows.append(plan_row("1.2.1", year, meta_anual=None, tipo_calculo="periodo_anterior",
                             unidad_medida="Casos"))
        rows.append(plan_row("6", year, meta_anual=1.0, tipo_calculo="hito", programado_t1=1.0,
                             unidad_medida="Plan aprobado"))
    return pd.DataFrame(rows)


def sample_avances() -> pd.DataFrame:
    rows = [("1.1.1", 2022, q, 1.0, None, None) for q in range(1, 5)]
    rows += [("1.2.1", 2022, q, 10.0 + q, None, None) for q in range(1, 5)]
    rows += [("1.1.1", 2023, 1, 1.0, None, "Acta 1/2023"), ("1.1.1", 2023, 2, 1.0, None, "Acta 2/2023"),
             ("1.2.1", 2023, 1, 12.0, None, None), ("6", 2023, 1, 1.0, None, None)]
    return pd.DataFrame(rows, columns=[c.name for c in AVANCES_COLUMNS])


SAMPLE_PARAMETROS: dict[str, float] = {"verde_min": 90.0, "verde_max": 110.0, "amarillo_min": 70.0,
                                       "amarillo_max": 130.0, "datos_ilustrativos": 1.0}


def sample_snapshot():  # noqa: ANN201 - mpi_dash.snapshot.Snapshot
    """The sample plan, avances and parámetros as a canonical snapshot (what the seeded test db holds)."""
    from mpi_dash.snapshot import make_snapshot

    return make_snapshot(sample_plan(), sample_avances(), SAMPLE_PARAMETROS)


def avances_frame(*rows: tuple[object, ...]) -> pd.DataFrame:
    """Uploaded avances rows as a frame: (clave, anio, trimestre, realizado[, justificacion, evidencia])."""
    full = [tuple(r) + (None,) * (6 - len(r)) for r in rows]
    return pd.DataFrame(full, columns=[c.name for c in AVANCES_COLUMNS])


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def workbook_bytes(plan: pd.DataFrame | None = None, avances: pd.DataFrame | None = None,
                   parametros: Mapping[str, float] | None = None, *,
                   avances_rows: list[list[object]] | None = None,
                   avances_headers: list[str] | None = None,
                   plan_overrides: Mapping[tuple[int, str], object] | None = None,
                   parametros_rows: list[list[object]] | None = None) -> bytes:
    """An xlsx with the given sheets (None → sheet absent).

    ``avances_rows``/``avances_headers`` write the Avances sheet verbatim (to build bad input);
    ``plan_overrides`` replaces Plan cells by (data row index, internal column name);
    ``parametros_rows`` writes the Parámetros sheet verbatim (instead of ``parametros``).
    """
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    if plan is not None:
        ws = wb.create_sheet(SHEET_PLAN)
        names = [c.name for c in PLAN_COLUMNS]
        ws.append([PLAN_HEADERS[n] for n in names])
        for i, rec in enumerate(plan.to_dict(orient="records")):
            values = [_cell(rec.get(n)) for n in names]
            for (row_i, col), value in (plan_overrides or {}).items():
                if row_i == i:
                    values[names.index(col)] = value
            ws.append(values)
    if avances is not None or avances_rows is not None:
        ws = wb.create_sheet(SHEET_AVANCES)
        headers = avances_headers or [c.header for c in AVANCES_COLUMNS]
        ws.append(headers)
        if avances_rows is not None:
            for row in avances_rows:
                ws.append(row)
        else:
            for rec in avances.to_dict(orient="records"):
                ws.append([_cell(rec.get(c.name)) for c in AVANCES_COLUMNS])
    if parametros is not None or parametros_rows is not None:
        ws = wb.create_sheet(SHEET_PARAMETROS)
        ws.append([c.header for c in PARAMETROS_COLUMNS])
        rows = parametros_rows if parametros_rows is not None else [
            [name, value, ""] for name, value in (parametros or {}).items()]
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@functools.cache
def seed_bytes() -> bytes:
    """The seed workbook of the tests: sample plan, avances and parámetros.

    Built once: openpyxl stamps the save time into the file, so two builds a second apart differ and a
    test comparing the stored sha256 with a rebuilt file would be flaky.
    """
    return workbook_bytes(sample_plan(), sample_avances(), SAMPLE_PARAMETROS)


def make_db(tmp_path: Path, name: str = "mpi.sqlite") -> Path:
    """A new database under ``tmp_path`` seeded (revision 1) from :func:`seed_bytes`; its path."""
    from mpi_dash.store import Store

    seed = tmp_path / "seed_plan.xlsx"
    seed.write_bytes(seed_bytes())
    path = tmp_path / name
    Store(path, seed=seed).latest_revision()  # creates, migrates and seeds
    return path


@pytest.fixture
def another_import_lands_first(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Race an import: call the returned function, and the NEXT validation (``Store.prepare_upload``) is
    followed by another person's import into the same database (Beto sets 1.2.1 Junio 2023 = 20), so the
    upload being validated reaches its commit with a newer latest revision (rebase or conflict)."""
    from mpi_dash.store import Store

    def arm() -> None:
        original = Store.prepare_upload

        def racing(self: Store, content: bytes, filename: str, **kwargs: object) -> object:
            preview = original(self, content, filename, **kwargs)
            monkeypatch.setattr(Store, "prepare_upload", original)
            self.import_file(upload_bytes([("1.2.1", 2023, "Junio", 20.0)]), "otro.xlsx", actor=CliActor("Beto"),
                             comment="se adelantó")
            return preview

        monkeypatch.setattr(Store, "prepare_upload", racing)

    return arm


def upload_bytes(rows: list[tuple[str, int, object, object]], **kw: object) -> bytes:
    """An upload with only an Avances sheet: rows of (clave, año, trimestre, realizado[, just, evid])."""
    full = [list(r) + [None] * (6 - len(r)) for r in rows]
    return workbook_bytes(avances_rows=full, **kw)


# --------------------------------------------------------------------------- bad uploads, one per error class
def _with_member(content: bytes, name: str, data: bytes, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a", compression=compress) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def _good_upload() -> bytes:
    return upload_bytes([("1.1.1", 2023, "Junio", 2.0)])


def _empty_workbook() -> bytes:
    return workbook_bytes(avances_rows=[])


def _oversized() -> bytes:
    # 2 MiB of incompressible bytes stored in a valid xlsx (the tests set a 1 MiB upload limit).
    import os

    noise = os.urandom(2 * 1024 * 1024)
    return _with_member(_good_upload(), "xl/media/image1.bin", noise, zipfile.ZIP_STORED)


def _zip_bomb() -> bytes:
    return _with_member(_good_upload(), "xl/media/zeros.bin", b"\0" * (40 * 1024 * 1024))


def _rows(*rows: tuple[object, ...]) -> Callable[[], bytes]:
    return lambda: upload_bytes([tuple(r) for r in rows])  # type: ignore[misc]


def _plan_upload(**override: object) -> Callable[[], bytes]:
    def build() -> bytes:
        plan = sample_plan((2023,))
        return workbook_bytes(plan, avances_rows=[["1.1.1", 2023, "Junio", 2.0, None, None]],
                              plan_overrides={(0, k): v for k, v in override.items()})
    return build


def _zip_of(members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@functools.cache
def _too_much_uncompressed() -> bytes:
    """401 members of 1 MiB − 1 zero bytes: each below the per-member ratio check (1 MiB), together more
    than the 400 MiB of declared uncompressed size allowed; ~0.4 MB on disk."""
    buffer = io.BytesIO(_good_upload())
    chunk = b"\0" * (1024 * 1024 - 1)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(401):
            archive.writestr(f"xl/media/relleno{i}.bin", chunk)
    return buffer.getvalue()


def _unreadable_sheet() -> bytes:
    """A valid container whose Avances sheet XML is garbage (the parser fails on that sheet)."""
    source = zipfile.ZipFile(io.BytesIO(_good_upload()))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c r='A1' t='s'><v>no"
    return _zip_of(members)


def _plan_duplicate_key() -> bytes:
    plan = sample_plan((2023,))
    return workbook_bytes(plan, avances_rows=[["1.1.1", 2023, "Junio", 2.0, None, None]],
                          plan_overrides={(1, "clave"): "1.1.1"})


def _parametros(rows: list[list[object]]) -> Callable[[], bytes]:
    return lambda: workbook_bytes(avances_rows=[["1.1.1", 2023, "Junio", 2.0, None, None]],
                                  parametros_rows=rows)


BAD_UPLOADS: dict[str, Callable[[], bytes]] = {
    "csv_renombrado": lambda: "Clave,Año,Trimestre,Realizado\n1.1.1,2023,Junio,2\n".encode(),
    "pdf": lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "xls_antiguo": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
    "zip_danado": lambda: _good_upload()[:300],
    "vacio_0_bytes": lambda: b"",
    "libro_sin_datos": _empty_workbook,
    "demasiado_grande": _oversized,
    "bomba_zip": _zip_bomb,
    "con_macros": lambda: _with_member(_good_upload(), "xl/vbaProject.bin", b"macro" * 100),
    "falta_hoja_avances": lambda: workbook_bytes(parametros={"verde_min": 90.0}),
    "falta_columna_realizado": lambda: workbook_bytes(avances_rows=[["1.1.1", 2023, "Junio"]],
                                                      avances_headers=["Clave", "Año", "Trimestre"]),
    "clave_duplicada": _rows(("1.1.1", 2023, "Junio", 2.0), ("1.1.1", 2023, "T2", 3.0)),
    "clave_desconocida": _rows(("9.9.9", 2023, "Junio", 2.0)),
    "trimestre_fuera_de_rango": _rows(("1.1.1", 2023, 5, 2.0)),
    "realizado_texto": _rows(("1.1.1", 2023, "Junio", "dos")),
    "realizado_negativo": _rows(("1.1.1", 2023, "Junio", -1.0)),
    "anio_no_entero": _rows(("1.1.1", 2023.5, "Junio", 2.0)),
    "meta_no_numerica": _plan_upload(meta_anual="cuatro"),
    "tipo_calculo_desconocido": _plan_upload(tipo_calculo="promedio"),
    "demasiadas_filas": _rows(("1.1.1", 2023, "Marzo", 1.0), ("1.1.1", 2023, "Junio", 1.0),
                              ("1.1.1", 2023, "Septiembre", 1.0)),
    "columna_repetida": lambda: workbook_bytes(
        avances_rows=[["1.1.1", 2023, "Junio", 2.0, 3.0]],
        avances_headers=["Clave", "Año", "Trimestre", "Realizado", "Realizado"]),
    "clave_vacia": _rows((None, 2023, "Junio", 2.0)),
    "parametro_no_numerico": _parametros([["verde_min", "noventa", ""]]),
    "parametro_duplicado": _parametros([["verde_min", 90.0, ""], ["Verde_Min", 85.0, ""]]),
    "parametros_desordenados": _parametros([["amarillo_min", 95.0, ""], ["verde_min", 90.0, ""],
                                            ["verde_max", 110.0, ""], ["amarillo_max", 130.0, ""]]),
    "plan_umbrales_desordenados": _plan_upload(verde_min=90.0, verde_max=80.0, amarillo_min=70.0,
                                               amarillo_max=130.0),
    "plan_clave_duplicada": _plan_duplicate_key,
    "ods_renombrado": lambda: _zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                       "content.xml": b"<office:document-content/>"}),
    "xlsb_renombrado": lambda: _zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01"}),
    "docx_renombrado": lambda: _zip_of({"[Content_Types].xml": b"<Types/>",
                                        "word/document.xml": b"<w:document/>"}),
    "zip_sin_libro": lambda: _zip_of({"hola.txt": b"no es un libro"}),
    "demasiado_sin_comprimir": _too_much_uncompressed,
    "hoja_ilegible": _unreadable_sheet,
}
# What the error says, for the cases added after review 4 (each must be rejected for ITS reason).
BAD_UPLOAD_MESSAGES: dict[str, str] = {
    "columna_repetida": 'una sola columna "Realizado" (está repetida)',
    "clave_vacia": 'fila 2, columna "Clave": la celda está vacía',
    "parametro_no_numerico": 'se encontró "noventa"; se esperaba un número',
    "parametro_duplicado": "un solo renglón por parámetro (ya aparece en la fila 2)",
    "parametros_desordenados": "amarillo_min ≤ verde_min ≤ verde_max ≤ amarillo_max",
    "plan_umbrales_desordenados": "Amarillo mín ≤ Verde mín ≤ Verde máx ≤ Amarillo máx",
    "plan_clave_duplicada": "una sola fila por Clave y Año",
    "ods_renombrado": "OpenDocument (.ods)",
    "xlsb_renombrado": "libro binario de Excel (.xlsb)",
    "docx_renombrado": "documento de Word (.docx)",
    "zip_sin_libro": "falta xl/workbook.xml",
    "demasiado_sin_comprimir": "bytes sin comprimir",
    "hoja_ilegible": "la hoja no se pudo leer",
}
# Limits the tests run with (environment of the page/CLI): 1 MiB files, 2 rows per sheet only for the
# "demasiadas_filas" case (set per case by the tests through MPI_DASH_MAX_UPLOAD_ROWS).
TEST_MAX_UPLOAD_MB = "1"
ROW_LIMIT_CASE = "demasiadas_filas"


ACCOUNT_TABLES = ("cuentas", "intentos", "sesiones", "bitacora", "claves")


def data_sql(path: Path | str) -> str:
    """The SQL dump of a database without the rows of the account tables (signing in writes those): equal
    before and after means no data was saved."""
    from mpi_dash.store import Store

    skip = tuple(f'INSERT INTO "{t}"' for t in ACCOUNT_TABLES)
    return "\n".join(line for line in Store(path).dump_sql().splitlines() if not line.startswith(skip))
