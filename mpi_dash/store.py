"""SQLite system of record (sqlite-utils): revisions, uploads, history, revert and backup.

Storage model (append-only, nothing is ever deleted or updated in place):

* ``revisions``: one row per saved change (número = ``id``, fecha UTC, autor, comentario, tipo
  ``carga_inicial`` / ``importacion`` / ``reversion``, the uploaded file, the base revision, the revision a
  revert went back to, and the number of changed cells).
* ``files``: every uploaded file exactly as received (bytes + sha256, deduplicated by sha256).  The name
  the file had in each upload is kept on the revision (``revisions.filename``, migration ``m002``), so two
  uploads of the same bytes under different names each show their own name; revisions saved before
  ``m002`` fall back to ``files.filename``.
* ``plan_versions`` / ``avances_versions`` / ``parametros_versions``: *row versions* keyed by the business
  key + ``revision_id``.  A revision writes a version only for the rows it adds, changes or (on revert)
  withdraws (``present = 0``).  The state at revision N is, per key, the version with the greatest
  ``revision_id ≤ N`` whose ``present = 1`` — one indexed GROUP BY per table, so "latest state",
  "state at N", "diff of N" (state N−1 vs N) and "revert to N" (a new revision writing state N) are exact
  and cheap.

Every call opens its own connection (``check_same_thread`` stays on: a connection is never shared across
threads), with WAL, ``PRAGMA foreign_keys=ON`` and a busy timeout.  Writers take the write lock up front
(``BEGIN IMMEDIATE``) so concurrent importers run one after another.  Schema changes go through
``sqlite_utils.Migrations``.  The database is created and seeded from the bundled workbook on first use.
SQLite and file-system failures become :class:`StoreError` with a Spanish message (the English text of
SQLite only stays in the chained exception, for logs).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlite_utils import Database, Migrations

from mpi_dash.diff import Changes, diff_snapshots
from mpi_dash.snapshot import (
    AVANCES_FIELDS,
    AVANCES_KEY,
    PLAN_FIELDS,
    PLAN_KEY,
    RowChanges,
    Snapshot,
    apply_upload,
    make_snapshot,
    row_changes,
    stale_mask,
)
from mpi_dash.schema import PLAN_COLUMNS, SHEET_PARAMETROS, SHEET_PLAN, SHEET_AVANCES
from mpi_dash.template import read_base_revision

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "instance" / "mpi_dash.sqlite"
DB_ENV = "MPI_DASH_DB"
BUSY_TIMEOUT_S = 60.0
SYSTEM_AUTHOR = "sistema"
KIND_SEED, KIND_IMPORT, KIND_REVERT = "carga_inicial", "importacion", "reversion"

REVISION_COLUMNS: tuple[str, ...] = ("numero", "fecha", "autor", "archivo", "sha256", "comentario",
                                     "celdas_cambiadas", "tipo", "revierte_a", "revision_base")


class StoreError(Exception):
    """A store operation that cannot be done; ``str(error)`` is a Spanish message for the user."""


class ConflictError(StoreError):
    """Another revision was saved after the preview was made (optimistic concurrency)."""

    def __init__(self, base: int, latest: int) -> None:
        super().__init__(
            f"Otra persona guardó la revisión {latest} después de que se preparó esta vista previa "
            f"(hecha sobre la revisión {base}). No se guardó nada: revise de nuevo la vista previa y "
            "confirme.")
        self.base = base
        self.latest = latest


@dataclass(frozen=True)
class Preview:
    """What an upload would change, computed against ``base_revision``; confirm with ``commit_preview``."""

    base_revision: int
    filename: str
    sha256: str
    content: bytes = field(repr=False)
    before: Snapshot = field(repr=False)
    after: Snapshot = field(repr=False)
    changes: Changes = field(repr=False)
    avisos: tuple[Any, ...] = ()
    filas_avances: int = 0
    filas_plan: int = 0
    template_revision: int | None = None
    omitidas: pd.DataFrame | None = field(default=None, repr=False)  # stale template rows left out

    @property
    def is_empty(self) -> bool:
        return self.changes.is_empty

    @property
    def avances_sin_cambio(self) -> int:
        """Uploaded avances rows whose stored values are already the same."""
        changed = self.changes.cells
        keys = changed[changed["tabla"] == "Avances"].drop_duplicates(["clave", "anio", "trimestre"])
        return max(self.filas_avances - len(keys), 0)

    @property
    def plan_sin_cambio(self) -> int:
        """Uploaded Plan rows whose stored values are already the same (0 without a Plan sheet)."""
        changed = self.changes.cells
        keys = changed[changed["tabla"] == "Plan"].drop_duplicates(["clave", "anio"])
        return max(self.filas_plan - len(keys), 0)


# --------------------------------------------------------------------------- schema (migrations)
migrations = Migrations("mpi_dash")

_SQL_TYPES = {"text": str, "number": float, "int": int, "quarter": int}


@migrations()
def m001_initial(db: Database) -> None:
    """Revisions, files and append-only row versions."""
    db["files"].create({"id": int, "sha256": str, "filename": str, "size": int, "content": bytes,
                        "received_at": str}, pk="id", not_null={"sha256", "content"})
    db["files"].create_index(["sha256"], unique=True)
    db["revisions"].create(
        {"id": int, "created_at": str, "author": str, "comment": str, "kind": str, "file_id": int,
         "base_revision": int, "reverted_to": int, "cells_changed": int},
        pk="id", not_null={"created_at", "author", "comment", "kind", "cells_changed"},
        foreign_keys=[("file_id", "files", "id"), ("base_revision", "revisions", "id"),
                      ("reverted_to", "revisions", "id")])
    plan_cols: dict[str, Any] = {"revision_id": int}
    plan_cols.update({c.name: _SQL_TYPES[c.kind] for c in PLAN_COLUMNS})
    plan_cols.update({"posicion": int, "present": int})
    db["plan_versions"].create(plan_cols, pk=("clave", "anio", "revision_id"),
                               not_null={"present", "posicion"},
                               foreign_keys=[("revision_id", "revisions", "id")])
    db["avances_versions"].create(
        {"revision_id": int, "clave": str, "anio": int, "trimestre": int, "realizado": float,
         "justificacion": str, "evidencia": str, "present": int},
        pk=("clave", "anio", "trimestre", "revision_id"), not_null={"present"},
        foreign_keys=[("revision_id", "revisions", "id")])
    db["parametros_versions"].create(
        {"revision_id": int, "nombre": str, "valor": float, "present": int},
        pk=("nombre", "revision_id"), not_null={"present"}, foreign_keys=[("revision_id", "revisions", "id")])
    for table in ("plan_versions", "avances_versions", "parametros_versions"):
        db[table].create_index(["revision_id"])


@migrations()
def m002_revision_filename(db: Database) -> None:
    """The uploaded file name per revision (files are deduplicated by sha256, names are not).

    Older revisions keep NULL here and show ``files.filename`` (no UPDATE: the history is append-only).
    """
    db["revisions"].add_column("filename", str)


# --------------------------------------------------------------------------- Spanish error messages
_SQLITE_ES: dict[str, str] = {
    "SQLITE_BUSY": "la base de datos está ocupada por otro proceso (se esperó y no se liberó)",
    "SQLITE_LOCKED": "la base de datos está bloqueada por otra operación",
    "SQLITE_CANTOPEN": "no se puede abrir el archivo (revise la ruta y los permisos)",
    "SQLITE_NOTADB": "el archivo no es una base de datos SQLite",
    "SQLITE_CORRUPT": "el archivo de la base de datos está dañado",
    "SQLITE_READONLY": "no hay permiso para escribir en la base de datos",
    "SQLITE_PERM": "no hay permiso para usar la base de datos",
    "SQLITE_FULL": "el disco está lleno",
    "SQLITE_IOERR": "error de lectura o escritura en el disco",
    "SQLITE_AUTH": "acceso no autorizado a la base de datos",
    "SQLITE_CONSTRAINT": "los datos no cumplen una restricción de la base de datos",
}
_OS_ES: dict[int, str] = {
    errno.ENOENT: "no existe la carpeta o el archivo",
    errno.ENOTDIR: "una parte de la ruta es un archivo, no una carpeta",
    errno.EEXIST: "una parte de la ruta es un archivo, no una carpeta",  # mkdir over an existing file
    errno.EISDIR: "es una carpeta, no un archivo",
    errno.EACCES: "no hay permiso para usar esa ruta",
    errno.EPERM: "no hay permiso para usar esa ruta",
    errno.EROFS: "el disco es de solo lectura",
    errno.ENOSPC: "el disco está lleno",
}


def spanish_reason(exc: BaseException) -> str:
    """A short Spanish reason for an SQLite or file-system failure (never SQLite's English text)."""
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        for code, text in _SQLITE_ES.items():
            if name == code or name.startswith(code + "_"):
                return text
        return f"error interno de SQLite ({name})" if name else "error interno de SQLite"
    if isinstance(exc, OSError):
        return _OS_ES.get(exc.errno or 0, f"error del sistema de archivos (errno {exc.errno})")
    return "error inesperado"


# --------------------------------------------------------------------------- connections
def db_path(path: str | Path | None = None) -> Path:
    """The database file: ``path`` if given, else ``$MPI_DASH_DB``, else ``instance/mpi_dash.sqlite``."""
    return Path(path or os.environ.get(DB_ENV) or DEFAULT_DB)


def connect(path: str | Path | None = None) -> Database:
    """A NEW connection (never share it across threads) with WAL, foreign keys and a busy timeout."""
    target = db_path(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_S, check_same_thread=True)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    db.execute("PRAGMA foreign_keys = ON")
    db.enable_wal()
    return db


@contextlib.contextmanager
def _write_lock(db: Database) -> Iterator[Database]:
    """One write transaction holding SQLite's write lock from the start (``BEGIN IMMEDIATE``)."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def _needs_setup(db: Database, auto_seed: bool) -> bool:
    return bool(migrations.pending(db)) or (auto_seed and _latest(db) == 0)


@contextlib.contextmanager
def open_store(path: str | Path | None = None, *, seed: str | Path | None = None,
               auto_seed: bool = True) -> Iterator[Database]:
    """A ready connection: schema migrated and, on first use, seeded from the workbook (revision 1).

    ``auto_seed=False`` leaves an empty database empty (used by :func:`save_state`).
    Any SQLite failure (unwritable file, lock held longer than the busy timeout…) becomes a
    :class:`StoreError` with a Spanish message; the write transaction was rolled back.
    """
    try:
        db = connect(path)
    except (sqlite3.Error, OSError) as exc:
        reason = spanish_reason(exc)
        raise StoreError(f"No se pudo abrir la base de datos {db_path(path)}: {reason}.") from exc
    try:
        if _needs_setup(db, auto_seed):
            with _write_lock(db):
                migrations.apply(db)
                if auto_seed and _latest(db) == 0:
                    _seed(db, seed)
        yield db
    except sqlite3.Error as exc:
        raise StoreError(f"Error de la base de datos {db_path(path)} ({spanish_reason(exc)}); "
                         "no se guardó nada.") from exc
    finally:
        db.close()


def seed_workbook() -> Path:
    """The workbook that seeds an empty database (``$MPI_DASH_WORKBOOK`` or ``data/plan_2023.xlsx``)."""
    return Path(os.environ.get("MPI_DASH_WORKBOOK") or REPO_ROOT / "data" / "plan_2023.xlsx")


def _seed(db: Database, seed: str | Path | None) -> None:
    from mpi_dash.workbook import WorkbookError, read_workbook

    source = Path(seed) if seed else seed_workbook()
    if not source.is_file():
        raise StoreError(f"No existe el libro inicial {source}: no se pudo crear la base de datos.")
    content = source.read_bytes()
    try:
        data = read_workbook(content)
    except WorkbookError as exc:
        raise StoreError(f"El libro inicial {source.name} no es válido: "
                         + " ".join(p.mensaje for p in exc.problems[:5])) from exc
    snapshot = make_snapshot(data.plan, data.avances, data.parametros)
    rel = source.name if source.parent.name != "data" else f"data/{source.name}"
    _save_state(db, snapshot, author=SYSTEM_AUTHOR, comment=f"Carga inicial desde {rel}",
                kind=KIND_SEED, filename=source.name, content=content)


# --------------------------------------------------------------------------- reading
def _latest(db: Database) -> int:
    if not db["revisions"].exists():
        return 0
    return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM revisions").fetchone()[0])


def _state(db: Database, table: str, key: tuple[str, ...], revision: int, order: str) -> list[dict]:
    keys = ", ".join(key)
    sql = (f"SELECT * FROM (SELECT *, MAX(revision_id) AS _r FROM {table} WHERE revision_id <= ? "
           f"GROUP BY {keys}) WHERE present = 1 ORDER BY {order}")
    cur = db.execute(sql, [revision])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _snapshot(db: Database, revision: int) -> Snapshot:
    plan = pd.DataFrame(_state(db, "plan_versions", PLAN_KEY, revision, "anio, posicion"),
                        columns=[*PLAN_FIELDS, "posicion"])
    avances = pd.DataFrame(_state(db, "avances_versions", AVANCES_KEY, revision, "anio, clave, trimestre"),
                           columns=list(AVANCES_FIELDS))
    params = {r["nombre"]: r["valor"]
              for r in _state(db, "parametros_versions", ("nombre",), revision, "nombre")}
    return make_snapshot(plan, avances, params)


def latest_revision(path: str | Path | None = None) -> int:
    """Number of the latest revision (creates/seeds the database on first use)."""
    with open_store(path) as db:
        return _latest(db)


def version_key(path: str | Path | None = None) -> str:
    """Cheap cache key of the current data: database file + latest revision number and time."""
    with open_store(path) as db:
        row = db.execute("SELECT id, created_at FROM revisions ORDER BY id DESC LIMIT 1").fetchone()
    target = db_path(path).resolve()
    return f"{target}:{target.stat().st_ino}#{row[0]}@{row[1]}"


def revision_info(revision: int, path: str | Path | None = None) -> dict[str, Any]:
    """One revision's row (same keys as :data:`REVISION_COLUMNS`)."""
    with open_store(path) as db:
        _check_revision(_latest(db), revision)
        row = db.execute(
            "SELECT r.id, r.created_at, r.author, COALESCE(r.filename, f.filename), f.sha256, r.comment, "
            "r.cells_changed, r.kind, "
            "r.reverted_to, r.base_revision FROM revisions r LEFT JOIN files f ON f.id = r.file_id "
            "WHERE r.id = ?", [revision]).fetchone()
    return dict(zip(REVISION_COLUMNS, row))


def load_snapshot(revision: int | None = None, path: str | Path | None = None) -> tuple[int, Snapshot]:
    """``(revision, snapshot)`` at ``revision`` (default: the latest)."""
    with open_store(path) as db:
        latest = _latest(db)
        rev = latest if revision is None else _check_revision(latest, revision)
        return rev, _snapshot(db, rev)


def _check_revision(latest: int, revision: int) -> int:
    if not 1 <= int(revision) <= latest:
        raise StoreError(f"No existe la revisión {revision}: las revisiones van de la 1 a la {latest}.")
    return int(revision)


def list_revisions(path: str | Path | None = None) -> pd.DataFrame:
    """Every revision, newest first, with :data:`REVISION_COLUMNS`."""
    with open_store(path) as db:
        cur = db.execute(
            "SELECT r.id, r.created_at, r.author, COALESCE(r.filename, f.filename), f.sha256, r.comment, "
            "r.cells_changed, r.kind, "
            "r.reverted_to, r.base_revision FROM revisions r LEFT JOIN files f ON f.id = r.file_id "
            "ORDER BY r.id DESC")
        rows = cur.fetchall()
    frame = pd.DataFrame(rows, columns=list(REVISION_COLUMNS), dtype=object)
    for col in ("fecha", "autor", "archivo", "sha256", "comentario", "tipo"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    for col in ("numero", "celdas_cambiadas"):
        frame[col] = frame[col].astype("int64")
    for col in ("revierte_a", "revision_base"):
        frame[col] = frame[col].astype("Int64")
    return frame


def revision_changes(revision: int, path: str | Path | None = None, *, with_semaforo: bool = True) -> Changes:
    """What revision N changed: state N−1 vs state N, cell by cell (and semáforo changes)."""
    with open_store(path) as db:
        rev = _check_revision(_latest(db), revision)
        after = _snapshot(db, rev)
        before = _snapshot(db, rev - 1) if rev > 1 else make_snapshot(None, None, {})
    return diff_snapshots(before, after, with_semaforo=with_semaforo)


def revision_file(revision: int, path: str | Path | None = None) -> tuple[str, bytes] | None:
    """``(filename, bytes)`` exactly as uploaded for revision N, or None (reverts have no file)."""
    with open_store(path) as db:
        _check_revision(_latest(db), revision)
        row = db.execute("SELECT COALESCE(r.filename, f.filename), f.content FROM revisions r "
                         "JOIN files f ON f.id = r.file_id WHERE r.id = ?", [revision]).fetchone()
    return None if row is None else (str(row[0]), bytes(row[1]))


# --------------------------------------------------------------------------- uploads
MAX_UPLOAD_MB_ENV = "MPI_DASH_MAX_UPLOAD_MB"
MAX_UPLOAD_ROWS_ENV = "MPI_DASH_MAX_UPLOAD_ROWS"
STREAMLIT_CONFIG = REPO_ROOT / ".streamlit" / "config.toml"
DEFAULT_MAX_UPLOAD_MB = 10


def _positive_int_env(name: str, what: str) -> int | None:
    """``$name`` as a positive integer, None when unset; a Spanish :class:`StoreError` when invalid."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not (value == value and value >= 1 and value < 1e12 and value.is_integer()):
        raise StoreError(f"La variable de entorno {name} vale «{raw}»; se esperaba un número entero de "
                         f"{what} mayor que 0 (por ejemplo 10). Corríjala o bórrela y reinicie el tablero.")
    return int(value)


def max_upload_mb() -> int:
    """Upload size limit in MB: ``$MPI_DASH_MAX_UPLOAD_MB``, else ``server.maxUploadSize`` of
    ``.streamlit/config.toml`` (the same limit the browser enforces), else 10.

    Raises :class:`StoreError` (Spanish) when the variable is not a positive whole number.
    """
    env = _positive_int_env(MAX_UPLOAD_MB_ENV, "megabytes")
    if env is not None:
        return env
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        import tomllib

        return int(tomllib.loads(STREAMLIT_CONFIG.read_text("utf-8"))["server"]["maxUploadSize"])
    return DEFAULT_MAX_UPLOAD_MB


def upload_limits() -> Any:
    """``workbook.Limits`` for uploads (page and command line alike): the configured size limit."""
    from mpi_dash.workbook import Limits

    limits = Limits(max_file_bytes=max_upload_mb() * 1024 * 1024)
    rows = _positive_int_env(MAX_UPLOAD_ROWS_ENV, "filas")
    if rows is not None:
        from dataclasses import replace

        limits = replace(limits, max_rows=rows)
    return limits

def _prepare(db: Database, content: bytes, filename: str, limits: Any | None) -> Preview:
    from mpi_dash.workbook import read_workbook

    base = _latest(db)
    before = _snapshot(db, base)
    # raises WorkbookError with every problem
    data = read_workbook(content, known_plan=before.plan, known_parametros=before.parametros,
                         limits=limits or upload_limits())
    # The reader's recognised columns per sheet (aliases included): no second header parse here.
    layout = {sheet: frozenset(names) for sheet, names in data.columns.items()}
    # Only the parameters the sheet sets: apply_upload merges them over the stored ones.
    params = data.parametros if SHEET_PARAMETROS in layout else None
    avances = data.avances
    template_rev = read_base_revision(content)
    omitted = None
    if template_rev is not None and 1 <= template_rev < base:
        stale = stale_mask(avances, _snapshot(db, template_rev).avances, before.avances)
        if stale.any():
            omitted = avances.loc[stale, ["clave", "anio", "trimestre", "realizado"]].reset_index(drop=True)
            avances = avances.loc[~stale].reset_index(drop=True)
    after = apply_upload(before, plan=data.plan, avances=avances, parametros=params,
                         plan_columns=layout.get(SHEET_PLAN), avances_columns=layout.get(SHEET_AVANCES))
    return Preview(base_revision=base, filename=filename, sha256=hashlib.sha256(content).hexdigest(),
                   content=content, before=before, after=after, changes=diff_snapshots(before, after),
                   avisos=tuple(data.avisos), filas_avances=int(len(avances)),
                   filas_plan=0 if data.plan is None else int(len(data.plan)),
                   template_revision=template_rev, omitidas=omitted)


def prepare_upload(content: bytes, filename: str, *, path: str | Path | None = None,
                   limits: Any | None = None) -> Preview:
    """Validate an upload against the latest revision and compute what it would change (saves nothing).

    Raises ``mpi_dash.workbook.WorkbookError`` (all problems) when the file is invalid.
    """
    with open_store(path) as db:
        return _prepare(db, bytes(content), filename, limits)


def _require_text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise StoreError(f"Falta {what}: escríbalo para poder guardar.")
    return text


def commit_preview(preview: Preview, *, author: str, comment: str, path: str | Path | None = None,
                   rebase: bool = False, limits: Any | None = None) -> int | None:
    """Save the previewed upload as ONE new revision, atomically; return its number (None: nothing changed).

    If another revision was saved after the preview: raise :class:`ConflictError`, or with ``rebase=True``
    (command line, no human preview) re-validate and re-diff against the latest revision inside the lock.
    """
    return _commit(preview, author=author, comment=comment, path=path, rebase=rebase, limits=limits)[0]


def _commit(preview: Preview, *, author: str, comment: str, path: str | Path | None, rebase: bool,
            limits: Any | None) -> tuple[int | None, Preview]:
    """:func:`commit_preview` that also returns the preview actually committed (re-made after a rebase)."""
    author = _require_text(author, "el nombre de quien carga")
    comment = _require_text(comment, "el comentario")
    with open_store(path) as db, _write_lock(db):
        latest = _latest(db)
        if latest != preview.base_revision:
            if not rebase:
                raise ConflictError(preview.base_revision, latest)
            preview = _prepare(db, preview.content, preview.filename, limits)
        if preview.is_empty:
            return None, preview
        file_id = _store_file(db, preview.filename, preview.content, preview.sha256)
        revision = _write_revision(db, row_changes(preview.before, preview.after), author=author,
                                   comment=comment, kind=KIND_IMPORT, file_id=file_id, base=latest,
                                   cells=preview.changes.n_cells, filename=preview.filename)
        return revision, preview


def import_file(content: bytes, filename: str, *, author: str, comment: str, path: str | Path | None = None,
                limits: Any | None = None) -> tuple[int | None, Preview]:
    """Validate + save in one step (command line): ``(revision or None if nothing changed, preview)``.

    The preview returned is the one that was committed: if another revision was saved in between, the
    upload was re-validated and re-diffed against it (rebase) and the returned preview says what this
    revision really changed.
    """
    _require_text(author, "el nombre de quien carga")
    _require_text(comment, "el comentario")
    preview = prepare_upload(content, filename, path=path, limits=limits)
    return _commit(preview, author=author, comment=comment, path=path, rebase=True, limits=limits)


def revert(revision: int, *, author: str, reason: str, path: str | Path | None = None) -> int:
    """Make the data equal to revision N again, as a NEW revision (nothing is deleted)."""
    author = _require_text(author, "el nombre de quien revierte")
    reason = _require_text(reason, "el motivo")
    with open_store(path) as db, _write_lock(db):
        latest = _latest(db)
        target = _check_revision(latest, revision)
        current, wanted = _snapshot(db, latest), _snapshot(db, target)
        changes = diff_snapshots(current, wanted, with_semaforo=False)
        if changes.is_empty:
            raise StoreError(f"Los datos vigentes (revisión {latest}) ya son iguales a los de la revisión "
                             f"{target}: no hay nada que revertir.")
        return _write_revision(db, row_changes(current, wanted), author=author, comment=reason,
                               kind=KIND_REVERT, file_id=None, base=latest, cells=changes.n_cells,
                               reverted_to=target)


def save_state(snapshot: Snapshot, *, author: str, comment: str, path: str | Path | None = None,
               filename: str | None = None, content: bytes | None = None) -> int | None:
    """Make the stored data equal to ``snapshot`` as one revision (used for seeding and tests)."""
    with open_store(path, auto_seed=False) as db, _write_lock(db):
        return _save_state(db, snapshot, author=author, comment=comment, kind=KIND_IMPORT,
                           filename=filename, content=content)


def _save_state(db: Database, snapshot: Snapshot, *, author: str, comment: str, kind: str,
                filename: str | None, content: bytes | None) -> int | None:
    latest = _latest(db)
    current = _snapshot(db, latest) if latest else make_snapshot(None, None, {})
    wanted = make_snapshot(snapshot.plan, snapshot.avances, snapshot.parametros)
    changes = diff_snapshots(current, wanted, with_semaforo=False)
    if changes.is_empty and latest:
        return None
    file_id, name = None, None
    if content is not None:
        name = filename or "archivo.xlsx"
        file_id = _store_file(db, name, content, hashlib.sha256(content).hexdigest())
    return _write_revision(db, row_changes(current, wanted), author=author, comment=comment, kind=kind,
                           file_id=file_id, base=latest or None, cells=changes.n_cells, filename=name)


# --------------------------------------------------------------------------- writing (inside the lock)
def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _store_file(db: Database, filename: str, content: bytes, sha256: str) -> int:
    row = db.execute("SELECT id FROM files WHERE sha256 = ?", [sha256]).fetchone()
    if row:
        return int(row[0])
    cur = db.execute("INSERT INTO files (sha256, filename, size, content, received_at) "
                     "VALUES (?, ?, ?, ?, ?)",
                     [sha256, filename, len(content), sqlite3.Binary(content), _now()])
    return int(cur.lastrowid)


def _records(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    out = frame[list(fields)].astype(object).where(frame[list(fields)].notna(), None)
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in out.to_dict(orient="records")]


def _write_revision(db: Database, rc: RowChanges, *, author: str, comment: str, kind: str,
                    file_id: int | None, base: int | None, cells: int, reverted_to: int | None = None,
                    filename: str | None = None) -> int:
    rev = _latest(db) + 1
    db["revisions"].insert({"id": rev, "created_at": _now(), "author": author, "comment": comment,
                            "kind": kind, "file_id": file_id, "filename": filename,
                            "base_revision": base, "reverted_to": reverted_to,
                            "cells_changed": int(cells)})
    positions = {(c, int(a)): int(p) for c, a, p in
                 db.execute("SELECT clave, anio, MAX(posicion) FROM plan_versions GROUP BY clave, anio")}
    next_pos = max(positions.values(), default=-1) + 1
    plan_rows = []
    for row in _records(rc.plan_upserts, PLAN_FIELDS):
        key = (row["clave"], int(row["anio"]))
        if key not in positions:
            positions[key] = next_pos
            next_pos += 1
        plan_rows.append({"revision_id": rev, **row, "posicion": positions[key], "present": 1})
    for row in _records(rc.plan_removed, PLAN_KEY):
        position = positions.get((row["clave"], int(row["anio"])), 0)
        plan_rows.append({"revision_id": rev, **row, "posicion": position, "present": 0})
    avances_rows = [{"revision_id": rev, **row, "present": 1}
                    for row in _records(rc.avances_upserts, AVANCES_FIELDS)]
    avances_rows += [{"revision_id": rev, **row, "present": 0}
                     for row in _records(rc.avances_removed, AVANCES_KEY)]
    param_rows = [{"revision_id": rev, "nombre": k, "valor": float(v), "present": 1}
                  for k, v in rc.parametros_set.items()]
    param_rows += [{"revision_id": rev, "nombre": k, "valor": None, "present": 0}
                   for k in rc.parametros_removed]
    for table, rows in (("plan_versions", plan_rows), ("avances_versions", avances_rows),
                        ("parametros_versions", param_rows)):
        if rows:
            db[table].insert_all(rows, batch_size=500)
    return rev


# --------------------------------------------------------------------------- maintenance
def backup(destination: str | Path, path: str | Path | None = None) -> Path:
    """Online backup (SQLite backup API) to ``destination`` (a new file, or a folder → timestamped name)."""
    dest = Path(destination)
    if dest.is_dir():
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
        dest = dest / f"mpi_dash-respaldo-{stamp}.sqlite"
    if dest.exists():
        raise StoreError(f"Ya existe el archivo {dest}: elija otro nombre (el respaldo nunca sobrescribe).")
    if not dest.parent.is_dir():
        raise StoreError(f"No existe la carpeta {dest.parent}.")
    _existing(path)  # a backup never creates (nor seeds) the database it copies
    with open_store(path) as db:
        try:
            target = sqlite3.connect(str(dest))
        except sqlite3.Error as exc:
            raise StoreError(f"No se pudo escribir el respaldo {dest}: {spanish_reason(exc)}.") from exc
        try:
            db.conn.backup(target)
            status = target.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as exc:
            raise StoreError(f"No se pudo escribir el respaldo {dest}: {spanish_reason(exc)}.") from exc
        finally:
            target.close()
    if status != "ok":
        raise StoreError(f"El respaldo {dest} no pasó la verificación de integridad: {status}")
    return dest


def _existing(path: str | Path | None) -> Path:
    target = db_path(path)
    if target.is_dir():
        raise StoreError(f"{target} es una carpeta, no el archivo de la base de datos.")
    if not target.is_file():
        raise StoreError(f"No existe la base de datos {target}.")
    return target


def require_existing(path: str | Path | None = None) -> Path:
    """The database file, which must already exist (explicit ``--db``: never create one by a typo)."""
    return _existing(path)


def integrity_check(path: str | Path | None = None) -> str:
    """``PRAGMA integrity_check`` of the database ("ok" when sound); never creates or seeds it."""
    target = _existing(path)
    try:
        conn = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_S)
        try:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"No se pudo verificar la base de datos {target}: {spanish_reason(exc)}.") from exc


def dump_sql(path: str | Path | None = None) -> str:
    """The full SQL dump of the database (to compare contents); never creates or seeds it."""
    target = _existing(path)
    try:
        conn = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_S)
        try:
            return "\n".join(conn.iterdump())
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"No se pudo leer la base de datos {target}: {spanish_reason(exc)}.") from exc
