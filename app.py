"""Entry point of the dashboard: `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="Tablero PAT 2023 · MPI CDMX", page_icon="📊", layout="wide")
st.title("Tablero trimestral del Plan Anual de Trabajo")
st.write("Mecanismo de Protección Integral de Personas Defensoras de Derechos Humanos y Periodistas de la Ciudad de México.")
