"""dependencies.cut_inputs against the engine, on the bundled plan (data/plan_2023.xlsx, read with the
project's reader): a change to a cell OUTSIDE a program-cut's inputs never changes that program-cut's
figures; a change to the cells every figure shows (inside) does change them.

«The figures of a program-cut» (A, T, P): P's rows of ``summary.at_cutoff`` (without the display name and
the plan position, see the dependencies docstring), P's row of ``programs.program_figures`` and the engine
rows (``compute_all``) of P's indicators of A for the quarters 1..T — what an approval of (A, T, P) pins.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mpi_dash import schema
from mpi_dash.dependencies import REALIZADO, TEXTS, cut_inputs
from mpi_dash.engine import compute_all
from mpi_dash.programs import program_figures
from mpi_dash.schema import program_number
from mpi_dash.snapshot import PLAN_VALUES
from mpi_dash.summary import at_cutoff
from mpi_dash.workbook import read_workbook

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "plan_2023.xlsx"
ANIO = 2023
PROGRAMAS = ("1", "2", "3", "4", "5", "6")
KINDS = {c.name: c.kind for c in schema.PLAN_COLUMNS}
#: Display details of the cut frame that are not figures (dependencies docstring).
NOT_FIGURES = ("nombre", "orden")


@functools.cache
def bundled() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    data = read_workbook(BUNDLED)
    return data.plan, data.avances, dict(data.parametros)


def figures(plan: pd.DataFrame, avances: pd.DataFrame, parametros: dict[str, float], trimestre: int,
            programa: str) -> tuple[pd.DataFrame, ...]:
    results = compute_all(plan, avances, parametros)
    cut = at_cutoff(results, plan, ANIO, trimestre)
    mine = cut.loc[cut["programa_num"] == programa].drop(columns=list(NOT_FIGURES)).reset_index(drop=True)
    per_program = program_figures(cut, parametros)  # one row per program, from its own rows
    per_program = per_program.loc[per_program["programa"] == programa].reset_index(drop=True)
    claves = set(mine["clave"])
    history = results.loc[(results["anio"] == ANIO) & results["clave"].isin(claves)
                          & (results["trimestre"] <= trimestre)].reset_index(drop=True)
    return mine, per_program, history


@functools.cache
def bundled_figures(trimestre: int, programa: str) -> tuple[pd.DataFrame, ...]:
    return figures(*bundled(), trimestre, programa)


def same(a: tuple[pd.DataFrame, ...], b: tuple[pd.DataFrame, ...]) -> bool:
    """Equal figures: same columns, same values (empty equals empty)."""
    return all(x.shape == y.shape and list(x.columns) == list(y.columns) and x.equals(y)
               for x, y in zip(a, b, strict=True))


def set_avances(avances: pd.DataFrame, clave: str, anio: int, trimestre: int, campo: str,
                value: object) -> pd.DataFrame:
    """``avances`` with one cell set (a missing row is added with only that cell)."""
    out = avances.copy()
    at = (out["clave"] == clave) & (out["anio"] == anio) & (out["trimestre"] == trimestre)
    if not at.any():
        row = {"clave": clave, "anio": anio, "trimestre": trimestre, REALIZADO: np.nan, **{t: None for t in TEXTS}}
        out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
        at = (out["clave"] == clave) & (out["anio"] == anio) & (out["trimestre"] == trimestre)
    if campo != REALIZADO:
        out[campo] = out[campo].astype(object)
    out.loc[at, campo] = value
    return out


def set_plan(plan: pd.DataFrame, row: int, campo: str, value: object) -> pd.DataFrame:
    out = plan.copy()
    if KINDS[campo] != "number":
        out[campo] = out[campo].astype(object)
    out.loc[out.index[row], campo] = value
    return out


# --------------------------------------------------------------------------- strategies
TEXT = st.one_of(st.text(alphabet="abc áé", min_size=1, max_size=6), st.none())
NUMBER = st.one_of(st.integers(0, 60).map(float), st.floats(0, 500, allow_nan=False), st.none())


@st.composite
def avances_cell(draw: st.DrawFn, programa: str) -> tuple:
    """A cell of Avances, mostly near the program-cut (its claves, this year and the previous one, any
    quarter): where a missed dependency would be."""
    plan, _, _ = bundled()
    claves = sorted(set(plan["clave"].astype(str)))
    mine = [c for c in claves if program_number(c) == programa]
    clave = draw(st.sampled_from(mine) if draw(st.integers(0, 3)) else st.sampled_from(claves))
    anio = draw(st.sampled_from([ANIO, ANIO - 1]) if draw(st.integers(0, 4)) else st.sampled_from([ANIO + 1, ANIO - 2]))
    trimestre = draw(st.integers(1, 4))
    campo = draw(st.sampled_from([REALIZADO, REALIZADO, *TEXTS]))
    value = draw(NUMBER if campo == REALIZADO else TEXT)
    return ("Avances", clave, anio, trimestre, campo, value)


@st.composite
def plan_cell(draw: st.DrawFn) -> tuple:
    plan, _, _ = bundled()
    row = draw(st.integers(0, len(plan) - 1))
    campo = draw(st.sampled_from(PLAN_VALUES))
    if campo == "tipo_calculo":
        value = draw(st.sampled_from(schema.TIPOS_CALCULO))
    elif campo == "acumulacion":
        value = draw(st.sampled_from(schema.ACUMULACIONES))
    elif campo == "sentido":
        value = draw(st.sampled_from(schema.SENTIDOS))
    elif KINDS[campo] == "number":
        value = draw(NUMBER)
    else:
        value = draw(st.text(alphabet="xyz", min_size=1, max_size=4))
    return ("Plan", row, campo, value)


@st.composite
def parametro_cell(draw: st.DrawFn) -> tuple:
    name = draw(st.sampled_from([*schema.THRESHOLD_COLUMNS, schema.ILLUSTRATIVE_FLAG, "otro_parametro"]))
    return ("Parámetros", name, draw(st.floats(0, 200, allow_nan=False)))


@st.composite
def change(draw: st.DrawFn) -> tuple:
    trimestre = draw(st.integers(1, 4))
    programa = draw(st.sampled_from(PROGRAMAS))
    cell = draw(st.one_of(avances_cell(programa), avances_cell(programa), plan_cell(), parametro_cell()))
    return trimestre, programa, cell


def apply(cell: tuple) -> tuple[tuple[pd.DataFrame, pd.DataFrame, dict[str, float]], bool]:
    """The bundled data with ``cell`` changed, and whether the cell is an input (decided by cut_inputs)."""
    plan, avances, parametros = bundled()
    if cell[0] == "Avances":
        _, clave, anio, trimestre, campo, value = cell
        return (plan, set_avances(avances, clave, anio, trimestre, campo, value), parametros), \
            lambda inputs: inputs.avances_cell(clave, anio, trimestre, campo)
    if cell[0] == "Plan":
        _, row, campo, value = cell
        clave, anio = str(plan["clave"].iloc[row]), int(plan["anio"].iloc[row])
        return (set_plan(plan, row, campo, value), avances, parametros), lambda inputs: inputs.plan_row(clave, anio)
    _, name, value = cell
    return (plan, avances, {**parametros, name: value}), lambda inputs: inputs.parametro(name)


# --------------------------------------------------------------------------- the property: outside never changes
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(change())
def test_a_change_outside_the_inputs_never_changes_the_figures(case):
    trimestre, programa, cell = case
    plan, _, _ = bundled()
    inputs = cut_inputs(plan, ANIO, trimestre, programa)
    data, inside = apply(cell)
    if inside(inputs):
        return  # inside: may change them (the tests below say which must)
    assert same(figures(*data, trimestre, programa), bundled_figures(trimestre, programa)), cell


@pytest.mark.parametrize(("trimestre", "programa"), [(1, "1"), (2, "5")])
def test_a_previous_year_report_outside_the_inputs_never_changes_the_figures(trimestre, programa):
    """Every 2022 report of the program's indicators (the rare cells a random sample seldom hits: the
    previous Diciembre of a «periodo anterior», the quarters after the cut of the línea base)."""
    plan, avances, parametros = bundled()
    inputs = cut_inputs(plan, ANIO, trimestre, programa)
    base = bundled_figures(trimestre, programa)
    for clave in sorted(inputs.claves):
        for t in range(1, 5):
            changed = figures(plan, set_avances(avances, clave, ANIO - 1, t, REALIZADO, 0.0), parametros,
                              trimestre, programa)
            if not inputs.avances_cell(clave, ANIO - 1, t, REALIZADO):
                assert same(changed, base), (clave, t)


# --------------------------------------------------------------------------- inside: the cells every figure shows
#: Diciembre of program 3 (the issue); Marzo of program 1 (periodo_anterior 1.2.1, anio_anterior 1.4 and 1.5.1,
#: conteo, hito: every type); Junio of program 5 (periodo_anterior 5.2); Septiembre of program 2 (hitos).
CUTS = [(4, "3"), (1, "1"), (2, "5"), (3, "2")]


@pytest.mark.parametrize(("trimestre", "programa"), CUTS)
def test_every_report_and_text_of_the_year_up_to_the_cut_changes_the_figures(trimestre, programa):
    plan, avances, parametros = bundled()
    inputs = cut_inputs(plan, ANIO, trimestre, programa)
    base = bundled_figures(trimestre, programa)
    stored = avances.set_index(["clave", "anio", "trimestre"])
    mine = [cell for cell in sorted(inputs.avances) if cell[1] == ANIO]
    assert {c for c, *_ in mine} == set(inputs.claves)
    for clave, anio, t, campo in mine:
        if (clave, anio, t) not in stored.index or pd.isna(stored.loc[(clave, anio, t), REALIZADO]):
            value = 1.0 if campo == REALIZADO else None   # a missing report: reporting it changes the figures
            if value is None:
                continue                                   # a text without a report is never shown
        else:
            old = stored.loc[(clave, anio, t), campo]
            value = float(old) + 1 if campo == REALIZADO else f"{old or ''} (corregido)"
        changed = figures(plan, set_avances(avances, clave, anio, t, campo, value), parametros, trimestre, programa)
        assert not same(changed, base), (clave, anio, t, campo)


@pytest.mark.parametrize(("trimestre", "programa"), CUTS)
def test_the_previous_year_values_the_baseline_reads_change_the_figures(trimestre, programa):
    """Previous-year cells: B_k moves whenever the quarters before k of that year are all reported; the
    previous Diciembre of a «periodo anterior» moves Marzo's ratio (or, set to 0, empties it)."""
    plan, avances, parametros = bundled()
    inputs = cut_inputs(plan, ANIO, trimestre, programa)
    base = bundled_figures(trimestre, programa)
    stored = avances.set_index(["clave", "anio", "trimestre"])["realizado"]
    previous = [cell for cell in sorted(inputs.avances) if cell[1] == ANIO - 1]
    assert previous and all(campo == REALIZADO for *_, campo in previous)
    checked = 0
    for clave, anio, t, _ in previous:
        prefix = [(clave, anio, q) for q in range(1, t + 1)]
        if not all(k in stored.index and pd.notna(stored[k]) for k in prefix):
            continue
        tries = [float(stored[(clave, anio, t)]) + 1, 0.0]
        assert any(not same(figures(plan, set_avances(avances, clave, anio, t, REALIZADO, v), parametros,
                                    trimestre, programa), base) for v in tries), (clave, anio, t)
        checked += 1
    assert checked


