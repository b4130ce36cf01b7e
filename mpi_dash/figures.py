"""Plotly figure builders for the dashboard (pure: data in → ``go.Figure`` out).

Projector-friendly: large fonts, dark text on white, semáforo bands always paired with words
(the pages print icon + word next to every gauge).  Figures reference no external resource:
no web fonts, no MathJax (every ``$`` is removed from texts), no images.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mpi_dash import schema
from mpi_dash.formatting import (
    SEMAFORO_COLORS,
    SEMAFORO_WORDS,
    format_number,
    format_percent,
    format_signed_percent,
    is_empty,
)
from mpi_dash.schema import Semaforo
from mpi_dash.semaforo import Thresholds

FONT_FAMILY = "Source Sans Pro, Noto Sans, DejaVu Sans, Arial, sans-serif"  # system fonts only
BASE_FONT = 18
TEXT_COLOR = "#1B1B1B"
MUTED = "#5B6B7F"
CURRENT_COLOR = "#9F2241"   # institutional guinda: current year / realizado
PREVIOUS_COLOR = "#7A8A99"  # grey-blue: previous year / línea base
PLAN_COLOR = "#BC955C"      # gold: programado
BAND_ALPHA = 0.35
# Semáforo colours dark enough for text on white (amarillo darkened for contrast).
WORD_COLORS = {**SEMAFORO_COLORS, Semaforo.AMARILLO: "#7A5C00", Semaforo.SIN_DATO: "#555555",
               Semaforo.SIN_META: "#555555"}
QUARTERS = list(schema.QUARTER_NAMES.values())


def _clean(text: object) -> str:
    """Text safe for Plotly: no MathJax trigger (``$``), no HTML tags/links from data, single spaces."""
    raw = str("" if is_empty(text) else text).replace("$", "").replace("<", "‹").replace(">", "›")
    return " ".join(raw.split())


def _wrap(text: str, width: int = 28) -> str:
    """Break a long title into lines of about ``width`` characters (Plotly uses <br>)."""
    words, lines, line = _clean(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "<br>".join(lines)


def _clip_lines(text: object, width: int, lines: int = 2) -> str:
    """Wrap to ``width`` characters and keep at most ``lines`` lines (ellipsis when cut)."""
    wrapped = _wrap(str(text), width).split("<br>")
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1].rstrip(" ,.;:") + "…"
    return "<br>".join(wrapped)


def _rgba(hex_color: str, alpha: float) -> str:
    value = hex_color.lstrip("#")
    r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _layout_dict(*, height: int, title: str | None = None) -> dict[str, object]:
    """Shared layout: large fonts, white background, es-MX separators, legend under the plot.

    No Plotly template (``"none"``): the stock templates are deep-copied and validated on every figure,
    which tripled the render time of the Resumen page.
    """
    return {
        "template": "none",
        "height": height,
        "font": {"family": FONT_FAMILY, "size": BASE_FONT, "color": TEXT_COLOR},
        "separators": ".,",  # es-MX: point decimals, comma thousands
        "margin": {"l": 30, "r": 30, "t": 70 if title else 40, "b": 40},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "title": {"text": _clean(title), "font": {"size": BASE_FONT + 4}} if title else None,
        "hoverlabel": {"font": {"size": BASE_FONT}},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.16, "x": 0, "font": {"size": BASE_FONT}},
    }


def _layout(fig: go.Figure, *, height: int, title: str | None = None) -> go.Figure:
    fig.update_layout(**_layout_dict(height=height, title=title))
    fig.update_xaxes(gridcolor="#E5E5E5", linecolor=MUTED)
    fig.update_yaxes(gridcolor="#E5E5E5", linecolor=MUTED)
    return fig


def semaforo_bands(esperado: float, parametros: Mapping[str, float] | None = None,
                   axis_max: float = 100.0) -> list[dict[str, object]]:
    """Gauge steps: the semáforo thresholds (percent of *expected*) mapped onto the progress axis.

    With expected e, each band of :meth:`mpi_dash.semaforo.Thresholds.bands` scaled by e/100: rojo [0, e·am),
    amarillo [e·am, e·vm), verde [e·vm, e·vM], amarillo (e·vM, e·aM], rojo beyond — clipped to
    [0, axis_max].  Expected 0 or unknown → one neutral band.
    """
    if is_empty(esperado) or float(esperado) <= 0:
        return [{"range": [0, axis_max], "color": _rgba(SEMAFORO_COLORS[Semaforo.SIN_META], BAND_ALPHA)}]
    scale = float(esperado) / 100
    steps = []
    for lo, hi, colour in Thresholds.from_parametros(parametros).bands():
        lo, hi = min(lo * scale, axis_max), min(hi * scale, axis_max)
        if hi > lo:
            steps.append({"range": [lo, hi], "color": _rgba(SEMAFORO_COLORS[colour], BAND_ALPHA)})
    return steps


GAUGE_TICKS = [25, 50, 75]  # no 0/100 labels: side by side they ran into the neighbour's ("1000")


def _gauge(avance: float | None, esperado: float | None, titulo: str,
           parametros: Mapping[str, float] | None, domain: dict[str, list[float]],
           title_width: int = 20, title_size: int = BASE_FONT) -> go.Indicator:
    has_value = not is_empty(avance)
    return go.Indicator(
        mode="gauge+number" if has_value else "gauge",
        value=float(avance) if has_value else None,  # type: ignore[arg-type]
        number={"suffix": " %", "valueformat": ".1f", "font": {"size": 26, "color": TEXT_COLOR}},
        title={"text": _clip_lines(titulo, title_width, 3), "font": {"size": title_size}},
        domain=domain,
        gauge={
            "shape": "angular",
            # Round gauges ignore ticksuffix: the labels carry the " %" themselves.
            "axis": {"range": [0, 100], "tickmode": "array", "tickvals": GAUGE_TICKS,
                     "ticktext": [f"{v} %" for v in GAUGE_TICKS], "tickfont": {"size": BASE_FONT - 5}},
            "bar": {"color": TEXT_COLOR, "thickness": 0.25},
            "steps": semaforo_bands(esperado if has_value else None, parametros),  # type: ignore[arg-type]
            "threshold": {"line": {"color": "#000000", "width": 5}, "thickness": 0.9,
                          "value": float(esperado) if not is_empty(esperado) else 0.0},
            "bgcolor": "white",
            "borderwidth": 1,
            "bordercolor": MUTED,
        },
    )


def _gauge_caption(avance: float | None, esperado: float | None, semaforo: str, x: float,
                   y: float, sep: str = " · ") -> dict[str, object]:
    word = SEMAFORO_WORDS.get(semaforo, SEMAFORO_WORDS[Semaforo.SIN_DATO])
    caption = (f"{word}{sep}esperado {format_percent(esperado)}" if not is_empty(avance)
               else "Sin dato al corte")
    return {"text": f"<b>{caption}</b>", "x": x, "y": y, "xref": "paper", "yref": "paper",
            "xanchor": "center", "yanchor": "middle", "showarrow": False,
            "font": {"size": BASE_FONT, "color": WORD_COLORS.get(semaforo, MUTED)}}


def program_gauge(avance: float | None, esperado: float | None, titulo: str,
                  semaforo: str = Semaforo.SIN_DATO.value,
                  parametros: Mapping[str, float] | None = None, height: int = 330) -> go.Figure:
    """One program: progress (0–100 %) with the expected progress as threshold marker and semáforo bands."""
    indicator = _gauge(avance, esperado, titulo, parametros, {"x": [0, 1], "y": [0.12, 1]}, title_width=28,
                       title_size=BASE_FONT + 2)
    layout = _layout_dict(height=height)
    layout["margin"] = {"l": 45, "r": 45, "t": 80, "b": 20}
    layout["annotations"] = [_gauge_caption(avance, esperado, semaforo, 0.5, 0.0)]
    return go.Figure(data=[indicator], layout=layout)


def program_gauges(programs: pd.DataFrame, parametros: Mapping[str, float] | None = None,
                   cols: int = 3, row_height: int = 310) -> go.Figure:
    """All programs in ONE figure (a grid of gauges, ``cols`` per row), from ``summary.program_summary``.

    One Plotly chart instead of one per program: the browser lays out and draws a single plot, which
    keeps the Resumen page about as fast as a page with a single gauge.
    """
    n = len(programs)
    cols = max(1, min(cols, n)) if n else 1
    rows = max(1, -(-n // cols))
    # Titles wrap at ~20 characters (≤ 3 lines) so they fit a third of a 1280-px laptop screen with the
    # sidebar open; the horizontal padding keeps neighbouring gauges and their labels apart.
    pad_x, title_band, caption_band = 0.045, 0.30 / rows, 0.14 / rows
    traces, annotations = [], []
    for i, row in enumerate(programs.itertuples(index=False)):
        r, c = divmod(i, cols)
        top, bottom = 1 - r / rows, 1 - (r + 1) / rows
        x0, x1 = c / cols + pad_x, (c + 1) / cols - pad_x
        domain = {"x": [x0, x1], "y": [bottom + caption_band, top - title_band]}
        traces.append(_gauge(row.avance_pct, row.esperado_pct, f"{row.programa_num}. {row.programa_corto}",
                             parametros, domain))
        annotations.append(_gauge_caption(row.avance_pct, row.esperado_pct, row.semaforo, (x0 + x1) / 2,
                                          bottom + caption_band * 0.3, sep="<br>"))
    layout = _layout_dict(height=rows * row_height)
    layout["margin"] = {"l": 30, "r": 30, "t": 20, "b": 10}
    layout["annotations"] = annotations
    return go.Figure(data=traces, layout=layout)


def indicator_bullet(valor: float | None, esperado: float | None, titulo: str,
                     parametros: Mapping[str, float] | None = None, height: int = 90) -> go.Figure:
    """Bullet gauge of an ``avance_meta`` indicator: percent of the annual goal vs expected at cut-off.

    The number itself is printed by the page next to the bullet (large text), so the bar uses the full width.
    """
    has_value = not is_empty(valor)
    top = max(100.0, float(valor) if has_value else 0.0)
    fig = go.Figure(go.Indicator(
        mode="gauge",
        value=float(valor) if has_value else None,  # type: ignore[arg-type]
        number={"suffix": " %", "valueformat": ".1f", "font": {"size": 34}},
        title=({"text": _wrap(titulo, 14), "font": {"size": BASE_FONT - 3}, "align": "left"}
               if titulo else None),
        domain={"x": [0.2 if titulo else 0.0, 1.0], "y": [0, 1]},
        gauge={
            "shape": "bullet",
            "axis": {"range": [0, top], "ticksuffix": " %", "tickfont": {"size": BASE_FONT - 4}},
            "bar": {"color": TEXT_COLOR, "thickness": 0.35},
            "steps": semaforo_bands(esperado if has_value else None,  # type: ignore[arg-type]
                                    parametros, top),
            "threshold": {"line": {"color": "#000000", "width": 4}, "thickness": 0.9,
                          "value": float(esperado) if not is_empty(esperado) else 0.0},
        },
    ), layout={**_layout_dict(height=height), "margin": {"l": 20, "r": 40, "t": 20, "b": 30}})
    return fig


def quarter_bars(history: pd.DataFrame, trimestre: int, unidad: str = "") -> go.Figure:
    """Realizado vs programado per quarter (realizado only up to the cut-off)."""
    hist = history.sort_values("trimestre")
    k = hist["trimestre"].to_numpy()
    programado = pd.to_numeric(hist["programado_trimestre"], errors="coerce").to_numpy(dtype=float)
    realizado = pd.to_numeric(hist["realizado_trimestre"], errors="coerce").to_numpy(dtype=float)
    realizado = np.where(k <= trimestre, realizado, np.nan)
    x = [schema.QUARTER_NAMES[int(q)] for q in k]
    fig = go.Figure([
        go.Bar(name="Programado", x=x, y=programado, marker_color=PLAN_COLOR,
               text=[format_number(v) for v in programado], textposition="outside"),
        go.Bar(name="Realizado", x=x, y=realizado, marker_color=CURRENT_COLOR,
               text=[format_number(v) if not np.isnan(v) else "" for v in realizado], textposition="outside"),
    ])
    title = "Realizado y programado por trimestre"
    _layout(fig, height=380, title=title)
    if unidad:
        fig.update_layout(title={"text": f"{title}<br><span style='font-size:15px'>"
                                         f"{_clip_lines(unidad, 60, 1)}</span>"})
    fig.update_layout(barmode="group", yaxis={"rangemode": "tozero", "tickformat": ",~r", "automargin": True})
    fig.update_xaxes(categoryorder="array", categoryarray=QUARTERS)
    return fig


def cumulative_line(history: pd.DataFrame, anio: int, trimestre: int) -> go.Figure:
    """Cumulative realizado of the year vs the previous year (línea base) and the programmed calendar."""
    hist = history.sort_values("trimestre")
    k = hist["trimestre"].to_numpy()
    x = [schema.QUARTER_NAMES[int(q)] for q in k]
    actual = pd.to_numeric(hist["realizado_acumulado"], errors="coerce").to_numpy(dtype=float)
    actual = np.where(k <= trimestre, actual, np.nan)
    base = pd.to_numeric(hist["linea_base_acumulada"], errors="coerce").to_numpy(dtype=float)
    plan = pd.to_numeric(hist["programado_acumulado"], errors="coerce").to_numpy(dtype=float)
    fig = go.Figure([
        go.Scatter(name=f"Realizado {anio}", x=x, y=actual, mode="lines+markers",
                   line={"color": CURRENT_COLOR, "width": 5}, marker={"size": 14}),
        go.Scatter(name=f"{anio - 1} (línea base)", x=x, y=base, mode="lines+markers",
                   line={"color": PREVIOUS_COLOR, "width": 4, "dash": "dot"}, marker={"size": 12,
                                                                                    "symbol": "square"}),
        go.Scatter(name="Programado acumulado", x=x, y=plan, mode="lines",
                   line={"color": PLAN_COLOR, "width": 3, "dash": "dash"}),
    ])
    _layout(fig, height=380, title=f"Acumulado {anio} frente a {anio - 1}")
    fig.update_layout(yaxis={"rangemode": "tozero", "tickformat": ",~r"})
    fig.update_xaxes(categoryorder="array", categoryarray=QUARTERS)
    return fig


def baseline_panels(table: pd.DataFrame, label_col: str, anio: int, *,
                    current_col: str = "realizado_acumulado", base_col: str = "linea_base_acumulada",
                    var_col: str = "variacion_linea_base_pct", cols: int = 3,
                    title_width: int = 30, var_label: str = "variación") -> go.Figure:
    """Small multiples: one panel per row of ``table`` with the previous-year and current-year bars side by
    side, each panel on its own scale (indicators count different things) and titled with the variation.
    A missing value is written on the panel ("sin línea base" / "sin dato"), never drawn as zero silently.
    """
    n = len(table)
    if n == 0:
        fig = go.Figure()
        fig.add_annotation(text="Sin indicadores para mostrar", showarrow=False, font={"size": BASE_FONT + 2})
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return _layout(fig, height=200)
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    labels = table[label_col].tolist()
    current = pd.to_numeric(table[current_col], errors="coerce").to_numpy(dtype=float)
    base = pd.to_numeric(table[base_col], errors="coerce").to_numpy(dtype=float)
    variation = pd.to_numeric(table[var_col], errors="coerce").to_numpy(dtype=float)
    titles = []
    for label, b, v in zip(labels, base, variation, strict=True):
        if np.isnan(b):
            second = "sin línea base"
        elif b == 0:
            second = "línea base 0 · variación no calculable"
        elif np.isnan(v):
            second = "sin dato este año"
        else:
            second = f"{var_label} {format_signed_percent(v)}"
        titles.append(f"<b>{_clip_lines(label, title_width)}</b><br>{second}")
    panel_height, title_px = 200, 26 + 21 * max(t.count("<br>") + 1 for t in titles)
    gap = title_px + 40  # room for the x tick labels of the panel above + the next title
    plot_area = rows * panel_height + (rows - 1) * gap
    height = plot_area + title_px + 10 + 20
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.08,
                        vertical_spacing=gap / plot_area if rows > 1 else 0.0)
    x = [str(anio - 1), str(anio)]
    for i, (b, r) in enumerate(zip(base, current, strict=True)):
        values = [0.0 if np.isnan(b) else b, 0.0 if np.isnan(r) else r]
        texts = ["sin línea base" if np.isnan(b) else format_number(b),
                 "sin dato" if np.isnan(r) else format_number(r)]
        fig.add_trace(go.Bar(x=x, y=values, text=texts, textposition="outside", cliponaxis=False,
                             marker_color=[PREVIOUS_COLOR, CURRENT_COLOR], showlegend=False,
                             textfont={"size": BASE_FONT}, hovertemplate="%{x}: %{text}<extra></extra>"),
                      row=i // cols + 1, col=i % cols + 1)
        top = max(values) or 1.0
        fig.update_yaxes(range=[0, top * 1.3], row=i // cols + 1, col=i % cols + 1)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=True, zerolinecolor=MUTED)
    _layout(fig, height=height + 20)
    # Years are labels, not numbers (otherwise Plotly draws a numeric axis with "2,022.5" ticks).
    fig.update_xaxes(type="category", tickfont={"size": BASE_FONT}, showgrid=False)
    fig.update_annotations(font={"size": BASE_FONT - 2})
    fig.update_layout(margin={"l": 20, "r": 20, "t": title_px + 10, "b": 40}, bargap=0.35)
    return fig
