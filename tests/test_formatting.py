"""es-MX formatting: numbers, percentages, dates, semáforo labels, indicator values."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from mpi_dash import formatting as fmt
from mpi_dash import schema


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, None, "1,234.5"),
        (1234, None, "1,234"),
        (1234567.25, 2, "1,234,567.25"),
        (0.04, 1, "0.0"),
        (-0.04, 1, "0.0"),
        (-1500.0, 1, "-1,500.0"),
        (87.54, None, "87.5"),
        (None, None, "—"),
        (math.nan, 1, "—"),
        (math.inf, 1, "—"),
        (pd.NA, 1, "—"),
    ],
)
def test_format_number(value, decimals, expected):
    assert fmt.format_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(87.5, "87.5 %"), (100, "100.0 %"), (1234.56, "1,234.6 %"), (0, "0.0 %"), (math.nan, "—"), (None, "—")],
)
def test_format_percent(value, expected):
    assert fmt.format_percent(value) == expected


def test_every_semaforo_has_icon_and_word():
    for value in schema.SEMAFOROS:
        label = fmt.semaforo_label(value)
        icon, word = label.split(" ", 1)
        assert icon and word == fmt.SEMAFORO_WORDS[value]
        assert value in fmt.SEMAFORO_COLORS and value in fmt.SEMAFORO_FILLS


@pytest.mark.parametrize(
    ("value", "expected"),
    [("verde", "🟢 Verde"), ("rojo", "🔴 Rojo"), ("sin_meta", "— Sin meta"), (None, "⚪ Sin dato"),
     (math.nan, "⚪ Sin dato"), ("desconocido", "⚪ Sin dato")],
)
def test_semaforo_label(value, expected):
    assert fmt.semaforo_label(value) == expected


@pytest.mark.parametrize(
    ("anio", "k", "start", "end"),
    [(2023, 1, dt.date(2023, 1, 1), dt.date(2023, 3, 31)),
     (2023, 2, dt.date(2023, 4, 1), dt.date(2023, 6, 30)),
     (2024, 3, dt.date(2024, 7, 1), dt.date(2024, 9, 30)),   # leap year: no effect on quarter ends
     (2023, 4, dt.date(2023, 10, 1), dt.date(2023, 12, 31))],
)
def test_quarter_dates(anio, k, start, end):
    assert fmt.quarter_dates(anio, k) == (start, end)


def test_quarter_dates_rejects_bad_quarter():
    with pytest.raises(ValueError, match="Trimestre inválido"):
        fmt.quarter_dates(2023, 5)


def test_dates_and_quarters():
    assert fmt.format_date(dt.date(2023, 6, 30)) == "30/06/2023"
    assert fmt.format_date(None) == "—"
    assert [fmt.quarter_label(k) for k in range(1, 5)] == list(schema.QUARTER_NAMES.values())
    assert fmt.cutoff_label(2023, 2) == "corte a Junio 2023 (abril–junio)"


@pytest.mark.parametrize(
    ("valor", "tipo", "unidad", "expected"),
    [
        (87.5, "avance_meta", None, "87.5 % de la meta"),
        (120, "periodo_anterior", None, "120.0 % del trimestre anterior"),
        (95.25, "anio_anterior", None, "95.2 % del año anterior"),
        (1234, "conteo", "Atenciones", "1,234 (atenciones)"),
        (100, "hito", None, "✅ Alcanzado"),
        (0, "hito", None, "⏳ No alcanzado"),
        (math.nan, "hito", None, "—"),
        (math.nan, "avance_meta", None, "—"),
    ],
)
def test_format_indicator_value(valor, tipo, unidad, expected):
    assert fmt.format_indicator_value(valor, tipo, unidad) == expected


@pytest.mark.parametrize(
    ("programa", "expected"),
    [
        ("2. COLABORACIÓN INTERINSTITUCIONAL", "Colaboración interinstitucional"),
        ("6. PLANEACIÓN ESTRATÉGICA 2023", "Planeación estratégica 2023"),
        ("3. ACCIONES DE PREVENCIÓN Y CAPACITACIÓN PARA EL EJERCICIO DE LA LIBERTAD DE EXPRESIÓN",
         "Acciones de prevención y capacitación…"),
        ("Programa ya en minúsculas", "Programa ya en minúsculas"),
        (None, "—"),
    ],
)
def test_short_program_name(programa, expected):
    assert fmt.short_program_name(programa) == expected


def test_tipo_calculo_labels_cover_schema():
    assert set(fmt.TIPO_CALCULO_LABELS) == set(schema.TIPOS_CALCULO)
    assert fmt.tipo_calculo_label("hito") == "Hito"


@pytest.mark.parametrize(("value", "expected"), [
    (7.5, "+7.5 %"), (-4, "-4.0 %"), (0, "0.0 %"), (math.nan, "—"), (1234.5, "+1,234.5 %"),
])
def test_format_signed_percent(value, expected):
    assert fmt.format_signed_percent(value) == expected
