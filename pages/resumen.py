"""Resumen: every program's result at the chosen cut-off, where the problems are, and each program's trend."""

import streamlit as st

from mpi_dash import figures
from mpi_dash.formatting import SEMAFORO_LABELS
from mpi_dash.semaforo import Thresholds
from ui_common import (cached_figure, cut_overview, ensure_app_shell, get_data, md, page_header, program_card,
                       program_frames)

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py

PLOT_CONFIG = {"displayModeBar": False, "responsive": True}
AGGREGATION_HELP = (
    "Avance del programa = promedio del avance de sus indicadores con meta anual (cada uno topado en 100 %) "
    "y de sus hitos (100 % alcanzado, 0 % no alcanzado), solo de los que tienen dato al corte; los que no "
    "tienen dato se nombran y el programa queda «incompleto». Avance esperado = promedio de lo programado al "
    "corte para esos mismos indicadores. Si al corte no se esperaba nada todavía, el programa queda "
    "«Pendiente» (sin cifra). Los indicadores de conteo, de comparación con el periodo o año anterior y los "
    "que no tienen meta anual no entran al promedio (se ven en la página Programa)."
)

loaded = get_data()
anio, trimestre = page_header("Resumen por programa", loaded)
parametros = loaded.dataset.parametros
programs, trend = program_frames(loaded, anio, trimestre)

# Laptop, projector: one row per program (bullet bars). Phone: a one-column list (app.py's CSS picks one).
with st.container(key="program_bars"):
    st.caption("Barra: avance del programa · marca negra: avance esperado al corte · franja verde: dentro de "
               "lo esperado (amarilla a los lados).", help=AGGREGATION_HELP)
    bars = cached_figure("bars", loaded, anio, trimestre, lambda: figures.program_bars(programs, parametros))
    st.plotly_chart(bars, theme=None, config=PLOT_CONFIG, key="bars")
with st.container(key="program_list"):
    for row in programs.itertuples(index=False):
        program_card(row)

st.subheader("¿Dónde están los problemas?")
overview = cut_overview(loaded, anio, trimestre)  # counts and exceptions: built once per cut, for every visitor
counts = overview.counts
st.caption("Indicadores al corte: " + " · ".join(f"{SEMAFORO_LABELS[v]} {counts[v]}" for v in counts)
           + f" · Total {sum(counts.values())}")
if not overview.exceptions:
    st.success("Ningún indicador está en rojo, en amarillo ni sin dato en este corte.",
               icon=":material/check_circle:")
for head, where, versus, why in overview.exceptions:
    with st.container(border=True):
        st.markdown(f"**{md(head)}**  \n{md(where)}  \n{md(versus)}  \n{md(why)}")

with st.container(key="program_trends"):
    st.subheader("Tendencia de cada programa")
    trends = cached_figure("trends", loaded, anio, trimestre, lambda: figures.program_trends(trend))
    st.plotly_chart(trends, theme=None, config=PLOT_CONFIG, key="trends")

st.caption("**¿Cómo se calcula el avance de cada programa?** " + md(AGGREGATION_HELP) + " El semáforo compara "
           f"el avance con lo esperado: {Thresholds.from_parametros(parametros).text(icons=True)}. Los umbrales "
           "vienen de la hoja Parámetros.")
