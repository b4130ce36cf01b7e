"""The «Informe trimestral» as a letter-size PDF: :func:`build_informe` (issue 12).

Contents: portada with the stamp («Cifras preliminares» until the cut is approved), resumen ejecutivo (every
program: status, avance vs esperado, completeness), one section per program (status, its trend over the
year's cuts as a vector chart, the table of its indicators — meta, programado, realizado, cumplimiento,
semáforo as icon + word, justificación, evidencia), the exceptions, a methodology note and the signature
block (Elaboró / Revisó / Aprobó); header with the cut-off, footer with the stamp and «p. 3 de 12»; the
illustrative-data notice on the portada and on every page when the data are illustrative.

Every figure comes from the functions the dashboard uses (``summary.at_cutoff``, ``programs.program_figures``
and ``stack_trend``, ``summary.iptt_table``, ``summary.exceptions``) and every word from ``formatting``:
the PDF says what the screen says.  Missing is never 0 («—» and «Sin dato: falta el reporte de …»),
not-yet-due is never failed («Pendiente (vence en …)»).

Engine: Typst (the ``typst`` wheel: fonts embedded, no system packages, nothing fetched), chosen by
measurement — docs/dev/informe_pdf.md.  The layout is ``informe.typ``; :func:`informe_data` builds the
JSON it reads (``sys.inputs``).  Texts from the workbook reach Typst only as JSON strings, which Typst
prints as plain text — never parsed as markup — so nothing needs escaping and nothing can be injected.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mpi_dash import engine, programs, summary
from mpi_dash.data_access import Dataset, illustrative_notice
from mpi_dash.errors import SinDatosDelCorte
from mpi_dash.formatting import (
    EMPTY,
    NO_EXCEPTIONS_TEXT,
    QUARTER_MONTHS,
    SEMAFORO_COLORS,
    SEMAFORO_WORDS,
    cutoff_label,
    exception_lines,
    format_number,
    format_percent,
    indicator_status,
    is_empty,
    local_datetime,
    program_missing_lines,
    program_status_label,
    single_spaces,
)
from mpi_dash.schema import Semaforo
from mpi_dash.semaforo import Thresholds

TEMPLATE = Path(__file__).with_name("informe.typ")
INSTITUTION = ("Mecanismo de Protección Integral de Personas Defensoras de Derechos Humanos y Periodistas de la "
               "Ciudad de México")
STAMP_PRELIMINARY = "Cifras preliminares"
SIGNATURE_ROLES: tuple[str, ...] = ("Elaboró", "Revisó", "Aprobó")
TABLE_HEADERS: tuple[str, ...] = ("Indicador", "Meta anual", "Programado al corte", "Realizado al corte",
                                  "Cumplimiento", "Semáforo", "Justificación", "Evidencia")
SUMMARY_HEADERS: tuple[str, ...] = ("Programa", "Estado", "Avance", "Esperado", "Indicadores con dato")
# The columns of the two tables: (header, key of the row's text, "numero" | "texto", share of the free width,
# drawn after a semáforo icon).  Widths come from the content (``informe.typ``, ``fitted-table``): a number
# column is as wide as its widest value or header word, a text column at least as wide as its widest word
# (header or cell) and shares the rest by weight — so headers never run into each other.
TABLE_COLUMNS: tuple[tuple[str, str, str, float, bool], ...] = (
    ("Indicador", "indicador", "texto", 2.8, False), ("Meta anual", "meta", "numero", 0, False),
    ("Programado al corte", "programado", "numero", 0, False),
    ("Realizado al corte", "realizado", "numero", 0, False),
    ("Cumplimiento", "cumplimiento", "numero", 0, False), ("Semáforo", "semaforo", "texto", 1.6, True),
    ("Justificación", "justificacion", "texto", 2.5, False), ("Evidencia", "evidencia", "texto", 2.0, False),
)
SUMMARY_COLUMNS: tuple[tuple[str, str, str, float, bool], ...] = (
    ("Programa", "nombre", "texto", 2.6, False), ("Estado", "estado", "texto", 1.5, True),
    ("Avance", "avance", "numero", 0, False), ("Esperado", "esperado", "numero", 0, False),
    ("Indicadores con dato", "completitud", "texto", 2.2, False),
)
LONGEST_WORDS = 12   # per text column, the longest words (by characters) that Typst measures
GRADED = (Semaforo.VERDE.value, Semaforo.AMARILLO.value, Semaforo.ROJO.value)


def build_informe(dataset: Dataset, anio: int, trimestre: int, *, stamp: str = STAMP_PRELIMINARY,
                  firmas: Mapping[str, str] | None = None, cuts: Sequence[pd.DataFrame] | None = None) -> bytes:
    """The PDF of the cut-off ``anio``/``trimestre`` (bytes).

    ``stamp``: the approval stamp printed on the portada and in every footer («Cifras aprobadas por … el
    dd/mm/aaaa» / «Cifras preliminares»).  ``firmas``: names under Elaboró / Revisó / Aprobó (missing roles
    leave the line blank, role printed).  ``cuts``: the cut frames to report (see :func:`cut_frames`).
    Raises :class:`mpi_dash.errors.SinDatosDelCorte` when the plan has no indicator of ``anio`` and
    ``ValueError`` for a quarter outside 1–4.
    """
    return compile_pdf(informe_data(dataset, anio, trimestre, stamp=stamp, firmas=firmas, cuts=cuts))


def compile_pdf(data: Mapping[str, Any]) -> bytes:
    """Typst → PDF of :func:`informe_data`'s dictionary (embedded fonts only, tagged PDF)."""
    import typst

    compiler = typst.Compiler(TEMPLATE.read_bytes(), ignore_system_fonts=True,
                              sys_inputs={"data": json.dumps(data, ensure_ascii=False)})
    return compiler.compile(format="pdf", timestamp=_now())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


