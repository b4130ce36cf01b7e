"""Historial: every revision, its changes, the file exactly as uploaded, and revert (as a new revision)."""

import pandas as pd
import streamlit as st

from mpi_dash.accounts import Permiso, puede, revision_author
from mpi_dash.diff import Changes
from mpi_dash.formatting import cells_table, local_datetime, local_timezone, semaforo_table
from mpi_dash.data_access import illustrative_notice, programs_with_samples, sample_lines
from mpi_dash.store import (CLEAR_SAMPLES_COMMENT, KIND_CLEAR_SAMPLES, KIND_IMPORT, KIND_REVERT, KIND_SEED, Store,
                            StoreError)
from ui_approval import transitions_section
from ui_auth import require
from ui_carga import plain_table
from ui_common import ensure_app_shell, md, require_store, store_banner

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py
actor = require(Permiso.VER_HISTORIAL)  # the signed-in account (None only without accounts: read-only mode)
# Streamlit's form hints ("Press Ctrl+Enter to submit form") are English and cannot be translated: hide.
st.html("<style>[data-testid='InputInstructions'] { display: none; }</style>")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIPOS = {KIND_SEED: "Carga inicial", KIND_IMPORT: "Carga de archivo", KIND_REVERT: "Reversión",
         KIND_CLEAR_SAMPLES: "Datos ilustrativos quitados"}
# No internal codes in the list (the file's full sha256 is shown when a revision is opened).
HEADERS = {"numero": "Número", "fecha": "Fecha (CDMX)", "autor": "Autor", "archivo": "Archivo",
           "comentario": "Comentario", "celdas_cambiadas": "Celdas cambiadas", "tipo": "Tipo"}
FLASH = "historial_aviso"
OPEN_NEXT = "historial_abrir"
FLASH_SAMPLES = "historial_aviso_ilustrativos"


@st.cache_data(max_entries=32, show_spinner="Calculando los cambios de la revisión…")
def changes_of(_store: Store, version: str, revision: int) -> Changes:
    """What one revision changed (cached per data version, which names the database file: revisions never
    change once saved)."""
    return _store.revision_changes(revision)


st.title("Historial de revisiones")
store = require_store("no hay historial")
try:
    revisions = store.list_revisions()
    version = store.version_key()
except StoreError as exc:
    st.error(str(exc), icon=":material/block:")
    st.stop()
store_banner(store)
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH), icon=":material/check_circle:")

latest = int(revisions["numero"].max())
st.caption("Cada carga o reversión es una revisión numerada. Nada se borra: revertir crea una revisión nueva "
           "con los datos de la revisión elegida.")
shown = revisions.assign(
    autor=[revision_author(a, u, o) for a, u, o in zip(revisions["autor"], revisions["usuario"],
                                                         revisions["origen"])],
    tipo=revisions["tipo"].map(TIPOS),
    # real date-times in Mexico City time: shown dd/mm/aaaa HH:MM, sorted chronologically by the column
    fecha=pd.to_datetime(revisions["fecha"], utc=True, format="ISO8601").dt.tz_convert(local_timezone()),
    celdas_cambiadas=revisions["celdas_cambiadas"].map(lambda n: f"{int(n):,}"),
    archivo=[a if a else (f"(reversión a la {r})" if t == KIND_REVERT else "—")
             for a, r, t in zip(revisions["archivo"], revisions["revierte_a"], revisions["tipo"])],
)
st.dataframe(shown[list(HEADERS)].rename(columns=HEADERS), hide_index=True, width="stretch",
             column_config={"Fecha (CDMX)": st.column_config.DatetimeColumn(
                                "Fecha (CDMX)", format="DD/MM/YYYY HH:mm",
                                help="Hora de la Ciudad de México (se guarda en UTC)."),
                            "Celdas cambiadas": st.column_config.TextColumn("Celdas cambiadas",
                                                                            alignment="right"),
                            "Comentario": st.column_config.TextColumn("Comentario", width="medium")})

transitions_section(store)  # issue 10: approvals, sendings to review and reopenings, with the revisions

st.subheader("Abrir una revisión")
numbers = revisions["numero"].tolist()
if OPEN_NEXT in st.session_state:  # after a revert: open the new revision (set before the widget exists)
    st.session_state["revision_abierta"] = st.session_state.pop(OPEN_NEXT)
if st.session_state.get("revision_abierta") not in numbers:
    st.session_state["revision_abierta"] = numbers[0]
chosen = st.selectbox("Revisión", numbers, placeholder="Elija una opción", key="revision_abierta",
                      format_func=lambda n: f"{n} · {shown.loc[shown['numero'] == n, 'comentario'].iloc[0]}")
info = revisions.loc[revisions["numero"] == chosen].iloc[0]
fecha = local_datetime(info["fecha"])
tipo = TIPOS.get(info["tipo"], info["tipo"])
author = revision_author(info["autor"], info["usuario"], info["origen"])
st.markdown(f"**Revisión {chosen}** · {tipo} · {fecha} (hora de la Ciudad de México) · {md(author)}  \n"
            f"{md(info['comentario'])}")

try:
    changes = changes_of(store, version, int(chosen))
