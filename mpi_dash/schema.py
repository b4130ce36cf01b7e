"""The workbook contract: sheet names, columns, enumerations and defaults.

Everything that names a column lives here so the reader, the engine, the
exports and the store agree on one vocabulary.  Spanish headers are what users
see in Excel; the internal (DataFrame) names are snake_case ASCII.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Kind = Literal["text", "number", "int", "quarter"]


@dataclass(frozen=True)
class Column:
    """One column of a sheet: internal name, Spanish header, whether required."""

    name: str
    header: str
    kind: Kind = "text"
    required: bool = True


SHEET_PLAN = "Plan"
SHEET_AVANCES = "Avances"
SHEET_PARAMETROS = "Parámetros"
SHEET_LEAME = "Léame"

PLAN_COLUMNS: tuple[Column, ...] = (
    Column("clave", "Clave"),
    Column("anio", "Año", "int"),
    Column("programa", "Programa"),
    Column("objetivo", "Objetivo"),
    Column("accion", "Acción"),
    Column("indicador", "Indicador"),
    Column("dimension", "Dimensión"),
    Column("definicion", "Definición"),
    Column("metodo_calculo", "Método de cálculo"),
    Column("unidad_medida", "Unidad de medida"),
    Column("meta_anual", "Meta anual", "number"),
    Column("meta_ajustada", "Meta ajustada", "number", required=False),
    Column("tipo_calculo", "Tipo de cálculo"),
    Column("acumulacion", "Acumulación"),
    Column("frecuencia", "Frecuencia"),
    Column("sentido", "Sentido"),
    Column("programado_t1", "Programado T1", "number", required=False),
    Column("programado_t2", "Programado T2", "number", required=False),
    Column("programado_t3", "Programado T3", "number", required=False),
    Column("programado_t4", "Programado T4", "number", required=False),
    Column("linea_base", "Línea base"),
    Column("responsables", "Responsables"),
    Column("fuente_informacion", "Fuente de información"),
    Column("verde_min", "Verde mín", "number", required=False),
    Column("verde_max", "Verde máx", "number", required=False),
    Column("amarillo_min", "Amarillo mín", "number", required=False),
    Column("amarillo_max", "Amarillo máx", "number", required=False),
    # Optional documentary columns (not part of any calculation).
    Column("meta_texto", "Meta programada (texto del plan)", required=False),
    Column("origen", "Origen", required=False),
    Column("notas", "Notas", required=False),
)

AVANCES_COLUMNS: tuple[Column, ...] = (
    Column("clave", "Clave"),
    Column("anio", "Año", "int"),
    Column("trimestre", "Trimestre", "quarter"),
    Column("realizado", "Realizado", "number"),
    Column("justificacion", "Justificación", required=False),
    Column("evidencia", "Evidencia", required=False),
)

PARAMETROS_COLUMNS: tuple[Column, ...] = (
    Column("parametro", "Parámetro"),
    Column("valor", "Valor", "number"),
    Column("descripcion", "Descripción", required=False),
)

PROGRAMADO_COLUMNS = ("programado_t1", "programado_t2", "programado_t3", "programado_t4")
THRESHOLD_COLUMNS = ("verde_min", "verde_max", "amarillo_min", "amarillo_max")

# Semáforo defaults (percent).  Bounds belong to the better colour:
# verde 90–110, amarillo 70–<90 or >110–130, rojo beyond.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "verde_min": 90.0,
    "verde_max": 110.0,
    "amarillo_min": 70.0,
    "amarillo_max": 130.0,
}

#: Parámetros key: 1 = the actuals are illustrative (the pages show a banner), 0 = official figures.
ILLUSTRATIVE_FLAG = "datos_ilustrativos"


class TipoCalculo(StrEnum):
    """How an indicator is computed (``docs/metodologia.md`` §3)."""

    AVANCE_META = "avance_meta"
    PERIODO_ANTERIOR = "periodo_anterior"
    ANIO_ANTERIOR = "anio_anterior"
    CONTEO = "conteo"
    HITO = "hito"


class Acumulacion(StrEnum):
    """Whether ``avance_meta`` grades the year to date or each quarter alone."""

    ACUMULADO = "acumulado"
    PERIODO = "periodo"


class Sentido(StrEnum):
    """Whether more (Ascendente) or less (Descendente) is better."""

    ASCENDENTE = "Ascendente"
    DESCENDENTE = "Descendente"


class Semaforo(StrEnum):
    """Every semáforo state, in display order (``docs/metodologia.md`` §4)."""

    VERDE = "verde"
    AMARILLO = "amarillo"
    ROJO = "rojo"
    PENDIENTE = "pendiente"
    INFORMATIVO = "informativo"
    SIN_DATO = "sin_dato"
    SIN_META = "sin_meta"


# The same codes as plain ``str`` tuples, in enum order: DataFrames hold plain strings, never members.
TIPOS_CALCULO: tuple[str, ...] = tuple(t.value for t in TipoCalculo)
ACUMULACIONES: tuple[str, ...] = tuple(a.value for a in Acumulacion)
SENTIDOS: tuple[str, ...] = tuple(s.value for s in Sentido)
SEMAFOROS: tuple[str, ...] = tuple(s.value for s in Semaforo)

QUARTER_NAMES: dict[int, str] = {1: "Marzo", 2: "Junio", 3: "Septiembre", 4: "Diciembre"}

# Exactly the fields of `python -m mpi_dash report`, in order.
REPORT_FIELDS: tuple[str, ...] = (
    "clave",
    "anio",
    "trimestre",
    "tipo_calculo",
    "realizado_trimestre",
    "realizado_acumulado",
    "meta",
    "programado_acumulado",
    "valor_indicador",
    "esperado_pct",
    "cumplimiento_pct",
    "semaforo",
    "linea_base_acumulada",
    "variacion_linea_base_pct",
    "justificacion",
)


def normalize_header(value: object) -> str:
    """Fold a header for matching: no accents, lower case, single spaces.

    >>> normalize_header("  MÉTODO   de cálculo ")
    'metodo de calculo'
    """
    text = unicodedata.normalize("NFKD", str(value if value is not None else ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip().casefold()


_QUARTER_WORDS = {
    **{normalize_header(name): number for number, name in QUARTER_NAMES.items()},
    **{f"t{n}": n for n in range(1, 5)},
    **{str(n): n for n in range(1, 5)},
}


def parse_quarter(value: object) -> int | None:
    """Return 1–4 for 1–4, 'T1'–'T4' or 'Marzo'…'Diciembre' (any case); else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    return _QUARTER_WORDS.get(normalize_header(value).replace(" ", ""))


def program_number(clave: str) -> str:
    """Program a key belongs to: the first dotted segment ('1.2.2.a' → '1')."""
    return str(clave).split(".", 1)[0].strip()
