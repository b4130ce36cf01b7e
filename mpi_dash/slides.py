"""The slides of one cut-off as data: THE sequence behind the page «Presentación» (HTML, ``slides_html``) and
the PowerPoint deck (``deck``).  No Streamlit, no HTML, no python-pptx here: texts and numbers only.

Sequence (issue 12): portada → overview of the programs → per program its status, avance vs esperado,
completeness, its indicators' key figures, its exceptions with justificación and its trend over the year's
cut-offs → exceptions (rojo, amarillo, sin dato, sobrecumplimiento) → closing slide.

Honest slides, like the screens (docs/tablero.md):

* every figure comes from :func:`mpi_dash.programs.program_figures` / :func:`~mpi_dash.programs.program_trend`
  (programs) and the cut-off frame / :func:`mpi_dash.summary.exceptions` (indicators) — one rule each;
* a missing value is ``None`` with words saying why («Sin dato: falta el reporte de Junio», «Pendiente
  (vence en Diciembre)»), never 0; a target not yet due is «Pendiente», never a failure;
* statuses are words (never the internal codes; the code travels in ``semaforo`` for colours only);
* texts from the workbook are kept as they were typed (single spaces): the renderers escape them;
* nothing is cut with «…»: what does not fit a 16:9 slide continues on the next one («2 de 3»).  How much
  fits is estimated here (characters per line of the 1920×1080 layout the renderers draw), the browser test
  checks that every slide fits 1920×1080 and 1366×768.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import pandas as pd

from mpi_dash import programs as program_rules
from mpi_dash import summary
from mpi_dash.data_access import illustrative_notice
from mpi_dash.errors import SinDatosDelCorte
from mpi_dash.formatting import (
    CUMULATIVE_SPANS,
    NO_EXCEPTIONS_TEXT,
    QUARTER_MONTHS,
    SEMAFORO_COLORS,
    SEMAFORO_WORDS,
    format_count,
    format_percent,
    indicator_metric,
    indicator_status,
    informative_missing_text,
    is_empty,
    join_words,
    program_status_label,
    single_spaces,
    versus_text,
)
from mpi_dash.schema import Semaforo

INSTITUCION = ("Mecanismo de Protección Integral de Personas Defensoras de Derechos Humanos y Periodistas de "
               "la Ciudad de México")
DEFAULT_STAMP = "Cifras preliminares"

# Slide kinds (the renderers' layouts).
PORTADA, RESUMEN, PROGRAMA, EXCEPCIONES, CIERRE = "portada", "resumen", "programa", "excepciones", "cierre"

# Capacity of the 1920×1080 layout (see slides_html / deck): characters per line of each column and lines per
# slide body, at the body font size.  Conservative: the browser test measures the real fit.
LIST_CHARS = 70          # right-hand column of a program slide (indicators)
WIDE_CHARS = 110         # full-width lists (exceptions slide)
LIST_LINES = 21.0        # lines of the right-hand column / of a full-width list
PROGRAMS_PER_SLIDE = 6   # overview rows per slide
COLOURED = (Semaforo.VERDE.value, Semaforo.AMARILLO.value, Semaforo.ROJO.value)

# Colours of the institution and the dashboard (mpi_dash.figures: CURRENT_COLOR, PLAN_COLOR, WORD_COLORS), for
# the renderers; kept here so the deck and the page do not import Plotly.
GUINDA = "#9F2241"
GUINDA_OSCURO = "#691C32"
DORADO = "#8A6D3B"        # esperado / programado
TEXTO = "#1B1B1B"
GRIS = "#5B6B7F"
STATUS_COLORS: dict[str, str] = {**SEMAFORO_COLORS, Semaforo.AMARILLO.value: "#8A6500",
                                 Semaforo.SIN_DATO.value: "#555555", Semaforo.SIN_META.value: "#555555"}

T = TypeVar("T")


@dataclass(frozen=True)
class Bar:
    """Avance against esperado of a program at one cut-off, as numbers (None = no figure) and words."""

    avance_pct: float | None
    esperado_pct: float | None
    semaforo: str          # code: colours only, never shown
    estado: str            # «Verde · incompleto», «Pendiente (vence en Diciembre)», «Rojo ↓ rezago»
    avance: str            # «77.1 %», or why there is no figure («Sin cifra: pendiente»)
    esperado: str          # «75.0 %» / «—»


@dataclass(frozen=True)
class ProgramRow:
    numero: str
    nombre: str
    bar: Bar
    completo: bool
    completitud: str       # «Completo: 5 de 5 indicadores con meta o hito con dato» / «Incompleto: 1 de 5 … (3.4)»
    completitud_corta: str = ""   # the overview's column: «Completo» / «Incompleto: 1 de 5 sin dato»


@dataclass(frozen=True)
class IndicatorRow:
    clave: str
    nombre: str
    etiqueta: str          # «Avance de la meta anual», «Conteo acumulado en el año», «Hito»
    valor: str             # «75.0 %», «12», «Alcanzado», «—»
    nota: str              # what the value is against, or which report is missing
    estado: str            # status in words
    semaforo: str          # code: colours only
    excepcion: bool = False            # rojo, amarillo or sin dato: shown with its justificación
    justificacion: str | None = None


@dataclass(frozen=True)
class ExceptionRow:
    grupo: str             # «Rojo ↓ rezago», «Sin dato», «Sobrecumplimiento»…
    clave: str
    nombre: str
    programa: str          # «Programa 3»
    estado: str
    semaforo: str
    responsable: str
    versus: str            # value against what was programmed, in words
    justificacion: str | None


@dataclass(frozen=True)
class TrendPoint:
    trimestre: str         # «Marzo»
    bar: Bar


@dataclass(frozen=True)
class Slide:
    kind: str
    title: str
    subtitle: str = ""
    lines: tuple[str, ...] = ()                 # portada / cierre / empty lists: plain sentences
    programs: tuple[ProgramRow, ...] = ()       # overview
    program: ProgramRow | None = None           # program slides
    indicators: tuple[IndicatorRow, ...] = ()
    exceptions: tuple[ExceptionRow, ...] = ()
    trend: tuple[TrendPoint, ...] = ()          # first part of a program only
    part: tuple[int, int] = (1, 1)              # «2 de 3» when a program or list continues
    notes: str = ""                             # speaker notes: justificaciones


@dataclass(frozen=True)
class Deck:
    anio: int
    trimestre: int
    corte: str            # «corte a Junio 2023 (acumulado enero–junio)»
    stamp: str
    #: Programs whose avances still hold bundled sample values (``Dataset.programas_ilustrativos``).
    ilustrativos: tuple[str, ...]
    origen: str
    slides: tuple[Slide, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.slides)

    @property
    def ilustrativo(self) -> bool:
        return bool(self.ilustrativos)

    @property
    def aviso_ilustrativo(self) -> str:
        """The footer's notice of every slide: «Datos ilustrativos en el programa 3» ('' when none remain)."""
        return illustrative_notice(self.ilustrativos)


