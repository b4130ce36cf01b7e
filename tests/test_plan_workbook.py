"""Tests for the shipped plan workbook ``data/plan_2023.xlsx`` and the text files it is built from.

The expectations below are written by hand from the public plan (``data/fuentes/``) and from
docs/decisiones_plan.md — they are not read back from the text files or the builder.  The semáforo
expectations are worked out by hand from the illustrative avances and checked against the real
engine (``engine.compute_all``).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from mpi_dash import engine, plan_files, schema
from mpi_dash.workbook import read_workbook

REPO_ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = REPO_ROOT / "data" / "plan_2023.xlsx"
PLAN_FOLDER = REPO_ROOT / "data" / "plan_2023"
SOURCE = REPO_ROOT / "data" / "fuentes" / "plan_anual_de_trabajo_2023.txt"

FICHA = "Ficha técnica"
CRONO = "Solo cronograma"

# clave → (Meta anual, Tipo de cálculo, Origen, Programado T1..T4) for the 2023 plan, by hand.
EXPECTED_2023: dict[str, tuple[float | None, str, str, tuple[float | None, ...]]] = {
    "1.1.1": (4, "avance_meta", FICHA, (1, 1, 1, 1)),
    "1.1.2": (6, "avance_meta", FICHA, (None,) * 4),
    "1.1.3": (1, "hito", FICHA, (0, 0, 0, 1)),
    "1.1.4": (1, "hito", FICHA, (1, 0, 0, 0)),
    "1.1.5": (None, "conteo", CRONO, (None,) * 4),
    "1.2.1": (None, "periodo_anterior", FICHA, (None,) * 4),
    "1.2.2.a": (None, "avance_meta", FICHA, (None,) * 4),
    "1.2.2.b": (None, "avance_meta", FICHA, (None,) * 4),
    "1.2.3": (None, "conteo", FICHA, (None,) * 4),
    "1.3": (10, "avance_meta", FICHA, (None,) * 4),
    "1.4": (None, "anio_anterior", FICHA, (None,) * 4),
    "1.5.1": (None, "anio_anterior", FICHA, (None,) * 4),
    "1.5.2": (None, "conteo", CRONO, (None,) * 4),
    "2.1": (1, "hito", FICHA, (0, 0, 0, 1)),
    "2.2": (None, "avance_meta", FICHA, (None,) * 4),
    "2.3": (1, "hito", FICHA, (0, 0, 0, 1)),
    "3.1": (3, "avance_meta", FICHA, (None,) * 4),
    "3.2": (4, "avance_meta", FICHA, (None,) * 4),
    "3.3": (4, "avance_meta", FICHA, (None,) * 4),
    "3.4": (4, "avance_meta", FICHA, (None,) * 4),
    "3.5": (3, "avance_meta", FICHA, (None,) * 4),
    "4.1": (1, "hito", FICHA, (0, 0, 0, 1)),
    "5.1": (4, "avance_meta", FICHA, (1, 1, 1, 1)),
    "5.2": (None, "periodo_anterior", FICHA, (None,) * 4),
    "5.3": (4, "avance_meta", FICHA, (1, 1, 1, 1)),
    "5.4": (4, "avance_meta", FICHA, (1, 1, 1, 1)),
    "6": (1, "hito", FICHA, (1, 0, 0, 0)),
}

PROGRAM_HEADINGS = {
    "1": "1. ATENCIÓN INTEGRAL A PERSONAS DEFENSORAS DE DERECHOS HUMANOS Y PERIODISTAS",
    "2": "2. COLABORACIÓN INTERINSTITUCIONAL",
    "4": "4. PROGRAMA DE CAPACITACIÓN 2023",
    "5": "5. TRANSPARENCIA Y GOBIERNO ABIERTO",
    "6": "6. PLANEACIÓN ESTRATÉGICA 2023",
}


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------
def _sheet_records(path: Path, sheet: str) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    headers = rows[0]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


@pytest.fixture(scope="module")
def plan() -> list[dict[str, Any]]:
    return _sheet_records(WORKBOOK, schema.SHEET_PLAN)


@pytest.fixture(scope="module")
def plan_2023(plan: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["Clave"]: row for row in plan if row["Año"] == 2023}


@pytest.fixture(scope="module")
def avances() -> list[dict[str, Any]]:
    return _sheet_records(WORKBOOK, schema.SHEET_AVANCES)


def normalise(text: str) -> str:
    """The public plan's words with markup dropped: ``**``, ``\\*`` escapes, ``$…$`` marks, line breaks."""
    text = text.replace("**", "").replace("\\*", "*").replace("\\times", "×")
    text = re.sub(r"\$\s*([^$]*?)\s*\$", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def results_2023() -> pd.DataFrame:
    """The real engine on the shipped workbook: 2023 rows indexed by (clave, trimestre)."""
    data = read_workbook(WORKBOOK)
    results = engine.compute_all(data.plan, data.avances, data.parametros)
    return results.loc[results["anio"] == 2023].set_index(["clave", "trimestre"])


# ------------------------------------------------------------------------------------------------
# Structure
# ------------------------------------------------------------------------------------------------
def test_sheets_and_headers_follow_the_schema() -> None:
    wb = openpyxl.load_workbook(WORKBOOK)
    assert wb.sheetnames == [
        schema.SHEET_PLAN,
        schema.SHEET_AVANCES,
        schema.SHEET_PARAMETROS,
        schema.SHEET_LEAME,
    ]
    for sheet, columns in (
        (schema.SHEET_PLAN, schema.PLAN_COLUMNS),
        (schema.SHEET_AVANCES, schema.AVANCES_COLUMNS),
        (schema.SHEET_PARAMETROS, schema.PARAMETROS_COLUMNS),
    ):
        ws = wb[sheet]
        assert [cell.value for cell in ws[1]] == [column.header for column in columns]
        assert all(cell.font.bold for cell in ws[1]), sheet
        assert ws.freeze_panes == "A2", sheet
    assert wb.vba_archive is None


def test_no_formulas_anywhere() -> None:
    wb = openpyxl.load_workbook(WORKBOOK)
    formulas = [
        f"{ws.title}!{cell.coordinate}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


def test_long_text_columns_wrap() -> None:
    wb = openpyxl.load_workbook(WORKBOOK)
    ws = wb[schema.SHEET_PLAN]
    headers = [cell.value for cell in ws[1]]
    for header in ("Indicador", "Método de cálculo", "Responsables", "Meta programada (texto del plan)"):
        column = headers.index(header) + 1
        assert ws.cell(row=2, column=column).alignment.wrap_text, header
        assert ws.column_dimensions[openpyxl.utils.get_column_letter(column)].width >= 30, header


# ------------------------------------------------------------------------------------------------
# Plan: every action of the public plan with its meta
# ------------------------------------------------------------------------------------------------
def test_plan_2023_has_exactly_the_expected_actions(plan_2023: dict[str, dict[str, Any]]) -> None:
    assert sorted(plan_2023) == sorted(EXPECTED_2023)
    assert sum(1 for v in EXPECTED_2023.values() if v[2] == FICHA) == 25


@pytest.mark.parametrize(("clave", "expected"), sorted(EXPECTED_2023.items()))
def test_plan_2023_meta_tipo_origen(
    plan_2023: dict[str, dict[str, Any]], clave: str, expected: tuple[Any, ...]
) -> None:
    meta, tipo, origen, programado = expected
    row = plan_2023[clave]
    assert row["Meta anual"] == meta
    assert row["Tipo de cálculo"] == tipo
    assert row["Origen"] == origen
    assert tuple(row[f"Programado T{q}"] for q in range(1, 5)) == programado
    assert row["Meta ajustada"] is None
    assert all(row[header] is None for header in ("Verde mín", "Verde máx", "Amarillo mín", "Amarillo máx"))
    assert row["Sentido"] == "Ascendente"
    assert row["Acumulación"] == ("periodo" if tipo == "periodo_anterior" else "acumulado")
    # the cronograma's own words
    assert row["Frecuencia"] == ("De manera anual" if clave == "6" else "De manera trimestral")
    assert row["Meta programada (texto del plan)"]
    if origen == FICHA:
        for header in ("Indicador", "Método de cálculo", "Unidad de medida", "Responsables"):
            assert row[header], (clave, header)


@pytest.mark.parametrize(
    ("clave", "meta_text_fragment"),
    [
        ("1.1.1", "Realización de 4 Sesiones Ordinarias"),
        ("1.1.2", "al menos 6 Sesiones"),
        ("1.2.2.a", "por proceso ordinario"),
        ("1.2.2.b", "mediante procedimiento extraordinario"),
        ("1.3", "al menos 10 talleres"),
        ("2.1", "al menos una capacitación"),
        ("3.1", "Realizar 3 actividades"),
        ("3.5", "Realizar 3 actividades"),
        ("5.3", "Generar trimestralmente"),
        ("5.4", "cuatro sesiones programadas"),
        ("6", "Aprobación del Plan Anual de Trabajo 2023"),
        ("1.1.5", "25% de manera trimestral"),
    ],
)
def test_meta_text_is_the_plan_sentence(
    plan_2023: dict[str, dict[str, Any]], clave: str, meta_text_fragment: str
) -> None:
    assert meta_text_fragment in plan_2023[clave]["Meta programada (texto del plan)"]


@pytest.mark.parametrize(("numero", "heading"), sorted(PROGRAM_HEADINGS.items()))
def test_programa_is_the_program_heading(
    plan_2023: dict[str, dict[str, Any]], numero: str, heading: str
) -> None:
    programas = {
        row["Programa"] for clave, row in plan_2023.items() if schema.program_number(clave) == numero
    }
    assert programas == {heading}


def test_plan_has_only_2023_rows_with_unique_claves(plan: list[dict[str, Any]]) -> None:
    # No made-up 2022 plan: the 2022 actuals are the línea base and need no plan rows.
    keys = [(row["Clave"], row["Año"]) for row in plan]
    assert len(keys) == len(set(keys)) == 27
    assert {row["Año"] for row in plan} == {2023}


def test_enumerations_are_canonical(plan: list[dict[str, Any]]) -> None:
    for row in plan:
        assert row["Tipo de cálculo"] in schema.TIPOS_CALCULO
        assert row["Acumulación"] in schema.ACUMULACIONES
        assert row["Sentido"] in schema.SENTIDOS


# ------------------------------------------------------------------------------------------------
# Verbatim texts (the public plan is committed under data/fuentes/)
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def source_text() -> str:
    return normalise(SOURCE.read_text(encoding="utf-8"))


def test_source_is_the_public_plan(source_text: str) -> None:
    assert source_text.startswith("GOBIERNO DE LA CIUDAD DE MÉXICO")
    assert "# PLAN ANUAL DE TRABAJO 2023" in source_text


@pytest.mark.parametrize(
    "header",
    [
        "Indicador",
        "Método de cálculo",
        "Meta programada (texto del plan)",
        "Dimensión",
        "Definición",
        "Unidad de medida",
        "Línea base",
        "Responsables",
        "Fuente de información",
    ],
)
def test_ficha_texts_occur_verbatim_in_source(
    source_text: str, plan: list[dict[str, Any]], header: str
) -> None:
    rows = [row for row in plan if row["Origen"] == FICHA]
    assert len(rows) == 25  # 27 actions, 2 only in the cronograma
    missing = [(row["Clave"], row[header]) for row in rows if normalise(row[header]) not in source_text]
    assert missing == []


@pytest.mark.parametrize("header", ["Programa", "Objetivo", "Acción"])
def test_headings_occur_verbatim_in_source(source_text: str, plan: list[dict[str, Any]], header: str) -> None:
    missing = []
    for row in plan:
        # 1.2.2.a/b join the parent heading and the inciso with ": ".
        for part in row[header].split(": "):
            if normalise(part) not in source_text:
                missing.append((row["Clave"], part))
    assert missing == []


def test_normalise_drops_markup() -> None:
    raw = "**Método:**  $M1$  (Talleres del periodo  $T$ /número)\n \\*100  $\\times 100$"
    assert normalise(raw) == "Método: M1 (Talleres del periodo T /número) *100 × 100"


# ------------------------------------------------------------------------------------------------
# Avances (illustrative) and Parámetros
# ------------------------------------------------------------------------------------------------
def test_avances_use_month_names_and_known_keys(
    plan: list[dict[str, Any]], avances: list[dict[str, Any]]
) -> None:
    known = {(row["Clave"], row["Año"]) for row in plan}
    keys = set()
    for row in avances:
        assert row["Trimestre"] in ("Marzo", "Junio", "Septiembre", "Diciembre"), row
        # a 2022 row is the línea base of the 2023 plan row with the same Clave
        assert (row["Clave"], row["Año"]) in known or (row["Clave"], row["Año"] + 1) in known, row
        assert isinstance(row["Realizado"], int | float) and row["Realizado"] >= 0, row
        key = (row["Clave"], row["Año"], row["Trimestre"])
        assert key not in keys, key
        keys.add(key)
    assert {row["Año"] for row in avances} == {2022, 2023}


def test_avances_leave_some_2023_quarters_unreported(
    plan_2023: dict[str, dict[str, Any]], avances: list[dict[str, Any]]
) -> None:
    reported = {(row["Clave"], row["Trimestre"]) for row in avances if row["Año"] == 2023}
    missing = {(c, m) for c in plan_2023 for m in schema.QUARTER_NAMES.values()} - reported
    assert missing == {("2.2", "Septiembre"), ("3.4", "Septiembre")}


# ------------------------------------------------------------------------------------------------
# The real engine on the shipped data, against semáforos worked out by hand
# ------------------------------------------------------------------------------------------------
V, A, R, P, I, S, M = "verde", "amarillo", "rojo", "pendiente", "informativo", "sin_dato", "sin_meta"

# Semáforo of every 2023 indicator in Marzo, Junio, Septiembre, Diciembre, worked out by hand from the
# illustrative avances (default thresholds: verde 90–110 %, amarillo 70–<90 % or >110–130 %; p_k = Meta/4
# without a calendar; a quarter without avance is sin_dato, and so are the later cumulative figures).
SEMAFOROS_2023: dict[str, tuple[str, str, str, str]] = {
    "1.1.1": (V, V, V, V),  # 1 of 1, 2 of 2, … (calendar 1 per quarter)
    "1.1.2": (R, V, A, A),  # 1/1.5 = 66.7 %, 3/3, 5/4.5 = 111.1 %, 7/6 = 116.7 %
    "1.1.3": (P, P, P, V),  # hito due in Diciembre, reached in Diciembre
    "1.1.4": (V, V, V, V),  # hito reached in Marzo
    "1.1.5": (I, I, I, I),  # conteo
    "1.2.1": (I, I, I, I),  # periodo_anterior
    "1.2.2.a": (I, I, I, I),  # no meta, something done
    "1.2.2.b": (M, I, I, I),  # no meta: nothing done by Marzo, then 1
    "1.2.3": (I, I, I, I),  # conteo
    "1.3": (A, V, V, V),  # 2/2.5 = 80 %, 5/5, 8/7.5 = 106.7 %, 10/10
    "1.4": (I, I, I, I),  # anio_anterior
    "1.5.1": (I, I, I, I),  # anio_anterior
    "1.5.2": (I, I, I, I),  # conteo
    "2.1": (P, P, V, V),  # hito reached in Septiembre
    "2.2": (I, I, S, S),  # Septiembre not reported: Diciembre's cumulative figure is unknown too
    "2.3": (P, P, P, R),  # hito never reached
    "3.1": (R, R, A, V),  # 0/0.75 = 0 %, 1/1.5 = 66.7 %, 2/2.25 = 88.9 %, 3/3
    "3.2": (V, V, V, V),
    "3.3": (V, V, R, A),  # 4/3 = 133.3 %, 5/4 = 125 %
    "3.4": (V, V, S, S),  # Septiembre not reported
    "3.5": (R, R, A, V),  # 1/0.75 = 133.3 %, 1/1.5 = 66.7 %, 2/2.25 = 88.9 %, 3/3
    "4.1": (P, P, V, V),  # hito reached in Septiembre (Diciembre's 0 does not undo it)
    "5.1": (V, V, V, V),
    "5.2": (I, I, I, I),  # periodo_anterior
    "5.3": (V, R, V, V),  # 1/2 = 50 % in Junio
    "5.4": (V, V, V, A),  # 5/4 = 125 %
    "6": (V, V, V, V),  # hito reached in Marzo
}

NAN = math.nan
# A few indicator-quarters of every program with their figures, by hand (NaN = empty).
FIGURES_2023: list[tuple[str, int, dict[str, float]]] = [
    # program 1
    ("1.1.1", 4, {"realizado_acumulado": 4, "programado_acumulado": 4, "cumplimiento_pct": 100,
                  "linea_base_acumulada": 4, "variacion_linea_base_pct": 0}),
    ("1.1.2", 1, {"realizado_acumulado": 1, "programado_acumulado": 1.5, "cumplimiento_pct": 200 / 3}),
    ("1.1.2", 3, {"realizado_acumulado": 5, "programado_acumulado": 4.5, "cumplimiento_pct": 1000 / 9}),
    ("1.1.2", 4, {"realizado_acumulado": 7, "programado_acumulado": 6, "cumplimiento_pct": 700 / 6}),
    ("1.1.3", 2, {"valor_indicador": 0, "esperado_pct": 0, "vence_trimestre": 4}),
    ("1.1.3", 4, {"valor_indicador": 100, "esperado_pct": 100}),
    ("1.1.5", 4, {"valor_indicador": 6, "cumplimiento_pct": NAN}),  # conteo: 2 + 1 + 2 + 1
    ("1.2.1", 1, {"valor_indicador": 3800 / 44}),  # 38 against Diciembre 2022 (44)
    ("1.2.1", 2, {"valor_indicador": 4500 / 38}),
    ("1.2.2.b", 1, {"realizado_acumulado": 0, "cumplimiento_pct": NAN}),
    ("1.3", 1, {"realizado_acumulado": 2, "programado_acumulado": 2.5, "cumplimiento_pct": 80,
                "valor_indicador": 20}),
    ("1.3", 4, {"cumplimiento_pct": 100, "linea_base_acumulada": 9, "variacion_linea_base_pct": 100 / 9}),
    ("1.4", 2, {"realizado_acumulado": 810, "linea_base_acumulada": 785, "valor_indicador": 81000 / 785}),
    ("1.5.1", 1, {"valor_indicador": 120}),  # 18 against 15
    # program 2
    ("2.1", 3, {"valor_indicador": 100, "esperado_pct": 0}),
    ("2.2", 2, {"realizado_acumulado": 7, "cumplimiento_pct": NAN, "valor_indicador": NAN}),
    ("2.2", 3, {"realizado_trimestre": NAN, "realizado_acumulado": NAN}),
    ("2.2", 4, {"realizado_trimestre": 5, "realizado_acumulado": NAN, "cumplimiento_pct": NAN}),
    ("2.3", 4, {"realizado_acumulado": 0, "valor_indicador": 0, "esperado_pct": 100}),
    # program 3
    ("3.1", 1, {"cumplimiento_pct": 0}),
    ("3.1", 3, {"realizado_acumulado": 2, "programado_acumulado": 2.25, "cumplimiento_pct": 800 / 9}),
    ("3.3", 3, {"cumplimiento_pct": 400 / 3}),
    ("3.3", 4, {"cumplimiento_pct": 125}),
    ("3.4", 2, {"realizado_acumulado": 2, "programado_acumulado": 2, "cumplimiento_pct": 100}),
    ("3.4", 3, {"realizado_trimestre": NAN, "realizado_acumulado": NAN, "cumplimiento_pct": NAN}),
    ("3.4", 4, {"realizado_trimestre": 2, "realizado_acumulado": NAN, "programado_acumulado": 4,
                "cumplimiento_pct": NAN, "linea_base_acumulada": 3}),
    ("3.5", 1, {"programado_acumulado": 0.75, "cumplimiento_pct": 400 / 3}),
    # program 4
    ("4.1", 4, {"realizado_trimestre": 0, "realizado_acumulado": 1, "valor_indicador": 100}),
    # program 5
    ("5.1", 4, {"cumplimiento_pct": 100}),
    ("5.2", 1, {"valor_indicador": 108}),  # 27 against Diciembre 2022 (25)
    ("5.2", 4, {"valor_indicador": 2400 / 31}),
    ("5.3", 2, {"realizado_acumulado": 1, "programado_acumulado": 2, "cumplimiento_pct": 50}),
    ("5.4", 4, {"realizado_acumulado": 5, "programado_acumulado": 4, "cumplimiento_pct": 125}),
    # program 6
    ("6", 1, {"valor_indicador": 100, "esperado_pct": 100, "vence_trimestre": 1}),
]


def test_every_2023_indicator_and_program_has_hand_computed_expectations() -> None:
    assert set(SEMAFOROS_2023) == set(EXPECTED_2023)
    assert {schema.program_number(clave) for clave, _, _ in FIGURES_2023} == set("123456")


@pytest.mark.parametrize(("clave", "expected"), sorted(SEMAFOROS_2023.items()))
def test_engine_semaforo_2023_matches_hand_computation(
    results_2023: pd.DataFrame, clave: str, expected: tuple[str, str, str, str]
) -> None:
    got = tuple(results_2023.loc[(clave, quarter), "semaforo"] for quarter in range(1, 5))
    assert got == expected


@pytest.mark.parametrize(("clave", "quarter", "figures"), FIGURES_2023)
def test_engine_figures_2023_match_hand_computation(
    results_2023: pd.DataFrame, clave: str, quarter: int, figures: dict[str, float]
) -> None:
    row = results_2023.loc[(clave, quarter)]
    for field, expected in figures.items():
        got = float(row[field])
        if math.isnan(expected):
            assert math.isnan(got), (field, got)
        else:
            assert got == pytest.approx(expected), field


def test_2_2_and_3_4_in_diciembre_are_sin_dato(results_2023: pd.DataFrame) -> None:
    # Reported in Diciembre, but Septiembre is missing: the cumulative figure is unknown (missing ≠ 0).
    for clave in ("2.2", "3.4"):
        row = results_2023.loc[(clave, 4)]
        assert row["semaforo"] == "sin_dato"
        assert row["realizado_trimestre"] > 0


def test_every_semaforo_state_appears_in_2023(results_2023: pd.DataFrame) -> None:
    assert set(results_2023["semaforo"]) == set(schema.SEMAFOROS)
    amarillos = results_2023.loc[results_2023["semaforo"] == "amarillo", "cumplimiento_pct"]
    assert (amarillos < 90).any() and (amarillos > 110).any()


def test_rojo_and_amarillo_quarters_are_justified(
    results_2023: pd.DataFrame, avances: list[dict[str, Any]]
) -> None:
    justified = {
        (row["Clave"], schema.parse_quarter(row["Trimestre"]))
        for row in avances
        if row["Año"] == 2023 and row["Justificación"]
    }
    needing = set(results_2023.index[results_2023["semaforo"].isin(["rojo", "amarillo"])])
    assert len(needing) == 15  # counted by hand in SEMAFOROS_2023
    assert needing - justified == set()


def test_parametros_thresholds_and_illustrative_flag() -> None:
    rows = _sheet_records(WORKBOOK, schema.SHEET_PARAMETROS)
    values = {row["Parámetro"]: row["Valor"] for row in rows}
    assert values == {
        "verde_min": 90,
        "verde_max": 110,
        "amarillo_min": 70,
        "amarillo_max": 130,
        "datos_ilustrativos": 1,
    }
    assert all(row["Descripción"] for row in rows)
    descriptions = {row["Parámetro"]: row["Descripción"] for row in rows}
    assert "ilustrativos" in descriptions["datos_ilustrativos"]


def test_leame_explains_every_column_and_the_illustrative_data() -> None:
    rows = _sheet_records(WORKBOOK, schema.SHEET_LEAME)
    explained = {(row["Hoja"], row["Columna"]) for row in rows}
    for sheet, columns in (
        (schema.SHEET_PLAN, schema.PLAN_COLUMNS),
        (schema.SHEET_AVANCES, schema.AVANCES_COLUMNS),
        (schema.SHEET_PARAMETROS, schema.PARAMETROS_COLUMNS),
    ):
        for column in columns:
            assert (sheet, column.header) in explained, (sheet, column.header)
    text = " ".join(str(value) for row in rows for value in row.values() if value)
    assert "ILUSTRATIVOS" in text
    for word in (*schema.TIPOS_CALCULO, *schema.ACUMULACIONES, *schema.SENTIDOS, "T1–T4", "Septiembre"):
        assert word in text, word


# ------------------------------------------------------------------------------------------------
# The committed workbook is the build of the text files
# ------------------------------------------------------------------------------------------------
def _cells(workbook: openpyxl.Workbook) -> dict[str, list[list[tuple[Any, str]]]]:
    return {
        ws.title: [[(cell.value, cell.data_type) for cell in row] for row in ws.iter_rows()]
        for ws in workbook.worksheets
    }


def test_committed_workbook_equals_a_fresh_build_cell_by_cell(tmp_path: Path) -> None:
    built = tmp_path / "plan_2023.xlsx"
    plan_files.build_plan(PLAN_FOLDER, built)
    fresh = _cells(openpyxl.load_workbook(built))
    committed = _cells(openpyxl.load_workbook(WORKBOOK))
    assert list(fresh) == list(committed) == ["Plan", "Avances", "Parámetros", "Léame"]
    for sheet in committed:
        assert fresh[sheet] == committed[sheet], f"{sheet}: rebuild data/plan_2023.xlsx with `make plan`"


def test_committed_workbook_is_byte_for_byte_the_build() -> None:
    assert plan_files.workbook_bytes(plan_files.read_plan_folder(PLAN_FOLDER)) == WORKBOOK.read_bytes()


def test_read_workbook_accepts_the_shipped_file() -> None:
    data = read_workbook(WORKBOOK)
    assert len(data.plan) == len(EXPECTED_2023)
    assert set(data.plan.loc[data.plan["anio"] == 2023, "clave"]) == set(EXPECTED_2023)
    assert len(data.avances) == 2 * 4 * len(EXPECTED_2023) - 2
    assert data.parametros["datos_ilustrativos"] == 1
    assert list(data.avisos) == []