@pytest.mark.parametrize(("trimestre", "programa"), CUTS[:2])
def test_every_field_of_the_program_plan_rows_changes_the_figures(trimestre, programa):
    plan, avances, parametros = bundled()
    inputs = cut_inputs(plan, ANIO, trimestre, programa)
    base = bundled_figures(trimestre, programa)
    row = int(np.flatnonzero((plan["clave"] == sorted(inputs.claves)[0]).to_numpy() & (plan["anio"] == ANIO))[0])
    for campo in PLAN_VALUES:
        old = plan[campo].iloc[row]
        if campo in ("tipo_calculo", "acumulacion", "sentido"):
            options = {"tipo_calculo": schema.TIPOS_CALCULO, "acumulacion": schema.ACUMULACIONES,
                       "sentido": schema.SENTIDOS}[campo]
            value = next(o for o in options if o != old)
        elif KINDS[campo] == "number":
            value = 7.0 if pd.isna(old) else float(old) + 7
        else:
            value = f"{old or ''} (cambio)"
        assert not same(figures(set_plan(plan, row, campo, value), avances, parametros, trimestre, programa),
                        base), campo


def test_the_thresholds_can_change_the_figures():
    plan, avances, parametros = bundled()
    strict = {**parametros, "verde_min": 99.0, "verde_max": 101.0, "amarillo_min": 98.0, "amarillo_max": 102.0}
    assert all(cut_inputs(plan, ANIO, 4, p).parametro("verde_min") for p in PROGRAMAS)
    assert any(not same(figures(plan, avances, strict, 4, p), bundled_figures(4, p)) for p in PROGRAMAS)


