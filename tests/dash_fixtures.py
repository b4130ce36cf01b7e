"""In-memory builders for the dashboard tests: a plan and engine-shaped results.

The results rows are written by hand (values a reader can check against the engine rules in
docs/metodologia.md); the summary/figures/exports tests only need their *shape*.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mpi_dash import schema

PROGRAMS = {
    "1": "1. ATENCIÓN INTEGRAL A PERSONAS DEFENSORAS DE DERECHOS HUMANOS Y PERIODISTAS",
    "2": "2. COLABORACIÓN INTERINSTITUCIONAL",
    "6": "6. PLANEACIÓN ESTRATÉGICA 2023",
}
NUMERIC_PLAN = {c.name for c in schema.PLAN_COLUMNS if c.kind == "number"}
NUMERIC_RESULTS = {
    "realizado_trimestre", "realizado_acumulado", "meta", "programado_acumulado", "valor_indicador",
    "esperado_pct", "cumplimiento_pct", "linea_base_acumulada", "variacion_linea_base_pct",
    "programado_trimestre", "vence_trimestre",
}
ENGINE_COLUMNS = (*schema.REPORT_FIELDS, "programado_trimestre", "evidencia", "vence_trimestre",
                  "direccion_desvio")


def close(a: Any, b: Any) -> bool:
    """a equals the hand-computed b (approximately; an empty expectation means NaN/None)."""
    import math

    import pytest

    if b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None or (isinstance(a, float) and math.isnan(a))
    return a == pytest.approx(b)


def plan_row(clave: str, anio: int = 2023, **values: Any) -> dict[str, Any]:
    """One plan row with every PLAN_COLUMNS key (defaults: avance_meta, acumulado, Ascendente)."""
    row: dict[str, Any] = {c.name: (np.nan if c.name in NUMERIC_PLAN else None) for c in schema.PLAN_COLUMNS}
    number = schema.program_number(clave)
    row.update(
        clave=clave, anio=anio, programa=PROGRAMS.get(number, f"{number}. PROGRAMA {number}"),
        objetivo=f"Objetivo del programa {number}", accion=f"Acción {clave}", indicador=f"Indicador {clave}",
        dimension="Eficacia", definicion="Definición", metodo_calculo="(Realizadas/Programadas)*100",
        unidad_medida="Sesiones", tipo_calculo="avance_meta", acumulacion="acumulado",
        frecuencia="Trimestral", sentido="Ascendente", linea_base="2022", responsables="Dirección General",
        fuente_informacion="Actas",
    )
    row.update(values)
    return row


def plan_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[c.name for c in schema.PLAN_COLUMNS])
    frame["anio"] = frame["anio"].astype("int64")
    for name in NUMERIC_PLAN:
        frame[name] = frame[name].astype("float64")
    return frame


def result_row(clave: str, anio: int, trimestre: int, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {c: (np.nan if c in NUMERIC_RESULTS else None) for c in ENGINE_COLUMNS}
    row.update(clave=clave, anio=anio, trimestre=trimestre, tipo_calculo="avance_meta", semaforo="sin_dato")
    row.update(values)
    return row


def results_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(ENGINE_COLUMNS))
    frame["anio"] = frame["anio"].astype("int64")
    frame["trimestre"] = frame["trimestre"].astype("int64")
    for name in NUMERIC_RESULTS:
        frame[name] = frame[name].astype("float64")
    return frame.sort_values(["anio", "clave", "trimestre"], kind="stable").reset_index(drop=True)


def quarters(clave: str, anio: int, tipo: str = "avance_meta",
             **per_quarter: list[Any]) -> list[dict[str, Any]]:
    """Four result rows for one indicator; ``per_quarter`` maps a column to its 4 quarterly values."""
    rows = []
    for k in range(1, 5):
        values = {col: vals[k - 1] for col, vals in per_quarter.items()}
        values.setdefault("tipo_calculo", tipo)
        rows.append(result_row(clave, anio, k, **values))
    return rows


def sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A small plan (2022 + 2023) and hand-computed engine results.

    2023, program 1: 1.1.1 (meta 4, 1 per quarter), 1.3 (meta 10, T/4), 1.2.1 (periodo_anterior);
    program 2: 2.1 (meta 2, unreported in Q2 → sin_dato); program 6: hito due Q1.
    """
    plan = plan_frame([
        *(plan_row("1.1.1", y, meta_anual=4.0, programado_t1=1.0, programado_t2=1.0, programado_t3=1.0,
                   programado_t4=1.0, indicador="Sesiones de la Junta de Gobierno") for y in (2022, 2023)),
        *(plan_row("1.2.1", y, tipo_calculo="periodo_anterior", unidad_medida="Atenciones",
                   indicador="Atención y canalización de casos") for y in (2022, 2023)),
        *(plan_row("1.3", y, meta_anual=10.0, unidad_medida="Talleres",
                   indicador="Talleres de autoprotección") for y in (2022, 2023)),
        *(plan_row("2.1", y, meta_anual=2.0, unidad_medida="Capacitaciones",
                   indicador="=HYPERLINK(\"http://x\")") for y in (2022, 2023)),
        *(plan_row("6", y, tipo_calculo="hito", meta_anual=1.0, programado_t1=1.0, unidad_medida="Plan",
                   indicador="Plan anual aprobado") for y in (2022, 2023)),
    ])
    nan = np.nan
    rows = [
        # 2023 ------------------------------------------------------------------------------------------
        *quarters("1.1.1", 2023, realizado_trimestre=[1, 1, 1, 1], realizado_acumulado=[1, 2, 3, 4],
                  meta=[4] * 4, programado_trimestre=[1] * 4, programado_acumulado=[1, 2, 3, 4],
                  valor_indicador=[25, 50, 75, 100], esperado_pct=[25, 50, 75, 100],
                  cumplimiento_pct=[100] * 4, semaforo=["verde"] * 4,
                  linea_base_acumulada=[1, 2, 2, 3], variacion_linea_base_pct=[0, 0, 50, 33.333333],
                  evidencia=["Acta 1/2023", "Acta 2/2023", "Acta 3/2023", "Acta 4/2023"]),
        *quarters("1.2.1", 2023, "periodo_anterior", realizado_trimestre=[10, 12, 6, 9],
                  realizado_acumulado=[10, 22, 28, 37], valor_indicador=[125, 120, 50, 150],
                  semaforo=["informativo"] * 4, linea_base_acumulada=[8, 16, nan, nan],
                  variacion_linea_base_pct=[25, 37.5, nan, nan]),
        *quarters("1.3", 2023, realizado_trimestre=[1, 1, 4, 4], realizado_acumulado=[1, 2, 6, 10],
                  meta=[10] * 4, programado_trimestre=[2.5] * 4, programado_acumulado=[2.5, 5, 7.5, 10],
                  valor_indicador=[10, 20, 60, 100], esperado_pct=[25, 50, 75, 100],
                  cumplimiento_pct=[40, 40, 80, 100], semaforo=["rojo", "rojo", "amarillo", "verde"],
                  justificacion=["Se reprogramaron talleres", "=cmd|' /C calc'!A0", None, None],
                  linea_base_acumulada=[2, 4, 6, 8], variacion_linea_base_pct=[-50, -50, 0, 25]),
        *quarters("2.1", 2023, realizado_trimestre=[1, nan, 1, 0], realizado_acumulado=[1, nan, 2, 2],
                  meta=[2] * 4, programado_trimestre=[0.5] * 4, programado_acumulado=[0.5, 1, 1.5, 2],
                  valor_indicador=[50, nan, 100, 100], esperado_pct=[25, 50, 75, 100],
                  cumplimiento_pct=[200, nan, 133.333333, 100],
                  semaforo=["rojo", "sin_dato", "rojo", "verde"],
                  justificacion=["+Se adelantó la capacitación", None, "Se adelantó", None]),
        *quarters("6", 2023, "hito", realizado_trimestre=[1, 0, 0, 0], realizado_acumulado=[1, 1, 1, 1],
                  meta=[1] * 4, programado_trimestre=[1, 0, 0, 0], programado_acumulado=[1] * 4,
                  valor_indicador=[100] * 4, esperado_pct=[100] * 4, semaforo=["verde"] * 4,
                  vence_trimestre=[1] * 4),
        # 2022 (only Q1–Q2 reported) ---------------------------------------------------------------------
        *quarters("1.1.1", 2022, realizado_trimestre=[1, 1, nan, nan], realizado_acumulado=[1, 2, nan, nan],
                  meta=[4] * 4, valor_indicador=[25, 50, nan, nan], esperado_pct=[25, 50, 75, 100],
                  cumplimiento_pct=[100, 100, nan, nan], semaforo=["verde", "verde", "sin_dato", "sin_dato"]),
        *quarters("1.2.1", 2022, "periodo_anterior", realizado_trimestre=[8, 8, nan, nan],
                  semaforo=["informativo", "informativo", "sin_dato", "sin_dato"]),
        *quarters("1.3", 2022, realizado_trimestre=[2, 2, nan, nan], semaforo=["rojo", "rojo", "sin_dato",
                                                                                   "sin_dato"]),
        *quarters("2.1", 2022, semaforo=["sin_dato"] * 4),
        *quarters("6", 2022, "hito", semaforo=["pendiente", "sin_dato", "sin_dato", "sin_dato"],
                  vence_trimestre=[1] * 4),
    ]
    return plan, results_frame(rows)


def avances_frame(rows: list[tuple[str, int, int, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["clave", "anio", "trimestre", "realizado"])
    frame["justificacion"] = None
    frame["evidencia"] = None
    return frame.astype({"anio": "int64", "trimestre": "int64", "realizado": "float64"})
