"""approvals.py: transitions, the stamp, the signature block, the lock rule and the assembly of approved
figures — pure functions on hand-made frames (expected values written by hand)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from upload_helpers import sample_snapshot

from mpi_dash import approvals
from mpi_dash.approvals import Accion, ApprovalError, Estado, check_transition
from mpi_dash.snapshot import make_snapshot, row_changes

# 2023-07-12 17:30 UTC = 12/07/2023 11:30 in Mexico City; 2023-07-13 03:00 UTC = 12/07/2023 21:00 there.
JULY_12 = "2023-07-12T17:30:00+00:00"
LATE_JULY_12 = "2023-07-13T03:00:00+00:00"


def events(*rows: tuple) -> pd.DataFrame:
    """(anio, trimestre, programa, estado, autor, fecha[, revision, motivo]) in order."""
    out = []
    for i, r in enumerate(rows, start=1):
        anio, t, p, estado, autor, fecha, *rest = r
        revision = rest[0] if rest else 1
        motivo = rest[1] if len(rest) > 1 else None
        out.append({"id": i, "anio": anio, "trimestre": t, "programa": p, "estado": estado, "fecha": fecha,
                    "autor": autor, "usuario": None, "origen": "cli", "motivo": motivo, "revision": revision})
    return pd.DataFrame(out, columns=list(approvals.EVENT_COLUMNS))


# --------------------------------------------------------------------------- transitions
ALLOWED = [
    (Accion.ENVIAR, Estado.EN_CAPTURA, Estado.ENVIADA), (Accion.ENVIAR, Estado.REABIERTA, Estado.ENVIADA),
    (Accion.APROBAR, Estado.EN_CAPTURA, Estado.APROBADA), (Accion.APROBAR, Estado.ENVIADA, Estado.APROBADA),
    (Accion.APROBAR, Estado.REABIERTA, Estado.APROBADA), (Accion.REABRIR, Estado.APROBADA, Estado.REABIERTA),
]


@pytest.mark.parametrize(("accion", "desde", "hacia"), ALLOWED)
def test_allowed_transitions(accion, desde, hacia):
    assert check_transition(accion, desde, where="el programa 1 en Junio 2023", motivo="m") is hacia


REFUSED = [(a, e) for a in Accion for e in Estado if (a, e) not in {(x, y) for x, y, _ in ALLOWED}]


@pytest.mark.parametrize(("accion", "desde"), REFUSED)
def test_refused_transitions(accion, desde):
    with pytest.raises(ApprovalError, match="^El programa 1 en Junio 2023 "):
        check_transition(accion, desde, where="el programa 1 en Junio 2023", motivo="m")


def test_reopen_needs_a_motivo():
    with pytest.raises(ApprovalError, match="Falta el motivo"):
        check_transition(Accion.REABRIR, Estado.APROBADA, where="x", motivo=" ")


def test_current_state_is_the_latest_event():
    log = events((2023, 2, "1", "aprobada", "Ana", JULY_12), (2023, 2, "1", "reabierta", "Ana", JULY_12),
                 (2023, 2, "2", "enviada", "Coco", JULY_12))
    states = approvals.current_states(log)
    assert approvals.state_of(states, 2023, 2, "1") is Estado.REABIERTA
    assert approvals.state_of(states, 2023, 2, "2") is Estado.ENVIADA
    assert approvals.state_of(states, 2023, 3, "1") is Estado.EN_CAPTURA


# --------------------------------------------------------------------------- dates and stamp
def test_dates_are_mexico_city_days():
    assert approvals.local_date(LATE_JULY_12) == "12/07/2023"       # 21:00 of the 12th in CDMX, not the 13th
    assert approvals.local_day(LATE_JULY_12) == dt.date(2023, 7, 12)
    assert approvals.local_date(None) == ""


def test_stamp_all_partial_none():
    programs = ["1", "2", "3", "4", "5", "6"]
    none = approvals.current_states(events())
    assert approvals.stamp_text(none, 2023, 2, programs) == "Cifras preliminares (sin aprobar)"
    some = approvals.current_states(events(*[(2023, 2, p, "aprobada", "Ana López", JULY_12) for p in "135"]))
    assert approvals.stamp_text(some, 2023, 2, programs) == "Aprobadas: programas 1, 3 y 5 · preliminares: 2, 4 y 6"
    every = approvals.current_states(events(*[(2023, 2, p, "aprobada", "Ana López", LATE_JULY_12)
                                              for p in programs]))
    assert approvals.stamp_text(every, 2023, 2, programs) == "Cifras aprobadas por Ana López el 12/07/2023"
    assert approvals.stamp_text(every, 2023, 3, programs) == "Cifras preliminares (sin aprobar)"  # other cut


def test_stamp_with_two_approvers_names_each():
    log = events((2023, 2, "1", "aprobada", "Ana López", JULY_12), (2023, 2, "2", "aprobada", "Beto",
                                                                      "2023-07-20T16:00:00+00:00"))
    assert approvals.stamp_text(approvals.current_states(log), 2023, 2, ["2", "1"]) == (
        "Cifras aprobadas: programa 1 por Ana López el 12/07/2023; programa 2 por Beto el 20/07/2023")


def test_stamp_reopened_and_shown_latest_count_as_preliminary():
    log = events((2023, 2, "1", "aprobada", "Ana", JULY_12), (2023, 2, "2", "aprobada", "Ana", JULY_12),
                 (2023, 2, "2", "reabierta", "Ana", JULY_12))
    states = approvals.current_states(log)
    assert approvals.stamp_text(states, 2023, 2, ["1", "2"]) == "Aprobadas: programa 1 · preliminares: 2"
    assert approvals.stamp_text(states, 2023, 2, ["1", "2"], shown_latest=["1"]) == \
        "Cifras preliminares (sin aprobar)"


def test_firmas():
    log = events((2023, 2, "1", "enviada", "Coordinación Uno", JULY_12),
                 (2023, 2, "1", "aprobada", "Ana López", JULY_12),
                 (2023, 2, "6", "enviada", "Coordinación Seis", JULY_12),
                 (2023, 2, "6", "aprobada", "Ana López", JULY_12))
    assert approvals.firmas(log, 2023, 2) == {"Elaboró": "Coordinación Uno; Coordinación Seis",
                                              "Revisó": "Ana López", "Aprobó": "Ana López"}
    assert list(approvals.firmas(log, 2023, 2)) == list(approvals.FIRMA_KEYS)
    reopened = events((2023, 2, "1", "enviada", "Coco", JULY_12), (2023, 2, "1", "aprobada", "Ana", JULY_12),
                      (2023, 2, "1", "reabierta", "Ana", JULY_12, 1, "x"))
    assert approvals.firmas(reopened, 2023, 2) == {"Elaboró": "", "Revisó": "", "Aprobó": ""}
    assert approvals.firmas(events(), 2023, 2) == {"Elaboró": "", "Revisó": "", "Aprobó": ""}


def test_approval_fields_and_sipot_dates():
    log = events((2023, 2, "1", "aprobada", "Ana López", LATE_JULY_12, 3))
    states = approvals.current_states(log)
    figures = pd.DataFrame({"programa": ["1", "6"], "anio": [2023, 2023], "trimestre": [2, 2]})
    out = approvals.approval_fields(figures, states)
    assert out[["estado", "aprobado_por", "aprobado_en"]].values.tolist() == [
        ["aprobada", "Ana López", "12/07/2023"], ["en_captura", None, None]]
    validacion, actualizacion = approvals.sipot_dates(
        states, 2023, 2, ["1", "6"], revision_times={3: "2023-07-10T15:00:00+00:00"},
        latest_time="2023-07-20T15:00:00+00:00")
    assert validacion == {"1": dt.date(2023, 7, 12), "6": None}
    assert actualizacion == {"1": dt.date(2023, 7, 10), "6": dt.date(2023, 7, 20)}


# --------------------------------------------------------------------------- the lock
def _approved(*cuts: tuple[int, int, str]) -> pd.DataFrame:
    return approvals.current_states(events(*[(a, t, p, "aprobada", "Ana López", JULY_12) for a, t, p in cuts]))


def _with(before, *changes: tuple[str, int, int, str, object], parametros=None):
    """``before`` with avances cells set: (clave, anio, trimestre, campo, value); a missing row is added."""
    av = before.avances.copy()
    for clave, anio, t, campo, value in changes:
        at = (av["clave"] == clave) & (av["anio"] == anio) & (av["trimestre"] == t)
        if not at.any():
            av = pd.concat([av, pd.DataFrame([{"clave": clave, "anio": anio, "trimestre": t}])], ignore_index=True)
            at = (av["clave"] == clave) & (av["anio"] == anio) & (av["trimestre"] == t)
        av[campo] = av[campo].astype(object)
        av.loc[at, campo] = value
    return make_snapshot(before.plan, av, {**before.parametros, **(parametros or {})})


LOCKED_CELL = ["tabla", "clave", "anio", "trimestre", "campo", "antes", "despues"]


def test_locked_cells_are_every_input_of_the_approved_figures():
    """Junio 2023 of program 1 approved: its own quarter, the earlier quarter its year-to-date figures add up
    (Marzo), the previous year's quarters of its línea base and — for 1.2.1, a «periodo anterior» —
    Diciembre 2022 (the period before Marzo) are locked; later quarters and the rest of 2022 are not."""
    before = sample_snapshot()
    after = _with(before, ("1.1.1", 2023, 2, "realizado", 5.0), ("1.2.1", 2023, 1, "realizado", 7.0),
                  ("1.1.1", 2023, 1, "justificacion", "Se corrigió"), ("1.1.1", 2023, 3, "realizado", 2.0),
                  ("1.1.1", 2022, 1, "realizado", 3.0), ("1.1.1", 2022, 3, "realizado", 3.0),
                  ("1.1.1", 2022, 4, "realizado", 3.0), ("1.2.1", 2022, 4, "realizado", 40.0),
                  parametros={"datos_ilustrativos": 0.0})
    cells = approvals.locked_cells(row_changes(before, after), before, _approved((2023, 2, "1")))
    assert sorted(cells[LOCKED_CELL].values.tolist()) == sorted([
        ["Avances", "1.1.1", 2022, 1, "Realizado", 1.0, 3.0],       # línea base of Junio: 2022 Marzo–Junio
        ["Avances", "1.2.1", 2022, 4, "Realizado", 14.0, 40.0],     # periodo anterior: Diciembre before Marzo
        ["Avances", "1.1.1", 2023, 1, "Justificación", None, "Se corrigió"],
        ["Avances", "1.2.1", 2023, 1, "Realizado", 12.0, 7.0],      # Marzo: in the acumulado of Junio
        ["Avances", "1.1.1", 2023, 2, "Realizado", 1.0, 5.0]])      # Septiembre, 2022 Sept. and the flag stay free
    assert set(cells["aprobada_trimestre"]) == {2} and set(cells["programa"]) == {"1"}
    march = approvals.locked_cells(row_changes(before, after), before, _approved((2023, 1, "1")))
    assert sorted(march[["clave", "anio", "trimestre"]].values.tolist()) == [
        ["1.1.1", 2022, 1], ["1.1.1", 2023, 1], ["1.2.1", 2022, 4], ["1.2.1", 2023, 1]]
    assert approvals.locked_cells(row_changes(before, after), before, _approved((2023, 2, "6"))).empty


def test_a_cell_two_approvals_depend_on_is_listed_once_with_both():
    before = sample_snapshot()
    after = _with(before, ("1.1.1", 2023, 1, "realizado", 4.0))
    cells = approvals.locked_cells(row_changes(before, after), before, _approved((2023, 1, "1"), (2023, 2, "1")))
    assert cells["aprobada_trimestre"].tolist() == [1, 2]
    assert len(approvals.locked_cells_table(cells)) == 1
    assert approvals.locked_cells_lines(cells) == ["Avances · 1.1.1 · Marzo 2023 · Realizado: 1 → 4"]
    message = approvals.locked_message(cells)
    assert message.startswith("No se guardó nada: el cambio toca 1 celda de cifras aprobadas — programa 1 "
                              "(aprobado por Ana López el 12/07/2023, cifras de Marzo y Junio 2023). Celdas: "
                              "Avances, clave 1.1.1, Marzo 2023, Realizado: 1 → 4.")
    assert "se calculan también con los trimestres anteriores" in message   # why Junio locks Marzo
    assert message.endswith("debe reabrir esas cifras (página «Aprobación» o «python -m mpi_dash reabrir»).")


def test_a_new_report_in_an_earlier_quarter_is_locked_too():
    """3.4 had no Septiembre report: adding one changes Diciembre's acumulado (sin dato → a value)."""
    before = sample_snapshot()
    after = _with(before, ("1.1.1", 2023, 3, "realizado", 1.0))
    cells = approvals.locked_cells(row_changes(before, after), before, _approved((2023, 4, "1")))
    assert cells[LOCKED_CELL].values.tolist() == [["Avances", "1.1.1", 2023, 3, "Realizado", None, 1.0]]


