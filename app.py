"""Entry point of the dashboard: `streamlit run app.py` (or `python scripts/serve.py`, what `make run` does).

The shell — page config, CSS, the pages listed with st.navigation for the visitor's role — is
``ui_shell.main`` (a module is compiled once per process; this script is compiled again for every new
session).
"""

from ui_shell import main

main()
