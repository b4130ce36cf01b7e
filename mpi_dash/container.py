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