def test_locked_cells_plan_and_thresholds():
    before = sample_snapshot()
    plan = before.plan.copy()
    plan.loc[(plan["clave"] == "6") & (plan["anio"] == 2023), "meta_anual"] = 2.0
    plan.loc[(plan["clave"] == "6") & (plan["anio"] == 2022), "meta_anual"] = 3.0   # other year: free
    after = make_snapshot(plan, before.avances, {**before.parametros, "verde_min": 85.0})
    cells = approvals.locked_cells(row_changes(before, after), before, _approved((2023, 4, "6")))
    assert cells[["tabla", "clave", "campo", "antes", "despues"]].values.tolist() == [
        ["Plan", "6", "Meta anual", 1.0, 2.0], ["Parámetros", None, "verde_min", 90.0, 85.0]]
    message = approvals.locked_message(cells)
    assert message.startswith("No se guardó nada: el cambio toca 2 celdas de cifras aprobadas — programa 6 "
                              "(aprobado por Ana López el 12/07/2023, cifras de Diciembre 2023).")
    assert "Plan, clave 6, año 2023, Meta anual: 1 → 2; Parámetros, verde_min: 90 → 85" in message
    # before saving (the upload page's preview, over a table of the cells): what cannot be saved and why
    assert approvals.locked_message(cells, preview=True) == (
        "No se puede guardar este archivo: cambia 2 celdas de cifras aprobadas — programa 6 (aprobado por Ana "
        "López el 12/07/2023, cifras de Diciembre 2023); están en la tabla de abajo. Para corregirlas, una cuenta "
        "de dirección debe reabrir ese trimestre en la página «Aprobación».")
    assert approvals.locked_cells_lines(cells) == [   # the phone's view of that table
        "Plan · 6 · 2023 · Meta anual: 1 → 2", "Parámetros · verde_min: 90 → 85"]


