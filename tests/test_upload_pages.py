"""AppTest of the pages «Cargar avances» and «Historial» with real xlsx files on a temporary database."""

from __future__ import annotations


import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from auth_helpers import add_accounts, sign_in_with_form, signed_in
from upload_helpers import (BAD_UPLOADS, ROW_LIMIT_CASE, TEST_MAX_UPLOAD_MB, data_sql, make_db, seed_bytes,
                            upload_bytes)

from pathlib import Path
from shown_text import as_read

from mpi_dash.accounts import CliActor
from mpi_dash import config, data_access
from mpi_dash.formatting import local_datetime
from mpi_dash.snapshot import make_snapshot
from mpi_dash.store import Store

REPO_ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_PAGE = "pages/cargar_avances.py"
HISTORY_PAGE = "pages/historial.py"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = make_db(tmp_path)
    monkeypatch.setenv(config.DB_ENV, str(path))
    monkeypatch.delenv("MPI_DASH_WORKBOOK", raising=False)
    add_accounts(path)
    return path


def page(script: str = UPLOAD_PAGE, usuario: str | None = "ana") -> AppTest:
    """The page signed in as ``usuario`` (dirección «Ana López» by default); None: not signed in."""
    if usuario is not None:
        return signed_in(script, config.db_path(), usuario)
    at = AppTest.from_file(str(REPO_ROOT / script), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, content: bytes, name: str = "avances.xlsx") -> AppTest:
    at.file_uploader(key="archivo_avances").set_value((name, content, XLSX))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at: AppTest, label_start: str) -> AppTest:
    (button,) = [b for b in at.button if b.label.startswith(label_start)]
    button.click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def shown(table) -> pd.DataFrame:
    """An st.table as the browser shows it: every cell is data text made inert for Markdown
    (ui_common.md: backslash escapes), which the browser renders without the backslashes."""
    return table.value.map(lambda v: as_read(v) if isinstance(v, str) else v)


def test_preview_says_before_saving_that_approved_figures_cannot_change(db):
    """An upload that changes figures of an approved program-quarter: the preview says so (who approved, the
    cells, how to reopen) and «Guardar» is disabled — nobody writes a comment to be refused afterwards."""
    store = Store(db)
    store.approve(2023, 2, ["1"], actor=CliActor("Ana López"))
    revision = store.latest_revision()
    at = upload(page(), upload_bytes([("1.1.1", 2023, "Junio", 12345.0)]))
    (message,) = [as_read(e.value) for e in at.error]
    assert message.startswith("No se puede guardar este archivo: cambia ")
    assert "cambia 2 celdas de cifras aprobadas — programa 1 (aprobado por Ana López el " in message
    locked = shown(at.table[-1])                                     # the last table: the approved cells it changes
    assert locked.values.tolist() == [["Avances", "1.1.1", "2023", "Junio", "Realizado", "1", "12,345"],
                                      ["Avances", "1.1.1", "2023", "Junio", "Evidencia", "Acta 2/2023", "—"]]
    assert any("no se puede guardar mientras ese trimestre esté aprobado" in as_read(w.value) for w in at.warning)
    (button,) = [b for b in at.button if b.label.startswith("💾 Guardar")]
    assert button.disabled
    assert store.latest_revision() == revision


def test_navigation_lists_both_pages(db):
    at = signed_in("app.py", db, "ana")
    at.switch_page(UPLOAD_PAGE)
    at.run()
    assert not at.exception and at.title[0].value == "Cargar avances"
    at.switch_page(HISTORY_PAGE)
    at.run()
    assert not at.exception and at.title[0].value == "Historial de revisiones"


