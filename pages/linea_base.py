"""Línea base: the chosen cut-off against the same cut-off of the previous year, per program and indicator."""

import streamlit as st

from mpi_dash import figures, summary
from mpi_dash.formatting import tipo_calculo_label
from ui_common import (cutoff_frame, ensure_app_shell, get_data, page_header, program_options,
                       remembered_selectbox)

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py

PLOT_CONFIG = {"displayModeBar": False, "responsive": True}
ALL = "todos"

loaded = get_data()
anio, trimestre = page_header("Línea base: comparación con el año anterior", loaded)
plan = loaded.dataset.plan

table = summary.baseline_table(cutoff_frame(loaded, anio, trimestre))
by_program = summary.baseline_by_program(table)
by_program["etiqueta"] = by_program["programa_num"] + ". " + by_program["programa_corto"]

st.caption(f"Realizado acumulado de enero al corte en {anio} frente al mismo corte de {anio - 1}. "
           "Variación = (actual − línea base) / línea base × 100. «Sin línea base»: el año anterior no tiene "
           "dato para ese indicador. «Línea base 0»: el año anterior fue 0, así que la variación no se "
           "puede calcular.")
if not table["con_linea_base"].any():
    st.info(f"Ningún indicador tiene línea base: no hay avances de {anio - 1} cargados para este corte.",
            icon=":material/info:")

st.subheader("Por programa")
st.caption("Los indicadores de un programa miden cosas distintas (sesiones, atenciones, talleres…), así que "
           "sus cifras no se suman: cada indicador comparable (dato en ambos años y año anterior mayor "
           "que 0) da su propia variación y el programa muestra la **mediana** de esas variaciones. Las barras son "
           f"un índice: {anio - 1} = 100.")
st.plotly_chart(figures.baseline_panels(by_program, "etiqueta", anio, current_col="indice_actual",
                                        base_col="indice_base", var_col="variacion_pct",
                                        var_label="variación mediana"), theme=None,
                config=PLOT_CONFIG)
st.dataframe(
    by_program[["etiqueta", "n_con_linea_base", "n_indicadores", "n_suben", "n_bajan", "variacion_pct"]],
    hide_index=True, width="stretch", placeholder="—",
    column_config={
        "etiqueta": st.column_config.TextColumn("Programa", width="large"),
        "n_con_linea_base": st.column_config.NumberColumn("Indicadores comparables", format="%d"),
        "n_indicadores": st.column_config.NumberColumn("Indicadores", format="%d"),
        "n_suben": st.column_config.NumberColumn("Suben", format="%d"),
        "n_bajan": st.column_config.NumberColumn("Bajan", format="%d"),
        "variacion_pct": st.column_config.NumberColumn("Variación mediana", format="%,.1f %%"),
    },
)

st.subheader("Por indicador")
options = {ALL: "Todos los programas", **program_options(plan, anio)}
chosen = remembered_selectbox("Programa", list(options), key="programa_linea_base", format_func=options.get)
shown = table if chosen == ALL else table.loc[table["programa_num"] == chosen]
shown = shown.assign(
    etiqueta=shown["clave"] + " · " + shown["indicador"].fillna(""),
    situacion=[("Sin línea base" if not con else "Línea base 0 · variación no calculable" if base == 0
                else "Con línea base")
               for con, base in zip(shown["con_linea_base"], shown["linea_base_acumulada"], strict=True)],
    tipo=shown["tipo_calculo"].map(tipo_calculo_label),
)
st.plotly_chart(figures.baseline_panels(shown, "etiqueta", anio, cols=4, title_width=26), theme=None,
                config=PLOT_CONFIG)
st.caption("Haga clic en el encabezado de una columna para ordenar la tabla.")
st.dataframe(
    shown[["clave", "indicador", "tipo", "linea_base_acumulada", "realizado_acumulado",
           "variacion_linea_base_pct", "situacion"]],
    hide_index=True, width="stretch", placeholder="—",
    column_config={
        "clave": st.column_config.TextColumn("Clave", width="small"),
        "indicador": st.column_config.TextColumn("Indicador", width="large"),
        "tipo": st.column_config.TextColumn("Tipo de cálculo"),
        "linea_base_acumulada": st.column_config.NumberColumn(f"{anio - 1} (línea base)", format="%,.1f"),
        "realizado_acumulado": st.column_config.NumberColumn(str(anio), format="%,.1f"),
        "variacion_linea_base_pct": st.column_config.NumberColumn("Variación", format="%,.1f %%"),
        "situacion": st.column_config.TextColumn("Línea base"),
    },
)
