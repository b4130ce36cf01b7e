"""Plotly figure builders for the dashboard (pure: data in → ``go.Figure`` out).

Projector-friendly: large fonts (≥ 16 px everywhere, program values 38 px), dark text on white, the
semáforo always paired with words (the figures print the status words; the pages print icon + word).
Figures reference no external resource: no web fonts, no MathJax (every ``$`` is removed from texts), no
images.  Every text taken from the data is cleaned (:func:`_clean`): never HTML, never cut with «…».

The program results are horizontal *bullet* bars (:func:`program_bars`): one row per program, the full
name on the left, the progress bar on a common 0–100 % axis, the expected progress as a black mark and the
semáforo band only AROUND that mark (amarillo – verde – amarillo), so a program on track never looks red.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mpi_dash import schema
from mpi_dash.formatting import (
    PERCENT_SIGN,
    SEMAFORO_COLORS,
    format_number,
    format_percent,
    format_signed_percent,
    is_empty,
    join_words,
    program_missing_lines,
    program_status_label,
    single_spaces,
)
from mpi_dash.schema import Semaforo
from mpi_dash.semaforo import Thresholds

# The page's own font first (Streamlit serves "Source Sans"), then system fonts: nothing is downloaded.
FONT_FAMILY = "Source Sans, Source Sans Pro, Noto Sans, DejaVu Sans, Arial, sans-serif"
BASE_FONT = 18
LABEL_FONT = 18       # titles and status lines of the program bars (≥ 16 px, read on a projector)
TICK_FONT = 16
VALUE_FONT = 40       # the program value (≥ 36 px)
TEXT_COLOR = "#1B1B1B"
MUTED = "#5B6B7F"
GRID = "#E5E5E5"
NEUTRAL_BAND = "#F1F1F1"
CURRENT_COLOR = "#9F2241"   # institutional guinda: current year / realizado / avance
PREVIOUS_COLOR = "#7A8A99"  # grey-blue: previous year / línea base
PLAN_COLOR = "#8A6D3B"      # dark gold: programado / esperado (dark enough for lines and labels on white)
BAND_ALPHA = 0.45
# Semáforo colours dark enough for text and bars on white (amarillo darkened for contrast).
WORD_COLORS = {**SEMAFORO_COLORS, Semaforo.AMARILLO: "#8A6500", Semaforo.SIN_DATO: "#555555",
               Semaforo.SIN_META: "#555555"}
QUARTERS = list(schema.QUARTER_NAMES.values())
INVISIBLE = "rgba(0,0,0,0)"


def _clean(text: object) -> str:
    """Text safe for Plotly: no MathJax trigger (``$``), no HTML tags/links from data, single spaces (a
    non-breaking space, as before «%», stays)."""
    raw = str("" if is_empty(text) else text).replace("$", "").replace("<", "‹").replace(">", "›")
    return single_spaces(raw)


def _wrap_lines(text: str, width: int) -> list[str]:
    """Words of ``text`` in lines of about ``width`` characters (a longer word gets a line of its own)."""
    lines: list[str] = []
    line = ""
    for word in _clean(text).split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines


def _wrap(text: str, width: int = 28) -> str:
    """Break a long text into lines of about ``width`` characters (Plotly uses <br>); never cut."""
    return "<br>".join(_wrap_lines(text, width))


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
        # left-aligned: a centred title overflows both sides of a phone screen
        "title": {"text": _clean(title), "font": {"size": BASE_FONT + 2}, "x": 0.01, "xanchor": "left"}
        if title else None,
        "hoverlabel": {"font": {"size": BASE_FONT}},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "font": {"size": BASE_FONT}},
    }


def _layout(fig: go.Figure, *, height: int, title: str | None = None) -> go.Figure:
    fig.update_layout(**_layout_dict(height=height, title=title))
    fig.update_xaxes(gridcolor=GRID, linecolor=MUTED)
    fig.update_yaxes(gridcolor=GRID, linecolor=MUTED)
    return fig


def semaforo_bands(esperado: float, parametros: Mapping[str, float] | None = None,
                   axis_max: float = 100.0) -> list[dict[str, object]]:
    """Bar steps: a neutral background and, AROUND the expected value e, the semáforo window of
    :meth:`mpi_dash.semaforo.Thresholds.bands` scaled by e/100 — amarillo [e·am, e·vm), verde
    [e·vm, e·vM], amarillo (e·vM, e·aM] — clipped to [0, axis_max].  Beyond the window stays neutral
    (it is rojo by the rule, but painting most of the axis red made programs on track look red).
    Expected 0 or unknown → the neutral background only."""
    steps: list[dict[str, object]] = [{"range": [0, axis_max], "color": NEUTRAL_BAND}]
    if is_empty(esperado) or float(esperado) <= 0:
        return steps
    scale = float(esperado) / 100
    for lo, hi, colour in Thresholds.from_parametros(parametros).bands():
        if colour == Semaforo.ROJO:
            continue
        lo, hi = min(lo * scale, axis_max), min(hi * scale, axis_max)
        if hi > lo:
            steps.append({"range": [lo, hi], "color": _rgba(SEMAFORO_COLORS[colour], BAND_ALPHA)})
    return steps


PROGRAM_TITLE_CHARS = 44    # title column ≈ 37 % of a 1,000-px figure at 18 px (≈ 7.4 px a character)
PROGRAM_STATUS_CHARS = 60   # status under the bar: never reaches the value column (75 % of the bar domain)
PROGRAM_ROW_PX = 70         # bar (32 px) + one status line + gap; longer titles or statuses set their own height
BAR_PX, TICKS_PX = 32, 24   # tick labels only under the last bar: every bar shares the same 0–100 % axis
PROGRAM_TICKS = [0, 25, 50, 75, 100]
# How to read the bars, written over them by the figure itself (Resumen: one message fewer per visit than a
# caption over the chart); two short lines, so it never runs past a narrow window.
BARS_LEGEND = ("Barra: avance del programa · marca negra: avance esperado al corte<br>"
               "franja verde: dentro de lo esperado (amarilla a los lados)")
LEGEND_PX = 2 * 21 + 10     # two 16-px lines and a gap over the first bar


def _status_text(row: object) -> str:
    """The status line(s) under a program bar: the words in bold, then the details; lines break only between
    those parts («⚠ 1 de 5 con meta o hito sin dato: 3.4» stays whole) and never reach the value column."""
    status, details = _program_status(row)
    parts = [f"<b>{_clean(status)}</b>", *(_clean(d) for d in details)]
    lines, line, length = [], "", 0
    for part in parts:
        size = len(part.replace("<b>", "").replace("</b>", ""))
        if line and length + 3 + size > PROGRAM_STATUS_CHARS:
            lines.append(line)
            line, length = part, size
        else:
            line, length = (f"{line} · {part}", length + 3 + size) if line else (part, size)
    lines.append(line)
    return "<br>".join(lines)


def _program_status(row: object) -> tuple[str, list[str]]:
    """(status words, details) of a program row of :func:`mpi_dash.programs.program_figures`."""
    status = program_status_label(row.semaforo, row.direccion_desvio, completo=bool(row.completo),  # type: ignore[attr-defined]
                                  vence=row.vence_trimestre, icons=False)  # type: ignore[attr-defined]
    details = []
    if row.semaforo in (Semaforo.VERDE, Semaforo.AMARILLO, Semaforo.ROJO):  # type: ignore[attr-defined]
        details.append(f"esperado {format_percent(row.esperado_pct)}")  # type: ignore[attr-defined]
    details += program_missing_lines(row)
    return status, details


def program_bars(programs: pd.DataFrame, parametros: Mapping[str, float] | None = None, *,
                 title_chars: int = PROGRAM_TITLE_CHARS, titles: bool = True, legend: bool = False) -> go.Figure:
    """Every program of :func:`mpi_dash.programs.program_figures` in ONE figure: a row per program with its
    full name (wrapped, never cut), a bullet bar of its progress (0–100 %; bar in the semáforo colour),
    the expected progress (black mark) with the semáforo window around it, the value (38 px) and, under
    the bar, the status in words («Verde · incompleto», «Rojo ↓ rezago», «Pendiente (vence en
    Diciembre)») with the expected value and the indicators without data («⚠ 1 de 5 con meta o hito sin dato:
    3.4», «Sin reporte (informativo): 2.2»).

    A program with nothing due (pendiente), without data or without a goal shows no number and no bar.
    One Plotly chart for all programs: the browser lays out a single plot (fast first render).
    ``titles=False`` leaves the name out (the Programa page writes it as a heading); ``legend=True`` writes
    how to read the bars (:data:`BARS_LEGEND`) over the first one, in the muted colour of the tick labels.
    """
    n = max(len(programs), 1)
    title_lines = [len(_wrap_lines(f"{r.programa}. {r.nombre}", title_chars)) if titles else 1
                   for r in programs.itertuples()]
    statuses = [_status_text(row) for row in programs.itertuples(index=False)]
    row_heights = [max(PROGRAM_ROW_PX, 19 * k + 12, BAR_PX + 14 + 22 * (s.count("<br>") + 1))
                   for k, s in zip(title_lines, statuses, strict=True)] or [PROGRAM_ROW_PX]
    top, bottom = 4 + (LEGEND_PX if legend else 0), 4
    height = sum(row_heights) + TICKS_PX + top + bottom
    x0 = 0.38 if titles else 0.0
    traces, annotations = [], []
    if legend:
        annotations.append({"text": BARS_LEGEND, "x": 0, "y": 1, "xref": "paper", "yref": "paper",
                            "xanchor": "left", "yanchor": "top", "align": "left", "showarrow": False,
                            "font": {"size": TICK_FONT, "color": MUTED}})
    y_px = top
    for i, row in enumerate(programs.itertuples(index=False)):
        last = i == len(programs) - 1
        band_px = row_heights[i] + (TICKS_PX if last else 0)
        bar_top = 1 - (y_px + 2) / height
        bar_bottom = bar_top - BAR_PX / height
        status_y = bar_bottom - ((TICKS_PX if last else 0) + 2) / height
        graded = row.semaforo in (Semaforo.VERDE, Semaforo.AMARILLO, Semaforo.ROJO)
        value = float(row.avance_pct) if graded and not is_empty(row.avance_pct) else None
        expected = float(row.esperado_pct) if graded and not is_empty(row.esperado_pct) else 0.0
        colour = WORD_COLORS.get(row.semaforo, MUTED)
        traces.append(go.Indicator(
            mode="number+gauge", value=value,
            number={"suffix": PERCENT_SIGN, "valueformat": ",.1f",
                    "font": {"size": VALUE_FONT, "color": TEXT_COLOR if value is not None else INVISIBLE}},
            domain={"x": [x0, 1.0], "y": [bar_bottom, bar_top]},
            gauge={"shape": "bullet",
                   "axis": {"range": [0, 100], "tickmode": "array", "tickvals": PROGRAM_TICKS,
                            "ticktext": [f"{v}{PERCENT_SIGN}" for v in PROGRAM_TICKS], "showticklabels": last,
                            "ticklen": 6 if last else 0, "tickfont": {"size": TICK_FONT, "color": MUTED}},
                   "bar": {"color": colour if value is not None else INVISIBLE, "thickness": 0.55},
                   "bgcolor": "white", "borderwidth": 1, "bordercolor": MUTED,
                   "steps": semaforo_bands(expected if value is not None else None, parametros),
                   "threshold": {"line": {"color": "#000000", "width": 5 if value is not None else 0},
                                 "thickness": 0.95, "value": expected}},
        ))
        if titles:
            annotations.append({
                "text": f"<b>{_clean(row.programa)}.</b> " + _wrap(row.nombre, title_chars),
                "x": 0, "y": 1 - (y_px + row_heights[i] / 2) / height,
                "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "middle", "align": "left",
                "showarrow": False, "font": {"size": LABEL_FONT, "color": TEXT_COLOR}})
        annotations.append({
            "text": statuses[i], "x": x0, "y": status_y, "xref": "paper", "yref": "paper",
            "xanchor": "left", "yanchor": "top", "align": "left", "showarrow": False,
            "font": {"size": LABEL_FONT, "color": colour}})
        y_px += band_px
    layout = _layout_dict(height=height)
    layout["margin"] = {"l": 8 if titles else 24, "r": 8, "t": 0, "b": 0}
    layout["annotations"] = annotations
    return go.Figure(data=traces, layout=layout)


def indicator_bullet(valor: float | None, esperado: float | None, titulo: str,
                     parametros: Mapping[str, float] | None = None, height: int = 90,
                     semaforo: str | None = None) -> go.Figure:
    """Bullet of an ``avance_meta`` indicator: percent of the annual goal vs expected at cut-off, the bar in
    the colour of its ``semaforo`` (the page writes the word next to it).

    The number itself is printed by the page next to the bullet (large text), so the bar uses the full width.
    """
    has_value = not is_empty(valor)
    top = max(100.0, float(valor) if has_value else 0.0)
    fig = go.Figure(go.Indicator(
        mode="gauge",
        value=float(valor) if has_value else None,  # type: ignore[arg-type]
        title=({"text": _wrap(titulo, 14), "font": {"size": BASE_FONT - 2}, "align": "left"}
               if titulo else None),
        domain={"x": [0.2 if titulo else 0.0, 1.0], "y": [0, 1]},
        gauge={
            "shape": "bullet",
            "axis": {"range": [0, top], "ticksuffix": PERCENT_SIGN, "tickfont": {"size": TICK_FONT}},
            "bar": {"color": WORD_COLORS.get(str(semaforo), TEXT_COLOR), "thickness": 0.4},
            "bgcolor": "white",
            "steps": semaforo_bands(esperado if has_value else None,  # type: ignore[arg-type]
                                    parametros, top),
            "threshold": {"line": {"color": "#000000", "width": 4}, "thickness": 0.9,
                          "value": float(esperado) if not is_empty(esperado) else 0.0},
        },
    ), layout={**_layout_dict(height=height), "margin": {"l": 20, "r": 40, "t": 16, "b": 30}})
    return fig


def _count_axis(values: np.ndarray) -> dict[str, object]:
    """A y axis for counts: whole ticks only (never 0.2 … 1.2 sessions) when every value is whole."""
    finite = values[np.isfinite(values)]
    whole = bool(len(finite)) and bool(np.all(finite == np.round(finite)))
    axis: dict[str, object] = {"rangemode": "tozero", "tickformat": ",~r", "automargin": True}
    if whole:
        top = float(finite.max()) if len(finite) else 0.0
        axis.update(tickformat=",d", dtick=max(1, int(np.ceil(top / 6))), range=[0, max(top * 1.2, 1.0)])
    return axis


def quarter_bars(history: pd.DataFrame, trimestre: int, unidad: str = "") -> go.Figure:
    """Realizado vs programado per quarter (realizado only up to the cut-off); whole-number axis for counts."""
    hist = history.sort_values("trimestre")
    k = hist["trimestre"].to_numpy()
    programado = pd.to_numeric(hist["programado_trimestre"], errors="coerce").to_numpy(dtype=float)
    realizado = pd.to_numeric(hist["realizado_trimestre"], errors="coerce").to_numpy(dtype=float)
    realizado = np.where(k <= trimestre, realizado, np.nan)
    x = [schema.QUARTER_NAMES[int(q)] for q in k]
    fig = go.Figure([
        go.Bar(name="Programado", x=x, y=programado, marker_color=PLAN_COLOR,
               text=[format_number(v) for v in programado], textposition="outside", cliponaxis=False),
        go.Bar(name="Realizado", x=x, y=realizado, marker_color=CURRENT_COLOR, cliponaxis=False,
               text=[format_number(v) if not np.isnan(v) else "" for v in realizado], textposition="outside"),
    ])
    title = "Realizado y programado por trimestre"
    _layout(fig, height=400, title=title)
    if unidad:
        fig.update_layout(title={"text": f"{title}<br><span style='font-size:16px'>"
                                         f"{_wrap(unidad, 60)}</span>"})
    fig.update_layout(barmode="group", yaxis=_count_axis(np.concatenate([programado, realizado])))
    fig.update_xaxes(categoryorder="array", categoryarray=QUARTERS)
    return fig


def cumulative_line(history: pd.DataFrame, anio: int, trimestre: int) -> go.Figure:
    """Cumulative realizado of the year vs the previous year (línea base) and the programmed calendar.

    Series that coincide are told apart: distinct markers and dashes, a value label at the last point, and
    the title says which ones coincide (three identical lines used to look like one).
    """
    hist = history.sort_values("trimestre")
    k = hist["trimestre"].to_numpy()
    x = [schema.QUARTER_NAMES[int(q)] for q in k]
    actual = pd.to_numeric(hist["realizado_acumulado"], errors="coerce").to_numpy(dtype=float)
    actual = np.where(k <= trimestre, actual, np.nan)
    base = pd.to_numeric(hist["linea_base_acumulada"], errors="coerce").to_numpy(dtype=float)
    plan = pd.to_numeric(hist["programado_acumulado"], errors="coerce").to_numpy(dtype=float)
    series = [
        (f"Realizado {anio}", actual, {"color": CURRENT_COLOR, "width": 5}, {"size": 15, "symbol": "circle"}),
        (f"{anio - 1} (línea base)", base, {"color": PREVIOUS_COLOR, "width": 4, "dash": "dot"},
         {"size": 13, "symbol": "square"}),
        ("Programado acumulado", plan, {"color": PLAN_COLOR, "width": 3, "dash": "dash"},
         {"size": 13, "symbol": "diamond-open", "line": {"width": 3}}),
    ]
    fig = go.Figure()
    groups: list[list[int]] = []   # series with identical values (drawn on top of each other)
    for i, (_, values, _, _) in enumerate(series):
        if not np.isfinite(values).any():
            continue
        match = next((g for g in groups if np.array_equal(series[g[0]][1], values, equal_nan=True)), None)
        if match is None:
            groups.append([i])
        else:
            match.append(i)
    labelled = {g[0] for g in groups}
    for i, (name, values, line, marker) in enumerate(series):
        last = int(np.flatnonzero(np.isfinite(values))[-1]) if np.isfinite(values).any() else -1
        texts = [format_number(v) if j == last and i in labelled else "" for j, v in enumerate(values)]
        fig.add_trace(go.Scatter(name=name, x=x, y=values, mode="lines+markers+text", line=line, marker=marker,
                                 text=texts, textposition=["top left", "top center", "bottom right"][i],
                                 textfont={"size": TICK_FONT, "color": line["color"]}, cliponaxis=False))
    same = [g for g in groups if len(g) > 1]
    note = "; ".join(join_words([series[i][0] if k == 0 else series[i][0][:1].lower() + series[i][0][1:]
                                 for k, i in enumerate(g)]) for g in same)
    _layout(fig, height=420, title=f"Acumulado {anio} frente a {anio - 1}")
    if note:  # say it: coinciding lines look like one
        fig.update_layout(title={"text": f"Acumulado {anio} frente a {anio - 1}<br><span style='font-size:16px'>"
                                         f"{_wrap('Coinciden: ' + note, 60)}</span>"})
    fig.update_layout(yaxis=_count_axis(np.concatenate([actual, base, plan])),
                      legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0})
    fig.update_xaxes(categoryorder="array", categoryarray=QUARTERS)
    return fig


QUARTER_SHORT = ["Mar", "Jun", "Sep", "Dic"]   # small panels: horizontal, never rotated over the legend


def program_trends(trend: pd.DataFrame, *, cols: int = 3, title_chars: int = 34) -> go.Figure:
    """Small multiples: per program (``programs.program_trend``), avance (solid guinda, with markers) against
    esperado (dashed, hollow markers) at each cut-off from Marzo to the chosen one, on a common 0–100 %
    scale and the whole year on the x axis; where there is no number at the cut, the panel says why
    («Pendiente (vence en Diciembre)»).

    Drawn cheaply, because it is redrawn on every quarter switch: each ROW of panels is one pair of axes
    (the programs side by side on the x axis, 5 slots apart) and each series one trace per row, with gaps
    between programs — 2 axes and 2 traces per row instead of a pair of axes and 2 traces per panel."""
    names = list(trend.drop_duplicates("programa")[["programa", "nombre"]].itertuples(index=False))
    n = max(len(names), 1)
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    slot = 5                                    # 4 quarters + a gap between panels
    titles = [f"<b>{_clean(p)}.</b> {_wrap(name, title_chars)}" for p, name in names]
    lines = max([t.count("<br>") + 1 for t in titles] or [1])
    title_px, panel_px, gap_px, legend_px = 21 * lines + 8, 170, 44, 50
    height = rows * (title_px + panel_px) + (rows - 1) * gap_px + legend_px + 30
    quarters = trend["trimestre"].to_numpy(dtype=np.int64)
    layout = _layout_dict(height=height)
    traces: list[dict[str, object]] = []
    annotations: list[dict[str, object]] = []
    for r in range(rows):
        suffix = "" if r == 0 else str(r + 1)
        top_px = 10 + r * (title_px + panel_px + gap_px) + title_px
        y1, y0 = 1 - top_px / height, 1 - (top_px + panel_px) / height
        members = names[r * cols:(r + 1) * cols]
        positions = [c * slot + q for c in range(cols) for q in range(4)]
        layout[f"xaxis{suffix}"] = {
            "domain": [0, 1], "anchor": f"y{suffix}", "range": [-0.6, cols * slot - 1.4], "showgrid": False,
            "zeroline": False, "tickmode": "array", "tickvals": positions,
            "ticktext": QUARTER_SHORT * cols, "tickangle": 0, "tickfont": {"size": TICK_FONT}, "linecolor": MUTED}
        layout[f"yaxis{suffix}"] = {
            "domain": [y0, y1], "anchor": f"x{suffix}", "range": [0, 108], "tickvals": [0, 50, 100],
            "ticktext": [f"0{PERCENT_SIGN}", f"50{PERCENT_SIGN}", f"100{PERCENT_SIGN}"], "tickfont": {"size": TICK_FONT},
            "gridcolor": GRID, "zeroline": False, "linecolor": MUTED}
        series: dict[str, tuple[list[float | None], list[float | None]]] = {"esperado_pct": ([], []),
                                                                           "avance_pct": ([], [])}
        for c, (programa, _) in enumerate(members):
            i = r * cols + c
            mask = (trend["programa"] == programa).to_numpy()
            xs = [c * slot + int(q) - 1 for q in quarters[mask]]
            for column, (x, y) in series.items():
                x.extend([*xs, None])
                y.extend([*trend[column].to_numpy(dtype=float)[mask], None])
            annotations.append({"text": titles[i], "x": c * slot - 0.5, "y": y1 + 6 / height, "xref": f"x{suffix}",
                                "yref": "paper", "xanchor": "left", "yanchor": "bottom", "align": "left",
                                "showarrow": False, "font": {"size": LABEL_FONT}})
            last = trend.loc[mask].iloc[-1] if mask.any() else None
            if last is not None and is_empty(last["avance_pct"]):  # no number at this cut: say why, in words
                words = program_status_label(last["semaforo"], vence=last.get("vence_trimestre"), icons=False)
                annotations.append({"text": _wrap(words, 24), "x": c * slot + 1.5, "y": 55, "xref": f"x{suffix}",
                                    "yref": f"y{suffix}", "showarrow": False,
                                    "font": {"size": TICK_FONT, "color": WORD_COLORS.get(last["semaforo"], MUTED)}})
        common = {"type": "scatter", "mode": "lines+markers", "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                  "connectgaps": False, "hoverinfo": "y"}
        traces.append({**common, "x": series["esperado_pct"][0], "y": series["esperado_pct"][1],
                       "name": "Esperado al corte", "legendgroup": "esperado", "showlegend": r == 0,
                       "line": {"color": PLAN_COLOR, "width": 3, "dash": "dash"},
                       "marker": {"size": 11, "symbol": "diamond-open", "line": {"width": 2}}})
        traces.append({**common, "x": series["avance_pct"][0], "y": series["avance_pct"][1],
                       "name": "Avance del programa", "legendgroup": "avance", "showlegend": r == 0,
                       "line": {"color": CURRENT_COLOR, "width": 4}, "marker": {"size": 10}})
    layout["annotations"] = annotations
    layout["shapes"] = [{"type": "line", "xref": f"x{'' if r == 0 else r + 1}", "yref": "paper",
                         "x0": c * slot - 1, "x1": c * slot - 1,
                         "y0": 1 - (10 + r * (title_px + panel_px + gap_px) + title_px + panel_px) / height,
                         "y1": 1 - (10 + r * (title_px + panel_px + gap_px) + title_px) / height,
                         "line": {"color": GRID, "width": 2}} for r in range(rows) for c in range(1, cols)]
    layout["margin"] = {"l": 50, "r": 20, "t": 0, "b": 0}
    layout["legend"] = {"orientation": "h", "yanchor": "bottom", "y": 0, "x": 0, "font": {"size": BASE_FONT}}
    return go.Figure(data=traces, layout=layout)


def program_trend_line(trend: pd.DataFrame) -> go.Figure:
    """One program's trend, large (Programa page): avance vs esperado at each cut-off, every point labelled."""
    part = trend.sort_values("trimestre")
    x = [schema.QUARTER_NAMES[int(q)] for q in part["trimestre"]]
    esperado = part["esperado_pct"].to_numpy(dtype=float)
    avance = part["avance_pct"].to_numpy(dtype=float)
    fig = go.Figure([
        go.Scatter(x=x, y=esperado, name="Esperado al corte", mode="lines+markers+text",
                   line={"color": PLAN_COLOR, "width": 3, "dash": "dash"},
                   marker={"size": 13, "symbol": "diamond-open", "line": {"width": 3}},
                   text=[format_percent(v) for v in esperado], textposition="bottom center",
                   textfont={"size": TICK_FONT, "color": PLAN_COLOR}, cliponaxis=False),
        go.Scatter(x=x, y=avance, name="Avance del programa", mode="lines+markers+text",
                   line={"color": CURRENT_COLOR, "width": 5}, marker={"size": 14},
                   text=[format_percent(v) if np.isfinite(v) else "" for v in avance], textposition="top center",
                   textfont={"size": BASE_FONT, "color": CURRENT_COLOR}, cliponaxis=False),
    ])
    _layout(fig, height=380, title="Avance frente a lo esperado, por corte")
    fig.update_yaxes(range=[0, 115], tickvals=[0, 25, 50, 75, 100], automargin=True,
                     ticktext=[f"{v}{PERCENT_SIGN}" for v in (0, 25, 50, 75, 100)], tickfont={"size": TICK_FONT})
    fig.update_xaxes(tickfont={"size": TICK_FONT})
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=QUARTERS, range=[-0.3, 3.3])
    return fig


