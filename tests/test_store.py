"""store.py on temporary databases: seed, import, diff, revert, conflicts, multi-year, bad input, crash."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from upload_helpers import (  # noqa: F401 - another_import_lands_first is a fixture
    BAD_UPLOAD_MESSAGES,
    BAD_UPLOADS,
    ROW_LIMIT_CASE,
    TEST_MAX_UPLOAD_MB,
    another_import_lands_first,
    make_db,
    sample_plan,
    seed_bytes,
    upload_bytes,
    workbook_bytes,
)

from mpi_dash.accounts import CliActor
from mpi_dash import config, store
from mpi_dash.diff import diff_snapshots
from mpi_dash.snapshot import make_snapshot
from mpi_dash.store import Store
from mpi_dash.template import build_template
from mpi_dash.workbook import WorkbookError, read_workbook

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path):
    return Store(make_db(tmp_path))


def realizado(snapshot, clave, anio, trimestre):
    rows = snapshot.avances.query("clave == @clave and anio == @anio and trimestre == @trimestre")
    return None if rows.empty else float(rows["realizado"].iloc[0])


def test_seed_is_revision_one(db):
    revs = db.list_revisions()
    assert list(revs.columns) == list(store.REVISION_COLUMNS)
    assert revs[["numero", "autor", "comentario", "tipo"]].values.tolist() == [
        [1, "sistema", "Carga inicial desde seed_plan.xlsx", "carga_inicial"]]
    assert revs["sha256"].iloc[0] == hashlib.sha256(seed_bytes()).hexdigest()
    rev, snap = db.load_snapshot()
    data = read_workbook(seed_bytes())
    assert rev == 1
    assert diff_snapshots(make_snapshot(data.plan, data.avances, data.parametros), snap).is_empty
    assert snap.parametros["datos_ilustrativos"] == 1.0


def test_seed_from_bundled_workbook(tmp_path, monkeypatch):
    monkeypatch.delenv("MPI_DASH_WORKBOOK", raising=False)
    monkeypatch.setenv(config.DB_ENV, str(tmp_path / "default.sqlite"))
    revs = Store().list_revisions()
    assert revs[["numero", "autor", "comentario"]].values.tolist() == [
        [1, "sistema", "Carga inicial desde data/plan_2023.xlsx"]]
    assert (tmp_path / "default.sqlite").exists()
    data = read_workbook(REPO_ROOT / "data" / "plan_2023.xlsx")
    _, snap = Store().load_snapshot()
    assert diff_snapshots(make_snapshot(data.plan, data.avances, data.parametros), snap,
                          with_semaforo=False).is_empty
    assert list(snap.plan["clave"]) == list(data.plan["clave"])  # plan order kept


def test_connection_pragmas_and_migrations(db):
    with db.connection() as conn:
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000
        assert [m.name for m in store.migrations.applied(conn)] == ["m001_initial", "m002_revision_filename",
                                                                  "m003_accounts", "m004_approvals",
                                                                  "m005_sample_values"]
        assert store.migrations.pending(conn) == []
        errors: list[BaseException] = []

        def use_elsewhere():
            try:
                conn.execute("SELECT 1")
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        worker = threading.Thread(target=use_elsewhere)
        worker.start()
        worker.join()
        assert errors and isinstance(errors[0], sqlite3.ProgrammingError)  # never shared across threads
        with pytest.raises(sqlite3.IntegrityError):  # foreign keys are enforced
            conn.execute("INSERT INTO avances_versions (revision_id, clave, anio, trimestre, present) "
                         "VALUES (999, 'x', 2023, 1, 1)")


def test_import_preview_and_commit(db):
    content = upload_bytes([("1.1.1", 2023, "Junio", 0.5, "Se pospuso una sesión", "Acta 2/2023"),
                            ("1.1.1", 2023, "Septiembre", 1.0)])
    preview = db.prepare_upload(content, "avances_junio.xlsx")
    assert preview.base_revision == 1 and not preview.is_empty
    assert db.latest_revision() == 1  # the preview saves nothing
    avances_cells = preview.changes.cells.query("tabla == 'Avances'")
    assert sorted(zip(avances_cells["trimestre"], avances_cells["campo"], avances_cells["tipo"])) == [
        (2, "Justificación", "cambiado"), (2, "Realizado", "cambiado"), (3, "Realizado", "nuevo")]
    assert preview.avances_sin_cambio == 0
    sem = {(r.trimestre, r.antes, r.despues) for r in preview.changes.semaforo.itertuples()}
    assert (2, "verde", "amarillo") in sem  # R2 = 1.5 of P2 = 2 → 75 %
    rev = db.commit_preview(preview, actor=CliActor("Ana López"), comment="Avances de junio")
    assert rev == 2
    _, snap = db.load_snapshot()
    assert realizado(snap, "1.1.1", 2023, 2) == 0.5 and realizado(snap, "1.1.1", 2023, 3) == 1.0
    assert realizado(snap, "1.2.1", 2022, 4) == 14.0  # rows absent from the upload are left as they are
    assert snap.parametros["datos_ilustrativos"] == 1.0  # the parámetro is no longer flipped by an upload
    assert ("1.1.1", 2023, 2) not in snap.muestras and ("1.1.1", 2023, 3) not in snap.muestras  # written: real
    assert ("1.1.1", 2023, 1) in snap.muestras and ("1.2.1", 2022, 4) in snap.muestras      # untouched: samples
    top = db.list_revisions().iloc[0]
    assert (top.numero, top.autor, top.comentario, top.archivo, top.tipo) == (
        2, "Ana López", "Avances de junio", "avances_junio.xlsx", "importacion")
    assert top.sha256 == hashlib.sha256(content).hexdigest()
    # Q2 Realizado + Justificación, Q3 Realizado
    assert top.celdas_cambiadas == preview.changes.n_cells == 3
    assert db.revision_file(2) == ("avances_junio.xlsx", content)
    changes = db.revision_changes(2)
    assert changes.n_cells == 3 and not changes.semaforo.empty


def test_identical_upload_saves_nothing(db):
    before = db.dump_sql()
    same = upload_bytes([("1.1.1", 2023, "Junio", 1.0, None, "Acta 2/2023")])
    preview = db.prepare_upload(same, "x.xlsx")
    assert preview.is_empty and preview.avances_sin_cambio == 1
    assert db.commit_preview(preview, actor=CliActor("Ana"), comment="otra vez") is None
    rev, _ = db.import_file(seed_bytes(), "seed.xlsx", actor=CliActor("Ana"), comment="igual")
    assert rev is None
    assert db.dump_sql() == before


def test_conflict_second_session_must_repreview(db):
    one = db.prepare_upload(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "a.xlsx")
    two = db.prepare_upload(upload_bytes([("1.2.1", 2023, "Junio", 20.0)]), "b.xlsx")
    assert db.commit_preview(one, actor=CliActor("Ana"), comment="primera") == 2
    dump = db.dump_sql()
    with pytest.raises(store.ConflictError, match="revisión 2 después de que se preparó") as info:
        db.commit_preview(two, actor=CliActor("Beto"), comment="segunda")
    assert (info.value.base, info.value.latest) == (1, 2)
    assert db.dump_sql() == dump  # nothing saved, no lost update
    again = db.prepare_upload(two.content, "b.xlsx")
    assert db.commit_preview(again, actor=CliActor("Beto"), comment="segunda") == 3
    _, snap = db.load_snapshot()
    assert realizado(snap, "1.1.1", 2023, 2) == 0.5 and realizado(snap, "1.2.1", 2023, 2) == 20.0


def test_revert_is_a_new_revision(db):
    db.import_file(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "a.xlsx", actor=CliActor("Ana"), comment="r2")
    db.import_file(upload_bytes([("1.1.1", 2023, "Septiembre", 1.0)]), "b.xlsx", actor=CliActor("Ana"), comment="r3")
    _, rev1 = db.load_snapshot(1)
    new = db.revert(1, actor=CliActor("Coordinación"), reason="Cifras sin validar")
    assert new == 4
    _, now = db.load_snapshot()
    assert diff_snapshots(rev1, now, with_semaforo=False).is_empty
    revs = db.list_revisions()
    assert revs["numero"].tolist() == [4, 3, 2, 1]  # nothing deleted
    top = revs.iloc[0]
    assert (top.tipo, top.revierte_a, top.comentario, top.archivo) == (
        "reversion", 1, "Cifras sin validar", None)
    cells = db.revision_changes(4, with_semaforo=False).cells
    # Q2 Realizado and Evidencia back, Q3 withdrawn
    assert sorted(zip(cells["campo"], cells["tipo"])) == [
        ("Evidencia", "cambiado"), ("Realizado", "cambiado"), ("Realizado", "retirado")]
    assert now.muestras == rev1.muestras  # the sample marks of revision 1 come back too
    assert db.revision_file(4) is None
    _, at2 = db.load_snapshot(2)
    assert realizado(at2, "1.1.1", 2023, 2) == 0.5  # history still readable
    with pytest.raises(store.StoreError, match="no hay nada que revertir"):
        db.revert(1, actor=CliActor("x"), reason="y")
    with pytest.raises(store.StoreError, match="No existe la revisión 9"):
        db.revert(9, actor=CliActor("x"), reason="y")


@pytest.mark.parametrize(("author", "comment", "message"), [
    ("", "c", "Falta el nombre"), ("  ", "c", "Falta el nombre"), ("Ana", "", "Falta el comentario")])
def test_author_and_comment_required(db, author, comment, message):
    preview = db.prepare_upload(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "a.xlsx")
    with pytest.raises(store.StoreError, match=message):
        db.commit_preview(preview, actor=CliActor(author), comment=comment)
    assert db.latest_revision() == 1


def test_multi_year_baseline_from_stored_actuals(db):
    from mpi_dash.engine import compute_all

    plan_2024 = sample_plan((2024,))
    avances_2024 = [["1.1.1", 2024, "Marzo", 2.0, None, None], ["1.1.1", 2024, "Junio", 1.0, None, None]]
    content = workbook_bytes(plan_2024, avances_rows=avances_2024)
    rev, preview = db.import_file(content, "plan_2024.xlsx", actor=CliActor("Planeación"), comment="Plan 2024")
    assert rev == 2 and (preview.filas_plan, preview.plan_sin_cambio) == (3, 0)
    again = db.prepare_upload(content, "plan_2024.xlsx")
    assert again.is_empty and (again.plan_sin_cambio, again.avances_sin_cambio) == (3, 2)
    _, snap = db.load_snapshot()
    assert sorted(set(snap.plan["anio"])) == [2022, 2023, 2024]
    result = compute_all(snap.plan, snap.avances, snap.parametros).set_index(["clave", "anio", "trimestre"])
    # 2023 stored actuals of 1.1.1: Q1 = 1, Q2 = 1 → B_1 = 1, B_2 = 2
    assert result.loc[("1.1.1", 2024, 1), "linea_base_acumulada"] == 1.0
    assert result.loc[("1.1.1", 2024, 2), "linea_base_acumulada"] == 2.0
    assert result.loc[("1.1.1", 2024, 1), "variacion_linea_base_pct"] == pytest.approx(100.0)  # (2 − 1)/1
    assert result.loc[("1.1.1", 2024, 2), "variacion_linea_base_pct"] == pytest.approx(50.0)   # (3 − 2)/2


def _filled(template: bytes, cells: dict[str, object]) -> bytes:
    """The template with some cells of «Avances» typed in (as a person would in Excel)."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template))
    for ref, value in cells.items():
        wb["Avances"][ref] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell(snapshot, clave, anio, trimestre, campo):
    rows = snapshot.avances.query("clave == @clave and anio == @anio and trimestre == @trimestre")
    return None if rows.empty else rows[campo].iloc[0]


