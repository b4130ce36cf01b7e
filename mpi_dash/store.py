"""SQLite system of record (sqlite-utils): revisions, uploads, history, revert and backup.

One :class:`Store` object per database file, in the style of ``sqlite_utils.Database``::

    store = Store()                          # config.db_path(): $MPI_DASH_DB or instance/mpi_dash.sqlite
    store = Store.existing("otra.sqlite")    # an explicit path that must already be a database (--db)
    revision, snapshot = store.load_snapshot()
    preview = store.prepare_upload(content, "avances.xlsx")    # validates + diffs; saves nothing
    store.commit_preview(preview, actor=account, comment="Avances de junio")   # account: who acts

Creating the object touches nothing.  The database is created, migrated and seeded (revision 1, from
``config.workbook_path()``) on first use.  Every method opens its **own** connection and closes it
(``check_same_thread`` stays on: a connection is never shared across threads), with WAL,
``PRAGMA foreign_keys=ON`` and a busy timeout, so one ``Store`` may serve many threads (the one exception:
:meth:`Store.data_key`'s read-only probe, shared behind a lock).

Storage model (append-only, nothing is ever deleted or updated in place):

* ``revisions``: one row per saved change (número = ``id``, fecha UTC, autor, comentario, tipo
  ``carga_inicial`` / ``importacion`` / ``reversion`` / ``quitar_ilustrativos``, the uploaded file, the base
  revision, the revision a revert went back to, and the number of changed cells).
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
* Bundled sample values (migration ``m005``): each avances row version says whether it holds sample
  values (``ilustrativo``).  The first load marks its rows as samples when its workbook says
  ``datos_ilustrativos = 1``; every row an upload or a plan load writes is real; a row it leaves as it was
  keeps its mark (``snapshot.written_real``); a revert writes the marks of the revision it goes back to;
  :meth:`Store.clear_samples` (administración) removes the remaining samples as one revision.

Who may write: every write method takes the acting account (``actor``: an ``accounts.Account``, or the
administrative command line's ``accounts.CliActor``) and checks the permission itself, inside the write
transaction, against the account as stored at that moment (``account_store._authorize``); a refusal is a
``accounts.PermissionDenied``, rolled back and written to the access log.  A ``coordinacion`` account may
only upload Avances rows of its programs: rows of other programs that change nothing are ignored (one
notice), a file where such a row WOULD change another program's data (or with a Plan/Parámetros sheet) is
refused whole, naming those claves per program.  Accounts, sessions and the access log: ``account_store``
(methods inherited by :class:`Store`).

Extending it (approvals…): a new table is a new ``@migrations()`` function below (never edit an
applied one) plus methods on :class:`Store`.  Every write goes through ``Store._writing()``, the ONE write
transaction: it holds SQLite's write lock from the start (``BEGIN IMMEDIATE``, so concurrent writers run
one after another) and commits or rolls back as a whole — a permission or lock check made inside it is
atomic with the write it guards.  SQLite and file-system failures become :class:`StoreError` with a
Spanish message (``mpi_dash.errors``; SQLite's English text stays in the chained exception, for logs).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlite_utils import Database, Migrations

from mpi_dash import config, sessions
from mpi_dash.account_store import (
    AccountConflict,
    AccountStoreMixin,
    LoginError,
    SessionEnded,
    SessionExpired,
    _authorize,
    actor_name,
)
from mpi_dash.approval_store import ApprovalStoreMixin, check_approval_lock
from mpi_dash.accounts import (
    Account,
    AccountError,
    Actor,
    CliActor,
    Permiso,
    PermissionDenied,
    Rol,
    check_programas,
    revision_author,
)
from mpi_dash.diff import Changes, changed_by_text, diff_snapshots, missing_justifications
from mpi_dash.errors import ConfigError, StoreError, spanish_reason
from mpi_dash.formatting import count_text, join_words, programs_text
from mpi_dash.schema import (
    ILLUSTRATIVE_FLAG,
    PLAN_COLUMNS,
    SHEET_AVANCES,
    SHEET_PARAMETROS,
    SHEET_PLAN,
    program_number,
)
from mpi_dash.snapshot import (
    AVANCES_FIELDS,
    AVANCES_KEY,
    PLAN_FIELDS,
    PLAN_KEY,
    RowChanges,
    Snapshot,
    KEEP_SAVED,
    USE_FILE,
    apply_upload,
    make_snapshot,
    merge_avances,
    resolve_conflicts,
    row_changes,
    sample_keys,
    written_real,
)
from mpi_dash.template import read_template_base

if TYPE_CHECKING:
    from mpi_dash.workbook import Limits

__all__ = ["AccountConflict", "AccountError", "ConfigError", "ConflictError", "ForeignRowsRefused",
           "KEEP_SAVED", "LoginError", "PendingConflicts", "PermissionDenied", "Preview", "SessionEnded",
           "SessionExpired", "Store", "StoreError", "USE_FILE", "UploadOutcome", "migrations"]

BUSY_TIMEOUT_S = 60.0
SYSTEM_AUTHOR = "sistema"
KIND_SEED, KIND_IMPORT, KIND_REVERT = "carga_inicial", "importacion", "reversion"
KIND_CLEAR_SAMPLES = "quitar_ilustrativos"  # an administrator removed the remaining bundled sample values
CLEAR_SAMPLES_COMMENT = "Se quitan los datos ilustrativos (valores de ejemplo del libro incluido)"
# Where a revision was made (revisions.origen, m003): the web (a signed-in account), the command line
# (author as given by --autor), or the system (the first load).  NULL on revisions older than m003.
ORIGIN_WEB, ORIGIN_CLI, ORIGIN_SYSTEM = "web", "cli", "sistema"

REVISION_COLUMNS: tuple[str, ...] = ("numero", "fecha", "autor", "archivo", "sha256", "comentario",
                                     "celdas_cambiadas", "tipo", "revierte_a", "revision_base", "usuario",
                                     "origen")


class ConflictError(StoreError):
    """Another revision was saved after the preview was made (optimistic concurrency).  ``propia``: every
    revision saved since was the acting account's own (another tab or window): the message says so."""

    def __init__(self, base: int, latest: int, propia: bool = False) -> None:
        who = (f"Usted guardó la revisión {latest} (en otra pestaña o ventana)" if propia
               else f"Otra persona guardó la revisión {latest}")
        super().__init__(
            f"{who} después de que se preparó esta vista previa "
            f"(hecha sobre la revisión {base}). No se guardó nada: revise de nuevo la vista previa y "
            "confirme.")
        self.base = base
        self.latest = latest
        self.propia = propia


#: Columns of :attr:`Preview.conflictos` / :attr:`Preview.conservadas`: the cell, its value in the template's
#: base, the value stored now, who saved it (revision, author, UTC date of the revision that last changed it)
#: and the file's value; ``propia``: that revision was saved by the account making the upload (then the
#: messages say «usted la cambió…», never «otra persona»).  ``campo`` is the internal field name.
CONFLICT_COLUMNS: tuple[str, ...] = ("clave", "anio", "trimestre", "campo", "base", "guardado", "revision",
                                     "autor", "fecha", "archivo", "propia")


class PendingConflicts(StoreError):
    """Cells changed both in the file and in the store since the template was made: nothing is saved until
    a person decides each one (keep the saved value / use the file's) or uploads a corrected file."""

    def __init__(self, conflicts: pd.DataFrame) -> None:
        n = len(conflicts)
        cells = count_text(n, "celda cambió", "celdas cambiaron")
        super().__init__(
            f"{cells} en su archivo y también en lo guardado después de descargar la plantilla, con valores "
            f"distintos ({changed_by_text(conflicts)}). No se guardó nada: decida en "
            f"{'ella' if n == 1 else 'cada una'} si se conserva el valor guardado o se usa el de su archivo, o "
            "suba un archivo corregido.")
        self.conflicts = conflicts


