"""Streamlit pieces of the upload page (kept out of ``pages/`` so the page stays thin and is never listed
as a page): plain-text tables that wrap, and the per-cell decisions on conflicting cells.

The preview's changes are written twice: as tables (wide screens) and as one line per change («3.1 ·
Septiembre: 1 → 6», a phone: a table's «Antes / Después» columns would be off-screen there); the CSS of
``ui_shell.APP_CSS`` shows one or the other by the width (containers keyed ``tabla_*`` / ``lista_*``).

Every text a person typed or a workbook carried is shown as plain text: tables either go through
``st.table`` with each cell made inert (``ui_common.md``: no Markdown, links, images, HTML or icon
shortcodes) — long texts wrap, so the tables fit a 1366 px laptop — or, when long, through ``st.dataframe``
(a canvas grid: plain text by construction).
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from mpi_dash import approvals
from mpi_dash.accounts import Permiso, puede
from mpi_dash.diff import NUEVO, cell_label, changed_by_text, merge_cells_table
from mpi_dash.formatting import (cells_lines, cells_table, count_text, missing_justification_lines,
                                 missing_justification_text, problems_table, semaforo_lines, semaforo_table)
from mpi_dash.store import KEEP_SAVED, USE_FILE, Preview, Store, StoreError, UploadOutcome, conflict_keys
from mpi_dash.workbook import BLANK_REALIZADO, Problem, problem_groups_table
from ui_common import md

WRAP_MAX_ROWS = 60  # up to this many rows a table wraps its texts (st.table); longer ones scroll (st.dataframe)
DECISION_LABELS = {KEEP_SAVED: "Conservar lo guardado", USE_FILE: "Usar el de mi archivo"}


def plain_table(frame: pd.DataFrame, *, key: str | None = None) -> None:
    """A table of data texts shown as typed: wrapping (st.table) when short, scrolling when long."""
    if len(frame) <= WRAP_MAX_ROWS:
        shown = frame.astype(object).map(md)
        with st.container(key=key) if key else st.container():
            st.table(shown, hide_index=True)
    else:
        st.dataframe(frame, hide_index=True, width="stretch", height=420, key=key)


def phone_list(lines: list[str], key: str) -> None:
    """``lines`` (data texts: plain text) as a list, one change per line — the phone's view of a preview table
    (shown only below 641 px: ``ui_shell.APP_CSS``)."""
    with st.container(key=key):
        st.markdown("\n".join(f"- {md(line)}" for line in lines))


def history_hint(actor: object) -> str:
    """What the account can do with a saved revision in «Historial», as its role allows (nobody is pointed to
    an action their role cannot take)."""
    if puede(actor, Permiso.REVERTIR):  # type: ignore[arg-type]
        return "puede consultarla o revertirla en «Historial»"
    if puede(actor, Permiso.VER_HISTORIAL):  # type: ignore[arg-type]
        return "puede consultarla en «Historial» (revertirla corresponde a una cuenta de Dirección)"
    return "una cuenta de Dirección puede consultarla o revertirla en «Historial»"


def conflict_decisions(preview: Preview, state_key: str) -> dict[tuple, str]:
    """The conflicting cells, each with its saved value (who, when) and the file's value, and one choice
    per cell (keep the saved value / use mine) — nothing preselected; returns the decisions taken."""
    conflicts = preview.conflictos
    keys = conflict_keys(conflicts)
    widget_keys = [f"{state_key}_{i}" for i in range(len(keys))]
    one = len(keys) == 1
    st.error(f"**{count_text(len(keys), 'celda', 'celdas')} en conflicto: nada se guarda hasta que usted "
             f"{'la decida' if one else 'decida cada una'}.** {'Cambió' if one else 'Cambiaron'} en su archivo y "
             "también en lo guardado después de que descargó la plantilla "
             f"(revisión {preview.template_revision}), con valores distintos: {md(changed_by_text(conflicts))}. "
             f"Decida {'la celda' if one else 'en cada celda'}, o corrija el archivo y vuelva a subirlo.",
             icon=":material/call_split:")
    plain_table(merge_cells_table(conflicts).rename_axis(None), key="tabla_conflictos")

    def decide_all() -> None:  # callback: runs before the page, so the per-cell choices can be set
        chosen = st.session_state.get(f"{state_key}_todas")
        if chosen:
            for name in widget_keys:
                st.session_state[name] = chosen
        st.session_state[f"{state_key}_todas"] = None

    st.segmented_control("Decidir todas igual", list(DECISION_LABELS), format_func=DECISION_LABELS.get,
                         key=f"{state_key}_todas", on_change=decide_all)
    decisions: dict[tuple, str] = {}
    for k, name in zip(keys, widget_keys):
        choice = st.segmented_control(md(cell_label(*k)), list(DECISION_LABELS), format_func=DECISION_LABELS.get,
                                      key=name)
        if choice is not None:
            decisions[k] = choice
    return decisions


def uploader_messages(limit_mb: int) -> None:
    """A Spanish message ON the page when the browser refuses a file for its size (and the chosen file's
    name shown whole).

    The widget accepts every type (checked on the server: the same message as a renamed file), so the
    only file it refuses itself is one over the size limit — and it says so only in an English tooltip,
    never telling the server.  The refused file's chip is marked ``aria-invalid``: CSS writes the message
    under the widget, in the words the server uses for an oversized file.
    """
    limit_bytes = f"{limit_mb * 1024 * 1024:,}"
    message = (f"El archivo no se subió: pesa más de {limit_mb} MB; se esperaba un archivo de a lo más "
               f"{limit_bytes} bytes ({limit_mb} MB). No se guardó nada: quítelo con la ✕ y elija otro.")
    st.html(f"""<style>
