"""The dashboard's shell, run by ``app.py`` on every script run: page config, the CSS of every page, the
navigation of the visitor's role, and the chosen page (any exception turned into a Spanish message).

It lives in a module, not in ``app.py`` itself: Streamlit clears its script cache whenever the last open
session closes (for a dashboard visited one person at a time: every visit) and compiles the entry script
again (~2 ms of CPU per visit for the old ~110-line ``app.py``); an imported module is compiled once per
process.  Junta scale: 30 officials opening the link at once (issue 12).  The CSS below goes out as an
element only without ``scripts/serve.py``, which links it as a stylesheet (``CSS_LINKED_BY_SERVER``).
"""

from __future__ import annotations

import logging

import streamlit as st

import ui_auth
from ui_auth import PageSpec
from mpi_dash.accounts import Permiso
from ui_common import is_embedded, md

# Favicon drawn here (institutional guinda square) as an inline SVG (a data: URL, nothing to fetch): a
# ":material/…:" or emoji icon makes the browser fetch an image from a Google/CDN host, and the app must work
# offline; a PIL image was encoded to PNG on every run (and its first encoding imports PIL's PNG plugin).
FAVICON = '<svg viewBox="0 0 32 32"><rect width="32" height="32" fill="#9F2241"/></svg>'


# Layout for a laptop (1366×768), a projector (1920×1080, also ?embed=true) and a phone (390 px): a compact
# header, larger metric values that wrap instead of overflowing, and the program results as bars on wide
# screens but as a one-column list on a phone (no external fonts or scripts).  Long names are never put in a
# selectbox (its input cuts them): programs are chosen by number and the full name is written out.
APP_CSS = """
[data-testid="stMainBlockContainer"] { padding: 2.8rem 1.5rem 2rem 1.5rem; max-width: none; }
[data-testid="stHeader"] { height: 2.6rem; min-height: 2.6rem; background: transparent; }
.st-key-page_header { gap: 0.35rem; }
/* the page header (ui_common.page_header): title on the left, the cut-off selector(s) on the right, banner and
   stamp below across the whole width — a grid on the one container instead of st.columns; stacked on a phone */
@media (min-width: 641px) {
  .st-key-page_header { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 6fr);
                        align-items: center; column-gap: 1.5rem; }
  .st-key-page_header > * { grid-column: 1 / -1; }
  .st-key-page_header > :has(h1) { grid-column: 1; grid-row: 1; }
  .st-key-page_header:has(.st-key-anio) > :has(h1) { grid-row: 1 / span 2; }
  .st-key-page_header > .st-key-anio, .st-key-page_header > .st-key-trimestre { grid-column: 2; }
}
.st-key-page_header h1 { font-size: 2rem; line-height: 1.15; padding: 0; }
.st-key-page_header [data-testid="stHeading"] [data-testid="stMarkdownContainer"] { margin-bottom: 0; }
.st-key-page_header [data-testid="stAlert"] > div { padding: 0.35rem 0.8rem; }
.st-key-page_header [data-testid="stCaptionContainer"] { font-size: 1rem; }
[data-testid="stMetricValue"] { font-size: 2.4rem; font-weight: 700; white-space: normal; }
[data-testid="stMetricValue"] * { white-space: normal !important; overflow: visible !important;
                                  text-overflow: clip !important; }
[data-testid="stMetricLabel"] p { font-size: 1.1rem; }
[data-testid="stCaptionContainer"] { font-size: 1rem; }
/* Resumen's lists, ONE Markdown element right after the bars chart (ui_resumen.lists_text; found as the element
   next to `.st-key-program_bars`, no container of its own): each paragraph a bordered box — the program cards
   (phone only), then under «¿Dónde están los problemas?» the counts line (a caption, no box) and the
   exceptions; the last heading introduces the trends (hidden with them on a phone). */
LISTS > p {
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: calc(1rem - 1px); margin: 0 0 1rem 0; }
LISTS > [data-testid="stHeadingWithActionElements"] + p {
  border: 0; padding: 0; font-size: 1rem; color: rgba(27, 27, 27, 0.6); }
@media (min-width: 641px) {
  LISTS > p:not([data-testid="stHeadingWithActionElements"] ~ p) { display: none; }
}
@media (max-width: 640px) {
  LISTS > [data-testid="stHeadingWithActionElements"] ~ [data-testid="stHeadingWithActionElements"] { display: none; }
}
/* Aprobación (ui_approval.show_grid): programs × quarters as a table; on a phone one card per program */
.st-key-approval_cards [data-testid="stMarkdownContainer"] > p {
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: calc(1rem - 1px); margin: 0 0 1rem 0; }
/* phone: the one-column list replaces the program bars and the trend small multiples */
.st-key-program_list, .st-key-approval_cards { display: none; }
/* Cargar avances (ui_carga.show_preview): on a phone each change is one line («3.1 · Septiembre: 1 → 6»)
   instead of a table whose «Antes / Después» columns would be off-screen */
.st-key-lista_cambiados, .st-key-lista_nuevos, .st-key-lista_semaforos, .st-key-lista_aprobadas { display: none; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: 3.4rem 0.75rem 2rem 0.75rem; }
  .st-key-program_list, .st-key-approval_cards { display: flex; }
  .st-key-program_bars, .st-key-program_trends, .st-key-approval_table { display: none; }
  .st-key-lista_cambiados, .st-key-lista_nuevos, .st-key-lista_semaforos, .st-key-lista_aprobadas { display: flex; }
  .st-key-tabla_cambiados, .st-key-tabla_nuevos, .st-key-tabla_semaforos, .st-key-tabla_aprobadas { display: none; }
  /* pills (e.g. «Programas por aprobar») wrap onto more lines instead of hiding the last ones sideways */
  [data-testid="stButtonGroup"] > div:has(> button) { flex-wrap: wrap; overflow-x: visible; row-gap: 0.5rem; }
  .st-key-page_header h1 { font-size: 1.6rem; }
  [data-testid="stMetricValue"] { font-size: 1.9rem; }
  [data-testid="stRadioGroup"][aria-orientation="horizontal"] { gap: 0.2rem 0.5rem; }
  [data-testid="stRadioGroup"][aria-orientation="horizontal"] > div { margin-right: 0; }
  [data-testid="stRadioOption"] { margin-right: 0.4rem; padding-right: 0; }
}
"""
APP_CSS = APP_CSS.replace("LISTS", '[data-testid="stElementContainer"].st-key-program_bars + '
                          '[data-testid="stElementContainer"] [data-testid="stMarkdownContainer"]')
