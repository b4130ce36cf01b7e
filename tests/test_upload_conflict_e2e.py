"""End to end in Chromium (issue 9): plain text everywhere, conflicts decided per cell, wrong type and size
messages on the page, preview tables that fit.

* Payloads (Markdown image and link, an icon shortcode, bold, HTML) are put in every text a person types or
  a workbook carries — author, comment, revert motive, justificación, evidencia, file name, indicator name —
  and the pages that show them (Historial, the upload preview, Resumen) are opened while every request the
  browser makes is recorded: none may go to another host (127.0.0.1:9 is the payloads' host) nor to the
  paths the payloads name, no dialog may open, and the payloads are shown as typed.
* Two coordinators on one template: the conflict table, a decision per cell, both edits kept.
* A .csv chosen in the page gets the Spanish message of a renamed file; a file over the limit a Spanish
  message under the widget (no English tooltip only).
* The conflict preview at 390×844, 1366×768 and 1920×1080: no table wider than the page at 1366.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from auth_helpers import PASSWORD, add_accounts
from e2e_support import chromium_path, error_texts, goto_page, open_browser, screenshot, sign_in, streamlit_server
from e2e_support import wait_idle
from openpyxl import load_workbook
from shown_text import without_joiners

from mpi_dash import config
from mpi_dash.accounts import CliActor
from mpi_dash.snapshot import make_snapshot
from mpi_dash.store import Store
from mpi_dash.template import build_template

pytestmark = pytest.mark.browser

PAYLOADS = ("![x](http://127.0.0.1:9/x)", "[a](http://127.0.0.1:9/)", ":material/warning:", "**b**",
            "<img src=x onerror=alert(1)>")
PAYLOAD = " ".join(PAYLOADS)
# file names cannot hold «/»: relative targets instead (a request for /y or /z would be the proof)
FILE_NAME = "![i](y) [clic](z) :material/warning: **b** <img src=z onerror=alert(1)>.xlsx"
FORBIDDEN_PATHS = {"/x", "/y", "/z"}
TARGET = "2.3"  # in rojo at the December 2023 cut-off of the bundled data: listed on Resumen


def _template_with(content: bytes, rows: dict[tuple[str, str], dict[str, object]]) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Avances"]
    col = {c.value: i for i, c in enumerate(ws[1])}
    for row in ws.iter_rows(min_row=2):
        key = (row[col["Clave"]].value, row[col["Trimestre"]].value)
        for name, value in rows.get(key, {}).items():
            row[col[name]].value = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _watch(page, url: str) -> dict[str, list]:
    seen: dict[str, list] = {"foreign": [], "forbidden": [], "dialogs": []}
    server = urlsplit(url).netloc

    def on_request(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != server:
            seen["foreign"].append(request.url)
        if parts.path in FORBIDDEN_PATHS:
            seen["forbidden"].append(request.url)

    page.on("request", on_request)
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    return seen


def _main_text(page) -> str:
    """The page's text as a person reads it (the invisible word joiners of ui_common.md removed)."""
    return without_joiners(page.get_by_test_id("stMain").inner_text())


def _no_markup(page) -> None:
    main = page.get_by_test_id("stMain")
    assert main.locator("a[href*='127.0.0.1:9'], a[href='z'], img[src='x'], img[src='y'], img[src='z']").count() == 0
    assert all(t.strip() != "b" for t in main.locator("strong").all_inner_texts())  # **b** is not bold
    icons = [t for t in main.get_by_test_id("stIconMaterial").all_inner_texts() if t.strip() == "warning"]
    alerts = main.get_by_test_id("stAlert").count()
    assert len(icons) <= alerts  # no icon from the text: only the alerts' own


