"""es-MX formatting of numbers, percentages, dates, quarters and semáforo labels.

Mexican Spanish writes ``1,234.5`` (comma thousands, point decimals) and ``87.5 %`` — with a
NON-BREAKING space before the sign (:data:`PERCENT_SIGN`), so «%» never wraps onto its own line.
Empty values (None, NaN) are shown as an em dash.  The semáforo is never shown as
colour alone: every label carries an icon *and* a Spanish word.

The words of the honest screens live here, once, for the pages AND the downloads: the semáforo with its
direction («🔴 Rojo ↑ sobrecumplimiento» / «🔴 Rojo ↓ rezago», :func:`status_label`), a milestone not yet
due («Pendiente (vence en Diciembre)»), the missing reports («falta el reporte de Septiembre»,
:func:`missing_reports_text`), a program with measurable indicators without data («⚠ 1 de 5 con meta o hito
sin dato: 3.4», :func:`missing_text`; «incompleto» in :func:`program_status_label`) and an informative
indicator without its report, which never makes a program incomplete («Sin reporte (informativo): 2.2»,
:func:`informative_missing_text`).

Stdlib only (and ``schema``'s codes), so the UI, the figures and the exports share exactly one spelling.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from numbers import Real

from mpi_dash.schema import Semaforo, TipoCalculo

EMPTY = "—"
NBSP = "\u00a0"
#: What follows a number to make it a percentage: a non-breaking space and «%».
PERCENT_SIGN = f"{NBSP}%"

# Icon + word for every value of schema.SEMAFOROS (colour-blind safe: the word carries the meaning).
SEMAFORO_LABELS: dict[str, str] = {
    Semaforo.VERDE: "🟢 Verde",
    Semaforo.AMARILLO: "🟡 Amarillo",
    Semaforo.ROJO: "🔴 Rojo",
    Semaforo.PENDIENTE: "⏳ Pendiente",
    Semaforo.INFORMATIVO: "ℹ️ Informativo",
    Semaforo.SIN_DATO: "⚪ Sin dato",
    Semaforo.SIN_META: "— Sin meta",
}

# Word only (for places where emoji do not render, e.g. some spreadsheet viewers / CSV).
SEMAFORO_WORDS: dict[str, str] = {
    Semaforo.VERDE: "Verde",
    Semaforo.AMARILLO: "Amarillo",
    Semaforo.ROJO: "Rojo",
    Semaforo.PENDIENTE: "Pendiente",
    Semaforo.INFORMATIVO: "Informativo",
    Semaforo.SIN_DATO: "Sin dato",
    Semaforo.SIN_META: "Sin meta",
}

# Strong colours for charts (high contrast on white) and light fills for spreadsheet cells.
SEMAFORO_COLORS: dict[str, str] = {
    Semaforo.VERDE: "#1A7F37",
    Semaforo.AMARILLO: "#D4A106",
    Semaforo.ROJO: "#C62828",
    Semaforo.PENDIENTE: "#5B6B7F",
    Semaforo.INFORMATIVO: "#2F5D8A",
    Semaforo.SIN_DATO: "#9E9E9E",
    Semaforo.SIN_META: "#BDBDBD",
}
SEMAFORO_FILLS: dict[str, str] = {
    Semaforo.VERDE: "C8E6C9",
    Semaforo.AMARILLO: "FFF59D",
    Semaforo.ROJO: "FFCDD2",
    Semaforo.PENDIENTE: "E3E8EF",
    Semaforo.INFORMATIVO: "D6E4F0",
    Semaforo.SIN_DATO: "EEEEEE",
    Semaforo.SIN_META: "F5F5F5",
}

TIPO_CALCULO_LABELS: dict[str, str] = {
    TipoCalculo.AVANCE_META: "Avance de la meta",
    TipoCalculo.PERIODO_ANTERIOR: "Comparación con el trimestre anterior",
    TipoCalculo.ANIO_ANTERIOR: "Comparación con el año anterior",
    TipoCalculo.CONTEO: "Conteo",
    TipoCalculo.HITO: "Hito",
}

QUARTER_MONTHS: dict[int, str] = {1: "Marzo", 2: "Junio", 3: "Septiembre", 4: "Diciembre"}
QUARTER_SPANS: dict[int, str] = {1: "enero–marzo", 2: "abril–junio", 3: "julio–septiembre",
                                 4: "octubre–diciembre"}
#: Year to date at each cut-off: what the cumulative figures add up.
CUMULATIVE_SPANS: dict[int, str] = {1: "enero–marzo", 2: "enero–junio", 3: "enero–septiembre",
                                    4: "enero–diciembre"}

# Direction of an amarillo/rojo (engine ``direccion_desvio``): the arrow says which side, the word what it means.
DIRECTION_WORDS: dict[str, str] = {"sobre": "↑ sobrecumplimiento", "bajo": "↓ rezago"}
INCOMPLETE_WORD = "incompleto"


def is_empty(value: object) -> bool:
    """True for None, NaN/NaT-like floats, pandas NA and blank strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Real):
        return math.isnan(float(value))
    if type(value).__name__ in {"NAType", "NaTType"}:  # pandas.NA / NaT without importing pandas
        return True
    try:
        return bool(value != value)  # noqa: PLR0124
    except (TypeError, ValueError):
        return False