# --------------------------------------------------------------------------- the data the template writes


def cut_frames(dataset: Dataset, anio: int, trimestre: int,
               cuts: Sequence[pd.DataFrame] | None = None) -> list[pd.DataFrame]:
    """``summary.at_cutoff`` of every cut from Marzo to ``trimestre`` of ``anio`` (the last one is the cut);
    :class:`SinDatosDelCorte` when the plan has no indicator of that year.  ``cuts``: those frames as they
    are to be reported — the dashboard and the command line pass the approved figures (approved programs
    from the revision their approval pinned) so the informe reads like Resumen; without them, the latest
    data."""
    if int(trimestre) not in QUARTER_MONTHS:
        raise ValueError(f"Trimestre inválido: {trimestre!r}; se esperaba 1, 2, 3 o 4.")
    plan = dataset.plan
    plan_year = plan.loc[plan["anio"].to_numpy() == int(anio)]
    if plan_year.empty:
        years = ", ".join(str(y) for y in summary.available_years(plan)) or "ninguno"
        raise SinDatosDelCorte(f"No hay datos del corte: el plan no tiene indicadores del año {int(anio)} "
                               f"(años del plan: {years}). No se generó el informe.")
    if cuts is not None:
        if len(cuts) != int(trimestre):
            raise ValueError(f"Se esperaban {int(trimestre)} cortes (de Marzo al corte) y llegaron {len(cuts)}.")
        return list(cuts)
    avances = dataset.avances
    years = avances["anio"].to_numpy()
    results = engine.compute_all(plan_year, avances.loc[(years == anio) | (years == anio - 1)], dataset.parametros)
    return [summary.at_cutoff(results, plan_year, int(anio), k) for k in range(1, int(trimestre) + 1)]