[data-testid="stFileUploader"]:has([data-testid="stFileChip"][aria-invalid="true"])::after {{
  content: "{message}"; display: block; margin-top: 0.5rem; padding: 0.75rem 1rem; border-radius: 0.5rem;
  background: #FBE9E7; color: #8E1B1B; font-size: 1rem; line-height: 1.4; }}
/* the chip's name, written whole by spanish_uploader_texts' script, wraps */
[data-testid="stFileChipName"] {{ white-space: normal; overflow: visible; text-overflow: clip; max-width: none;
  overflow-wrap: anywhere; }}
</style>""")
    spanish_uploader_texts(limit_mb)


def spanish_uploader_texts(limit_mb: int) -> None:
    """The uploader's own texts in Spanish IN the page (real text, read by screen readers), not English
    hidden with CSS: st.file_uploader has no option for its button («Upload»), its instructions («200MB per
    file») or its input's label («file upload»); and the chosen file's name whole (the chip cuts a name
    longer than 20 characters with «...»).  A small script rewrites them whenever the widget is drawn again
    (a MutationObserver on the page; idempotent)."""
    texts = {"button": "Elegir archivo", "instructions": f"o arrástrelo aquí · archivo .xlsx de hasta {limit_mb} MB",
             "input": "Elegir el archivo de Excel con los avances"}
    st.html(f"""<script>
(() => {{
  const t = {json.dumps(texts)};
  const fix = () => {{
    for (const zone of document.querySelectorAll('[data-testid="stFileUploaderDropzone"]')) {{
      const p = zone.querySelector('button [data-testid="stMarkdownContainer"] p');
      if (p && p.textContent !== t.button) p.textContent = t.button;
      const span = zone.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
      if (span && span.textContent !== t.instructions) span.textContent = t.instructions;
      const input = zone.querySelector('input[type="file"]');
      if (input && input.getAttribute('aria-label') !== t.input) input.setAttribute('aria-label', t.input);
    }}
    // The chip writes a name longer than 20 characters cut in the middle («avance...iembre.xlsx»); its
    // title has the whole name: write that (the CSS above lets it wrap).
    for (const name of document.querySelectorAll('[data-testid="stFileChipName"][title]')) {{
      if (name.textContent !== name.title) name.textContent = name.title;
    }}
  }};
  fix();
  if (!window.__mpiUploaderObserver) {{
    window.__mpiUploaderObserver = new MutationObserver(fix);
    window.__mpiUploaderObserver.observe(document.body, {{childList: true, subtree: true}});
  }}
}})();
</script>""", unsafe_allow_javascript=True)


def show_problems(name: str, problems: list[Problem]) -> None:
    """A refused file: every error (grouped by kind and column when many rows share one, each row below),
    then its avisos; says nothing was saved."""
    errors = [p for p in problems if p.nivel == "error"]
    avisos = [p for p in problems if p.nivel != "error"]
    fix = "Corríjalo" if len(errors) == 1 else "Corríjalos"
    st.error(f"**El archivo «{md(name)}» tiene {count_text(len(errors), 'problema', 'problemas')}. No se guardó "
             f"nada.** {fix} en Excel y vuelva a subirlo.", icon=":material/block:")
    groups = problem_groups_table(errors)
    if len(groups) < len(errors):  # many rows with the same problem: one line per kind, each row below
        st.markdown(f"**{count_text(len(groups), 'tipo de problema', 'tipos de problema')}** (los del mismo tipo "
                    "y columna, juntos)")
        plain_table(groups)
        with st.expander(f"Ver los {len(errors):,} problemas, fila por fila"):
            plain_table(problems_table(errors))
    else:
        plain_table(problems_table(errors))
    if avisos:
        with st.expander(f"Además, {count_text(len(avisos), 'aviso', 'avisos')}"):
            plain_table(problems_table(avisos))


def show_avisos(preview: Preview, expanded: bool) -> None:
    """Avisos of a valid file: rows without «Realizado», formulas whose result was used, ignored sheets."""
    if preview.avisos:
        with st.expander(f"{count_text(len(preview.avisos), 'aviso', 'avisos')} del archivo (filas sin "
                         "«Realizado», que no se leen como 0; fórmulas; hojas que no se leen)", expanded=expanded):
            plain_table(problems_table(preview.avisos))


def show_preview(store: Store, preview: Preview, decisions_key: str,
                 actor: object = None) -> tuple[Preview, pd.DataFrame]:
    """Section 3 of «Cargar avances»: what the upload would change — the merge with other people's work (the
    per-cell decisions on conflicts, keyed ``decisions_key``), the counts and the new and changed values and
    semáforos (tables on a wide screen, one line per change on a phone), the rows of other programs ignored,
    the figures left amarillo/rojo without a justificación, the notices, and the cells an approval locks, said
    before anyone presses «Guardar».  ``actor``: the signed-in account (what it may do is what the texts
    offer).  Returns (the preview with the decisions taken, the locked cells); stops the page when there is
    nothing to save."""
    st.subheader("3. Vista previa: qué cambiaría")
    if preview.sin_base:
        st.info("Este archivo no trae la base de una plantilla (por ejemplo, un libro completo): **cada valor que "
                "difiera de lo guardado lo reemplazará**. Para combinar su trabajo con el de otras personas celda "
                "por celda, use la plantilla de esta página.", icon=":material/info:")
    if preview.conflictos is not None and len(preview.conflictos):
        preview = store.resolve(preview, conflict_decisions(preview, decisions_key))
    if preview.n_conservadas:
        st.warning(md(preview.kept_notice), icon=":material/call_merge:")
        with st.expander("Ver esas celdas" if preview.n_conservadas > 1 else "Ver esa celda"):
            plain_table(merge_cells_table(preview.conservadas))
    changes = preview.changes
    if preview.outcome is UploadOutcome.ONLY_OMITTED:  # never "identical" when rows of the file were left out
        may_revert = puede(actor, Permiso.REVERTIR)  # type: ignore[arg-type]
        remove = ("revierta a una revisión anterior en «Historial»" if may_revert
                  else "pida a una cuenta de Dirección que revierta a una revisión anterior")
        n_blank = sum(1 for p in preview.avisos if p.tipo == BLANK_REALIZADO)
        rows = "La fila sin «Realizado» se omitió" if n_blank == 1 else "Las filas sin «Realizado» se omitieron"
        blank = (f" {rows}: una celda vacía no borra un valor guardado ni se lee como 0 (para quitar un valor, "
                 f"{remove})." if n_blank else "")
        st.info(f"El archivo **no cambia ningún dato guardado**: no hay nada que guardar.{blank}",
                icon=":material/info:")
    elif preview.outcome is UploadOutcome.IDENTICAL:
        st.success("El archivo es **idéntico** a los datos guardados: no hay nada que guardar.",
                   icon=":material/check_circle:")
    if preview.outcome is not UploadOutcome.CHANGES:
        show_avisos(preview, expanded=True)
        st.stop()

    if preview.n_ignoradas:
        st.info(preview.ignored_notice, icon=":material/filter_alt:")
    cells = changes.cells
    table = cells_table(cells)
    is_new = (cells["tipo"] == NUEVO).to_numpy()
    nuevos, cambiados = table[is_new], table[~is_new]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Valores nuevos", f"{len(nuevos):,}")
    c2.metric("Valores cambiados", f"{len(cambiados):,}")
    ignored = " No cuenta las filas ignoradas de otros programas." if preview.n_ignoradas else ""
    c3.metric("Filas sin cambio", f"{preview.avances_sin_cambio + preview.plan_sin_cambio:,}",
              help=f"Filas del archivo (Avances y, si la trae, Plan) iguales a lo guardado.{ignored}")
    c4.metric("Cambios de semáforo", f"{len(changes.semaforo):,}")
    if len(cambiados):
        st.markdown("**Valores cambiados (antes → después)**")
        plain_table(cambiados.drop(columns="Cambio"), key="tabla_cambiados")
        phone_list(cells_lines(cells.loc[~is_new]), key="lista_cambiados")
    if len(nuevos):
        st.markdown("**Valores nuevos**")
        plain_table(nuevos.drop(columns=["Cambio", "Antes"]), key="tabla_nuevos")
        phone_list(cells_lines(cells.loc[is_new]), key="lista_nuevos")
    if len(changes.semaforo):
        st.markdown("**Semáforos que cambian**")
        plain_table(semaforo_table(changes.semaforo), key="tabla_semaforos")
        phone_list(semaforo_lines(changes.semaforo), key="lista_semaforos")
    missing = preview.sin_justificacion
    if len(missing):  # a warning, not a block: saving stays possible
        head, ask = missing_justification_text(len(missing))
        lines = "\n".join(f"- {md(line)}" for line in missing_justification_lines(missing))
        st.warning(f"**{head}.** {ask}\n\n{lines}", icon=":material/edit_note:")
    if preview.clears_illustrative_flag:
        st.info("Al guardar, el tablero dejará de mostrar el aviso de **datos ilustrativos**: los avances "
                "cargados se tratan como cifras oficiales. Los valores que este archivo no incluye se conservan.",
                icon=":material/info:")
    show_avisos(preview, expanded=False)
    # Figures an approval locks: said here, before anyone writes a comment and presses «Guardar» (the save checks
    # again inside its transaction).
    try:
        locked = store.locked_by_approval(preview)
    except StoreError as exc:
        st.error(md(str(exc)), icon=":material/block:")
        st.stop()
    if len(locked):
        st.error(md(approvals.locked_message(locked, preview=True)), icon=":material/lock:")
        plain_table(approvals.locked_cells_table(locked), key="tabla_aprobadas")
        phone_list(approvals.locked_cells_lines(locked), key="lista_aprobadas")
    return preview, locked