def format_number(value: object, decimals: int | None = None) -> str:
    """es-MX number: ``1234.5 → '1,234.5'``.

    ``decimals=None`` shows integers without decimals and other values with one decimal.
    """
    if is_empty(value):
        return EMPTY
    number = float(value)  # type: ignore[arg-type]
    if math.isinf(number):
        return EMPTY
    if decimals is None:
        decimals = 0 if number.is_integer() else 1
    text = f"{number:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0.0"
    return text


def format_count(value: object) -> str:
    """A quantity as people count it: whole numbers without decimals (``4.0 → '4'``, ``1604 → '1,604'``),
    others with one decimal (``2.5 → '2.5'``)."""
    return format_number(value)


def format_percent(value: object, decimals: int = 1) -> str:
    """es-MX percentage with a non-breaking space before the sign: ``87.5 → '87.5\u00a0%'``."""
    if is_empty(value):
        return EMPTY
    text = format_number(value, decimals)
    return EMPTY if text == EMPTY else f"{text}{PERCENT_SIGN}"


def format_signed_percent(value: object, decimals: int = 1) -> str:
    """Variation with explicit sign: ``7.5 → '+7.5 %'``, ``-4 → '-4.0 %'``, ``0 → '0.0 %'``."""
    text = format_percent(value, decimals)
    if text == EMPTY or text.startswith("-") or float(text.split(NBSP)[0].replace(",", "")) == 0:
        return text
    return f"+{text}"


def format_date(value: dt.date | dt.datetime | None) -> str:
    """dd/mm/aaaa, the format of Mexican transparency formats."""
    if value is None:
        return EMPTY
    return value.strftime("%d/%m/%Y")


def semaforo_label(value: object) -> str:
    """Icon + Spanish word for a semáforo value (unknown/empty → '⚪ Sin dato')."""
    if is_empty(value):
        return SEMAFORO_LABELS[Semaforo.SIN_DATO]
    return SEMAFORO_LABELS.get(str(value), SEMAFORO_LABELS[Semaforo.SIN_DATO])


def semaforo_word(value: object) -> str:
    """Spanish word only (exports)."""
    if is_empty(value):
        return SEMAFORO_WORDS[Semaforo.SIN_DATO]
    return SEMAFORO_WORDS.get(str(value), SEMAFORO_WORDS[Semaforo.SIN_DATO])


def tipo_calculo_label(value: object) -> str:
    """Spanish name of a tipo de cálculo."""
    if is_empty(value):
        return EMPTY
    return TIPO_CALCULO_LABELS.get(str(value), str(value))


def quarter_label(trimestre: int) -> str:
    """'Marzo' … 'Diciembre' (the month that closes the quarter)."""
    return QUARTER_MONTHS[int(trimestre)]


def cutoff_label(anio: int, trimestre: int) -> str:
    """Human label of a cut-off, worded like the figures it shows (year to date):
    'corte a Junio 2023 (acumulado enero–junio)'."""
    k = int(trimestre)
    return f"corte a {QUARTER_MONTHS[k]} {int(anio)} (acumulado {CUMULATIVE_SPANS[k]})"


