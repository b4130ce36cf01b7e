"""Presentación: the slides of the chosen cut-off for the Junta de Gobierno (16:9, keyboard and buttons,
``?diapositiva=N``), and the deck (PPTX) and informe (PDF) downloads.

The presenter's controls — the quarter and both downloads — sit in one row over the slide (``presenter_bar``),
in the band at the top of the page that Streamlit keeps for the control that opens the sidebar: reachable
without opening the sidebar and visible at 1366×768 without scrolling, at no cost to the slide's size (its
text size on a 1920 projector is unchanged).  With ``?embed=true`` the row is not drawn (the cut-off comes from
the link, in the hidden sidebar) and in full screen the CSS hides it (``slides_html.CSS``); the keys and the
deep link work in both.

The slides of a cut-off are the same for every visitor who sees the same figures: built once per data
version, views and cut-off (``ui_presentacion.cut_slides``: the figures and stamp of the dashboard pages),
drawn once as HTML (``mpi_dash.slides_html``) and shared by every session; moving between slides happens in
the browser.  The files are built only when someone asks for them.
"""

import streamlit as st

from mpi_dash import slides, slides_html
from ui_common import banner, cut_views, cutoff_selector, ensure_app_shell, get_data, is_embedded
from ui_presentacion import cut_slides, junta_downloads

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py


@st.cache_resource(max_entries=128, show_spinner=False)
def _html(version: str, views: tuple[str, ...], anio: int, trimestre: int, start: int, embedded: bool,
          _deck: slides.Deck) -> str:
    return slides_html.render_deck(_deck, start, embedded=embedded)


def requested_slide() -> int:
    """``?diapositiva=N`` (1-based); anything else → 1 (the browser clamps it to the deck)."""
    raw = str(st.query_params.get("diapositiva", "1")).strip()
    return int(raw) if raw.isdigit() and int(raw) >= 1 else 1


KEYS_HELP = ("Teclas: ← → o RePág/AvPág para avanzar, Inicio/Fin para ir a la primera o la última. Para "
             "proyectar, use «Pantalla completa» (abajo a la derecha de la diapositiva) o agregue ?embed=true al "
             "enlace.")

loaded = get_data()
embedded = is_embedded()
if embedded:  # no controls over the slide: the cut-off comes from the link (?anio=…&trimestre=…)
    with st.sidebar:  # hidden with ?embed=true
        anio, trimestre = cutoff_selector(loaded)
else:
    with st.container(key="presenter_bar", horizontal=True, vertical_alignment="center", gap="small"):
        anio, trimestre = cutoff_selector(loaded)
        junta_downloads(loaded, anio, trimestre, inline=True)
    with st.sidebar:
        st.subheader("Presentación")
        st.caption(KEYS_HELP)
        banner(loaded.dataset)

deck = cut_slides(loaded, anio, trimestre)  # what Resumen shows this person, under the same stamp
st.html(_html(loaded.dataset.version, cut_views(loaded, anio, trimestre), anio, trimestre, requested_slide(),
              embedded, deck), unsafe_allow_javascript=True)
