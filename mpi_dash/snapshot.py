"""The data at one revision (:class:`Snapshot`) and the rules that merge an upload into it, by key.

A snapshot is the plan, the avances and the parámetros in canonical dtypes (:func:`make_snapshot`).
An upload updates **by key** (``clave, anio`` for the plan, ``clave, anio, trimestre`` for avances): rows
present are added or replace the stored row, rows absent are left as they are (:func:`apply_upload`).
:func:`merge_avances` is the per-cell three-way merge of an upload made from a template (its base: what the
template held), :func:`resolve_conflicts` applies a person's decisions on conflicting cells, and
:func:`row_changes` lists the rows a new revision writes.  :func:`compare_by_key` is the one row
comparison all of these (and the cell diffs of ``mpi_dash.diff``) are built on.

Bundled sample values (issue 21): a snapshot knows which of its avances rows hold sample values
(:attr:`Snapshot.muestras`, their keys).  The rule that changes it is ONE function, :func:`written_real`:
a row a revision writes with new values is real; a row it leaves as it was keeps what it was.

Pure functions: inputs are never modified.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from mpi_dash.schema import AVANCES_COLUMNS, PLAN_COLUMNS

PLAN_KEY: tuple[str, ...] = ("clave", "anio")
AVANCES_KEY: tuple[str, ...] = ("clave", "anio", "trimestre")
PLAN_FIELDS: tuple[str, ...] = tuple(c.name for c in PLAN_COLUMNS)
AVANCES_FIELDS: tuple[str, ...] = tuple(c.name for c in AVANCES_COLUMNS)
PLAN_VALUES: tuple[str, ...] = tuple(n for n in PLAN_FIELDS if n not in PLAN_KEY)
AVANCES_VALUES: tuple[str, ...] = tuple(n for n in AVANCES_FIELDS if n not in AVANCES_KEY)
#: A key of :attr:`Snapshot.muestras`: ``(clave, anio, trimestre)`` of an avances row.
SampleKey = tuple[str, int, int]

_KINDS = {c.name: c.kind for c in (*PLAN_COLUMNS, *AVANCES_COLUMNS)}


@dataclass(frozen=True)
class Snapshot:
    """The complete data at one revision: plan, avances and parámetros (canonical dtypes), and which avances
    rows hold bundled sample values (``muestras``: their keys, a subset of the avances keys)."""

    plan: pd.DataFrame
    avances: pd.DataFrame
    parametros: dict[str, float] = field(default_factory=dict)
    muestras: frozenset[SampleKey] = frozenset()


@dataclass(frozen=True)
class RowChanges:
    """Rows to write for a new revision: new/changed rows (full values) and removed keys.

    ``avances_muestras``: the keys of ``avances_upserts`` written as bundled sample values (the others are
    written as real values)."""

    plan_upserts: pd.DataFrame
    plan_removed: pd.DataFrame
    avances_upserts: pd.DataFrame
    avances_removed: pd.DataFrame
    parametros_set: dict[str, float]
    parametros_removed: tuple[str, ...]
    avances_muestras: frozenset[SampleKey] = frozenset()


# --------------------------------------------------------------------------- canonical frames
def _canonical_text(values: np.ndarray) -> np.ndarray:
    """Object array of str/None: NaN, None, pandas NA and blank strings become None."""
    missing = pd.isna(values)
    return np.array([None if m or (isinstance(v, str) and not v.strip()) else v
                     for v, m in zip(values.tolist(), missing.tolist())], dtype=object)


def conform(frame: pd.DataFrame | None, fields: tuple[str, ...]) -> pd.DataFrame:
    """A copy with exactly ``fields`` in canonical dtypes (int64 keys, float64 numbers, object text/None)."""
    n = 0 if frame is None else len(frame)
    out: dict[str, object] = {}
    index = pd.RangeIndex(n)
    for name in fields:
        if frame is not None and name in frame.columns:
            values = frame[name].to_numpy(dtype=object)
        else:
            values = np.full(n, None, dtype=object)
        kind = _KINDS[name]
        if kind in ("int", "quarter"):
            out[name] = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype="int64")
        elif kind == "number":
            numbers = pd.to_numeric(pd.Series(values), errors="coerce")
            out[name] = numbers.to_numpy(dtype="float64", na_value=np.nan)
        else:
            # object dtype keeps None (pandas 3 would infer "str" and turn None into NaN)
            out[name] = pd.Series(_canonical_text(values), index=index, dtype=object)
    return pd.DataFrame(out, index=index, columns=list(fields))


def conform_plan(plan: pd.DataFrame | None) -> pd.DataFrame:
    return conform(plan, PLAN_FIELDS)


def conform_avances(avances: pd.DataFrame | None) -> pd.DataFrame:
    return conform(avances, AVANCES_FIELDS)


def make_snapshot(plan: pd.DataFrame | None, avances: pd.DataFrame | None,
                  parametros: Mapping[str, float] | None = None,
                  muestras: Iterable[SampleKey] | None = None) -> Snapshot:
    """A :class:`Snapshot` with canonical frames (inputs are not modified); ``muestras`` is kept to the keys
    of rows present in ``avances``."""
    frame = _sort_avances(conform_avances(avances))
    samples = frozenset()
    if muestras:
        present = set(_keys(frame, list(AVANCES_KEY)))
        samples = frozenset(k for k in ((str(c), int(a), int(t)) for c, a, t in muestras) if k in present)
    return Snapshot(conform_plan(plan), frame, {str(k): float(v) for k, v in (parametros or {}).items()},
                    samples)


def sample_keys(avances: pd.DataFrame) -> frozenset[SampleKey]:
    """Every row key of ``avances`` (a workbook whose avances are all bundled samples)."""
    return frozenset((str(c), int(a), int(t)) for c, a, t in _keys(avances, list(AVANCES_KEY)))


def written_real(before: Snapshot, after: Snapshot) -> Snapshot:
    """``after`` where the avances rows whose values differ from ``before`` (new or changed) are real and every
    other row keeps its mark from ``before`` (THE rule: a revision makes real only the rows it writes)."""
    if not before.muestras:
        return replace(after, muestras=frozenset())
    written = compare_by_key(before.avances, after.avances, list(AVANCES_KEY), AVANCES_VALUES).upserts
    changed = set(_keys(written, list(AVANCES_KEY)))
    present = set(_keys(after.avances, list(AVANCES_KEY)))
    return replace(after, muestras=frozenset(k for k in before.muestras if k in present and k not in changed))


def _sort_avances(avances: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by (anio, clave, trimestre)."""
    if len(avances) < 2:
        return avances.reset_index(drop=True)
    clave_codes = pd.factorize(avances["clave"].to_numpy(dtype=object), sort=True)[0]
    order = np.lexsort((avances["trimestre"].to_numpy(), clave_codes, avances["anio"].to_numpy()))
    return avances.iloc[order].reset_index(drop=True)


