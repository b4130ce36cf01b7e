"""Downloads of the Junta de Gobierno files, shared by the pages «Presentación» and «Tablas y descargas»:
the deck (PPTX, ``mpi_dash.deck``) and the informe (PDF, ``mpi_dash.informe``) of a cut-off.

Both are built only when someone clicks (``st.download_button`` with a callable) and cached per data version,
cut-off and stamp.  The PDF button says so when ``mpi_dash.informe`` is not installed.  Kept outside
``pages/`` so it is never listed as a page.
"""

from __future__ import annotations

import importlib.util

import streamlit as st

from mpi_dash.formatting import quarter_label
from mpi_dash.slides import DEFAULT_STAMP
from ui_common import Loaded

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
STAMP = DEFAULT_STAMP  # «Cifras preliminares» until the approval stamp (issue 10) is wired here


@st.cache_data(max_entries=8, show_spinner=False)
def _pptx(version: str, anio: int, trimestre: int, stamp: str, _loaded: Loaded) -> bytes:
    from mpi_dash.deck import build_deck

    return build_deck(_loaded.dataset, anio, trimestre, stamp=stamp)


@st.cache_data(max_entries=8, show_spinner=False)
def _pdf(version: str, anio: int, trimestre: int, stamp: str, _loaded: Loaded) -> bytes:
    from mpi_dash.informe import build_informe

    return build_informe(_loaded.dataset, anio, trimestre, stamp=stamp)


def pdf_available() -> bool:
    return importlib.util.find_spec("mpi_dash.informe") is not None


def junta_downloads(loaded: Loaded, anio: int, trimestre: int, *, columns: bool = False) -> None:
    """«Presentación editable (PowerPoint)» and «Informe trimestral (PDF)» of the cut-off (side by side with
    ``columns``)."""
    version, stem = loaded.dataset.version, f"{anio}_{quarter_label(trimestre).lower()}"
    left, right = st.columns(2) if columns else (st.container(), st.container())
    left.download_button("Presentación editable (PowerPoint)",
                         lambda: _pptx(version, anio, trimestre, STAMP, loaded), f"presentacion_{stem}.pptx", PPTX,
                         icon=":material/slideshow:", on_click="ignore", width="stretch", key="dl_pptx",
                         help="Las diapositivas de la página Presentación en PowerPoint 16:9, con gráficas "
                              "editables y las justificaciones en las notas del orador.")
    if pdf_available():
        right.download_button("Informe trimestral (PDF)", lambda: _pdf(version, anio, trimestre, STAMP, loaded),
                              f"informe_{stem}.pdf", "application/pdf", icon=":material/picture_as_pdf:",
                              on_click="ignore", width="stretch", key="dl_pdf",
                              help="Informe de avance trimestral en tamaño carta, para circular antes de la "
                                   "sesión y anexar al acta.")
    else:
        right.button("Informe trimestral (PDF)", disabled=True, icon=":material/picture_as_pdf:", width="stretch",
                     key="dl_pdf_off", help="El informe en PDF todavía no está disponible en esta instalación.")
