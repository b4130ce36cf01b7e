"""diff.py: merge by key, cell differences, semáforo changes, stale-template rows (hand-computed cases)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from upload_helpers import SAMPLE_PARAMETROS, sample_avances, sample_plan

from mpi_dash.diff import (
    CELL_COLUMNS,
    SEMAFORO_COLUMNS,
    apply_upload,
    conform_avances,
    diff_snapshots,
    make_snapshot,
    row_changes,
    stale_mask,
)


@pytest.fixture
def base():
    return make_snapshot(sample_plan(), sample_avances(), SAMPLE_PARAMETROS)


def up(*rows):
    """Upload avances rows: (clave, anio, trimestre, realizado[, justificacion, evidencia])."""
    full = [tuple(r) + (None,) * (6 - len(r)) for r in rows]
    columns = ["clave", "anio", "trimestre", "realizado", "justificacion", "evidencia"]
    return pd.DataFrame(full, columns=columns)


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


def test_rows_absent_from_upload_are_kept(base):
    after = apply_upload(base, plan=None, avances=up(("1.1.1", 2023, 3, 1.0)), parametros=None)
    assert len(after.avances) == len(base.avances) + 1
    kept = after.avances.merge(base.avances, on=list(base.avances.columns), how="inner")
    assert len(kept) == len(base.avances)
    assert after.plan.equals(base.plan)


def test_identical_upload_is_empty_and_keeps_flag(base):
    after = apply_upload(base, plan=None, avances=base.avances.iloc[:5], parametros=None)
    changes = diff_snapshots(base, after)
    assert changes.is_empty and changes.n_cells == 0
    assert after.parametros["datos_ilustrativos"] == 1.0
    assert changes.avances_sin_cambio == len(base.avances)
    assert row_changes(base, after).is_empty


@pytest.mark.parametrize(("params", "expected_flag"), [
    (None, 0.0),                                   # real avances uploaded → flag cleared
    ({"datos_ilustrativos": 1.0}, 1.0),            # the upload says they are illustrative
    ({"verde_min": 85.0}, 0.0),                    # Parámetros sheet without the flag
])
def test_illustrative_flag_rule(base, params, expected_flag):
    after = apply_upload(base, plan=None, avances=up(("1.1.1", 2023, 3, 1.0)), parametros=params)
    assert after.parametros["datos_ilustrativos"] == expected_flag
    flag_cells = diff_snapshots(base, after, with_semaforo=False).cells.query("campo == 'datos_ilustrativos'")
    assert len(flag_cells) == (1 if expected_flag == 0.0 else 0)


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


def test_new_plan_year_appended_in_order(base):
    plan = sample_plan((2024,))
    after = apply_upload(base, plan=plan, avances=up(("1.1.1", 2024, 1, 1.0)), parametros=None)
    assert list(zip(after.plan["clave"], after.plan["anio"]))[-3:] == [
        ("1.1.1", 2024), ("1.2.1", 2024), ("6", 2024)]
    changes = diff_snapshots(base, after)
    assert changes.count("Plan", "nuevo") == 3
    assert changes.count("Avances", "nuevo") == 1
    new_sem = changes.semaforo[changes.semaforo["anio"] == 2024]
    assert new_sem["antes"].isna().all() and len(new_sem) == 12  # 3 indicators × 4 quarters appear


def test_row_changes_include_removals_for_revert(base):
    after = apply_upload(base, plan=None, avances=up(("1.1.1", 2023, 3, 1.0), ("1.1.1", 2023, 1, 2.0)),
                         parametros=None)
    back = row_changes(after, base)
    assert sorted(map(tuple, back.avances_removed.to_numpy().tolist())) == [("1.1.1", 2023, 3)]
    assert back.avances_upserts[["clave", "anio", "trimestre", "realizado"]].to_numpy().tolist() == [
        ["1.1.1", 2023, 1, 1.0]]
    assert back.parametros_set == {"datos_ilustrativos": 1.0}
    retirado = diff_snapshots(after, base, with_semaforo=False).cells.query("tipo == 'retirado'")
    assert retirado[["clave", "campo", "antes"]].to_numpy().tolist() == [["1.1.1", "Realizado", 1.0]]


@pytest.mark.parametrize(("upload_value", "current_value", "stale"), [
    (1.0, 5.0, True),    # untouched in the old template, changed later → left out (later change survives)
    (2.0, 5.0, False),   # the person edited it → applied
    (1.0, 1.0, False),   # nobody changed it → nothing to protect
])
def test_stale_mask(base, upload_value, current_value, stale):
    later = up(("1.1.1", 2023, 1, current_value, None, "Acta 1/2023"))
    current = apply_upload(base, plan=None, avances=later, parametros=None)
    upload = up(("1.1.1", 2023, 1, upload_value, None, "Acta 1/2023"), ("1.1.1", 2023, 3, 1.0))
    mask = stale_mask(upload, base.avances, current.avances)
    assert mask.tolist() == [stale, False]


def test_inputs_not_mutated(base):
    plan, avances = sample_plan(), sample_avances()
    plan_copy, avances_copy = plan.copy(deep=True), avances.copy(deep=True)
    snap = make_snapshot(plan, avances, SAMPLE_PARAMETROS)
    upload = up(("1.1.1", 2023, 2, 0.5))
    upload_copy = upload.copy(deep=True)
    before_avances = snap.avances.copy(deep=True)
    after = apply_upload(snap, plan=plan.iloc[[3]], avances=upload, parametros={"verde_min": 80.0})
    diff_snapshots(snap, after)
    pd.testing.assert_frame_equal(plan, plan_copy)
    pd.testing.assert_frame_equal(avances, avances_copy)
    pd.testing.assert_frame_equal(upload, upload_copy)
    pd.testing.assert_frame_equal(snap.avances, before_avances)
    assert snap.parametros["verde_min"] == 90.0


def test_conform_canonical_dtypes():
    raw = pd.DataFrame({"clave": pd.Series(["1.1", "2"], dtype="str"), "anio": [2023.0, 2024.0],
                        "trimestre": [1, 4], "realizado": ["3", 4],
                        "justificacion": pd.Series(["", "ok"], dtype="str")})
    out = conform_avances(raw)
    assert out["anio"].dtype == np.int64 and out["trimestre"].dtype == np.int64
    assert out["realizado"].dtype == np.float64
    assert out["justificacion"].tolist() == [None, "ok"]
    assert out["evidencia"].tolist() == [None, None]


def test_absent_columns_keep_stored_values(base):
    upload = up(("1.1.1", 2023, 2, 0.5, None, None), ("1.1.1", 2023, 3, 1.0, None, None))
    after = apply_upload(base, plan=None, avances=upload, parametros=None,
                         avances_columns=frozenset({"clave", "anio", "trimestre", "realizado"}))
    rows = after.avances.query("clave == '1.1.1' and anio == 2023").set_index("trimestre")
    assert rows.loc[2, "evidencia"] == "Acta 2/2023" and rows.loc[2, "realizado"] == 0.5
    assert rows.loc[3, "evidencia"] is None  # a new row simply has no evidencia
    plan = sample_plan((2023,)).iloc[[0]].assign(meta_anual=8.0, programado_t1=None)
    after = apply_upload(base, plan=plan, avances=None, parametros=None,
                         plan_columns=frozenset({"clave", "anio", "meta_anual", "indicador"}))
    row = after.plan.query("clave == '1.1.1' and anio == 2023").iloc[0]
    assert (row.meta_anual, row.programado_t1) == (8.0, 1.0)  # Programado T1 column absent → kept


@pytest.mark.parametrize(("value", "text"), [
    (1234.25, "1,234.25"), (2.0, "2"), (None, "—"), (float("nan"), "—"), ("Acta", "Acta"),
    (1 / 3, "0.3333333333"), (-0.5, "-0.5"), (1234567, "1,234,567")])
def test_display_value(value, text):
    from mpi_dash.diff import display_value

    assert display_value(value) == text


def test_display_tables(base):
    from mpi_dash.diff import cells_table, semaforo_table

    after = apply_upload(base, plan=None, avances=up(("1.1.1", 2023, 2, 0.5, None, "Acta 2/2023")),
                         parametros=None)
    changes = diff_snapshots(base, after)
    table = cells_table(changes.cells)
    assert list(table.columns) == [
        "Hoja", "Clave", "Año", "Trimestre", "Columna", "Antes", "Después", "Cambio"]
    assert table.values.tolist() == [
        ["Avances", "1.1.1", "2023", "Junio", "Realizado", "1", "0.5", "Cambiado"],
        ["Parámetros", "—", "—", "—", "datos_ilustrativos", "1", "0", "Cambiado"]]
    sem = semaforo_table(changes.semaforo)
    assert sem.values.tolist() == [["1.1.1", "Indicador 1.1.1", "2023", "Junio", "🟢 Verde", "🟡 Amarillo"]]


# --------------------------------------------------------------------------- display: local time, problems
@pytest.mark.parametrize(("stored", "shown"), [
    ("2026-11-29T01:55:21+00:00", "2026-11-28 19:55"),   # UTC−6: previous day in Mexico City
    ("2023-07-01T12:00:00+00:00", "2023-07-01 06:00"),   # no daylight saving time since 2022
    ("2023-12-31T23:59:00", "2023-12-31 17:59"),          # naive = UTC (the store writes UTC)
    ("", "—"), (None, "—"), ("no es fecha", "—"),
])
def test_local_datetime_mexico_city(stored, shown):
    from mpi_dash.diff import local_datetime

    assert local_datetime(stored) == shown


def test_local_datetime_without_tzdata_falls_back_to_utc_minus_6(monkeypatch):
    import zoneinfo

    from mpi_dash import diff

    def missing(key):
        raise zoneinfo.ZoneInfoNotFoundError(key)

    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    assert diff.local_timezone() is diff.FALLBACK_TZ
    assert diff.local_datetime("2026-11-29T01:55:21+00:00") == "2026-11-28 19:55"
    assert diff.local_datetime("2023-07-01T12:00:00+00:00") == "2023-07-01 06:00"


def test_problems_table_has_no_none():
    from mpi_dash.diff import problems_table
    from mpi_dash.workbook import Problem

    csv = "un archivo de texto (por ejemplo CSV)"
    table = problems_table([Problem("", None, None, csv, "un libro .xlsx"),
                            Problem("Avances", 1452, "Realizado", "", "un número", nivel="aviso"),
                            Problem("Parámetros", None, "Valor", "90", "umbrales ordenados")])
    assert list(table.columns) == ["Hoja", "Fila", "Columna", "Valor", "Qué se esperaba"]
    assert table.values.tolist() == [
        ["(archivo)", "—", "—", csv, "un libro .xlsx"],
        ["Avances", "1452", "Realizado", "—", "un número"],   # Excel row numbers as Excel shows them
        ["Parámetros", "—", "Valor", "90", "umbrales ordenados"]]
    assert problems_table([]).empty and list(problems_table([]).columns) == list(table.columns)