def test_the_issue_scenario_septiembre_is_an_input_of_diciembre():
    """3.1 Septiembre 2023 (1 → 6) turns Diciembre's 100 % verde into 266.7 % rojo: an input of Diciembre,
    not of Junio; the 2022 reports of 3.1 up to the cut are inputs of its línea base; 2022 Diciembre of a
    cumulative indicator is not an input of Junio."""
    plan, avances, parametros = bundled()
    diciembre = cut_inputs(plan, ANIO, 4, "3")
    assert diciembre.avances_cell("3.1", 2023, 3, "realizado")
    assert not cut_inputs(plan, ANIO, 2, "3").avances_cell("3.1", 2023, 3, "realizado")
    assert diciembre.avances_cell("3.1", 2022, 4, "realizado")
    assert not cut_inputs(plan, ANIO, 2, "3").avances_cell("3.1", 2022, 4, "realizado")
    assert cut_inputs(plan, ANIO, 1, "1").avances_cell("1.2.1", 2022, 4, "realizado")   # periodo anterior
    assert not cut_inputs(plan, ANIO, 1, "1").avances_cell("1.1.1", 2022, 4, "realizado")
    mine, _, _ = figures(plan, set_avances(avances, "3.1", 2023, 3, REALIZADO, 6.0), parametros, 4, "3")
    row = mine.loc[mine["clave"] == "3.1"].iloc[0]
    assert (round(row["cumplimiento_pct"], 1), row["semaforo"]) == (266.7, "rojo")
    assert bundled_figures(4, "3")[0].set_index("clave").loc["3.1", "semaforo"] == "verde"
    assert diciembre.cells().query("tabla == 'Plan'")["clave"].tolist() == ["3.1", "3.2", "3.3", "3.4", "3.5"]
