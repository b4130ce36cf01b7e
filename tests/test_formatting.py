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
    [(87.5, "87.5\u00a0%"), (100, "100.0\u00a0%"), (1234.56, "1,234.6\u00a0%"), (0, "0.0\u00a0%"),
     (math.nan, "—"), (None, "—")],
)
def test_format_percent(value, expected):
    assert fmt.format_percent(value) == expected


def test_percent_sign_never_wraps_alone():
    """A non-breaking space before «%» (a normal space let «110⏎%» break onto two lines)."""
    assert fmt.PERCENT_SIGN == "\u00a0%"
    assert " %" not in fmt.format_percent(110) and " %" not in fmt.format_signed_percent(5)


@pytest.mark.parametrize(("value", "expected"), [(4.0, "4"), (1604.0, "1,604"), (2.5, "2.5"), (None, "—")])
def test_counts_without_decimal_zero(value, expected):
    assert fmt.format_count(value) == expected


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
    # the figures are year to date: the label says so (it said «abril–junio», contradicting the help text)
    assert fmt.cutoff_label(2023, 2) == "corte a Junio 2023 (acumulado enero–junio)"
    assert fmt.cutoff_label(2023, 4) == "corte a Diciembre 2023 (acumulado enero–diciembre)"


@pytest.mark.parametrize(
    ("valor", "tipo", "unidad", "expected"),
    [
        (87.5, "avance_meta", None, "87.5\u00a0% de la meta"),
        (120, "periodo_anterior", None, "120.0\u00a0% del trimestre anterior"),
        (95.25, "anio_anterior", None, "95.2\u00a0% del año anterior"),
        (1234, "conteo", "Atenciones", "1,234 (atenciones)"),
        (100, "hito", None, "✅ Alcanzado"),
        (0, "hito", None, "❌ No alcanzado"),
        (math.nan, "hito", None, "—"),
        (math.nan, "avance_meta", None, "—"),
    ],
)
def test_format_indicator_value(valor, tipo, unidad, expected):
    assert fmt.format_indicator_value(valor, tipo, unidad) == expected


def test_milestone_before_its_due_quarter_is_pending_not_missed():
    """«No alcanzado» only once due; before, «Pendiente (vence en Diciembre)» — with a different icon."""
    pending = fmt.format_indicator_value(0, "hito", semaforo="pendiente", vence=4)
    assert pending == "⏳ Pendiente (vence en Diciembre)"
    missed = fmt.format_indicator_value(0, "hito", semaforo="rojo", vence=4)
    assert missed == "❌ No alcanzado"
    assert pending.split(" ")[0] != missed.split(" ")[0]


@pytest.mark.parametrize(("quarters", "expected"), [
    ((3,), "falta el reporte de Septiembre"),
    ((2, 3), "faltan los reportes de Junio y Septiembre"),
    ((1, 2, 3), "faltan los reportes de Marzo, Junio y Septiembre"),
    ((), ""), (None, ""),
])
def test_missing_reports_in_words(quarters, expected):
    assert fmt.missing_reports_text(quarters) == expected


@pytest.mark.parametrize(("semaforo", "direccion", "icons", "expected"), [
    ("rojo", "sobre", True, "🔴 Rojo ↑ sobrecumplimiento"),
    ("rojo", "bajo", True, "🔴 Rojo ↓ rezago"),
    ("amarillo", "sobre", True, "🟡 Amarillo ↑ sobrecumplimiento"),
    ("amarillo", "bajo", False, "Amarillo ↓ rezago"),
    ("verde", None, True, "🟢 Verde"),
    ("verde", "sobre", True, "🟢 Verde"),          # verde has no deviation to name
    ("rojo", None, True, "🔴 Rojo"),
])
def test_status_label_tells_over_from_under(semaforo, direccion, icons, expected):
    assert fmt.status_label(semaforo, direccion, icons=icons) == expected


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"semaforo": "sin_dato", "faltan": (3,)}, "⚪ Sin dato: falta el reporte de Septiembre"),
    ({"semaforo": "sin_dato", "faltan": (3,), "icons": False}, "Sin dato: falta el reporte de Septiembre"),
    ({"semaforo": "sin_dato"}, "⚪ Sin dato"),
    ({"semaforo": "pendiente", "vence": 4.0}, "⏳ Pendiente (vence en Diciembre)"),
    ({"semaforo": "pendiente", "vence": 2, "icons": False}, "Pendiente (vence en Junio)"),
    ({"semaforo": "rojo", "direccion": "bajo"}, "🔴 Rojo ↓ rezago"),
])
def test_indicator_status(kwargs, expected):
    semaforo = kwargs.pop("semaforo")
    assert fmt.indicator_status(semaforo, kwargs.pop("direccion", None), **kwargs) == expected