def test_payloads_are_plain_text_and_nothing_leaves_the_server(tmp_path, monkeypatch):
    exe = chromium_path()
    db = tmp_path / "payload.sqlite"
    monkeypatch.delenv("MPI_DASH_WORKBOOK", raising=False)
    store = Store(db)
    revision, snap = store.load_snapshot()
    add_accounts(db)
    plan = snap.plan.copy()
    plan.loc[(plan["clave"] == TARGET) & (plan["anio"] == 2023), "indicador"] = PAYLOAD  # a workbook text
    store.save_state(make_snapshot(plan, snap.avances, snap.parametros), actor=CliActor(PAYLOAD), comment=PAYLOAD,
                     filename=FILE_NAME, content=b"PK")
    _, snap = store.load_snapshot()
    filled = _template_with(build_template(snap, anio=2023, revision=2),
                            {("1.1.1", "Marzo"): {"Justificación": PAYLOAD, "Evidencia": PAYLOAD}})
    store.import_file(filled, FILE_NAME, actor=CliActor(PAYLOAD), comment=PAYLOAD)
    store.revert(2, actor=CliActor(PAYLOAD), reason=PAYLOAD)
    preview_file = _template_with(build_template(snap, anio=2023, revision=4),
                                  {("1.1.1", "Junio"): {"Justificación": PAYLOAD, "Evidencia": PAYLOAD}})
    upload = tmp_path / "subida.xlsx"
    upload.write_bytes(preview_file)
    env = {config.DB_ENV: str(db), "MPI_DASH_WORKBOOK": ""}
    with streamlit_server(env=env) as url, open_browser(exe, width=1366, height=768) as page:
        seen = _watch(page, url)
        goto_page(page, url, "")
        sign_in(page, "ana", PASSWORD)
        assert PAYLOAD in _main_text(page)  # the indicator name and the author, as typed
        _no_markup(page)
        screenshot(page, "payload_resumen")

        goto_page(page, url, "historial")
        assert not error_texts(page)
        for revision_number in (4, 3):
            chooser = page.get_by_test_id("stSelectbox").first
            chooser.evaluate("e => e.scrollIntoView({block: 'center'})")  # as a person scrolls to it: with the
            chooser.click()                     # data notice above, it sits on the 768-px fold and does not open
            page.get_by_role("option", name=f"{revision_number} ·").first.click()
            wait_idle(page)
            assert _main_text(page).count(PAYLOAD) >= 2  # author and comment (or motivo) as typed
            _no_markup(page)
            screenshot(page, f"payload_historial_{revision_number}")
        assert FILE_NAME in _main_text(page)  # the download button names the file as it was uploaded

        goto_page(page, url, "cargar_avances")
        page.locator("input[type='file']").set_input_files(
            files=[{"name": FILE_NAME, "mimeType": "application/octet-stream", "buffer": upload.read_bytes()}])
        page.get_by_text("Vista previa: qué cambiaría").wait_for()
        wait_idle(page)
        text = _main_text(page)
        assert text.count(PAYLOAD) >= 2  # justificación and evidencia in the preview table
        assert FILE_NAME in text
        _no_markup(page)
        screenshot(page, "payload_vista_previa")
        page.wait_for_timeout(500)
    assert seen == {"foreign": [], "forbidden": [], "dialogs": []}


