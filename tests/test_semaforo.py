"""The one semáforo rule: Thresholds validation and fallbacks, classify (bounds, rounding, mirror, per-row
thresholds), the bands of the gauges and the Spanish rule text."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mpi_dash import semaforo
from mpi_dash.semaforo import Thresholds, ThresholdsError

NAN = float("nan")


def _names(values, thresholds=Thresholds(), **kwargs):
    return semaforo.names(semaforo.classify(np.array(values, dtype=float), thresholds, **kwargs)).tolist()


def test_default_thresholds():
    assert Thresholds().as_dict() == {"verde_min": 90.0, "verde_max": 110.0, "amarillo_min": 70.0,
                                      "amarillo_max": 130.0}


@pytest.mark.parametrize(("values", "bad"), [
    ({"verde_min": -1}, "verde_min = -1"),
    ({"amarillo_max": math.inf}, "amarillo_max = inf"),
    ({"verde_max": NAN}, "verde_max = nan"),
    ({"verde_min": "mucho"}, "verde_min = «mucho»"),
    ({"verde_min": 95, "verde_max": 90}, "amarillo_min 70, verde_min 95, verde_max 90, amarillo_max 130"),
    ({"amarillo_min": 91}, "amarillo_min 91, verde_min 90"),
])
def test_invalid_thresholds_are_a_spanish_error_naming_the_value(values, bad):
    with pytest.raises(ThresholdsError) as caught:
        Thresholds(**values)
    assert bad in caught.value.valor
    assert str(caught.value).startswith("Umbrales del semáforo no válidos: ")
    assert isinstance(caught.value, ValueError)


def test_thresholds_are_floats_and_frozen():
    thresholds = Thresholds(verde_min=92, verde_max=108)
    assert thresholds.verde_min == 92.0 and isinstance(thresholds.verde_min, float)
    with pytest.raises(AttributeError):
        thresholds.verde_min = 1  # type: ignore[misc]


@pytest.mark.parametrize(("parametros", "expected"), [
    (None, Thresholds()),
    ({}, Thresholds()),
    ({"verde_min": 80.0, "datos_ilustrativos": 1.0}, Thresholds(verde_min=80)),   # other keys ignored
    ({"verde_min": NAN, "verde_max": None, "amarillo_max": 140}, Thresholds(amarillo_max=140)),  # empty
    ({"verde_min": "85"}, Thresholds(verde_min=85)),
])
def test_from_parametros_falls_back_per_key(parametros, expected):
    assert Thresholds.from_parametros(parametros) == expected


@pytest.mark.parametrize("parametros", [{"verde_min": "abc"}, {"verde_min": math.inf},
                                        {"verde_min": 150.0}, {"amarillo_min": -5.0}])
def test_from_parametros_rejects_bad_values(parametros):
    with pytest.raises(ThresholdsError):
        Thresholds.from_parametros(parametros)


def test_classify_bounds_belong_to_the_better_colour():
    values = [69.9, 70, 89.9, 90, 100, 110, 110.1, 130, 130.1, 0, NAN]
    assert _names(values) == ["rojo", "amarillo", "amarillo", "verde", "verde", "verde", "amarillo",
                              "amarillo", "rojo", "rojo", "sin_dato"]


def test_classify_rounds_to_nine_decimals():
    # the program of Meta 15 / Programado 10 / Realizado 9: (9·100/15) / (10·100/15) · 100
    ninety = (9 * 100 / 15) / (10 * 100 / 15) * 100
    assert ninety == 89.99999999999999
    assert _names([ninety, 110.00000000000001, 89.9999999]) == ["verde", "verde", "amarillo"]


def test_classify_mirror_grades_200_minus_x():
    asymmetric = Thresholds(verde_min=95, verde_max=150, amarillo_min=80, amarillo_max=200)
    assert _names([120, 60], asymmetric) == ["verde", "rojo"]
    assert _names([120, 60], asymmetric, mirror=True) == ["amarillo", "verde"]
    assert _names([120, 60], asymmetric, mirror=np.array([False, True])) == ["verde", "verde"]


def test_classify_takes_per_row_threshold_arrays():
    rows = np.array([[90, 110, 70, 130], [95, 105, 80, 120]], dtype=float)[:, None, :]   # (2, 1, 4)
    values = np.array([[92, 85], [92, 85]], dtype=float)                          # (2 rows, 2 quarters)
    assert semaforo.names(semaforo.classify(values, rows)).tolist() == [["verde", "amarillo"],
                                                                       ["amarillo", "amarillo"]]


def test_classify_extreme_values_do_not_warn():
    with np.errstate(all="raise"):
        assert _names([1e306, -1e306, 1e-300]) == ["rojo", "rojo", "rojo"]


@pytest.mark.parametrize("thresholds", [Thresholds(), Thresholds(95, 105, 80, 120),
                                        Thresholds(90, 90, 90, 90), Thresholds(0, 300, 0, 300)])
def test_bands_agree_with_classify(thresholds):
    bands = thresholds.bands()
    assert [colour for *_, colour in bands] == ["rojo", "amarillo", "verde", "amarillo", "rojo"] or \
        thresholds.amarillo_min == thresholds.verde_min
    assert bands[0][0] == 0 and math.isinf(bands[-1][1])
    for lo, hi, colour in bands:
        if hi > lo:
            inside = lo + (hi - lo) / 2 if math.isfinite(hi) else lo + 10
            assert _names([inside], thresholds) == [colour]


@pytest.mark.parametrize(("parametros", "icons", "expected"), [
    (None, False, "verde de 90 % a 110 % de lo esperado, amarillo de 70 % a menos de 90 % (o de más de 110 % "
                  "a 130 %), rojo fuera de esos rangos"),
    ({"verde_min": 92.5, "amarillo_max": 125.0}, False,
     "verde de 92.5 % a 110 % de lo esperado, amarillo de 70 % a menos de 92.5 % (o de más de 110 % a "
     "125 %), rojo fuera de esos rangos"),
    ({"verde_min": float("nan")}, True,
     "🟢 verde de 90 % a 110 % de lo esperado, 🟡 amarillo de 70 % a menos de 90 % (o de más de 110 % a "
     "130 %), 🔴 rojo fuera de esos rangos"),
])
def test_rule_text_follows_parametros(parametros, icons, expected):
    # «%» after a non-breaking space (it never wraps onto its own line)
    assert Thresholds.from_parametros(parametros).text(icons=icons) == expected.replace(" %", "\u00a0%")


def test_is_ordered_elementwise():
    assert semaforo.is_ordered(90, 110, 70, 130)
    assert list(semaforo.is_ordered(np.array([90, 95]), np.array([110, 90]), 70, 130)) == [True, False]
