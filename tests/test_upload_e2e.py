"""End to end in Chromium: download the template, fill it, upload, preview, confirm, see the dashboard change.

Uses the shared helpers of ``tests/e2e_support.py`` (server on a free port, Debian Chromium, idle wait,
screenshots under ``artifacts/``).  The database is a temporary copy seeded from ``data/plan_2023.xlsx``.

With ``MPI_DASH_GUIDE_IMG=1`` the screenshots are also copied to ``docs/img/guia_*.png``, the images of the
coordinators' guide (``docs/guia_coordinadores.md``), so they can be regenerated from the real app:

    MPI_DASH_GUIDE_IMG=1 python -m pytest tests/test_upload_e2e.py -q
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from auth_helpers import PASSWORD, add_accounts
from e2e_support import (
    ARTIFACTS,
    chromium_path,
    error_texts,
    goto_page,
    open_browser,
    screenshot,
    sign_in,
    streamlit_server,
    wait_idle,
)
from openpyxl import load_workbook

from mpi_dash import config
from mpi_dash.store import Store

pytestmark = pytest.mark.browser
GUIDE_IMG = Path(__file__).resolve().parent.parent / "docs" / "img"
# artifact name → image of the guide it illustrates
GUIDE_SHOTS = {"carga_02_pagina": "guia_01_pagina", "carga_03a_errores": "guia_02_errores",
               "carga_03_vista_previa": "guia_03_vista_previa", "carga_04_confirmar": "guia_04_confirmar",
               "carga_05_guardado": "guia_05_guardado", "carga_06_resumen_despues": "guia_06_resumen_despues",
               "carga_07_historial": "guia_07_historial", "carga_08_revertir": "guia_08_revertir",
               "carga_09_revertido": "guia_09_revertido"}


def shot(page, name: str, *, full_page: bool = True, element: str | None = None) -> Path:
    """Screenshot to ``artifacts/<name>.png`` (of one element when given); with ``MPI_DASH_GUIDE_IMG=1``
    also to the guide image it illustrates."""
    if element is None:
        path = screenshot(page, name, full_page=full_page)
    else:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.get_by_test_id(element).screenshot(path=str(path))
    if os.environ.get("MPI_DASH_GUIDE_IMG") == "1" and name in GUIDE_SHOTS:
        shutil.copyfile(path, GUIDE_IMG / f"{GUIDE_SHOTS[name]}.png")
    return path

# In the bundled illustrative data, 2.3 (a hito due in December) is the only indicator in rojo at the
# December 2023 cut-off; reporting it as done turns it verde.
TARGET_CLAVE, TARGET_ROW_QUARTER = "2.3", "Diciembre"


def fill_template(content: bytes) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Avances"]
    headers = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(headers)}
    for row in ws.iter_rows(min_row=2):
        if row[col["Clave"]].value == TARGET_CLAVE and row[col["Trimestre"]].value == TARGET_ROW_QUARTER:
            row[col["Realizado"]].value = 1
            row[col["Justificación"]].value = "Se concluyó en diciembre"
            row[col["Evidencia"]].value = "Informe de vinculación 4/2023"
            break
    else:  # pragma: no cover - the bundled plan changed
        raise AssertionError(f"la plantilla no tiene la fila {TARGET_CLAVE} {TARGET_ROW_QUARTER}")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


ALL_SAMPLES = "Datos ilustrativos en los programas 1, 2, 3, 4, 5 y 6."  # the banner's bold part


def test_upload_in_browser_changes_dashboard(tmp_path, monkeypatch):
    exe = chromium_path()
    db = tmp_path / "e2e.sqlite"
    monkeypatch.delenv("MPI_DASH_WORKBOOK", raising=False)
    assert Store(db).latest_revision() == 1  # seeded from data/plan_2023.xlsx before the server starts
    add_accounts(db)  # «Ana López» (ana) is a dirección account: uploads and reverts
    env = {config.DB_ENV: str(db), "MPI_DASH_WORKBOOK": ""}
    with streamlit_server(env=env) as url, open_browser(exe) as page:
        goto_page(page, url, "")  # Resumen is the default page (url "/")
        sign_in(page, "ana", PASSWORD)
        assert page.get_by_text(ALL_SAMPLES).count() >= 1
        assert page.get_by_text(f"{TARGET_CLAVE} ·").count() >= 1  # listed among the indicators in rojo
        screenshot(page, "carga_01_resumen_antes")

        goto_page(page, url, "cargar_avances")
        assert not error_texts(page)
        zone = page.get_by_test_id("stFileUploaderDropzone")
        # the uploader's own texts are Spanish text in the page (not English hidden with CSS)
        expect(zone.locator("button")).to_have_accessible_name("Elegir archivo", timeout=10_000)
        assert "arrástrelo aquí" in zone.inner_text() and "Upload" not in zone.inner_text()
        assert "per file" not in zone.inner_text()
        assert zone.locator("input[type=file]").get_attribute("aria-label") == \
            "Elegir el archivo de Excel con los avances"
        shot(page, "carga_02_pagina", full_page=False)
        with page.expect_download() as info:
            page.get_by_role("button", name="Descargar plantilla de avances").click()
        template = info.value
        assert template.suggested_filename == "plantilla_avances_2023_rev1.xlsx"
        upload = tmp_path / "avances_diciembre.xlsx"
        upload.write_bytes(fill_template(open(template.path(), "rb").read()))

        bad = tmp_path / "avances_con_errores_de_la_coordinacion_diciembre.xlsx"
        bad.write_bytes(break_file(upload.read_bytes()))
        page.locator("input[type='file']").set_input_files(str(bad))
        page.get_by_text("No se guardó nada").first.wait_for()
        wait_idle(page)
        # The chip shows the long name whole (Streamlit's own cuts it: «avances_...ciembre.xlsx»).
        assert page.get_by_test_id("stFileChipName").inner_text() == bad.name
        assert page.get_by_text("tiene 2 problemas").count() == 1
        page.get_by_test_id("stTable").first.wait_for()  # the problems table (plain text, wraps)
        shot(page, "carga_03a_errores", full_page=False)
        assert Store(db).latest_revision() == 1

        page.locator("input[type='file']").set_input_files(str(upload))
        page.get_by_text("Vista previa: qué cambiaría").wait_for()
        wait_idle(page)
        assert not error_texts(page)
        assert page.get_by_text("Se concluyó en diciembre").count() >= 1
        shot(page, "carga_03_vista_previa")
        assert Store(db).latest_revision() == 1  # preview saves nothing

        assert page.get_by_text("Se guardará a nombre de").count() == 1  # the signed-in account
        page.get_by_label("Comentario (qué se carga y por qué)").fill("Avances de diciembre 2023")
        assert page.get_by_text("submit form").filter(visible=True).count() == 0  # English hint hidden
        shot(page, "carga_04_confirmar", element="stForm")
        page.get_by_role("button", name="Guardar como nueva revisión").click()
        page.get_by_text("Se guardó la").wait_for()
        wait_idle(page)
        shot(page, "carga_05_guardado", full_page=False)
        assert Store(db).latest_revision() == 2

        goto_page(page, url, "")  # Resumen is the default page (url "/")
        # only the row the upload wrote became real: program 2's other sample values keep the notice (issue 21)
        assert page.get_by_text(ALL_SAMPLES).count() >= 1
        assert page.get_by_text("revisión 2").count() >= 1
        assert page.get_by_text("Rojo ↓ rezago").count() == 0   # 2.3 reached: no indicator lags in rojo
        assert not error_texts(page)
        shot(page, "carga_06_resumen_despues")

        goto_page(page, url, "historial")
        assert page.get_by_text("Avances de diciembre 2023").count() >= 1
        assert not error_texts(page)
        shot(page, "carga_07_historial")
        with page.expect_download() as info:
            page.get_by_role("button", name="tal como se subió").click()
        assert info.value.suggested_filename == "avances_diciembre.xlsx"
        assert open(info.value.path(), "rb").read() == upload.read_bytes()  # byte for byte

        # Revert to revision 1 (a new revision 3): the sample value of 2.3 and its mark come back.
        chooser = page.get_by_test_id("stSelectbox").first
        chooser.evaluate("e => e.scrollIntoView({block: 'center'})")  # as a person scrolls to it
        chooser.click()
        page.get_by_role("option", name="1 · Carga inicial desde data/plan_2023.xlsx").click()
        page.get_by_role("button", name="Revertir a la revisión 1").wait_for()
        wait_idle(page)
        page.get_by_label("Motivo").fill("La cifra de 2.3 no estaba validada")
        assert page.get_by_text("submit form").filter(visible=True).count() == 0
        shot(page, "carga_08_revertir", element="stForm")
        page.get_by_role("button", name="Revertir a la revisión 1").click()
        page.get_by_text("Se guardó la revisión 3").wait_for()
        wait_idle(page)
        assert not error_texts(page)
        shot(page, "carga_09_revertido")
        opened = page.get_by_test_id("stSelectbox").first.locator("input").input_value()
        assert opened == "3 · La cifra de 2.3 no estaba validada"  # the new revision is the one shown
        goto_page(page, url, "")
        assert page.get_by_text(ALL_SAMPLES).count() >= 1
        assert page.get_by_text("revisión 3").count() >= 1
    revs = Store(db).list_revisions()
    assert revs.iloc[1][["numero", "autor", "comentario", "archivo"]].tolist() == [
        2, "Ana López", "Avances de diciembre 2023", "avances_diciembre.xlsx"]
    assert revs.iloc[0][["numero", "tipo", "revierte_a"]].tolist() == [3, "reversion", 1]
    assert Store(db).revision_file(2)[1] == upload.read_bytes()


def break_file(content: bytes) -> bytes:
    """The filled template with two mistakes: text in Realizado and an unknown Clave."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Avances"]
    ws.protection.sheet = False
    ws["E3"] = "dos"
    ws["A5"] = "9.9"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
