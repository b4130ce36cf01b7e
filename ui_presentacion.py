"""The Junta de Gobierno's material of a cut-off, shared by the pages «Presentación» and «Tablas y descargas»:
the slides (``mpi_dash.slides``), the deck (PPTX, ``mpi_dash.deck``) and the informe (PDF,
``mpi_dash.informe``).

All three present the figures the dashboard pages show this person (``ui_common.cutoff_frame`` of each
quarter: approved programs from the revision their approval pinned, the latest data for the others — or the
latest for all when dirección chose «Últimas cifras») under the same stamp (``ui_common.stamp``), so the Junta
reads on the slides, in the PDF and on Resumen the same numbers.  The slides are built once per data version,
views and cut-off and shared by every session; the files are built only when someone clicks.  Kept outside
``pages/`` so it is never listed as a page.
"""

from __future__ import annotations

import streamlit as st

from mpi_dash import slides
from mpi_dash.formatting import quarter_label
from ui_common import Loaded, cut_firmas, cut_views, cutoff_frame, stamp

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _cuts(loaded: Loaded, anio: int, trimestre: int) -> list:
    return [cutoff_frame(loaded, anio, k) for k in range(1, trimestre + 1)]


@st.cache_resource(max_entries=16, show_spinner="Preparando las diapositivas…")
def _slides(version: str, views: tuple[str, ...], anio: int, trimestre: int, stamp_text: str,
            _loaded: Loaded, _cuts: list) -> slides.Deck:
    """The slides of one cut-off, once per data version and views (``_loaded``/``_cuts`` are keyed by them)."""
    return slides.build_slides(_loaded.dataset, anio, trimestre, stamp=stamp_text, cuts=_cuts)


def cut_slides(loaded: Loaded, anio: int, trimestre: int) -> slides.Deck:
    """The slides of the cut-off as this person sees the dashboard (see the module docstring)."""
    return _slides(loaded.dataset.version, cut_views(loaded, anio, trimestre), anio, trimestre,
                   stamp(loaded, anio, trimestre), loaded, _cuts(loaded, anio, trimestre))


@st.cache_data(max_entries=8, show_spinner=False)
def _pptx(version: str, views: tuple[str, ...], anio: int, trimestre: int, stamp_text: str,
          _deck: slides.Deck) -> bytes:
    from mpi_dash.deck import render_deck

    return render_deck(_deck)


@st.cache_data(max_entries=8, show_spinner=False)
def _pdf(version: str, views: tuple[str, ...], anio: int, trimestre: int, stamp_text: str,
         firmas: tuple[tuple[str, str], ...], _loaded: Loaded, _cuts: list) -> bytes:
    from mpi_dash.informe import build_informe

    return build_informe(_loaded.dataset, anio, trimestre, stamp=stamp_text, firmas=dict(firmas), cuts=_cuts)


def junta_downloads(loaded: Loaded, anio: int, trimestre: int, *, columns: bool = False,
                    inline: bool = False) -> None:
    """«Presentación editable (PowerPoint)» and «Informe trimestral (PDF)» of the cut-off: side by side with
    ``columns`` (each half the width), or ``inline``: as wide as their words, in the caller's horizontal
    container (Presentación's row over the slide)."""
    version, stem = loaded.dataset.version, f"{anio}_{quarter_label(trimestre).lower()}"
    views, sello = cut_views(loaded, anio, trimestre), stamp(loaded, anio, trimestre)
    firmas = tuple(cut_firmas(loaded, anio, trimestre).items())
    width = "content" if inline else "stretch"
    left, right = st.columns(2) if columns else (st, st) if inline else (st.container(), st.container())
    left.download_button("Presentación editable (PowerPoint)",
                         lambda: _pptx(version, views, anio, trimestre, sello, cut_slides(loaded, anio, trimestre)),
                         f"presentacion_{stem}.pptx", PPTX, icon=":material/slideshow:", on_click="ignore",
                         width=width, key="dl_pptx",
                         help="Las diapositivas de la página Presentación en PowerPoint 16:9, con gráficas "
                              "editables y las justificaciones en las notas del orador.")
    right.download_button("Informe trimestral (PDF)",
                          lambda: _pdf(version, views, anio, trimestre, sello, firmas, loaded,
                                       _cuts(loaded, anio, trimestre)),
                          f"informe_{stem}.pdf", "application/pdf", icon=":material/picture_as_pdf:",
                          on_click="ignore", width=width, key="dl_pdf",
                          help="Informe de avance trimestral en tamaño carta, para circular antes de la "
                               "sesión y anexar al acta.")