def pending_text(vence: object) -> str:
    """A target not yet due: 'Pendiente (vence en Diciembre)' ('Pendiente' when the quarter is unknown)."""
    if is_empty(vence) or int(float(vence)) not in QUARTER_MONTHS:  # type: ignore[arg-type]
        return SEMAFORO_WORDS[Semaforo.PENDIENTE]
    return f"{SEMAFORO_WORDS[Semaforo.PENDIENTE]} (vence en {QUARTER_MONTHS[int(float(vence))]})"  # type: ignore[arg-type]


def join_words(items: list[str]) -> str:
    """'a', 'a y b', 'a, b y c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} y {items[-1]}"


def count_text(n: int, singular: str, plural: str) -> str:
    """A count with its noun in the right number, es-MX thousands: (1, 'celda', 'celdas') → '1 celda';
    (1500, …) → '1,500 celdas'."""
    return f"{int(n):,} {singular if int(n) == 1 else plural}"


def _program_key(value: str) -> tuple[int, int, str]:
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def programs_text(programas: object, *, article: bool = False, preposition: str | None = None) -> str:
    """Program numbers in words, singular or plural, in numeric order: ['3'] → 'programa 3'; ['5', '3'] →
    'programas 3 y 5'; with ``article``: 'el programa 3' / 'los programas 1, 2, 4, 5 y 6'; with
    ``preposition`` «de» or «a» (article included, contracted): 'del programa 3', 'a los programas 3 y 5';
    none → 'ningún programa'."""
    given = () if programas is None else programas
    items = sorted({str(p) for p in given}, key=_program_key)  # type: ignore[union-attr]
    if not items:
        return "ningún programa" if preposition is None else f"{preposition} ningún programa"
    words = f"programa {items[0]}" if len(items) == 1 else f"programas {join_words(items)}"
    if preposition is not None:
        if len(items) == 1 and preposition in ("de", "a"):
            return f"{preposition}l {words}"
        return f"{preposition} {'el' if len(items) == 1 else 'los'} {words}"
    if article:
        words = ("el " if len(items) == 1 else "los ") + words
    return words


def missing_reports_text(quarters: object) -> str:
    """The reports an indicator lacks, in words: (3,) → 'falta el reporte de Septiembre';
    (2, 3) → 'faltan los reportes de Junio y Septiembre'; nothing missing → ''."""
    numbers = [int(q) for q in (quarters or ()) if not is_empty(q)]  # type: ignore[union-attr]
    if not numbers:
        return ""
    months = [QUARTER_MONTHS[q] for q in sorted(set(numbers))]
    if len(months) == 1:
        return f"falta el reporte de {months[0]}"
    return f"faltan los reportes de {join_words(months)}"


def status_label(semaforo: object, direccion: object = None, *, icons: bool = True) -> str:
    """Semáforo word (with icon) and, for amarillo/rojo, its direction: '🔴 Rojo ↑ sobrecumplimiento',
    '🟡 Amarillo ↓ rezago', '🟢 Verde'.  ``icons=False`` for CSV and charts: 'Rojo ↓ rezago'."""
    base = semaforo_label(semaforo) if icons else semaforo_word(semaforo)
    if str(semaforo) in (Semaforo.AMARILLO, Semaforo.ROJO) and not is_empty(direccion):
        arrow = DIRECTION_WORDS.get(str(direccion))
        if arrow:
            return f"{base} {arrow}"
    return base


def indicator_status(semaforo: object, direccion: object = None, *, faltan: object = (), vence: object = None,
                     icons: bool = True) -> str:
    """The full status of one indicator at the cut-off, for the screen and the downloads:
    '🔴 Rojo ↓ rezago', '⏳ Pendiente (vence en Diciembre)', '⚪ Sin dato: falta el reporte de Septiembre'."""
    code = Semaforo.SIN_DATO.value if is_empty(semaforo) else str(semaforo)
    if code == Semaforo.PENDIENTE:
        text = pending_text(vence)
        return f"{SEMAFORO_LABELS[Semaforo.PENDIENTE].split(' ')[0]} {text}" if icons else text
    if code == Semaforo.SIN_DATO:
        missing = missing_reports_text(faltan)
        base = status_label(code, icons=icons)
        return f"{base}: {missing}" if missing else base
    return status_label(code, direccion, icons=icons)


def program_status_label(semaforo: object, direccion: object = None, *, completo: object = True,
                         vence: object = None, icons: bool = True) -> str:
    """A program's status: colour (with direction), '· incompleto' when a measurable indicator lacks data
    (``completo`` of ``programs.program_figures``: an informative indicator without its report does not count)
    — such a program never reads as a plain verde —, and 'Pendiente (vence en …)' when nothing is due yet:
    '🟢 Verde · incompleto', '🔴 Rojo ↓ rezago', '⏳ Pendiente (vence en Diciembre)', '⚪ Sin dato'."""
    code = Semaforo.SIN_DATO.value if is_empty(semaforo) else str(semaforo)
    if code == Semaforo.PENDIENTE:
        text = indicator_status(code, vence=vence, icons=icons)
    else:
        text = status_label(code, direccion, icons=icons)
    if completo is False and code != Semaforo.SIN_DATO:
        text = f"{text} · {INCOMPLETE_WORD}"
    return text


def _claves(values: object) -> list[str]:
    return [str(c) for c in (values or ()) if not is_empty(c)]  # type: ignore[union-attr]


def missing_text(faltantes: object, medibles: object) -> str:
    """The measurable indicators of a program without data at the cut-off (``claves_faltantes`` of
    ``n_medibles``): '⚠ 1 de 5 con meta o hito sin dato: 3.4' ('' when none)."""
    claves = _claves(faltantes)
    if not claves:
        return ""
    total = int(medibles)  # type: ignore[call-overload]
    return f"⚠ {len(claves)} de {total} con meta o hito sin dato: {', '.join(claves)}"


def informative_missing_text(claves: object) -> str:
    """The informative indicators of a program (not in its average) without their report at the cut-off
    (``claves_informativos_sin_reporte``): 'Sin reporte (informativo): 2.2', 'Sin reporte (informativos):
    1.7, 1.9' ('' when none).  Never «incompleto»: they do not enter the program's figure."""
    names = _claves(claves)
    if not names:
        return ""
    return f"Sin reporte ({'informativo' if len(names) == 1 else 'informativos'}): {', '.join(names)}"


def program_missing_lines(row: object) -> list[str]:
    """What a program lacks at the cut-off, in words, one line each (none when nothing is missing): the
    measurable indicators without data (:func:`missing_text`) and the informative ones without their report
    (:func:`informative_missing_text`).  ``row``: a row of ``programs.program_figures`` (a mapping or a named
    tuple)."""
    def field(name: str) -> object:
        return row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)

    lines = [missing_text(field("claves_faltantes"), field("n_medibles")),
             informative_missing_text(field("claves_informativos_sin_reporte"))]
    return [line for line in lines if line]


def quarter_dates(anio: int, trimestre: int) -> tuple[dt.date, dt.date]:
    """First and last day of quarter ``trimestre`` of ``anio``."""
    k = int(trimestre)
    if k not in QUARTER_MONTHS:
        raise ValueError(f"Trimestre inválido: {trimestre!r}; se esperaba 1, 2, 3 o 4.")
    start = dt.date(int(anio), 3 * k - 2, 1)
    end = dt.date(int(anio), 12, 31) if k == 4 else dt.date(int(anio), 3 * k + 1, 1) - dt.timedelta(days=1)
    return start, end


HITO_REACHED = "✅ Alcanzado"
HITO_MISSED = "❌ No alcanzado"   # due and not reached; a milestone not yet due is «⏳ Pendiente (vence en …)»


def format_indicator_value(valor: object, tipo_calculo: object, unidad: object = None, *,
                           semaforo: object = None, vence: object = None) -> str:
    """The indicator value as what it is: a percentage of the goal, a ratio, a count or a milestone.

    A milestone reads «✅ Alcanzado», «⏳ Pendiente (vence en Diciembre)» before its due quarter (when
    ``semaforo`` is pendiente) and «❌ No alcanzado» only once it is due.
    """
    tipo = "" if is_empty(tipo_calculo) else str(tipo_calculo)
    if tipo == TipoCalculo.HITO:
        if str(semaforo) == Semaforo.PENDIENTE:
            return indicator_status(Semaforo.PENDIENTE.value, vence=vence)
        if is_empty(valor):
            return EMPTY
        return HITO_REACHED if float(valor) >= 100 else HITO_MISSED  # type: ignore[arg-type]
    if is_empty(valor):
        return EMPTY
    if tipo == TipoCalculo.AVANCE_META:
        return f"{format_percent(valor)} de la meta"
    if tipo == TipoCalculo.PERIODO_ANTERIOR:
        return f"{format_percent(valor)} del trimestre anterior"
    if tipo == TipoCalculo.ANIO_ANTERIOR:
        return f"{format_percent(valor)} del año anterior"
    text = format_number(valor)
    if tipo == TipoCalculo.CONTEO and not is_empty(unidad):
        return f"{text} ({str(unidad).strip().lower()})"
    return text


_BREAKING_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def single_spaces(text: str) -> str:
    """Runs of ordinary white space (spaces, tabs, line breaks) as one space, trimmed; a NON-breaking space
    (the one before «%») is kept — ``str.split()`` would turn it into a breaking one."""
    return _BREAKING_SPACES.sub(" ", text).strip()


def _text(value: object) -> str:
    return "" if is_empty(value) else single_spaces(str(value))


def versus_text(row: Mapping[str, object]) -> str:
    """An indicator's value against what was programmed, in words (one row of ``summary.exceptions`` or of
    the cut-off frame): 'Realizado 5 de 4 programado a la fecha (125.0 % de lo programado)', 'No alcanzado:
    vencía en Diciembre', 'Sin dato: falta el reporte de Septiembre'."""
    semaforo, tipo = _text(row.get("semaforo")), _text(row.get("tipo_calculo"))
    if semaforo == Semaforo.SIN_DATO or is_empty(semaforo):
        return indicator_status(Semaforo.SIN_DATO.value, faltan=row.get("reportes_faltantes"), icons=False)
    if tipo == TipoCalculo.HITO:
        if semaforo == Semaforo.PENDIENTE:
            return pending_text(row.get("vence_trimestre"))
        due = row.get("vence_trimestre")
        when = f": vencía en {QUARTER_MONTHS[int(float(due))]}" if not is_empty(due) else ""  # type: ignore[arg-type]
        return (HITO_REACHED if semaforo == Semaforo.VERDE else HITO_MISSED + when).split(" ", 1)[1]
    if tipo == TipoCalculo.AVANCE_META:
        by_quarter = _text(row.get("acumulacion")).casefold() == "periodo"
        done = row.get("realizado_trimestre" if by_quarter else "realizado_acumulado")
        planned = row.get("programado_trimestre" if by_quarter else "programado_acumulado")
        span = "en el trimestre" if by_quarter else "a la fecha"
        return (f"Realizado {format_number(done)} de {format_number(planned)} programado {span} "
                f"({format_percent(row.get('cumplimiento_pct'))} de lo programado)")
    return f"Valor {format_indicator_value(row.get('valor_indicador'), tipo, row.get('unidad_medida'))}"