def test_thresholds_name_every_approval_that_depends_on_them():
    before = sample_snapshot()
    after = make_snapshot(before.plan, before.avances, {**before.parametros, "amarillo_min": 60.0})
    log = events((2023, 4, "6", "aprobada", "Ana López", JULY_12), (2023, 4, "1", "aprobada", "Ana López", JULY_12),
                 (2023, 2, "1", "aprobada", "Beto", JULY_12))
    cells = approvals.locked_cells(row_changes(before, after), before, approvals.current_states(log))
    assert len(approvals.locked_cells_table(cells)) == 1
    assert approvals.approvals_words(cells) == (
        "programa 1 (aprobado por Beto el 12/07/2023, cifras de Junio 2023) y programas 1 y 6 (aprobados por Ana "
        "López el 12/07/2023, cifras de Diciembre 2023)")


def test_removed_avances_row_is_a_locked_change():
    before = sample_snapshot()
    av = before.avances.loc[~((before.avances["clave"] == "6") & (before.avances["anio"] == 2023))]
    after = make_snapshot(before.plan, av, before.parametros)
    cells = approvals.locked_cells(row_changes(before, after), before, _approved((2023, 1, "6")))
    assert cells[["clave", "campo", "antes"]].values.tolist() == [["6", "Realizado", 1.0]]


