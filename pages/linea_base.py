"""Línea base: the chosen cut-off against the same cut-off of the previous year, per program and indicator."""

import pandas as pd
import streamlit as st

from mpi_dash import figures, summary
from mpi_dash.formatting import format_count, format_signed_percent, tipo_calculo_label
from ui_common import (ALL_PROGRAMS, cutoff_frame, ensure_app_shell, get_data, md, number_column, page_header,
                       program_choice, table_height)

ensure_app_shell()  # must run first: keeps a fresh server's first deep link inside app.py

PLOT_CONFIG = {"displayModeBar": False, "responsive": True}

loaded = get_data()
anio, trimestre = page_header("Línea base (año anterior)", loaded)
plan = loaded.dataset.plan

table = summary.baseline_table(cutoff_frame(loaded, anio, trimestre))
by_program = summary.baseline_by_program(table)

st.caption(f"Realizado acumulado de enero al corte en {anio} frente al mismo corte de {anio - 1}. "
           "Variación = (actual − año anterior) ÷ año anterior × 100. Cada indicador se compara consigo mismo: "
           "los indicadores miden cosas distintas (sesiones, atenciones, talleres, entre otras) y sus cifras no se suman.")
if not table["con_linea_base"].any():
    st.info(f"Ningún indicador tiene línea base: no hay avances de {anio - 1} cargados para este corte.",
            icon=":material/info:")

st.subheader("Por programa")
st.table(pd.DataFrame({
    "Programa": [md(f"{n}. {name}") for n, name in zip(by_program["programa_num"], by_program["programa_nombre"],
                                                      strict=True)],
    "Suben": by_program["n_suben"].map(format_count),
    "Bajan": by_program["n_bajan"].map(format_count),
    "Igual": by_program["n_iguales"].map(format_count),
    "Sin comparar": by_program["n_sin_comparar"].map(format_count),
}).set_index("Programa"))
st.caption("«Sin comparar»: sin dato en alguno de los dos años, o el año anterior fue 0 (la variación no se "
           "puede calcular).")

st.subheader("Por indicador")
chosen = program_choice(plan, anio, key="programa_linea_base", include_all=True)
shown = table if chosen == ALL_PROGRAMS else table.loc[table["programa_num"] == chosen]
st.plotly_chart(figures.baseline_variation_bars(shown, anio), theme=None, config=PLOT_CONFIG)
situacion = [("Sin línea base" if not con else "Línea base 0 · variación no calculable" if base == 0
              else "Sin dato este año" if pd.isna(cur) else "Comparable")
             for con, base, cur in zip(shown["con_linea_base"], shown["linea_base_acumulada"],
                                       shown["realizado_acumulado"], strict=True)]
st.caption("Haga clic en el encabezado de una columna para ordenar la tabla; deslícela a la derecha para ver "
           "todas las columnas.")
st.dataframe(
    shown.assign(situacion=situacion, tipo=shown["tipo_calculo"].map(tipo_calculo_label),
                 variacion=shown["variacion_linea_base_pct"].map(format_signed_percent))[
        ["clave", "indicador", "linea_base_acumulada", "realizado_acumulado", "variacion", "situacion", "tipo"]],
    hide_index=True, width="stretch", placeholder="—", height=table_height(len(shown)),  # every row shown
    column_config={
        "clave": st.column_config.TextColumn("Clave", width="small", pinned=True),
        "indicador": st.column_config.TextColumn("Indicador", width="large"),
        "linea_base_acumulada": number_column(f"{anio - 1}", shown["linea_base_acumulada"]),
        "realizado_acumulado": number_column(str(anio), shown["realizado_acumulado"]),
        "variacion": st.column_config.TextColumn("Variación"),
        "situacion": st.column_config.TextColumn("Comparación"),
        "tipo": st.column_config.TextColumn("Tipo de indicador"),
    },
)