def indicator_metric(row: Mapping[str, object]) -> tuple[str, str, str]:
    """(label, value, note) of one indicator of the cut-off frame, as what it is: a percentage of the
    annual goal, a count, a ratio to the previous quarter/year or a milestone; never a code, never a 0 for
    a missing report (the note then says which report is missing)."""
    tipo, semaforo = _text(row.get("tipo_calculo")), _text(row.get("semaforo"))
    valor, meta = row.get("valor_indicador"), row.get("meta")
    missing = missing_reports_text(row.get("reportes_faltantes"))
    by_quarter = _text(row.get("acumulacion")).casefold() == "periodo"
    if tipo == TipoCalculo.AVANCE_META and not is_empty(meta) and float(meta) > 0:  # type: ignore[arg-type]
        label = "Cumplimiento del trimestre" if by_quarter else "Avance de la meta anual"
        note = (f"Realizado acumulado {format_number(row.get('realizado_acumulado'))} de "
                f"{format_number(meta)} · marca negra: esperado al corte {format_percent(row.get('esperado_pct'))}")
        return label, format_percent(valor), missing.capitalize() if missing else note
    if tipo == TipoCalculo.AVANCE_META:
        return ("Realizado acumulado (sin meta anual)", format_number(row.get("realizado_acumulado")),
                missing.capitalize() if missing else "El plan no fija meta anual: se informa lo realizado, sin "
                                                     "porcentaje de avance.")
    if tipo == TipoCalculo.CONTEO:
        note = f"En el trimestre: {format_number(row.get('realizado_trimestre'))}"
        unit = _text(row.get("unidad_medida")).rstrip(".")
        return ("Conteo acumulado en el año", format_number(valor),
                missing.capitalize() if missing else (f"{unit} · {note}" if unit else note))
    if tipo == TipoCalculo.HITO:
        due = row.get("vence_trimestre")
        note = f"Vence en {QUARTER_MONTHS[int(float(due))]}" if not is_empty(due) else ""  # type: ignore[arg-type]
        return ("Hito", format_indicator_value(valor, tipo, semaforo=semaforo, vence=due),
                missing.capitalize() if missing else note)
    label = TIPO_CALCULO_LABELS.get(tipo, "Valor del indicador")
    value = format_indicator_value(valor, tipo)
    note = f"Realizado en el trimestre: {format_number(row.get('realizado_trimestre'))}"
    if tipo == TipoCalculo.ANIO_ANTERIOR:
        note = (f"Acumulado en el año: {format_number(row.get('realizado_acumulado'))}; año anterior al mismo "
                f"corte: {format_number(row.get('linea_base_acumulada'))}")
    if is_empty(valor) and not missing and semaforo != Semaforo.SIN_DATO:
        previous = "del trimestre anterior" if tipo == TipoCalculo.PERIODO_ANTERIOR else "del año anterior"
        note = f"Sin dato {previous} con qué comparar · {note.lower()}"
    return label, value, missing.capitalize() if missing else note


