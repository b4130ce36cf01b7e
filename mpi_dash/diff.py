"""What an upload would change: merge by key, cell-level differences, semáforo changes.

Pure functions over :class:`Snapshot` (plan + avances + parámetros).  An upload updates **by key**
(``clave, anio`` for the plan, ``clave, anio, trimestre`` for avances): rows present are added or
changed, rows absent are left as they are.  :func:`diff_snapshots` lists every changed cell
(``antes → después``) and the semáforo changes this causes (via the engine).  The store uses
:func:`row_changes` to know which rows to write in a new revision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mpi_dash.schema import AVANCES_COLUMNS, PLAN_COLUMNS, SHEET_AVANCES, SHEET_PARAMETROS, SHEET_PLAN

PLAN_KEY: tuple[str, ...] = ("clave", "anio")
AVANCES_KEY: tuple[str, ...] = ("clave", "anio", "trimestre")
PLAN_FIELDS: tuple[str, ...] = tuple(c.name for c in PLAN_COLUMNS)
AVANCES_FIELDS: tuple[str, ...] = tuple(c.name for c in AVANCES_COLUMNS)
PLAN_VALUES: tuple[str, ...] = tuple(n for n in PLAN_FIELDS if n not in PLAN_KEY)
AVANCES_VALUES: tuple[str, ...] = tuple(n for n in AVANCES_FIELDS if n not in AVANCES_KEY)
ILLUSTRATIVE_FLAG = "datos_ilustrativos"

_HEADERS = {c.name: c.header for c in (*PLAN_COLUMNS, *AVANCES_COLUMNS)}
_KINDS = {c.name: c.kind for c in (*PLAN_COLUMNS, *AVANCES_COLUMNS)}

CELL_COLUMNS: tuple[str, ...] = ("tabla", "clave", "anio", "trimestre", "campo", "antes", "despues", "tipo")
SEMAFORO_COLUMNS: tuple[str, ...] = ("clave", "anio", "trimestre", "indicador", "antes", "despues")
# Row-level kinds of change.
NUEVO, CAMBIADO, RETIRADO = "nuevo", "cambiado", "retirado"


@dataclass(frozen=True)
class Snapshot:
    """The complete data at one revision: plan, avances and parámetros (canonical dtypes)."""

    plan: pd.DataFrame
    avances: pd.DataFrame
    parametros: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RowChanges:
    """Rows to write for a new revision: new/changed rows (full values) and removed keys."""

    plan_upserts: pd.DataFrame
    plan_removed: pd.DataFrame
    avances_upserts: pd.DataFrame
    avances_removed: pd.DataFrame
    parametros_set: dict[str, float]
    parametros_removed: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not (len(self.plan_upserts) or len(self.plan_removed) or len(self.avances_upserts)
                    or len(self.avances_removed) or self.parametros_set or self.parametros_removed)


@dataclass(frozen=True)
class Changes:
    """Cell-level differences between two snapshots, and the semáforo changes they cause.

    ``cells`` has :data:`CELL_COLUMNS`: ``tabla`` is the sheet ("Plan", "Avances", "Parámetros"),
    ``campo`` the Spanish column header (or the parámetro name), ``tipo`` ∈ nuevo/cambiado/retirado.
    ``semaforo`` has :data:`SEMAFORO_COLUMNS` (``antes`` None for a new indicator-quarter).
    """

    cells: pd.DataFrame
    semaforo: pd.DataFrame
    avances_sin_cambio: int = 0
    plan_sin_cambio: int = 0

    @property
    def is_empty(self) -> bool:
        return self.cells.empty

    @property
    def n_cells(self) -> int:
        return int(len(self.cells))

    def count(self, tabla: str, tipo: str) -> int:
        """Number of rows (keys) of ``tabla`` with change kind ``tipo``."""
        sub = self.cells[(self.cells["tabla"] == tabla) & (self.cells["tipo"] == tipo)]
        key = ["clave", "anio", "trimestre"] + (["campo"] if tabla == SHEET_PARAMETROS else [])
        return int(len(sub.drop_duplicates(key)))


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
                  parametros: Mapping[str, float] | None = None) -> Snapshot:
    """A :class:`Snapshot` with canonical frames (inputs are not modified)."""
    return Snapshot(conform_plan(plan), _sort_avances(conform_avances(avances)),
                    {str(k): float(v) for k, v in (parametros or {}).items()})


def _sort_avances(avances: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by (anio, clave, trimestre)."""
    if len(avances) < 2:
        return avances.reset_index(drop=True)
    clave_codes = pd.factorize(avances["clave"].to_numpy(dtype=object), sort=True)[0]
    order = np.lexsort((avances["trimestre"].to_numpy(), clave_codes, avances["anio"].to_numpy()))
    return avances.iloc[order].reset_index(drop=True)