def baseline_variation_bars(table: pd.DataFrame, anio: int) -> go.Figure:
    """Per indicator (:func:`mpi_dash.summary.baseline_table`), the variation against the same cut-off of
    the previous year as a horizontal bar (up: guinda, down: grey), labelled with its sign and both values
    («+25.0 % (4 → 5)»).  Only comparable indicators (both values, previous year > 0) get a bar; the others
    are listed by the page.  One bar per row: readable on a phone as on a projector."""
    base = pd.to_numeric(table["linea_base_acumulada"], errors="coerce")
    variation = pd.to_numeric(table["variacion_linea_base_pct"], errors="coerce")
    shown = table.assign(_v=variation, _b=base).loc[variation.notna() & (base > 0)]
    if shown.empty:
        fig = go.Figure()
        fig.add_annotation(text="Ningún indicador tiene con qué compararse en este corte", showarrow=False,
                           font={"size": BASE_FONT})
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return _layout(fig, height=160)
    labels = shown["clave"].astype(str).tolist()
    values = shown["_v"].to_numpy(dtype=float)
    texts = [f"{format_signed_percent(v)} ({format_number(b)} → {format_number(r)})"
             for v, b, r in zip(values, shown["_b"], shown["realizado_acumulado"], strict=True)]
    hover = [_clean(name) for name in shown["indicador"]]
    # Labels right of the bar's end, or right of 0 for a fall: never over the claves on the left.
    fig = go.Figure([
        go.Bar(x=values, y=labels, orientation="h", customdata=hover, text=texts, textposition="none",
               marker_color=[CURRENT_COLOR if v >= 0 else PREVIOUS_COLOR for v in values],
               hovertemplate="%{y} · %{customdata}<br>%{text}<extra></extra>"),
        go.Scatter(x=np.maximum(values, 0), y=labels, mode="text", text=[f"  {t}" for t in texts],
                   textposition="middle right", textfont={"size": TICK_FONT}, hoverinfo="skip", cliponaxis=False),
    ])
    fig.update_layout(showlegend=False)
    span = float(np.nanmax(np.abs(values))) or 1.0
    _layout(fig, height=90 + 34 * len(labels), title=f"Variación {anio} frente a {anio - 1}, mismo corte")
    fig.update_layout(margin={"l": 70, "r": 30, "t": 60, "b": 40}, bargap=0.3)
    fig.update_xaxes(range=[-span * 1.1 if (values < 0).any() else 0, span * 2.2], ticksuffix=PERCENT_SIGN,
                     zeroline=True, zerolinecolor=TEXT_COLOR, zerolinewidth=2, tickfont={"size": TICK_FONT})
    fig.update_yaxes(autorange="reversed", type="category", tickfont={"size": TICK_FONT}, showgrid=False)
    return fig