@pytest.mark.parametrize(("args", "kwargs", "expected"), [
    (("verde",), {"completo": False}, "🟢 Verde · incompleto"),
    (("verde",), {"completo": True}, "🟢 Verde"),
    (("rojo", "bajo"), {"completo": False}, "🔴 Rojo ↓ rezago · incompleto"),
    (("pendiente",), {"vence": 4}, "⏳ Pendiente (vence en Diciembre)"),
    (("sin_dato",), {"completo": False}, "⚪ Sin dato"),          # «sin dato» already says it
    (("amarillo", "sobre"), {"icons": False}, "Amarillo ↑ sobrecumplimiento"),
])
def test_program_status_never_a_plain_verde_when_incomplete(args, kwargs, expected):
    assert fmt.program_status_label(*args, **kwargs) == expected


def test_missing_text():
    """The measurable indicators without data, out of the measurable ones (n_medibles, not n_indicadores)."""
    assert fmt.missing_text(("3.4",), 5) == "⚠ 1 de 5 con meta o hito sin dato: 3.4"
    assert fmt.missing_text(["1.3", "1.4"], 5) == "⚠ 2 de 5 con meta o hito sin dato: 1.3, 1.4"
    assert fmt.missing_text((), 5) == "" and fmt.missing_text(None, 5) == ""


def test_informative_missing_text():
    """An informative indicator without its report: named in words of its own, never «sin dato»/«incompleto»."""
    assert fmt.informative_missing_text(("2.2",)) == "Sin reporte (informativo): 2.2"
    assert fmt.informative_missing_text(["1.7", "1.9"]) == "Sin reporte (informativos): 1.7, 1.9"
    assert fmt.informative_missing_text(()) == "" and fmt.informative_missing_text(None) == ""


@pytest.mark.parametrize(("row", "expected"), [
    ({"claves_faltantes": (), "n_medibles": 2, "claves_informativos_sin_reporte": ("2.2",)},
     ["Sin reporte (informativo): 2.2"]),
    ({"claves_faltantes": ("3.4",), "n_medibles": 5, "claves_informativos_sin_reporte": ()},
     ["⚠ 1 de 5 con meta o hito sin dato: 3.4"]),
    ({"claves_faltantes": ("1.1",), "n_medibles": 5, "claves_informativos_sin_reporte": ("1.7", "1.9")},
     ["⚠ 1 de 5 con meta o hito sin dato: 1.1", "Sin reporte (informativos): 1.7, 1.9"]),
    ({"claves_faltantes": (), "n_medibles": 1, "claves_informativos_sin_reporte": ()}, []),
])
def test_program_missing_lines(row, expected):
    from collections import namedtuple

    assert fmt.program_missing_lines(row) == expected
    assert fmt.program_missing_lines(namedtuple("Row", row)(**row)) == expected  # an itertuples row


@pytest.mark.parametrize(
    ("programa", "expected"),
    [
        ("2. COLABORACIÓN INTERINSTITUCIONAL", "Colaboración interinstitucional"),
        ("6. PLANEACIÓN ESTRATÉGICA 2023", "Planeación estratégica 2023"),
        ("3. ACCIONES DE PREVENCIÓN Y CAPACITACIÓN PARA EL EJERCICIO DE LA LIBERTAD DE EXPRESIÓN Y EL "
         "DERECHO A DEFENDER DERECHOS HUMANOS.",
         "Acciones de prevención y capacitación para el ejercicio de la libertad de expresión y el derecho a "
         "defender derechos humanos"),                                  # full: wrapped on screen, never «…»
        ("Programa ya en minúsculas", "Programa ya en minúsculas"),
        (None, "—"),
    ],
)
def test_program_name_is_full(programa, expected):
    assert fmt.program_name(programa) == expected
    assert "…" not in fmt.program_name(programa)


def test_tipo_calculo_labels_cover_schema():
    assert set(fmt.TIPO_CALCULO_LABELS) == set(schema.TIPOS_CALCULO)
    assert fmt.tipo_calculo_label("hito") == "Hito"


@pytest.mark.parametrize(("value", "expected"), [
    (7.5, "+7.5 %"), (-4, "-4.0 %"), (0, "0.0 %"), (0.04, "0.0 %"), (-0.04, "0.0 %"), (math.nan, "—"),
    (1234.5, "+1,234.5 %"),
])
def test_format_signed_percent(value, expected):
    assert fmt.format_signed_percent(value) == expected.replace(" %", fmt.PERCENT_SIGN)



# --------------------------------------------------------------------------- display tables, local time
@pytest.mark.parametrize(("value", "text"), [
    (1234.25, "1,234.25"), (2.0, "2"), (None, "—"), (float("nan"), "—"), ("Acta", "Acta"),
    (1 / 3, "0.3333333333"), (-0.5, "-0.5"), (1234567, "1,234,567")])
def test_display_value(value, text):
    assert fmt.display_value(value) == text


