"""Programa: every indicator of one program with its value, then the detail of one indicator."""

import pandas as pd
import streamlit as st

from mpi_dash import figures, summary
from mpi_dash.formatting import (
    format_indicator_value,
    format_number,
    format_percent,
    is_empty,
    quarter_label,
    semaforo_label,
    short_program_name,
    tipo_calculo_label,
)
from mpi_dash.schema import TipoCalculo
from ui_common import (cutoff_frame, ensure_app_shell, get_data, md, page_header, program_options,
                       remembered_selectbox)

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py

PLOT_CONFIG = {"displayModeBar": False, "responsive": True}

loaded = get_data()
anio, trimestre = page_header("Programa", loaded)
plan, results, parametros = loaded.dataset.plan, loaded.results, loaded.dataset.parametros

options = program_options(plan, anio)
programa = remembered_selectbox("Programa", list(options), key="programa", format_func=options.get)
cut = cutoff_frame(loaded, anio, trimestre)
rows = cut.loc[cut["programa_num"] == programa].reset_index(drop=True)
programs = summary.program_summary(cut, parametros)
prog = programs.set_index("programa_num").loc[programa]

left, right = st.columns([2, 3], gap="large")
with left:
    st.plotly_chart(figures.program_gauge(prog["avance_pct"], prog["esperado_pct"], "Avance del programa",
                                          prog["semaforo"], parametros), theme=None, config=PLOT_CONFIG)
with right:
    st.subheader(md(short_program_name(prog["programa"], max_chars=200)))
    if not is_empty(rows.loc[0, "objetivo"]):
        st.markdown(f"**Objetivo:** {md(rows.loc[0, 'objetivo'])}")
    st.markdown(f"## {semaforo_label(prog['semaforo'])}")
    st.caption(f"Avance {format_percent(prog['avance_pct'])} · "
               f"esperado {format_percent(prog['esperado_pct'])} · "
               f"{prog['n_con_dato']} de {prog['n_medibles']} indicadores con meta o hito tienen dato.")

st.subheader(f"Indicadores del programa ({len(rows)})")
for row in rows.itertuples(index=False):
    with st.container(border=True):
        name_col, value_col = st.columns([2, 3], vertical_alignment="center")
        name_col.markdown(f"**{md(row.clave)}** · {md(row.nombre)}")
        unit = md(row.unidad_medida) if not is_empty(row.unidad_medida) else "sin unidad de medida"
        name_col.caption(f"{tipo_calculo_label(row.tipo_calculo)} · {unit}")
        name_col.markdown(f"**{semaforo_label(row.semaforo)}**")
        has_goal = row.tipo_calculo == TipoCalculo.AVANCE_META and not is_empty(row.meta) and row.meta > 0
        if has_goal:
            value_col.metric("Avance de la meta anual", format_percent(row.valor_indicador))
            bullet = figures.indicator_bullet(row.valor_indicador, row.esperado_pct, "", parametros)
            value_col.plotly_chart(bullet, theme=None, config=PLOT_CONFIG, key=f"bullet_{row.clave}")
            value_col.caption(f"Realizado acumulado {format_number(row.realizado_acumulado)} de "
                              f"{format_number(row.meta)} · línea negra: esperado al corte "
                              f"{format_percent(row.esperado_pct)}")
        elif row.tipo_calculo == TipoCalculo.AVANCE_META:
            value_col.metric("Realizado acumulado (sin meta anual numérica)",
                             format_number(row.realizado_acumulado))
            value_col.caption("Sin meta anual: se informa lo realizado, sin porcentaje de avance.")
        elif row.tipo_calculo == TipoCalculo.CONTEO:
            value_col.metric("Conteo acumulado en el año", format_number(row.valor_indicador))
            unit = f"{md(row.unidad_medida)} · " if not is_empty(row.unidad_medida) else ""
            value_col.caption(f"{unit}En el trimestre: {format_number(row.realizado_trimestre)}")
        else:
            value_col.metric(tipo_calculo_label(row.tipo_calculo),
                             format_indicator_value(row.valor_indicador, row.tipo_calculo))
            if row.tipo_calculo == TipoCalculo.HITO:
                if not is_empty(row.vence_trimestre):
                    value_col.caption(f"vence en {quarter_label(int(row.vence_trimestre))}")
            else:
                value_col.caption(f"Realizado en el trimestre: {format_number(row.realizado_trimestre)}")

st.subheader("Detalle de un indicador")
claves = rows["clave"].tolist()
names = dict(zip(rows["clave"], rows["nombre"], strict=True))
clave = remembered_selectbox("Indicador", claves, key=f"indicador_{programa}",
                             format_func=lambda c: f"{c} · {names[c]}")
history = summary.indicator_history(results, clave, anio)
unidad = rows.set_index("clave").loc[clave, "unidad_medida"]
bars, line = st.columns(2, gap="large")
bars.plotly_chart(figures.quarter_bars(history, trimestre, unidad or ""), theme=None, config=PLOT_CONFIG)
line.plotly_chart(figures.cumulative_line(history, anio, trimestre), theme=None, config=PLOT_CONFIG)

st.markdown("#### Justificación y evidencia por trimestre")
done = history.loc[history["trimestre"] <= trimestre]
st.dataframe(pd.DataFrame({
    "Trimestre": done["trimestre"].map(quarter_label),
    "Realizado": done["realizado_trimestre"].map(format_number),
    "Acumulado": done["realizado_acumulado"].map(format_number),
    "Semáforo": done["semaforo"].map(semaforo_label),
    "Justificación": done["justificacion"].fillna("—"),
    "Evidencia": done["evidencia"].fillna("—"),
}), hide_index=True, width="stretch", placeholder="—")

with st.expander("Ficha técnica completa", expanded=False):
    plan_row = plan.loc[(plan["anio"] == anio) & (plan["clave"] == clave)].iloc[0]
    st.table(pd.DataFrame(summary.ficha_tecnica(plan_row), columns=["Campo", "Valor"]).set_index("Campo"))
