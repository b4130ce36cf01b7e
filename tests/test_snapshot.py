"""snapshot.py: merge by key, the sample-values rule, rows to write, per-cell three-way merge.

Hand-computed cases on the sample data of ``upload_helpers``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from upload_helpers import SAMPLE_PARAMETROS, sample_avances, sample_plan, sample_snapshot
from upload_helpers import avances_frame as up

from mpi_dash.diff import diff_snapshots
from mpi_dash.snapshot import (
    KEEP_SAVED,
    USE_FILE,
    apply_upload,
    conform_avances,
    make_snapshot,
    merge_avances,
    resolve_conflicts,
    row_changes,
    sample_keys,
)


@pytest.fixture
def base():
    return sample_snapshot()


def test_rows_absent_from_upload_are_kept(base):
    after = apply_upload(base, plan=None, avances=up(("1.1.1", 2023, 3, 1.0)), parametros=None)
    assert len(after.avances) == len(base.avances) + 1
    kept = after.avances.merge(base.avances, on=list(base.avances.columns), how="inner")
    assert len(kept) == len(base.avances)
    assert after.plan.equals(base.plan)


def _all_samples(snapshot):
    """``snapshot`` with every avances row marked as a bundled sample (what the seed makes)."""
    return make_snapshot(snapshot.plan, snapshot.avances, snapshot.parametros, sample_keys(snapshot.avances))


def test_identical_upload_is_empty_and_keeps_samples(base):
    samples = _all_samples(base)
    after = apply_upload(samples, plan=None, avances=base.avances.iloc[:5], parametros=None)
    changes = diff_snapshots(samples, after)
    assert changes.is_empty and changes.n_cells == 0
    assert after.muestras == samples.muestras and len(after.muestras) == 12  # identical rows certify nothing
    assert after.parametros["datos_ilustrativos"] == 1.0
    rows = row_changes(samples, after)
    assert rows.plan_upserts.empty and rows.avances_upserts.empty and rows.avances_removed.empty
    assert not rows.parametros_set and not rows.parametros_removed and not rows.avances_muestras


@pytest.mark.parametrize("params", [
    None,                          # no Parámetros sheet
    {"datos_ilustrativos": 1.0},   # the file's own flag does not make its rows samples: an upload is real
    {"verde_min": 85.0},
])
def test_upload_makes_real_only_the_rows_it_writes(base, params):
    samples = _all_samples(base)
    # 1.1.1 Marzo 2023 changes (1 → 2), Septiembre is new, 1.1.1 Junio is sent again unchanged
    after = apply_upload(samples, plan=None, parametros=params, avances=up(
        ("1.1.1", 2023, 1, 2.0, None, "Acta 1/2023"), ("1.1.1", 2023, 3, 1.0), ("1.1.1", 2023, 2, 1.0, None,
                                                                               "Acta 2/2023")))
    assert samples.muestras - after.muestras == {("1.1.1", 2023, 1)}
    assert ("1.1.1", 2023, 3) not in after.muestras and ("1.1.1", 2023, 2) in after.muestras
    assert len(after.muestras) == 11
    assert after.parametros["datos_ilustrativos"] == 1.0  # never flipped by an upload
    assert "datos_ilustrativos" not in set(diff_snapshots(samples, after, with_semaforo=False).cells["campo"])
    rows = row_changes(samples, after)
    assert sorted(zip(rows.avances_upserts["trimestre"], rows.avances_upserts["realizado"])) == [(1, 2.0), (3, 1.0)]
    assert rows.avances_muestras == frozenset()  # both rows written as real values


def test_row_changes_rewrite_a_row_whose_mark_alone_changes(base):
    """A revert to the seed where a later upload typed the sample's own value again: same values, the mark
    comes back, so the row is written again (same values, marked)."""
    samples = _all_samples(base)
    real = make_snapshot(base.plan, base.avances, base.parametros, samples.muestras - {("6", 2023, 1)})
    back = row_changes(real, samples)
    assert back.avances_upserts[["clave", "anio", "trimestre", "realizado"]].to_numpy().tolist() == [
        ["6", 2023, 1, 1.0]]
    assert back.avances_muestras == {("6", 2023, 1)} and back.avances_removed.empty
    assert diff_snapshots(real, samples, with_semaforo=False).is_empty  # no value changes: 0 cells


def test_make_snapshot_keeps_marks_of_present_rows_only(base):
    snap = make_snapshot(base.plan, base.avances, {}, [("6", 2023, 1), ("9.9", 2023, 1)])
    assert snap.muestras == {("6", 2023, 1)}


def test_new_plan_year_appended_in_order(base):
    plan = sample_plan((2024,))
    after = apply_upload(base, plan=plan, avances=up(("1.1.1", 2024, 1, 1.0)), parametros=None)
    assert list(zip(after.plan["clave"], after.plan["anio"]))[-3:] == [
        ("1.1.1", 2024), ("1.2.1", 2024), ("6", 2024)]
    assert list(zip(after.plan["clave"], after.plan["anio"]))[:6] == list(zip(base.plan["clave"],
                                                                             base.plan["anio"]))


def test_row_changes_include_removals_for_revert(base):
    after = apply_upload(base, plan=None, avances=up(("1.1.1", 2023, 3, 1.0), ("1.1.1", 2023, 1, 2.0)),
                         parametros=None)
    back = row_changes(after, base)
    assert sorted(map(tuple, back.avances_removed.to_numpy().tolist())) == [("1.1.1", 2023, 3)]
    assert back.avances_upserts[["clave", "anio", "trimestre", "realizado"]].to_numpy().tolist() == [
        ["1.1.1", 2023, 1, 1.0]]
    assert back.parametros_set == {}  # the parámetro is never flipped by an upload
    retirado = diff_snapshots(after, base, with_semaforo=False).cells.query("tipo == 'retirado'")
    assert retirado[["clave", "campo", "antes"]].to_numpy().tolist() == [["1.1.1", "Realizado", 1.0]]


@pytest.mark.parametrize(("base_v", "file_v", "stored_v", "result", "conflict", "kept"), [
    (1.0, 1.0, 5.0, 5.0, False, True),    # file = base, store changed → not applied (later change stays)
    (1.0, 2.0, 1.0, 2.0, False, False),   # file changed, store not → applied
    (1.0, 2.0, 5.0, 5.0, True, False),    # both changed to different values → conflict, stored stays
    (1.0, 5.0, 5.0, 5.0, False, False),   # both changed to the same value → nothing to decide
    (1.0, 1.0, 1.0, 1.0, False, False),   # nobody changed it
])
def test_merge_avances_per_cell(base_v, file_v, stored_v, result, conflict, kept):
    base = up(("1.1.1", 2023, 1, base_v, "J base", "E base"))
    current = up(("1.1.1", 2023, 1, stored_v, "J nueva", "E base"))   # a colleague also rewrote the text
    upload = up(("1.1.1", 2023, 1, file_v, "J base", "E mía"))          # the file changed Evidencia
    merged = merge_avances(upload, base, current)
    assert merged.rows[["realizado", "justificacion", "evidencia"]].values.tolist() == [
        [result, "J nueva", "E mía"]]
    assert merged.conflicts["campo"].tolist() == (["realizado"] if conflict else [])
    assert merged.kept["campo"].tolist() == (["realizado", "justificacion"] if kept else ["justificacion"])


def test_merge_new_row_and_resolution():
    base = up(("1.1.1", 2023, 3, None))
    current = up(("1.1.1", 2023, 3, 2.0, "Texto de A", None))
    upload = up(("1.1.1", 2023, 3, 2.5), ("1.1.1", 2023, 4, 1.0))
    merged = merge_avances(upload, base, current)
    assert merged.conflicts[["trimestre", "campo", "base", "guardado", "archivo"]].values.tolist() == [
        [3, "realizado", None, 2.0, 2.5]]
    assert merged.rows[["trimestre", "realizado", "justificacion"]].values.tolist() == [
        [3, 2.0, "Texto de A"], [4, 1.0, None]]
    mine = resolve_conflicts(merged.rows, merged.conflicts, {("1.1.1", 2023, 3, "realizado"): USE_FILE})
    assert mine[["trimestre", "realizado", "justificacion"]].values.tolist() == [
        [3, 2.5, "Texto de A"], [4, 1.0, None]]
    saved = resolve_conflicts(merged.rows, merged.conflicts, {("1.1.1", 2023, 3, "realizado"): KEEP_SAVED})
    assert saved["realizado"].tolist() == [2.0, 1.0]


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

