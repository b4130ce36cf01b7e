"""Quarter approval in the store: the state machine per role, the lock inside every write, the
upload-vs-approval race (two connections), and what changed since an approval.

The seeded test database (upload_helpers.make_db) has programs 1 (claves 1.1.1, 1.2.1) and 6 (clave 6) in
2022 and 2023; revision 1 holds 1.1.1 Marzo/Junio 2023 = 1, 1.2.1 Marzo 2023 = 12, 6 Marzo 2023 = 1.
"""

from __future__ import annotations

import threading

import pytest
from auth_helpers import ADMIN_CLI, add_accounts
from upload_helpers import data_sql, make_db, upload_bytes, workbook_bytes

from mpi_dash import approvals
from mpi_dash.accounts import CliActor, PermissionDenied
from mpi_dash.approvals import ApprovalConflict, ApprovalError, ApprovalLocked, Estado
from mpi_dash.store import Store

DIRECTOR = CliActor("Ana López")


@pytest.fixture
def db(tmp_path):
    path = make_db(tmp_path)
    return path


@pytest.fixture
def people(db):
    return add_accounts(db)


def _state(store: Store, anio: int, trimestre: int, programa: str) -> str:
    states = store.approval_states()
    hit = states.loc[(states["anio"] == anio) & (states["trimestre"] == trimestre) & (states["programa"] == programa)]
    return "en_captura" if hit.empty else hit["estado"].iloc[-1]


# --------------------------------------------------------------------------- state machine, per role
def test_full_cycle_records_every_transition(db, people):
    store = Store(db)
    sent = store.submit_for_review(2023, 2, ["1"], actor=people["coco"])
    assert (sent.estado, sent.programas, sent.revision) == (Estado.ENVIADA, ("1",), 1)
    done = store.approve(2023, 2, ["1"], actor=people["ana"])
    assert done.estado is Estado.APROBADA
    again = store.reopen(2023, 2, ["1"], actor=people["ana"], motivo="Corregir junio")
    assert again.estado is Estado.REABIERTA
    store.submit_for_review(2023, 2, ["1"], actor=people["coco"])
    store.approve(2023, 2, ["1"], actor=people["beto"])
    events = store.approval_events(2023)
    assert events["estado"].tolist() == ["enviada", "aprobada", "reabierta", "enviada", "aprobada"]
    assert events["autor"].tolist() == ["Coordinación Uno", "Ana López", "Ana López", "Coordinación Uno", "Beto"]
    assert events["usuario"].tolist() == ["coco", "ana", "ana", "coco", "beto"]
    assert events["motivo"].tolist()[2] == "Corregir junio"
    assert set(events["revision"]) == {1}
    assert _state(store, 2023, 2, "1") == "aprobada"


def test_approve_without_programs_means_every_program_of_the_year(db):
    store = Store(db)
    done = store.approve(2023, 1, actor=DIRECTOR)
    assert done.programas == ("1", "6")
    assert done.sin_cambio == ()


@pytest.mark.parametrize("usuario", ["cony", "coco"])
def test_consulta_and_coordinacion_cannot_approve_nor_reopen(db, people, usuario):
    store = Store(db)
    before = data_sql(db)
    with pytest.raises(PermissionDenied):
        store.approve(2023, 2, ["1"], actor=people[usuario])
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    with pytest.raises(PermissionDenied):
        store.reopen(2023, 2, ["1"], actor=people[usuario], motivo="x")
    assert _state(store, 2023, 2, "1") == "aprobada"
    assert len(store.approval_events()) == 1
    assert "aprobar o reabrir" in store.access_log(usuario=usuario)["detalle"].iloc[0]
    assert before != data_sql(db)  # only the one approval by the director was written


def test_consulta_cannot_send_to_review(db, people):
    with pytest.raises(PermissionDenied):
        Store(db).submit_for_review(2023, 2, ["1"], actor=people["cony"])


def test_coordinacion_sends_only_its_programs(db, people):
    store = Store(db)
    with pytest.raises(PermissionDenied, match="solo puede enviar a revisión sus programas"):
        store.submit_for_review(2023, 2, ["1", "6"], actor=people["coco"])
    assert store.approval_events().empty
    done = store.submit_for_review(2023, 2, actor=people["coco"])  # no program named: its own
    assert done.programas == ("1",)