#: True when the server links APP_CSS from every HTML page as a stylesheet (``scripts/serve.py``, see
#: ``ui_server.StylesheetLink``): then it is not sent again in every session.  ``streamlit run app.py`` and
#: AppTest leave it False and the shell writes the CSS into the page.
CSS_LINKED_BY_SERVER = False
#: The hidden alias of the home page (a deep link to /resumen lands on Resumen, served at "/").
RESUMEN_ALIAS = "resumen"
#: Query parameter with which ``scripts/serve.py`` sends a mistyped address to the home page (never Streamlit's
#: English «Page not found»): the shell says so in Spanish and drops it from the address.
NOT_FOUND_PARAM = "pagina_no_encontrada"
#: ?embed=true (screen sharing): less space above the page, and no sidebar nor the control that opens it.
EMBED_CSS = ('[data-testid="stMainBlockContainer"] { padding-top: 1rem; } '
             "[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], "
             "[data-testid='stExpandSidebarButton'] { display: none; }")


def pages() -> dict[str, list[tuple[PageSpec, Permiso]]]:
    """Every page with the permission it needs (mpi_dash.accounts.Permiso): ui_auth lists only what the
    signed-in role may use (made into ``st.Page`` objects per run: ``st.navigation`` marks the pages of its run);
    the others stay reachable by URL and say why."""
    return {
        "Tablero": [
            # The default page is served at "/" (its own url_path is reserved but never matched): «inicio» here, and
            # /resumen is the hidden alias below, so a deep link to /resumen never shows «Page not found».
            (PageSpec("pages/resumen.py", title="Resumen", icon=":material/speed:", url_path="inicio",
                      default=True), Permiso.VER_TABLERO),
            (PageSpec("pages/programa.py", title="Programa", icon=":material/folder_open:",
                      url_path="programa"), Permiso.VER_TABLERO),
            (PageSpec("pages/linea_base.py", title="Línea base", icon=":material/compare_arrows:",
                      url_path="linea_base"), Permiso.VER_TABLERO),
            (PageSpec("pages/tablas.py", title="Tablas y descargas", icon=":material/download:",
                      url_path="tablas"), Permiso.VER_TABLERO),
            (PageSpec("pages/presentacion.py", title="Presentación", icon=":material/co_present:",
                      url_path="presentacion"), Permiso.VER_TABLERO),
        ],
        "Carga de datos": [
            (PageSpec("pages/cargar_avances.py", title="Cargar avances", icon=":material/upload_file:",
                      url_path="cargar_avances"), Permiso.CARGAR_AVANCES),
            (PageSpec("pages/historial.py", title="Historial", icon=":material/history:", url_path="historial"),
             Permiso.VER_HISTORIAL),
            (PageSpec("pages/aprobacion.py", title="Aprobación", icon=":material/verified:", url_path="aprobacion"),
             Permiso.ENVIAR_A_REVISION),
        ],
        "Administración": [
            (PageSpec("pages/cuentas.py", title="Cuentas", icon=":material/group:", url_path="cuentas"),
             Permiso.ADMINISTRAR_CUENTAS),
        ],
    }


