"""Start the dashboard: ``streamlit run app.py`` with the heavy libraries imported first.

``make run`` uses this instead of plain ``streamlit run``: pandas, numpy, plotly and the core modules are
imported *before* the server accepts connections, so the first director who opens the dashboard after a
restart does not wait for those imports (≈0.4 s of pandas alone on the first page).  Same process, same
Streamlit: any ``streamlit run`` option can follow, e.g. ``python scripts/serve.py --server.port 8502``.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy  # noqa: E402,F401  (preloaded on purpose)
import pandas  # noqa: E402,F401
import plotly.graph_objects  # noqa: E402,F401

import mpi_dash.data_access  # noqa: E402,F401
import mpi_dash.engine  # noqa: E402,F401
import mpi_dash.figures  # noqa: E402,F401
import mpi_dash.store  # noqa: E402,F401
import mpi_dash.summary  # noqa: E402,F401
from streamlit.web import cli  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run ``streamlit run <repo>/app.py`` with the given options (in this already-warm process)."""
    args = list(sys.argv[1:] if argv is None else argv)
    return cli.main.main(args=["run", str(REPO / "app.py"), *args], prog_name="streamlit",
                         standalone_mode=True)


if __name__ == "__main__":
    sys.exit(main())