# Template rows (sample plan, 2023): row 2 = 1.1.1 Marzo, 3 = Junio, 4 = Septiembre, 5 = Diciembre;
# columns E Realizado, F Justificación, G Evidencia.
def test_stale_template_does_not_undo_later_changes(db):
    _, snap = db.load_snapshot()
    template = build_template(snap, revision=1)  # downloaded at revision 1
    db.import_file(upload_bytes([("1.1.1", 2023, "Marzo", 3.0, None, "Acta 1/2023")]), "otro.xlsx",
                   actor=CliActor("Beto"), comment="corrige marzo")
    preview = db.prepare_upload(_filled(template, {"E4": 1.0}), "plantilla.xlsx")  # only Septiembre
    assert preview.template_revision == 1 and preview.n_conflictos == 0
    assert preview.conservadas[["clave", "trimestre", "campo", "base", "guardado", "revision", "autor"]
                               ].values.tolist() == [["1.1.1", 1, "realizado", 1.0, 3.0, 2, "Beto (línea de comandos)"]]
    db.commit_preview(preview, actor=CliActor("Ana"), comment="septiembre")
    _, now = db.load_snapshot()
    assert realizado(now, "1.1.1", 2023, 1) == 3.0  # Beto's later correction survives
    assert realizado(now, "1.1.1", 2023, 3) == 1.0