class ForeignRowsRefused(PermissionDenied):
    """An upload whose rows would change data of programs outside its scope (a coordinación account's
    programs, or the command line's ``--programas``): nothing is saved.  ``programas`` maps each of those
    programs to its line («Programa 1: 1.1.1 (fila 2) — su cuenta coordina el programa 3»); ``consejo`` says
    what to do; ``str()`` is the whole message on one line (the access log), :attr:`lines` one per line."""

    def __init__(self, intro: str, lines: dict[str, str], consejo: str,
                 filas: tuple[tuple[str, int | None, str, str], ...]) -> None:
        super().__init__(" ".join([intro, *lines.values(), consejo]), filas)
        self.intro = intro
        self.programas = lines
        self.consejo = consejo

    @property
    def lines(self) -> list[str]:
        """The message as lines: what happened, one line per program, what to do."""
        return [self.intro, *self.programas.values(), self.consejo]


class UploadOutcome(StrEnum):
    """What confirming an upload would do (:attr:`Preview.outcome`)."""

    IDENTICAL = "identico"          # every row of the file equals the stored data: nothing to save
    ONLY_OMITTED = "solo_omitidas"  # nothing to save, but rows or cells of the file were left out (blank
                                    # Realizado → aviso; template cells changed later by someone else):
                                    # never called "identical"
    CHANGES = "cambios"             # saving makes a new revision


@dataclass(frozen=True)
class Preview:
    """What an upload would change, computed against ``base_revision``; confirm with
    :meth:`Store.commit_preview`.  The outcome (and its wording) is decided here, once, for the upload
    page and the command line."""

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
    #: The revision the template was made from (None: the file has no base → two-way rule, see
    #: :attr:`sin_base`).
    template_revision: int | None = None
    #: The file's Avances rows (clave, anio, trimestre, fila = Excel row), as read.
    subidas: pd.DataFrame | None = field(default=None, repr=False)
    hojas: frozenset[str] = frozenset()  # sheets of the file (contract names)
    #: Cells changed in the file AND in the store since the base, to different values
    #: (:data:`CONFLICT_COLUMNS`): nothing is saved until each has a decision (:meth:`Store.resolve`).
    conflictos: pd.DataFrame | None = field(default=None, repr=False)
    #: Cells the file left as in its base while a colleague changed them since: not applied.
    conservadas: pd.DataFrame | None = field(default=None, repr=False)
    #: The decisions taken on :attr:`conflictos` ({(clave, anio, trimestre, campo): KEEP_SAVED|USE_FILE}).
    decisiones: tuple[tuple[tuple, str], ...] = ()
    #: The merged avances rows before decisions (what :meth:`Store.resolve` starts from).
    fusionadas: pd.DataFrame | None = field(default=None, repr=False)
    #: The file's Avances rows left out for an empty «Realizado» (clave, anio, trimestre, fila).
    sin_realizado: pd.DataFrame | None = field(default=None, repr=False)
    #: Rows of programs outside the upload's scope that change nothing, ignored (clave, anio, trimestre, fila,
    #: programa); set by the scope check (:func:`_check_upload_scope`).
    ignoradas: pd.DataFrame | None = field(default=None, repr=False)
    #: Programs the upload was limited to by whoever made it (the command line's ``--programas``); None: no
    #: such limit (a coordinación account is always limited to its own programs).
    alcance: frozenset[str] | None = None

    @property
    def is_empty(self) -> bool:
        return self.changes.is_empty and not self.n_conflictos

    @property
    def sin_base(self) -> bool:
        """The file records no template base (e.g. a whole workbook): every value that differs from the
        stored one replaces it (two-way rule)."""
        return self.template_revision is None and bool(self.filas_avances)

    @property
    def n_conflictos(self) -> int:
        """Conflicting cells still without a decision."""
        if self.conflictos is None or self.conflictos.empty:
            return 0
        decided = dict(self.decisiones)
        return sum(1 for k in conflict_keys(self.conflictos) if decided.get(k) not in (KEEP_SAVED, USE_FILE))

    @property
    def n_conservadas(self) -> int:
        """Cells of the file not applied because a colleague changed them after the template was made."""
        return 0 if self.conservadas is None else int(len(self.conservadas))

    @property
    def outcome(self) -> UploadOutcome:
        """Identical, only omitted rows, or changes (see :class:`UploadOutcome`)."""
        if not self.is_empty:
            return UploadOutcome.CHANGES
        if self.avisos or self.n_conservadas:
            return UploadOutcome.ONLY_OMITTED
        return UploadOutcome.IDENTICAL

    @property
    def clears_illustrative_flag(self) -> bool:
        """Saving replaces the last bundled sample values: the «datos ilustrativos» notice disappears (the
        rows an upload changes become real, ``snapshot.written_real``)."""
        return bool(self.before.muestras) and not self.after.muestras

    @property
    def muestras_reemplazadas(self) -> frozenset[tuple[str, int, int]]:
        """Keys of the avances rows holding sample values that saving makes real (their values change)."""
        return self.before.muestras - self.after.muestras

    @property
    def avances_sin_cambio(self) -> int:
        """Uploaded avances rows of the upload's programs whose stored values are already the same (the
        ignored rows of other programs are not counted: :attr:`n_ignoradas`)."""
        changed = self.changes.cells
        keys = changed[changed["tabla"] == "Avances"].drop_duplicates(["clave", "anio", "trimestre"])
        ignored = 0 if self.ignoradas is None else int(self.ignoradas["fila"].isin(
            [] if self.subidas is None else self.subidas["fila"]).sum())
        return max(self.filas_avances - len(keys) - ignored, 0)

    @property
    def kept_notice(self) -> str:
        """The cells of the file not applied because they changed in the store after the template while the
        file still has the template's value, with who changed them (the uploader's own saves said as such):
        «1 celda de su archivo no se aplicará: su archivo la trae como en la plantilla (revisión 1) y usted la
        cambió el 07/12/2026 en la revisión 3; se conserva lo guardado.» ('' when none)."""
        n = self.n_conservadas
        if not n:
            return ""
        one = n == 1
        return (f"{count_text(n, 'celda', 'celdas')} de su archivo no se {'aplicará' if one else 'aplicarán'}: "
                f"su archivo {'la trae' if one else 'las trae'} como en la plantilla (revisión "
                f"{self.template_revision}) y {changed_by_text(self.conservadas)}; se conserva lo guardado.")

    @property
    def n_ignoradas(self) -> int:
        """Rows of the file of programs outside the upload's scope, ignored because they change nothing."""
        return 0 if self.ignoradas is None else int(len(self.ignoradas))

    @property
    def ignored_notice(self) -> str:
        """«Se ignoraron 87 filas de los programas 1, 2, 4, 5 y 6: no cambian nada.» ('' when none)."""
        n = self.n_ignoradas
        if not n:
            return ""
        verb, change = ("Se ignoró", "no cambia") if n == 1 else ("Se ignoraron", "no cambian")
        which = programs_text(self.ignoradas["programa"], preposition="de")
        return f"{verb} {count_text(n, 'fila', 'filas')} {which}: {change} nada."

    @functools.cached_property
    def sin_justificacion(self) -> pd.DataFrame:
        """Indicators this upload touches that would be amarillo or rojo at their cut without a justificación
        (``diff.missing_justifications``): a warning with the preview, never a block."""
        return missing_justifications(self.after, self.changes)

    @property
    def plan_sin_cambio(self) -> int:
        """Uploaded Plan rows whose stored values are already the same (0 without a Plan sheet)."""
        changed = self.changes.cells
        keys = changed[changed["tabla"] == "Plan"].drop_duplicates(["clave", "anio"])
        return max(self.filas_plan - len(keys), 0)