def test_upload_preview_and_confirm(db):
    at = page()
    assert "revisión 1" in texts(at.caption)
    assert [s.value for s in at.subheader] == ["1. Descargar la plantilla", "2. Subir el archivo"]
    content = upload_bytes([("1.1.1", 2023, "Junio", 0.5, "Se pospuso una sesión", "Acta 2/2023"),
                            ("1.1.1", 2023, "Septiembre", 1.0, None, None)])
    upload(at, content, "junio.xlsx")
    # Q2 Realizado + Justificación changed, Q3 new; Q2 75 % → amarillo, Q3 (R3 = 2.5 of P3 = 3 → 83.3 %)
    # amarillo.  The «datos_ilustrativos» parámetro is no longer flipped by an upload (issue 21).
    assert metrics(at) == {"Valores nuevos": "1", "Valores cambiados": "2", "Filas sin cambio": "0",
                           "Cambios de semáforo": "2"}
    changed = shown(at.table[0])
    assert changed[["Clave", "Trimestre", "Columna", "Antes", "Después"]].values.tolist() == [
        ["1.1.1", "Junio", "Realizado", "1", "0.5"],
        ["1.1.1", "Junio", "Justificación", "—", "Se pospuso una sesión"]]
    semaforos = shown(at.table[2])
    assert semaforos[["Trimestre", "Antes", "Después"]].values.tolist() == [
        ["Junio", "🟢 Verde", "🟡 Amarillo"], ["Septiembre", "⚪ Sin dato", "🟡 Amarillo"]]
    assert "datos ilustrativos" not in texts(at.info)  # the other sample values stay: the notice too
    assert Store(db).latest_revision() == 1  # nothing saved before confirming
    assert not [t for t in at.text_input if "Nombre" in t.label]  # no free-text author any more
    assert "Se guardará a nombre de **Ana López** (ana)" in texts(at.markdown)
    at.text_area(key="comentario").input("Avances de junio")
    submit(at, "💾 Guardar")
    assert "Se guardó la **revisión 2**" in texts(at.success)
    revs = Store(db).list_revisions()
    assert revs.iloc[0][["numero", "autor", "usuario", "origen", "comentario", "archivo"]].tolist() == [
        2, "Ana López", "ana", "web", "Avances de junio", "junio.xlsx"]
    dataset = data_access.load_dataset()  # the dashboard now reads the new revision
    assert "revisión 2" in dataset.origen
    assert dataset.programas_ilustrativos == ("1", "6")  # only the rows the upload wrote became real
    row = dataset.avances.query("clave == '1.1.1' and anio == 2023 and trimestre == 2")
    assert row["realizado"].tolist() == [0.5]


def test_upload_processed_once_per_file(db, monkeypatch):
    calls: list[str] = []
    original = Store.prepare_upload

    def counting(self, content, filename, **kwargs):
        calls.append(filename)
        return original(self, content, filename, **kwargs)

    monkeypatch.setattr(Store, "prepare_upload", counting)
    at = upload(page(), upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "a.xlsx")
    at.text_area(key="comentario").input("Ana")  # reruns the script
    at.run()
    at.run()
    assert calls == ["a.xlsx"]
    upload(at, upload_bytes([("1.1.1", 2023, "Junio", 0.25)]), "b.xlsx")
    assert calls == ["a.xlsx", "b.xlsx"]


def test_identical_file_says_so_and_saves_nothing(db):
    before = data_sql(db)
    at = upload(page(), seed_bytes(), "igual.xlsx")
    assert "idéntico" in texts(at.success)
    assert not [b for b in at.button if b.label.startswith("💾")]
    assert data_sql(db) == before


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_input_shows_all_problems_and_saves_nothing(db, monkeypatch, case):
    monkeypatch.setenv(config.MAX_UPLOAD_MB_ENV, TEST_MAX_UPLOAD_MB)
    if case == ROW_LIMIT_CASE:
        monkeypatch.setenv(config.MAX_UPLOAD_ROWS_ENV, "2")
    before = data_sql(db)
    at = upload(page(), BAD_UPLOADS[case](), f"{case}.xlsx")
    assert "No se guardó nada" in texts(at.error)
    problems = shown(at.table[0])
    assert list(problems.columns) == ["Hoja", "Fila", "Columna", "Valor", "Qué se esperaba"]
    assert len(problems) >= 1 and problems["Qué se esperaba"].str.len().min() > 0
    assert not problems.isna().any().any() and "None" not in problems.to_string()
    assert not [b for b in at.button if b.label.startswith("💾")]
    assert data_sql(db) == before


def test_all_problems_listed_with_row_and_column(db):
    content = upload_bytes([("1.1.1", 2023, "Junio", "dos"), ("9.9", 2023, "Marzo", 1.0),
                            ("1.1.1", 2023, 7, -3.0)])
    at = upload(page(), content, "varios.xlsx")
    problems = shown(at.table[0])
    found = set(zip(problems["Fila"], problems["Columna"]))
    assert {("2", "Realizado"), ("3", "Clave"), ("4", "Trimestre"), ("4", "Realizado")} <= found


