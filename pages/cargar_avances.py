"""Cargar avances: template download, validated upload, preview (what changes) and confirmation."""

import streamlit as st

from mpi_dash import config
from mpi_dash.data_access import programs_with_samples
from mpi_dash.accounts import Permiso, PermissionDenied, Rol, puede
from mpi_dash.formatting import count_text, programs_text
from mpi_dash.store import ConflictError, ForeignRowsRefused, StoreError
from mpi_dash.template import build_template, template_file_name
from mpi_dash.workbook import WorkbookError
from ui_auth import require
from ui_carga import history_hint, show_preview, show_problems, uploader_messages
from ui_common import ensure_app_shell, md, require_store, sample_notice

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py
actor = require(Permiso.CARGAR_AVANCES)  # the signed-in account (None only without accounts: read-only mode)
# Streamlit's form hints ("Press Ctrl+Enter to submit form") are English and cannot be translated: hide.
st.html("<style>[data-testid='InputInstructions'] { display: none; }</style>")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATE = "carga"  # session_state: the processed upload {"file": id, "preview" | "problems" | "saved"}
FLASH = "carga_conflicto"  # message shown once after a refused (conflicting) confirmation
DECISIONS = "carga_decisiones"  # widget keys of the per-cell decisions on conflicting cells (+ file id)

st.title("Cargar avances")
store = require_store("la carga de avances está deshabilitada")
own = sorted(actor.programas) if actor is not None and actor.rol is Rol.COORDINACION else None

try:
    revision, snapshot = store.load_snapshot()
except StoreError as exc:
    st.error(str(exc), icon=":material/block:")
    st.stop()

sample_notice(programs_with_samples(snapshot.muestras))
where = ("consulte y revierta en «Historial»" if puede(actor, Permiso.REVERTIR)
         else "consúltela en «Historial»" if puede(actor, Permiso.VER_HISTORIAL) else "queda en «Historial»")
st.caption(f"Datos vigentes: revisión {revision}. Cada carga se valida, se revisa en una vista previa y, "
           f"al confirmar, se guarda como una nueva revisión ({where}).")

# 1. Template ------------------------------------------------------------------------------------------
st.subheader("1. Descargar la plantilla")
years = sorted({int(y) for y in snapshot.plan["anio"]}, reverse=True)
left, right = st.columns([1, 3], vertical_alignment="bottom")
year = left.selectbox("Año de la plantilla", years, placeholder="Elija una opción", key="anio_plantilla")
right.download_button(
    "⬇️ Descargar plantilla de avances (.xlsx)",
    data=lambda: build_template(snapshot, anio=year, revision=revision, programas=own),
    file_name=template_file_name(year, revision, own), mime=XLSX, on_click="ignore")
mine = "" if own is None else f" Solo trae {programs_text(own, article=True)}, que coordina su cuenta."
st.caption("Claves y nombres prellenados y bloqueados, una fila por indicador y trimestre, con los valores "
           f"ya guardados. Un «Realizado» vacío significa «sin reporte» (nunca se lee como 0).{mine}")

# 2. Upload --------------------------------------------------------------------------------------------
st.subheader("2. Subir el archivo")
try:
    limit_mb = config.max_upload_mb()
    config.upload_limits()  # also checks $MPI_DASH_MAX_UPLOAD_ROWS
except StoreError as exc:
    st.error(str(exc), icon=":material/block:")
    st.stop()
# Every type is accepted here and checked on the server (mpi_dash.container): a .xls, .csv or .ods gets the same
# Spanish message on the page as a renamed file, never the widget's English tooltip.
uploaded = st.file_uploader(f"Archivo de Excel (.xlsx, hasta {limit_mb} MB)", type=None,
                            max_upload_size=limit_mb, key="archivo_avances")
uploader_messages(limit_mb)


