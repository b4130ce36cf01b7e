"""The semáforo: its thresholds and the ONE rule that colours a value.

Every place that colours something uses :func:`classify` and :class:`Thresholds`: the engine (each
indicator-quarter, with the per-row thresholds of the plan), the program summary, the gauge bands of the
figures (:meth:`Thresholds.bands`) and the Spanish rule text (:meth:`Thresholds.text`).  The user-facing
rules are ``docs/metodologia.md`` §4.

* Bands, with x the graded value: verde when verde_min ≤ x ≤ verde_max; amarillo when
  amarillo_min ≤ x < verde_min or verde_max < x ≤ amarillo_max; rojo otherwise.  Bounds belong to the
  better colour.
* x is rounded to 9 decimals before comparing, so 90 computed as 89.99999999999999 is still 90.
* Mirror (sentido Descendente of the percentage types): x is graded as 200 − x, so the same thresholds
  read the same way and being below the programme is the good side.
* A missing x (NaN) is ``sin_dato``.

Codes are the indexes of ``schema.SEMAFOROS`` (int8 arrays in the vectorised code; :func:`names` turns them
into plain strings at the end).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import astuple, dataclass, fields

import numpy as np

from mpi_dash import schema
from mpi_dash.formatting import PERCENT_SIGN, SEMAFORO_LABELS, SEMAFORO_WORDS, format_number, is_empty
from mpi_dash.schema import Semaforo

ROUND_DECIMALS = 9
MIRROR_SUM = 200.0  # Descendente grades 200 − x: x mirrored around 100

CODES: dict[str, int] = {name: code for code, name in enumerate(schema.SEMAFOROS)}
VERDE, AMARILLO, ROJO = CODES[Semaforo.VERDE], CODES[Semaforo.AMARILLO], CODES[Semaforo.ROJO]
PENDIENTE, INFORMATIVO = CODES[Semaforo.PENDIENTE], CODES[Semaforo.INFORMATIVO]
SIN_DATO, SIN_META = CODES[Semaforo.SIN_DATO], CODES[Semaforo.SIN_META]
_NAMES = np.array(schema.SEMAFOROS, dtype=object)

#: The order the four thresholds must keep (bounds from the worst to the best side and back).
ORDER = ("amarillo_min", "verde_min", "verde_max", "amarillo_max")
ORDER_RULE = "umbrales ordenados: amarillo_min ≤ verde_min ≤ verde_max ≤ amarillo_max"


class ThresholdsError(ValueError):
    """Unusable semáforo thresholds; ``valor`` names the bad value(s), ``esperado`` what was expected."""

    def __init__(self, valor: str, esperado: str) -> None:
        self.valor = valor
        self.esperado = esperado
        super().__init__(f"Umbrales del semáforo no válidos: {valor}; se esperaba {esperado}.")


def is_ordered(verde_min, verde_max, amarillo_min, amarillo_max):  # noqa: ANN001, ANN201 - scalars or arrays
    """amarillo_min ≤ verde_min ≤ verde_max ≤ amarillo_max (elementwise for arrays)."""
    return (amarillo_min <= verde_min) & (verde_min <= verde_max) & (verde_max <= amarillo_max)


def order_text(values: Mapping[str, float]) -> str:
    """The four values in :data:`ORDER`, for messages: 'amarillo_min 70, verde_min 95, …'."""
    return ", ".join(f"{key} {values[key]:g}" for key in ORDER)


def threshold_values(parametros: Mapping[str, object] | None) -> dict[str, float]:
    """The four thresholds of ``parametros``; each one that is absent or empty (None, NaN) takes its value
    from ``schema.DEFAULT_THRESHOLDS``.  Not validated (see :class:`Thresholds`); text that is not a number
    raises :class:`ThresholdsError`."""
    values = dict(schema.DEFAULT_THRESHOLDS)
    for key in schema.THRESHOLD_COLUMNS:
        value = (parametros or {}).get(key)
        if is_empty(value):
            continue
        try:
            values[key] = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ThresholdsError(f"{key} = «{value}»", "un número") from None
    return values


@dataclass(frozen=True)
class Thresholds:
    """The four semáforo thresholds (percent), validated once: finite, ≥ 0 and ordered."""

    verde_min: float = schema.DEFAULT_THRESHOLDS["verde_min"]
    verde_max: float = schema.DEFAULT_THRESHOLDS["verde_max"]
    amarillo_min: float = schema.DEFAULT_THRESHOLDS["amarillo_min"]
    amarillo_max: float = schema.DEFAULT_THRESHOLDS["amarillo_max"]

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ThresholdsError(f"{item.name} = «{value}»", "un número") from None
            if not math.isfinite(number) or number < 0:
                raise ThresholdsError(f"{item.name} = {value}", "un número finito mayor o igual a 0")
            object.__setattr__(self, item.name, number)
        if not is_ordered(*astuple(self)):
            raise ThresholdsError(order_text(self.as_dict()), ORDER_RULE)

    @classmethod
    def from_parametros(cls, parametros: Mapping[str, object] | None) -> Thresholds:
        """The thresholds of a ``parametros`` mapping, per key falling back to ``schema.DEFAULT_THRESHOLDS``
        (see :func:`threshold_values`); raises :class:`ThresholdsError` for bad values."""
        return cls(**threshold_values(parametros))

    def as_dict(self) -> dict[str, float]:
        return {item.name: getattr(self, item.name) for item in fields(self)}

    def as_array(self) -> np.ndarray:
        """The four values in ``schema.THRESHOLD_COLUMNS`` order (the layout :func:`classify` takes)."""
        return np.array([getattr(self, key) for key in schema.THRESHOLD_COLUMNS], dtype=np.float64)

    def bands(self) -> list[tuple[float, float, str]]:
        """(from, to, semáforo) bands on the graded scale, from 0 up: rojo, amarillo, verde, amarillo,
        rojo (the last one ends at infinity); each band's colour is what :func:`classify` gives inside it."""
        edges = [0.0, self.amarillo_min, self.verde_min, self.verde_max, self.amarillo_max, math.inf]
        spans = list(zip(edges[:-1], edges[1:], strict=True))
        inside = [(lo + hi) / 2 if math.isfinite(hi) else lo + 1 for lo, hi in spans]
        colours = names(classify(np.array(inside), self))
        return [(lo, hi, str(colour)) for (lo, hi), colour in zip(spans, colours, strict=True)]

    def text(self, *, icons: bool = False) -> str:
        """The rule in Spanish with these values ('verde de 90 % a 110 % de lo esperado, …')."""
        t = {key: format_number(value) for key, value in self.as_dict().items()}
        pct = PERCENT_SIGN
        words = SEMAFORO_LABELS if icons else SEMAFORO_WORDS
        verde, amarillo, rojo = (words[s].lower() for s in (Semaforo.VERDE, Semaforo.AMARILLO, Semaforo.ROJO))
        return (f"{verde} de {t['verde_min']}{pct} a {t['verde_max']}{pct} de lo esperado, {amarillo} de "
                f"{t['amarillo_min']}{pct} a menos de {t['verde_min']}{pct} (o de más de {t['verde_max']}{pct} a "
                f"{t['amarillo_max']}{pct}), {rojo} fuera de esos rangos")