def test_file_level_problem_reads_archivo_and_dash(db):
    at = upload(page(), "Clave,Año\n1.1.1,2023\n".encode(), "datos.xlsx")
    problems = shown(at.table[0])
    assert problems[["Hoja", "Fila", "Columna"]].values.tolist() == [["(archivo)", "—", "—"]]


def test_two_sessions_second_gets_conflict_then_repreview(db):
    first = upload(page(usuario="ana"), upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "a.xlsx")
    second = upload(page(usuario="beto"), upload_bytes([("1.2.1", 2023, "Junio", 99.0)]), "b.xlsx")
    for at, name in ((first, "Ana"), (second, "Beto")):
        at.text_area(key="comentario").input(f"carga de {name}")
    submit(first, "💾 Guardar")
    assert "revisión 2" in texts(first.success)
    dump = data_sql(db)
    submit(second, "💾 Guardar")
    message = texts(second.error)
    assert "Otra persona guardó la revisión 2" in message and "No se guardó nada" in message
    assert data_sql(db) == dump  # refused: no lost update
    assert metrics(second)["Valores nuevos"] == "1"  # re-previewed against revision 2
    second.text_area(key="comentario").input("carga de Beto")
    submit(second, "💾 Guardar")
    assert "revisión 3" in texts(second.success)
    _, snap = Store(db).load_snapshot()
    values = snap.avances.set_index(["clave", "anio", "trimestre"])["realizado"]
    assert (values[("1.1.1", 2023, 2)], values[("1.2.1", 2023, 2)]) == (0.5, 99.0)


def test_missing_comment_is_refused(db):
    at = upload(page(), upload_bytes([("1.1.1", 2023, "Junio", 0.5)]))
    submit(at, "💾 Guardar")
    assert "Falta el comentario" in texts(at.error)
    assert Store(db).latest_revision() == 1


def test_history_open_download_and_revert(db):
    Store(db).import_file(upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "junio.xlsx", actor=CliActor("Ana"),
                          comment="Avances de junio")
    at = page(HISTORY_PAGE)
    table = at.dataframe[0].value
    assert list(table.columns) == ["Número", "Fecha (CDMX)", "Autor", "Archivo", "Comentario",
                                   "Celdas cambiadas", "Tipo"]  # no hash cut with «…» in the list
    assert table["Número"].tolist() == [2, 1]
    assert table.iloc[0][["Autor", "Archivo", "Comentario", "Celdas cambiadas"]].tolist() == [
        "Ana (línea de comandos)", "junio.xlsx", "Avances de junio", "2"]  # Realizado and Evidencia of Junio
    fecha = Store(db).list_revisions()["fecha"].iloc[0]
    # a real date-time (the column sorts chronologically), shown dd/mm/aaaa HH:MM in Mexico City time
    assert table.iloc[0]["Fecha (CDMX)"].strftime("%d/%m/%Y %H:%M") == local_datetime(fecha)
    assert at.dataframe[0].proto.columns  # column config sent
    assert '"format": "DD/MM/YYYY HH:mm"' in at.dataframe[0].proto.columns.replace(": ", ": ")
    assert "UTC" not in texts(at.markdown)
    assert metrics(at)["Celdas cambiadas"] == "2"
    assert [b.label for b in at.get("download_button")] == ["⬇️ Descargar «junio\\.xlsx» tal como se subió"]
    at.selectbox(key="revision_abierta").select(1)
    at.run()
    assert not at.text_input  # the author is the signed-in account
    at.text_area[0].input("Cifras sin validar")
    submit(at, "↩️ Revertir a la revisión 1")
    assert "Se guardó la revisión 3" in texts(at.success)
    revs = Store(db).list_revisions()
    assert revs["numero"].tolist() == [3, 2, 1]
    assert (revs.iloc[0].tipo, revs.iloc[0].revierte_a, revs.iloc[0].comentario, revs.iloc[0].autor,
            revs.iloc[0].usuario) == ("reversion", 1, "Cifras sin validar", "Ana López", "ana")
    assert at.dataframe[0].value.iloc[0]["Archivo"] == "(reversión a la 1)"
    assert at.selectbox(key="revision_abierta").value == 3  # the new revision is opened
    assert "Revisión 3" in texts(at.markdown)


