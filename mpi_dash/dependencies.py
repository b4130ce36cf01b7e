"""Which stored cells the figures of ONE program-cut are computed from (issue 21, item 1): the set an
approval of that program-cut locks, and the set whose change since an approval makes the approved figures
differ from the data.

A *program-cut* is (año A, trimestre T, programa P).  Its figures are the rows of P in the cut-off frame
(``summary.at_cutoff`` of ``engine.compute_all``), the program's row of ``programs.program_figures``, and the
engine rows of P's indicators for every quarter from Marzo to T (the per-quarter realizado, semáforo,
justificación and evidencia shown with the cut, e.g. «Justificación y evidencia por trimestre» on Programa).

:func:`cut_inputs` derives the set from the engine's rules (notation of ``mpi_dash.engine``: r_k, R_k, B_k),
for every plan row (clave c of P in the plan of A) and every quarter k ≤ T:

* Avances (c, A, i), Realizado, i ≤ k — r_k, R_k = Σ r_i (realizado acumulado, every type: the cut frame
  shows it and the realizado of each quarter up to the cut), the hito «reached by k» and the «sin dato»
  of the year-to-date types;
* Avances (c, A, k), Justificación and Evidencia — the texts of quarter k (the engine takes them from the
  row of that quarter);
* Avances (c, A−1, i), Realizado, i ≤ k — B_k, the previous year's R_k (``linea_base_acumulada`` and
  ``variacion_linea_base_pct``, computed for every type);
* Avances (c, A−1, 4), Realizado, only for ``periodo_anterior`` — r_{k−1} of Marzo is the previous year's
  Diciembre (r_0);
* every field of the Plan rows of P and A (the cut frame joins the plan row; meta, calendar, tipo,
  acumulación, sentido and row thresholds grade it), including rows added to or removed from P's plan of A;
* the four semáforo thresholds of Parámetros (``schema.THRESHOLD_COLUMNS``: a row without its own four, and
  the program's semáforo, use them).

Nothing else is read: not quarters after T, not other programs' rows, not plan rows of other years (B_k
needs avances only), not the «datos ilustrativos» parámetro.  One display detail is left out on purpose: an
indicator's *name* (``nombre``) switches to its action when another row of the year has the same indicator
text (``summary.display_names``) — a label, not a figure, so other programs' plans are not locked for it.
``tests/test_dependencies.py`` checks the set against the engine (a change outside never changes the
figures; the cells every figure shows do change them).

Pure: DataFrames in, a frozen :class:`CutInputs` out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from mpi_dash.schema import THRESHOLD_COLUMNS, TipoCalculo, program_number

#: Avances fields the engine reads: the number every figure is computed from, and the two texts of a quarter.
REALIZADO = "realizado"
TEXTS: tuple[str, ...] = ("justificacion", "evidencia")
#: Columns of :meth:`CutInputs.cells`.
CELL_COLUMNS: tuple[str, ...] = ("tabla", "clave", "anio", "trimestre", "campo")

AvancesCell = tuple[str, int, int, str]  # (clave, anio, trimestre, campo)


@dataclass(frozen=True)
class CutInputs:
    """The stored cells the figures of the program-cut (``anio``, ``trimestre``, ``programa``) depend on.

    ``avances``: (clave, anio, trimestre, campo) cells — present or not yet reported (a new report in one
    of them changes the figures as much as a correction); ``claves``: P's plan rows of ``anio`` (every field;
    any other plan row of P and ``anio``, added later, too: :meth:`plan_row`); ``parametros``: the names."""

    anio: int
    trimestre: int
    programa: str
    claves: frozenset[str]
    avances: frozenset[AvancesCell]
    parametros: frozenset[str] = frozenset(THRESHOLD_COLUMNS)

    def plan_row(self, clave: str, anio: int) -> bool:
        """Every field of a plan row of this program and year (present, added or removed)."""
        return int(anio) == self.anio and program_number(clave) == self.programa

    def avances_cell(self, clave: str, anio: int, trimestre: int, campo: str) -> bool:
        return (str(clave), int(anio), int(trimestre), campo) in self.avances

    def parametro(self, nombre: str) -> bool:
        return nombre in self.parametros

    def cells(self) -> pd.DataFrame:
        """The set as rows (:data:`CELL_COLUMNS`, internal field names; Plan rows with ``campo`` None = every
        field, Parámetros with ``clave``/``anio``/``trimestre`` None), sorted."""
        rows = [("Avances", c, a, t, f) for c, a, t, f in sorted(self.avances)]
        rows += [("Plan", c, self.anio, None, None) for c in sorted(self.claves)]
        rows += [("Parámetros", None, None, None, p) for p in sorted(self.parametros)]
        return pd.DataFrame(rows, columns=list(CELL_COLUMNS)).astype(object)


def _is_periodo_anterior(tipo: object) -> bool:
    # the engine's matching: case-insensitive, unknown types fall back to avance_meta
    return str(tipo).strip().casefold() == TipoCalculo.PERIODO_ANTERIOR.value


def cut_inputs(plan: pd.DataFrame, anio: int, trimestre: int, programa: str) -> CutInputs:
    """The cells the figures of program ``programa`` at (``anio``, ``trimestre``) are computed from, by the
    rules of the module docstring, for the plan ``plan`` (the plan in force for the cut: an approval locks
    P's plan rows of ``anio``, so it does not change while the cut stays approved)."""
    anio, trimestre, programa = int(anio), int(trimestre), str(programa)
    if not 1 <= trimestre <= 4:
        raise ValueError(f"Trimestre no válido: {trimestre}; se esperaba 1 a 4.")
    year = plan.loc[plan["anio"].astype(int) == anio]
    mine = year.loc[year["clave"].astype(str).map(program_number) == programa]
    claves = mine["clave"].astype(str).tolist()
    cells: set[AvancesCell] = set()
    quarters = range(1, trimestre + 1)
    for clave, tipo in zip(claves, mine["tipo_calculo"].tolist(), strict=True):
        for k in quarters:
            cells.add((clave, anio, k, REALIZADO))        # r_k, R_T, hito reached, «sin dato»
            cells.update((clave, anio, k, f) for f in TEXTS)   # the texts of quarter k
            cells.add((clave, anio - 1, k, REALIZADO))    # B_k (línea base)
        if _is_periodo_anterior(tipo):
            cells.add((clave, anio - 1, 4, REALIZADO))    # r_0 of Marzo: the previous Diciembre
    return CutInputs(anio, trimestre, programa, frozenset(claves), frozenset(cells))


__all__ = ["CELL_COLUMNS", "CutInputs", "REALIZADO", "TEXTS", "cut_inputs"]
