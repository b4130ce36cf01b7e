"""Streamlit pieces of quarter approval: the section of Historial that lists the transitions, and the
grid and forms of the page «Aprobación» (pages/aprobacion.py stays thin).  The rules live in
``mpi_dash.approvals`` and the store; kept outside ``pages/`` so it is never listed as a page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mpi_dash import approvals
from mpi_dash.errors import StoreError
from ui_common import md

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


def grid_cards(grid: pd.DataFrame) -> str:
    """:func:`mpi_dash.approvals.grid_table` as Markdown, one paragraph per program: its name in bold, then one
    line per quarter («Marzo: En captura»); every name and person as typed (plain text)."""
    quarters = [column for column in grid.columns if column != "Programa"]
    return "\n\n".join(f"**{md(row['Programa'])}**  \n" + "  \n".join(f"{q}: {md(row[q])}" for q in quarters)
                       for row in grid.to_dict("records"))


def show_grid(grid: pd.DataFrame) -> None:
    """Programs × quarters (:func:`mpi_dash.approvals.grid_table`): a table that wraps the full names on a
    laptop or projector; on a phone (≤ 640 px, the app's CSS) the same words as one card per program — five
    columns do not fit 390 px.  Every cell is plain text."""
    with st.container(key="approval_table"):
        st.table(grid.astype(object).map(md).set_index("Programa"))
    with st.container(key="approval_cards"):
        st.markdown(grid_cards(grid))
