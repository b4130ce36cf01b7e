"""AppTest: the page «Aprobación» per role, the stamp and the view switch on the dashboard pages, the
stamp and SIPOT dates in every download, and the transitions section of Historial.

Test database (upload_helpers.make_db): programs 1 (1.1.1, 1.2.1) and 6 (clave 6) of 2023.  At Junio 2023,
1.2.1 (periodo_anterior) has no Junio report → «sin dato».
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from auth_helpers import REPO_ROOT, db, signed_in  # noqa: F401 - db: a fixture
from shown_text import as_read, without_joiners
from streamlit.testing.v1 import AppTest
from test_approval_store import approve_at
from test_pages import downloads  # noqa: F401 - a fixture: every file handed to st.download_button
from upload_helpers import upload_bytes

from mpi_dash import exports
from mpi_dash.accounts import CliActor
from mpi_dash.approvals import ApprovalLocked, local_date
from mpi_dash.store import Store

DIRECTOR = CliActor("Ana López")
APROBACION = "pages/aprobacion.py"


def page(db, usuario: str, script: str = "pages/resumen.py", trimestre: int = 2) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.session_state["_mpi_sesion"] = Store(db).login(usuario, "clave-de-prueba-1").token
    at.session_state["trimestre"] = trimestre
    at.run()
    if script != "pages/resumen.py":
        at.switch_page(script).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def badges(at: AppTest) -> list[str]:
    """The stamp line(s): a caption starting «:green[:material/verified: **…**]» (markdown escapes and md()'s invisible word joiners dropped)."""
    return [as_read(m.value) for m in at.caption
            if any(f":material/{i}:" in m.value for i in ("verified", "rule", "pending"))]


def today() -> str:
    return local_date(dt.datetime.now(dt.timezone.utc))


def program_1_avance(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown if "Programa 1" in m.value or "PROGRAMA" in m.value)


# --------------------------------------------------------------------------- the stamp on pages
@pytest.mark.parametrize("script", ["pages/resumen.py", "pages/programa.py", "pages/linea_base.py",
                                    "pages/tablas.py"])
def test_every_dashboard_page_shows_the_stamp(db, script):
    at = page(db, "cony", script)
    assert any("Cifras preliminares (sin aprobar)" in b for b in badges(at)), badges(at)
    Store(db).approve(2023, 2, ["1"], actor=DIRECTOR)
    at.run()
    assert any("Aprobadas: programa 1 · preliminares: 6" in b for b in badges(at)), badges(at)
    Store(db).approve(2023, 2, ["6"], actor=DIRECTOR)
    at.run()
    assert any(f"Cifras aprobadas por Ana López el {today()}" in b for b in badges(at)), badges(at)


def test_consulta_sees_the_approved_figures_and_direccion_can_switch(db):
    """Junio approved at revision 1 before the lock covered Marzo (approve_at), Marzo corrected afterwards:
    everyone sees the approved figures and a stamp naming where they differ; dirección may switch."""
    store = Store(db)
    store.import_file(upload_bytes([("1.1.1", 2023, "Marzo", 0.0, None, "Acta 1/2023")]), "marzo.xlsx",
                      actor=DIRECTOR, comment="marzo corregido")
    approve_at(db, revision=1, anio=2023, trimestre=2, programa="1")
    consulta = page(db, "cony")
    assert not [r for r in consulta.radio if r.label == "Cifras que se muestran"]  # no switch for consulta
    approved_text = program_1_avance(consulta)
    director = page(db, "ana")
    (switch,) = [r for r in director.radio if r.label == "Cifras que se muestran"]
    assert switch.value == "aprobadas" and program_1_avance(director) == approved_text
    switch.set_value("ultimas").run()
    assert program_1_avance(director) != approved_text
    assert any("Cifras preliminares (sin aprobar) · Las cifras aprobadas de Junio difieren de los datos actuales "
               "en 1.1.1" in b for b in badges(director)), badges(director)
    assert any("Aprobadas: programa 1 · preliminares: 6 · Las cifras aprobadas de Junio difieren de los datos "
               "actuales en 1.1.1" in b for b in badges(consulta)), badges(consulta)
    # a correction of Marzo today is refused: Junio's approved figures are computed from it
    with pytest.raises(ApprovalLocked, match="cifras de Junio 2023"):
        store.import_file(upload_bytes([("1.1.1", 2023, "Marzo", 2.0, None, "Acta 1/2023")]), "m.xlsx",
                          actor=DIRECTOR, comment="otra vez")


def test_no_switch_where_the_figures_do_not_differ(db):
    Store(db).approve(2023, 2, actor=DIRECTOR)
    at = page(db, "ana")
    assert not [r for r in at.radio if r.label == "Cifras que se muestran"]


# --------------------------------------------------------------------------- downloads
def test_downloads_carry_the_stamp_and_sipot_dates(db, downloads):
    store = Store(db)
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    revision_day = local_date(store.revision_info(1)["fecha"])
    at = page(db, "cony", "pages/tablas.py")
    assert not at.date_input  # SIPOT dates come from the approval record, not typed
    csv = pd.read_csv(io.BytesIO(downloads["indicadores_2023_junio.csv"]), encoding="utf-8-sig", dtype=str)
    by_program = dict(zip(csv["Clave"].str.split(".").str[0], csv[exports.STAMP_HEADER], strict=False))
    assert by_program == {"1": f"Cifras aprobadas por Ana López el {today()}",
                          "6": "Cifras preliminares (sin aprobar)"}
    xlsx = io.BytesIO(downloads["indicadores_2023_junio.xlsx"])
    notas = pd.read_excel(xlsx, sheet_name="Notas", engine="openpyxl")
    assert notas.iloc[0].tolist() == [exports.STAMP_HEADER, "Aprobadas: programa 1 · preliminares: 6"]
    resumen = pd.read_excel(xlsx, sheet_name="Resumen", engine="openpyxl")
    assert resumen[exports.STAMP_HEADER].tolist() == [f"Cifras aprobadas por Ana López el {today()}",
                                                      "Cifras preliminares (sin aprobar)"]
    sipot = pd.read_excel(io.BytesIO(downloads["sipot_indicadores_2023_junio.xlsx"]), engine="openpyxl", dtype=str)
    program = sipot["Nombre del programa o concepto al que corresponde el indicador"].str[0] \
        if "Nombre del programa o concepto al que corresponde el indicador" in sipot else None
    one = sipot.loc[program == "1"] if program is not None else sipot.iloc[:2]
    six = sipot.loc[program == "6"] if program is not None else sipot.iloc[2:]
    assert set(one["Fecha de validación"]) == {today()}
    assert set(one["Fecha de actualización"]) == {revision_day}
    assert six["Fecha de validación"].isna().all()
    assert all(exports.SIPOT_NOT_APPROVED in n for n in six["Nota"])
    assert set(six["Fecha de actualización"]) == {revision_day}


# --------------------------------------------------------------------------- the page «Aprobación»
def shown_grid(at: AppTest) -> pd.DataFrame:
    """The approval grid (a table on a laptop) as a person reads it: every cell plain text (md escapes)."""
    grid = at.table[0].value
    return grid.map(as_read).set_axis([as_read(i) for i in grid.index], axis=0)


def shown_cards(at: AppTest) -> list[str]:
    """The same grid as the phone's cards (one paragraph per program), as a person reads them."""
    (cards,) = [m.value for m in at.markdown if "Marzo:" in as_read(m.value)]
    return [as_read(card) for card in cards.split("\n\n")]


def test_the_grid_as_cards_is_plain_text_one_per_program():
    from ui_approval import grid_cards

    grid = pd.DataFrame({"Programa": ["1. *Atención* <b>integral</b>"], "Marzo": ["En captura"],
                         "Junio": ["Aprobada · Ana López · 30/11/2026"], "Septiembre": ["En captura"],
                         "Diciembre": ["En captura"]})
    (card,) = grid_cards(grid).split("\n\n")
    assert without_joiners(card).startswith("**1\\. \\*Atención\\* \\<b\\>integral\\</b\\>**  \n")   # the name as typed, bold
    assert as_read(card).split("  \n") == ["**1. *Atención* <b>integral</b>**", "Marzo: En captura",
                                            "Junio: Aprobada · Ana López · 30/11/2026", "Septiembre: En captura",
                                            "Diciembre: En captura"]


def test_consulta_cannot_open_the_page(db):
    at = signed_in(APROBACION, db, "cony")
    assert "no tiene acceso a esta página" in " ".join(w.value for w in at.warning)
    assert not at.table


def approval_box(at: AppTest) -> str:
    """The confirmation shown before the click (what the approval includes), as a person reads it."""
    texts = [as_read(m.value) for m in at.markdown if "Se aprobarán las cifras" in as_read(m.value)]
    return texts[0] if texts else ""


def test_director_approves_with_confirmation_of_sin_dato_then_reopens(db):
    # 1.1.1 Junio 1 → 3: 4 of 2 programmed, rojo above the programme, without a justificación
    Store(db).import_file(upload_bytes([("1.1.1", 2023, "Junio", 3.0, None, "Acta 2/2023")]), "j.xlsx",
                          actor=DIRECTOR, comment="junio")
    at = page(db, "ana", APROBACION)
    grid = shown_grid(at)
    assert list(grid.columns) == ["Marzo", "Junio", "Septiembre", "Diciembre"]
    assert grid.index.tolist() == ["1. Programa", "6. Programa"]  # full names (the test plan's), never cut
    assert grid["Junio"].tolist() == ["En captura", "En captura"]
    assert shown_cards(at) == ["**1. Programa**  \nMarzo: En captura  \nJunio: En captura  \nSeptiembre: En captura  \n"
                               "Diciembre: En captura"] + ["**6. Programa**  \nMarzo: En captura  \nJunio: En captura  \n"
                                                           "Septiembre: En captura  \nDiciembre: En captura"]
    (pills,) = at.button_group
    assert pills.options == ["Programa 1", "Programa 6"] and pills.value == []   # nothing chosen for her
    assert not approval_box(at)
    pills.set_value(["1", "6"]).run()
    # before the click: what the approval includes, in the confirmation
    box = approval_box(at)
    assert box.startswith("**Se aprobarán las cifras de Junio 2023 de los programas 1 y 6** (datos de la "
                          "revisión 2).")
    assert "**1 indicador sin dato al corte** (quedarán sin dato en las cifras aprobadas):\n\n- 1.2.1 · Indicador " \
           "1.2.1" in box
    assert "**1 indicador en amarillo o rojo sin justificación**" in box
    assert "- 1.1.1 · Indicador 1.1.1 — rojo, por encima de lo esperado" in box
    assert "Al aprobar quedan bloqueados los datos con que se calculan" in box
    (confirm,) = [c for c in at.checkbox if c.label.startswith("Confirmo aprobar")]
    assert confirm.label == ("Confirmo aprobar aunque haya indicadores sin dato y otros en amarillo o rojo sin "
                             "justificación")
    at.text_input[0].input("Sesión de junio")
    (approve,) = [b for b in at.button if b.label == "Aprobar Junio 2023"]
    approve.click().run()
    assert "Confirme que aprueba así" in " ".join(e.value for e in at.error)
    assert Store(db).approval_events().empty
    at.button_group[0].set_value(["6"]).run()     # program 6 alone: nothing to confirm
    assert "Todos sus indicadores tienen dato al corte" in approval_box(at)
    assert not [c for c in at.checkbox if c.label.startswith("Confirmo aprobar")]
    [b for b in at.button if b.label == "Aprobar Junio 2023"][0].click().run()
    assert not at.exception
    assert "Se aprobaron las cifras de Junio 2023: programa 6 (datos de la revisión 2)." in \
        " ".join(s.value for s in at.success)
    # after the approval the choice and the comment start empty again
    assert at.button_group[0].options == ["Programa 1"] and at.button_group[0].value == []
    assert at.text_input[0].value == "" and not approval_box(at)
    assert Store(db).approval_events()["motivo"].tolist() == ["Sesión de junio"]
    at.button_group[0].set_value(["1"]).run()
    [c for c in at.checkbox if c.label.startswith("Confirmo aprobar")][0].check()
    [b for b in at.button if b.label == "Aprobar Junio 2023"][0].click().run()
    grid = shown_grid(at)
    assert grid["Junio"].tolist() == [f"Aprobada · Ana López · {today()}"] * 2
    assert f"Junio: Aprobada · Ana López · {today()}" in shown_cards(at)[1]
    # reopen program 1 (motivo required)
    at.button_group[0].set_value(["1"])
    [b for b in at.button if b.label == "Reabrir"][0].click().run()
    assert "Falta el motivo" in " ".join(e.value for e in at.error)
    at.text_area[0].input("Falta el reporte de junio")
    [b for b in at.button if b.label == "Reabrir"][0].click().run()
    assert shown_grid(at)["Junio"].tolist()[0] == f"Reabierta · Ana López · {today()}"
    assert at.button_group[-1].value == [] and at.text_area[0].value == ""   # the reopen form starts empty
    events = Store(db).approval_events()
    assert events["estado"].tolist() == ["aprobada", "aprobada", "reabierta"]
    assert events["motivo"].tolist()[-1] == "Falta el reporte de junio"


def test_an_approval_whose_data_changed_after_it_says_where(db):
    """Approved before the lock covered earlier quarters: the grid, the stamp and a notice name 3.1-like
    claves (here 1.1.1) until the program is reopened and approved again."""
    store = Store(db)
    store.import_file(upload_bytes([("1.1.1", 2023, "Marzo", 0.0, None, "Acta 1/2023")]), "m.xlsx",
                      actor=DIRECTOR, comment="marzo")
    approve_at(db, revision=1, anio=2023, trimestre=2, programa="1")
    at = page(db, "ana", APROBACION)
    assert shown_grid(at)["Junio"].tolist()[0].endswith(
        "· difiere de los datos actuales en 1.1.1: reabra y apruebe otra vez")
    stamp_text = [as_read(m.value) for m in at.markdown if "Las cifras aprobadas de Junio" in as_read(m.value)]
    assert stamp_text and "Aprobadas: programa 1 · preliminares: 6 · Las cifras aprobadas de Junio difieren de " \
        "los datos actuales en 1.1.1" in stamp_text[0]
    (notice,) = [as_read(w.value) for w in at.warning if "difieren" in as_read(w.value)]
    assert notice.startswith("Las cifras aprobadas de Junio difieren de los datos actuales en 1.1.1 (programa 1): "
                             "los datos cambiaron después de la aprobación.")
    (expander,) = [e for e in at.expander if "Programa 1" in e.label]
    assert expander.dataframe[0].value.values.tolist() == [["Avances", "1.1.1", "2023", "Marzo", "Realizado", "1",
                                                            "0"]]
    store.reopen(2023, 2, ["1"], actor=DIRECTOR, motivo="aprobar lo corregido")
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    at = page(db, "ana", APROBACION)
    assert not [w for w in at.warning if "difieren" in as_read(w.value)]
    assert shown_grid(at)["Junio"].tolist()[0] == f"Aprobada · Ana López · {today()}"


def test_what_changed_since_the_last_approval(db):
    store = Store(db)
    store.approve(2023, 2, ["1"], actor=DIRECTOR)
    store.reopen(2023, 2, ["1"], actor=DIRECTOR, motivo="corregir")
    store.import_file(upload_bytes([("1.1.1", 2023, "Junio", 3.0, None, "Acta 2/2023")]), "j.xlsx",
                      actor=DIRECTOR, comment="junio")
    at = page(db, "ana", APROBACION)
    assert shown_grid(at)["Junio"].tolist()[0].endswith("1 celda cambió desde la aprobación")
    (expander,) = [e for e in at.expander if "Programa 1" in e.label]
    table = expander.dataframe[0].value
    assert table.iloc[0].tolist() == ["Avances", "1.1.1", "2023", "Junio", "Realizado", "1", "3"]


def test_coordinacion_sends_its_programs_and_cannot_approve(db):
    at = page(db, "coco", APROBACION)
    assert not [b for b in at.button if b.label.startswith("Aprobar")]
    assert at.button_group[0].options == ["Programa 1"]
    [b for b in at.button if b.label == "Enviar a revisión"][0].click().run()
    assert "Se enviaron a revisión: programa 1 de Junio 2023." in " ".join(s.value for s in at.success)
    assert shown_grid(at)["Junio"].tolist()[0].startswith("Enviada a revisión · Coordinación Uno")


def test_historial_lists_the_transitions(db):
    store = Store(db)
    store.approve(2023, 2, ["1"], actor=DIRECTOR, motivo="Sesión de junio")
    store.reopen(2023, 2, ["1"], actor=DIRECTOR, motivo="<b>corregir</b> **ya**")
    at = page(db, "ana", "pages/historial.py")
    (table,) = [d.value for d in at.dataframe if "Motivo" in d.value.columns]
    assert table["Estado"].tolist() == ["Reabierta", "Aprobada"]
    assert table["Motivo"].tolist() == ["<b>corregir</b> **ya**", "Sesión de junio"]  # plain text
    assert table["Trimestre"].tolist() == ["Junio", "Junio"]


def test_presentation_carries_the_stamp_and_figures_of_the_pages(db):
    """The slides show what Resumen shows the person, under the same stamp (ui_common.stamp): Junio approved
    at a revision whose Marzo changed afterwards — the slides keep the approved figures (no «preliminares»)
    and say where they differ; dirección switching to «Últimas cifras» gets the latest figures, marked
    preliminary."""
    def slides_html(at: AppTest) -> str:
        return without_joiners(" ".join(e.proto.body for e in at.get("html")))

    at = page(db, "cony", "pages/presentacion.py")
    assert "Cifras preliminares (sin aprobar)" in slides_html(at)
    store = Store(db)
    store.approve(2023, 2, ["6"], actor=DIRECTOR)
    store.import_file(upload_bytes([("1.1.1", 2023, "Marzo", 0.0, None, "Acta 1/2023")]), "marzo.xlsx",
                      actor=DIRECTOR, comment="marzo corregido")
    approve_at(db, revision=1, anio=2023, trimestre=2, programa="1")   # approved before the lock covered Marzo
    at.run()
    approved = slides_html(at)
    assert (f"Cifras aprobadas por Ana López el {today()} · Las cifras aprobadas de Junio difieren de los datos "
            "actuales en 1.1.1") in approved
    assert "preliminares" not in approved
    director = page(db, "ana", "pages/presentacion.py")
    assert slides_html(director) == slides_html(at)        # same figures for everyone in the approved view
    director.session_state["vista_cifras"] = "ultimas"
    director.run()
    assert "Aprobadas: programa 6 · preliminares: 1" in slides_html(director)


def test_the_upload_preview_refuses_an_earlier_quarter_of_an_approved_one(db):
    """Issue 21 on the upload page: Junio approved for program 1; a correction of 1.2.1 Marzo (an input of
    Junio's figures) is refused in the preview — who approved which figures, the cell, how to reopen — and
    «Guardar» cannot be pressed; nothing is saved."""
    from test_upload_pages import XLSX

    Store(db).approve(2023, 2, ["1"], actor=DIRECTOR)
    revision = Store(db).latest_revision()
    at = page(db, "ana", "pages/cargar_avances.py")
    at.file_uploader(key="archivo_avances").set_value(("marzo.xlsx", upload_bytes([("1.2.1", 2023, "Marzo", 15.0)]),
                                                      XLSX))
    at.run()
    assert not at.exception
    (message,) = [as_read(e.value) for e in at.error]
    assert message.startswith("No se puede guardar este archivo: cambia 1 celda de cifras aprobadas — programa 1 "
                              f"(aprobado por Ana López el {today()}, cifras de Junio 2023)")
    assert "se calculan también con los trimestres anteriores" in message
    assert message.endswith("una cuenta de dirección debe reabrir ese trimestre en la página «Aprobación».")
    assert "python -m" not in message          # the page speaks to people at a browser, not at the server
    locked = at.table[-1].value.map(as_read)
    assert locked.values.tolist() == [["Avances", "1.2.1", "2023", "Marzo", "Realizado", "12", "15"]]
    (button,) = [b for b in at.button if b.label.startswith("💾 Guardar")]
    assert button.disabled
    assert Store(db).latest_revision() == revision
