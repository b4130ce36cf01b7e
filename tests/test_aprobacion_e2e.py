"""End to end in Chromium: a coordinator uploads → the director approves → the coordinator's next upload
of that quarter is refused (nothing saved) → the director reopens → the upload is accepted.  Also the
stamp on the dashboard and the page «Aprobación» at 390×844, 1366×768 and 1920×1080, and (issue 21) the six
program choices, the confirmation before the click and the reset after it at 390×844 and 1366×768
(screenshots under ``artifacts/aprobacion_*.png``)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from auth_helpers import PASSWORD, add_accounts
from e2e_support import DEFAULT_TIMEOUT_S, chromium_path, error_texts, goto_page, open_browser, \
    screenshot, sign_in, streamlit_server, wait_idle
from shown_text import WORD_JOINER
from upload_helpers import upload_bytes

from mpi_dash import config
from mpi_dash.approvals import local_date
from mpi_dash.store import Store

pytestmark = pytest.mark.browser
SIZES = {"telefono": (390, 844), "laptop": (1366, 768), "proyector": (1920, 1080)}


def preview(page, url: str, path) -> None:
    goto_page(page, url, "cargar_avances")
    page.locator("input[type='file']").set_input_files(str(path))
    page.get_by_text("Vista previa: qué cambiaría").wait_for()
    wait_idle(page)


def upload(page, url: str, path, comment: str) -> None:
    preview(page, url, path)
    page.get_by_label("Comentario (qué se carga y por qué)").fill(comment)
    page.get_by_role("button", name="Guardar como nueva revisión").click()
    wait_idle(page)


def test_upload_approve_refuse_reopen_accept(tmp_path, monkeypatch):
    exe = chromium_path()
    db = tmp_path / "e2e.sqlite"
    monkeypatch.delenv("MPI_DASH_WORKBOOK", raising=False)
    assert Store(db).latest_revision() == 1
    add_accounts(db)  # coco: coordinación of program 1; ana: dirección «Ana López»
    first = tmp_path / "diciembre.xlsx"
    first.write_bytes(upload_bytes([("1.1.1", 2023, "Diciembre", 7.0, None, "Acta 4/2023")]))
    second = tmp_path / "diciembre_corregido.xlsx"
    second.write_bytes(upload_bytes([("1.1.1", 2023, "Diciembre", 8.0, None, "Acta 4/2023")]))
    env = {config.DB_ENV: str(db), "MPI_DASH_WORKBOOK": ""}
    with streamlit_server(env=env) as url, open_browser(exe, width=1366, height=768) as coord:
        director = coord.context.browser.new_context(viewport={"width": 1366, "height": 768},
                                                     locale="es-MX").new_page()
        director.set_default_timeout(DEFAULT_TIMEOUT_S * 1000)
        goto_page(coord, url, "")
        sign_in(coord, "coco", PASSWORD)
        upload(coord, url, first, "Avances de diciembre")
        coord.get_by_text("Se guardó la").wait_for()
        assert Store(db).latest_revision() == 2

        goto_page(director, url, "aprobacion", query="anio=2023&trimestre=Diciembre")
        sign_in(director, "ana", PASSWORD)
        director.get_by_role("heading", name="Diciembre 2023").wait_for()
        assert not error_texts(director)
        button = director.get_by_role("button", name="Aprobar Diciembre 2023")
        for programa in range(1, 7):    # nothing comes chosen: she picks every program
            director.locator(".st-key-approval_programs").get_by_role("button", name=f"Programa {programa}",
                                                                      exact=True).click()
            wait_idle(director)
        director.locator(".st-key-approval_contents").get_by_text("Se aprobarán las cifras").wait_for()
        if director.get_by_text("Confirmo aprobar aunque haya").count():
            director.get_by_text("Confirmo aprobar aunque haya").click()
        button.click()
        director.get_by_text("Se aprobaron las cifras de Diciembre 2023").wait_for()
        wait_idle(director)
        screenshot(director, "aprobacion_02_aprobada")
        today = local_date(dt.datetime.now(dt.timezone.utc))
        goto_page(director, url, "")
        director.get_by_text(f"Cifras aprobadas por Ana López el {today}").first.wait_for()

        preview(coord, url, second)   # approved figures: the preview says so and «Guardar» cannot be pressed
        notice = coord.get_by_text("No se puede guardar este archivo").first
        notice.wait_for()
        assert coord.get_by_text("aprobado por Ana López").count() >= 1
        assert coord.get_by_role("button", name="Guardar como nueva revisión").is_disabled()
        notice.scroll_into_view_if_needed()
        screenshot(coord, "aprobacion_03_carga_rechazada", full_page=False)
        assert Store(db).latest_revision() == 2

        goto_page(director, url, "aprobacion", query="anio=2023&trimestre=Diciembre")
        reopen = director.get_by_test_id("stForm").filter(has_text="Programas por reabrir")
        reopen.get_by_role("button", name="Programa 1", exact=True).click()
        director.get_by_label("Motivo (obligatorio)").fill("La coordinación corrige 1.1.1")
        director.get_by_role("button", name="Reabrir").click()
        director.get_by_text("Se reabrieron las cifras de Diciembre 2023").wait_for()
        wait_idle(director)

        upload(coord, url, second, "Corrección de diciembre")
        coord.get_by_text("Se guardó la").wait_for()
        assert Store(db).latest_revision() == 3
        goto_page(director, url, "historial")
        assert director.get_by_text("Aprobaciones y reaperturas").count() == 1
        assert not error_texts(director)
    states = Store(db).approval_events()
    assert states.loc[states["programa"] == "1", "estado"].tolist() == ["aprobada", "reabierta"]


@pytest.mark.parametrize("size", list(SIZES))
def test_stamp_and_page_at_three_sizes(tmp_path, monkeypatch, size):
    exe = chromium_path()
    db = tmp_path / "e2e.sqlite"
    monkeypatch.delenv("MPI_DASH_WORKBOOK", raising=False)
    store = Store(db)
    store.latest_revision()
    add_accounts(db)
    from mpi_dash.accounts import CliActor

    store.approve(2023, 4, ["1", "3", "5"], actor=CliActor("Ana López"))
    width, height = SIZES[size]
    env = {config.DB_ENV: str(db), "MPI_DASH_WORKBOOK": ""}
    with streamlit_server(env=env) as url, open_browser(exe, width=width, height=height) as page:
        goto_page(page, url, "", query="anio=2023&trimestre=Diciembre")
        sign_in(page, "ana", PASSWORD)
        # ui_common.md puts an invisible word joiner after «:» (plain text): match with or without it
        stamp = page.get_by_text(re.compile(f"Aprobadas:{WORD_JOINER}? programas 1, 3 y 5 · preliminares:{WORD_JOINER}? 2, 4 y 6"))
        stamp.first.wait_for()
        box = stamp.first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1  # never cut on the right
        screenshot(page, f"aprobacion_sello_{size}", full_page=False)
        goto_page(page, url, "aprobacion")
        assert not error_texts(page)
        table, cards = page.get_by_test_id("stTable").first, page.locator(".st-key-approval_cards")
        table.wait_for(state="attached")
        if width <= 640:  # five columns do not fit a phone: one card per program instead, nothing sideways
            cards.get_by_text("Diciembre:").first.wait_for()
            assert not table.is_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            box = cards.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
            # the program pills wrap onto more lines when they do not fit (never hidden sideways)
            assert page.evaluate("[...document.querySelectorAll('[data-testid=stButtonGroup] button')].map("
                                 "b => getComputedStyle(b.parentElement).flexWrap)") == ["wrap"] * 6
        else:
            assert table.is_visible() and not cards.is_visible()
        screenshot(page, f"aprobacion_pagina_{size}")


@pytest.mark.parametrize("size", ["telefono", "laptop"])
def test_six_programs_visible_confirmation_before_the_click_and_reset_after(tmp_path, monkeypatch, size):
    """Issue 21, item 8: the six program choices all visible (wrapping, no sideways strip); what the approval
    includes (here 2.2 and 3.4 without data) is said before the click; after approving, nothing stays
    chosen and the comment is empty."""
    exe = chromium_path()
    db = tmp_path / "e2e.sqlite"
    monkeypatch.delenv("MPI_DASH_WORKBOOK", raising=False)
    Store(db).latest_revision()
    add_accounts(db)
    width, height = SIZES[size]
    env = {config.DB_ENV: str(db), "MPI_DASH_WORKBOOK": ""}
    with streamlit_server(env=env) as url, open_browser(exe, width=width, height=height) as page:
        goto_page(page, url, "aprobacion", query="anio=2023&trimestre=Diciembre")
        sign_in(page, "ana", PASSWORD)
        page.get_by_role("heading", name="Diciembre 2023").wait_for()
        wait_idle(page)
        programs = page.locator(".st-key-approval_programs")
        pills = programs.get_by_role("button")
        assert pills.count() == 6
        programs.scroll_into_view_if_needed()
        strip = programs.locator("[data-testid=stButtonGroup] > div").first
        assert strip.evaluate("e => e.scrollWidth <= e.clientWidth + 1")   # nothing hidden sideways
        for i in range(6):
            box = pills.nth(i).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (i, box)
        tops = sorted({round(pills.nth(i).bounding_box()["y"]) for i in range(6)})
        assert tops[-1] - tops[0] < height / 3            # all six within a third of the screen's height
        assert not page.locator(".st-key-approval_contents").count()
        screenshot(page, f"aprobacion_programas_{size}", full_page=False)

        for name in ("Programa 2", "Programa 3"):
            programs.get_by_role("button", name=name, exact=True).click()
            wait_idle(page)
        contents = page.locator(".st-key-approval_contents")
        contents.get_by_text("Se aprobarán las cifras de Diciembre 2023 de los programas 2 y 3").wait_for()
        assert programs.locator("button[aria-pressed=true]").count() == 2
        text = contents.inner_text()
        assert "2 indicadores sin dato al corte" in text and "2.2 · " in text and "3.4 · " in text
        confirm = page.get_by_text("Confirmo aprobar aunque haya indicadores sin dato")
        confirm.scroll_into_view_if_needed()
        screenshot(page, f"aprobacion_confirmacion_{size}", full_page=False)
        page.get_by_label("Comentario (opcional)").fill("Sesión de diciembre")
        confirm.click()
        page.get_by_role("button", name="Aprobar Diciembre 2023").click()
        page.get_by_text("Se aprobaron las cifras de Diciembre 2023: programas 2 y 3").wait_for()
        wait_idle(page)
        assert not error_texts(page)
        programs = page.locator(".st-key-approval_programs")
        assert programs.get_by_role("button").count() == 4                          # 1, 4, 5 and 6 remain
        assert programs.locator("button[aria-pressed=true]").count() == 0   # none chosen
        assert page.get_by_label("Comentario (opcional)").input_value() == ""
        assert not page.locator(".st-key-approval_contents").count()
        screenshot(page, f"aprobacion_despues_{size}", full_page=False)
    events = Store(db).approval_events()
    assert events["programa"].tolist() == ["2", "3"] and set(events["motivo"]) == {"Sesión de diciembre"}
