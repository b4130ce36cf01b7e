"""Resumen's body (``pages/resumen.py`` calls :func:`show`): every program's result at the chosen cut-off, where
the problems are, and each program's trend.

The landing page of the Junta: thirty officials may open it at once.  Its code lives in a module because
Streamlit compiles the page *script* again whenever its script cache is cleared (when the last open session
closes), while a module is compiled once per process; the texts of a cut are built once and shared
(``cut_overview``; ``cached_figure``, whose JSON is also encoded once).
"""

from typing import Any

import streamlit as st

from mpi_dash import figures
from mpi_dash.formatting import NO_EXCEPTIONS_TEXT
from mpi_dash.semaforo import Thresholds
from ui_cache import shared
from ui_common import (CutOverview, Loaded, cached_figure, cut_overview, default_cut, default_views, get_data,
                       load_current, md, page_header, program_frames)

PLOT_CONFIG = {"displayModeBar": False, "responsive": True}
AGGREGATION_HELP = (
    "Avance del programa = promedio del avance de sus indicadores con meta anual (cada uno topado en 100 %) "
    "y de sus hitos (100 % alcanzado, 0 % no alcanzado), solo de los que tienen dato al corte; los que no "
    "tienen dato se nombran y el programa queda «incompleto». Avance esperado = promedio de lo programado al "
    "corte para esos mismos indicadores. Si al corte no se esperaba nada todavía, el programa queda "
    "«Pendiente» (sin cifra). Los indicadores de conteo, de comparación con el periodo o año anterior y los "
    "que no tienen meta anual son informativos: no entran al promedio (se ven en la página Programa) y, si les "
    "falta el reporte, se nombran aparte («Sin reporte (informativo)») sin dejar incompleto al programa."
)


NO_EXCEPTIONS = f"✅ {NO_EXCEPTIONS_TEXT}"


def lists_text(overview: CutOverview) -> str:
    """Everything Resumen writes between its two charts as ONE Markdown text (one element, no container: each
    message costs the server ~0.45 ms per visit when thirty officials open the link at once): the phone's
    program cards, the heading «¿Dónde están los problemas?» with the counts line and the exceptions (or the
    all-clear), and the heading of the trends.  The app's CSS (``ui_shell.APP_CSS``, the element right after
    the bars) draws each paragraph as a box and the counts line as a caption, shows the cards only on a phone
    and hides the trends' heading there (the trends are hidden on a phone)."""
    return (f"{overview.program_cards}\n\n### ¿Dónde están los problemas?\n\n{overview.counts_line}\n\n"
            f"{overview.exceptions or NO_EXCEPTIONS}\n\n### Tendencia de cada programa")


def _figures(loaded: Loaded, anio: int, trimestre: int,
             views: tuple[str, ...] | None = None) -> tuple[Any, Any]:
    """(program bars, trends) of the cut in this person's views (or ``views``): built once, shared."""
    programs, trend = program_frames(loaded, anio, trimestre, views)
    parametros = loaded.dataset.parametros
    bars = cached_figure("bars", loaded, anio, trimestre, lambda: figures.program_bars(programs, parametros,
                                                                                      legend=True), views)
    return bars, cached_figure("trends", loaded, anio, trimestre, lambda: figures.program_trends(trend), views)


def warm_up() -> None:
    """Prepare, outside any session, what the first visitor after a (re)start would otherwise wait for: the
    data and Resumen of the default cut-off in the default views — its figures (the first Plotly figures of
    a process also import Plotly's layout classes: ~0.5 s) and its texts.  ``scripts/serve.py`` calls it
    before the server accepts connections; raises what reading the data raises."""
    loaded = load_current()
    anio, trimestre = default_cut(loaded)
    views = default_views(loaded, anio, trimestre)
    _figures(loaded, anio, trimestre, views)
    cut_overview(loaded, anio, trimestre, views[-1])


def show() -> None:
    loaded = get_data()
    anio, trimestre = page_header("Resumen por programa", loaded)
    bars, trends = _figures(loaded, anio, trimestre)
    overview = cut_overview(loaded, anio, trimestre)  # texts of the cut: built once, shared by every visitor

    # Laptop, projector: one row per program (bullet bars; the figure writes how to read them). Phone: the program
    # cards instead (app CSS shows one or the other). Charts keyed so the CSS finds them without a container.
    st.plotly_chart(bars, theme=None, config=PLOT_CONFIG, key="program_bars")
    st.markdown(lists_text(overview))  # app CSS finds it as the element after the bars: no container
    st.plotly_chart(trends, theme=None, config=PLOT_CONFIG, key="program_trends")

    st.caption(_closing_note(loaded.dataset.version, loaded.dataset.parametros))


@shared(max_entries=4)
def _closing_note(version: str, _parametros: Any) -> str:
    """How the avance and the semáforo are computed (the thresholds of this data version's Parámetros): the same
    text for every visitor, written once per data version."""
    return ("**¿Cómo se calcula el avance de cada programa?** " + md(AGGREGATION_HELP) + " El semáforo compara "
            f"el avance con lo esperado: {Thresholds.from_parametros(_parametros).text(icons=True)}. Los umbrales "
            "vienen de la hoja Parámetros.")