def test_conflict_wrong_type_size_and_layouts(tmp_path, monkeypatch):
    exe = chromium_path()
    db = tmp_path / "conflicto.sqlite"
    monkeypatch.delenv("MPI_DASH_WORKBOOK", raising=False)
    store = Store(db)
    _, snap = store.load_snapshot()
    add_accounts(db)
    template = build_template(snap, anio=2023, revision=1)
    long_text = ("La sesión ordinaria se reprogramó por la contingencia de lluvias del 12 de septiembre; el acta "
                 "se firmó el 3 de octubre y se integró al expediente del Mecanismo.")
    a = _template_with(template, {("1.1.1", "Septiembre"): {"Realizado": 1, "Justificación": long_text}})
    store.import_file(a, "coordinadora_a.xlsx", actor=CliActor("Alicia Ramírez"), comment="septiembre")
    b_file = tmp_path / "coordinador_b.xlsx"
    b_file.write_bytes(_template_with(template, {("1.1.1", "Septiembre"): {"Realizado": 2, "Justificación":
                                                                          "Se realizaron dos sesiones."},
                                                 ("1.1.1", "Diciembre"): {"Realizado": 1}}))
    csv = tmp_path / "datos.csv"
    csv.write_text("Clave,Año,Trimestre,Realizado\n1.1.1,2023,Marzo,1\n", encoding="utf-8")
    big = tmp_path / "grande.xlsx"
    big.write_bytes(b"PK\x03\x04" + b"\0" * (2 * 1024 * 1024))
    env = {config.DB_ENV: str(db), "MPI_DASH_WORKBOOK": "", config.MAX_UPLOAD_MB_ENV: "1"}
    with streamlit_server(env=env) as url, open_browser(exe, width=1366, height=768) as page:
        goto_page(page, url, "")
        sign_in(page, "ana", PASSWORD)
        goto_page(page, url, "cargar_avances")
        page.locator("input[type='file']").set_input_files(str(csv))
        page.get_by_text("No se guardó nada").first.wait_for()
        wait_idle(page)
        body = page.get_by_test_id("stMain").inner_text()
        assert "un archivo de texto (por ejemplo CSV)" in body and "not allowed" not in body
        screenshot(page, "carga_tipo_equivocado", full_page=False)

        page.locator("input[type='file']").set_input_files(str(big))
        page.wait_for_timeout(800)
        wait_idle(page)
        message = page.get_by_test_id("stFileUploader").evaluate(
            "e => getComputedStyle(e, '::after').content")
        assert "pesa más de 1 MB" in message and "1,048,576 bytes" in message
        screenshot(page, "carga_demasiado_grande", full_page=False)

        goto_page(page, url, "cargar_avances")  # a fresh uploader
        page.locator("input[type='file']").set_input_files(str(b_file))
        page.get_by_text("en conflicto").first.wait_for()
        wait_idle(page)
        assert page.get_by_role("button", name="Guardar como nueva revisión").is_disabled()
        for width, height in ((1366, 768), (1920, 1080), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(600)
            overflow = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stTable"]')]
                .map(t => t.scrollWidth - t.clientWidth)""")
            if width >= 1366:
                assert overflow and max(overflow) <= 1, overflow  # preview tables fit: long texts wrap
            screenshot(page, f"carga_conflicto_{width}x{height}")
        page.set_viewport_size({"width": 1366, "height": 768})
        assert Store(db).latest_revision() == 2  # nothing saved while the conflict is undecided
        page.get_by_role("radio", name="Usar el de mi archivo").first.click()  # «Decidir todas igual»
        wait_idle(page)
        page.get_by_label("Comentario (qué se carga y por qué)").fill("Sesiones de septiembre y diciembre")
        page.get_by_role("button", name="Guardar como nueva revisión").click()
        page.get_by_text("Se guardó la").wait_for()
        wait_idle(page)
        assert not error_texts(page)
    _, now = Store(db).load_snapshot()
    sept = now.avances.query("clave == '1.1.1' and anio == 2023 and trimestre == 3").iloc[0]
    assert (sept.realizado, sept.justificacion) == (2.0, "Se realizaron dos sesiones.")
    dic = now.avances.query("clave == '1.1.1' and anio == 2023 and trimestre == 4")
    assert dic["realizado"].tolist() == [1.0]


def test_phone_preview_one_line_per_change_and_the_team_template(tmp_path, monkeypatch):
    """The issue-21 upload of a program-3 coordinator: the team's whole template with 3.1 Septiembre 1 → 6.
    At 390×844 each change is one line («3.1 · Septiembre: 1 → 6», nothing off-screen); at 1366×768 the
    tables stay.  The other programs' rows are ignored with one notice, and the figures left rojo without a
    justificación are listed (a warning: «Guardar» stays enabled)."""
    exe = chromium_path()
    db = tmp_path / "telefono.sqlite"
    monkeypatch.delenv("MPI_DASH_WORKBOOK", raising=False)
    store = Store(db)
    _, snap = store.load_snapshot()
    store.create_account(CliActor("pruebas"), "tere", nombre="Teresa Coordinadora", rol="coordinacion",
                         programas=["3"], contrasena=PASSWORD)
    team = tmp_path / "equipo.xlsx"
    team.write_bytes(_template_with(build_template(snap, anio=2023, revision=1),
                                    {("3.1", "Septiembre"): {"Realizado": 6}}))
    env = {config.DB_ENV: str(db), "MPI_DASH_WORKBOOK": ""}
    with streamlit_server(env=env) as url, open_browser(exe, width=390, height=844) as page:
        goto_page(page, url, "")
        sign_in(page, "tere", PASSWORD)
        goto_page(page, url, "cargar_avances")
        page.locator("input[type='file']").set_input_files(str(team))
        page.get_by_text("Vista previa: qué cambiaría").wait_for()
        wait_idle(page)
        assert not error_texts(page)
        line = page.get_by_test_id("stMain").locator(".st-key-lista_cambiados li").first
        assert without_joiners(line.inner_text()) == "3.1 · Septiembre: 1 → 6"
        assert line.is_visible() and not page.locator(".st-key-tabla_cambiados").is_visible()
        assert not page.locator(".st-key-tabla_semaforos").is_visible()
        assert page.locator(".st-key-lista_semaforos").is_visible()
        text = _main_text(page)
        assert "Se ignoraron 88 filas de los programas 1, 2, 4, 5 y 6: no cambian nada." in text
        assert "sin justificación" in text and "3.1 · Diciembre 2023 · Rojo ↑ sobrecumplimiento" in text
        wide = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth")
        assert wide <= 390, wide  # nothing sideways: every change readable without scrolling right
        screenshot(page, "carga_vista_previa_390x844")
        page.set_viewport_size({"width": 1366, "height": 768})
        page.wait_for_timeout(600)
        assert page.locator(".st-key-tabla_cambiados").is_visible()
        assert not page.locator(".st-key-lista_cambiados").is_visible()
        overflow = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stTable"]')]
            .map(t => t.scrollWidth - t.clientWidth)""")
        assert overflow and max(overflow) <= 1, overflow
        screenshot(page, "carga_vista_previa_1366x768")
        assert page.get_by_role("button", name="Guardar como nueva revisión").is_enabled()
    assert store.latest_revision() == 1