def conflict_keys(conflicts: pd.DataFrame) -> list[tuple[str, int, int, str]]:
    """The key of each conflicting cell: ``(clave, anio, trimestre, campo)`` (what decisions are keyed on)."""
    return [(str(c), int(a), int(t), str(f)) for c, a, t, f in
            zip(conflicts["clave"], conflicts["anio"], conflicts["trimestre"], conflicts["campo"])]


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


@migrations()
def m003_accounts(db: Database) -> None:
    """Accounts, failed-login counters, sessions, the access log, the session signing key, and who made
    each revision (``usuario`` of the account, ``origen`` web/cli/sistema).  See ``account_store``."""
    db["cuentas"].create(
        {"usuario": str, "nombre": str, "correo": str, "rol": str, "programas": str, "activa": int,
         "creada": str, "ultimo_acceso": str, "hash_contrasena": str, "debe_cambiar": int,
         "contrasena_cambiada": str, "version": int},
        pk="usuario", not_null={"nombre", "rol", "activa", "creada", "hash_contrasena", "version"})
    db["cuentas"].create_index(["correo"], unique=True)
    db["intentos"].create({"usuario": str, "fallidos": int, "bloqueada_hasta": str, "ultimo": str},
                          pk="usuario", not_null={"fallidos"})
    db["sesiones"].create(
        {"id": int, "id_hash": str, "usuario": str, "metodo": str, "creada": str, "ultimo_uso": str,
         "expira": str, "revocada": str, "motivo": str, "codigo_usado": int},
        pk="id", not_null={"id_hash", "usuario", "creada", "expira", "codigo_usado"},
        foreign_keys=[("usuario", "cuentas", "usuario")])
    db["sesiones"].create_index(["id_hash"], unique=True)
    db["sesiones"].create_index(["usuario"])
    db["bitacora"].create({"id": int, "fecha": str, "usuario": str, "actor": str, "evento": str,
                           "detalle": str}, pk="id", not_null={"fecha", "evento"})
    db["bitacora"].create_index(["usuario"])
    db["claves"].create({"nombre": str, "valor": str}, pk="nombre", not_null={"valor"})
    db["claves"].insert({"nombre": sessions.KEY_NAME, "valor": sessions.new_key()})
    db["revisions"].add_column("usuario", str)
    db["revisions"].add_column("origen", str)


@migrations()
def m004_approvals(db: Database) -> None:
    """Quarter approvals: append-only events per (año, trimestre, programa) — see ``mpi_dash.approvals``
    (state = latest event; ``revision_id`` = the revision the event refers to, pinned by an approval)."""
    db["aprobaciones"].create(
        {"id": int, "anio": int, "trimestre": int, "programa": str, "estado": str, "fecha": str, "autor": str,
         "usuario": str, "origen": str, "motivo": str, "revision_id": int},
        pk="id", not_null={"anio", "trimestre", "programa", "estado", "fecha", "autor", "revision_id"},
        foreign_keys=[("revision_id", "revisions", "id")])
    db["aprobaciones"].create_index(["anio", "trimestre", "programa"])


@migrations()
def m005_sample_values(db: Database) -> None:
    """Which stored avances values are bundled samples (issue 21): ``avances_versions.ilustrativo`` (1 = the
    row version holds sample values, 0/NULL = real values).

    Before this migration one workbook-wide parámetro said it (``datos_ilustrativos``), and the first upload
    of any program turned it off for every program.  Existing databases are marked as that parámetro meant
    when the data were loaded: the rows of the first load (``carga_inicial``) are samples when its
    ``datos_ilustrativos`` was 1, and a revert writes each row with the mark it has in the revision it goes
    back to; every row an upload wrote is real.  Later revisions overwrite a row with a new version, so the
    seed's values stay samples only where no later revision changed them.  This is the one place that
    writes into existing row versions (a new column being filled in, never a value changed).
    """
    db["avances_versions"].add_column("ilustrativo", int)
    seeds = [r[0] for r in db.execute(
        "SELECT r.id FROM revisions r WHERE r.kind = ? AND EXISTS (SELECT 1 FROM parametros_versions p "
        "WHERE p.revision_id = r.id AND p.nombre = ? AND p.present = 1 AND p.valor = 1) ORDER BY r.id",
        [KIND_SEED, ILLUSTRATIVE_FLAG]).fetchall()]
    for seed in seeds:
        db.execute("UPDATE avances_versions SET ilustrativo = 1 WHERE revision_id = ? AND present = 1", [seed])
    if not seeds:
        return
    for rev, target in db.execute("SELECT id, reverted_to FROM revisions WHERE kind = ? AND reverted_to IS NOT "
                                  "NULL ORDER BY id", [KIND_REVERT]).fetchall():
        db.execute(
            "UPDATE avances_versions SET ilustrativo = 1 WHERE revision_id = ? AND present = 1 AND ("
            "SELECT t.ilustrativo FROM avances_versions t WHERE t.clave = avances_versions.clave AND "
            "t.anio = avances_versions.anio AND t.trimestre = avances_versions.trimestre AND "
            "t.revision_id <= ? ORDER BY t.revision_id DESC LIMIT 1) = 1",
            [rev, target])