# --------------------------------------------------------------------------- small helpers
def _text(value: object) -> str:
    return "" if is_empty(value) else single_spaces(str(value))


def _number(value: object) -> float | None:
    return None if is_empty(value) else float(value)  # type: ignore[arg-type]


def lines_of(text: str, chars: int) -> int:
    """Lines a text takes in a column of ``chars`` characters (words never split)."""
    count, line = 1, 0
    for word in text.split():
        if line and line + 1 + len(word) > chars:
            count, line = count + 1, len(word)
        else:
            line += (1 if line else 0) + len(word)
    return count


def paginate(items: Sequence[T], cost: Callable[[T], float], budget: float) -> list[list[T]]:
    """Items in order, as many per page as fit ``budget`` (an item larger than a page gets a page of its own;
    no items → one empty page)."""
    pages: list[list[T]] = [[]]
    used = 0.0
    for item in items:
        need = cost(item)
        if pages[-1] and used + need > budget:
            pages.append([])
            used = 0.0
        pages[-1].append(item)
        used += need
    return pages


def balanced_pages(items: Sequence[T], cost: Callable[[T], float], budget: float) -> list[list[T]]:
    """:func:`paginate` with the fewest pages, the items spread evenly over them (no last page with one
    item)."""
    pages = paginate(items, cost, budget)
    if len(pages) < 2:
        return pages
    total = sum(cost(i) for i in items)
    tight = max(total / len(pages), max(cost(i) for i in items))
    while tight < budget:
        trial = paginate(items, cost, tight)
        if len(trial) <= len(pages):
            return trial
        tight += 0.25
    return pages