def test_drift_names_the_claves_whose_inputs_changed_since_the_approval():
    """An approval pinned at a revision whose inputs changed afterwards (approved before the lock covered
    earlier quarters): drift says which program and claves, the stamp says so in words."""
    pinned = sample_snapshot()
    latest = _with(pinned, ("1.2.1", 2023, 1, "realizado", 7.0), ("1.1.1", 2023, 3, "realizado", 9.0))
    states = _approved((2023, 2, "1"), (2023, 2, "6"))
    drifted = approvals.drift(states, 2023, 2, lambda revision: pinned, latest)
    assert list(drifted) == ["1"]                                  # Septiembre is not an input of Junio
    assert drifted["1"][["clave", "anio", "trimestre", "campo"]].values.tolist() == [["1.2.1", 2023, 1, "Realizado"]]
    assert approvals.drift_text(2, drifted) == "Las cifras aprobadas de Junio difieren de los datos actuales en 1.2.1"
    assert approvals.stamp_text(states, 2023, 2, ["1", "6"], drifted=drifted) == (
        "Cifras aprobadas por Ana López el 12/07/2023 · Las cifras aprobadas de Junio difieren de los datos "
        "actuales en 1.2.1")
    assert approvals.program_stamps(states, 2023, 2, ["1", "6"], drifted=drifted) == {
        "1": "Cifras aprobadas por Ana López el 12/07/2023 · Las cifras aprobadas de Junio difieren de los datos "
             "actuales en 1.2.1",
        "6": "Cifras aprobadas por Ana López el 12/07/2023"}
    assert approvals.drift(states, 2023, 2, lambda revision: pinned, pinned) == {}
    params = make_snapshot(pinned.plan, pinned.avances, {**pinned.parametros, "verde_max": 120.0})
    assert approvals.drift_text(2, approvals.drift(states, 2023, 2, lambda r: pinned, params)) == (
        "Las cifras aprobadas de Junio difieren de los datos actuales en los umbrales del semáforo")