def test_two_coordinators_same_row_both_edits_kept(db):
    """A saves Justificación + Evidencia of 1.1.1 Septiembre; B (older template) changes only its Realizado."""
    _, snap = db.load_snapshot()
    template_b = build_template(snap, revision=1)
    template_a = build_template(snap, revision=1)
    saved_a = db.prepare_upload(_filled(template_a, {"E4": 2.0, "F4": "Retraso por lluvias", "G4": "Acta 3"}),
                                "a.xlsx")
    assert saved_a.n_conflictos == 0
    db.commit_preview(saved_a, actor=CliActor("Ana"), comment="septiembre, textos")
    preview = db.prepare_upload(_filled(template_b, {"E4": 2.5}), "b.xlsx")
    # B's Realizado 2.5 vs A's 2.0 (base empty): changed on both sides → a conflict, never a silent overwrite
    assert preview.conflictos[["clave", "trimestre", "campo", "base", "guardado", "archivo", "autor"]
                              ].values.tolist() == [["1.1.1", 3, "realizado", None, 2.0, 2.5, "Ana (línea de comandos)"]]
    before = db.dump_sql()
    with pytest.raises(store.PendingConflicts):
        db.commit_preview(preview, actor=CliActor("Beto"), comment="realizado")
    assert db.dump_sql() == before  # nothing saved while a conflict is undecided
    resolved = db.resolve(preview, {("1.1.1", 2023, 3, "realizado"): store.USE_FILE})
    assert resolved.n_conflictos == 0
    db.commit_preview(resolved, actor=CliActor("Beto"), comment="realizado")
    _, now = db.load_snapshot()
    assert [_cell(now, "1.1.1", 2023, 3, c) for c in ("realizado", "justificacion", "evidencia")] == [
        2.5, "Retraso por lluvias", "Acta 3"]  # B's number AND A's texts


def test_two_coordinators_different_cells_merge_without_conflict(db):
    _, snap = db.load_snapshot()
    template_b = build_template(snap, revision=1)
    db.commit_preview(db.prepare_upload(_filled(build_template(snap, revision=1),
                                                {"F2": "Texto de A", "G2": "Evidencia de A"}), "a.xlsx"),
                      actor=CliActor("Ana"), comment="textos de marzo")
    preview = db.prepare_upload(_filled(template_b, {"E2": 4.0}), "b.xlsx")  # B: only Marzo's Realizado
    assert preview.n_conflictos == 0
    assert preview.changes.cells[["clave", "trimestre", "campo", "antes", "despues"]].values.tolist() == [
        ["1.1.1", 1, "Realizado", 1.0, 4.0]]  # A's texts are not listed as changes back to the old ones
    db.commit_preview(preview, actor=CliActor("Beto"), comment="realizado de marzo")
    _, now = db.load_snapshot()
    assert [_cell(now, "1.1.1", 2023, 1, c) for c in ("realizado", "justificacion", "evidencia")] == [
        4.0, "Texto de A", "Evidencia de A"]


def test_conflict_keep_saved_and_recheck_in_transaction(db):
    _, snap = db.load_snapshot()
    template = build_template(snap, revision=1)
    db.import_file(upload_bytes([("1.1.1", 2023, "Marzo", 3.0, None, "Acta 1/2023")]), "a.xlsx",
                   actor=CliActor("Ana"), comment="marzo")
    preview = db.prepare_upload(_filled(template, {"E2": 5.0, "E3": 7.0}), "b.xlsx")
    assert preview.n_conflictos == 1
    kept = db.resolve(preview, {("1.1.1", 2023, 1, "realizado"): store.KEEP_SAVED})
    assert kept.changes.cells[["trimestre", "campo", "despues"]].values.tolist() == [[2, "Realizado", 7.0]]
    # someone saves in between: the decision was about a value that is no longer stored → refused
    db.import_file(upload_bytes([("1.1.1", 2023, "Marzo", 9.0, None, "Acta 1/2023")]), "c.xlsx",
                   actor=CliActor("Carla"), comment="marzo otra vez")
    before = db.dump_sql()
    with pytest.raises(store.ConflictError):
        db.commit_preview(kept, actor=CliActor("Beto"), comment="junio")
    assert db.dump_sql() == before
    with pytest.raises(store.PendingConflicts):  # the command line (rebase) re-merges: still a conflict
        db.import_file(_filled(template, {"E2": 5.0, "E3": 7.0}), "b.xlsx", actor=CliActor("Beto"),
                       comment="junio")
    assert db.dump_sql() == before


