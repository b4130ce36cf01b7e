"""Aprobación: the state of every program × quarter of a year, what changed since its last approval, and
the actions the role allows (dirección approves and reopens; coordinación sends its programs to review).
What an approval includes (the indicators without data, those in amarillo or rojo without a justificación)
is said before the click, in the confirmation; after an action the choices and the comment start empty."""

import streamlit as st

from mpi_dash import approvals
from mpi_dash.accounts import Permiso, puede
from mpi_dash.approvals import Estado
from mpi_dash.errors import StoreError
from mpi_dash.formatting import join_words, quarter_label
from ui_approval import act, approval_contents, drift_notices, flash, round_key, show_grid
from ui_auth import require
from ui_common import (banner, cutoff_selector, ensure_app_shell, get_data, latest_cutoff_frame, md,
                       program_options, require_store, stamp)

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py
actor = require(Permiso.ENVIAR_A_REVISION)  # coordinación and up (None only in read-only workbook mode)
# English form hints off; the program pills wrap onto more lines at every width (never a sideways strip
# hiding the fifth and sixth program).  Programs are chosen with pills (all visible, no dropdown:
# st.multiselect adds an English «Select all»).
st.html("<style>[data-testid='InputInstructions'] { display: none; }"
        "[class*='st-key-approval_programs'] [data-testid='stButtonGroup'] > div:has(> button) "
        "{ flex-wrap: wrap; overflow-x: visible; row-gap: 0.5rem; }</style>")

st.title("Aprobación de cifras")
store = require_store("no se pueden aprobar cifras")
loaded = get_data()
banner(loaded.dataset)
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
           "trimestre está aprobado, ninguna carga ni reversión puede cambiar sus cifras ni los datos con que se "
           "calculan (los trimestres anteriores del año, el año anterior de la línea base, el plan y los umbrales).")
show_grid(approvals.grid_table(loaded.states, anio, names, changes))  # a table; cards on a phone

st.subheader(f"{quarter_label(trimestre)} {anio}")
st.markdown(f"**{md(stamp(loaded, anio, trimestre))}**")
drift_notices(loaded.states, anio, trimestre, changes)
flash()  # what was just done, next to the forms it was done with (not above the grid, scrolled away)
for (t, p), cells in sorted(changes.items()):
    if t == trimestre and len(cells):
        n = len(approvals.locked_cells_table(cells))
        with st.expander(f"Programa {p}: {n:,} celda{'s' if n != 1 else ''} cambi{'aron' if n != 1 else 'ó'} "
                         "desde su última aprobación"):
            st.dataframe(approvals.locked_cells_table(cells), hide_index=True, width="stretch")


def _in_state(*wanted: Estado) -> list[str]:
    return [p for p in names if approvals.state_of(loaded.states, anio, trimestre, p) in wanted]


def _programs_words(programas: list[str]) -> str:
    return f"programa {programas[0]}" if len(programas) == 1 else f"programas {join_words(programas)}"


label = {p: f"Programa {p}" for p in names}
cut_name = f"{quarter_label(trimestre)} {anio}"
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
            with st.container(key="approval_programs"):
                chosen = st.pills("Programas por aprobar", pending, selection_mode="multi", format_func=label.get,
                                  key=round_key(f"aprobar_{anio}_{trimestre}")) or []
            contents = approval_contents(latest_cut, chosen, anio, trimestre, seen,
                                         loaded.dataset.programas_ilustrativos) if chosen else None
            if contents is None:
                st.caption("Elija los programas que aprueba: aquí se mostrará lo que incluye la aprobación "
                           "antes de confirmarla.")
            else:
                with st.container(border=True, key="approval_contents"):
                    st.markdown(contents.text)
            with st.form(round_key(f"form_aprobar_{anio}_{trimestre}"), border=False):
                needs = contents is not None and contents.needs_confirmation
                ok = st.checkbox(contents.confirmation_label) if needs else True
                comentario = st.text_input("Comentario (opcional)", key=round_key(f"comentario_{anio}_{trimestre}"))
                sent = st.form_submit_button(f"Aprobar {cut_name}", type="primary", icon=":material/verified:")
            if sent and not chosen:
                st.error("Elija al menos un programa.", icon=":material/block:")
            elif sent and not ok:
                st.error("Confirme que aprueba así: marque la casilla de arriba.", icon=":material/block:")
            elif sent:
                act("aprobar", lambda: store.approve(anio, trimestre, chosen, actor=actor, motivo=comentario,
                                                     revision=seen),
                    f"Se aprobaron las cifras de {cut_name}: {_programs_words(approvals.program_sort(chosen))} "
                    f"(datos de la revisión {seen}).")
    with right:
        st.markdown("**Reabrir**")
        if not done:
            st.caption("No hay programas aprobados en este trimestre.")
        else:
            with st.form(round_key(f"form_reabrir_{anio}_{trimestre}"), border=False):
                with st.container(key="approval_programs_reopen"):
                    chosen_r = st.pills("Programas por reabrir", done, selection_mode="multi", format_func=label.get,
                                        key=round_key(f"reabrir_{anio}_{trimestre}"))
                motivo = st.text_area("Motivo (obligatorio)", key=round_key(f"motivo_{anio}_{trimestre}"))
                sent_r = st.form_submit_button("Reabrir", icon=":material/lock_open:")
            if sent_r and not chosen_r:
                st.error("Elija al menos un programa.", icon=":material/block:")
            elif sent_r:
                act("reabrir", lambda: store.reopen(anio, trimestre, chosen_r, actor=actor, motivo=motivo),
                    f"Se reabrieron las cifras de {cut_name}: {_programs_words(approvals.program_sort(chosen_r))}. "
                    "Ya se pueden corregir.")
else:
    mine = [p for p in _in_state(Estado.EN_CAPTURA, Estado.REABIERTA) if puede(actor, Permiso.ENVIAR_A_REVISION, p)]
    st.markdown("**Enviar a revisión**")
    st.caption("Avise a la dirección que las cifras de sus programas están listas para aprobarse. La dirección "
               "aprueba o, si hace falta corregir, usted puede seguir cargando mientras no estén aprobadas.")
    if not mine:
        st.caption("No hay programas suyos por enviar en este trimestre.")
    else:
        with st.form(round_key(f"form_enviar_{anio}_{trimestre}"), border=False):
            with st.container(key="approval_programs"):
                chosen_e = st.pills("Sus programas", mine, selection_mode="multi", default=mine,
                                    format_func=label.get, key=round_key(f"enviar_{anio}_{trimestre}"))
            nota = st.text_input("Comentario (opcional)", key=round_key(f"nota_{anio}_{trimestre}"))
            sent_e = st.form_submit_button("Enviar a revisión", type="primary", icon=":material/send:")
        if sent_e and chosen_e:
            act("enviar", lambda: store.submit_for_review(anio, trimestre, chosen_e, actor=actor, motivo=nota,
                                                          revision=seen),
                f"Se enviaron a revisión: {_programs_words(approvals.program_sort(chosen_e))} de {cut_name}.")