def test_read_only_workbook_mode_disables_upload(tmp_path, monkeypatch):
    monkeypatch.delenv(config.DB_ENV, raising=False)
    book = tmp_path / "libro.xlsx"
    book.write_bytes(seed_bytes())
    monkeypatch.setenv("MPI_DASH_WORKBOOK", str(book))
    for script in (UPLOAD_PAGE, HISTORY_PAGE):
        at = page(script, usuario=None)  # no store, hence no accounts: no sign-in
        assert "solo lectura" in texts(at.warning)
        assert not at.file_uploader


def test_unopenable_database_is_a_spanish_error(tmp_path, monkeypatch):
    monkeypatch.setenv(config.DB_ENV, str(tmp_path))  # a folder, not a database file
    monkeypatch.delenv("MPI_DASH_WORKBOOK", raising=False)
    for script in (UPLOAD_PAGE, HISTORY_PAGE):
        at = sign_in_with_form(page(script, usuario=None), "ana")
        assert "No se pudo abrir la base de datos" in texts(at.error)
        assert "es una carpeta" in texts(at.error) and "unable" not in texts(at.error)


# --------------------------------------------------------------------------- review fixes


def test_blank_realizado_only_difference_is_shown_not_identical(db):
    before = data_sql(db)
    at = upload(page(), upload_bytes([("1.1.1", 2023, "Junio", None)]), "vacio.xlsx")
    shown = texts(at.info) + texts(at.success)
    assert "idéntico" not in shown
    assert "no cambia ningún dato guardado" in shown
    assert "La fila sin «Realizado» se omitió: una celda vacía no borra" in shown
    assert "revierta a una revisión anterior en «Historial»" in shown  # dirección may revert
    (expander,) = [e for e in at.expander if "sin «Realizado»" in e.label]
    avisos = globals()["shown"](expander.table[0])
    assert avisos[["Hoja", "Fila", "Columna", "Valor"]].values.tolist() == [
        ["Avances", "2", "Realizado", "—"]]
    assert not [b for b in at.button if b.label.startswith("💾")]
    assert data_sql(db) == before


def test_invalid_max_upload_mb_is_a_spanish_error_on_the_page(db, monkeypatch):
    monkeypatch.setenv(config.MAX_UPLOAD_MB_ENV, "diez")
    at = page()
    assert "La variable de entorno MPI_DASH_MAX_UPLOAD_MB vale «diez»" in texts(at.error)
    assert not at.file_uploader


def test_history_cell_counts_in_es_mx(db):
    _, snap = Store(db).load_snapshot()
    extra = pd.DataFrame({"clave": [f"x{i}" for i in range(1002)], "anio": 2023, "trimestre": 1,
                          "realizado": 1.0, "justificacion": None, "evidencia": None})
    big = make_snapshot(snap.plan, pd.concat([snap.avances, extra], ignore_index=True), snap.parametros)
    assert Store(db).save_state(big, actor=CliActor("Ana"), comment="muchas") == 2
    at = page(HISTORY_PAGE)
    assert at.dataframe[0].value.iloc[0]["Celdas cambiadas"] == "1,002"
    assert metrics(at)["Celdas cambiadas"] == "1,002"


