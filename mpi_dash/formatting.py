"""es-MX formatting of numbers, percentages, dates, quarters and semáforo labels.

Mexican Spanish writes ``1,234.5`` (comma thousands, point decimals) and ``87.5 %``.
Empty values (None, NaN) are shown as an em dash.  The semáforo is never shown as
colour alone: every label carries an icon *and* a Spanish word.

Stdlib only (and ``schema``'s codes), so the UI, the figures and the exports share exactly one spelling.
"""

from __future__ import annotations

import datetime as dt
import math
from numbers import Real

from mpi_dash.schema import Semaforo, TipoCalculo

EMPTY = "—"

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


def format_percent(value: object, decimals: int = 1) -> str:
    """es-MX percentage with a space before the sign: ``87.5 → '87.5 %'``."""
    if is_empty(value):
        return EMPTY
    text = format_number(value, decimals)
    return EMPTY if text == EMPTY else f"{text} %"


def format_signed_percent(value: object, decimals: int = 1) -> str:
    """Variation with explicit sign: ``7.5 → '+7.5 %'``, ``-4 → '-4.0 %'``, ``0 → '0.0 %'``."""
    text = format_percent(value, decimals)
    if text == EMPTY or text.startswith("-") or float(value) == 0:  # type: ignore[arg-type]
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
    """Human label of a cut-off: 'corte a Junio 2023 (abril–junio)'."""
    k = int(trimestre)
    return f"corte a {QUARTER_MONTHS[k]} {int(anio)} ({QUARTER_SPANS[k]})"


def quarter_dates(anio: int, trimestre: int) -> tuple[dt.date, dt.date]:
    """First and last day of quarter ``trimestre`` of ``anio``."""
    k = int(trimestre)
    if k not in QUARTER_MONTHS:
        raise ValueError(f"Trimestre inválido: {trimestre!r}; se esperaba 1, 2, 3 o 4.")
    start = dt.date(int(anio), 3 * k - 2, 1)
    end = dt.date(int(anio), 12, 31) if k == 4 else dt.date(int(anio), 3 * k + 1, 1) - dt.timedelta(days=1)
    return start, end


def format_indicator_value(valor: object, tipo_calculo: object, unidad: object = None) -> str:
    """The indicator value as what it is: a percentage of the goal, a ratio, a count or a milestone."""
    tipo = "" if is_empty(tipo_calculo) else str(tipo_calculo)
    if tipo == TipoCalculo.HITO:
        if is_empty(valor):
            return EMPTY
        return "✅ Alcanzado" if float(valor) >= 100 else "⏳ No alcanzado"  # type: ignore[arg-type]
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


def short_program_name(programa: object, max_chars: int = 42) -> str:
    """Sentence-case program heading without its number, cut at a word boundary.

    'ACCIONES DE PREVENCIÓN Y CAPACITACIÓN PARA …' → 'Acciones de prevención y capacitación…'
    """
    if is_empty(programa):
        return EMPTY
    text = " ".join(str(programa).split())
    head, _, rest = text.partition(" ")
    if rest and head.rstrip(".").isdigit():
        text = rest
    if text.isupper():
        text = text[:1] + text[1:].lower()
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars + 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    stops = (" y", " de", " del", " la", " el", " a", " para", " en", " con")
    while any(cut.endswith(stop) for stop in stops):
        cut = next(cut[: -len(stop)] for stop in stops if cut.endswith(stop))
    return cut + "…"


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
    """A stored UTC timestamp (ISO text or aware datetime) as Mexico City local time 'AAAA-MM-DD HH:MM'.

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
    return moment.astimezone(local_timezone()).strftime("%Y-%m-%d %H:%M")


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


def problems_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """Validation problems (``workbook.Problem``) as a table to show: Hoja, Fila, Columna, Valor, Qué se
    esperaba — all text, never 'None': a file-level problem reads '(archivo)' in Hoja and '—' where it has
    no row or column; Excel row numbers stay as Excel shows them (no thousands separator)."""
    import pandas as pd

    rows = [{"hoja": p.hoja or "(archivo)",
             "fila": EMPTY if p.fila is None else str(int(p.fila)),
             "columna": p.columna or EMPTY,
             "valor": p.valor if p.valor not in (None, "") else EMPTY,
             "esperado": p.esperado} for p in problems]
    return pd.DataFrame(rows, columns=list(PROBLEM_HEADERS), dtype=object).rename(columns=PROBLEM_HEADERS)
