"""Resumen: one gauge per program at the chosen cut-off, semáforo counts and the indicators in rojo."""

import pandas as pd
import streamlit as st

from mpi_dash import figures, summary
from mpi_dash.formatting import SEMAFORO_LABELS, format_indicator_value, format_percent, semaforo_label
from mpi_dash.schema import Semaforo
from mpi_dash.semaforo import Thresholds
from ui_common import cutoff_frame, ensure_app_shell, get_data, md, page_header

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py

AGGREGATION_HELP = (
    "Avance del programa = promedio del avance de sus indicadores de avance de meta (cada uno topado en "
    "100 %) y de sus hitos (100 % alcanzado, 0 % no alcanzado), solo de los que tienen dato al corte. "
    "Avance esperado = promedio de lo programado al corte para esos mismos indicadores. "
    "Los indicadores de conteo o de comparación con el periodo o año anterior no tienen meta y no entran al "
    "promedio (se ven en la página Programa)."
)

loaded = get_data()
anio, trimestre = page_header("Resumen del avance por programa", loaded)
parametros = loaded.dataset.parametros
cut = cutoff_frame(loaded, anio, trimestre)
programs = summary.program_summary(cut, parametros)

st.subheader("Avance de cada programa frente a lo esperado al corte")
st.caption("Aguja oscura: avance del programa · línea negra: avance esperado al corte · bandas: "
           "🔴 rojo, 🟡 amarillo y 🟢 verde respecto de lo esperado.", help=AGGREGATION_HELP)

# One figure with every gauge (a single Plotly chart renders much faster than six).
st.plotly_chart(figures.program_gauges(programs, parametros), theme=None,
                config={"displayModeBar": False, "responsive": True}, key="gauges")
st.table(pd.DataFrame({
    "Programa": programs["programa_num"] + ". " + programs["programa_corto"],
    "Semáforo": programs["semaforo"].map(semaforo_label),
    "Avance": programs["avance_pct"].map(format_percent),
    "Esperado al corte": programs["esperado_pct"].map(format_percent),
    "Indicadores con dato": [f"{d} de {m} con meta o hito ({t} en total)" for d, m, t in
                             zip(programs["n_con_dato"], programs["n_medibles"], programs["n_indicadores"],
                                 strict=True)],
}).set_index("Programa"))

st.subheader("Indicadores por semáforo")
counts = dict(zip(*summary.semaforo_counts(cut).to_dict("list").values(), strict=True))
metric_cols = st.columns(4)
for col, value in zip(metric_cols, (Semaforo.VERDE, Semaforo.AMARILLO, Semaforo.ROJO, Semaforo.SIN_DATO),
                      strict=True):
    col.metric(SEMAFORO_LABELS[value], f"{counts[value]:,}", border=True)
st.caption(" · ".join(f"{SEMAFORO_LABELS[v]}: {counts[v]}"
                      for v in (Semaforo.PENDIENTE, Semaforo.INFORMATIVO, Semaforo.SIN_META))
           + f" · Total de indicadores: {sum(counts.values())}")

st.subheader("Indicadores en 🔴 rojo y su justificación")
red = summary.red_indicators(cut)
if red.empty:
    st.success("Ningún indicador está en rojo en este corte.", icon=":material/check_circle:")
for row in red.itertuples(index=False):
    with st.container(border=True):
        st.markdown(f"**{md(row.clave)} · {md(row.indicador)}**  \n"
                    f"Programa {md(row.programa_num)}. {md(row.programa_corto)} · "
                    f"{format_indicator_value(row.valor_indicador, row.tipo_calculo)} · "
                    f"cumplimiento {format_percent(row.cumplimiento_pct)}")
        has_text = isinstance(row.justificacion, str) and row.justificacion.strip()
        justification = row.justificacion if has_text else "Sin justificación registrada."
        st.markdown(f"**Justificación:** {md(justification)}")

st.caption("**¿Cómo se calcula el avance de cada programa?** " + AGGREGATION_HELP + " El semáforo compara el "
           f"avance con lo esperado: {Thresholds.from_parametros(parametros).text(icons=True)}. Los umbrales "
           "vienen de la hoja *Parámetros*.")
