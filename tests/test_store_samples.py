"""store.py: bundled sample values are a property of each stored avances row (issue 21 item 2).

The seed's rows are samples when its workbook says ``datos_ilustrativos = 1``; an upload makes real only the
rows it writes; a revert brings back the marks of its revision; an administrator removes the remaining
samples as one revision; databases made before migration m005 are marked as the old parámetro meant.
Expected keys are counted by hand on the sample data of ``upload_helpers`` (12 avances rows: 1.1.1 and
1.2.1 for the 4 quarters of 2022, 1.1.1 Marzo/Junio, 1.2.1 Marzo and 6 Marzo of 2023) or on the bundled
workbook (programs 1–6).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from auth_helpers import add_accounts
from upload_helpers import (
    SAMPLE_PARAMETROS,
    make_db,
    sample_avances,
    sample_plan,
    upload_bytes,
    workbook_bytes,
)

from mpi_dash import data_access, store
from mpi_dash.accounts import CliActor, PermissionDenied
from mpi_dash.store import Store, StoreError

REPO_ROOT = Path(__file__).resolve().parent.parent
ALL_12 = {("1.1.1", 2022, q) for q in range(1, 5)} | {("1.2.1", 2022, q) for q in range(1, 5)} | {
    ("1.1.1", 2023, 1), ("1.1.1", 2023, 2), ("1.2.1", 2023, 1), ("6", 2023, 1)}
ANA = CliActor("Ana López")


@pytest.fixture
def db(tmp_path):
    return Store(make_db(tmp_path))


def test_seed_rows_are_samples_when_the_workbook_says_so(db):
    _, snap = db.load_snapshot()
    assert snap.muestras == ALL_12
    dataset = data_access.load_dataset(db)
    assert dataset.programas_ilustrativos == ("1", "6") and dataset.ilustrativo


def test_seed_without_the_flag_has_no_samples(tmp_path):
    seed = tmp_path / "oficial.xlsx"
    seed.write_bytes(workbook_bytes(sample_plan(), sample_avances(), {**SAMPLE_PARAMETROS,
                                                                      "datos_ilustrativos": 0.0}))
    real = Store(tmp_path / "oficial.sqlite", seed=seed)
    assert real.load_snapshot()[1].muestras == frozenset()
    dataset = data_access.load_dataset(real)
    assert dataset.programas_ilustrativos == () and not dataset.ilustrativo and dataset.aviso_ilustrativo == ""


def test_upload_makes_real_only_the_rows_it_writes(db):
    content = upload_bytes([("1.1.1", 2023, "Junio", 0.5, None, "Acta 2/2023"),   # changed
                            ("1.1.1", 2023, "Septiembre", 1.0),                     # new
                            ("1.2.1", 2023, "Marzo", 12.0)])                        # sent again, same value
    preview = db.prepare_upload(content, "junio.xlsx")
    assert preview.muestras_reemplazadas == {("1.1.1", 2023, 2)} and not preview.clears_illustrative_flag
    db.commit_preview(preview, actor=ANA, comment="junio")
    _, snap = db.load_snapshot()
    assert snap.muestras == ALL_12 - {("1.1.1", 2023, 2)}
    assert ("1.2.1", 2023, 1) in snap.muestras  # an unchanged row is not certified by the upload
    with db.connection() as conn:
        rows = conn.execute("SELECT clave, trimestre, ilustrativo FROM avances_versions WHERE revision_id = 2 "
                            "ORDER BY trimestre").fetchall()
    assert rows == [("1.1.1", 2, 0), ("1.1.1", 3, 0)]
    # program 6 untouched, program 1 still has samples (2022 and the other 2023 rows)
    assert data_access.load_dataset(db).programas_ilustrativos == ("1", "6")


def test_last_sample_of_a_program_replaced_drops_it_from_the_notice(db):
    preview = db.prepare_upload(upload_bytes([("6", 2023, "Marzo", 0.0)]), "hito.xlsx")
    assert preview.muestras_reemplazadas == {("6", 2023, 1)}
    db.commit_preview(preview, actor=ANA, comment="hito")
    dataset = data_access.load_dataset(db)
    assert dataset.programas_ilustrativos == ("1",)
    assert dataset.aviso_ilustrativo == ("Datos ilustrativos en el programa 1: sus avances incluyen cifras de "
                                         "ejemplo, que no son cifras oficiales del MPI CDMX.")


def test_replacing_every_sample_says_the_notice_disappears(db):
    rows = [(c, a, t, 7.0) for c, a, t in sorted(ALL_12)]
    preview = db.prepare_upload(upload_bytes(rows), "todo.xlsx")
    assert preview.clears_illustrative_flag and preview.muestras_reemplazadas == ALL_12
    db.commit_preview(preview, actor=ANA, comment="todo")
    assert not data_access.load_dataset(db).ilustrativo


def test_program_3_upload_leaves_the_other_programs_illustrative(tmp_path):
    """The issue's case on the bundled workbook: program 3's coordinator uploads every value of her program
    (2022 and 2023); programs 1, 2, 4, 5 and 6 keep their sample values and the notice names them."""
    bundled = Store(tmp_path / "bundled.sqlite", seed=REPO_ROOT / "data" / "plan_2023.xlsx")
    _, snap = bundled.load_snapshot()
    assert data_access.load_dataset(bundled).programas_ilustrativos == ("1", "2", "3", "4", "5", "6")
    program_3 = snap.avances.loc[snap.avances["clave"].str.startswith("3.")]
    assert len(program_3) == 39  # 20 rows of 2022, 19 of 2023 (counted in the bundled workbook)
    months = {1: "Marzo", 2: "Junio", 3: "Septiembre", 4: "Diciembre"}
    rows = [(r.clave, int(r.anio), months[int(r.trimestre)], float(r.realizado) + 1.0)
            for r in program_3.itertuples()]
    half = rows[:10]
    bundled.import_file(upload_bytes(half), "p3_parcial.xlsx", actor=ANA, comment="parte del programa 3")
    # program 3 still holds 29 samples: it stays in the notice
    assert data_access.load_dataset(bundled).programas_ilustrativos == ("1", "2", "3", "4", "5", "6")
    bundled.import_file(upload_bytes(rows), "p3.xlsx", actor=ANA, comment="programa 3 completo")
    dataset = data_access.load_dataset(bundled)
    assert dataset.programas_ilustrativos == ("1", "2", "4", "5", "6")
    assert data_access.illustrative_notice(dataset.programas_ilustrativos) == (
        "Datos ilustrativos en los programas 1, 2, 4, 5 y 6")
    _, after = bundled.load_snapshot()
    assert len(after.muestras) == len(snap.muestras) - 39


def test_revert_restores_the_marks_of_its_revision(db):
    db.import_file(upload_bytes([("1.1.1", 2023, "Marzo", 2.0, None, "Acta 1/2023")]), "a.xlsx", actor=ANA,
                   comment="r2")
    # r3 types the seed's own values again: the same values as revision 1, but now real ones
    db.import_file(upload_bytes([("1.1.1", 2023, "Marzo", 1.0, None, "Acta 1/2023")]), "b.xlsx", actor=ANA,
                   comment="r3")
    assert db.load_snapshot()[1].muestras == ALL_12 - {("1.1.1", 2023, 1)}
    # back to the seed: no value differs, only the mark — still a revert to make, with 0 cells changed
    assert db.revert(1, actor=ANA, reason="a la 1") == 4
    assert db.load_snapshot()[1].muestras == ALL_12
    assert db.revision_info(4)["celdas_cambiadas"] == 0
    with pytest.raises(StoreError, match="no hay nada que revertir"):
        db.revert(1, actor=ANA, reason="otra vez")
    assert db.revert(2, actor=ANA, reason="a la 2") == 5
    _, r5 = db.load_snapshot()
    assert r5.muestras == ALL_12 - {("1.1.1", 2023, 1)}
    assert db.revision_info(5)["celdas_cambiadas"] == 1  # Realizado of 1.1.1 Marzo 2023: 1 → 2


def test_clear_samples_removes_them_as_one_revertible_revision(db):
    db.import_file(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "a.xlsx", actor=ANA, comment="r2")
    revision, removed = db.clear_samples(actor=CliActor("Adriana"), comment="Arranque con cifras oficiales")
    assert (revision, removed) == (3, 11)
    _, snap = db.load_snapshot()
    assert snap.muestras == frozenset()
    assert list(zip(snap.avances["clave"], snap.avances["anio"], snap.avances["trimestre"],
                    snap.avances["realizado"])) == [("1.1.1", 2023, 2, 0.5)]  # only the real value stays
    info = db.revision_info(3)
    assert (info["tipo"], info["autor"], info["comentario"]) == (
        store.KIND_CLEAR_SAMPLES, "Adriana", "Arranque con cifras oficiales")
    # 11 Realizados and the Evidencia of 1.1.1 Marzo 2023 («Acta 1/2023») withdrawn
    assert info["celdas_cambiadas"] == 12
    assert not data_access.load_dataset(db).ilustrativo
    with pytest.raises(StoreError, match="No quedan datos ilustrativos"):
        db.clear_samples(actor=CliActor("Adriana"), comment="otra vez")
    db.revert(2, actor=ANA, reason="Volver a los datos de ejemplo")
    assert db.load_snapshot()[1].muestras == ALL_12 - {("1.1.1", 2023, 2)}


@pytest.mark.parametrize("usuario", ["coco", "ana"])
def test_only_administracion_may_clear_samples(tmp_path, usuario):
    path = make_db(tmp_path)
    accounts = add_accounts(path)
    db = Store(path)
    dump = db.dump_sql()
    with pytest.raises(PermissionDenied, match="no permite quitar los datos ilustrativos"):
        db.clear_samples(actor=accounts[usuario], comment="quitar")
    log = db.access_log(usuario=usuario)
    assert log["evento"].iloc[0] == "permiso_denegado"
    assert db.latest_revision() == 1 and db.load_snapshot()[1].muestras == ALL_12
    revision, removed = db.clear_samples(actor=accounts["adri"], comment="quitar")
    assert (revision, removed) == (2, 12)
    assert db.revision_info(2)["usuario"] == "adri"
    assert dump != db.dump_sql()


def test_clear_samples_needs_a_comment(db):
    with pytest.raises(StoreError, match="Falta el comentario"):
        db.clear_samples(actor=ANA, comment="  ")


def _as_before_m005(path: Path) -> None:
    """Make the database look like one written before migration m005 (no sample marks)."""
    conn = sqlite3.connect(str(path))
    conn.execute("ALTER TABLE avances_versions DROP COLUMN ilustrativo")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_sample_values'")
    conn.commit()
    conn.close()


def test_migration_marks_the_seed_values_not_overwritten_since(db):
    db.import_file(upload_bytes([("1.1.1", 2023, "Junio", 0.5), ("1.1.1", 2023, "Septiembre", 1.0)]),
                   "r2.xlsx", actor=ANA, comment="r2")
    db.revert(1, actor=ANA, reason="r3")   # brings the seed's 1.1.1 Junio back (a sample again)
    db.import_file(upload_bytes([("1.2.1", 2023, "Marzo", 15.0)]), "r4.xlsx", actor=ANA, comment="r4")
    _as_before_m005(db.path)
    with sqlite3.connect(str(db.path)) as conn:
        assert "ilustrativo" not in {r[1] for r in conn.execute("PRAGMA table_info(avances_versions)")}
    _, snap = db.load_snapshot()  # opening applies m005
    assert snap.muestras == ALL_12 - {("1.2.1", 2023, 1)}
    assert ("1.1.1", 2023, 2) in snap.muestras  # restored by the revert: a sample
    assert db.load_snapshot(2)[1].muestras == ALL_12 - {("1.1.1", 2023, 2)}  # r2 wrote a real value
    with db.connection() as conn:
        assert [m.name for m in store.migrations.applied(conn)][-1] == "m005_sample_values"
    assert data_access.load_dataset(db).programas_ilustrativos == ("1", "6")


def test_migration_of_a_database_seeded_with_official_figures(tmp_path):
    seed = tmp_path / "oficial.xlsx"
    seed.write_bytes(workbook_bytes(sample_plan(), sample_avances(), {**SAMPLE_PARAMETROS,
                                                                      "datos_ilustrativos": 0.0}))
    real = Store(tmp_path / "oficial.sqlite", seed=seed)
    real.latest_revision()
    _as_before_m005(real.path)
    assert real.load_snapshot()[1].muestras == frozenset()


def test_save_state_makes_real_only_the_rows_it_changes(db):
    """A whole-snapshot save (plan loads): same rule as an upload, and marks asked for by the caller are
    ignored — only the first load brings sample values."""
    from mpi_dash.snapshot import make_snapshot

    _, snap = db.load_snapshot()
    avances = snap.avances.copy()
    avances.loc[(avances["clave"] == "6") & (avances["anio"] == 2023), "realizado"] = 0.0
    wanted = make_snapshot(snap.plan, avances, snap.parametros, snap.muestras)  # asks to keep every mark
    assert db.save_state(wanted, actor=ANA, comment="plan") == 2
    assert db.load_snapshot()[1].muestras == ALL_12 - {("6", 2023, 1)}
