"""Presentación: the slides of the chosen cut-off for the Junta de Gobierno (16:9, keyboard and buttons,
``?diapositiva=N``), and the deck (PPTX) and informe (PDF) downloads.

The slides of a cut-off are the same for every visitor: built once per data version, cut-off and stamp
(``mpi_dash.slides``), drawn once as HTML (``mpi_dash.slides_html``) and shared by every session; moving
between slides happens in the browser.  The files are built only when someone asks for them.
"""

import streamlit as st

from mpi_dash import slides, slides_html
from ui_common import Loaded, banner, cutoff_selector, ensure_app_shell, get_data, is_embedded, latest_stamp
from ui_presentacion import junta_downloads

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py


@st.cache_resource(max_entries=16, show_spinner="Preparando las diapositivas…")
def _deck(version: str, anio: int, trimestre: int, stamp: str, _loaded: Loaded) -> slides.Deck:
    """The slides of one cut-off, once per data version (``_loaded`` is keyed by ``version``)."""
    return slides.build_slides(_loaded.dataset, anio, trimestre, stamp=stamp, results=_loaded.results)


@st.cache_resource(max_entries=128, show_spinner=False)
def _html(version: str, anio: int, trimestre: int, stamp: str, start: int, embedded: bool,
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

stamp = latest_stamp(loaded, anio, trimestre)  # the slides show the latest data: say which of it is approved
deck = _deck(loaded.dataset.version, anio, trimestre, stamp, loaded)
st.html(_html(loaded.dataset.version, anio, trimestre, stamp, requested_slide(), embedded, deck),
        unsafe_allow_javascript=True)