def bar_of(row: object) -> Bar:
    """A row of ``program_figures`` (or of its trend) as a :class:`Bar`."""
    code = _text(getattr(row, "semaforo", None)) or Semaforo.SIN_DATO.value
    estado = program_status_label(code, getattr(row, "direccion_desvio", None),
                                  completo=bool(getattr(row, "completo", True)),
                                  vence=getattr(row, "vence_trimestre", None), icons=False)
    avance = _number(getattr(row, "avance_pct", None)) if code in COLOURED else None
    esperado = _number(getattr(row, "esperado_pct", None)) if code in COLOURED else None
    if avance is not None:
        avance_text = format_percent(avance)
    elif code == Semaforo.PENDIENTE:
        avance_text = "Sin cifra: nada vence todavía"
    elif code == Semaforo.SIN_META:
        avance_text = "Sin cifra: sin meta anual ni hitos"
    else:
        avance_text = "Sin cifra: sin dato"
    return Bar(avance, esperado, code, estado, avance_text, format_percent(esperado))


NAMED_MISSING = 4  # up to this many indicators without data are named in the completeness line


def completeness_text(row: object, *, short: bool = False) -> str:
    """«Completo: 5 de 5 indicadores con meta o hito con dato» / «Incompleto: 1 de 5 indicadores con meta o hito
    sin dato (3.4)» — out of the measurable indicators (``n_medibles``); an informative indicator without its
    report is named after it, never as «incompleto» («… Sin reporte (informativo): 2.2»).  With more than
    :data:`NAMED_MISSING` missing, the program's slides name each one in its list (never cut)."""
    n = int(getattr(row, "n_medibles", 0))
    missing = [str(c) for c in (getattr(row, "claves_faltantes", ()) or ())]
    informative = informative_missing_text(getattr(row, "claves_informativos_sin_reporte", ()))
    noun = "indicador" if n == 1 else "indicadores"
    if short:
        text = f"Incompleto: {format_count(len(missing))} de {format_count(n)} sin dato" if missing else \
            "Completo"
        return f"{text} · {informative}" if informative else text
    if not missing:
        text = f"Completo: {format_count(n)} de {format_count(n)} {noun} con meta o hito con dato"
    else:
        which = f"({join_words(missing)})" if len(missing) <= NAMED_MISSING else \
            "(cada uno dice «Sin dato» en su lista)"
        text = (f"Incompleto: {format_count(len(missing))} de {format_count(n)} {noun} con meta o hito sin dato "
                f"{which}")
    return f"{text}. {informative}" if informative else text


def program_row(row: object) -> ProgramRow:
    return ProgramRow(numero=_text(row.programa), nombre=_text(row.nombre), bar=bar_of(row),  # type: ignore[attr-defined]
                      completo=bool(row.completo), completitud=completeness_text(row),  # type: ignore[attr-defined]
                      completitud_corta=completeness_text(row, short=True))