#: What every screen and document says when no indicator is in rojo, amarillo or sin dato at the cut-off.
NO_EXCEPTIONS_TEXT = "Ningún indicador está en rojo, en amarillo ni sin dato en este corte."


def exception_lines(row: Mapping[str, object]) -> tuple[str, str, str, str]:
    """The four lines of an entry of the exceptions list (``summary.exceptions``), as plain text:
    status and indicator, program and responsible area, value against what was programmed, justificación."""
    status = indicator_status(row.get("semaforo"), row.get("direccion_desvio"),
                              faltan=row.get("reportes_faltantes"), vence=row.get("vence_trimestre"))
    if _text(row.get("semaforo")) in ("", Semaforo.SIN_DATO):
        status = semaforo_label(Semaforo.SIN_DATO.value)
    head = f"{status} · {_text(row.get('clave'))} · {_text(row.get('nombre'))}"
    area = _text(row.get("responsables")) or "sin área responsable en el plan"
    where = f"Programa {_text(row.get('programa_num'))}. {_text(row.get('programa_nombre'))} · Responsable: {area}"
    why = _text(row.get("justificacion"))
    return head, where, versus_text(row), f"Justificación: {why}" if why else "Sin justificación registrada."


def program_name(programa: object) -> str:
    """The program's full name as a heading: without its number, sentence case when the plan shouts it in
    capitals, never cut ('3. ACCIONES DE PREVENCIÓN … DERECHOS HUMANOS.' → 'Acciones de prevención … derechos
    humanos').  Long names wrap on screen; they are never shortened with «…»."""
    if is_empty(programa):
        return EMPTY
    text = " ".join(str(programa).split())
    head, _, rest = text.partition(" ")
    if rest and head.rstrip(".").isdigit():
        text = rest
    if text.isupper():
        text = text[:1] + text[1:].lower()
    return text.rstrip(" .") or EMPTY


