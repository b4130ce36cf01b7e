"""Aprobación: the state of every program × quarter of a year, what changed since its last approval, and
the actions the role allows (dirección approves and reopens; coordinación sends its programs to review)."""

import streamlit as st

from mpi_dash import approvals
from mpi_dash.accounts import Permiso, puede
from mpi_dash.approvals import Estado
from mpi_dash.errors import StoreError
from mpi_dash.formatting import join_words, quarter_label
from ui_approval import act, flash, show_grid, sin_dato_list
from ui_auth import require
from ui_common import (cutoff_selector, ensure_app_shell, get_data, latest_cutoff_frame, md, program_options,
                       require_store, stamp)

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py
actor = require(Permiso.ENVIAR_A_REVISION)  # coordinación and up (None only in read-only workbook mode)
st.html("<style>[data-testid='InputInstructions'] { display: none; }</style>")  # English form hints
# Programs are chosen with pills (all visible, no dropdown: st.multiselect adds an English «Select all»).

st.title("Aprobación de cifras")
store = require_store("no se pueden aprobar cifras")
loaded = get_data()
flash()
anio, trimestre = cutoff_selector(loaded)
names = program_options(loaded.dataset.plan, anio)
try:
    changes = store.changes_since_approval(anio)
    seen = store.latest_revision()
except StoreError as exc:
    st.error(str(exc), icon=":material/block:")
    st.stop()
st.caption("Estado de las cifras de cada programa en cada trimestre: «En captura» → «Enviada a revisión» "
           "(coordinación, opcional) → «Aprobada» (dirección) → «Reabierta» (dirección, con motivo). Mientras un "
           "trimestre está aprobado, ninguna carga ni reversión puede cambiar sus cifras.")
show_grid(approvals.grid_table(loaded.states, anio, names, changes))  # a table; cards on a phone

st.subheader(f"{quarter_label(trimestre)} {anio}")
st.markdown(f"**{md(stamp(loaded, anio, trimestre))}**")
for (t, p), cells in sorted(changes.items()):
    if t == trimestre and len(cells):
        with st.expander(f"Programa {p}: {len(cells):,} celda(s) cambiaron desde su última aprobación"):
            st.dataframe(approvals.locked_cells_table(cells), hide_index=True, width="stretch")


def _in_state(*wanted: Estado) -> list[str]:
    return [p for p in names if approvals.state_of(loaded.states, anio, trimestre, p) in wanted]


label = {p: f"Programa {p}" for p in names}
if actor is None or puede(actor, Permiso.APROBAR_TRIMESTRE):
    latest_cut = latest_cutoff_frame(loaded, anio, trimestre)  # what is approved: the latest data
    pending = _in_state(Estado.EN_CAPTURA, Estado.ENVIADA, Estado.REABIERTA)
    done = _in_state(Estado.APROBADA)
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**Aprobar**")
        if not pending:
            st.caption("Todos los programas de este trimestre ya están aprobados.")
        else:
            chosen = st.pills("Programas por aprobar", pending, selection_mode="multi", default=pending,
                              format_func=label.get, key=f"aprobar_{anio}_{trimestre}")
            missing = sin_dato_list(latest_cut, chosen)
            if missing:
                st.warning(f"{len(missing):,} indicador(es) sin dato al corte. Se pueden aprobar así, pero "
                           "quedarán sin dato en las cifras aprobadas:\n\n" + "\n".join(f"- {md(m)}" for m in missing),
                           icon=":material/warning:")
            with st.form(f"form_aprobar_{anio}_{trimestre}", border=False):
                ok = st.checkbox("Confirmo aprobar aunque haya indicadores sin dato") if missing else True
                comentario = st.text_input("Comentario (opcional)")
                sent = st.form_submit_button(f"Aprobar {quarter_label(trimestre)} {anio}", type="primary",
                                             icon=":material/verified:")
            if sent and not chosen:
                st.error("Elija al menos un programa.", icon=":material/block:")
            elif sent and not ok:
                st.error("Confirme que aprueba aunque haya indicadores sin dato.", icon=":material/block:")
            elif sent:
                act("aprobar", lambda: store.approve(anio, trimestre, chosen, actor=actor, motivo=comentario,
                                                     revision=seen),
                    f"Se aprobaron las cifras de {quarter_label(trimestre)} {anio}: programas {join_words(chosen)} "
                    f"(datos de la revisión {seen}).")
    with right:
        st.markdown("**Reabrir**")
        if not done:
            st.caption("No hay programas aprobados en este trimestre.")
        else:
            with st.form(f"form_reabrir_{anio}_{trimestre}", border=False):
                chosen_r = st.pills("Programas por reabrir", done, selection_mode="multi", format_func=label.get)
                motivo = st.text_area("Motivo (obligatorio)")
                sent_r = st.form_submit_button("Reabrir", icon=":material/lock_open:")
            if sent_r and not chosen_r:
                st.error("Elija al menos un programa.", icon=":material/block:")
            elif sent_r:
                act("reabrir", lambda: store.reopen(anio, trimestre, chosen_r, actor=actor, motivo=motivo),
                    f"Se reabrieron las cifras de {quarter_label(trimestre)} {anio}: programas "
                    f"{join_words(chosen_r)}. Ya se pueden corregir.")
else:
    mine = [p for p in _in_state(Estado.EN_CAPTURA, Estado.REABIERTA) if puede(actor, Permiso.ENVIAR_A_REVISION, p)]
    st.markdown("**Enviar a revisión**")
    st.caption("Avise a la dirección que las cifras de sus programas están listas para aprobarse. La dirección "
               "aprueba o, si hace falta corregir, usted puede seguir cargando mientras no estén aprobadas.")
    if not mine:
        st.caption("No hay programas suyos por enviar en este trimestre.")
    else:
        with st.form(f"form_enviar_{anio}_{trimestre}", border=False):
            chosen_e = st.pills("Sus programas", mine, selection_mode="multi", default=mine, format_func=label.get)
            nota = st.text_input("Comentario (opcional)")
            sent_e = st.form_submit_button("Enviar a revisión", type="primary", icon=":material/send:")
        if sent_e and chosen_e:
            act("enviar", lambda: store.submit_for_review(anio, trimestre, chosen_e, actor=actor, motivo=nota,
                                                          revision=seen),
                f"Se enviaron a revisión: programas {join_words(chosen_e)} de {quarter_label(trimestre)} {anio}.")
