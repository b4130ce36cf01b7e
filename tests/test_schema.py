"""Tests for the workbook contract vocabulary (mpi_dash.schema)."""

import pytest

from mpi_dash import schema


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Método de cálculo", "metodo de calculo"),
        ("  MÉTODO   DE  CÁLCULO ", "metodo de calculo"),
        ("Año", "ano"),
        ("año", "ano"),
        ("Parámetros", "parametros"),
        ("Verde\tmín", "verde min"),
        (None, ""),
        (2023, "2023"),
    ],
)
def test_normalize_header(raw: object, expected: str) -> None:
    assert schema.normalize_header(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, 1),
        (4, 4),
        (2.0, 2),
        ("3", 3),
        ("T1", 1),
        ("t4", 4),
        (" T 2 ", 2),
        ("Marzo", 1),
        ("JUNIO", 2),
        ("septiembre", 3),
        ("Diciembre ", 4),
        (0, None),
        (5, None),
        (2.5, None),
        ("T5", None),
        ("Enero", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_quarter(raw: object, expected: int | None) -> None:
    assert schema.parse_quarter(raw) == expected


@pytest.mark.parametrize(
    ("clave", "program"), [("1.1.1", "1"), ("1.2.2.a", "1"), ("6", "6"), (" 5.4", "5")]
)
def test_program_number(clave: str, program: str) -> None:
    assert schema.program_number(clave) == program


def test_headers_are_unique_after_normalisation() -> None:
    for columns in (schema.PLAN_COLUMNS, schema.AVANCES_COLUMNS, schema.PARAMETROS_COLUMNS):
        folded = [schema.normalize_header(c.header) for c in columns]
        assert len(folded) == len(set(folded))
        names = [c.name for c in columns]
        assert len(names) == len(set(names))


def test_default_thresholds_are_ordered() -> None:
    t = schema.DEFAULT_THRESHOLDS
    assert t["amarillo_min"] < t["verde_min"] < t["verde_max"] < t["amarillo_max"]
