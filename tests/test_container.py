"""Container checks on their own (the reader's file-level problems are in test_workbook)."""

from __future__ import annotations

import io
import zipfile

import pytest

from mpi_dash.container import Finding, Limits, Opened, check_container, describe_non_zip, open_source


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _check(data: bytes, limits: Limits = Limits()) -> list[Finding]:
    opened = open_source(data)
    assert isinstance(opened, Opened)
    return check_container(opened, limits)


@pytest.mark.parametrize(("head", "expected"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls antiguo"),
    (b"%PDF-1.7", "PDF"),
    (b"Clave,A", "texto"),
    (b"\xef\xbb\xbf<html", "HTML"),
    (b"\x00\xff\xfe\x81\x9d", "desconocido"),
])
def test_non_zip_files_are_named(head: bytes, expected: str) -> None:
    assert expected in describe_non_zip(head)
    [finding] = _check(head + b" " * 10)
    assert expected in finding.valor and ".xlsx" in finding.esperado


def test_a_minimal_workbook_container_passes() -> None:
    assert _check(_zip({"xl/workbook.xml": b"<workbook/>"})) == []


@pytest.mark.parametrize(("members", "found"), [
    ({"xl/workbook.bin": b"x"}, ".xlsb"),
    ({"content.xml": b"x"}, ".ods"),
    ({"word/document.xml": b"x"}, ".docx"),
    ({"otro.txt": b"x"}, "falta xl/workbook.xml"),
])
def test_zip_that_is_not_an_xlsx(members: dict[str, bytes], found: str) -> None:
    [finding] = _check(_zip(members))
    assert found in finding.valor


def test_macros_and_bombs_are_all_reported() -> None:
    data = _zip({"xl/workbook.xml": b"<workbook/>", "xl/vbaProject.bin": b"x",
                 "xl/big.xml": b"0" * 3_000_000})
    findings = _check(data, Limits(max_uncompressed_bytes=1_000_000))
    assert [("macros" in f.valor, "sin comprimir" in f.valor, "razón" in f.valor) for f in findings] == [
        (True, False, False), (False, True, False), (False, False, True)]
    assert "3,000," in findings[1].valor                                    # es-MX grouping


def test_size_limits_come_first() -> None:
    assert _check(b"")[0].valor == "0 bytes (archivo vacío)"
    [finding] = _check(_zip({"xl/workbook.xml": b"x"}), Limits(max_file_bytes=10))
    assert "bytes" in finding.valor and "a lo más 10 bytes" in finding.esperado


def test_damaged_zip_directory() -> None:
    [finding] = _check(b"PK\x03\x04" + b"\x00" * 40)
    assert finding.valor == "un archivo ZIP dañado o incompleto"


def test_paths(tmp_path) -> None:
    folder, missing = open_source(tmp_path), open_source(tmp_path / "no.xlsx")
    assert isinstance(folder, Finding) and folder.esperado.startswith("un archivo .xlsx (no una carpeta")
    assert isinstance(missing, Finding) and missing.esperado == "un archivo existente y legible"
    path = tmp_path / "libro.xlsx"
    path.write_bytes(_zip({"xl/workbook.xml": b"x"}))
    opened = open_source(path)
    assert isinstance(opened, Opened) and opened.head.startswith(b"PK") and opened.book_source == path
    assert check_container(opened) == []