def test_display_tables():
    from upload_helpers import avances_frame, sample_snapshot

    from mpi_dash.diff import diff_snapshots
    from mpi_dash.snapshot import apply_upload

    base = sample_snapshot()
    after = apply_upload(base, plan=None, avances=avances_frame(("1.1.1", 2023, 2, 0.5, None, "Acta 2/2023")),
                         parametros=None)
    changes = diff_snapshots(base, after)
    table = fmt.cells_table(changes.cells)
    assert list(table.columns) == [
        "Hoja", "Clave", "Año", "Trimestre", "Columna", "Antes", "Después", "Cambio"]
    assert table.values.tolist() == [
        ["Avances", "1.1.1", "2023", "Junio", "Realizado", "1", "0.5", "Cambiado"]]  # the sample flag no longer flips
    sem = fmt.semaforo_table(changes.semaforo)
    assert sem.values.tolist() == [["1.1.1", "Indicador 1.1.1", "2023", "Junio", "🟢 Verde", "🟡 Amarillo"]]


@pytest.mark.parametrize(("stored", "shown"), [
    ("2026-11-29T01:55:21+00:00", "28/11/2026 19:55"),   # UTC−6: previous day in Mexico City; dd/mm/aaaa
    ("2023-07-01T12:00:00+00:00", "01/07/2023 06:00"),   # no daylight saving time since 2022
    ("2023-12-31T23:59:00", "31/12/2023 17:59"),          # naive = UTC (the store writes UTC)
    ("", "—"), (None, "—"), ("no es fecha", "—"),
])
def test_local_datetime_mexico_city(stored, shown):
    assert fmt.local_datetime(stored) == shown


def test_local_datetime_without_tzdata_falls_back_to_utc_minus_6(monkeypatch):
    import zoneinfo

    def missing(key):
        raise zoneinfo.ZoneInfoNotFoundError(key)

    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    assert fmt.local_timezone() is fmt.FALLBACK_TZ
    assert fmt.local_datetime("2026-11-29T01:55:21+00:00") == "28/11/2026 19:55"
    assert fmt.local_datetime("2023-07-01T12:00:00+00:00") == "01/07/2023 06:00"


def test_problems_table_has_no_none():
    from mpi_dash.workbook import Problem

    csv = "un archivo de texto (por ejemplo CSV)"
    table = fmt.problems_table([Problem("", None, None, csv, "un libro .xlsx"),
                                Problem("Avances", 1452, "Realizado", "", "un número", nivel="aviso"),
                                Problem("Parámetros", None, "Valor", "90", "umbrales ordenados")])
    assert list(table.columns) == ["Hoja", "Fila", "Columna", "Valor", "Qué se esperaba"]
    assert table.values.tolist() == [
        ["(archivo)", "—", "—", csv, "un libro .xlsx"],
        ["Avances", "1452", "Realizado", "—", "un número"],   # Excel row numbers as Excel shows them
        ["Parámetros", "—", "Valor", "90", "umbrales ordenados"]]
    assert fmt.problems_table([]).empty and list(fmt.problems_table([]).columns) == list(table.columns)


def test_count_and_programs_in_the_right_number():
    from mpi_dash.formatting import count_text, programs_text

    assert count_text(1, "celda", "celdas") == "1 celda" and count_text(2, "celda", "celdas") == "2 celdas"
    assert count_text(1500, "fila", "filas") == "1,500 filas" and count_text(0, "fila", "filas") == "0 filas"
    assert programs_text(["3"]) == "programa 3" and programs_text(["5", "3"]) == "programas 3 y 5"
    assert programs_text(["10", "2", "1"], article=True) == "los programas 1, 2 y 10"
    assert programs_text({"3"}, preposition="de") == "del programa 3"
    assert programs_text(["1", "2", "4", "5", "6"], preposition="de") == "de los programas 1, 2, 4, 5 y 6"
    assert programs_text(["3"], preposition="a") == "al programa 3"
    assert programs_text([]) == "ningún programa"


def test_change_lines_for_a_phone():
    import pandas as pd

    from mpi_dash.formatting import cells_lines, semaforo_lines

    cells = pd.DataFrame({"tabla": ["Avances", "Avances", "Avances", "Parámetros"],
                          "clave": ["3.1", "3.1", "3.2", None],
                          "anio": pd.array([2023, 2023, 2023, pd.NA], "Int64"),
                          "trimestre": pd.array([3, 3, 4, pd.NA], "Int64"),
                          "campo": ["Realizado", "Justificación", "Realizado", "datos_ilustrativos"],
                          "antes": [1.0, None, None, 1.0], "despues": [6.0, "Se adelantó", 2.5, 0.0],
                          "tipo": ["cambiado", "cambiado", "nuevo", "cambiado"]})
    assert cells_lines(cells) == ["3.1 · Septiembre: 1 → 6", "3.1 · Septiembre · Justificación: — → Se adelantó",
                                  "3.2 · Diciembre: 2.5 (nuevo)", "datos_ilustrativos: 1 → 0"]
    two_years = cells.iloc[:1].assign(anio=pd.array([2022], "Int64"))
    assert cells_lines(pd.concat([two_years, cells.iloc[:1]]))[0] == "3.1 · Septiembre 2022: 1 → 6"
    sem = pd.DataFrame({"clave": ["3.1"], "anio": [2023], "trimestre": [4], "indicador": ["x"],
                        "antes": ["verde"], "despues": ["rojo"]})
    assert semaforo_lines(sem) == ["3.1 · Diciembre: 🟢 Verde → 🔴 Rojo"]
