"""Streamlit pieces of quarter approval: the section of Historial that lists the transitions, and the
grid and forms of the page «Aprobación» (pages/aprobacion.py stays thin).  The rules live in
``mpi_dash.approvals`` and the store; kept outside ``pages/`` so it is never listed as a page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mpi_dash import approvals
from mpi_dash.errors import StoreError

FLASH = "aprobacion_aviso"


def transitions_section(store) -> None:  # noqa: ANN001 - mpi_dash.store.Store
    """Historial: every approval, sending to review and reopening (who, when, motivo, revision)."""
    st.subheader("Aprobaciones y reaperturas")
    try:
        events = store.approval_events()
    except StoreError as exc:
        st.error(str(exc), icon=":material/block:")
        return
    if events.empty:
        st.caption("Todavía no se ha aprobado ni enviado a revisión ningún trimestre.")
        return
    st.caption("Cada cambio de estado de las cifras de un programa y trimestre, del más reciente al más antiguo. "
               "«Revisión» es la revisión de los datos a la que se refiere (la que quedó aprobada).")
    table = approvals.events_table(events)
    st.dataframe(table, hide_index=True, width="stretch", height="auto" if len(table) <= 12 else 460,
                 column_config={"Motivo": st.column_config.TextColumn("Motivo", width="medium")})


def act(label: str, action, success: str) -> None:  # noqa: ANN001 - a callable doing the store call
    """Run a store action; a refusal is a Spanish error box (nothing saved), success a message after rerun."""
    try:
        action()
    except StoreError as exc:
        st.error(str(exc), icon=":material/block:")
        return
    st.session_state[FLASH] = success
    st.rerun()


def flash() -> None:
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH), icon=":material/check_circle:")


def sin_dato_list(cut: pd.DataFrame, programas: list[str]) -> list[str]:
    """«1.2.1 Indicador …» lines: the indicators of ``programas`` without data at the cut-off."""
    part = approvals.without_data(cut, programas)
    return [f"{c} · {n}" for c, n in zip(part["clave"], part["nombre"], strict=True)]
