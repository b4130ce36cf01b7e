"""Entry point of the dashboard: `streamlit run app.py` (pages listed explicitly with st.navigation)."""

import logging

import streamlit as st
from PIL import Image

import ui_auth
from mpi_dash.accounts import Permiso
from ui_common import is_embedded

# Favicon drawn here (institutional guinda square) and served by the local server: a ":material/…:" or
# emoji icon makes the browser fetch an image from a Google/CDN host, and the app must work offline.
FAVICON = Image.new("RGB", (32, 32), (159, 34, 65))

EMBEDDED = is_embedded()  # ?embed=true: screen-share view without sidebar/navigation
st.set_page_config(page_title="Tablero PAT 2023 · MPI CDMX", page_icon=FAVICON, layout="wide",
                   initial_sidebar_state="collapsed" if EMBEDDED else "auto")  # auto: closed on a phone

# Projector-friendly tweaks: larger metric values and table text (no external fonts or scripts).
st.html("""<style>
[data-testid="stMetricValue"] { font-size: 2.6rem; font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1.15rem; }
[data-testid="stCaptionContainer"] { font-size: 1rem; }
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
/* st.file_uploader has no label options for its button/instructions (English): replace them in Spanish. */
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "Elegir archivo"; font-size: 1rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "o arrástrelo aquí · solo archivos .xlsx"; font-size: 1rem; }
</style>""")

# Every page with the permission it needs (mpi_dash.accounts.Permiso): ui_auth lists only what the signed-in
# role may use; the others stay reachable by URL and say why.
PAGES = {
    "Tablero": [
        (st.Page("pages/resumen.py", title="Resumen", icon=":material/speed:", url_path="resumen",
                 default=True), Permiso.VER_TABLERO),
        (st.Page("pages/programa.py", title="Programa", icon=":material/folder_open:",
                 url_path="programa"), Permiso.VER_TABLERO),
        (st.Page("pages/linea_base.py", title="Línea base", icon=":material/compare_arrows:",
                 url_path="linea_base"), Permiso.VER_TABLERO),
        (st.Page("pages/tablas.py", title="Tablas y descargas", icon=":material/download:",
                 url_path="tablas"), Permiso.VER_TABLERO),
    ],
    "Carga de datos": [
        (st.Page("pages/cargar_avances.py", title="Cargar avances", icon=":material/upload_file:",
                 url_path="cargar_avances"), Permiso.CARGAR_AVANCES),
        (st.Page("pages/historial.py", title="Historial", icon=":material/history:", url_path="historial"),
         Permiso.VER_HISTORIAL),
    ],
    "Administración": [
        (st.Page("pages/cuentas.py", title="Cuentas", icon=":material/group:", url_path="cuentas"),
         Permiso.ADMINISTRAR_CUENTAS),
    ],
}

person = ui_auth.visitor()
page = st.navigation(ui_auth.allowed_pages(person, PAGES),
                     position="hidden" if EMBEDDED or not ui_auth.shows_navigation(person) else "sidebar")
if EMBEDDED:
    st.html("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] "
            "{ display: none; }</style>")
if ui_auth.at_the_door(person):  # sign-in form, first-login password change, or no access
    st.stop()
if not EMBEDDED:
    ui_auth.sidebar(person)
    st.sidebar.caption("Mecanismo de Protección Integral de Personas Defensoras de Derechos Humanos y "
                       "Periodistas de la Ciudad de México · Plan Anual de Trabajo")
try:
    page.run()
except Exception:  # noqa: BLE001 - st.stop()/st.rerun() are BaseException and pass through untouched
    # client.showErrorDetails = "none" hides tracebacks; users get a Spanish message, the log the details.
    logging.getLogger("mpi_dash.app").exception("Error inesperado en la página %s", page.title)
    st.error("**Ocurrió un error inesperado al mostrar esta página.** Intente de nuevo o elija otro corte; "
             "si el problema continúa, avise al área de sistemas (el detalle quedó en el registro del "
             "servidor).", icon=":material/block:")