def test_file_without_base_keeps_two_way_rule(db):
    preview = db.prepare_upload(upload_bytes([("1.1.1", 2023, "Marzo", 3.0, None, None)]), "libro.xlsx")
    assert preview.sin_base and preview.template_revision is None and preview.conflictos is None
    assert preview.changes.cells[["campo", "antes", "despues"]].values.tolist() == [
        ["Realizado", 1.0, 3.0], ["Evidencia", "Acta 1/2023", None]]


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_input_leaves_database_identical(db, monkeypatch, case):
    monkeypatch.setenv(config.MAX_UPLOAD_MB_ENV, TEST_MAX_UPLOAD_MB)
    if case == ROW_LIMIT_CASE:
        monkeypatch.setenv(config.MAX_UPLOAD_ROWS_ENV, "2")
    before = db.dump_sql()
    content = BAD_UPLOADS[case]()
    with pytest.raises(WorkbookError) as info:
        db.prepare_upload(content, f"{case}.xlsx")
    assert info.value.problems and all(p.mensaje for p in info.value.problems)
    if case in BAD_UPLOAD_MESSAGES:
        assert any(BAD_UPLOAD_MESSAGES[case] in p.mensaje for p in info.value.problems), info.value.problems
    with pytest.raises(WorkbookError):
        db.import_file(content, f"{case}.xlsx", actor=CliActor("Ana"), comment="malo")
    assert db.dump_sql() == before


def test_problem_names_sheet_row_column_value(db):
    with pytest.raises(WorkbookError) as info:
        db.prepare_upload(upload_bytes([("1.1.1", 2023, "Junio", 1.0), ("1.1.1", 2023, "Marzo", "dos")]),
                          "x.xlsx")
    (problem,) = [p for p in info.value.problems if p.nivel == "error"]
    assert (problem.hoja, problem.fila, problem.columna, problem.valor) == ("Avances", 3, "Realizado", "dos")


def test_threads_importing_at_once_all_apply(db):
    comments = [f"hilo {i}" for i in range(4)]
    results: dict[str, object] = {}

    def work(i: int) -> None:
        content = upload_bytes([("1.2.1", 2023, "Junio", float(100 + i))])
        try:
            results[comments[i]] = db.import_file(content, f"h{i}.xlsx", actor=CliActor(f"P{i}"),
                                                  comment=comments[i])[0]
        except BaseException as exc:  # noqa: BLE001
            results[comments[i]] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [2, 3, 4, 5]
    assert sorted(db.list_revisions()["comentario"].tolist()[:4]) == comments


def test_backup_never_creates_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv(config.DB_ENV, str(tmp_path / "falta.sqlite"))
    with pytest.raises(store.StoreError, match="No existe la base de datos"):
        Store().backup(tmp_path / "copia.sqlite")
    assert not (tmp_path / "falta.sqlite").exists() and not (tmp_path / "copia.sqlite").exists()
    with pytest.raises(store.StoreError, match="es una carpeta"):
        Store(tmp_path).backup(tmp_path / "copia.sqlite")


def test_backup(db, tmp_path):
    db.import_file(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "a.xlsx", actor=CliActor("Ana"), comment="r2")
    dest = db.backup(tmp_path / "respaldo.sqlite")
    assert Store(dest).integrity_check() == "ok"
    assert Store(dest).dump_sql() == db.dump_sql()
    with pytest.raises(store.StoreError, match="Ya existe"):
        db.backup(dest)
    folder = tmp_path / "respaldos"
    folder.mkdir()
    assert db.backup(folder).parent == folder


CRASH_SCRIPT = textwrap.dedent("""
    import sys, time
    from mpi_dash import store
    original = store._write_revision
    def stalled(db, *args, **kwargs):
        number = original(db, *args, **kwargs)   # every row written, transaction still open
        print("EN_TRANSACCION", number, flush=True)
        time.sleep(120)
        return number
    store._write_revision = stalled
    content = open(sys.argv[2], "rb").read()
    store.Store(sys.argv[1]).import_file(content, "x.xlsx", actor=store.CliActor("Ana"), comment="muere")
""")


