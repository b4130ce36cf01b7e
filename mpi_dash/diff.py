"""What changed between two snapshots: cell-level differences and the semáforo changes they cause.

:func:`diff_snapshots` lists every changed cell (``antes → después``, by key: see ``mpi_dash.snapshot``)
and, through the engine, the indicator-quarters whose semáforo changes.  The store uses it for upload
previews and for "what did revision N change".  The Spanish tables shown to people are built from
:class:`Changes` by ``mpi_dash.formatting`` (``cells_table``, ``semaforo_table``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mpi_dash.schema import AVANCES_COLUMNS, PLAN_COLUMNS, SHEET_AVANCES, SHEET_PARAMETROS, SHEET_PLAN
from mpi_dash.snapshot import (
    AVANCES_KEY,
    AVANCES_VALUES,
    PLAN_KEY,
    PLAN_VALUES,
    KeyedComparison,
    Snapshot,
    compare_avances,
    compare_plan,
    same_number,
    values_equal,
)

_HEADERS = {c.name: c.header for c in (*PLAN_COLUMNS, *AVANCES_COLUMNS)}

CELL_COLUMNS: tuple[str, ...] = ("tabla", "clave", "anio", "trimestre", "campo", "antes", "despues", "tipo")
SEMAFORO_COLUMNS: tuple[str, ...] = ("clave", "anio", "trimestre", "indicador", "antes", "despues")
# Row-level kinds of change.
NUEVO, CAMBIADO, RETIRADO = "nuevo", "cambiado", "retirado"


@dataclass(frozen=True)
class Changes:
    """Cell-level differences between two snapshots, and the semáforo changes they cause.

    ``cells`` has :data:`CELL_COLUMNS`: ``tabla`` is the sheet ("Plan", "Avances", "Parámetros"),
    ``campo`` the Spanish column header (or the parámetro name), ``tipo`` ∈ nuevo/cambiado/retirado.
    ``semaforo`` has :data:`SEMAFORO_COLUMNS` (``antes`` None for a new indicator-quarter).
    """

    cells: pd.DataFrame
    semaforo: pd.DataFrame

    @property
    def is_empty(self) -> bool:
        return self.cells.empty

    @property
    def n_cells(self) -> int:
        return int(len(self.cells))


def _cells(rd: KeyedComparison, key: list[str], values: tuple[str, ...], tabla: str) -> pd.DataFrame:
    merged = rd.merged
    parts = []
    for col in values:
        before_v, after_v = merged[f"{col}__a"], merged[f"{col}__d"]
        masks = ((rd.changed[col], CAMBIADO), (rd.new & after_v.notna().to_numpy(), NUEVO),
                 (rd.removed & before_v.notna().to_numpy(), RETIRADO))
        for mask, tipo in masks:
            if not mask.any():
                continue
            sub = merged.loc[mask, key]
            parts.append(pd.DataFrame({
                "tabla": tabla, "clave": sub["clave"].to_numpy(), "anio": sub["anio"].to_numpy(),
                "trimestre": sub["trimestre"].to_numpy() if "trimestre" in key else pd.NA,
                "campo": _HEADERS[col],
                "antes": [None if tipo == NUEVO else _plain(v) for v in before_v[mask]],
                "despues": [None if tipo == RETIRADO else _plain(v) for v in after_v[mask]],
                "tipo": tipo}))
    return pd.concat(parts, ignore_index=True) if parts else _empty_cells()


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _empty_cells() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in CELL_COLUMNS})


def _param_cells(before: Mapping[str, float], after: Mapping[str, float]) -> pd.DataFrame:
    rows = []
    for name in sorted(set(before) | set(after)):
        b, a = before.get(name), after.get(name)
        if b is not None and a is not None and same_number(b, a):
            continue
        tipo = NUEVO if b is None else RETIRADO if a is None else CAMBIADO
        rows.append({"tabla": SHEET_PARAMETROS, "clave": None, "anio": pd.NA, "trimestre": pd.NA,
                     "campo": name, "antes": b, "despues": a, "tipo": tipo})
    return pd.DataFrame(rows, columns=list(CELL_COLUMNS)) if rows else _empty_cells()


def semaforo_changes(before: Snapshot, after: Snapshot) -> pd.DataFrame:
    """Indicator-quarters whose semáforo differs between ``before`` and ``after`` (via the engine)."""
    from mpi_dash.engine import compute_all

    cols = ["clave", "anio", "trimestre", "semaforo"]
    old = compute_all(before.plan, before.avances, before.parametros)[cols] if len(before.plan) else \
        pd.DataFrame(columns=cols)
    new = compute_all(after.plan, after.avances, after.parametros)[cols]
    for frame in (old, new):
        frame["anio"] = frame["anio"].astype("int64")
        frame["trimestre"] = frame["trimestre"].astype("int64")
    merged = old.merge(new, on=cols[:3], how="right", suffixes=("_antes", "_despues"))
    differs = ~values_equal(merged["semaforo_antes"], merged["semaforo_despues"])
    out = merged.loc[differs].reset_index(drop=True)
    names = after.plan.drop_duplicates(list(PLAN_KEY)).set_index(list(PLAN_KEY))["indicador"]
    indicador = [names.get((c, a)) for c, a in zip(out["clave"], out["anio"])]
    return pd.DataFrame({"clave": out["clave"].astype(object), "anio": out["anio"].astype("int64"),
                         "trimestre": out["trimestre"].astype("int64"), "indicador": indicador,
                         "antes": [_plain(v) for v in out["semaforo_antes"]],
                         "despues": [_plain(v) for v in out["semaforo_despues"]]},
                        columns=list(SEMAFORO_COLUMNS))


def diff_snapshots(before: Snapshot, after: Snapshot, *, with_semaforo: bool = True) -> Changes:
    """Every changed cell between two snapshots (by key) and, optionally, the semáforo changes."""
    p = compare_plan(before, after)
    a = compare_avances(before, after)
    parts = [c for c in (_cells(p, list(PLAN_KEY), PLAN_VALUES, SHEET_PLAN),
                         _cells(a, list(AVANCES_KEY), AVANCES_VALUES, SHEET_AVANCES),
                         _param_cells(before.parametros, after.parametros)) if not c.empty]
    cells = pd.concat(parts, ignore_index=True) if parts else _empty_cells()
    cells["anio"] = cells["anio"].astype("Int64")
    cells["trimestre"] = cells["trimestre"].astype("Int64")
    if len(cells) > 1:  # Plan, Avances, Parámetros; then year, clave, quarter, column order
        order = {SHEET_PLAN: 0, SHEET_AVANCES: 1, SHEET_PARAMETROS: 2}
        field_pos = {_HEADERS[n]: i for i, n in enumerate((*PLAN_VALUES, *AVANCES_VALUES))}
        keys = pd.DataFrame({"t": cells["tabla"].map(order), "a": cells["anio"].fillna(0),
                             "c": cells["clave"].fillna(""), "q": cells["trimestre"].fillna(0),
                             "f": cells["campo"].map(lambda f: field_pos.get(f, 999)), "n": cells["campo"]})
        cells = cells.loc[keys.sort_values(list("tacqfn"), kind="stable").index].reset_index(drop=True)
    if cells.empty or not with_semaforo:
        sem = pd.DataFrame(columns=list(SEMAFORO_COLUMNS))
    else:
        sem = semaforo_changes(before, after)
    return Changes(cells=cells, semaforo=sem)


# --------------------------------------------------------------------------- merge cells shown to people
FIELD_HEADERS: dict[str, str] = {name: _HEADERS[name] for name in AVANCES_VALUES}


def cell_label(clave: object, anio: object, trimestre: object, campo: str) -> str:
    """«1.1.1 · Septiembre 2023 · Realizado»: one conflicting/kept cell in words."""
    from mpi_dash.formatting import quarter_label

    return f"{clave} · {quarter_label(int(trimestre))} {int(anio)} · {FIELD_HEADERS.get(campo, campo)}"


def merge_cells_table(cells: pd.DataFrame) -> pd.DataFrame:
    """Conflicting or kept cells (``store.CONFLICT_COLUMNS``) as a Spanish table: Celda, Guardado, Guardado
    por (name — «usted» for the uploader's own saves —, Mexico City date, revision), Su archivo — every value
    as text."""
    from mpi_dash.formatting import display_value, local_datetime

    own = cells["propia"] if "propia" in cells else [False] * len(cells)
    who = [f"{'usted' if o else a}, {local_datetime(f)} (revisión {int(r)})"
           if isinstance(a, str) and not pd.isna(r) else "—"
           for a, f, r, o in zip(cells["autor"], cells["fecha"], cells["revision"], own)]
    return pd.DataFrame({
        "Celda": [cell_label(*k) for k in zip(cells["clave"], cells["anio"], cells["trimestre"], cells["campo"])],
        "Guardado": [display_value(v) for v in cells["guardado"]],
        "Guardado por": who,
        "Su archivo": [display_value(v) for v in cells["archivo"]],
    }, columns=["Celda", "Guardado", "Guardado por", "Su archivo"])


def changed_by_text(cells: pd.DataFrame) -> str:
    """Who changed ``cells`` (conflicting or kept cells, ``store.CONFLICT_COLUMNS``) after the template was
    made, in words — the uploader's own saves said as such: «usted la cambió el 07/12/2026 en la revisión 3»,
    «Beto (beto) las cambió en las revisiones 3 y 4», «usted cambió 1 celda el 07/12/2026 en la revisión 3;
    Beto (beto), 2 celdas el 08/12/2026 en la revisión 4»."""
    from mpi_dash.formatting import count_text, join_words, local_date

    n = len(cells)
    if not n:
        return ""
    own = (cells["propia"].astype(bool) if "propia" in cells else pd.Series(False, index=cells.index)).to_numpy()
    groups = []
    for mine in (True, False):
        part = cells.loc[own == mine]
        if part.empty:
            continue
        authors = list(dict.fromkeys(a for a in part["autor"] if isinstance(a, str)))
        who = "usted" if mine else (join_words(authors) if authors else "otra persona")
        groups.append((who, len(authors) > 1 and not mine, part))

    def when(part: pd.DataFrame) -> str:
        revisions = sorted({int(r) for r in part["revision"] if not pd.isna(r)})
        if not revisions:
            return "después de que se hizo su plantilla"
        if len(revisions) == 1:
            date = local_date(part.loc[part["revision"] == revisions[0], "fecha"].iloc[0])
            return f"el {date} en la revisión {revisions[0]}"
        return f"en las revisiones {join_words([str(r) for r in revisions])}"

    if len(groups) == 1:
        who, plural, part = groups[0]
        return f"{who} {'la' if n == 1 else 'las'} {'cambiaron' if plural else 'cambió'} {when(part)}"
    (who_a, plural_a, part_a), (who_b, _, part_b) = groups
    return (f"{who_a} {'cambiaron' if plural_a else 'cambió'} {count_text(len(part_a), 'celda', 'celdas')} "
            f"{when(part_a)}; {who_b}, {count_text(len(part_b), 'celda', 'celdas')} {when(part_b)}")


# --------------------------------------------------------------------------- justificaciones an upload needs
#: Columns of :func:`missing_justifications`.
MISSING_COLUMNS: tuple[str, ...] = ("programa_num", "clave", "nombre", "anio", "trimestre", "semaforo",
                                    "direccion_desvio")


def missing_justifications(after: Snapshot, changes: Changes) -> pd.DataFrame:
    """The indicators an upload touches that would be amarillo or rojo at their cut WITHOUT a justificación
    (``summary.missing_justifications`` on the cut-off frame of ``after``): for each quarter the upload
    touches — a changed Avances cell, or a semáforo that changes (a cumulative figure moves later cuts) —
    the indicators of those cells and semáforos.  Plan order within each cut; :data:`MISSING_COLUMNS`."""
    from mpi_dash import engine, summary

    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in MISSING_COLUMNS})
    cells = changes.cells
    avances = cells.loc[cells["tabla"] == SHEET_AVANCES, ["clave", "anio", "trimestre"]]
    touched = {(str(c), int(a), int(t)) for c, a, t in avances.itertuples(index=False)}
    touched |= {(str(c), int(a), int(t)) for c, a, t in
                changes.semaforo[["clave", "anio", "trimestre"]].itertuples(index=False)}
    if not touched or after.plan.empty:
        return empty
    results = engine.compute_all(after.plan, after.avances, after.parametros)
    years = {int(y) for y in after.plan["anio"]}
    parts = []
    for anio, trimestre in sorted({(a, t) for _, a, t in touched}):
        if anio not in years:
            continue  # the actuals of a year before the plan: the línea base, with no cut of its own
        claves = {c for c, a, t in touched if (a, t) == (anio, trimestre)}
        missing = summary.missing_justifications(summary.at_cutoff(results, after.plan, anio, trimestre))
        missing = missing.loc[missing["clave"].astype(str).isin(claves)]
        if len(missing):
            parts.append(missing.assign(anio=anio))
    if not parts:
        return empty
    out = pd.concat(parts, ignore_index=True)
    return out[list(MISSING_COLUMNS)]