def process(content: bytes, name: str, file_key: str) -> None:
    """Validate + diff once per uploaded file (reruns reuse the result in session_state)."""
    with st.status(f"Validando «{md(name)}»…", expanded=True) as status:
        st.write("Revisando que sea un libro .xlsx válido, leyendo sus hojas y comparándolo con los datos "
                 "guardados (semáforos incluidos)…")
        try:
            preview = store.prepare_upload(content, name, actor=actor)
        except WorkbookError as exc:
            st.session_state[STATE] = {"file": file_key, "problems": exc.problems, "name": name}
            status.update(label=f"«{md(name)}» tiene problemas: no se guardó nada", state="error", expanded=False)
            return
        except ForeignRowsRefused as exc:  # rows that would change other programs: grouped per program
            st.session_state[STATE] = {"file": file_key, "error": exc.intro, "consejo": exc.consejo,
                                       "lineas": list(exc.programas.values()), "name": name}
            status.update(label="Su cuenta no puede cargar este archivo: no se guardó nada", state="error",
                          expanded=False)
            return
        except PermissionDenied as exc:
            st.session_state[STATE] = {"file": file_key, "error": str(exc), "name": name}
            status.update(label="Su cuenta no puede cargar este archivo: no se guardó nada", state="error",
                          expanded=False)
            return
        except StoreError as exc:
            st.session_state[STATE] = {"file": file_key, "error": str(exc), "name": name}
            status.update(label="No se pudo validar el archivo", state="error", expanded=False)
            return
        st.session_state[STATE] = {"file": file_key, "preview": preview, "name": name}
        status.update(label=f"«{md(name)}» es válido", state="complete", expanded=False)


if uploaded is None:
    st.session_state.pop(STATE, None)
    st.info("Suba el archivo llenado para ver qué cambiaría. Nada se guarda sin su confirmación.", icon=":material/description:")
    st.stop()

file_key = f"{uploaded.file_id}"
if st.session_state.get(STATE, {}).get("file") != file_key:
    process(uploaded.getvalue(), uploaded.name, file_key)
result = st.session_state[STATE]

if FLASH in st.session_state:
    st.error(st.session_state.pop(FLASH) + " La vista previa de abajo ya está actualizada.", icon=":material/warning:")
if "saved" in result:
    # the count Historial shows: the one stored with the revision (the preview's, decisions included)
    cells = count_text(result["celdas"], "celda cambiada", "celdas cambiadas")
    st.success(f"Se guardó la **revisión {result['saved']}** ({cells}). El tablero ya muestra los datos nuevos; "
               f"{history_hint(actor)}.", icon=":material/check_circle:")
    st.stop()
if "error" in result:
    lines = "".join(f"\n- {md(line)}" for line in result.get("lineas", ()))
    advice = f"\n\n{md(result['consejo'])}" if result.get("consejo") else ""
    st.error(f"{md(result['error'])}{lines}{advice}", icon=":material/block:")
    st.stop()
if "problems" in result:
    show_problems(result["name"], result["problems"])
    st.stop()

# 3. Preview -------------------------------------------------------------------------------------------
preview, locked = show_preview(store, result["preview"], f"{DECISIONS}_{result['file']}", actor)

# 4. Confirm -------------------------------------------------------------------------------------------
st.subheader("4. Confirmar y guardar")
with st.form("confirmar"):
    if actor is not None:
        st.markdown(f"Se guardará a nombre de **{md(actor.nombre)}** ({md(actor.usuario)}).")
    comentario = st.text_area("Comentario (qué se carga y por qué)", key="comentario")
    if preview.n_conflictos:
        st.warning(f"Falta decidir {count_text(preview.n_conflictos, 'celda', 'celdas')} en conflicto (arriba): "
                   "hasta entonces no se puede guardar.", icon=":material/call_split:")
    if len(locked):
        st.warning("Este archivo cambia cifras aprobadas (arriba): no se puede guardar mientras ese trimestre "
                   "esté aprobado.", icon=":material/lock:")
    guardar = st.form_submit_button("💾 Guardar como nueva revisión", type="primary",
                                    disabled=bool(preview.n_conflictos) or bool(len(locked)))
if guardar:
    try:
        saved = store.commit_preview(preview, actor=actor, comment=comentario)
    except ConflictError as exc:
        # Refuse, then re-preview the same file against the new latest revision (no lost update).
        st.session_state[FLASH] = str(exc)
        st.session_state.pop(STATE, None)
        st.rerun()
    except StoreError as exc:  # e.g. approved in the meantime: the message names the cells (data: plain text)
        st.error(md(str(exc)), icon=":material/block:")
        st.stop()
    if saved is None:  # nothing changed after all (e.g. every decision kept the saved value)
        st.session_state[STATE] = {**result, "preview": preview, "saved_nothing": True}
        st.rerun()
    celdas = int(store.revision_info(saved)["celdas_cambiadas"])
    st.session_state[STATE] = {**result, "preview": preview, "saved": saved, "celdas": celdas}
    st.rerun()