# --------------------------------------------------------------------------- local time (Mexico City)
LOCAL_TZ_NAME = "America/Mexico_City"
# Mexico City has no daylight saving time since October 2022: UTC−6 all year.  Used when the system has no
# time-zone database (tzdata missing, e.g. a slim Debian image); exact for every date since then.
FALLBACK_TZ = dt.timezone(dt.timedelta(hours=-6), "UTC−6")


def local_timezone() -> dt.tzinfo:
    """Mexico City's time zone (zoneinfo), else the fixed UTC−6 offset when tzdata is missing."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(LOCAL_TZ_NAME)
    except Exception:  # noqa: BLE001 - ZoneInfoNotFoundError, missing/garbled tzdata: fixed offset
        return FALLBACK_TZ


def local_datetime(value: str | dt.datetime | None) -> str:
    """A stored UTC timestamp (ISO text or aware datetime) as Mexico City local time 'dd/mm/aaaa HH:MM'.

    Naive values are taken as UTC (the store writes UTC); empty/unparseable → '—'.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return EMPTY
    try:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        return EMPTY
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(local_timezone()).strftime("%d/%m/%Y %H:%M")


def local_date(value: str | dt.datetime | None) -> str:
    """The Mexico City date of a stored UTC timestamp: 'dd/mm/aaaa' ('—' when empty/unparseable)."""
    text = local_datetime(value)
    return text if text == EMPTY else text.split(" ")[0]


