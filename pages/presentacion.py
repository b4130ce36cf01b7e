"""Presentación: the slides of the chosen cut-off for the Junta de Gobierno (16:9, keyboard and buttons,
``?diapositiva=N``), and the deck (PPTX) and informe (PDF) downloads.

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


loaded = get_data()
embedded = is_embedded()
with st.sidebar:  # hidden with ?embed=true: the cut-off then comes from the link (?anio=…&trimestre=…)
    st.subheader("Presentación")
    anio, trimestre = cutoff_selector(loaded)
    st.caption("Teclas: ← → o RePág/AvPág para avanzar, Inicio/Fin para ir a la primera o la última. Para "
               "proyectar, use «Pantalla completa» o agregue ?embed=true al enlace.")
    junta_downloads(loaded, anio, trimestre)
    banner(loaded.dataset)

deck = cut_slides(loaded, anio, trimestre)  # what Resumen shows this person, under the same stamp
st.html(_html(loaded.dataset.version, cut_views(loaded, anio, trimestre), anio, trimestre, requested_slide(),
              embedded, deck), unsafe_allow_javascript=True)