# --------------------------------------------------------------------------- the store
class Store(AccountStoreMixin, ApprovalStoreMixin):
    """The SQLite system of record at ``path`` (see the module docstring).

    ``path`` None → ``config.db_path()``.  ``seed``: the workbook that seeds an empty database (None →
    ``config.workbook_path()``).  ``limits``: upload limits (None → ``config.upload_limits()``, read at each
    upload).  ``busy_timeout``: seconds a writer waits for another one's write lock.
    """

    def __init__(self, path: str | Path | None = None, *, seed: str | Path | None = None,
                 limits: Limits | None = None, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path) if path else config.db_path()
        self.seed = Path(seed) if seed else None
        self.limits = limits
        self.busy_timeout = busy_timeout

    @classmethod
    def existing(cls, path: str | Path, **kwargs: Any) -> Store:
        """The store at ``path``, which must already be a database file (an explicit ``--db``: a typo must
        never create a new database).  Raises :class:`StoreError` otherwise."""
        store = cls(path, **kwargs)
        store._require_file()
        return store

    def __repr__(self) -> str:
        return f"<Store {self.path}>"

    # ----------------------------------------------------------------------- connections
    def _connect(self) -> Database:
        """A NEW connection (never share it across threads) with WAL, foreign keys and a busy timeout."""
        if self.path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(self.path))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), timeout=self.busy_timeout, check_same_thread=True)
        db = Database(conn)
        db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        db.execute("PRAGMA foreign_keys = ON")
        _enable_wal(db, self.busy_timeout)
        return db

    @contextlib.contextmanager
    def connection(self, *, auto_seed: bool = True) -> Iterator[Database]:
        """A NEW ready connection, closed on exit: schema migrated and, on first use, seeded (revision 1).

        For reading; every write goes through a method of the store.  ``auto_seed=False`` leaves an empty
        database empty.  Any SQLite failure (unwritable file, lock held longer than the busy timeout…)
        becomes a :class:`StoreError` with a Spanish message; a write transaction was rolled back.
        """
        try:
            db = self._connect()
        except (sqlite3.Error, OSError) as exc:
            reason = spanish_reason(exc)
            raise StoreError(f"No se pudo abrir la base de datos {self.path}: {reason}.") from exc
        try:
            if migrations.pending(db) or (auto_seed and _latest(db) == 0):
                with _transaction(db):  # first use: one process/thread migrates and seeds, the others wait
                    migrations.apply(db)
                    if auto_seed and _latest(db) == 0:
                        _seed(db, self.seed or config.workbook_path())
            yield db
        except sqlite3.Error as exc:
            raise StoreError(f"Error de la base de datos {self.path} ({spanish_reason(exc)}); "
                             "no se guardó nada.") from exc
        finally:
            db.close()

    @contextlib.contextmanager
    def _writing(self, *, auto_seed: bool = True) -> Iterator[Database]:
        """THE write transaction every writer goes through: a ready connection holding the write lock
        from the start; committed when the block ends, rolled back (nothing saved) on any error."""
        with self.connection(auto_seed=auto_seed) as db, _transaction(db):
            yield db

    def _require_file(self) -> Path:
        if self.path.is_dir():
            raise StoreError(f"{self.path} es una carpeta, no el archivo de la base de datos.")
        if not self.path.is_file():
            raise StoreError(f"No existe la base de datos {self.path}.")
        return self.path

    # ----------------------------------------------------------------------- reading
    def latest_revision(self) -> int:
        """Number of the latest revision (creates/seeds the database on first use)."""
        with self.connection() as db:
            return _latest(db)

    def version_key(self) -> str:
        """Cheap cache key of the current data: database file + inode + latest revision number and time."""
        with self.connection() as db:
            row = db.execute("SELECT id, created_at FROM revisions ORDER BY id DESC LIMIT 1").fetchone()
        target = self.path.resolve()
        return f"{target}:{target.stat().st_ino}#{row[0]}@{row[1]}"

    def data_key(self) -> str:
        """Cheap cache key of everything the pages show: :meth:`version_key` plus the approval record (changes
        with every revision and every approval event).

        Every page run asks for it, and opening a connection (migration check, WAL) is nearly all of a
        query's cost (~1 ms), so it reads through the process's *probe* connection of this database file —
        the one connection shared across threads, behind a lock, only ever running this SELECT (autocommit:
        it sees each commit as soon as it is made).  The probe is opened after a regular connection has
        created, migrated and seeded the file, and reopened when the file is replaced (other device, inode or
        change time: a file deleted and created again may get the same inode)."""
        try:
            target = self.path.resolve()
            with _PROBES_LOCK:
                probe = _PROBES.get(str(target))
                if probe is None or probe[1] != _identity(target):
                    if probe is not None:
                        probe[0].close()
                    with self.connection():  # create, migrate and seed first
                        pass
                    identity = _identity(target)
                    if identity is None:
                        raise FileNotFoundError(errno.ENOENT, "no such file", str(target))
                    probe = (sqlite3.connect(str(target), timeout=self.busy_timeout, check_same_thread=False),
                             identity)
                    _PROBES[str(target)] = probe
                    while len(_PROBES) > _MAX_PROBES:  # tests and --db open many files: keep the last few
                        _PROBES.pop(next(iter(_PROBES)))[0].close()
                row = probe[0].execute(_DATA_KEY_SQL).fetchone()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"No se pudo leer la base de datos {self.path}: {spanish_reason(exc)}.") from exc
        return f"{target}:{probe[1][1]}#{row[0]}@{row[1]}|a{row[2]}"

    def load_snapshot(self, revision: int | None = None) -> tuple[int, Snapshot]:
        """``(revision, snapshot)`` at ``revision`` (default: the latest)."""
        with self.connection() as db:
            latest = _latest(db)
            rev = latest if revision is None else _check_revision(latest, revision)
            return rev, _snapshot(db, rev)

    def list_revisions(self) -> pd.DataFrame:
        """Every revision, newest first, with :data:`REVISION_COLUMNS`."""
        with self.connection() as db:
            rows = db.execute(_REVISIONS_SQL + " ORDER BY r.id DESC").fetchall()
        frame = pd.DataFrame(rows, columns=list(REVISION_COLUMNS), dtype=object)
        for col in ("fecha", "autor", "archivo", "sha256", "comentario", "tipo", "usuario", "origen"):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
        for col in ("numero", "celdas_cambiadas"):
            frame[col] = frame[col].astype("int64")
        for col in ("revierte_a", "revision_base"):
            frame[col] = frame[col].astype("Int64")
        return frame

    def sample_rows(self) -> tuple[int, pd.DataFrame]:
        """``(latest revision, its avances rows that still hold bundled sample values)``: columns ``programa``,
        ``clave``, ``anio``, ``trimestre``, ordered by program (numeric), year, clave and quarter."""
        revision, snapshot = self.load_snapshot()
        frame = pd.DataFrame(sorted(snapshot.muestras), columns=["clave", "anio", "trimestre"])
        frame.insert(0, "programa", frame["clave"].map(program_number))
        order = frame["programa"].map(lambda p: (not p.isdigit(), int(p) if p.isdigit() else 0, p))
        frame = frame.assign(_o=order).sort_values(["_o", "anio", "clave", "trimestre"], kind="stable")
        return revision, frame.drop(columns="_o").reset_index(drop=True)

    def revision_info(self, revision: int) -> dict[str, Any]:
        """One revision's row (same keys as :data:`REVISION_COLUMNS`)."""
        with self.connection() as db:
            _check_revision(_latest(db), revision)
            row = db.execute(_REVISIONS_SQL + " WHERE r.id = ?", [revision]).fetchone()
        return dict(zip(REVISION_COLUMNS, row))

    def revision_changes(self, revision: int, *, with_semaforo: bool = True) -> Changes:
        """What revision N changed: state N−1 vs state N, cell by cell (and semáforo changes)."""
        with self.connection() as db:
            rev = _check_revision(_latest(db), revision)
            after = _snapshot(db, rev)
            before = _snapshot(db, rev - 1) if rev > 1 else make_snapshot(None, None, {})
        return diff_snapshots(before, after, with_semaforo=with_semaforo)

    def revision_file(self, revision: int) -> tuple[str, bytes] | None:
        """``(filename, bytes)`` exactly as uploaded for revision N, or None (reverts have no file)."""
        with self.connection() as db:
            _check_revision(_latest(db), revision)
            row = db.execute("SELECT COALESCE(r.filename, f.filename), f.content FROM revisions r "
                             "JOIN files f ON f.id = r.file_id WHERE r.id = ?", [revision]).fetchone()
        return None if row is None else (str(row[0]), bytes(row[1]))

    # ----------------------------------------------------------------------- uploads
    def prepare_upload(self, content: bytes, filename: str, *, actor: Actor | None = None,
                       programas: Iterable[str] | None = None) -> Preview:
        """Validate an upload against the latest revision and compute what it would change (saves nothing).

        Raises ``mpi_dash.workbook.WorkbookError`` (all problems) when the file is invalid, and
        :class:`ConfigError` when the configured upload limits are invalid.  With ``actor``, an upload that
        account could not save is refused here already (:class:`PermissionDenied`, logged) — the same check
        :meth:`commit_preview` makes: rows of programs the account does not coordinate are ignored when they
        change nothing (:attr:`Preview.ignored_notice`) and refuse the file when they would
        (:class:`ForeignRowsRefused`).  ``programas`` limits the upload to those programs the same way (the
        command line's ``--programas``; an unknown program is an :class:`AccountError`).
        """
        with self.connection() as db:
            who = self._may_upload(db, actor) if actor is not None else None
            alcance = None
            if programas is not None:
                alcance = check_programas(Rol.COORDINACION, programas, self._known_programs(db))
            preview = self._prepare(db, bytes(content), filename, who, alcance)
        try:
            return _check_upload_scope(who, preview)
        except PermissionDenied as exc:
            if who is not None and who.rol is Rol.COORDINACION:  # not --programas, a limit the CLI set itself
                self.log_event("permiso_denegado", usuario=who.usuario, actor=actor_name(who), detalle=str(exc))
            raise

    def _may_upload(self, db: Database, actor: Actor) -> Actor:
        try:
            return _authorize(db, actor, Permiso.CARGAR_AVANCES)
        except PermissionDenied as exc:
            self.log_event("permiso_denegado", usuario=getattr(actor, "usuario", None),
                           actor=actor_name(actor), detalle=str(exc))
            raise

    def _known_programs(self, db: Database) -> set[str]:
        """Program numbers of the latest plan (what a coordinación account can be assigned)."""
        latest = _latest(db)
        claves = [r["clave"] for r in _state(db, "plan_versions", PLAN_KEY, latest, "clave")] if latest else []
        return {program_number(c) for c in claves}

    def _prepare(self, db: Database, content: bytes, filename: str, actor: Actor | None = None,
                 alcance: frozenset[str] | None = None) -> Preview:
        """The preview of ``content`` against the latest revision (``actor``: who uploads, to tell their own
        earlier saves from other people's; ``alcance``: :attr:`Preview.alcance`)."""
        from mpi_dash.workbook import read_workbook

        base = _latest(db)
        before = _snapshot(db, base)
        found: dict[str, Any] = {}

        def template_base() -> pd.DataFrame | None:
            """What the file's template held (None: not a template) — read once the reader has checked the
            container (size, zip bomb, macros)."""
            if "base" not in found:
                template = found["template"] = read_template_base(content)
                found["base"] = None
                if template is not None and template.avances is not None:
                    found["base"] = template.avances
                elif template is not None and 1 <= template.revision <= base:  # an older template: the
                    found["base"] = _snapshot(db, template.revision).avances   # data of its revision
                elif template is not None:
                    found["base"] = before.avances
            return found["base"]

        # raises WorkbookError with every problem; a template's rows without a report are no aviso
        data = read_workbook(content, known_plan=before.plan, known_parametros=before.parametros,
                             limits=self.limits or config.upload_limits(), base=template_base)
        base_avances, template = template_base(), found["template"]
        subidas = data.avances[["clave", "anio", "trimestre"]].assign(fila=list(data.avances_rows))
        # The reader's recognised columns per sheet (aliases included): no second header parse here.
        layout = {sheet: frozenset(names) for sheet, names in data.columns.items()}
        # Only the parameters the sheet sets: apply_upload merges them over the stored ones.
        params = data.parametros if SHEET_PARAMETROS in layout else None
        avances, avances_columns = data.avances, layout.get(SHEET_AVANCES)
        conflicts = kept = merged = None
        if base_avances is not None and len(avances):
            merge = merge_avances(avances, base_avances, before.avances, avances_columns)
            avances, avances_columns, merged = merge.rows, None, merge.rows
            conflicts = _who_saved(db, merge.conflicts, base, actor)
            kept = _who_saved(db, merge.kept, base, actor)
        after = apply_upload(before, plan=data.plan, avances=avances, parametros=params,
                             plan_columns=layout.get(SHEET_PLAN), avances_columns=avances_columns)
        blank = data.sin_realizado
        return Preview(base_revision=base, filename=filename, sha256=hashlib.sha256(content).hexdigest(),
                       content=content, before=before, after=after, changes=diff_snapshots(before, after),
                       avisos=tuple(data.avisos), filas_avances=int(len(data.avances)),
                       filas_plan=0 if data.plan is None else int(len(data.plan)),
                       template_revision=None if template is None else template.revision, subidas=subidas,
                       hojas=frozenset(layout), conflictos=conflicts, conservadas=kept, fusionadas=merged,
                       sin_realizado=None if blank is None else blank[["clave", "anio", "trimestre", "fila"]],
                       alcance=alcance)

    def resolve(self, preview: Preview, decisions: dict[tuple, str]) -> Preview:
        """``preview`` with a person's decisions on its conflicting cells (``{(clave, anio, trimestre,
        campo): KEEP_SAVED | USE_FILE}``): what saving would then change (saves nothing).  Cells without a
        decision stay pending (:attr:`Preview.n_conflictos`)."""
        if preview.conflictos is None or preview.conflictos.empty or preview.fusionadas is None:
            return preview
        keys = set(conflict_keys(preview.conflictos))
        chosen = tuple(sorted((k, v) for k, v in decisions.items() if k in keys and v in (KEEP_SAVED, USE_FILE)))
        rows = resolve_conflicts(preview.fusionadas, preview.conflictos, dict(chosen))
        # the merged rows are already in preview.after: applying the resolved ones on top changes only the
        # cells decided «use mine» (and clears the illustrative flag as any upload of avances does)
        after = apply_upload(preview.after, plan=None, avances=rows, parametros=None)
        return replace(preview, after=after, changes=diff_snapshots(preview.before, after), decisiones=chosen)

    def commit_preview(self, preview: Preview, *, actor: Actor, comment: str,
                       rebase: bool = False) -> int | None:
        """Save the previewed upload as ONE new revision by ``actor``, atomically; return its number (None:
        nothing changed).

        ``actor`` must be allowed to upload (:class:`PermissionDenied` otherwise; a coordinación account
        only rows of its programs, never a Plan/Parámetros sheet).  If another revision was saved after the
        preview: raise :class:`ConflictError`, or with ``rebase=True`` (command line, no human preview)
        re-validate and re-diff against the latest revision inside the lock.  A preview with conflicting
        cells still undecided raises :class:`PendingConflicts` (decide them with :meth:`resolve`); the
        decided ones are re-checked inside the write transaction against the stored values.
        """
        return self._commit(preview, actor=actor, comment=comment, rebase=rebase)[0]

    def import_file(self, content: bytes, filename: str, *, actor: Actor, comment: str,
                    programas: Iterable[str] | None = None) -> tuple[int | None, Preview]:
        """Validate + save in one step (command line): ``(revision or None if nothing changed, preview)``.

        The preview returned is the one that was committed: if another revision was saved in between, the
        upload was re-validated and re-diffed against it (rebase) and the returned preview says what this
        revision really changed.  ``programas``: as in :meth:`prepare_upload`.
        """
        _require_text(comment, "el comentario")
        preview = self.prepare_upload(content, filename, actor=actor, programas=programas)
        return self._commit(preview, actor=actor, comment=comment, rebase=True)

    def _commit(self, preview: Preview, *, actor: Actor, comment: str,
                rebase: bool) -> tuple[int | None, Preview]:
        """:meth:`commit_preview` that also returns the preview actually committed (re-made after a
        rebase)."""
        comment = _require_text(comment, "el comentario")
        with self._acting(actor, Permiso.CARGAR_AVANCES) as (db, who):
            latest = _latest(db)
            if latest != preview.base_revision:
                if not rebase:
                    raise ConflictError(preview.base_revision, latest,
                                        propia=_saved_only_by(db, who, preview.base_revision, latest))
                preview = self._prepare(db, preview.content, preview.filename, who, preview.alcance)
            preview = _check_upload_scope(who, preview)
            if preview.n_conflictos:
                raise PendingConflicts(_pending(preview))
            _recheck_decisions(db, latest, preview)
            if preview.is_empty:
                return None, preview
            rc = row_changes(preview.before, preview.after)
            _check_changes_scope(who, rc, _upload_scope(who, preview))
            file_id = _store_file(db, preview.filename, preview.content, preview.sha256)
            revision = _write_revision(db, rc, by=who, comment=comment, kind=KIND_IMPORT, file_id=file_id,
                                       base=latest, cells=preview.changes.n_cells, filename=preview.filename)
            return revision, preview

    # ----------------------------------------------------------------------- other writes
    def revert(self, revision: int, *, actor: Actor, reason: str) -> int:
        """Make the data equal to revision N again, as a NEW revision by ``actor`` (nothing is deleted)."""
        reason = _require_text(reason, "el motivo")
        with self._acting(actor, Permiso.REVERTIR) as (db, who):
            latest = _latest(db)
            target = _check_revision(latest, revision)
            current, wanted = _snapshot(db, latest), _snapshot(db, target)
            changes = diff_snapshots(current, wanted, with_semaforo=False)
            if changes.is_empty and current.muestras == wanted.muestras:  # (the sample marks come back too)
                raise StoreError(f"Los datos vigentes (revisión {latest}) ya son iguales a los de la "
                                 f"revisión {target}: no hay nada que revertir.")
            return _write_revision(db, row_changes(current, wanted), by=who, comment=reason,
                                   kind=KIND_REVERT, file_id=None, base=latest, cells=changes.n_cells,
                                   reverted_to=target)

    def clear_samples(self, *, actor: Actor, comment: str) -> tuple[int, int]:
        """Remove every avances row that still holds a bundled sample value, as ONE new revision by ``actor``
        (an administración account or the command line: ``Permiso.QUITAR_ILUSTRATIVOS``).  Those indicators
        are then «sin dato» until their coordinators upload; the revision can be reverted like any other.

        Returns ``(revision, rows removed)``.  Raises :class:`StoreError` when no sample value remains, and
        ``approvals.ApprovalLocked`` when a sample value belongs to approved figures (reopen them first)."""
        comment = _require_text(comment, "el comentario")
        with self._acting(actor, Permiso.QUITAR_ILUSTRATIVOS) as (db, who):
            latest = _latest(db)
            current = _snapshot(db, latest)
            if not current.muestras:
                raise StoreError("No quedan datos ilustrativos: todos los avances guardados son cifras "
                                 "cargadas. No se guardó nada.")
            keys = list(zip(current.avances["clave"], current.avances["anio"].astype(int),
                            current.avances["trimestre"].astype(int)))
            kept = current.avances.loc[[k not in current.muestras for k in keys]]
            wanted = make_snapshot(current.plan, kept, current.parametros)
            changes = diff_snapshots(current, wanted, with_semaforo=False)
            revision = _write_revision(db, row_changes(current, wanted), by=who, comment=comment,
                                       kind=KIND_CLEAR_SAMPLES, file_id=None, base=latest, cells=changes.n_cells)
            return revision, len(current.muestras)

    def save_state(self, snapshot: Snapshot, *, actor: Actor, comment: str, filename: str | None = None,
                   content: bytes | None = None) -> int | None:
        """Make the stored data equal to ``snapshot`` as one revision by ``actor`` (None: nothing changed);
        the whole plan may change, so it needs ``Permiso.CARGAR_PLAN``; never seeds."""
        try:
            with self._writing(auto_seed=False) as db:
                who = _authorize(db, actor, Permiso.CARGAR_PLAN)
                return _save_state(db, snapshot, by=who, comment=comment, kind=KIND_IMPORT,
                                   filename=filename, content=content)
        except PermissionDenied as exc:
            self.log_event("permiso_denegado", usuario=getattr(actor, "usuario", None),
                           actor=actor_name(actor), detalle=str(exc))
            raise

    # ----------------------------------------------------------------------- maintenance
    def backup(self, destination: str | Path) -> Path:
        """Online backup (SQLite backup API) to ``destination`` (a new file, or a folder → timestamped name).

        Never overwrites; the copy is integrity-checked; the database must exist (a backup never creates
        nor seeds the database it copies).
        """
        dest = Path(destination)
        if dest.is_dir():
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
            dest = dest / f"mpi_dash-respaldo-{stamp}.sqlite"
        if dest.exists():
            raise StoreError(f"Ya existe el archivo {dest}: elija otro nombre (el respaldo nunca "
                             "sobrescribe).")
        if not dest.parent.is_dir():
            raise StoreError(f"No existe la carpeta {dest.parent}.")
        self._require_file()
        with self.connection() as db:
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

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check`` of the database ("ok" when sound); never creates or seeds it."""
        with self._raw("No se pudo verificar") as conn:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])

    def dump_sql(self) -> str:
        """The full SQL dump of the database (to compare contents); never creates or seeds it."""
        with self._raw("No se pudo leer") as conn:
            return "\n".join(conn.iterdump())

    @contextlib.contextmanager
    def _raw(self, failed: str) -> Iterator[sqlite3.Connection]:
        """A plain connection to the existing file (no migration, no seeding); ``failed`` starts the
        Spanish message of an SQLite failure."""
        target = self._require_file()
        try:
            conn = sqlite3.connect(str(target), timeout=self.busy_timeout)
            try:
                yield conn
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise StoreError(f"{failed} la base de datos {target}: {spanish_reason(exc)}.") from exc


# --------------------------------------------------------------------------- what a coordinator may upload
#: In a refusal: row numbers named per clave, and claves named per program (then «y N más»).
MAX_ROWS_PER_CLAVE = 3
MAX_CLAVES_PER_PROGRAM = 6


def _upload_scope(actor: Actor | None, preview: Preview) -> frozenset[str] | None:
    """The programs an upload may change: a coordinación account's, narrowed by :attr:`Preview.alcance`
    (the command line's ``--programas``); None: every program."""
    scope = preview.alcance
    if actor is not None and actor.rol is Rol.COORDINACION:
        scope = frozenset(actor.programas) if scope is None else frozenset(actor.programas) & scope
    return scope


def _scope_words(actor: Actor | None, scope: frozenset[str]) -> str:
    """«su cuenta coordina el programa 3» / «la carga se limitó a los programas 3 y 5 (--programas)»."""
    if actor is not None and actor.rol is Rol.COORDINACION:
        return f"su cuenta coordina {programs_text(scope, article=True)}"
    return f"la carga se limitó {programs_text(scope, preposition='a')} (--programas)"


def _rows_words(rows: list[int]) -> str:
    """«fila 2», «filas 2 y 3», «filas 2, 3, 4 y 5 más» (at most :data:`MAX_ROWS_PER_CLAVE` named)."""
    rows = sorted(set(rows))
    if not rows:
        return ""
    if len(rows) == 1:
        return f"fila {rows[0]}"
    if len(rows) <= MAX_ROWS_PER_CLAVE:
        return f"filas {join_words([str(r) for r in rows])}"
    shown = ", ".join(str(r) for r in rows[:MAX_ROWS_PER_CLAVE])
    return f"filas {shown} y {len(rows) - MAX_ROWS_PER_CLAVE} más"


def _foreign_lines(changing: pd.DataFrame, scope_words: str) -> dict[str, str]:
    """One line per program: «Programa 1: 1.1.1 (fila 2), 1.2.1 (filas 5 y 9) — su cuenta coordina el
    programa 3» (claves in plan order of appearance, at most :data:`MAX_CLAVES_PER_PROGRAM`)."""
    lines: dict[str, str] = {}
    programs = sorted(set(changing["programa"]), key=lambda p: (0, int(p), "") if p.isdigit() else (1, 0, p))
    for program in programs:
        part = changing[changing["programa"] == program]
        claves = list(dict.fromkeys(part["clave"]))
        named = []
        for clave in claves[:MAX_CLAVES_PER_PROGRAM]:
            rows = [int(f) for f in part.loc[part["clave"] == clave, "fila"] if not pd.isna(f)]
            named.append(f"{clave} ({_rows_words(rows)})" if rows else str(clave))
        more = len(claves) - MAX_CLAVES_PER_PROGRAM
        text = ", ".join(named) + (f" y {count_text(more, 'clave', 'claves')} más" if more > 0 else "")
        lines[program] = f"Programa {program}: {text} — {scope_words}."
    return lines


def _check_upload_scope(actor: Actor | None, preview: Preview) -> Preview:
    """The upload as its scope allows it (:func:`_upload_scope`: a coordinación account's programs, or
    ``--programas``), or :class:`PermissionDenied`.

    A Plan or Parámetros sheet is refused.  Avances rows of other programs that change nothing (a team's
    shared template: their values are the stored ones, or the template's while a colleague changed them
    since) are ignored, counted in :attr:`Preview.ignoradas` and left out of the kept cells and the avisos.
    A row that WOULD change another program's data (a changed cell or a conflicting one) refuses the whole
    file (:class:`ForeignRowsRefused`): the claves per program, a few row numbers each, and what to do."""
    scope = _upload_scope(actor, preview)
    if scope is None:
        return preview
    sheets = sorted(preview.hojas & {SHEET_PLAN, SHEET_PARAMETROS})
    if sheets:
        names = " y ".join(f"«{s}»" for s in sheets)
        hoja = "la hoja" if len(sheets) == 1 else "las hojas"
        raise PermissionDenied(f"El archivo trae {hoja} {names}: solo una cuenta de dirección puede cargar "
                               "cambios al plan o a los parámetros. No se guardó nada: suba un archivo con "
                               "solo la hoja «Avances» (la plantilla de la página ya es así).")
    subidas = preview.subidas
    if subidas is None or subidas.empty:
        subidas = pd.DataFrame({"clave": pd.Series(dtype=object), "anio": pd.Series(dtype="int64"),
                                "trimestre": pd.Series(dtype="int64"), "fila": pd.Series(dtype="int64")})
    key = ["clave", "anio", "trimestre"]
    # What the upload would write to other programs: its changed Avances cells and its conflicting cells
    # (deciding «use mine» would write them), each with the file's row.
    cells = preview.changes.cells
    touched = [cells.loc[cells["tabla"] == SHEET_AVANCES, key]]
    if preview.conflictos is not None and len(preview.conflictos):
        touched.append(preview.conflictos[key])
    touched_keys = pd.concat(touched, ignore_index=True).drop_duplicates()
    touched_keys = touched_keys.loc[~touched_keys["clave"].map(program_number).isin(scope)]
    if len(touched_keys):
        touched_keys = touched_keys.astype({"anio": "int64", "trimestre": "int64"})
        rows = subidas[[*key, "fila"]].astype({"anio": "int64", "trimestre": "int64"})
        changing = touched_keys.merge(rows, on=key, how="left")
        changing = changing.assign(programa=changing["clave"].map(program_number))
        changing = changing.sort_values(["fila", "clave"], na_position="last", kind="stable")
        words = _scope_words(actor, scope)
        by_account = actor is not None and actor.rol is Rol.COORDINACION
        intro = ("Su archivo cambiaría datos de programas que su cuenta no coordina, así que no se guardó nada."
                 if by_account else "El archivo cambiaría datos de programas fuera de --programas, así que no se "
                 "guardó nada.")
        consejo = ("Qué hacer: en esas filas deje los valores que traía la plantilla (la hoja no permite "
                   "borrarlas), o descargue en «Cargar avances» una plantilla nueva, que trae solo sus "
                   "programas, y copie ahí sus cifras. Si esos datos deben cambiar, pídalo a quien coordina "
                   "ese programa." if by_account else
                   "Qué hacer: deje en esas filas los valores guardados, o quite --programas si el cambio "
                   "debe guardarse.")
        filas = tuple((SHEET_AVANCES, None if pd.isna(r.fila) else int(r.fila), str(r.clave), str(r.programa))
                      for r in changing.itertuples())
        raise ForeignRowsRefused(intro, _foreign_lines(changing, words), consejo, filas)
    # Nothing of another program changes: its rows (read, or left out for an empty Realizado) are ignored.
    from mpi_dash.workbook import BLANK_REALIZADO

    parts = [subidas[[*key, "fila"]]]
    if preview.sin_realizado is not None and len(preview.sin_realizado):
        parts.append(preview.sin_realizado[[*key, "fila"]])
    rows = pd.concat(parts, ignore_index=True)
    rows = rows.assign(programa=rows["clave"].map(program_number))
    ignored = rows.loc[~rows["programa"].isin(scope)].reset_index(drop=True)
    ignored_rows = set(ignored["fila"].tolist())
    kept = preview.conservadas
    if kept is not None and len(kept):
        kept = kept.loc[kept["clave"].map(program_number).isin(scope)].reset_index(drop=True)
    avisos = tuple(p for p in preview.avisos
                   if not (p.hoja == SHEET_AVANCES and p.fila in ignored_rows and p.tipo == BLANK_REALIZADO))
    return replace(preview, ignoradas=ignored, conservadas=kept, avisos=avisos)


def _check_changes_scope(actor: Actor, rc: RowChanges, scope: frozenset[str] | None = None) -> None:
    """What a scoped revision really writes stays within its programs (also when a caller hands the store a
    Preview it built itself): only Avances rows of ``scope`` (a coordinación account's programs by default),
    and the automatic «datos ilustrativos» flag."""
    if scope is None:
        if actor.rol is not Rol.COORDINACION:
            return
        scope = frozenset(actor.programas)
    claves = pd.concat([rc.avances_upserts["clave"], rc.avances_removed["clave"]], ignore_index=True)
    foreign = sorted({c for c in claves if program_number(c) not in scope})
    other = (len(rc.plan_upserts) + len(rc.plan_removed) + len(rc.parametros_removed)
             + len(set(rc.parametros_set) - {ILLUSTRATIVE_FLAG}))
    if foreign or other:
        what = (f"{'la clave' if len(foreign) == 1 else 'las claves'} {join_words(foreign)}" if foreign
                else "el plan o los parámetros")
        raise PermissionDenied(f"Su cuenta no puede cambiar {what}: solo avances "
                               f"{programs_text(scope, preposition='de')}. No se guardó nada.")


# --------------------------------------------------------------------------- conflicts of an upload
def _pending(preview: Preview) -> pd.DataFrame:
    """The conflicting cells of ``preview`` still without a decision."""
    decided = dict(preview.decisiones)
    frame = preview.conflictos
    mask = [decided.get(k) not in (KEEP_SAVED, USE_FILE) for k in conflict_keys(frame)]
    return frame.loc[mask].reset_index(drop=True)


def _recheck_decisions(db: Database, latest: int, preview: Preview) -> None:
    """Inside the write transaction: every decided conflict was decided about the value stored NOW."""
    frame = preview.conflictos
    if frame is None or frame.empty:
        return
    stored = _snapshot(db, latest).avances.set_index(list(AVANCES_KEY))
    for row in frame.itertuples(index=False):
        key = (row.clave, int(row.anio), int(row.trimestre))
        now = stored.at[key, row.campo] if key in stored.index else None
        now = None if now is None or (isinstance(now, float) and now != now) else now
        if now != row.guardado:
            raise ConflictError(preview.base_revision, latest)


def _made_by(actor: Actor | None, author: str | None, usuario: str | None, origen: str | None) -> bool:
    """Whether a revision (its ``author``, ``usuario``, ``origen``) was saved by ``actor``: the same web
    account, or the command line with the same ``--autor``."""
    if actor is None:
        return False
    if isinstance(actor, CliActor):
        return origen == ORIGIN_CLI and usuario is None and author == actor.nombre
    return usuario is not None and usuario == actor.usuario


def _saved_only_by(db: Database, actor: Actor, base: int, latest: int) -> bool:
    """Whether every revision after ``base`` up to ``latest`` was saved by ``actor`` (another tab of theirs)."""
    rows = db.execute("SELECT author, usuario, origen FROM revisions WHERE id > ? AND id <= ?",
                      [base, latest]).fetchall()
    return bool(rows) and all(_made_by(actor, *row) for row in rows)


def _who_saved(db: Database, cells: pd.DataFrame, latest: int, actor: Actor | None = None) -> pd.DataFrame:
    """``cells`` (clave, anio, trimestre, campo, base, guardado, archivo) with the revision that last changed
    each cell up to ``latest``, its author as shown to people (``accounts.revision_author``), UTC date and
    whether ``actor`` saved it (``propia``; :data:`CONFLICT_COLUMNS`)."""
    found: list[tuple[object, object, object, bool]] = []
    cache: dict[tuple, list] = {}
    for row in cells.itertuples(index=False):
        key = (row.clave, int(row.anio), int(row.trimestre))
        if key not in cache:
            cache[key] = db.execute(
                "SELECT revision_id, present, realizado, justificacion, evidencia FROM avances_versions "
                "WHERE clave = ? AND anio = ? AND trimestre = ? AND revision_id <= ? ORDER BY revision_id",
                [*key, latest]).fetchall()
        index = {"realizado": 2, "justificacion": 3, "evidencia": 4}[row.campo]
        last, previous = None, None
        for version in cache[key]:
            value = version[index] if version[1] else None
            if last is None or value != previous:
                last = version[0]
            previous = value
        if last is None:
            found.append((None, None, None, False))
            continue
        rev = db.execute("SELECT author, usuario, origen, created_at FROM revisions WHERE id = ?",
                         [last]).fetchone()
        found.append((last, revision_author(rev[0], rev[1], rev[2]), rev[3], _made_by(actor, *rev[:3])))
    out = cells.copy()
    out["revision"] = pd.array([f[0] for f in found], dtype="Int64")
    out["autor"] = [f[1] for f in found]
    out["fecha"] = [f[2] for f in found]
    out["propia"] = pd.Series([f[3] for f in found], index=out.index, dtype=bool)
    return out[list(CONFLICT_COLUMNS)]


# --------------------------------------------------------------------------- helpers (one open connection)
@contextlib.contextmanager
def _transaction(db: Database) -> Iterator[Database]:
    """One write transaction holding SQLite's write lock from the start (``BEGIN IMMEDIATE``)."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


# Store.data_key's probe connections: database file → (connection, inode); the lock guards the dict and every
# use of a probe (a connection shared across threads must not run two statements at once).
_PROBES: dict[str, tuple[sqlite3.Connection, tuple[int, int, int] | None]] = {}
_PROBES_LOCK = threading.Lock()
_MAX_PROBES = 4
def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None  # not created yet: the regular connection creates it
    return info.st_dev, info.st_ino, info.st_ctime_ns


_DATA_KEY_SQL = ("SELECT id, created_at, (SELECT COALESCE(MAX(id), 0) FROM aprobaciones) "
                 "FROM revisions ORDER BY id DESC LIMIT 1")


def _enable_wal(db: Database, timeout: float) -> None:
    """Switch the database to WAL (persistent, so only a brand-new file needs it), waiting for other threads.

    SQLite answers ``PRAGMA journal_mode=wal`` with "database is locked" at once, without the busy handler,
    while another connection is setting up the same new file; retry until ``timeout`` like a busy writer.
    """
    deadline, delay = time.monotonic() + timeout, 0.01
    while True:
        try:
            if db.journal_mode != "wal":
                db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED")
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


def _require_text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise StoreError(f"Falta {what}: escríbalo para poder guardar.")
    return text


def _seed(db: Database, source: Path) -> None:
    from mpi_dash.workbook import WorkbookError, read_workbook

    if not source.is_file():
        raise StoreError(f"No existe el libro inicial {source}: no se pudo crear la base de datos.")
    content = source.read_bytes()
    try:
        data = read_workbook(content)
    except WorkbookError as exc:
        raise StoreError(f"El libro inicial {source.name} no es válido: "
                         + " ".join(p.mensaje for p in exc.problems[:5])) from exc
    # The seed workbook's avances are bundled samples when its Parámetros say datos_ilustrativos = 1.
    samples = sample_keys(data.avances) if data.parametros.get(ILLUSTRATIVE_FLAG) == 1 else None
    snapshot = make_snapshot(data.plan, data.avances, data.parametros, samples)
    rel = source.name if source.parent.name != "data" else f"data/{source.name}"
    _save_state(db, snapshot, by=None, comment=f"Carga inicial desde {rel}",
                kind=KIND_SEED, filename=source.name, content=content)


# One row per revision, columns in the order of REVISION_COLUMNS.
_REVISIONS_SQL = ("SELECT r.id, r.created_at, r.author, COALESCE(r.filename, f.filename), f.sha256, "
                  "r.comment, r.cells_changed, r.kind, r.reverted_to, r.base_revision, r.usuario, r.origen "
                  "FROM revisions r LEFT JOIN files f ON f.id = r.file_id")


def _latest(db: Database) -> int:
    if not db["revisions"].exists():
        return 0
    return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM revisions").fetchone()[0])


def _check_revision(latest: int, revision: int) -> int:
    if not 1 <= int(revision) <= latest:
        raise StoreError(f"No existe la revisión {revision}: las revisiones van de la 1 a la {latest}.")
    return int(revision)


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
    rows = _state(db, "avances_versions", AVANCES_KEY, revision, "anio, clave, trimestre")
    avances = pd.DataFrame(rows, columns=list(AVANCES_FIELDS))
    samples = [(r["clave"], r["anio"], r["trimestre"]) for r in rows if r.get("ilustrativo") == 1]
    params = {r["nombre"]: r["valor"]
              for r in _state(db, "parametros_versions", ("nombre",), revision, "nombre")}
    return make_snapshot(plan, avances, params, samples)


def _save_state(db: Database, snapshot: Snapshot, *, by: Actor | None, comment: str, kind: str,
                filename: str | None, content: bytes | None) -> int | None:
    latest = _latest(db)
    current = _snapshot(db, latest) if latest else make_snapshot(None, None, {})
    wanted = make_snapshot(snapshot.plan, snapshot.avances, snapshot.parametros, snapshot.muestras)
    if kind != KIND_SEED:  # only the first load brings samples: what any other revision writes is real
        wanted = written_real(current, wanted)
    changes = diff_snapshots(current, wanted, with_semaforo=False)
    if changes.is_empty and latest:
        return None
    file_id, name = None, None
    if content is not None:
        name = filename or "archivo.xlsx"
        file_id = _store_file(db, name, content, hashlib.sha256(content).hexdigest())
    return _write_revision(db, row_changes(current, wanted), by=by, comment=comment, kind=kind,
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


def _write_revision(db: Database, rc: RowChanges, *, by: Actor | None, comment: str, kind: str,
                    file_id: int | None, base: int | None, cells: int, reverted_to: int | None = None,
                    filename: str | None = None) -> int:
    """Write revision N+1 made ``by`` an account (author = its name, usuario kept), the command line
    (author as given) or, for None, the system (the first load)."""
    check_approval_lock(db, rc)  # issue 10: approved figures are locked, in this same transaction
    rev = _latest(db) + 1
    if by is None:
        author, usuario, origin = SYSTEM_AUTHOR, None, ORIGIN_SYSTEM
    elif isinstance(by, CliActor):
        author, usuario, origin = _require_text(by.nombre, "el nombre de quien hace el cambio"), None, ORIGIN_CLI
    else:
        author, usuario, origin = by.nombre, by.usuario, ORIGIN_WEB
    db["revisions"].insert({"id": rev, "created_at": _now(), "author": author, "usuario": usuario,
                            "origen": origin, "comment": comment,
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
    avances_rows = [{"revision_id": rev, **row, "present": 1,
                     "ilustrativo": int((row["clave"], int(row["anio"]), int(row["trimestre"]))
                                        in rc.avances_muestras)}
                    for row in _records(rc.avances_upserts, AVANCES_FIELDS)]
    avances_rows += [{"revision_id": rev, **row, "present": 0, "ilustrativo": 0}
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
