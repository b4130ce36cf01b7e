"""Downloads of the Junta de Gobierno files, shared by the pages «Presentación» and «Tablas y descargas»:
the deck (PPTX, ``mpi_dash.deck``) and the informe (PDF, ``mpi_dash.informe``) of a cut-off.

Both are built only when someone clicks (``st.download_button`` with a callable) and cached per data version,
cut-off and stamp (``ui_common.latest_stamp``: both files are built from the latest data).  Kept outside
``pages/`` so it is never listed as a page.
"""

from __future__ import annotations

import streamlit as st

from mpi_dash.formatting import quarter_label
from ui_common import Loaded, cut_firmas, latest_stamp

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@st.cache_data(max_entries=8, show_spinner=False)
def _pptx(version: str, anio: int, trimestre: int, stamp: str, _loaded: Loaded) -> bytes:
    from mpi_dash.deck import build_deck

    return build_deck(_loaded.dataset, anio, trimestre, stamp=stamp)


@st.cache_data(max_entries=8, show_spinner=False)
def _pdf(version: str, anio: int, trimestre: int, stamp: str, firmas: tuple[tuple[str, str], ...],
         _loaded: Loaded) -> bytes:
    from mpi_dash.informe import build_informe

    return build_informe(_loaded.dataset, anio, trimestre, stamp=stamp, firmas=dict(firmas))


def junta_downloads(loaded: Loaded, anio: int, trimestre: int, *, columns: bool = False) -> None:
    """«Presentación editable (PowerPoint)» and «Informe trimestral (PDF)» of the cut-off (side by side with
    ``columns``)."""
    version, stem = loaded.dataset.version, f"{anio}_{quarter_label(trimestre).lower()}"
    stamp, firmas = latest_stamp(loaded, anio, trimestre), tuple(cut_firmas(loaded, anio, trimestre).items())
    left, right = st.columns(2) if columns else (st.container(), st.container())
    left.download_button("Presentación editable (PowerPoint)",
                         lambda: _pptx(version, anio, trimestre, stamp, loaded), f"presentacion_{stem}.pptx", PPTX,
                         icon=":material/slideshow:", on_click="ignore", width="stretch", key="dl_pptx",
                         help="Las diapositivas de la página Presentación en PowerPoint 16:9, con gráficas "
                              "editables y las justificaciones en las notas del orador.")
    right.download_button("Informe trimestral (PDF)", lambda: _pdf(version, anio, trimestre, stamp, firmas, loaded),
                          f"informe_{stem}.pdf", "application/pdf", icon=":material/picture_as_pdf:",
                          on_click="ignore", width="stretch", key="dl_pdf",
                          help="Informe de avance trimestral en tamaño carta, para circular antes de la "
                               "sesión y anexar al acta.")