def url_paths() -> frozenset[str]:
    """The URL path of every page the dashboard has, for any visitor (``scripts/serve.py`` sends any other
    one-segment address to the home page)."""
    specs = {spec.url_path for section in pages().values() for spec, _ in section}
    return frozenset(specs | {RESUMEN_ALIAS, *ui_auth.ACCOUNT_URL_PATHS})


def not_found_notice() -> None:
    """When ``scripts/serve.py`` redirected a mistyped address here: say so in Spanish (plain text) and drop the
    parameter from the address."""
    missing = st.query_params.get(NOT_FOUND_PARAM)
    if missing is None:
        return
    del st.query_params[NOT_FOUND_PARAM]
    st.warning(f"No existe la página «/{md(str(missing)[:80])}» en el tablero: se abrió la página principal.",
               icon=":material/link_off:")


def main() -> None:
    embedded = is_embedded()  # ?embed=true: screen-share view without sidebar/navigation
    st.set_page_config(page_title="Tablero PAT 2023 · MPI CDMX", page_icon=FAVICON, layout="wide",
                       initial_sidebar_state="collapsed" if embedded else "auto")  # auto: collapsed on a phone
    css = ("" if CSS_LINKED_BY_SERVER else APP_CSS) + (EMBED_CSS if embedded else "")
    if css:
        st.html(f"<style>{css}</style>")

    person = ui_auth.visitor()
    navigation = ui_auth.allowed_pages(person, pages())
    home = navigation["Tablero"][0]  # Resumen (or what stands for it when the role may not see the dashboard)
    navigation["Tablero"].append(st.Page(lambda: st.switch_page(home), title="Resumen", url_path=RESUMEN_ALIAS,
                                         visibility="hidden"))
    page = st.navigation(navigation,
                         position="hidden" if embedded or not ui_auth.shows_navigation(person) else "sidebar")
    if page.url_path == "presentacion" and not embedded:
        # The slides take the whole width (text ≥ 24 px on a 1920-px projector; with the sidebar open it was
        # ~21 px): the sidebar, with the cut-off and the downloads, starts closed on this page (one click on «>»
        # opens it; once opened it stays open while the presenter works on the page).
        st.set_page_config(initial_sidebar_state="collapsed")
    not_found_notice()
    if ui_auth.at_the_door(person):  # sign-in form, first-login password change, or no access
        st.stop()
    if not embedded:
        ui_auth.sidebar(person, footer="Mecanismo de Protección Integral de Personas Defensoras de Derechos "
                        "Humanos y Periodistas de la Ciudad de México · Plan Anual de Trabajo")
    try:
        page.run()
    except Exception:  # noqa: BLE001 - st.stop()/st.rerun() are BaseException and pass through untouched
        # client.showErrorDetails = "none" hides tracebacks; users get a Spanish message, the log the details.
        logging.getLogger("mpi_dash.app").exception("Error inesperado en la página %s", page.title)
        st.error("**Ocurrió un error inesperado al mostrar esta página.** Intente de nuevo o elija otro corte; "
                 "si el problema continúa, avise al área de sistemas (el detalle quedó en el registro del "
                 "servidor).", icon=":material/block:")
