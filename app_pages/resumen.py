"""Resumen: one gauge per program at the chosen cut-off, semáforo counts and the indicators in rojo."""

import streamlit as st

from mpi_dash import figures, summary
from mpi_dash.formatting import SEMAFORO_LABELS, format_indicator_value, format_percent, semaforo_label
from ui_common import get_data, md, page_header

AGGREGATION_HELP = (
    "Avance del programa = promedio del avance de sus indicadores de avance de meta (cada uno topado en "
    "100 %) y de sus hitos (100 % alcanzado, 0 % no alcanzado), solo de los que tienen dato al corte. "
    "Avance esperado = promedio de lo programado al corte para esos mismos indicadores. "
    "Los indicadores de conteo o de comparación con el periodo o año anterior no tienen meta y no entran al "
    "promedio (se ven en la página Programa)."
)

loaded = get_data()
anio, trimestre = page_header("Resumen del avance por programa", loaded)
plan, results, parametros = loaded.dataset.plan, loaded.results, loaded.dataset.parametros

programs = summary.program_summary(results, plan, anio, trimestre, parametros)
cut = summary.at_cutoff(results, plan, anio, trimestre)

st.subheader("Avance de cada programa frente a lo esperado al corte")
st.caption("Aguja oscura: avance del programa · línea negra: avance esperado al corte · bandas: "
           "🔴 rojo, 🟡 amarillo y 🟢 verde respecto de lo esperado.", help=AGGREGATION_HELP)

per_row = 3
for start in range(0, len(programs), per_row):
    cols = st.columns(per_row, gap="medium")
    for col, row in zip(cols, programs.iloc[start:start + per_row].itertuples(index=False), strict=False):
        with col, st.container(border=True):
            fig = figures.program_gauge(row.avance_pct, row.esperado_pct,
                                        f"{row.programa_num}. {row.programa_corto}", row.semaforo, parametros)
            st.plotly_chart(fig, theme=None, config={"displayModeBar": False, "responsive": True},
                            key=f"gauge_{row.programa_num}")
            st.markdown(f"### {semaforo_label(row.semaforo)}")
            st.caption(f"Avance {format_percent(row.avance_pct)} · "
                       f"esperado {format_percent(row.esperado_pct)} · "
                       f"{row.n_con_dato} de {row.n_medibles} indicadores con meta o hito tienen dato "
                       f"({row.n_indicadores} indicadores en total).",
                       help=f"{md(row.programa)}\n\n{AGGREGATION_HELP}")

st.subheader("Indicadores por semáforo")
counts = dict(zip(*summary.semaforo_counts(cut).to_dict("list").values(), strict=True))
metric_cols = st.columns(4)
for col, value in zip(metric_cols, ("verde", "amarillo", "rojo", "sin_dato"), strict=True):
    col.metric(SEMAFORO_LABELS[value], f"{counts[value]:,}", border=True)
st.caption(" · ".join(f"{SEMAFORO_LABELS[v]}: {counts[v]}" for v in ("pendiente", "informativo", "sin_meta"))
           + f" · Total de indicadores: {sum(counts.values())}")

st.subheader("Indicadores en 🔴 rojo y su justificación")
red = summary.red_indicators(cut)
if red.empty:
    st.success("Ningún indicador está en rojo en este corte.", icon="✅")
for row in red.itertuples(index=False):
    with st.container(border=True):
        st.markdown(f"**{md(row.clave)} · {md(row.indicador)}**  \n"
                    f"Programa {md(row.programa_num)}. {md(row.programa_corto)} · "
                    f"{format_indicator_value(row.valor_indicador, row.tipo_calculo)} · "
                    f"cumplimiento {format_percent(row.cumplimiento_pct)}")
        has_text = isinstance(row.justificacion, str) and row.justificacion.strip()
        justification = row.justificacion if has_text else "Sin justificación registrada."
        st.markdown(f"**Justificación:** {md(justification)}")

with st.expander("¿Cómo se calcula el avance de cada programa?"):
    st.markdown(AGGREGATION_HELP + "\n\nEl semáforo compara el avance con lo esperado: 🟢 verde de 90 % a "
                "110 % de lo esperado, 🟡 amarillo de 70 % a menos de 90 % (o de más de 110 % a 130 %), "
                "🔴 rojo fuera de esos rangos. Los umbrales vienen de la hoja *Parámetros*.")