def test_killed_import_leaves_previous_revision_intact(db, tmp_path):
    upload = tmp_path / "upload.xlsx"
    upload.write_bytes(upload_bytes([("1.1.1", 2023, "Junio", 0.5), ("1.2.1", 2023, "Junio", 30.0)]))
    before = db.dump_sql()
    proc = subprocess.Popen([sys.executable, "-c", CRASH_SCRIPT, str(db.path), str(upload)], cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("EN_TRANSACCION 2"), proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert db.integrity_check() == "ok"
    assert db.latest_revision() == 1
    assert db.dump_sql() == before
    rev, _ = db.import_file(upload.read_bytes(), "x.xlsx", actor=CliActor("Ana"), comment="otra vez")
    assert rev == 2  # the write lock was released by the crash


def test_missing_optional_columns_keep_stored_values(db):
    """A file without Justificación/Evidencia columns updates Realizado only; a blank cell in a present
    column clears the value."""
    only_realizado = workbook_bytes(avances_rows=[["1.1.1", 2023, "Junio", 0.5]],
                                    avances_headers=["Clave", "Año", "Trimestre", "Realizado"])
    preview = db.prepare_upload(only_realizado, "solo_realizado.xlsx")
    avances_cells = preview.changes.cells.query("tabla == 'Avances'")
    assert avances_cells[["campo", "antes", "despues"]].values.tolist() == [["Realizado", 1.0, 0.5]]
    db.commit_preview(preview, actor=CliActor("Ana"), comment="solo realizado")
    _, snap = db.load_snapshot()
    row = snap.avances.query("clave == '1.1.1' and anio == 2023 and trimestre == 2").iloc[0]
    assert (row.realizado, row.evidencia) == (0.5, "Acta 2/2023")
    blank = db.prepare_upload(upload_bytes([("1.1.1", 2023, "Junio", 0.5, None, None)]), "b.xlsx")
    assert blank.changes.cells[["campo", "antes", "despues"]].values.tolist() == [
        ["Evidencia", "Acta 2/2023", None]]


def test_plan_sheet_changes_are_part_of_the_same_revision(db):
    plan = sample_plan((2023,)).iloc[[0]].assign(meta_ajustada=5.0)
    content = workbook_bytes(plan, avances_rows=[["1.1.1", 2023, "Septiembre", 1.0, None, None]])
    rev, preview = db.import_file(content, "meta_ajustada.xlsx", actor=CliActor("Planeación"), comment="ajuste")
    assert rev == 2
    assert (preview.filas_plan, preview.plan_sin_cambio) == (1, 0)
    cells = db.revision_changes(2, with_semaforo=False).cells
    assert sorted(zip(cells["tabla"], cells["campo"])) == [
        ("Avances", "Realizado"), ("Plan", "Meta ajustada")]
    _, snap = db.load_snapshot()
    assert snap.plan.query("clave == '1.1.1' and anio == 2023")["meta_ajustada"].tolist() == [5.0]
    assert snap.plan.query("clave == '1.1.1' and anio == 2022")["meta_ajustada"].isna().all()


@pytest.mark.parametrize(("parametros", "expected_verde_min"), [
    (None, 85.0),                        # no Parámetros sheet: stored thresholds stay
    ({"verde_min": 95.0}, 95.0),         # a Parámetros sheet changes them in the same revision
])
def test_parametros_sheet_only_when_present(tmp_path, parametros, expected_verde_min):
    from upload_helpers import SAMPLE_PARAMETROS, sample_avances

    seed = tmp_path / "seed.xlsx"
    stored = {**SAMPLE_PARAMETROS, "verde_min": 85.0}
    seed.write_bytes(workbook_bytes(sample_plan(), sample_avances(), stored))
    db = Store(tmp_path / "p.sqlite", seed=seed)
    content = workbook_bytes(avances_rows=[["1.1.1", 2023, "Septiembre", 1.0, None, None]],
                             parametros=parametros)
    db.import_file(content, "x.xlsx", actor=CliActor("Ana"), comment="c")
    _, snap = db.load_snapshot()
    assert snap.parametros["verde_min"] == expected_verde_min
    assert snap.parametros["verde_max"] == 110.0


def test_data_key_follows_revisions_approvals_and_other_processes(db):
    """The pages' cache key: stable while nothing changes; new after an import, an approval, a commit made by
    another connection (another process: the command line) and a database replaced at the same path."""
    first = db.data_key()
    assert first == db.data_key() and first.endswith("|a0") and "#1@" in first
    db.import_file(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "a.xlsx", actor=CliActor("Ana"), comment="r2")
    second = db.data_key()
    assert "#2@" in second and second.endswith("|a0")
    db.approve(2023, 2, ["1"], actor=CliActor("Ana López"))
    third = db.data_key()
    assert third.endswith("|a1") and third.split("|")[0] == second.split("|")[0]
    with sqlite3.connect(db.path) as other:  # a commit the probe did not see being made
        other.execute("INSERT INTO aprobaciones (anio, trimestre, programa, estado, fecha, autor, revision_id) "
                      "SELECT anio, trimestre, programa, estado, fecha, autor, revision_id FROM aprobaciones")
    assert db.data_key().endswith("|a2")
    db.path.unlink()
    for extra in ("-wal", "-shm"):
        Path(f"{db.path}{extra}").unlink(missing_ok=True)
    assert "#1@" in db.data_key()  # created and seeded again: the probe of the old file is not used


def test_data_key_is_a_spanish_error_for_a_folder(tmp_path):
    from mpi_dash.errors import StoreError

    (tmp_path / "carpeta.sqlite").mkdir()
    with pytest.raises(StoreError, match="carpeta"):
        Store(tmp_path / "carpeta.sqlite").data_key()


def test_version_key_changes_with_each_revision(db):
    first = db.version_key()
    assert first == db.version_key()  # stable while nothing changes
    db.import_file(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "a.xlsx", actor=CliActor("Ana"), comment="r2")
    second = db.version_key()
    assert "#1@" in first and "#2@" in second


def test_sqlite_failures_become_spanish_store_errors(db):
    """A writer that cannot get the lock within the busy timeout gets a StoreError (nothing saved)."""
    preview = db.prepare_upload(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "a.xlsx")
    blocker = sqlite3.connect(str(db.path))
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(store.StoreError, match="no se guardó nada") as info:
            Store(db.path, busy_timeout=0.2).commit_preview(preview, actor=CliActor("Ana"), comment="bloqueada")
        assert "ocupada por otro proceso" in str(info.value) and "locked" not in str(info.value)
    finally:
        blocker.rollback()
        blocker.close()
    assert db.latest_revision() == 1
    assert db.commit_preview(preview, actor=CliActor("Ana"), comment="ahora sí") == 2
    with pytest.raises(store.StoreError, match="No se pudo abrir la base de datos .*: es una carpeta"):
        Store(db.path.parent).latest_revision()  # a folder, not a database file
    with pytest.raises(store.StoreError, match="una parte de la ruta es un archivo") as info:
        Store(db.path / "dentro_de_un_archivo.sqlite").latest_revision()  # its "folder" is a file
    assert "directory" not in str(info.value).lower()
    garbage = db.path.parent / "no_es_base.sqlite"
    garbage.write_bytes(b"esto no es una base de datos" * 200)
    with pytest.raises(store.StoreError, match="no es una base de datos SQLite") as info:
        Store(garbage).latest_revision()
    assert "file is not a database" not in str(info.value)
    with pytest.raises(store.StoreError, match="No se pudo verificar .*: el archivo no es una base de datos"):
        Store(garbage).integrity_check()
    with pytest.raises(store.StoreError, match="No se pudo leer .*: el archivo no es una base de datos"):
        Store(garbage).dump_sql()


@pytest.mark.parametrize("value", ["abc", "0", "2.5"])
@pytest.mark.parametrize("variable", [config.MAX_UPLOAD_MB_ENV, config.MAX_UPLOAD_ROWS_ENV])
def test_invalid_limit_variables_are_a_spanish_store_error(db, monkeypatch, variable, value):
    """The store reads its upload limits from mpi_dash.config: an invalid value stops the upload with the
    Spanish message of tests/test_config.py, as a StoreError (pages and command line show it), and changes
    nothing."""
    monkeypatch.setenv(variable, value)
    before = db.dump_sql()
    with pytest.raises(store.StoreError, match=f"La variable de entorno {variable} vale «{value}»"):
        db.import_file(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "a.xlsx", actor=CliActor("Ana"), comment="c")
    assert db.dump_sql() == before


def test_first_use_by_several_threads_seeds_once(tmp_path):
    seed = tmp_path / "seed.xlsx"
    seed.write_bytes(seed_bytes())
    path = tmp_path / "nueva.sqlite"
    seen: list[object] = []

    def first_use() -> None:
        try:
            seen.append(Store(path, seed=seed).latest_revision())
        except BaseException as exc:  # noqa: BLE001
            seen.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [1, 1, 1, 1]
    assert Store(path).list_revisions()["numero"].tolist() == [1]


# --------------------------------------------------------------------------- property: history is exact

_KEYS = [("1.1.1", 2023, q) for q in range(1, 5)] + [("1.2.1", 2023, q) for q in range(1, 5)]
_row = st.tuples(st.sampled_from(_KEYS),
                 st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
                 st.sampled_from([None, "Retraso", "=SUMA(A1)", "Acta 3/2023"]))
_upload = st.lists(_row, min_size=1, max_size=5)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(uploads=st.lists(_upload, min_size=1, max_size=4), data=st.data())
def test_every_revision_reads_back_exactly_and_reverts_exactly(uploads, data):
    import tempfile

    import pandas as pd

    from mpi_dash.snapshot import apply_upload

    with tempfile.TemporaryDirectory() as tmp:
        db = Store(make_db(Path(tmp)))
        expected = {1: db.load_snapshot(1)[1]}
        for rows in uploads:
            columns = ["clave", "anio", "trimestre", "realizado", "justificacion", "evidencia"]
            frame = pd.DataFrame([(c, a, q, v, j, None) for (c, a, q), v, j in rows], columns=columns)
            latest = db.latest_revision()
            after = apply_upload(expected[latest], plan=None, avances=frame, parametros=None)
            rev = db.save_state(after, actor=CliActor("prop"), comment="c")
            if rev is not None:
                expected[rev] = after
        latest = db.latest_revision()
        for rev, snap in expected.items():
            assert diff_snapshots(snap, db.load_snapshot(rev)[1], with_semaforo=False).is_empty
        target = data.draw(st.sampled_from(sorted(expected)))
        if target != latest:
            new = db.revert(target, actor=CliActor("prop"), reason="r")
            reverted = db.load_snapshot(new)[1]
            assert diff_snapshots(expected[target], reverted, with_semaforo=False).is_empty
        assert db.integrity_check() == "ok"


# --------------------------------------------------------------------------- review fixes


def test_blank_realizado_only_difference_is_an_aviso_not_a_change(db):
    before = db.dump_sql()
    preview = db.prepare_upload(upload_bytes([("1.1.1", 2023, "Junio", None)]), "vacio.xlsx")
    assert preview.is_empty and preview.filas_avances == 0
    assert [(a.hoja, a.fila, a.columna, a.nivel) for a in preview.avisos] == [
        ("Avances", 2, "Realizado", "aviso")]
    assert db.commit_preview(preview, actor=CliActor("Ana"), comment="vacío") is None
    assert db.dump_sql() == before


def test_same_bytes_under_two_names_keep_each_name(db):
    content = upload_bytes([("1.1.1", 2023, "Junio", 0.5)])
    db.import_file(content, "junio_ana.xlsx", actor=CliActor("Ana"), comment="r2")
    db.revert(1, actor=CliActor("Ana"), reason="r3")
    rev, _ = db.import_file(content, "junio_beto.xlsx", actor=CliActor("Beto"), comment="r4")
    assert rev == 4
    revs = db.list_revisions().set_index("numero")
    assert revs.loc[2, "archivo"] == "junio_ana.xlsx" and revs.loc[4, "archivo"] == "junio_beto.xlsx"
    assert revs.loc[2, "sha256"] == revs.loc[4, "sha256"]  # one stored copy of the bytes
    assert db.revision_file(4) == ("junio_beto.xlsx", content)
    assert db.revision_file(2) == ("junio_ana.xlsx", content)
    assert db.revision_info(4)["archivo"] == "junio_beto.xlsx"
    with db.connection() as conn:
        assert conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 2  # seed + one upload


def test_database_made_before_m002_keeps_working(db):
    db.import_file(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "viejo.xlsx", actor=CliActor("Ana"), comment="r2")
    conn = sqlite3.connect(str(db.path))  # make it look like a database written before m002
    conn.execute("ALTER TABLE revisions DROP COLUMN filename")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_revision_filename'")
    conn.commit()
    conn.close()
    revs = db.list_revisions()  # opening applies m002; old rows fall back to files.filename
    assert revs["archivo"].tolist() == ["viejo.xlsx", "seed_plan.xlsx"]
    with db.connection() as conn:
        assert [m.name for m in store.migrations.applied(conn)][-1] == "m002_revision_filename"
        assert conn.execute("SELECT filename FROM revisions WHERE id = 2").fetchone()[0] is None
    db.revert(1, actor=CliActor("Ana"), reason="r3")
    db.import_file(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "nuevo.xlsx", actor=CliActor("Ana"), comment="r4")
    assert db.list_revisions()["archivo"].tolist()[:3] == ["nuevo.xlsx", None, "viejo.xlsx"]


def test_rebased_import_returns_the_committed_preview(db, another_import_lands_first):
    """Another import lands between validation and commit: the preview returned (what the CLI prints)
    is the one re-made against it, and matches what the history stores."""
    content = upload_bytes([("1.1.1", 2023, "Junio", 0.5, None, "Acta 2/2023"),
                            ("1.2.1", 2023, "Junio", 20.0)])
    first = db.prepare_upload(content, "mio.xlsx")
    assert first.changes.n_cells == 2  # 1.1.1 Q2 Realizado, 1.2.1 Q2 new Realizado
    another_import_lands_first()
    rev, committed = db.import_file(content, "mio.xlsx", actor=CliActor("Ana"), comment="mía")
    assert rev == 3 and committed.base_revision == 2
    assert committed.changes.n_cells == 1  # only 1.1.1 Q2: Beto already set 1.2.1
    assert db.revision_info(3)["celdas_cambiadas"] == 1
    assert db.revision_changes(3).n_cells == 1


# --------------------------------------------------------------------------- core review R4-2/3/4
def test_partial_parametros_sheet_keeps_the_other_stored_thresholds(tmp_path):
    from upload_helpers import SAMPLE_PARAMETROS, sample_avances

    seed = tmp_path / "seed.xlsx"
    stored = {**SAMPLE_PARAMETROS, "verde_min": 85.0, "amarillo_min": 60.0}  # amarillo_min ≠ default 70
    seed.write_bytes(workbook_bytes(sample_plan(), sample_avances(), stored))
    db = Store(tmp_path / "p.sqlite", seed=seed)
    content = workbook_bytes(avances_rows=[["1.1.1", 2023, "Septiembre", 1.0, None, None]],
                             parametros={"verde_min": 95.0})
    db.import_file(content, "x.xlsx", actor=CliActor("Ana"), comment="c")
    _, snap = db.load_snapshot()
    assert (snap.parametros["verde_min"], snap.parametros["amarillo_min"]) == (95.0, 60.0)
    # the order is checked on the merged values: amarillo_max 100 alone is below the stored (and
    # default) verde_max 110 → error naming the Parámetros sheet
    bad = workbook_bytes(avances_rows=[["1.1.1", 2023, "Septiembre", 1.0, None, None]],
                         parametros={"amarillo_max": 100.0})
    with pytest.raises(WorkbookError) as caught:
        db.prepare_upload(bad, "y.xlsx")
    assert [(p.hoja, p.columna) for p in caught.value.problems] == [("Parámetros", "Valor")]


def _rename_header(content: bytes, sheet: str, old: str, new: str) -> bytes:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    for cell in book[sheet][1]:
        if cell.value == old:
            cell.value = new
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_aliased_plan_column_is_applied(db):
    # "Fuente informacion" is an accepted alias of "Fuente de información": the reader reads it, and the
    # store must apply it too (it used to re-parse headers strictly and keep the stored value).
    plan = sample_plan((2023,)).iloc[[0]].assign(fuente_informacion="Actas firmadas")
    content = _rename_header(workbook_bytes(plan), "Plan", "Fuente de información", "Fuente informacion")
    rev, _ = db.import_file(content, "alias.xlsx", actor=CliActor("Ana"), comment="alias")
    assert rev == 2
    _, snap = db.load_snapshot()
    assert snap.plan.query("clave == '1.1.1' and anio == 2023")["fuente_informacion"].tolist() == [
        "Actas firmadas"]


def test_partial_plan_of_a_year_keeps_stored_claves_valid_and_plan_only_upload(db):
    # The Plan sheet re-sends only 1.1.1 of 2023; 6 (stored for 2023) stays, so its avances are valid.
    plan = sample_plan((2023,)).iloc[[0]].assign(meta_ajustada=6.0)
    content = workbook_bytes(plan, avances_rows=[["6", 2023, "Junio", 1.0, None, None]])
    rev, _ = db.import_file(content, "parcial.xlsx", actor=CliActor("Ana"), comment="parcial")
    assert rev == 2
    _, snap = db.load_snapshot()
    assert sorted(snap.plan.query("anio == 2023")["clave"]) == ["1.1.1", "1.2.1", "6"]
    assert realizado(snap, "6", 2023, 2) == 1.0
    # a Plan-only upload (no Avances sheet) is accepted
    plan_only = workbook_bytes(sample_plan((2023,)).iloc[[0]].assign(meta_ajustada=5.0))
    rev, _ = db.import_file(plan_only, "solo_plan.xlsx", actor=CliActor("Ana"), comment="solo plan")
    assert rev == 3
    _, snap = db.load_snapshot()
    assert snap.plan.query("clave == '1.1.1' and anio == 2023")["meta_ajustada"].tolist() == [5.0]


# ------------------------------------------------------------------ issue 21: messages that tell the truth
def test_untouched_template_says_only_that_nothing_changes(db):
    """Rows of the template without a report (empty Realizado, as downloaded) are «sin reporte»: no aviso."""
    _, snap = db.load_snapshot()
    preview = db.prepare_upload(build_template(snap, revision=1), "plantilla.xlsx")
    assert preview.outcome is store.UploadOutcome.IDENTICAL
    assert preview.avisos == () and preview.sin_realizado is not None and len(preview.sin_realizado) == 8


def test_template_blank_that_hides_something_keeps_its_aviso(db):
    """A Realizado emptied where the template had one (a blank never clears a stored value), or texts written
    without a Realizado (they are not saved), still say that the row was left out."""
    _, snap = db.load_snapshot()
    template = build_template(snap, revision=1)
    emptied = db.prepare_upload(_filled(template, {"E2": None}), "vacia.xlsx")  # 1.1.1 Marzo had 1
    assert emptied.outcome is store.UploadOutcome.ONLY_OMITTED
    assert [(p.fila, p.columna) for p in emptied.avisos] == [(2, "Realizado")]
    texts = db.prepare_upload(_filled(template, {"F4": "Sin sesión en septiembre"}), "texto.xlsx")
    assert [(p.fila, p.columna) for p in texts.avisos] == [(4, "Realizado")]


def test_text_in_realizado_of_a_template_is_still_an_error(db):
    _, snap = db.load_snapshot()
    with pytest.raises(WorkbookError) as info:
        db.prepare_upload(_filled(build_template(snap, revision=1), {"E4": "dos"}), "texto.xlsx")
    assert [(p.fila, p.columna, p.nivel) for p in info.value.problems] == [(4, "Realizado", "error")]


def _saved_on(db, revision: int) -> str:
    from mpi_dash.formatting import local_date

    return local_date(db.revision_info(revision)["fecha"])


def test_conflict_with_ones_own_earlier_save_says_so(db):
    """Ana uploads her template, later a second version of the same template: the cell she changed in
    between is a conflict with HER save — «usted la cambió …», never «otra persona»."""
    ana = CliActor("Ana")
    _, snap = db.load_snapshot()
    template = build_template(snap, revision=1)
    db.import_file(_filled(template, {"E4": 2.0}), "v1.xlsx", actor=ana, comment="septiembre")
    own = db.prepare_upload(_filled(template, {"E4": 3.0}), "v2.xlsx", actor=ana)
    assert own.conflictos["propia"].tolist() == [True]
    from mpi_dash.diff import changed_by_text, merge_cells_table

    assert changed_by_text(own.conflictos) == f"usted la cambió el {_saved_on(db, 2)} en la revisión 2"
    assert merge_cells_table(own.conflictos)["Guardado por"].iloc[0].startswith("usted, ")
    with pytest.raises(store.PendingConflicts, match=r"\(usted la cambió el .* en la revisión 2\)"):
        db.import_file(_filled(template, {"E4": 3.0}), "v2.xlsx", actor=ana, comment="septiembre")
    other = db.prepare_upload(_filled(template, {"E4": 3.0}), "v2.xlsx", actor=CliActor("Beto"))
    assert changed_by_text(other.conflictos) == (f"Ana (línea de comandos) la cambió el {_saved_on(db, 2)} en "
                                                 "la revisión 2")


def test_kept_cells_of_ones_own_later_save_say_so(db):
    ana = CliActor("Ana")
    _, snap = db.load_snapshot()
    old = build_template(snap, revision=1)
    db.import_file(upload_bytes([("1.1.1", 2023, "Marzo", 3.0, None, "Acta 1/2023")]), "marzo.xlsx", actor=ana,
                   comment="marzo")
    preview = db.prepare_upload(_filled(old, {"E4": 1.0}), "viejo.xlsx", actor=ana)  # Marzo still 1 in it
    assert preview.kept_notice == ("1 celda de su archivo no se aplicará: su archivo la trae como en la plantilla "
                                   f"(revisión 1) y usted la cambió el {_saved_on(db, 2)} en la revisión 2; se "
                                   "conserva lo guardado.")


def test_stale_preview_of_ones_own_other_tab_says_usted(tmp_path):
    from auth_helpers import add_accounts

    db = Store(make_db(tmp_path))
    add_accounts(db.path)
    ana, beto = db.get_account("ana"), db.get_account("beto")
    first = db.prepare_upload(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "a.xlsx", actor=ana)
    db.import_file(upload_bytes([("1.2.1", 2023, "Junio", 9.0)]), "b.xlsx", actor=ana, comment="otra pestaña")
    with pytest.raises(store.ConflictError, match=r"^Usted guardó la revisión 2 \(en otra pestaña o ventana\)"):
        db.commit_preview(first, actor=ana, comment="junio")
    with pytest.raises(store.ConflictError, match="^Otra persona guardó la revisión 2"):
        db.commit_preview(first, actor=beto, comment="junio")


def test_preview_lists_figures_left_amarillo_or_rojo_without_a_justificacion(db):
    """1.1.1 Junio 0.5 (1.5 of 2 → 75 %) and Septiembre 1 (2.5 of 3 → 83 %) are amarillo: without a
    justificación they are listed; one with a justificación is not; indicators the upload does not touch
    are not either."""
    preview = db.prepare_upload(upload_bytes([("1.1.1", 2023, "Junio", 0.5, None, "Acta 2/2023"),
                                              ("1.1.1", 2023, "Septiembre", 1.0)]), "junio.xlsx")
    missing = preview.sin_justificacion
    assert missing[["clave", "anio", "trimestre", "semaforo", "direccion_desvio"]].values.tolist() == [
        ["1.1.1", 2023, 2, "amarillo", "bajo"], ["1.1.1", 2023, 3, "amarillo", "bajo"]]
    justified = db.prepare_upload(upload_bytes([("1.1.1", 2023, "Junio", 0.5, "Se pospuso", "Acta 2/2023"),
                                                ("1.1.1", 2023, "Septiembre", 1.0, "Se recupera")]), "junio.xlsx")
    assert justified.sin_justificacion.empty
