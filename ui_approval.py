"""Streamlit pieces of quarter approval: the section of Historial that lists the transitions, and the
grid and forms of the page «Aprobación» (pages/aprobacion.py stays thin).  The rules live in
``mpi_dash.approvals`` and the store; kept outside ``pages/`` so it is never listed as a page."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from mpi_dash import approvals
from mpi_dash.errors import StoreError
from mpi_dash.formatting import join_words, quarter_label
from mpi_dash.schema import Semaforo
from mpi_dash.summary import missing_justifications
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


ROUND = "aprobacion_ronda"


def round_key(name: str) -> str:
    """A widget key that changes after every successful action (:func:`act`): the chosen programs, the
    comment and the motivo start empty again instead of keeping what was just approved."""
    return f"{name}_{st.session_state.get(ROUND, 0)}"


def act(label: str, action, success: str) -> None:  # noqa: ANN001 - a callable doing the store call
    """Run a store action; a refusal is a Spanish error box (nothing saved, the choices stay to correct
    them), success a message after rerun with every choice and comment cleared (:func:`round_key`)."""
    try:
        action()
    except StoreError as exc:
        st.error(str(exc), icon=":material/block:")
        return
    st.session_state[FLASH] = success
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    st.rerun()


def flash() -> None:
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH), icon=":material/check_circle:")


def sin_dato_list(cut: pd.DataFrame, programas: list[str]) -> list[str]:
    """«1.2.1 · Indicador …» lines: the indicators of ``programas`` without data at the cut-off."""
    part = approvals.without_data(cut, programas)
    return [f"{c} · {n}" for c, n in zip(part["clave"], part["nombre"], strict=True)]


_OFF_BAND = {"sobre": "por encima de lo esperado", "bajo": "por debajo de lo esperado"}


def sin_justificacion_list(cut: pd.DataFrame, programas: list[str]) -> list[str]:
    """«3.2 · Nombre — amarillo, por debajo de lo esperado» lines: the indicators of ``programas`` in amarillo
    or rojo at the cut-off without a justificación (``summary.missing_justifications``)."""
    wanted = {str(p) for p in programas}
    part = missing_justifications(cut)
    part = part.loc[part["programa_num"].astype(str).isin(wanted)]
    lines = []
    for r in part.itertuples(index=False):
        colour = "rojo" if r.semaforo == Semaforo.ROJO else "amarillo"
        where = _OFF_BAND.get(str(r.direccion_desvio), "")
        lines.append(f"{r.clave} · {r.nombre} — {colour}{', ' + where if where else ''}")
    return lines


@dataclass(frozen=True)
class ApprovalContents:
    """What approving ``programas`` at the cut includes, said before the click (:func:`approval_contents`)."""

    text: str                 # Markdown (data texts made inert)
    sin_dato: list[str]
    sin_justificacion: list[str]
    con_muestras: list[str] = field(default_factory=list)   # chosen programs with sample values

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.sin_dato or self.sin_justificacion)   # sample values are said, not asked about

    @property
    def confirmation_label(self) -> str:
        what = []
        if self.sin_dato:
            what.append("indicadores sin dato")
        if self.sin_justificacion:
            what.append(("otros " if self.sin_dato else "indicadores ") + "en amarillo o rojo sin justificación")
        return f"Confirmo aprobar aunque haya {' y '.join(what)}"


def approval_contents(cut: pd.DataFrame, programas: list[str], anio: int, trimestre: int,
                      revision: int, muestras: tuple[str, ...] = ()) -> ApprovalContents:
    """The confirmation of an approval, before the click: which programs and data (revision), the indicators
    that will be approved without data, those in amarillo or rojo without a justificación (names in full,
    plain text), the chosen programs that still hold bundled sample values (``muestras``: programs, e.g.
    ``Dataset.programas_ilustrativos``), and what the approval locks."""
    quarter = f"{quarter_label(trimestre)} {anio}"
    which = (f"del programa {programas[0]}" if len(programas) == 1 else
             f"de los programas {join_words(programas)}")
    lines = [f"**Se aprobarán las cifras de {quarter} {which}** (datos de la revisión {revision})."]
    sin_dato = sin_dato_list(cut, programas)
    sin_justificacion = sin_justificacion_list(cut, programas)
    if sin_dato:
        lines.append(f"**{len(sin_dato):,} indicador{'es' if len(sin_dato) != 1 else ''} sin dato al corte** "
                     "(quedarán sin dato en las cifras aprobadas):\n\n" + "\n".join(f"- {md(m)}" for m in sin_dato))
    if sin_justificacion:
        n = len(sin_justificacion)
        lines.append(f"**{n:,} indicador{'es' if n != 1 else ''} en amarillo o rojo sin justificación** (la Junta "
                     "los leerá sin explicación; la coordinación puede cargarla antes de aprobar):\n\n"
                     + "\n".join(f"- {md(m)}" for m in sin_justificacion))
    con_muestras = [p for p in programas if p in set(muestras)]
    if con_muestras:
        whose = (f"El programa {con_muestras[0]} aún tiene" if len(con_muestras) == 1 else
                 f"Los programas {join_words(con_muestras)} aún tienen")
        lines.append(f"**{whose} datos ilustrativos** (valores de ejemplo del libro incluido, no cifras oficiales): "
                     "se aprobarían con ellos hasta que la coordinación cargue los reales.")
    if not sin_dato and not sin_justificacion:
        lines.append("Todos sus indicadores tienen dato al corte, y los que están en amarillo o rojo tienen "
                     "justificación.")
    lines.append(f"Al aprobar quedan bloqueados los datos con que se calculan: sus reportes de {anio} hasta "
                 f"{quarter_label(trimestre)}, los de {anio - 1} que usa la línea base, su plan de {anio} y los "
                 "umbrales del semáforo (hasta que se reabra).")
    return ApprovalContents("\n\n".join(lines), sin_dato, sin_justificacion, con_muestras)


def drift_notices(states: pd.DataFrame, anio: int, trimestre: int,
                  changes: dict[tuple[int, str], pd.DataFrame]) -> None:
    """For each program approved now at the cut whose data changed after its approval (``Store.
    changes_since_approval``: its inputs by the lock's rule): where they differ, and what to do."""
    for (t, p), cells in sorted(changes.items()):
        if t != trimestre or cells.empty or approvals.state_of(states, anio, t, p) is not approvals.Estado.APROBADA:
            continue
        st.warning(f"{md(approvals.drift_text(t, {p: cells}))} (programa {md(p)}): los datos cambiaron después de la "
                   "aprobación. Las páginas muestran las cifras aprobadas; para aprobar los datos actuales, reabra "
                   "el programa y apruébelo otra vez.", icon=":material/sync_problem:")


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