def informe_data(dataset: Dataset, anio: int, trimestre: int, *, stamp: str = STAMP_PRELIMINARY,
                 firmas: Mapping[str, str] | None = None, generado: dt.datetime | None = None,
                 cuts: Sequence[pd.DataFrame] | None = None) -> dict[str, Any]:
    """Every text of the informe (JSON-able, plain strings): what :data:`TEMPLATE` lays out."""
    cuts = cut_frames(dataset, anio, trimestre, cuts)
    cut = cuts[-1]
    per_cut = [programs.program_figures(c, dataset.parametros) for c in cuts]
    figures, trend = per_cut[-1], programs.stack_trend(per_cut)
    iptt = summary.iptt_table(cut)
    corte = cutoff_label(anio, trimestre)
    stamp = _plain(stamp) or STAMP_PRELIMINARY
    month = QUARTER_MONTHS[int(trimestre)]
    titulo = f"Informe de avance del Plan Anual de Trabajo {int(anio)}"
    rows_of = _split(iptt, "programa_num")
    trend_of = _split(trend, "programa")
    program_rows = [_program(row, rows_of.get(str(row["programa"]), iptt.iloc[:0]),
                             trend_of.get(str(row["programa"]), trend.iloc[:0]), int(trimestre))
                    for row in figures.to_dict("records")]
    notes = [f"Cifras al {corte}.", _plain(dataset.origen),
             f"Generado el {local_datetime(generado or _now())} (hora de la Ciudad de México)."]
    return {
        "institucion": INSTITUTION,
        "titulo": titulo,
        "subtitulo": f"Informe trimestral · corte a {month} {int(anio)}",
        "corte": f"Cifras al {corte}",
        "encabezado": f"{titulo} · MPI CDMX",
        "pie": stamp,
        "sello": stamp,
        "ilustrativo": bool(dataset.ilustrativo),
        "aviso_ilustrativo": dataset.aviso_ilustrativo,  # names the programs that hold sample values
        "aviso_ilustrativo_corto": illustrative_notice(dataset.programas_ilustrativos),  # page headers
        "portada_notas": [n for n in notes if n],
        "resumen_intro": _summary_intro(figures),
        "resumen_encabezados": list(SUMMARY_HEADERS),
        "resumen_columnas": _columns(SUMMARY_COLUMNS, [{**p, "nombre": f"{p['numero']}. {p['nombre']}"}
                                                       for p in program_rows]),
        "conteo": _counts(cut),
        "programas": program_rows,
        "tabla_encabezados": list(TABLE_HEADERS),
        "sin_indicadores": "El programa no tiene indicadores en el plan de este año.",
        "excepciones_intro": ("Indicadores en rojo, en amarillo (por rezago o por sobrecumplimiento) o sin dato al "
                              "corte, del más grave al menos grave: rojo por rezago, amarillo por rezago, sin "
                              "dato, rojo y amarillo por sobrecumplimiento."),
        "sin_excepciones": NO_EXCEPTIONS_TEXT,
        "excepciones": [_exception(row) for row in summary.exceptions(cut).to_dict("records")],
        "metodologia": _methodology(dataset.parametros),
        "firmas_titulo": "Firmas",
        "firmas": [{"rol": role, "nombre": _plain((firmas or {}).get(role))} for role in SIGNATURE_ROLES],
    }


def _split(frame: pd.DataFrame, column: str) -> dict[str, pd.DataFrame]:
    """The rows of each program (keyed by its number as text), in the frame's order."""
    return {str(key): part for key, part in frame.groupby(frame[column].astype(str), sort=False)}


def _plain(value: object) -> str:
    """A workbook or user text as one plain line ('' when empty): single spaces, control characters out."""
    if is_empty(value):
        return ""
    text = "".join(ch if ch.isprintable() or ch in "\t\n" else " " for ch in str(value))
    return single_spaces(text)


def _or_dash(value: object) -> str:
    return _plain(value) or EMPTY


def _colour(semaforo: object) -> str:
    return SEMAFORO_COLORS.get(str(semaforo), SEMAFORO_COLORS[Semaforo.SIN_DATO])


def _summary_intro(figures: pd.DataFrame) -> list[str]:
    graded = figures["semaforo"].isin(GRADED)
    words = {s: int((figures["semaforo"] == s).sum()) for s in GRADED}
    parts = [f"{n} en {SEMAFORO_WORDS[s].lower()}" for s, n in words.items() if n]
    rest = len(figures) - int(graded.sum())
    if rest:
        parts.append(f"{rest} sin cifra de avance (pendientes, sin dato o sin meta)")
    incomplete = int((~figures["completo"].astype(bool)).sum())
    lines = [f"De los {len(figures)} programas: {', '.join(parts) if parts else 'ninguno con cifra de avance'}."]
    if incomplete:
        lines.append(f"{incomplete} de {len(figures)} programas tienen indicadores sin dato al corte: su avance "
                     "se calcula solo con los indicadores que tienen dato y se marcan «incompleto».")
    lines.append("Avance: promedio del avance de los indicadores medibles con dato; esperado: lo programado al "
                 "corte para esos mismos indicadores. Un programa sin nada programado todavía no tiene cifra.")
    return lines