def indicator_row(row: dict, *, excepcion: bool = False) -> IndicatorRow:
    """One indicator of the cut-off frame; an exception carries its value against what was programmed and
    its justificación."""
    etiqueta, valor, nota = indicator_metric(row)
    if excepcion:
        nota = versus_text(row)
    estado = indicator_status(row.get("semaforo"), row.get("direccion_desvio"),
                              faltan=row.get("reportes_faltantes"), vence=row.get("vence_trimestre"), icons=False)
    code = _text(row.get("semaforo")) or Semaforo.SIN_DATO.value
    for mark in ("✅ ", "❌ ", "⏳ "):  # milestone words keep their meaning without the emoji
        valor = valor.replace(mark, "")
    return IndicatorRow(clave=_text(row.get("clave")), nombre=_text(row.get("nombre")), etiqueta=etiqueta,
                        valor=valor, nota=_text(nota), estado=estado, semaforo=code, excepcion=excepcion,
                        justificacion=_text(row.get("justificacion")) or None)


GROUPS = {1: "Rojo ↓ rezago", 2: "Amarillo ↓ rezago", 3: "Sin dato", 4: "Sobrecumplimiento (rojo ↑)",
          5: "Sobrecumplimiento (amarillo ↑)"}


def exception_row(row: dict) -> ExceptionRow:
    estado = indicator_status(row.get("semaforo"), row.get("direccion_desvio"),
                              faltan=row.get("reportes_faltantes"), vence=row.get("vence_trimestre"), icons=False)
    return ExceptionRow(
        grupo=GROUPS.get(int(row.get("severidad") or 0), "Excepción"), clave=_text(row.get("clave")),
        nombre=_text(row.get("nombre")), programa=f"Programa {_text(row.get('programa_num'))}", estado=estado,
        semaforo=_text(row.get("semaforo")) or Semaforo.SIN_DATO.value,
        responsable=_text(row.get("responsables")) or "sin área responsable en el plan",
        versus=versus_text(row), justificacion=_text(row.get("justificacion")) or None)


def _program_notes(indicators: Sequence[IndicatorRow]) -> str:
    """Speaker notes of a program: every justificación of its indicators at the cut-off, and the exceptions
    that have none (said in words)."""
    lines = [f"{i.clave} · {i.nombre} ({i.estado}). Justificación: {i.justificacion or 'sin justificación registrada.'}"
             for i in indicators if i.justificacion or i.excepcion]
    return "\n".join(lines) or "Sin justificaciones registradas para este programa en el corte."


def _justification_notes(rows: Sequence[ExceptionRow], *, empty: str) -> str:
    lines = [f"{r.clave} · {r.nombre} ({r.estado}). Justificación: {r.justificacion or 'sin justificación registrada.'}"
             for r in rows]
    return "\n".join(lines) if lines else empty