@pytest.mark.parametrize("usuario", ["ana", "adri"])
def test_direccion_and_administracion_may_do_everything(db, people, usuario):
    store = Store(db)
    store.submit_for_review(2023, 3, ["6"], actor=people[usuario])
    store.approve(2023, 3, ["6"], actor=people[usuario])
    store.reopen(2023, 3, ["6"], actor=people[usuario], motivo="Revisar")
    assert _state(store, 2023, 3, "6") == "reabierta"


def test_refused_transitions_save_nothing(db):
    store = Store(db)
    with pytest.raises(ApprovalError, match="no está aprobado .*solo se reabre lo aprobado"):
        store.reopen(2023, 2, ["1"], actor=DIRECTOR, motivo="x")
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    with pytest.raises(ApprovalError, match="ya está aprobado por Ana López el .*no se puede aprobar dos veces"):
        store.approve(2023, 2, ["1"], actor=DIRECTOR)
    with pytest.raises(ApprovalError, match="Falta el motivo"):
        store.reopen(2023, 2, ["1"], actor=DIRECTOR, motivo="  ")
    with pytest.raises(ApprovalError, match="ya está aprobado"):
        store.submit_for_review(2023, 2, ["1"], actor=DIRECTOR)
    store.submit_for_review(2023, 2, ["6"], actor=DIRECTOR)
    with pytest.raises(ApprovalError, match="ya se envió a revisión"):
        store.submit_for_review(2023, 2, ["6"], actor=DIRECTOR)
    assert len(store.approval_events()) == 2


def test_bulk_approval_skips_what_is_approved_and_refuses_when_nothing_is_left(db):
    store = Store(db)
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    done = store.approve(2023, 2, actor=DIRECTOR)
    assert (done.programas, done.sin_cambio) == (("6",), ("1",))
    with pytest.raises(ApprovalError, match="ya estaban aprobados"):
        store.approve(2023, 2, actor=DIRECTOR)


def test_unknown_program_year_and_quarter(db):
    store = Store(db)
    with pytest.raises(ApprovalError.__mro__[1], match="no tiene el programa 9"):
        store.approve(2023, 2, ["9"], actor=DIRECTOR)
    with pytest.raises(ApprovalError.__mro__[1], match="no tiene indicadores del año 2030"):
        store.approve(2030, 2, actor=DIRECTOR)
    with pytest.raises(ApprovalError.__mro__[1], match="trimestre 5 no existe"):
        store.approve(2023, 5, actor=DIRECTOR)


def test_deactivated_director_cannot_approve(db, people):
    store = Store(db)
    store.set_active(ADMIN_CLI, "ana", False)
    with pytest.raises(PermissionDenied, match="desactivada"):
        store.approve(2023, 2, actor=people["ana"])


# --------------------------------------------------------------------------- the lock
def test_upload_touching_an_approved_quarter_is_refused_whole(db):
    store = Store(db)
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    before = data_sql(db)
    content = upload_bytes([("1.1.1", 2023, "Junio", 3.0), ("1.1.1", 2023, "Septiembre", 1.0)])
    with pytest.raises(ApprovalLocked) as caught:
        store.import_file(content, "junio.xlsx", actor=CliActor("Coco"), comment="corrige junio")
    message = str(caught.value)
    assert "No se guardó nada" in message
    assert "programa 1 (aprobado por Ana López el " in message
    assert "Avances, clave 1.1.1, Junio 2023, Realizado: 1 → 3" in message
    assert "Avances, clave 1.1.1, Junio 2023, Evidencia: Acta 2/2023 → —" in message  # blank cell clears it
    assert "Septiembre" not in message.split("Celdas:")[1]  # the other quarter is not a locked cell
    cells = caught.value.celdas
    assert cells[["tabla", "clave", "anio", "trimestre", "campo"]].values.tolist() == [
        ["Avances", "1.1.1", 2023, 2, "Realizado"], ["Avances", "1.1.1", 2023, 2, "Evidencia"]]
    assert data_sql(db) == before
    assert store.latest_revision() == 1


def test_web_commit_of_a_preview_is_refused_too(db, people):
    store = Store(db)
    preview = store.prepare_upload(upload_bytes([("1.1.1", 2023, "Junio", 3.0)]), "a.xlsx", actor=people["coco"])
    assert store.locked_by_approval(preview).empty
    store.approve(2023, 2, ["1"], actor=people["ana"])
    assert store.locked_by_approval(preview)["campo"].tolist() == ["Realizado", "Evidencia"]
    with pytest.raises(ApprovalLocked):
        store.commit_preview(preview, actor=people["coco"], comment="junio")
    assert store.latest_revision() == 1