def _keys(frame: pd.DataFrame, key: list[str]) -> list[tuple]:
    return list(zip(*(frame[k].tolist() for k in key)))


# --------------------------------------------------------------------------- comparison by key
def values_equal(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality where empty == empty (NaN/None)."""
    a_na, b_na = a.isna().to_numpy(), b.isna().to_numpy()
    same = np.asarray((a.astype(object) == b.astype(object)).to_numpy(), dtype=bool)
    return (a_na & b_na) | (~a_na & ~b_na & same)


def same_number(x: float, y: float) -> bool:
    """``x == y`` where NaN equals NaN (parámetro values)."""
    return (np.isnan(x) and np.isnan(y)) or x == y


@dataclass(frozen=True)
class KeyedComparison:
    """Two frames outer-merged by key (:func:`compare_by_key`).

    ``merged`` has the key columns plus ``<column>__a`` (before) and ``<column>__d`` (after) per value
    column; the boolean masks are over its rows.
    """

    merged: pd.DataFrame
    changed: dict[str, np.ndarray]   # per value column: present on both sides with a different value
    both: np.ndarray                 # key on both sides
    new: np.ndarray                  # key only after
    removed: np.ndarray              # key only before
    any_change: np.ndarray           # on both sides with at least one different value
    upserts: pd.DataFrame            # full rows of ``after`` that are new or changed
    removed_keys: pd.DataFrame       # keys only before


def compare_by_key(before: pd.DataFrame, after: pd.DataFrame, key: list[str],
                   values: tuple[str, ...]) -> KeyedComparison:
    """Outer-merge ``before`` and ``after`` by ``key`` and mark what changed, per value column."""
    left = before[key + list(values)]
    right = after[key + list(values)]
    merged = left.merge(right, on=key, how="outer", suffixes=("__a", "__d"), indicator=True, sort=False)
    side = merged["_merge"].astype(str).to_numpy()
    both = side == "both"
    changed_cols = {}
    any_change = np.zeros(len(merged), dtype=bool)
    for col in values:
        diff = both & ~values_equal(merged[f"{col}__a"], merged[f"{col}__d"])
        changed_cols[col] = diff
        any_change |= diff
    new_rows = side == "right_only"
    removed = side == "left_only"
    upsert_keys = merged.loc[new_rows | any_change, key]
    up = after.merge(upsert_keys, on=key, how="inner") if len(upsert_keys) else after.iloc[0:0]
    return KeyedComparison(merged=merged, changed=changed_cols, both=both, new=new_rows, removed=removed,
                           any_change=any_change, upserts=up,
                           removed_keys=merged.loc[removed, key].reset_index(drop=True))


def compare_plan(before: Snapshot, after: Snapshot) -> KeyedComparison:
    return compare_by_key(before.plan, after.plan, list(PLAN_KEY), PLAN_VALUES)


def compare_avances(before: Snapshot, after: Snapshot) -> KeyedComparison:
    return compare_by_key(before.avances, after.avances, list(AVANCES_KEY), AVANCES_VALUES)


# --------------------------------------------------------------------------- merge by key
def _upsert(base: pd.DataFrame, new: pd.DataFrame, key: list[str],
            columns: frozenset[str] | None = None) -> pd.DataFrame:
    """Rows of ``new`` replace rows of ``base`` with the same key (in place); the others are appended.

    ``columns``: the columns the upload actually had; for existing rows, columns absent from the upload
    keep their stored values (None = every column was present).
    """
    if new.empty:
        return base.copy()
    new = new.drop_duplicates(key, keep="last").reset_index(drop=True)
    new_pos = {k: i for i, k in enumerate(_keys(new, key))}
    base_keys = _keys(base, key)
    base_set = set(base_keys)
    replaced = np.array([k in new_pos for k in base_keys], dtype=bool)
    kept = base.copy()
    if replaced.any():
        positions = [new_pos[k] for k, r in zip(base_keys, replaced) if r]
        cols = [c for c in base.columns if columns is None or c in columns or c in key]
        kept = kept.astype({c: object for c in cols})
        kept.loc[replaced, cols] = new.iloc[positions][cols].astype(object).to_numpy()
        kept = conform(kept, tuple(base.columns))
    appended = new[[k not in base_set for k in new_pos]]
    return pd.concat([kept, appended], ignore_index=True) if len(appended) else kept


def apply_upload(base: Snapshot, *, plan: pd.DataFrame | None, avances: pd.DataFrame | None,
                 parametros: Mapping[str, float] | None, plan_columns: frozenset[str] | None = None,
                 avances_columns: frozenset[str] | None = None) -> Snapshot:
    """The snapshot after applying an upload by key.

    ``plan`` None means the upload had no Plan sheet (the stored plan stays).  ``parametros`` None means
    no Parámetros sheet.  ``plan_columns``/``avances_columns``: internal names of the columns the upload's
    sheets had (None = all); an optional column missing from the file (e.g. no "Evidencia" column) keeps
    the stored values of the rows it updates, while a blank cell in a present column clears that value.
    Bundled sample values (:attr:`Snapshot.muestras`): the avances rows the upload changes become real
    values; every other row keeps its mark (:func:`written_real`), whatever the file's Parámetros say —
    an upload brings real figures, and a row it leaves as it was is not certified by it.
    """
    new_plan = (base.plan if plan is None
                else _upsert(base.plan, conform_plan(plan), list(PLAN_KEY), plan_columns))
    new_avances = _sort_avances(_upsert(base.avances, conform_avances(avances), list(AVANCES_KEY),
                                        avances_columns))
    new_params = dict(base.parametros)
    if parametros is not None:
        new_params.update({str(k): float(v) for k, v in parametros.items()})
    return written_real(base, Snapshot(new_plan.reset_index(drop=True), new_avances, new_params))


# Per-cell merge of an upload made from a template (three-way: base = what the template held).
KEEP_SAVED, USE_FILE = "guardado", "archivo"   # a person's decision on a conflicting cell
MERGE_COLUMNS: tuple[str, ...] = ("clave", "anio", "trimestre", "campo", "base", "guardado", "archivo")


@dataclass(frozen=True)
class AvancesMerge:
    """The outcome of :func:`merge_avances`.

    ``rows``: the avances rows to apply by key (full rows: the stored values with the cells the file
    changed); ``conflicts``: cells changed both in the file and in the store since the base, to different
    values (the stored value stays in ``rows`` until a person decides); ``kept``: cells the file left as
    in the base while the store changed them since (not applied: the later change stays).  Both frames
    have :data:`MERGE_COLUMNS` (``campo`` = internal field name).
    """

    rows: pd.DataFrame
    conflicts: pd.DataFrame
    kept: pd.DataFrame


def _merge_cells(frame: pd.DataFrame, mask: np.ndarray, field_name: str) -> pd.DataFrame:
    sub = frame.loc[mask]
    return pd.DataFrame({"clave": sub["clave"].to_numpy(dtype=object), "anio": sub["anio"].to_numpy(),
                         "trimestre": sub["trimestre"].to_numpy(), "campo": field_name,
                         "base": sub[f"{field_name}__b"].to_numpy(dtype=object),
                         "guardado": sub[f"{field_name}__c"].to_numpy(dtype=object),
                         "archivo": sub[f"{field_name}__f"].to_numpy(dtype=object)})


def _cells_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in MERGE_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    for col in ("base", "guardado", "archivo"):
        out[col] = [None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in out[col]]
    order = {name: i for i, name in enumerate(AVANCES_VALUES)}
    keys = pd.DataFrame({"a": out["anio"], "c": out["clave"], "t": out["trimestre"], "f": out["campo"].map(order)})
    return out.loc[keys.sort_values(list("actf"), kind="stable").index].reset_index(drop=True)


def merge_avances(upload: pd.DataFrame, base: pd.DataFrame, current: pd.DataFrame,
                  fields: tuple[str, ...] | frozenset[str] | None = None) -> AvancesMerge:
    """Three-way, per-cell merge of uploaded avances rows (THE merge rule of an upload with a base).

    For every cell of every uploaded row (``base``: what the template held, ``current``: what is stored
    now; a missing row counts as empty cells):

    * file = base → not applied (whatever is stored now stays);
    * file ≠ base and stored = base → applied;
    * file ≠ base, stored ≠ base and file ≠ stored → a **conflict** (listed; the stored value stays);
    * file ≠ base, stored ≠ base and file = stored → nothing to do.

    ``fields``: the value columns the file had (None = all); the others count as unchanged.  A row that
    ends without a Realizado (a new row the merge does not create) is left out.
    """
    key = list(AVANCES_KEY)
    present = tuple(f for f in AVANCES_VALUES if fields is None or f in fields)
    up = conform_avances(upload).drop_duplicates(key, keep="last").reset_index(drop=True)
    b = conform_avances(base).drop_duplicates(key, keep="last")
    c = conform_avances(current).drop_duplicates(key, keep="last")
    frame = up.rename(columns={f: f"{f}__f" for f in AVANCES_VALUES})
    frame = frame.merge(b.rename(columns={f: f"{f}__b" for f in AVANCES_VALUES}), on=key, how="left")
    frame = frame.merge(c.rename(columns={f: f"{f}__c" for f in AVANCES_VALUES}), on=key, how="left",
                        indicator="_stored")
    stored_row = (frame["_stored"].astype(str) == "both").to_numpy()
    result = {k: frame[k] for k in key}
    conflicts, kept = [], []
    any_applied = np.zeros(len(frame), dtype=bool)
    for name in AVANCES_VALUES:
        f_val, b_val, c_val = frame[f"{name}__f"], frame[f"{name}__b"], frame[f"{name}__c"]
        if name not in present:
            result[name] = c_val
            continue
        file_changed = ~values_equal(f_val, b_val)
        store_changed = ~values_equal(c_val, b_val)
        applied = file_changed & ~store_changed
        conflict = file_changed & store_changed & ~values_equal(f_val, c_val)
        conflicts.append(_merge_cells(frame, conflict, name))
        kept.append(_merge_cells(frame, ~file_changed & store_changed, name))
        any_applied |= applied
        result[name] = pd.Series(np.where(applied, f_val.to_numpy(dtype=object), c_val.to_numpy(dtype=object)),
                                 index=frame.index, dtype=object)
    rows = conform_avances(pd.DataFrame(result))
    keep = (stored_row | any_applied) & rows["realizado"].notna().to_numpy()
    return AvancesMerge(rows.loc[keep].reset_index(drop=True), _cells_frame(conflicts), _cells_frame(kept))


def resolve_conflicts(rows: pd.DataFrame, conflicts: pd.DataFrame, decisions: Mapping[tuple, str]
                      ) -> pd.DataFrame:
    """``rows`` (of :func:`merge_avances`) with the file's value in every conflicting cell decided
    :data:`USE_FILE` (key: ``(clave, anio, trimestre, campo)``); :data:`KEEP_SAVED` leaves the stored value."""
    out = conform_avances(rows)
    take = [r for r in conflicts.itertuples(index=False)
            if decisions.get((r.clave, int(r.anio), int(r.trimestre), r.campo)) == USE_FILE]
    if not take:
        return out
    position = {k: i for i, k in enumerate(_keys(out, list(AVANCES_KEY)))}
    extra: dict[tuple, dict] = {}
    values = {name: out[name].astype(object).to_numpy(copy=True) for name in AVANCES_VALUES}
    for r in take:
        k = (r.clave, int(r.anio), int(r.trimestre))
        if k in position:
            values[r.campo][position[k]] = r.archivo
        else:  # the stored row was withdrawn since the base: the file's cells make a new row
            extra.setdefault(k, dict(zip(AVANCES_KEY, k)))[r.campo] = r.archivo
    for name in AVANCES_VALUES:
        out[name] = values[name]
    if extra:
        out = pd.concat([out, pd.DataFrame(list(extra.values()))], ignore_index=True)
    out = conform_avances(out)
    return out.loc[out["realizado"].notna()].reset_index(drop=True)


def row_changes(before: Snapshot, after: Snapshot) -> RowChanges:
    """Rows to write so that ``before`` becomes ``after`` (new/changed rows and removed keys).  A row whose
    values stay but whose sample mark changes (a revert to a revision where it was a sample) is written
    again with the same values."""
    p = compare_plan(before, after)
    a = compare_avances(before, after)
    params_set = {k: v for k, v in after.parametros.items()
                  if k not in before.parametros or not same_number(before.parametros[k], v)}
    removed = tuple(k for k in before.parametros if k not in after.parametros)
    upserts = a.upserts.reset_index(drop=True)
    written = set(_keys(upserts, list(AVANCES_KEY)))
    remarked = (before.muestras ^ after.muestras) - written
    if remarked:
        keys = list(zip(after.avances["clave"], after.avances["anio"].astype(int),
                        after.avances["trimestre"].astype(int)))
        extra = after.avances.loc[[k in remarked for k in keys]]
        if len(extra):
            upserts = pd.concat([upserts, extra], ignore_index=True)
            written |= remarked
    return RowChanges(p.upserts.reset_index(drop=True), p.removed_keys, upserts, a.removed_keys, params_set,
                      removed, frozenset(k for k in after.muestras if k in written))