def _filled_template(snapshot, cells: dict[str, object]) -> bytes:
    import io

    from openpyxl import load_workbook

    from mpi_dash.template import build_template

    wb = load_workbook(io.BytesIO(build_template(snapshot, revision=1)))
    for ref, value in cells.items():
        wb["Avances"][ref] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_conflict_decided_per_cell_keeps_both_edits(db):
    """Two coordinators, one template (rev. 1): A saves Septiembre's texts and Realizado 2; B's file changes
    Realizado to 2.5 and Marzo's Realizado.  B sees one conflict; nothing is saved until B decides it."""
    _, snap = Store(db).load_snapshot()
    template_a = _filled_template(snap, {"E4": 2.0, "F4": "Retraso por lluvias", "G4": "Acta 3/2023"})
    Store(db).commit_preview(Store(db).prepare_upload(template_a, "a.xlsx"), actor=CliActor("Alicia"),
                             comment="septiembre")
    before = data_sql(db)
    at = upload(page(), _filled_template(snap, {"E4": 2.5, "E2": 4.0}), "b.xlsx")
    conflict = as_read(texts(at.error))
    assert "1 celda en conflicto: nada se guarda hasta que usted la decida." in conflict
    assert "Alicia (línea de comandos) la cambió el " in conflict and "en la revisión 2" in conflict
    conflicts = shown(at.table[0])
    assert conflicts[["Celda", "Guardado", "Su archivo"]].values.tolist() == [
        ["1.1.1 · Septiembre 2023 · Realizado", "2", "2.5"]]
    assert conflicts["Guardado por"].iloc[0].startswith("Alicia (línea de comandos), ")
    assert conflicts["Guardado por"].iloc[0].endswith("(revisión 2)")
    (save,) = [b for b in at.button if b.label.startswith("💾")]
    assert save.disabled and "Falta decidir 1 celda en conflicto" in texts(at.warning)
    assert data_sql(db) == before
    (choice,) = [s for s in at.segmented_control if "Septiembre 2023" in s.label]
    choice.set_value("archivo")
    at.run()
    (save,) = [b for b in at.button if b.label.startswith("💾")]
    assert not save.disabled
    assert metrics(at)["Valores cambiados"] == "2"  # Marzo (1 → 4) and the decided cell (2 → 2.5)
    at.text_area(key="comentario").input("realizados de marzo y septiembre")
    submit(at, "💾 Guardar")
    # the count of the preview (the decided cell included) is the one saved and shown by Historial
    assert "Se guardó la **revisión 3** (2 celdas cambiadas)" in texts(at.success)
    assert Store(db).revision_info(3)["celdas_cambiadas"] == 2
    _, now = Store(db).load_snapshot()
    row = now.avances.query("clave == '1.1.1' and anio == 2023 and trimestre == 3").iloc[0]
    assert (row.realizado, row.justificacion, row.evidencia) == (2.5, "Retraso por lluvias", "Acta 3/2023")
    assert now.avances.query("clave == '1.1.1' and anio == 2023 and trimestre == 1")["realizado"].tolist() == [4.0]


def test_file_without_base_says_every_value_replaces(db):
    at = upload(page(), upload_bytes([("1.1.1", 2023, "Junio", 0.5)]), "libro.xlsx")
    assert "cada valor que difiera de lo guardado lo reemplazará" in texts(at.info)


def test_many_bad_rows_grouped_on_the_page(db):
    rows = [(f"P{i}", 2023, "Marzo", 1.0) for i in range(300)]
    at = upload(page(), upload_bytes(rows), "malo.xlsx")
    assert "tiene 300 problemas. No se guardó nada.** Corríjalos" in texts(at.error)
    groups = shown(at.table[0])
    assert groups[["Columna", "Filas", "Cuántas"]].values.tolist() == [["Clave", "filas 2–301", "300"]]
    assert groups["Se encontró"].iloc[0] == "P0, P1, P2, P3, P4, …"
    (expander,) = [e for e in at.expander if "fila por fila" in e.label]
    assert len(expander.dataframe[0].value) == 300  # every row, scrolling


# --------------------------------------------------------------------------- issue 21: the upload path
def _team_template(cells: dict[str, object]) -> bytes:
    """The whole sample plan's 2023 template (programs 1 and 6) at revision 1, with some «Avances» cells typed."""
    _, snap = Store(config.db_path()).load_snapshot(1)
    return _filled_template(snap, cells)


def test_coordinator_team_template_ignores_other_programs_and_is_told_what_it_can_do(db):
    """coco (program 1) uploads the team's template with one change of hers: program 6's rows are ignored with
    one notice; the saved message counts what the preview counted and offers only what her role can do."""
    at = page(usuario="coco")
    assert "consúltela en «Historial»" in texts(at.caption) and "revierta" not in texts(at.caption)
    upload(at, _team_template({"E3": 0.5, "F3": "Se pospuso una sesión"}), "equipo.xlsx")
    assert "Se ignoraron 4 filas del programa 6: no cambian nada." in texts(at.info)
    shown_count = int(metrics(at)["Valores nuevos"]) + int(metrics(at)["Valores cambiados"])
    at.text_area(key="comentario").input("junio")
    submit(at, "💾 Guardar")
    saved = texts(at.success)
    cells = Store(db).revision_info(2)["celdas_cambiadas"]
    assert cells == shown_count and f"Se guardó la **revisión 2** ({cells} celdas cambiadas)" in saved
    assert "puede consultarla en «Historial» (revertirla corresponde a una cuenta de Dirección)" in saved
    assert "revertirla en" not in saved