# --------------------------------------------------------------------------- the sequence
def build_slides(dataset, anio: int, trimestre: int, *, stamp: str = DEFAULT_STAMP,  # noqa: ANN001
                 results: pd.DataFrame | None = None, cuts: Sequence[pd.DataFrame] | None = None) -> Deck:
    """The slides of the cut-off ``anio``/``trimestre`` of ``dataset`` (a ``data_access.Dataset``).

    ``cuts``: the ``summary.at_cutoff`` frames from Marzo to the cut, as they are to be presented — the
    dashboard passes the ones its pages show (approved programs from the revision their approval pinned), so
    the Junta sees the figures of Resumen under the same ``stamp``.  Without them the latest data are used:
    ``results`` (``engine.compute_all`` of the dataset) when the caller has it, else computed here.  Raises
    :class:`~mpi_dash.errors.SinDatosDelCorte` when the plan has no rows for ``anio``.
    """
    anio, trimestre = int(anio), int(trimestre)
    if trimestre not in QUARTER_MONTHS:
        raise ValueError(f"Trimestre inválido: {trimestre!r}; se esperaba 1, 2, 3 o 4.")
    plan = dataset.plan
    if not (plan["anio"] == anio).any():
        years = join_words([str(y) for y in summary.available_years(plan)]) if len(plan) else "ninguno"
        raise SinDatosDelCorte(f"El plan no tiene indicadores para el año {anio} (años del plan: {years}): no hay "
                               "nada que presentar para ese corte.")
    if cuts is None:
        if results is None:
            from mpi_dash.engine import compute_all

            results = compute_all(plan, dataset.avances, dataset.parametros)
        cuts = [summary.at_cutoff(results, plan, anio, k) for k in range(1, trimestre + 1)]
    elif len(cuts) != trimestre:
        raise ValueError(f"Se esperaban {trimestre} cortes (de Marzo al corte) y llegaron {len(cuts)}.")
    cut = cuts[-1]
    figures = program_rules.program_figures(cut, dataset.parametros)
    trend = program_rules.program_trend(cuts, dataset.parametros)
    problems = [exception_row(r) for r in summary.exceptions(cut).to_dict("records")]
    month = QUARTER_MONTHS[trimestre]
    corte = f"corte a {month} {anio} (acumulado {CUMULATIVE_SPANS[trimestre]})"

    slides: list[Slide] = [_portada(anio, month, stamp, dataset, corte)]
    rows = [program_row(r) for r in figures.itertuples(index=False)]
    overview = [rows[i:i + PROGRAMS_PER_SLIDE] for i in range(0, len(rows), PROGRAMS_PER_SLIDE)] or [[]]
    for i, chunk in enumerate(overview, 1):
        slides.append(Slide(RESUMEN, "Avance de los programas", subtitle=f"Avance contra lo esperado al {corte}",
                            programs=tuple(chunk), part=(i, len(overview)),
                            lines=() if rows else ("El plan no tiene programas para este año.",)))
    for prog in rows:
        slides += _program_slides(prog, cut, trend, problems)
    slides += _exception_slides(problems, corte)
    slides.append(_cierre(rows, cut, anio, trimestre, stamp, dataset))
    return Deck(anio=anio, trimestre=trimestre, corte=corte, stamp=stamp,
                ilustrativos=tuple(dataset.programas_ilustrativos),
                origen=_text(dataset.origen), slides=tuple(slides))


def _portada(anio: int, month: str, stamp: str, dataset, corte: str) -> Slide:  # noqa: ANN001
    lines = [INSTITUCION, f"Cifras al {corte}", stamp]
    if dataset.ilustrativo:
        lines.append(dataset.aviso_ilustrativo)
    return Slide(PORTADA, f"Informe de avance del Plan Anual de Trabajo {anio} · corte a {month}",
                 subtitle="Junta de Gobierno", lines=tuple(lines),
                 notes=f"{stamp}. Fuente: {_text(dataset.origen) or 'datos del tablero'}.")


#: The cut-off frame columns an indicator of a slide needs (formatting.indicator_metric, versus_text, status):
#: converting only these to records keeps the deck cheap (the frame has ~90 columns).
INDICATOR_FIELDS: tuple[str, ...] = (
    "clave", "nombre", "tipo_calculo", "acumulacion", "unidad_medida", "semaforo", "direccion_desvio",
    "reportes_faltantes", "vence_trimestre", "valor_indicador", "meta", "esperado_pct", "cumplimiento_pct",
    "realizado_trimestre", "realizado_acumulado", "programado_trimestre", "programado_acumulado",
    "linea_base_acumulada", "justificacion",
)


def _indicator_cost(row: IndicatorRow) -> float:
    """Lines of an indicator on a program slide: «clave · nombre», «valor · estado» and, for an exception,
    its value against what was programmed and its justificación."""
    cost = lines_of(f"{row.clave} · {row.nombre}", LIST_CHARS) + lines_of(f"{row.valor} · {row.estado}",
                                                                          LIST_CHARS) + 0.45
    if row.excepcion:
        why = row.justificacion or "Sin justificación registrada."
        cost += lines_of(row.nota, LIST_CHARS) + lines_of(f"Justificación: {why}", LIST_CHARS)
    return cost