def _counts(cut: pd.DataFrame) -> str:
    counts = summary.semaforo_counts(cut)
    parts = [f"{SEMAFORO_WORDS[s]} {int(n)}" for s, n in zip(counts["semaforo"], counts["n"], strict=True)]
    return f"Indicadores al corte: {' · '.join(parts)} · Total {int(counts['n'].sum())}."


def _completeness(row: Mapping[str, Any]) -> str:
    """«4 de 5 con meta o hito tienen dato (13 indicadores en total). ⚠ 1 de 5 con meta o hito sin dato: 3.4.
    Sin reporte (informativo): 2.2» — the counts of ``programs.program_figures``, which add up."""
    medibles, con_dato = int(row["n_medibles"]), int(row["n_con_dato"])
    total = int(row["n_indicadores"])
    base = (f"{con_dato} de {medibles} con meta o hito {'tiene' if con_dato == 1 else 'tienen'} dato"
            if medibles else "ningún indicador con meta o hito")
    base += f" ({total} {'indicador' if total == 1 else 'indicadores'} en total)"
    return ". ".join([base, *program_missing_lines(row)])


def _program(row: Mapping[str, Any], part: pd.DataFrame, part_trend: pd.DataFrame, trimestre: int) -> dict[str, Any]:
    """One program's section: ``part`` its rows of ``summary.iptt_table``, ``part_trend`` its trend."""
    graded = row["semaforo"] in GRADED
    estado = program_status_label(row["semaforo"], row["direccion_desvio"], completo=bool(row["completo"]),
                                  vence=row["vence_trimestre"], icons=False)
    avance = format_percent(row["avance_pct"]) if graded else EMPTY
    esperado = format_percent(row["esperado_pct"]) if graded else EMPTY
    avance_texto = (f"{avance} frente a {esperado} esperado al corte "
                    f"(cumplimiento {format_percent(row['cumplimiento_pct'])})" if graded
                    else f"Sin cifra de avance: {estado[:1].lower()}{estado[1:]}")
    not_graded = int((~part["tipo_calculo"].isin(("avance_meta", "hito"))).sum())
    return {
        "numero": str(row["programa"]),
        "nombre": _plain(row["nombre"]),
        "estado": estado,
        "color": _colour(row["semaforo"]),
        "avance": avance,
        "esperado": esperado,
        "avance_texto": avance_texto,
        "completitud": _completeness(row),
        "titulo_grafica": "Avance frente a lo esperado, por corte",
        "grafica": _chart(part_trend, trimestre),
        "titulo_tabla": "Indicadores al corte",
        "indicadores": (indicators := [_indicator(r) for r in part.to_dict("records")]),
        "columnas": _columns(TABLE_COLUMNS,
                             [{**r, "indicador": f"{r['clave']} {r['indicador']}"} for r in indicators]),
        "nota_tabla": _not_averaged(not_graded),
    }