def test_direccion_is_offered_to_revert(db):
    at = upload(page(), upload_bytes([("1.1.1", 2023, "Junio", 0.5, "Se pospuso una sesión", "Acta 2/2023")]))
    assert "consulte y revierta en «Historial»" in texts(at.caption)
    at.text_area(key="comentario").input("junio")
    submit(at, "💾 Guardar")
    assert "puede consultarla o revertirla en «Historial»" in texts(at.success)


def test_untouched_template_says_only_that_nothing_changes(db):
    at = upload(page(), _team_template({}), "plantilla.xlsx")
    assert texts(at.success) == "El archivo es **idéntico** a los datos guardados: no hay nada que guardar."
    banner = [w for w in at.warning if str(w.value).startswith("**Datos ilustrativos en ")]  # the page's notice
    assert len(at.warning) == len(banner) and not at.error and not at.info and not at.expander
    assert not [b for b in at.button if b.label.startswith("💾")]


def test_preview_asks_for_the_justificacion_of_figures_left_amarillo_or_rojo(db):
    """1.1.1 Junio 0.5 without a justificación: amarillo at Junio (75 %); a warning that lists it and asks
    for one — saving stays possible."""
    at = upload(page(), upload_bytes([("1.1.1", 2023, "Junio", 0.5, None, "Acta 2/2023")]))
    (warning,) = [w for w in at.warning if "sin justificación" in w.value]
    text = as_read(warning.value)
    assert text.startswith("**1 indicador quedaría en amarillo o rojo sin justificación.** Escriba en la columna "
                           "«Justificación» de su archivo")
    assert "- 1.1.1 · Junio 2023 · Amarillo ↓ rezago: Indicador 1.1.1" in text
    (save,) = [b for b in at.button if b.label.startswith("💾")]
    assert not save.disabled


def test_phone_lines_say_each_change_before_and_after(db):
    """The preview writes each change as one line too («1.1.1 · Junio: 1 → 0.5»), shown instead of the tables
    on a phone (ui_shell.APP_CSS); wider screens keep the tables."""
    at = upload(page(), upload_bytes([("1.1.1", 2023, "Junio", 0.5, "Se pospuso", "Acta 2/2023"),
                                      ("1.1.1", 2023, "Septiembre", 1.0, "Se recupera", None)]))
    lines = as_read(texts(at.markdown))
    assert "- 1.1.1 · Junio: 1 → 0.5\n- 1.1.1 · Junio · Justificación: — → Se pospuso" in lines
    assert "- 1.1.1 · Septiembre: 1 (nuevo)" in lines
    assert "- 1.1.1 · Junio: 🟢 Verde → 🟡 Amarillo" in lines
    assert len(at.table) == 3  # the tables are still there for wide screens


def test_conflict_with_her_own_earlier_save_says_usted(db):
    """Ana saved 1.1.1 Septiembre from her template; uploading another version of that template that also
    changes it is a conflict with HER save, said as such — not «otra persona»."""
    ana = Store(db).get_account("ana")
    Store(db).import_file(_team_template({"E4": 2.0}), "v1.xlsx", actor=ana, comment="septiembre")
    at = upload(page(), _team_template({"E4": 3.0}), "v2.xlsx")
    conflict = as_read(texts(at.error))
    assert "Cambió en su archivo y también en lo guardado" in conflict
    assert "usted la cambió el " in conflict and "en la revisión 2" in conflict
    assert "Ana López" not in conflict and "otra persona" not in conflict.lower()
    assert shown(at.table[0])["Guardado por"].iloc[0].startswith("usted, ")


def test_coordinator_is_not_told_to_revert(db):
    at = upload(page(usuario="coco"), upload_bytes([("1.1.1", 2023, "Junio", None)]), "vacio.xlsx")
    assert "pida a una cuenta de Dirección que revierta a una revisión anterior" in texts(at.info)
    assert "revierta a una revisión anterior en «Historial»" not in texts(at.info)
