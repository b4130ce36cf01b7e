"""Programa: one program's result, objectives and trend, every indicator with its value, and one indicator's
detail."""

import pandas as pd
import streamlit as st

from mpi_dash import figures, summary
from mpi_dash.formatting import (
    format_count,
    indicator_metric,
    indicator_status,
    quarter_label,
    tipo_calculo_label,
)
from mpi_dash.schema import TipoCalculo
from ui_common import (cutoff_frame, ensure_app_shell, get_data, md, page_header, program_card, program_choice,
                       program_frames, remembered_selectbox, table_height)

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py

PLOT_CONFIG = {"displayModeBar": False, "responsive": True}

loaded = get_data()
anio, trimestre = page_header("Programa", loaded)
plan, results, parametros = loaded.dataset.plan, loaded.results, loaded.dataset.parametros

programa = program_choice(plan, anio, key="programa", heading=True)
cut = cutoff_frame(loaded, anio, trimestre)
rows = cut.loc[cut["programa_num"] == programa].reset_index(drop=True)
programs, trend = program_frames(loaded, anio, trimestre)
prog = programs.loc[programs["programa"] == programa]

with st.container(key="program_bars"):  # laptop / projector: the bar; phone: the same words as a card
    st.plotly_chart(figures.program_bars(prog, parametros, titles=False), theme=None, config=PLOT_CONFIG,
                    key="program_bar")
with st.container(key="program_list"):
    program_card(next(prog.itertuples(index=False)), name=False)
objectives = list(dict.fromkeys(o for o in rows["objetivo"].dropna().map(lambda t: " ".join(str(t).split())) if o))
n_measurable = int(prog["n_medibles"].iloc[0])
n_informative = len(rows) - n_measurable
st.markdown(f"**{'Objetivos' if len(objectives) > 1 else 'Objetivo'} del programa**\n\n"
            + "\n".join(f"- {md(o)}" for o in objectives))
st.caption(f"{format_count(len(rows))} {'indicador' if len(rows) == 1 else 'indicadores'}: "
           f"{format_count(n_measurable)} con meta anual o hito (entran al avance), "
           f"{format_count(n_informative)} {'informativo' if n_informative == 1 else 'informativos'} (conteos, "
           "comparaciones o sin meta anual: se informan, no entran al avance).")
st.plotly_chart(figures.program_trend_line(trend.loc[trend["programa"] == programa]), theme=None,
                config=PLOT_CONFIG, key="trend")

st.subheader(f"Indicadores del programa ({len(rows)})")
for row in rows.to_dict("records"):
    with st.container(border=True):
        name_col, value_col = st.columns([1, 1], vertical_alignment="center")
        unit = md(row["unidad_medida"]) if isinstance(row["unidad_medida"], str) else "sin unidad de medida"
        name_col.markdown(f"**{md(row['clave'])}** · {md(row['nombre'])}")
        name_col.caption(f"{tipo_calculo_label(row['tipo_calculo'])} · {unit}")
        name_col.markdown("**" + md(indicator_status(row["semaforo"], row["direccion_desvio"],
                                                     faltan=row["reportes_faltantes"],
                                                     vence=row["vence_trimestre"])) + "**")
        label, value, note = indicator_metric(row)
        value_col.metric(label, value)
        if row["tipo_calculo"] == TipoCalculo.AVANCE_META and row["meta"] > 0 and pd.notna(row["valor_indicador"]):
            bullet = figures.indicator_bullet(row["valor_indicador"], row["esperado_pct"], "", parametros,
                                              semaforo=row["semaforo"])
            value_col.plotly_chart(bullet, theme=None, config=PLOT_CONFIG, key=f"bullet_{row['clave']}")
        if note:
            value_col.caption(md(note))

st.subheader("Detalle de un indicador")
claves = rows["clave"].tolist()
names = dict(zip(rows["clave"], rows["nombre"], strict=True))
clave = remembered_selectbox("Indicador", claves, key=f"indicador_{programa}",
                             format_func=lambda c: f"{c} · {names[c]}")
st.markdown(f"**{md(f'{clave} · {names[clave]}')}**")  # the whole name (the selector cuts long ones)
history = summary.indicator_history(results, clave, anio)
unidad = rows.set_index("clave").loc[clave, "unidad_medida"]
bars, line = st.columns(2, gap="large")
bars.plotly_chart(figures.quarter_bars(history, trimestre, unidad or ""), theme=None, config=PLOT_CONFIG)
line.plotly_chart(figures.cumulative_line(history, anio, trimestre), theme=None, config=PLOT_CONFIG)

st.markdown("#### Justificación y evidencia por trimestre")
done = history.loc[history["trimestre"] <= trimestre]
st.dataframe(pd.DataFrame({
    "Trimestre": done["trimestre"].map(quarter_label),
    "Realizado": done["realizado_trimestre"].map(format_count),
    "Acumulado": done["realizado_acumulado"].map(format_count),
    "Semáforo": [indicator_status(s, d) for s, d in zip(done["semaforo"], done["direccion_desvio"], strict=True)],
    "Justificación": done["justificacion"].fillna("—"),
    "Evidencia": done["evidencia"].fillna("—"),
}), hide_index=True, width="stretch", placeholder="—", height=table_height(len(done)))

with st.expander("Ficha técnica completa", expanded=False):
    plan_row = plan.loc[(plan["anio"] == anio) & (plan["clave"] == clave)].iloc[0]
    ficha = pd.DataFrame(summary.ficha_tecnica(plan_row), columns=["Campo", "Valor"])
    st.table(ficha.assign(Valor=ficha["Valor"].map(md)).set_index("Campo"))
