"""AppTest of «Historial»'s «Datos ilustrativos» section (issue 21 item 2): administración sees where sample
values remain and removes them all with a confirmation; other roles never see the control.

The test database of ``upload_helpers`` holds 12 sample rows (program 1: 11, program 6: 1).
"""

from __future__ import annotations

import pytest
from auth_helpers import db, signed_in  # noqa: F401 - db is a fixture
from upload_helpers import upload_bytes

from mpi_dash import data_access
from mpi_dash.accounts import CliActor
from mpi_dash.store import Store

PAGE = "pages/historial.py"
BUTTON = "Quitar los datos ilustrativos"


def texts(elements) -> str:  # noqa: ANN001
    return "\n".join(str(e.value) for e in elements)


def the_button(at):  # noqa: ANN001, ANN201
    return [b for b in at.button if b.label == BUTTON]


def test_administracion_sees_where_samples_remain(db):
    at = signed_in(PAGE, db, "adri")
    assert "Datos ilustrativos" in [s.value for s in at.subheader]
    shown = texts(at.markdown)
    assert ("Datos ilustrativos en los programas 1 y 6: quedan 12 valores de ejemplo del libro incluido."
            in shown)
    assert "- Programa 1: 11 valores (2022: 8, 2023: 3)\n- Programa 6: 1 valor (2023)" in shown
    assert "crea la revisión 2 a nombre de **Adriana Admin** (adri)" in shown
    assert [c.label for c in at.checkbox] == ["Sí, quitar los 12 valores de ejemplo"]
    assert len(the_button(at)) == 1


def test_without_the_confirmation_nothing_is_removed(db):
    at = signed_in(PAGE, db, "adri")
    the_button(at)[0].click().run()
    assert not at.exception
    assert "No se quitó nada: marque la casilla de confirmación" in texts(at.error)
    assert Store(db).latest_revision() == 1
    assert data_access.load_dataset(Store(db)).programas_ilustrativos == ("1", "6")


def test_confirmed_removal_is_one_revision_and_opens_it(db):
    at = signed_in(PAGE, db, "adri")
    at.text_input[0].input("Arranque con cifras oficiales")
    at.checkbox[0].check()
    the_button(at)[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert texts(at.success) == ("Se guardó la revisión 2: se quitaron 12 valores de ejemplo y el tablero ya no "
                                 "muestra el aviso de datos ilustrativos. Para deshacerlo, abra arriba la revisión "
                                 "1 y reviértala.")  # shown in the section, under its title (not at the top)
    assert at.subheader[-1].value == "Datos ilustrativos"
    info = Store(db).revision_info(2)
    assert (info["tipo"], info["usuario"], info["comentario"]) == (
        "quitar_ilustrativos", "adri", "Arranque con cifras oficiales")
    assert at.selectbox(key="revision_abierta").value == 2      # the new revision is opened
    assert at.dataframe[0].value.iloc[0]["Tipo"] == "Datos ilustrativos quitados"
    assert "No quedan datos ilustrativos: todos los avances guardados son cifras cargadas." in texts(at.caption)
    assert not the_button(at)
    assert not data_access.load_dataset(Store(db)).ilustrativo


def test_approved_sample_values_are_refused_with_the_lock_message(db):
    Store(db).approve(2023, 1, ["6"], actor=CliActor("Beto"))
    at = signed_in(PAGE, db, "adri")
    at.checkbox[0].check()
    the_button(at)[0].click().run()
    assert not at.exception
    assert "aprob" in texts(at.error)
    assert Store(db).latest_revision() == 1


@pytest.mark.parametrize("usuario", ["coco", "ana"])
def test_other_roles_never_see_the_control(db, usuario):
    at = signed_in(PAGE, db, usuario)
    assert "Datos ilustrativos" not in [s.value for s in at.subheader]
    assert not the_button(at) and not at.checkbox


def warnings(at) -> list[str]:  # noqa: ANN001
    return [str(w.value) for w in at.warning if "ilustrativos" in str(w.value)]


def test_resumen_banner_names_the_programs_with_sample_values(db):
    """The banner of every page (ui_common.banner) on «Resumen»: both programs, then the one left, then none."""
    at = signed_in("pages/resumen.py", db, "ana")
    assert warnings(at) == ["**Datos ilustrativos en los programas 1 y 6.** No son cifras oficiales del MPI CDMX."]
    store = Store(db)
    store.import_file(upload_bytes([("6", 2023, "Marzo", 0.0)]), "hito.xlsx", actor=CliActor("Ana"), comment="6")
    at = signed_in("pages/resumen.py", db, "ana")
    assert warnings(at) == ["**Datos ilustrativos en el programa 1.** No son cifras oficiales del MPI CDMX."]
    store.clear_samples(actor=CliActor("Adriana"), comment="quitar")
    at = signed_in("pages/resumen.py", db, "ana")
    assert warnings(at) == []


@pytest.mark.parametrize(("script", "usuario"), [("pages/aprobacion.py", "ana"), ("pages/cargar_avances.py", "coco"),
                                                 ("pages/historial.py", "ana")])
def test_the_banner_is_on_the_approval_upload_and_history_pages_too(db, script, usuario):
    """«on every page»: the pages that read the store (not the dashboard's cached data) say it as well, and stop
    saying it once the samples are gone."""
    at = signed_in(script, db, usuario)
    assert not at.exception
    assert warnings(at) == ["**Datos ilustrativos en los programas 1 y 6.** No son cifras oficiales del MPI CDMX."]
    Store(db).clear_samples(actor=CliActor("Adriana"), comment="quitar")
    at = signed_in(script, db, usuario)
    assert warnings(at) == []


def test_the_approval_confirmation_says_a_program_still_holds_sample_values(db):
    at = signed_in("pages/aprobacion.py", db, "ana")
    at.button_group[0].set_value(["1", "6"]).run()
    box = [str(m.value) for m in at.markdown if "Se aprobarán las cifras" in str(m.value)]
    assert box and ("**Los programas 1 y 6 aún tienen datos ilustrativos** (valores de ejemplo del libro incluido, "
                    "no cifras oficiales): se aprobarían con ellos hasta que la coordinación cargue los reales."
                    in box[0])
    at.button_group[0].set_value(["6"]).run()
    box = [str(m.value) for m in at.markdown if "Se aprobarán las cifras" in str(m.value)]
    assert "**El programa 6 aún tiene datos ilustrativos**" in box[0]