except StoreError as exc:
    st.error(str(exc), icon=":material/block:")
    st.stop()
table = cells_table(changes.cells)
a, b, c = st.columns(3)
a.metric("Celdas cambiadas", f"{changes.n_cells:,}")
b.metric("Valores nuevos", f"{int((table['Cambio'] == 'Nuevo').sum()):,}")
c.metric("Cambios de semáforo", f"{len(changes.semaforo):,}")
plain_table(table)  # wraps long texts (plain text) when short, scrolls when long
if len(changes.semaforo):
    with st.expander(f"Semáforos que cambiaron ({len(changes.semaforo):,})"):
        plain_table(semaforo_table(changes.semaforo))

if info["archivo"]:
    st.download_button(f"⬇️ Descargar «{md(info['archivo'])}» tal como se subió", key=f"archivo_{chosen}",
                       data=lambda n=int(chosen): (store.revision_file(n) or ("", b""))[1],
                       file_name=str(info["archivo"]), mime=XLSX, on_click="ignore",
                       help=f"Huella del archivo (sha256), para comprobar que es el mismo: {info['sha256']}")

st.subheader("Revertir")
if actor is not None and not puede(actor, Permiso.REVERTIR):
    st.caption(f"Revertir una revisión es tarea de una cuenta de dirección; la suya es de {actor.rol_label}.")
elif chosen == latest:
    st.caption("Esta es la revisión vigente. Para deshacerla, abra la revisión anterior y reviértala.")
else:
    st.caption(f"Crea la revisión {latest + 1} con los datos exactamente como estaban en la revisión "
               f"{chosen}. Las revisiones posteriores se conservan en el historial.")
    with st.form("revertir"):
        if actor is not None:
            st.markdown(f"Se guardará a nombre de **{md(actor.nombre)}** ({md(actor.usuario)}).")
        motivo = st.text_area("Motivo")
        confirmar = st.form_submit_button(f"↩️ Revertir a la revisión {chosen}", type="primary")
    if confirmar:
        try:
            nueva = store.revert(int(chosen), actor=actor, reason=motivo)
        except StoreError as exc:
            st.error(str(exc), icon=":material/block:")
            st.stop()
        st.session_state[FLASH] = (f"Se guardó la revisión {nueva}: los datos vuelven a ser los de la "
                                   f"revisión {chosen}.")
        st.session_state[OPEN_NEXT] = nueva
        st.rerun()


def _samples_section() -> None:
    """Administración: where bundled sample values remain, and removing them all (one revision, with a
    confirmation that says what goes; revertible like any revision)."""
    st.subheader("Datos ilustrativos")
    if FLASH_SAMPLES in st.session_state:  # said here, where the button was pressed
        st.success(st.session_state.pop(FLASH_SAMPLES), icon=":material/check_circle:")
    try:
        _, rows = store.sample_rows()
    except StoreError as exc:
        st.error(str(exc), icon=":material/block:")
        return
    if rows.empty:
        st.caption("No quedan datos ilustrativos: todos los avances guardados son cifras cargadas.")
        return
    programas = programs_with_samples(zip(rows["clave"], rows["anio"], rows["trimestre"]))
    n = len(rows)
    values = f"{n:,} {'valor de ejemplo' if n == 1 else 'valores de ejemplo'}"
    st.markdown(f"{illustrative_notice(programas)}: quedan {values} del libro incluido. Cada carga de avances "
                "reemplaza los valores que cambia.")
    st.markdown("\n".join(f"- {line}" for line in sample_lines(rows)))
    with st.form("quitar_ilustrativos"):
        st.markdown(f"Quitar todos los que quedan crea la revisión {latest + 1} a nombre de "
                    f"**{md(actor.nombre)}** ({md(actor.usuario)}): esos indicadores quedan **sin dato** hasta que "
                    "se carguen sus avances. Se puede revertir como cualquier revisión.")
        comentario = st.text_input("Comentario", value=CLEAR_SAMPLES_COMMENT)
        seguro = st.checkbox(f"Sí, quitar los {values}" if n != 1 else "Sí, quitar el valor de ejemplo")
        quitar = st.form_submit_button("Quitar los datos ilustrativos", type="primary",
                                       icon=":material/delete_sweep:")
    if quitar:
        if not seguro:
            st.error("No se quitó nada: marque la casilla de confirmación y vuelva a pulsar «Quitar los datos "
                     "ilustrativos».", icon=":material/block:")
            return
        try:
            nueva, removed = store.clear_samples(actor=actor, comment=comentario)
        except StoreError as exc:
            st.error(str(exc), icon=":material/block:")
            return
        st.session_state[FLASH_SAMPLES] = (
            f"Se guardó la revisión {nueva}: se quitaron {removed:,} "
            f"{'valor de ejemplo' if removed == 1 else 'valores de ejemplo'} y el tablero ya no muestra el aviso "
            f"de datos ilustrativos. Para deshacerlo, abra arriba la revisión {nueva - 1} y reviértala.")
        st.session_state[OPEN_NEXT] = nueva
        st.rerun()


if actor is not None and puede(actor, Permiso.QUITAR_ILUSTRATIVOS):
    _samples_section()
