"""diff.py: cell differences and semáforo changes of an upload (hand-computed cases)."""

from __future__ import annotations

import pandas as pd
import pytest
from upload_helpers import sample_plan, sample_snapshot
from upload_helpers import avances_frame as up

from mpi_dash.diff import CELL_COLUMNS, SEMAFORO_COLUMNS, diff_snapshots
from mpi_dash.snapshot import apply_upload


@pytest.fixture
def base():
    return sample_snapshot()


def cells_as_tuples(changes):
    return sorted((c.tabla, c.clave, None if pd.isna(c.anio) else int(c.anio),
                   None if pd.isna(c.trimestre) else int(c.trimestre), c.campo, c.antes, c.despues, c.tipo)
                  for c in changes.cells.itertuples())


# Each case: upload rows → expected changed cells (except the datos_ilustrativos flag), semáforo changes.
CASES = [
    pytest.param(up(("1.1.1", 2023, 2, 1.0, None, "Acta 2/2023")), [], [], id="identical-row"),
    pytest.param(up(("1.1.1", 2023, 2, 0.5, None, "Acta 2/2023")),
                 [("Avances", "1.1.1", 2023, 2, "Realizado", 1.0, 0.5, "cambiado")],
                 [("1.1.1", 2023, 2, "verde", "amarillo")], id="changed-75pct-amarillo"),
    pytest.param(up(("1.1.1", 2023, 2, 3.0, "Sesión extra", "Acta 2/2023")),
                 [("Avances", "1.1.1", 2023, 2, "Justificación", None, "Sesión extra", "cambiado"),
                  ("Avances", "1.1.1", 2023, 2, "Realizado", 1.0, 3.0, "cambiado")],
                 [("1.1.1", 2023, 2, "verde", "rojo")], id="changed-200pct-rojo"),
    pytest.param(up(("1.1.1", 2023, 3, 1.0)),
                 [("Avances", "1.1.1", 2023, 3, "Realizado", None, 1.0, "nuevo")],
                 [("1.1.1", 2023, 3, "sin_dato", "verde")], id="new-quarter"),
    pytest.param(up(("1.2.1", 2023, 2, 12.0, "", "Oficio 5")),
                 [("Avances", "1.2.1", 2023, 2, "Evidencia", None, "Oficio 5", "nuevo"),
                  ("Avances", "1.2.1", 2023, 2, "Realizado", None, 12.0, "nuevo")],
                 [("1.2.1", 2023, 2, "sin_dato", "informativo")], id="new-informativo-blank-text-is-empty"),
]


@pytest.mark.parametrize(("upload", "expected_cells", "expected_sem"), CASES)
def test_upload_changes(base, upload, expected_cells, expected_sem):
    after = apply_upload(base, plan=None, avances=upload, parametros=None)
    changes = diff_snapshots(base, after)
    got = [c for c in cells_as_tuples(changes) if c[0] != "Parámetros"]
    assert got == sorted(expected_cells)
    sem = sorted((r.clave, r.anio, r.trimestre, r.antes, r.despues) for r in changes.semaforo.itertuples())
    assert sem == sorted(expected_sem)
    assert list(changes.cells.columns) == list(CELL_COLUMNS)
    assert list(changes.semaforo.columns) == list(SEMAFORO_COLUMNS)


def test_plan_change_in_same_upload(base):
    plan = sample_plan((2023,)).iloc[[0]].assign(programado_t2=2.0, meta_ajustada=5.0)
    after = apply_upload(base, plan=plan, avances=None, parametros=None)
    changes = diff_snapshots(base, after)
    assert cells_as_tuples(changes) == sorted([
        ("Plan", "1.1.1", 2023, None, "Meta ajustada", None, 5.0, "cambiado"),
        ("Plan", "1.1.1", 2023, None, "Programado T2", 1.0, 2.0, "cambiado"),
    ])
    # Q2: R = 2, P = 1 + 2 = 3 → 66.7 % → rojo (was 100 % verde)
    assert [(r.clave, r.anio, r.trimestre, r.antes, r.despues) for r in changes.semaforo.itertuples()] == [
        ("1.1.1", 2023, 2, "verde", "rojo")]
    assert list(after.plan["clave"]) == list(base.plan["clave"])  # plan order kept



def test_new_plan_year_cells_and_semaforos(base):
    plan = sample_plan((2024,))
    after = apply_upload(base, plan=plan, avances=up(("1.1.1", 2024, 1, 1.0)), parametros=None)
    changes = diff_snapshots(base, after)
    plan_cells = changes.cells.query("tabla == 'Plan'")
    assert set(plan_cells["tipo"]) == {"nuevo"}
    assert plan_cells[["clave", "anio"]].drop_duplicates().values.tolist() == [
        ["1.1.1", 2024], ["1.2.1", 2024], ["6", 2024]]
    avances_cells = changes.cells.query("tabla == 'Avances'")
    assert avances_cells[["clave", "anio", "trimestre", "campo", "tipo"]].values.tolist() == [
        ["1.1.1", 2024, 1, "Realizado", "nuevo"]]
    new_sem = changes.semaforo[changes.semaforo["anio"] == 2024]
    assert new_sem["antes"].isna().all() and len(new_sem) == 12  # 3 indicators × 4 quarters appear

