"""Core of the MPI CDMX quarterly dashboard: workbook contract, engine, store, figures, exports.

This package never imports streamlit: the UI lives in ``app.py`` and ``pages/``.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