# --------------------------------------------------------------------------- display tables (Spanish)
# Tables of what an upload or a revision changes, and of validation problems, ready for st.dataframe:
# Spanish headers, every value as text (exact numbers, never rounded; never "None").  They take the
# frames of ``mpi_dash.diff.Changes`` and ``workbook.Problem`` objects; pandas is imported when called.
from typing import TYPE_CHECKING  # noqa: E402 - annotations only: the module never imports pandas itself

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

    from mpi_dash.workbook import Problem

DISPLAY_CELL_HEADERS = {"tabla": "Hoja", "clave": "Clave", "anio": "Año", "trimestre": "Trimestre",
                        "campo": "Columna", "antes": "Antes", "despues": "Después", "tipo": "Cambio"}
DISPLAY_SEMAFORO_HEADERS = {"clave": "Clave", "indicador": "Indicador", "anio": "Año",
                            "trimestre": "Trimestre", "antes": "Antes", "despues": "Después"}
PROBLEM_HEADERS = {"hoja": "Hoja", "fila": "Fila", "columna": "Columna", "valor": "Valor",
                   "esperado": "Qué se esperaba"}


def display_value(value: object) -> str:
    """A stored value as es-MX text, exact (no rounding): 1234.25 → '1,234.25'; empty → '—'."""
    if isinstance(value, str):
        return value
    if is_empty(value):
        return EMPTY
    if isinstance(value, Real) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer():
            return f"{number:,.0f}"
        return f"{number:,.10f}".rstrip("0").rstrip(".")
    return str(value)


def _year_text(value: object) -> str:
    return EMPTY if is_empty(value) else str(int(value))  # type: ignore[call-overload]


def cells_table(cells: pd.DataFrame) -> pd.DataFrame:
    """Changed cells (``Changes.cells``) with Spanish headers and text values (quarters as month names)."""
    import pandas as pd

    from mpi_dash.diff import CAMBIADO, NUEVO, RETIRADO

    tipo_words = {NUEVO: "Nuevo", CAMBIADO: "Cambiado", RETIRADO: "Retirado"}
    out = pd.DataFrame({
        "tabla": cells["tabla"].astype(object),
        "clave": cells["clave"].map(lambda v: v if isinstance(v, str) else EMPTY),
        "anio": cells["anio"].map(_year_text),
        "trimestre": cells["trimestre"].map(lambda v: EMPTY if is_empty(v) else quarter_label(v)),
        "campo": cells["campo"].astype(object),
        "antes": cells["antes"].map(display_value),
        "despues": cells["despues"].map(display_value),
        "tipo": cells["tipo"].map(tipo_words),
    }, columns=list(DISPLAY_CELL_HEADERS))
    return out.rename(columns=DISPLAY_CELL_HEADERS).reset_index(drop=True)


def semaforo_table(semaforo: pd.DataFrame) -> pd.DataFrame:
    """Semáforo changes (``Changes.semaforo``) with icon + word labels and Spanish headers."""
    import pandas as pd

    out = pd.DataFrame({
        "clave": semaforo["clave"].astype(object), "indicador": semaforo["indicador"].astype(object),
        "anio": semaforo["anio"].map(_year_text),
        "trimestre": semaforo["trimestre"].map(quarter_label),
        "antes": semaforo["antes"].map(lambda v: "— (nuevo)" if v is None else semaforo_label(v)),
        "despues": semaforo["despues"].map(semaforo_label),
    }, columns=list(DISPLAY_SEMAFORO_HEADERS))
    return out.rename(columns=DISPLAY_SEMAFORO_HEADERS).reset_index(drop=True)


def _place(clave: object, anio: object, trimestre: object, campo: object, *, with_year: bool,
           default_field: str | None = None) -> str:
    """«3.1 · Septiembre», «3.1 · Septiembre 2023 · Justificación», «3.1 · 2023 · Meta anual»,
    «datos_ilustrativos» — the place of one cell in a line (the column only when not ``default_field``)."""
    parts = [str(clave)] if isinstance(clave, str) and clave else []
    if not is_empty(trimestre):
        year = f" {int(anio)}" if with_year and not is_empty(anio) else ""  # type: ignore[call-overload]
        parts.append(quarter_label(int(trimestre)) + year)  # type: ignore[call-overload]
    elif not is_empty(anio):
        parts.append(str(int(anio)))  # type: ignore[call-overload]
    if campo != default_field or not parts:
        parts.append(str(campo))
    return " · ".join(parts)