# --------------------------------------------------------------------------- assembling approved figures
def test_assemble_by_program_takes_each_program_from_its_revision():
    latest = pd.DataFrame({"clave": ["1.1", "1.2", "2.1", "10.1"], "v": [10, 20, 30, 40]})
    rev3 = pd.DataFrame({"clave": ["1.1", "1.2", "2.1", "10.1"], "v": [1, 2, 3, 4]})
    rev5 = pd.DataFrame({"clave": ["1.1", "2.1", "10.1"], "v": [100, 300, 400]})
    out = approvals.assemble_by_program(latest, {3: rev3, 5: rev5}, {"1": 3, "10": 5})
    assert out.values.tolist() == [["1.1", 1], ["1.2", 2], ["2.1", 30], ["10.1", 400]]
    assert approvals.assemble_by_program(latest, {}, {}) is latest


def test_grid_and_events_tables_are_words():
    log = events((2023, 2, "1", "aprobada", "Ana López", JULY_12, 4),
                 (2023, 2, "1", "reabierta", "Ana López", LATE_JULY_12, 4, "Corregir"))
    states = approvals.current_states(log)
    before = sample_snapshot()
    after = _with(before, ("1.1.1", 2023, 2, "realizado", 5.0), ("1.1.1", 2023, 1, "realizado", 2.0))
    cells = approvals.changed_inputs(before, after, log.iloc[0].to_dict())
    grid = approvals.grid_table(states, 2023, {"1": "1. Atención", "2": "2. Colaboración"}, {(2, "1"): cells})
    assert grid.values.tolist() == [
        ["1. Atención", "En captura", "Reabierta · Ana López · 12/07/2023 · 2 celdas cambiaron desde la aprobación",
         "En captura", "En captura"],
        ["2. Colaboración", "En captura", "En captura", "En captura", "En captura"]]
    approved_now = approvals.current_states(log.iloc[:1])
    grid = approvals.grid_table(approved_now, 2023, {"1": "1. Atención"}, {(2, "1"): cells})
    assert grid["Junio"].tolist() == ["Aprobada · Ana López · 12/07/2023 · difiere de los datos actuales en 1.1.1: "
                                      "reabra y apruebe otra vez"]
    table = approvals.events_table(log)
    assert table.values.tolist() == [
        ["12/07/2023 21:00", "2023", "Junio", "1", "Reabierta", "Ana López", "4", "Corregir"],
        ["12/07/2023 11:30", "2023", "Junio", "1", "Aprobada", "Ana López", "4", "—"]]


# --------------------------------------------------------------------------- indicators without data
def test_without_data_lists_only_the_chosen_programs_sin_dato_rows():
    cut = pd.DataFrame({"clave": ["1.1", "1.2", "2.1", "3.1"], "nombre": ["a", "b", "c", "d"],
                        "programa_num": [1, 1, 2, 3], "semaforo": ["sin_dato", "verde", "sin_dato", "sin_dato"]})
    assert approvals.without_data(cut, ["1", "2"])["clave"].tolist() == ["1.1", "2.1"]
    assert approvals.without_data(cut, []).empty
    assert approvals.without_data(cut, ["3"])["nombre"].tolist() == ["d"]