def test_other_quarters_and_programs_go_through(db):
    store = Store(db)
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    revision, _ = store.import_file(upload_bytes([("1.1.1", 2023, "Septiembre", 1.0), ("6", 2023, "Junio", 1.0),
                                                  ("1.2.1", 2022, "Septiembre", 13.0)]),
                                    "otros.xlsx", actor=CliActor("Coco"), comment="otros")
    assert revision == 2  # a later quarter, another program, a 2022 quarter Junio does not read; the
    # illustrative flag turning 0 is never locked either


def test_identical_values_are_not_changes(db):
    store = Store(db)
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    revision, preview = store.import_file(upload_bytes([("1.1.1", 2023, "Junio", 1.0, None, "Acta 2/2023"),
                                                        ("1.1.1", 2023, "Septiembre", 2.0)]),
                                          "mismo.xlsx", actor=CliActor("Coco"), comment="sin tocar junio")
    assert revision == 2


def test_plan_rows_of_the_program_and_year_and_thresholds_are_locked(db):
    from upload_helpers import SAMPLE_PARAMETROS, sample_plan

    store = Store(db)
    store.approve(2023, 2, ["6"], actor=DIRECTOR)
    plan = sample_plan((2023,))
    plan.loc[plan["clave"] == "6", "meta_anual"] = 2.0
    with pytest.raises(ApprovalLocked, match="Plan, clave 6, año 2023, Meta anual: 1 → 2"):
        store.import_file(workbook_bytes(plan=plan), "plan.xlsx", actor=DIRECTOR, comment="meta")
    plan = sample_plan((2023,))
    plan.loc[plan["clave"] == "1.1.1", "meta_anual"] = 5.0   # program 1 is not approved
    assert store.import_file(workbook_bytes(plan=plan), "plan1.xlsx", actor=DIRECTOR, comment="meta 1")[0] == 2
    params = dict(SAMPLE_PARAMETROS, verde_min=85.0)
    with pytest.raises(ApprovalLocked, match="Parámetros, verde_min: 90 → 85"):
        store.import_file(workbook_bytes(plan=plan, parametros=params), "p.xlsx", actor=DIRECTOR, comment="umbral")


def test_revert_across_an_approved_quarter_is_refused(db):
    store = Store(db)
    store.import_file(upload_bytes([("1.1.1", 2023, "Junio", 3.0)]), "a.xlsx", actor=DIRECTOR, comment="junio")
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    with pytest.raises(ApprovalLocked, match="Realizado: 3 → 1"):
        store.revert(1, actor=DIRECTOR, reason="volver")
    assert store.latest_revision() == 2
    store.reopen(2023, 2, ["1"], actor=DIRECTOR, motivo="volver a la carga inicial")
    assert store.revert(1, actor=DIRECTOR, reason="volver") == 3


def test_reopening_lifts_the_lock(db):
    store = Store(db)
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    content = upload_bytes([("1.1.1", 2023, "Junio", 3.0)])
    with pytest.raises(ApprovalLocked):
        store.import_file(content, "a.xlsx", actor=DIRECTOR, comment="junio")
    store.reopen(2023, 2, ["1"], actor=DIRECTOR, motivo="dato equivocado")
    assert store.import_file(content, "a.xlsx", actor=DIRECTOR, comment="junio")[0] == 2


def test_save_state_is_locked_too(db):
    store = Store(db)
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    _, snap = store.load_snapshot()
    changed = snap.avances.copy()
    changed.loc[(changed["clave"] == "1.1.1") & (changed["trimestre"] == 2), "realizado"] = 9.0
    from mpi_dash.snapshot import make_snapshot

    with pytest.raises(ApprovalLocked):
        store.save_state(make_snapshot(snap.plan, changed, snap.parametros), actor=DIRECTOR, comment="x")


# --------------------------------------------------------------------------- the race (two connections)
def test_approval_first_then_the_upload_is_refused(db):
    seen = Store(db).latest_revision()
    uploader, director = Store(db), Store(db)  # two objects: two connections
    preview = uploader.prepare_upload(upload_bytes([("1.1.1", 2023, "Junio", 3.0)]), "a.xlsx")
    director.approve(2023, 2, ["1"], actor=DIRECTOR, revision=seen)
    with pytest.raises(ApprovalLocked, match="aprobado por Ana López"):
        uploader.commit_preview(preview, actor=CliActor("Coco"), comment="junio")
    assert Store(db).latest_revision() == 1