def _columns(spec: Sequence[tuple[str, str, str, float, bool]],
             rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What ``fitted-table`` needs to size each column from its content: header, kind, weight, icon, and the
    words to measure — every value of a number column, the :data:`LONGEST_WORDS` longest words of a text
    column (Typst breaks text columns only between words)."""
    out = []
    for header, key, kind, weight, icon in spec:
        values = [str(r.get(key) or "") for r in rows]
        if kind == "numero":
            words = sorted(set(values))
        else:
            words = sorted({w for v in values for w in v.split()}, key=lambda w: (-len(w), w))[:LONGEST_WORDS]
        out.append({"encabezado": header, "tipo": kind, "peso": weight, "icono": icon, "palabras": words})
    return out


def _not_averaged(n: int) -> str | None:
    if not n:
        return None
    which = "1 indicador de conteo o de comparación con el periodo o año anterior se informa pero no entra" if n == 1 \
        else f"{n} indicadores de conteo o de comparación con el periodo o año anterior se informan pero no entran"
    return f"{which} al promedio del programa."


def _indicator(row: Mapping[str, Any]) -> dict[str, str]:
    return {
        "clave": _plain(row["clave"]),
        "indicador": _or_dash(row["indicador"]),
        "meta": format_number(row["meta"]),
        "programado": format_number(row["programado_acumulado"]),
        "realizado": format_number(row["realizado_acumulado"]),
        "cumplimiento": format_percent(row["cumplimiento_pct"]),
        "semaforo": indicator_status(row["semaforo"], row["direccion_desvio"], faltan=row["reportes_faltantes"],
                                     vence=row["vence_trimestre"], icons=False),
        "color": _colour(row["semaforo"]),
        "justificacion": _or_dash(row["justificacion"]),
        "evidencia": _or_dash(row["evidencia"]),
    }


# --------------------------------------------------------------------------- the trend chart's geometry
# Every position of the trend chart is computed here, in centimetres from the chart's top-left corner, and
# the template only draws it: so the label boxes can be checked (never two labels, or a label and a marker,
# on top of each other — the old «43.3 %» printed over «50.0 %»), and Typst itself reports the measured size
# of each label text (``<etiqueta>`` metadata) to check it fits its box.

PT = 2.54 / 72                      # one typographic point in cm
CHART_WIDTH, CHART_HEIGHT = 15.5, 4.8
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 1.3, 0.6, 0.7, 0.7   # margins around the plot area
LEGEND_HEIGHT = 0.6
MONTH_GAP = 0.22                    # month names start this far under the 0 % line (clear of a marker at 0 %)
LABEL_PT = {"avance": 8.5, "esperado": 7.5}
MARKER_HALF = {"avance": 3.5 * PT, "esperado": 4.3 * PT}   # circle radius; half the diagonal of the diamond
LABEL_GAP = 2.0 * PT                # between a marker and its label
CHAR_EM = 0.5                       # label box width per character, in em (bold digits measure ~0.45 em)
NOTE_CHAR_EM = 0.55                 # the same for the note's letters
LINE_EM = 1.0                       # box height, in em (the label text is one line of digits: ~0.7 em)
NOTE_PT, NOTE_WIDTH = 8.5, 4.4      # the status note where the cut has no number


def _sx(q: float) -> float:
    return PLOT_LEFT + (q - 0.5) / 4 * (CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT)


def _sy(v: float) -> float:
    plot = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    return PLOT_TOP + plot - max(0.0, min(100.0, v)) / 100 * plot


def _box(x: float, y: float, w: float, h: float) -> dict[str, float]:
    return {"x": round(x, 4), "y": round(y, 4), "w": round(w, 4), "h": round(h, 4)}


def overlap(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Do two boxes (x, y, w, h; cm) share any area?"""
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and \
        b["y"] < a["y"] + a["h"]


def _label_candidates(x: float, y: float, w: float, h: float, r: float, first: str) -> list[dict[str, float]]:
    """Where a label may go around its marker at (x, y), best first: on ``first`` side ("above"/"below"),
    the other side, right, left, then further above and below."""
    above = _box(x - w / 2, y - r - LABEL_GAP - h, w, h)
    below = _box(x - w / 2, y + r + LABEL_GAP, w, h)
    right = _box(x + r + LABEL_GAP, y - h / 2, w, h)
    left = _box(x - r - LABEL_GAP - w, y - h / 2, w, h)
    ordered = [above, below] if first == "above" else [below, above]
    further = [_box(x - w / 2, y - r - LABEL_GAP - h * (1 + k), w, h) for k in (1, 2)] + \
        [_box(x - w / 2, y + r + LABEL_GAP + h * k, w, h) for k in (1, 2)]
    return [*ordered, right, left, *further]


def _chart_area() -> dict[str, float]:
    """Where labels may go: the chart's box down to just above the month names."""
    return _box(0.0, 0.0, CHART_WIDTH, CHART_HEIGHT - PLOT_BOTTOM + MONTH_GAP)


def _inside(box: Mapping[str, float], area: Mapping[str, float]) -> bool:
    return box["x"] >= area["x"] and box["y"] >= area["y"] and box["x"] + box["w"] <= area["x"] + area["w"] \
        and box["y"] + box["h"] <= area["y"] + area["h"]


Segments = list[list[list[float]]]


def _series_points(quarters: np.ndarray, values: np.ndarray) -> tuple[list[tuple[int, float]], Segments]:
    """(points, segments) of one line: a cut without a number breaks the line (never drawn as 0)."""
    points: list[tuple[int, float]] = []
    segments: Segments = []
    current: list[list[float]] = []
    for q, v in zip(quarters.tolist(), values.tolist(), strict=True):
        if v is None or not np.isfinite(v):
            if current:
                segments.append(current)
            current = []
            continue
        points.append((int(q), float(v)))
        current.append([round(_sx(q), 4), round(_sy(v), 4)])
    if current:
        segments.append(current)
    return points, segments


def chart_layout(avance: Mapping[int, float], esperado: Mapping[int, float],
                 nota: str | None = None, nota_q: int = 4) -> dict[str, Any]:
    """Markers, labels (with their boxes) and the note of the trend chart, in cm.  ``avance`` / ``esperado``:
    {quarter: value %} of the cuts that have a number.  At each cut the higher value is labelled above its
    marker and the lower one below its own (so the two labels are never between the two markers); a label
    that would collide with a marker, another label or the note, or leave the chart, takes the next place
    around its marker (:func:`_label_candidates`)."""
    markers = [{"serie": s, "q": q, "v": v, **_box(_sx(q) - MARKER_HALF[s], _sy(v) - MARKER_HALF[s],
                                                   2 * MARKER_HALF[s], 2 * MARKER_HALF[s])}
               for s, values in (("esperado", esperado), ("avance", avance)) for q, v in sorted(values.items())]
    placed: list[dict[str, Any]] = []
    note = None
    if nota:  # the status in words where the cut has no number, clear of the markers
        w = min(NOTE_WIDTH, max(2.0, len(nota) * NOTE_PT * PT * NOTE_CHAR_EM))
        lines = max(1, int(np.ceil(len(nota) * NOTE_PT * PT * NOTE_CHAR_EM / w)))
        x = min(max(_sx(nota_q) - w / 2, PLOT_LEFT), CHART_WIDTH - PLOT_RIGHT - w)
        h = lines * NOTE_PT * PT * 1.35
        options = [_box(x, _sy(v) - h / 2, w, h) for v in (62.5, 37.5, 87.5)]  # between grid lines
        note = {"texto": nota, "pt": NOTE_PT,
                **next((b for b in options if not any(overlap(b, m) for m in markers)), options[0])}
    area = _chart_area()
    for q in sorted(set(avance) | set(esperado)):
        here = [(s, values[q]) for s, values in (("avance", avance), ("esperado", esperado)) if q in values]
        here.sort(key=lambda sv: -sv[1])        # higher value first (ties: avance), labelled above
        for rank, (serie, v) in enumerate(here):
            text = format_percent(v)
            size = LABEL_PT[serie]
            w, h = len(text) * CHAR_EM * size * PT, LINE_EM * size * PT
            obstacles = [*markers, *placed, *([note] if note else [])]
            options = _label_candidates(_sx(q), _sy(v), w, h, MARKER_HALF[serie],
                                        "above" if rank == 0 else "below")
            box = next((b for b in options if _inside(b, area) and not any(overlap(b, o) for o in obstacles)),
                       options[0])
            placed.append({"serie": serie, "q": q, "texto": text, "pt": size, **box})
    return {"marcadores": markers, "etiquetas": placed, "nota": note}


def _chart(part: pd.DataFrame, trimestre: int) -> dict[str, Any]:
    part = part.sort_values("trimestre")
    quarters = part["trimestre"].to_numpy(dtype=np.int64)
    last = part.iloc[-1] if len(part) else None
    note = None
    if last is not None and is_empty(last["avance_pct"]):  # no number at this cut: say why, in words
        note = program_status_label(last["semaforo"], vence=last.get("vence_trimestre"), icons=False)
    avance, avance_segments = _series_points(quarters, part["avance_pct"].to_numpy(dtype=float))
    esperado, esperado_segments = _series_points(quarters, part["esperado_pct"].to_numpy(dtype=float))
    layout = chart_layout(dict(avance), dict(esperado), note, int(trimestre))
    return {
        "ancho": CHART_WIDTH, "alto": CHART_HEIGHT, "alto_total": CHART_HEIGHT + LEGEND_HEIGHT,
        "izq": PLOT_LEFT, "der": CHART_WIDTH - PLOT_RIGHT,
        "rejilla": [{"v": v, "y": round(_sy(v), 4), "texto": f"{v} %"} for v in (0, 25, 50, 75, 100)],
        "meses": [{"texto": QUARTER_MONTHS[k], "x": round(_sx(k), 4)} for k in range(1, 5)],
        "meses_y": round(CHART_HEIGHT - PLOT_BOTTOM + MONTH_GAP, 4),
        "segmentos_avance": avance_segments,
        "segmentos_esperado": esperado_segments,
        **layout,
        "nota_color": _colour(last["semaforo"]) if last is not None else SEMAFORO_COLORS[Semaforo.SIN_DATO],
        "leyenda_avance": "Avance del programa",
        "leyenda_esperado": "Esperado al corte",
    }


def _exception(row: Mapping[str, Any]) -> dict[str, str]:
    status = indicator_status(row["semaforo"], row["direccion_desvio"], faltan=row["reportes_faltantes"],
                              vence=row["vence_trimestre"], icons=False)
    if str(row["semaforo"]) in ("", Semaforo.SIN_DATO):
        status = SEMAFORO_WORDS[Semaforo.SIN_DATO]
    _, where, versus, why = exception_lines(row)
    return {"titulo": f"{status} · {_plain(row['clave'])} · {_or_dash(row['nombre'])}", "color": _colour(row["semaforo"]),
            "donde": where, "versus": versus, "justificacion": why}


def _methodology(parametros: Mapping[str, float]) -> list[str]:
    """The note for the informe's readers (the Junta de Gobierno): how avance and semáforo are computed, in
    words, and where the dashboard explains it — never a file of the project."""
    rule = Thresholds.from_parametros(parametros).text()
    return [
        "Avance de cada indicador. Los indicadores con meta anual se miden como porcentaje de esa meta "
        "(lo realizado de enero al corte, o en el trimestre cuando la meta es por trimestre), topado en "
        "100 %; los hitos valen 100 % cuando se alcanzaron y 0 % cuando vencieron sin alcanzarse. Lo esperado "
        "al corte es lo programado hasta ese trimestre como porcentaje de la meta. Los conteos, las "
        "comparaciones con el trimestre o el año anterior y los indicadores sin meta anual son informativos: "
        "se informan en la tabla pero no entran al promedio.",
        "Avance de cada programa. Es el promedio del avance de sus indicadores con meta anual o hito que tienen "
        "dato al corte; lo esperado, el promedio de lo programado para esos mismos indicadores; el cumplimiento, "
        "el avance entre lo esperado, por cien. Un indicador sin reporte nunca cuenta como 0: se nombra, y si "
        "entra al promedio el programa se marca «incompleto» («4 de 5 con meta o hito tienen dato»); a un "
        "indicador informativo sin reporte se le nombra aparte («Sin reporte (informativo)»). Si al corte todavía "
        "no se esperaba nada, el programa queda «Pendiente» con el trimestre en que vence su primera meta, sin "
        "cifra.",
        f"Semáforo. Compara el cumplimiento con lo esperado: {rule}. Los umbrales los fija el Mecanismo en el "
        "libro de datos del plan. Amarillo y rojo dicen si es por rezago (↓) o por sobrecumplimiento (↑); «Sin "
        "dato» dice qué reporte falta y «Pendiente» cuándo vence la meta.",
        "Las cifras son las mismas que muestra el tablero de seguimiento en el mismo corte, calculadas con las "
        "mismas reglas; el tablero las explica, con ejemplos, al pie de su página «Resumen» («¿Cómo se calcula "
        "el avance de cada programa?»). Las justificaciones y evidencias se transcriben tal como las capturaron "
        "las áreas responsables.",
    ]
