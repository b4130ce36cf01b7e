"""Checks of a workbook's file container, BEFORE any parser sees it.

An .xlsx is a zip archive.  Before python-calamine parses anything, :func:`check_container` looks at the
first bytes (is it a zip at all, or an .xls, PDF, CSV…?), the size, and the zip central directory only
(never inflating a member): that it holds an Excel workbook (not .xlsb/.ods/.docx), no macros, and no
"zip bomb" (total declared size, compression ratio per large member).  Only the container's own
exceptions (zipfile's, OSError) are caught here; each finding is a :class:`Finding` (what was found, what
was expected, in Spanish) that :mod:`mpi_dash.workbook` reports as a file-level problem.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from mpi_dash.formatting import format_number

Source = str | Path | bytes | bytearray | memoryview

MIB = 1024 * 1024

XLSX_EXPECTED = "un libro de Excel .xlsx (guárdelo con «Libro de Excel (*.xlsx)»)"

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Limits:
    """Safety limits of a workbook: the file and its zip container are checked before parsing
    (:func:`check_container`); ``max_rows`` is checked by the reader, per sheet, before converting it."""

    max_file_bytes: int = 20 * MIB
    max_uncompressed_bytes: int = 400 * MIB
    max_compression_ratio: float = 200.0
    # Members smaller than this are not ratio-checked (tiny XML parts compress very well).
    ratio_check_min_bytes: int = 1 * MIB
    max_rows: int = 500_000  # data rows per sheet


DEFAULT_LIMITS = Limits()


class Finding(NamedTuple):
    """A file-level problem: what was found and what was expected (Spanish)."""

    valor: str
    esperado: str


class Opened(NamedTuple):
    """A source ready to check and parse: its first bytes, size, and what zipfile / the parser open."""

    head: bytes
    size: int
    zip_source: object
    book_source: object


def open_source(source: Source) -> Opened | Finding:
    """Bytes or a path → :class:`Opened`; a path that is not a readable regular file → :class:`Finding`."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return Opened(data[:8], len(data), io.BytesIO(data), io.BytesIO(data))
    path = Path(source)
    if path.exists() and not path.is_file():  # a folder, a FIFO, a device: never open it
        return Finding(str(path), "un archivo .xlsx (no una carpeta ni un dispositivo)")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        return Finding(str(path), "un archivo existente y legible")
    return Opened(head, size, path, path)


def describe_non_zip(head: bytes) -> str:
    """A Spanish description of what a non-zip file looks like."""
    if head.startswith(_OLE_SIGNATURE):
        return "un libro .xls antiguo (Excel 97-2003) o un libro protegido con contraseña"
    if head.startswith(b"%PDF"):
        return "un documento PDF"
    if head.startswith(b"{\\rtf"):
        return "un documento RTF"
    if head.lstrip().startswith((b"<", b"\xef\xbb\xbf<")):
        return "un documento HTML/XML"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError:
            return "un archivo de contenido desconocido"
    return "un archivo de texto (por ejemplo CSV)"


def check_container(opened: Opened, limits: Limits = DEFAULT_LIMITS) -> list[Finding]:
    """File-level checks BEFORE parsing: size, signature, zip directory, bombs, macros ([] = fine)."""
    size = opened.size
    if size == 0:
        return [Finding("0 bytes (archivo vacío)", "un libro de Excel .xlsx con datos")]
    if size > limits.max_file_bytes:
        return [Finding(f"{format_number(size)} bytes",
                        f"un archivo de a lo más {format_number(limits.max_file_bytes)} bytes")]
    if not opened.head.startswith(_ZIP_SIGNATURES):
        return [Finding(describe_non_zip(opened.head), XLSX_EXPECTED)]
    try:
        with zipfile.ZipFile(opened.zip_source) as archive:  # reads only the central directory
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        # what zipfile raises for a damaged or truncated central directory
        return [Finding("un archivo ZIP dañado o incompleto", XLSX_EXPECTED)]
    names = {info.filename.lower().lstrip("/") for info in infos}
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            found = "un libro binario de Excel (.xlsb)"
        elif "content.xml" in names:
            found = "una hoja de cálculo OpenDocument (.ods)"
        elif "word/document.xml" in names:
            found = "un documento de Word (.docx)"
        else:
            found = "un archivo ZIP que no contiene un libro de Excel (falta xl/workbook.xml)"
        return [Finding(found, XLSX_EXPECTED)]
    findings: list[Finding] = []
    if any(n.endswith("vbaproject.bin") or n.startswith("xl/macrosheets/") for n in names):
        findings.append(Finding(
            "un libro con macros (.xlsm: contiene xl/vbaProject.bin o hojas de macros)",
            "un libro .xlsx sin macros (guárdelo como «Libro de Excel (*.xlsx)»)",
        ))
    total = sum(max(info.file_size, 0) for info in infos)
    if total > limits.max_uncompressed_bytes:
        findings.append(Finding(
            f"{format_number(total)} bytes sin comprimir",
            f"a lo más {format_number(limits.max_uncompressed_bytes)} bytes sin comprimir "
            "(posible «bomba ZIP»)",
        ))
    for info in infos:
        if info.file_size < limits.ratio_check_min_bytes:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            findings.append(Finding(
                f"la parte {info.filename} con razón de compresión {ratio:,.0f} a 1",
                f"una razón de compresión de a lo más {limits.max_compression_ratio:,.0f} a 1 "
                "(posible «bomba ZIP»)",
            ))
            break
    return findings


