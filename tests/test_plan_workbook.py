"""Tests for the shipped plan workbook ``data/plan_2023.xlsx`` and its generator script.

The expectations below are written by hand from the seed plan (Plan Anual de Trabajo 2023 del
MPI CDMX) and from docs/decisiones_plan.md — they are not read back from the generator.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest

from mpi_dash import engine, schema
from mpi_dash.workbook import read_workbook

REPO_ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = REPO_ROOT / "data" / "plan_2023.xlsx"
SCRIPT = REPO_ROOT / "scripts" / "build_plan_2023.py"
SEED = Path(__file__).resolve().parents[2] / "shared/seed/000_63f1563d10c657b1.txt"

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
    """The seed's words with markup dropped: ``**``, ``\\*`` escapes, ``$…$`` marks, line breaks."""
    text = text.replace("**", "").replace("\\*", "*").replace("\\times", "×")
    text = re.sub(r"\$\s*([^$]*?)\s*\$", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_plan_2023", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference_states(
    plan_row: dict[str, Any], realizados: dict[int, float]
) -> dict[int, tuple[str, float | None]]:
    """Semáforo per quarter with the engine rules of the brief, written independently of the engine.

    Returns quarter → (state, cumplimiento %).  Thresholds: the defaults of the Parámetros sheet.
    """
    tipo = plan_row["Tipo de cálculo"]
    target = plan_row["Meta ajustada"] if plan_row["Meta ajustada"] is not None else plan_row["Meta anual"]
    programado = [plan_row[f"Programado T{q}"] for q in range(1, 5)]
    per_quarter = [
        p if p is not None else (target / 4 if target is not None else None) for p in programado
    ]
    due = next((q for q, p in enumerate(programado, start=1) if p == 1), 4)
    states: dict[int, tuple[str, float | None]] = {}
    done = 0.0
    planned = 0.0
    for quarter in range(1, 5):
        reported = quarter in realizados
        done += realizados.get(quarter, 0.0)
        p = per_quarter[quarter - 1]
        planned = math.nan if p is None or math.isnan(planned) else planned + p
        if not reported:
            states[quarter] = ("sin_dato", None)
        elif tipo in ("periodo_anterior", "anio_anterior", "conteo"):
            states[quarter] = ("informativo", None)
        elif tipo == "hito":
            if target is not None and done >= target:
                states[quarter] = ("verde", None)
            else:
                states[quarter] = ("rojo" if quarter >= due else "pendiente", None)
        elif math.isnan(planned) or planned == 0:
            # Nothing programmed: sin_meta if nothing was done either; a count otherwise.
            states[quarter] = ("sin_meta" if done == 0 else "informativo", None)
        else:
            pct = done / planned * 100
            if 90 <= pct <= 110:
                state = "verde"
            elif 70 <= pct <= 130:
                state = "amarillo"
            else:
                state = "rojo"
            states[quarter] = (state, pct)
    return states


@pytest.fixture(scope="module")
def states_2023(
    plan_2023: dict[str, dict[str, Any]], avances: list[dict[str, Any]]
) -> dict[tuple[str, int], tuple[str, float | None]]:
    by_clave: dict[str, dict[int, float]] = {}
    for row in avances:
        if row["Año"] == 2023:
            by_clave.setdefault(row["Clave"], {})[schema.parse_quarter(row["Trimestre"])] = row["Realizado"]
    result = {}
    for clave, row in plan_2023.items():
        for quarter, state in reference_states(row, by_clave.get(clave, {})).items():
            result[(clave, quarter)] = state
    return result


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
# Plan: every seed action with its meta
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
# Verbatim texts (needs the seed file next to the checkout)
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"No se encontró el plan fuente {SEED}")
        pytest.skip(f"seed plan not available at {SEED}")
    return normalise(SEED.read_text(encoding="utf-8"))


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
def test_ficha_texts_occur_verbatim_in_seed(
    seed_text: str, plan: list[dict[str, Any]], header: str
) -> None:
    rows = [row for row in plan if row["Origen"] == FICHA]
    assert len(rows) == 25  # 27 actions, 2 only in the cronograma
    missing = [(row["Clave"], row[header]) for row in rows if normalise(row[header]) not in seed_text]
    assert missing == []


@pytest.mark.parametrize("header", ["Programa", "Objetivo", "Acción"])
def test_headings_occur_verbatim_in_seed(seed_text: str, plan: list[dict[str, Any]], header: str) -> None:
    missing = []
    for row in plan:
        # 1.2.2.a/b join the parent heading and the inciso with ": ".
        for part in row[header].split(": "):
            if normalise(part) not in seed_text:
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


