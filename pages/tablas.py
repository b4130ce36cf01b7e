"""Tablas y descargas: the IPTT table of the cut-off and its downloads (Excel, CSV, SIPOT)."""

import pandas as pd
import streamlit as st

from mpi_dash import exports, programs, summary
from mpi_dash.formatting import quarter_label, tipo_calculo_label
from mpi_dash.summary import IPTT_HEADERS
from ui_common import (ALL_PROGRAMS, Loaded, cutoff_frame, download_stamps, ensure_app_shell, figures_origin,
                       figures_view, get_data, md, number_column, page_header, program_choice, stamp,
                       table_height)
from ui_presentacion import junta_downloads

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = {"avance_pct", "esperado_pct", "cumplimiento_pct", "variacion_linea_base_pct"}
TEXT = {"programa_num", "clave", "indicador", "tipo_calculo", "unidad_medida", "semaforo", "justificacion",
        "evidencia"}


@st.cache_data(max_entries=16, show_spinner="Preparando archivos…")
def build_downloads(version: str, view: str, anio: int, trimestre: int, _loaded: Loaded,
                    _cut: pd.DataFrame) -> dict[str, bytes]:
    """All files of one cut-off, cached per data version and view (``_loaded`` and ``_cut``, the cut-off
    frame of ``anio``/``trimestre`` in that view, are not hashed: the version, view and cut-off key them).
    Every file carries the approval stamp; SIPOT dates come from the approval record."""
    cut, marks = _cut, download_stamps(_loaded, anio, trimestre)
    iptt = summary.iptt_table(cut)
    figures = programs.program_figures(cut, _loaded.dataset.parametros)
    sipot = exports.sipot_frame(cut, anio, trimestre, fecha_validacion=marks["validacion"],
                                fecha_actualizacion=marks["actualizacion"],
                                ilustrativos=_loaded.dataset.programas_ilustrativos)
    return {
        "xlsx": exports.to_excel_bytes(iptt, figures, anio=anio, trimestre=trimestre,
                                       origen=figures_origin(_loaded, anio, trimestre),
                                       ilustrativos=_loaded.dataset.programas_ilustrativos,
                                       parametros=_loaded.dataset.parametros, sello=marks["sello"],
                                       estados=marks["estados"]),
        "csv": exports.to_csv_bytes(iptt, ilustrativos=_loaded.dataset.programas_ilustrativos,
                                    estados=marks["estados"]),
        "sipot": exports.to_sipot_excel_bytes(sipot),
    }


loaded = get_data()
anio, trimestre = page_header("Tablas y descargas", loaded)
plan = loaded.dataset.plan
cut = cutoff_frame(loaded, anio, trimestre)

iptt = summary.iptt_table(cut)
chosen = program_choice(plan, anio, key="programa_tablas", include_all=True)
shown = iptt if chosen == ALL_PROGRAMS else iptt.loc[iptt["programa_num"] == chosen]
shown = shown.assign(semaforo=exports.iptt_status(shown),
                     tipo_calculo=shown["tipo_calculo"].map(tipo_calculo_label),
                     unidad_medida=shown["unidad_medida"].fillna("—"),
                     justificacion=shown["justificacion"].fillna(""), evidencia=shown["evidencia"].fillna(""))

st.caption("Programado por trimestre según el plan; realizado hasta el corte. % avance: solo indicadores con "
           "meta anual. «—»: sin dato. Haga clic en un encabezado para ordenar; deslice la tabla hacia la "
           "derecha para ver todas las columnas (la Clave queda fija).")

FIRST = ["clave", "semaforo", "indicador", "avance_pct", "cumplimiento_pct", "realizado_acumulado",
         "programado_acumulado", "meta", "valor_indicador", "esperado_pct", "linea_base_acumulada",
         "variacion_linea_base_pct"]
# Clave stays pinned while the table scrolls sideways (inside itself: the page never scrolls sideways).  The
# semáforo column is as wide as its longest status («⚪ Sin dato: falta el reporte de Septiembre» was cut at
# 260 px): ~7 px per character at the app's 18-px font, plus the cell's padding.
longest_status = max((len(s) for s in shown["semaforo"].astype(str)), default=0)
WIDTHS = {"clave": "small", "semaforo": min(max(7 * longest_status + 40, 200), 480), "indicador": "large",
          "justificacion": "large"}
config = {col: (st.column_config.TextColumn(header, pinned=col == "clave", width=WIDTHS.get(col))
               if col in TEXT else number_column(header, shown[col], percent=col in PERCENT))
          for col, header in IPTT_HEADERS.items()}
st.dataframe(shown, hide_index=True, width="stretch", column_config=config, placeholder="—",
             height=table_height(len(shown)),  # every row of a program (or the 27 of «Todos»): no scroll inside
             column_order=[*FIRST, *[c for c in IPTT_HEADERS if c not in FIRST]])

st.subheader("Descargas")
st.caption(f"Todas las descargas llevan el estado de las cifras: {md(stamp(loaded, anio, trimestre))}. En el "
           "formato SIPOT, la «Fecha de validación» es la de la aprobación de cada programa (vacía, con una nota, "
           "si aún no se aprueba) y la «Fecha de actualización», la de la revisión de los datos que se muestran.")
files = build_downloads(loaded.dataset.version, figures_view(loaded, anio, trimestre), anio, trimestre, loaded, cut)
stem = f"indicadores_{anio}_{quarter_label(trimestre).lower()}"
c1, c2, c3 = st.columns(3)
c1.download_button("Excel con formato", files["xlsx"], f"{stem}.xlsx", XLSX, icon=":material/table_view:",
                   help="Hoja Resumen, una hoja por programa y Notas; encabezado fijo y semáforo con color y "
                        "palabra.", width="stretch", on_click="ignore", key="dl_xlsx")
c2.download_button("CSV (UTF-8)", files["csv"], f"{stem}.csv", "text/csv", icon=":material/description:",
                   help="Separado por comas, UTF-8 con BOM (Excel muestra acentos).", width="stretch",
                   on_click="ignore", key="dl_csv")
c3.download_button("SIPOT · Indicadores de resultados", files["sipot"], f"sipot_{stem}.xlsx", XLSX,
                   icon=":material/account_balance:", width="stretch", on_click="ignore", key="dl_sipot",
                   help="Formato de la obligación de transparencia «Indicadores de resultados».")
st.markdown("**Para la Junta de Gobierno**")
junta_downloads(loaded, anio, trimestre, columns=True)
st.caption("Ninguna descarga ejecuta fórmulas: en Excel todo texto se guarda como texto (una celda que "
           "empiece con =, +, - o @ se muestra tal cual) y en el CSV esas celdas llevan un apóstrofo al "
           "inicio (protección contra fórmulas maliciosas).")