# --------------------------------------------------------------------------- formula cells
# python-calamine (0.9.1) gives a formula cell's cached result (<v>) and nothing for a formula without one,
# with no way to tell it was a formula: the sheet's XML part is read here (defusedxml, streaming).
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_FORMULA_NEEDLES = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_SCAN_CHUNK = 1 << 20


class FormulaCell(NamedTuple):
    """A formula cell of a sheet: Excel row number, 0-based column, and whether the file stores its result."""

    fila: int
    columna: int
    con_valor: bool


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member holding ``sheet_name`` (through xl/workbook.xml and its relationships)."""
    from defusedxml import ElementTree

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rel_id = None
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        if sheet.get("name") == sheet_name:
            rel_id = sheet.get(f"{_REL_NS}id")
            break
    if rel_id is None:
        return None
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_PKG_REL_NS}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts: list[str] = []
            for piece in path.split("/"):  # resolve "../" in targets
                if piece == "..":
                    if parts:
                        parts.pop()
                elif piece and piece != ".":
                    parts.append(piece)
            return "/".join(parts)
    return None


def _has_formula(archive: zipfile.ZipFile, member: str) -> bool:
    """Whether the part contains a formula element at all (a cheap streaming scan, no XML parse)."""
    with archive.open(member) as handle:
        tail = b""
        while chunk := handle.read(_SCAN_CHUNK):
            window = tail + chunk
            # plain finds first (C speed); a hit is confirmed by the tag pattern (a text may contain ":f ")
            if any(needle in window for needle in _FORMULA_NEEDLES) and _FORMULA_TAG.search(window):
                return True
            tail = chunk[-64:]
    return False


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - 64)
    return index - 1


def formula_cells(source: object, sheet_name: str) -> list[FormulaCell]:
    """Every formula cell of ``sheet_name`` ([] when there is none, or the part cannot be found/read).

    ``source``: what :class:`zipfile.ZipFile` opens (``Opened.zip_source``).  The container was checked
    before (:func:`check_container`); the XML is parsed with defusedxml (no entities, no DTD).
    """
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    if isinstance(source, io.BytesIO):
        source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:  # type: ignore[arg-type]
            member = _sheet_part(archive, sheet_name)
            if member is None or not _has_formula(archive, member):
                return []
            found: list[FormulaCell] = []
            with archive.open(member) as handle:
                for _event, element in ElementTree.iterparse(handle, events=("end",)):
                    if element.tag != f"{_MAIN_NS}c":
                        continue
                    if element.find(f"{_MAIN_NS}f") is not None:
                        ref = _CELL_REF.match(element.get("r", ""))
                        if ref:
                            value = element.find(f"{_MAIN_NS}v")
                            inline = element.find(f"{_MAIN_NS}is")
                            has_value = (value is not None and (value.text or "") != "") or inline is not None
                            found.append(FormulaCell(int(ref.group(2)), _column_index(ref.group(1)), has_value))
                    element.clear()
            return found
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, DefusedXmlException, SyntaxError):
        return []  # the reader reports an unreadable sheet on its own