def _keys(frame: pd.DataFrame, key: list[str]) -> list[tuple]:
    return list(zip(*(frame[k].tolist() for k in key)))


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
    Rule for the illustrative flag: if the upload changes any avances value and does not set
    ``datos_ilustrativos`` itself, the flag is cleared (uploaded avances are official figures); avances the
    upload does not include keep their values.
    """
    new_plan = (base.plan if plan is None
                else _upsert(base.plan, conform_plan(plan), list(PLAN_KEY), plan_columns))
    new_avances = _sort_avances(_upsert(base.avances, conform_avances(avances), list(AVANCES_KEY),
                                        avances_columns))
    new_params = dict(base.parametros)
    if parametros is not None:
        new_params.update({str(k): float(v) for k, v in parametros.items()})
    explicit_flag = parametros is not None and ILLUSTRATIVE_FLAG in parametros
    if not explicit_flag and new_params.get(ILLUSTRATIVE_FLAG, 0) == 1:
        changed = _row_diff(base.avances, new_avances, list(AVANCES_KEY), AVANCES_VALUES)
        if changed["upserts"].shape[0]:
            new_params[ILLUSTRATIVE_FLAG] = 0.0
    return Snapshot(new_plan.reset_index(drop=True), new_avances, new_params)


def stale_mask(upload: pd.DataFrame, base: pd.DataFrame, current: pd.DataFrame) -> np.ndarray:
    """Avances rows of an upload made from an OLD template that would silently undo later changes.

    A row is stale when it still has exactly the values of the template's base revision (the person did
    not edit it) while the stored row changed after that revision.  Three-way merge: such rows are left
    out so the later change survives.  Returns a boolean mask over ``upload`` rows.
    """
    key = list(AVANCES_KEY)
    up = conform_avances(upload)
    b = _row_diff(base, up, key, AVANCES_VALUES)
    untouched = b["merged"].loc[b["both"] & ~b["any_change"], key]
    if untouched.empty:
        return np.zeros(len(up), dtype=bool)
    c = _row_diff(base, current, key, AVANCES_VALUES)
    moved = c["merged"].loc[(c["both"] & c["any_change"]) | c["removed"], key]
    stale = set(_keys(untouched.merge(moved, on=key, how="inner"), key))
    return np.array([k in stale for k in _keys(up, key)], dtype=bool)


# --------------------------------------------------------------------------- differences
def _equal(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality where empty == empty (NaN/None)."""
    a_na, b_na = a.isna().to_numpy(), b.isna().to_numpy()
    same = np.asarray((a.astype(object) == b.astype(object)).to_numpy(), dtype=bool)
    return (a_na & b_na) | (~a_na & ~b_na & same)