def classify(value: object, thresholds: Thresholds | np.ndarray, *, mirror: object = False) -> np.ndarray:
    """Semáforo code (int8) of each value: VERDE, AMARILLO or ROJO by the bands; SIN_DATO where it is NaN.

    ``thresholds``: a :class:`Thresholds`, or an array whose LAST axis holds verde_min, verde_max,
    amarillo_min, amarillo_max (``schema.THRESHOLD_COLUMNS`` order), the rest broadcast against ``value``
    (the engine's per-row thresholds).  ``mirror`` (bool or bool array broadcast against ``value``): grade
    200 − x instead of x.  x is rounded to 9 decimals first.
    """
    x = np.asarray(value, dtype=np.float64)
    x = np.where(mirror, MIRROR_SUM - x, x)
    with np.errstate(over="ignore", invalid="ignore"):  # |x| near 1e300: rounding is moot
        rounded = np.round(x, ROUND_DECIMALS)
    x = np.where(np.isfinite(rounded), rounded, x)
    if isinstance(thresholds, Thresholds):
        thresholds = thresholds.as_array()
    bounds = np.asarray(thresholds, dtype=np.float64)
    verde_min, verde_max, amarillo_min, amarillo_max = np.moveaxis(bounds, -1, 0)
    verde = (x >= verde_min) & (x <= verde_max)
    amarillo = ((x >= amarillo_min) & (x < verde_min)) | ((x > verde_max) & (x <= amarillo_max))
    return np.select([np.isnan(x), verde, amarillo], [SIN_DATO, VERDE, AMARILLO], ROJO).astype(np.int8)


def names(codes: np.ndarray) -> np.ndarray:
    """Semáforo codes → object array of plain ``str`` names (``schema.SEMAFOROS``)."""
    return _NAMES[np.asarray(codes, dtype=np.int64)]