def test_upload_first_then_the_approval_of_what_was_seen_is_refused(db):
    seen = Store(db).latest_revision()
    uploader, director = Store(db), Store(db)
    uploader.import_file(upload_bytes([("1.1.1", 2023, "Junio", 3.0)]), "a.xlsx", actor=CliActor("Coco"),
                         comment="junio")
    with pytest.raises(ApprovalConflict, match="se guardó la revisión 2.*No se aprobó nada"):
        director.approve(2023, 2, ["1"], actor=DIRECTOR, revision=seen)
    assert director.approval_events().empty
    # an upload that does not touch the approved figures does not block the approval
    director.approve(2023, 2, ["6"], actor=DIRECTOR, revision=seen)


def test_concurrent_upload_and_approval_exactly_one_wins(db):
    seen = Store(db).latest_revision()
    preview = Store(db).prepare_upload(upload_bytes([("1.1.1", 2023, "Junio", 3.0)]), "a.xlsx")
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def upload() -> None:
        barrier.wait()
        try:
            outcome["upload"] = Store(db).commit_preview(preview, actor=CliActor("Coco"), comment="junio")
        except Exception as exc:  # noqa: BLE001 - the loser's error is the outcome
            outcome["upload"] = exc

    def approve() -> None:
        barrier.wait()
        try:
            outcome["approve"] = Store(db).approve(2023, 2, ["1"], actor=DIRECTOR, revision=seen)
        except Exception as exc:  # noqa: BLE001
            outcome["approve"] = exc

    threads = [threading.Thread(target=upload), threading.Thread(target=approve)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    upload_won = outcome["upload"] == 2
    approval_won = not isinstance(outcome["approve"], Exception)
    assert upload_won != approval_won, outcome
    if upload_won:
        assert isinstance(outcome["approve"], ApprovalConflict)
    else:
        assert isinstance(outcome["upload"], ApprovalLocked)


# --------------------------------------------------------------------------- what changed since approval
def test_changes_since_approval(db):
    store = Store(db)
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    store.approve(2023, 1, ["1"], actor=DIRECTOR)
    assert {k: len(v) for k, v in store.changes_since_approval(2023).items()} == {(2, "1"): 0, (1, "1"): 0}
    store.reopen(2023, 1, ["1"], actor=DIRECTOR, motivo="marzo")
    with pytest.raises(ApprovalLocked, match="cifras de Junio 2023"):   # Junio's acumulado reads Marzo
        store.import_file(upload_bytes([("1.2.1", 2023, "Marzo", 15.0)]), "m.xlsx", actor=DIRECTOR, comment="marzo")
    store.reopen(2023, 2, ["1"], actor=DIRECTOR, motivo="junio también")
    store.import_file(upload_bytes([("1.2.1", 2023, "Marzo", 15.0)]), "m.xlsx", actor=DIRECTOR, comment="marzo")
    changed = store.changes_since_approval(2023)
    for quarter in (1, 2):  # Marzo is an input of both
        assert changed[(quarter, "1")][["clave", "campo", "antes", "despues"]].values.tolist() == [
            ["1.2.1", "Realizado", 12.0, 15.0]]
    assert store.approvals_key() == "a4"


# --------------------------------------------------------------------------- issue 21: the approval locks its inputs
#: The issue's correction: 3.1 Septiembre 2023, 1 → 6 (texts as in the bundled workbook).
SEPTIEMBRE_3_1 = ("3.1", 2023, "Septiembre", 6.0, "El rezago disminuye con la capacitación de agosto; se recupera "
                  "en el cuarto trimestre.", "Listas de asistencia y memoria fotográfica (septiembre 2023)")


@pytest.fixture
def bundled(tmp_path):
    """A database seeded from the bundled workbook (programs 1–6, 2022 avances and 2023)."""
    from pathlib import Path

    path = tmp_path / "bundled.sqlite"
    Store(path, seed=Path(__file__).resolve().parent.parent / "data" / "plan_2023.xlsx").latest_revision()
    return path


def test_diciembre_approved_refuses_a_correction_of_septiembre(bundled):
    """The issue's scenario: Diciembre approved for program 3; a correction of 3.1 Septiembre (1 → 6) would
    turn Diciembre's 100 % verde into 266.7 % rojo.  Refused at the preview and at the save, naming who
    approved Diciembre, the cell and how to reopen; nothing saved."""
    store = Store(bundled)
    store.approve(2023, 4, ["3"], actor=DIRECTOR)
    before = data_sql(bundled)
    content = upload_bytes([SEPTIEMBRE_3_1[:4] + ("Se corrige el registro de agosto", SEPTIEMBRE_3_1[5])])
    preview = store.prepare_upload(content, "septiembre.xlsx")
    locked = store.locked_by_approval(preview)
    assert locked[["tabla", "clave", "anio", "trimestre", "campo", "programa", "aprobada_trimestre"]
                  ].values.tolist() == [["Avances", "3.1", 2023, 3, "Realizado", "3", 4],
                                        ["Avances", "3.1", 2023, 3, "Justificación", "3", 4]]
    warning = approvals.locked_message(locked, preview=True)
    assert "programa 3 (aprobado por Ana López el " in warning and "cifras de Diciembre 2023" in warning
    with pytest.raises(ApprovalLocked) as caught:
        store.commit_preview(preview, actor=CliActor("Coordinación Tres"), comment="corrige septiembre")
    message = str(caught.value)
    assert "Avances, clave 3.1, Septiembre 2023, Realizado: 1 → 6" in message
    assert "se calculan también con los trimestres anteriores" in message
    assert "reabrir ese trimestre (página «Aprobación» o «python -m mpi_dash reabrir»)" in message
    assert data_sql(bundled) == before and store.latest_revision() == 1
    # the 2022 values Diciembre's línea base reads are locked as well; Septiembre alone (not approved) is free
    with pytest.raises(ApprovalLocked, match="Avances, clave 3.2, Junio 2022, Realizado"):
        store.import_file(upload_bytes([("3.2", 2022, "Junio", 9.0)]), "2022.xlsx", actor=DIRECTOR, comment="x")
    store.reopen(2023, 4, ["3"], actor=DIRECTOR, motivo="corregir septiembre")
    store.approve(2023, 3, ["3"], actor=DIRECTOR)
    with pytest.raises(ApprovalLocked, match="cifras de Septiembre 2023"):
        store.commit_preview(preview, actor=CliActor("Coordinación Tres"), comment="corrige septiembre")
    store.reopen(2023, 3, ["3"], actor=DIRECTOR, motivo="corregir septiembre")
    assert store.commit_preview(preview, actor=CliActor("Coordinación Tres"), comment="corrige septiembre") == 2


def test_an_approval_whose_inputs_changed_before_the_fix_says_where(bundled):
    """A database approved under the old rule (Diciembre's own rows only) whose Septiembre was corrected
    afterwards: changes_since_approval names 3.1 for Diciembre until it is reopened and approved again."""
    from mpi_dash.approved_figures import store_cut

    store = Store(bundled)
    store.import_file(upload_bytes([SEPTIEMBRE_3_1]), "sept.xlsx", actor=DIRECTOR, comment="x")
    approve_at(bundled, revision=1, anio=2023, trimestre=4, programa="3")   # as an old database holds it
    changed = store.changes_since_approval(2023)
    assert changed[(4, "3")][["clave", "anio", "trimestre", "campo", "antes", "despues"]].values.tolist() == [
        ["3.1", 2023, 3, "Realizado", 1.0, 6.0]]
    cut = store_cut(store, 2023, 4)
    assert cut.stamp.endswith("· Las cifras aprobadas de Diciembre difieren de los datos actuales en 3.1")
    assert store_cut(store, 2023, 3).stamp == "Cifras preliminares (sin aprobar)"
    store.reopen(2023, 4, ["3"], actor=DIRECTOR, motivo="aprobar con septiembre corregido")
    store.approve(2023, 4, ["3"], actor=DIRECTOR)
    assert store.changes_since_approval(2023)[(4, "3")].empty
    assert "difieren" not in store_cut(store, 2023, 4).stamp


def approve_at(path, *, revision: int, anio: int, trimestre: int, programa: str,
               autor: str = "Ana López") -> None:
    """Write an approval event pinned at an older revision, bypassing the store, as a database approved before
    issue 21 holds it (the lock then covered only the quarter's own rows: an earlier quarter could change
    after the approval)."""
    import datetime as dt
    import sqlite3

    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    with sqlite3.connect(path) as con:
        con.execute("INSERT INTO aprobaciones (anio, trimestre, programa, estado, fecha, autor, usuario, origen, "
                    "motivo, revision_id) VALUES (?, ?, ?, 'aprobada', ?, ?, NULL, 'cli', NULL, ?)",
                    [anio, trimestre, programa, now, autor, revision])