def _row_diff(before: pd.DataFrame, after: pd.DataFrame, key: list[str],
              values: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Outer-merge by key; return the merged frame plus masks of changed values per column."""
    left = before[key + list(values)]
    right = after[key + list(values)]
    merged = left.merge(right, on=key, how="outer", suffixes=("__a", "__d"), indicator=True, sort=False)
    side = merged["_merge"].astype(str).to_numpy()
    both = side == "both"
    changed_cols = {}
    any_change = np.zeros(len(merged), dtype=bool)
    for col in values:
        diff = both & ~_equal(merged[f"{col}__a"], merged[f"{col}__d"])
        changed_cols[col] = diff
        any_change |= diff
    new_rows = side == "right_only"
    removed = side == "left_only"
    upsert_keys = merged.loc[new_rows | any_change, key]
    up = after.merge(upsert_keys, on=key, how="inner") if len(upsert_keys) else after.iloc[0:0]
    return {"merged": merged, "changed": changed_cols, "both": both, "new": new_rows, "removed": removed,
            "any_change": any_change, "upserts": up,
            "removed_keys": merged.loc[removed, key].reset_index(drop=True)}


def row_changes(before: Snapshot, after: Snapshot) -> RowChanges:
    """Rows to write so that ``before`` becomes ``after`` (new/changed rows and removed keys)."""
    p = _row_diff(before.plan, after.plan, list(PLAN_KEY), PLAN_VALUES)
    a = _row_diff(before.avances, after.avances, list(AVANCES_KEY), AVANCES_VALUES)
    params_set = {k: v for k, v in after.parametros.items()
                  if k not in before.parametros or not _same_number(before.parametros[k], v)}
    removed = tuple(k for k in before.parametros if k not in after.parametros)
    return RowChanges(p["upserts"].reset_index(drop=True), p["removed_keys"],
                      a["upserts"].reset_index(drop=True), a["removed_keys"], params_set, removed)


def _same_number(x: float, y: float) -> bool:
    return (np.isnan(x) and np.isnan(y)) or x == y


def _cells(rd: dict[str, pd.DataFrame], key: list[str], values: tuple[str, ...], tabla: str) -> pd.DataFrame:
    merged = rd["merged"]
    parts = []
    for col in values:
        before_v, after_v = merged[f"{col}__a"], merged[f"{col}__d"]
        masks = ((rd["changed"][col], CAMBIADO), (rd["new"] & after_v.notna().to_numpy(), NUEVO),
                 (rd["removed"] & before_v.notna().to_numpy(), RETIRADO))
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
        if b is not None and a is not None and _same_number(b, a):
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
    differs = ~_equal(merged["semaforo_antes"], merged["semaforo_despues"])
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
    p = _row_diff(before.plan, after.plan, list(PLAN_KEY), PLAN_VALUES)
    a = _row_diff(before.avances, after.avances, list(AVANCES_KEY), AVANCES_VALUES)
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
    if cells.empty:
        sem = pd.DataFrame(columns=list(SEMAFORO_COLUMNS))
    else:
        sem = (semaforo_changes(before, after) if with_semaforo
               else pd.DataFrame(columns=list(SEMAFORO_COLUMNS)))
    return Changes(cells=cells, semaforo=sem,
                   avances_sin_cambio=int((a["both"] & ~a["any_change"]).sum()),
                   plan_sin_cambio=int((p["both"] & ~p["any_change"]).sum()))


# --------------------------------------------------------------------------- display (Spanish tables)
DISPLAY_CELL_HEADERS = {"tabla": "Hoja", "clave": "Clave", "anio": "Año", "trimestre": "Trimestre",
                        "campo": "Columna", "antes": "Antes", "despues": "Después", "tipo": "Cambio"}
DISPLAY_SEMAFORO_HEADERS = {"clave": "Clave", "indicador": "Indicador", "anio": "Año",
                            "trimestre": "Trimestre", "antes": "Antes", "despues": "Después"}
_TIPO_WORDS = {NUEVO: "Nuevo", CAMBIADO: "Cambiado", RETIRADO: "Retirado"}


def display_value(value: object) -> str:
    """A stored value as es-MX text, exact (no rounding): 1234.25 → '1,234.25'; empty → '—'."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "—"
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer():
            return f"{number:,.0f}"
        return f"{number:,.10f}".rstrip("0").rstrip(".")
    return str(value)


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
        return "—"
    try:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(local_timezone()).strftime("%Y-%m-%d %H:%M")


PROBLEM_HEADERS = {"hoja": "Hoja", "fila": "Fila", "columna": "Columna", "valor": "Valor",
                   "esperado": "Qué se esperaba"}


def problems_table(problems: Iterable[object]) -> pd.DataFrame:
    """Validation problems (``workbook.Problem``) as a table to show: Hoja, Fila, Columna, Valor, Qué se
    esperaba — all text, never 'None': a file-level problem reads '(archivo)' in Hoja and '—' where it has
    no row or column; Excel row numbers stay as Excel shows them (no thousands separator)."""
    rows = [{"hoja": getattr(p, "hoja") or "(archivo)",
             "fila": "—" if getattr(p, "fila") is None else str(int(getattr(p, "fila"))),
             "columna": getattr(p, "columna") or "—",
             "valor": getattr(p, "valor") if getattr(p, "valor") not in (None, "") else "—",
             "esperado": getattr(p, "esperado")} for p in problems]
    return pd.DataFrame(rows, columns=list(PROBLEM_HEADERS), dtype=object).rename(columns=PROBLEM_HEADERS)


def cells_table(cells: pd.DataFrame) -> pd.DataFrame:
    """Changed cells with Spanish headers and text values (quarters as month names), ready to show."""
    from mpi_dash.schema import QUARTER_NAMES

    out = pd.DataFrame({
        "tabla": cells["tabla"].astype(object),
        "clave": cells["clave"].map(lambda v: v if isinstance(v, str) else "—"),
        "anio": cells["anio"].map(lambda v: "—" if v is pd.NA or pd.isna(v) else str(int(v))),
        "trimestre": cells["trimestre"].map(lambda v: "—" if pd.isna(v) else QUARTER_NAMES[int(v)]),
        "campo": cells["campo"].astype(object),
        "antes": cells["antes"].map(display_value),
        "despues": cells["despues"].map(display_value),
        "tipo": cells["tipo"].map(_TIPO_WORDS),
    }, columns=list(DISPLAY_CELL_HEADERS))
    return out.rename(columns=DISPLAY_CELL_HEADERS).reset_index(drop=True)


def semaforo_table(semaforo: pd.DataFrame) -> pd.DataFrame:
    """Semáforo changes with icon + word labels and Spanish headers."""
    from mpi_dash.formatting import semaforo_label
    from mpi_dash.schema import QUARTER_NAMES

    out = pd.DataFrame({
        "clave": semaforo["clave"].astype(object), "indicador": semaforo["indicador"].astype(object),
        "anio": semaforo["anio"].map(lambda v: str(int(v))),
        "trimestre": semaforo["trimestre"].map(lambda v: QUARTER_NAMES[int(v)]),
        "antes": semaforo["antes"].map(lambda v: "— (nuevo)" if v is None else semaforo_label(v)),
        "despues": semaforo["despues"].map(semaforo_label),
    }, columns=list(DISPLAY_SEMAFORO_HEADERS))
    return out.rename(columns=DISPLAY_SEMAFORO_HEADERS).reset_index(drop=True)