def _program_slides(prog: ProgramRow, cut: pd.DataFrame, trend: pd.DataFrame,
                    problems: Sequence[ExceptionRow]) -> list[Slide]:
    """A program's slide: its indicators' key figures (exceptions with their justificación), continued on
    more slides when they do not fit one; the trend on the first."""
    mine = cut.loc[cut["programa_num"] == prog.numero, [c for c in INDICATOR_FIELDS if c in cut.columns]]
    exceptions = tuple(p for p in problems if p.programa == f"Programa {prog.numero}")
    flagged = {e.clave for e in exceptions}
    indicators = [indicator_row(r, excepcion=_text(r.get("clave")) in flagged) for r in mine.to_dict("records")]
    points = tuple(TrendPoint(QUARTER_MONTHS[int(r.trimestre)], bar_of(r))
                   for r in trend.loc[trend["programa"] == prog.numero].itertuples(index=False))
    pages = balanced_pages(indicators, _indicator_cost, LIST_LINES)
    notes = _program_notes(indicators)
    return [Slide(PROGRAMA, f"Programa {prog.numero}. {prog.nombre}", subtitle=prog.bar.estado, program=prog,
                  indicators=tuple(page), exceptions=tuple(e for e in exceptions if e.clave in {i.clave for i in page}),
                  trend=points if n == 1 else (), part=(n, len(pages)), notes=notes)
            for n, page in enumerate(pages, 1)]


def _exception_slides(problems: Sequence[ExceptionRow], corte: str) -> list[Slide]:
    if not problems:
        return [Slide(EXCEPCIONES, "Excepciones", subtitle=f"Indicadores al {corte}",
                      lines=(NO_EXCEPTIONS_TEXT,),
                      notes="Sin excepciones en este corte.")]
    pages = paginate(problems, lambda r: lines_of(f"{r.clave} {r.nombre} {r.programa}", WIDE_CHARS) + 1.4
                     + (1.0 if r is problems[0] else 0), LIST_LINES)
    counts: dict[str, int] = {}
    for p in problems:
        counts[p.grupo] = counts.get(p.grupo, 0) + 1
    summary_line = " · ".join(f"{g}: {n}" for g, n in counts.items())
    return [Slide(EXCEPCIONES, "Excepciones", subtitle=summary_line, exceptions=tuple(page), part=(n, len(pages)),
                  notes=_justification_notes(page, empty=""))
            for n, page in enumerate(pages, 1)]


def _cierre(rows: Sequence[ProgramRow], cut: pd.DataFrame, anio: int, trimestre: int, stamp: str,
            dataset) -> Slide:  # noqa: ANN001
    by_state: dict[str, list[str]] = {}
    for r in rows:
        word = SEMAFORO_WORDS.get(r.bar.semaforo, SEMAFORO_WORDS[Semaforo.SIN_DATO])
        by_state.setdefault(word, []).append(r.numero)
    programs_line = "; ".join(f"{word}: {'programa' if len(n) == 1 else 'programas'} {join_words(n)}"
                              for word, n in by_state.items())
    counts = summary.semaforo_counts(cut)
    indicators_line = " · ".join(f"{SEMAFORO_WORDS[s]} {n}" for s, n in zip(counts["semaforo"], counts["n"],
                                                                              strict=True) if n)
    incomplete = [r.numero for r in rows if not r.completo]
    lines = [f"Programas — {programs_line}." if rows else "El plan no tiene programas para este año.",
             f"Indicadores al corte — {indicators_line or 'ninguno'} (total {format_count(len(cut))})."]
    if incomplete:
        lines.append(f"Con reportes faltantes: {'programa' if len(incomplete) == 1 else 'programas'} "
                     f"{join_words(incomplete)}.")
    lines.append(f"Siguiente corte: {QUARTER_MONTHS[trimestre + 1]} {anio}." if trimestre < 4 else
                 f"Este es el cierre del año {anio}.")
    lines.append(f"{stamp}. {_text(dataset.origen)}".strip())
    return Slide(CIERRE, "Resumen y cierre", subtitle=INSTITUCION, lines=tuple(lines),
                 notes="Fin de la presentación.")