@pytest.mark.parametrize(
    ("clave", "quarter", "state", "pct"),
    [
        ("1.1.1", 4, "verde", 100.0),
        ("1.1.2", 1, "rojo", 100 / 1.5),  # 1 of 1.5 programmed
        ("1.1.2", 3, "amarillo", 500 / 4.5),  # 5 of 4.5: over-achievement
        ("1.1.2", 4, "amarillo", 700 / 6),
        ("1.3", 1, "amarillo", 80.0),  # 2 of 2.5: under
        ("1.3", 3, "verde", 800 / 7.5),
        ("1.1.3", 2, "pendiente", None),
        ("1.1.3", 4, "verde", None),
        ("2.3", 4, "rojo", None),  # hito never reached
        ("1.2.1", 1, "informativo", None),
        ("1.4", 2, "informativo", None),
        ("3.4", 3, "sin_dato", None),
        ("1.2.2.b", 1, "sin_meta", None),  # no meta, nothing done
        ("1.2.2.b", 2, "informativo", None),  # no meta, something done
        ("3.1", 1, "rojo", 0.0),
        ("3.1", 3, "amarillo", 200 / 2.25),
        ("3.3", 3, "rojo", 400 / 3),
        ("5.3", 2, "rojo", 50.0),
        ("5.4", 4, "amarillo", 125.0),
        ("6", 1, "verde", None),
    ],
)
def test_illustrative_2023_states_hand_computed(
    states_2023: dict[tuple[str, int], tuple[str, float | None]],
    clave: str,
    quarter: int,
    state: str,
    pct: float | None,
) -> None:
    got_state, got_pct = states_2023[(clave, quarter)]
    assert got_state == state
    if pct is None:
        assert got_pct is None
    else:
        assert got_pct == pytest.approx(pct)


def test_every_semaforo_state_appears_in_2023(
    states_2023: dict[tuple[str, int], tuple[str, float | None]],
) -> None:
    states = {state for state, _ in states_2023.values()}
    assert states == set(schema.SEMAFOROS)
    amarillos = [pct for state, pct in states_2023.values() if state == "amarillo"]
    assert any(pct < 90 for pct in amarillos) and any(pct > 110 for pct in amarillos)


def test_rojo_and_amarillo_quarters_are_justified(
    states_2023: dict[tuple[str, int], tuple[str, float | None]], avances: list[dict[str, Any]]
) -> None:
    justified = {
        (row["Clave"], schema.parse_quarter(row["Trimestre"]))
        for row in avances
        if row["Año"] == 2023 and row["Justificación"]
    }
    needing = {key for key, (state, _) in states_2023.items() if state in ("rojo", "amarillo")}
    assert needing and needing - justified == set()


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
# Regeneration and the other modules
# ------------------------------------------------------------------------------------------------
def test_regenerated_workbook_equals_committed(tmp_path: Path) -> None:
    built = _load_script().write(tmp_path / "plan.xlsx")
    fresh = openpyxl.load_workbook(built)
    committed = openpyxl.load_workbook(WORKBOOK)
    assert fresh.sheetnames == committed.sheetnames
    for name in committed.sheetnames:
        a = [[cell.value for cell in row] for row in fresh[name].iter_rows()]
        b = [[cell.value for cell in row] for row in committed[name].iter_rows()]
        assert a == b, name


def test_generator_is_deterministic(tmp_path: Path) -> None:
    module = _load_script()
    first = module.write(tmp_path / "a.xlsx").read_bytes()
    second = module.write(tmp_path / "b.xlsx").read_bytes()
    assert first == second


def test_read_workbook_accepts_the_shipped_file() -> None:
    data = read_workbook(WORKBOOK)
    assert len(data.plan) == len(EXPECTED_2023)
    assert set(data.plan.loc[data.plan["anio"] == 2023, "clave"]) == set(EXPECTED_2023)
    assert len(data.avances) == 2 * 4 * len(EXPECTED_2023) - 2
    assert data.parametros["datos_ilustrativos"] == 1
    assert [p for p in data.avisos if p.nivel == "error"] == []


def test_engine_shows_every_semaforo_state_in_2023() -> None:
    data = read_workbook(WORKBOOK)
    result = engine.compute_all(data.plan, data.avances, data.parametros)
    states_2023 = set(result.loc[result["anio"] == 2023, "semaforo"])
    assert states_2023 == set(schema.SEMAFOROS)