def cells_lines(cells: pd.DataFrame) -> list[str]:
    """Changed cells (``Changes.cells``) as one line each, for a phone: «3.1 · Septiembre: 1 → 6» (the
    column named when it is not Realizado: «3.1 · Septiembre · Justificación: — → Se pospuso»; the year
    only when the cells span more than one); a new value reads «3.1 · Diciembre: 6 (nuevo)»."""
    from mpi_dash.diff import NUEVO

    years = {int(a) for a in cells["anio"] if not is_empty(a)}
    realizado = "Realizado"
    lines = []
    for r in cells.itertuples(index=False):
        place = _place(r.clave, r.anio, r.trimestre, r.campo, with_year=len(years) > 1, default_field=realizado)
        if r.tipo == NUEVO:
            lines.append(f"{place}: {display_value(r.despues)} (nuevo)")
        else:
            lines.append(f"{place}: {display_value(r.antes)} → {display_value(r.despues)}")
    return lines


def semaforo_lines(semaforo: pd.DataFrame) -> list[str]:
    """Semáforo changes (``Changes.semaforo``) as one line each, for a phone: «3.1 · Diciembre: 🟢 Verde →
    🔴 Rojo» (the year only when they span more than one)."""
    years = {int(a) for a in semaforo["anio"]}
    return [f"{_place(r.clave, r.anio, r.trimestre, None, with_year=len(years) > 1)}: "
            f"{'— (nuevo)' if r.antes is None else semaforo_label(r.antes)} → {semaforo_label(r.despues)}"
            for r in semaforo.itertuples(index=False)]


def missing_justification_lines(missing: pd.DataFrame) -> list[str]:
    """Indicators that would be amarillo or rojo without a justificación (``diff.missing_justifications``),
    one plain line each, the name in full: «3.2 · Septiembre 2023 · Amarillo ↓ rezago: Número de …»."""
    return [f"{r.clave} · {quarter_label(int(r.trimestre))} {int(r.anio)} · "
            f"{status_label(r.semaforo, r.direccion_desvio, icons=False)}: {_text(r.nombre) or EMPTY}"
            for r in missing.itertuples(index=False)]


def missing_justification_text(n: int, *, saved: bool = False) -> tuple[str, str]:
    """The heading and the request of the warning about ``n`` indicators left amarillo or rojo without a
    justificación — before saving (the preview: saving stays possible) or, ``saved``, after it."""
    next_to = "junto a ese indicador" if n == 1 else "junto a esos indicadores"
    if saved:
        head = (f"{count_text(n, 'indicador quedó', 'indicadores quedaron')} en amarillo o rojo sin "
                "justificación")
        ask = ("Escriba en la columna «Justificación» por qué el avance se aparta de lo programado y cárguelo de "
               f"nuevo: mientras falte, el tablero muestra «Sin justificación registrada» {next_to}.")
        return head, ask
    head = (f"{count_text(n, 'indicador quedaría', 'indicadores quedarían')} en amarillo o rojo sin "
            "justificación")
    ask = ("Escriba en la columna «Justificación» de su archivo por qué el avance se aparta de lo programado y "
           "vuelva a subirlo. Puede guardar así, pero el tablero mostrará «Sin justificación registrada» "
           f"{next_to}.")
    return head, ask


def problems_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """Validation problems (``workbook.Problem``) as a table to show: Hoja, Fila, Columna, Valor, Qué se
    esperaba — all text, never 'None': a file-level problem reads '(archivo)' in Hoja and '—' where it has
    no row or column; Excel row numbers stay as Excel shows them (no thousands separator)."""
    import pandas as pd

    rows = [{"hoja": p.hoja or "(archivo)",
             "fila": EMPTY if p.fila is None else str(int(p.fila)),
             "columna": p.columna or EMPTY,
             "valor": getattr(p, "hallazgo", None) or (p.valor if p.valor not in (None, "") else EMPTY),
             "esperado": p.esperado} for p in problems]
    return pd.DataFrame(rows, columns=list(PROBLEM_HEADERS), dtype=object).rename(columns=PROBLEM_HEADERS)
