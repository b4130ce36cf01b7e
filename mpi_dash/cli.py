"""Command line: ``python -m mpi_dash <comando> …`` (messages in Spanish).

Commands (one small ``cmd_*`` function each, registered in :func:`build_parser`):

* ``validate ARCHIVO [--db RUTA] [--todos] [--programas N]`` — the verdict the upload would give: a complete
  workbook (with a Plan sheet, without ``--programas``) is checked on its own, a template or any avances-only file against the stored plan (the
  store's ``prepare_upload``, which saves nothing).  Exit 0 valid (summary + *avisos*), 1 with every
  problem (grouped by kind and column; ``--todos`` lists each one), 3 when the upload would stop on
  conflicting cells, 2 on usage errors or a missing file.
* ``plantilla --anio AÑO -o ARCHIVO [--db RUTA]`` — the upload template, the same as the page's (with its base).
* ``report ARCHIVO --anio 2023 --trimestre 2 [--nivel indicador|programa] --formato json|csv|xlsx
  [-o SALIDA]`` — ``indicador`` (default): one row per indicator with exactly ``schema.REPORT_FIELDS``;
  ``programa``: one row per program with exactly ``programs.PROGRAM_REPORT_FIELDS`` (the dashboard's
  program figures, same function); json/csv go to stdout without ``-o``; xlsx needs ``-o``.
* ``import ARCHIVO --autor NOMBRE --comentario TEXTO [--db RUTA]`` (``--vista-previa``: print what would
  change, conflicts included, and save nothing; conflicting cells → nothing saved, listed, exit 3;
  ``--programas 3,5``: the upload is limited to those programs as a coordinación account's is — rows of other
  programs that change nothing are ignored, one that would change something refuses the file, exit 1),
  ``historial``, ``revertir N --autor
  --motivo``, ``respaldo DESTINO`` — the SQLite store (``mpi_dash.store.Store``); an invalid file exits 1
  and saves nothing, a file identical to the stored data exits 0 and saves nothing.  The command line is
  administrative (shell access to the server): it acts as ``accounts.CliActor`` with the name given by
  ``--autor``, recorded as such in the revision (origin ``cli``).
* ``usuarios crear|listar|desactivar|reactivar|contrasena|bitacora`` — accounts (``mpi_dash.cli_usuarios``).
* ``informe --anio 2023 --trimestre 2 --formato pdf|pptx -o ARCHIVO [--db RUTA]`` — the «Informe trimestral»
  (PDF, ``mpi_dash.informe``) or the deck (PPTX, ``mpi_dash.deck``) of the current data; a cut-off whose year
  has no plan rows exits 1 with a message and writes no file.

Exit codes: 0 ok, 1 invalid data (or the report cannot be produced/written), 2 usage error, 3 an upload with
conflicting cells (changed in the file and, since the template was made, in the database).
Heavy modules (pandas, the reader, the engine) are imported inside each command so ``--help``
stays instant.  To add a command: write ``cmd_x(args) -> int`` and ``_add_x(subparsers)``
and call it from :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from mpi_dash.errors import spanish_reason

if TYPE_CHECKING:
    from mpi_dash.store import Store

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_CONFLICT = 3

MAX_AVISOS_IN_REPORT = 20

# argparse's own (English) messages, translated for users.
_ARGPARSE_ES: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", r"faltan argumentos obligatorios: \1"),
    (r"unrecognized arguments: (.*)", r"argumentos no reconocidos: \1"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"opción no válida: \1 (elija entre \2)"),
    (r"expected one argument", r"se esperaba un valor"),
    (r"ambiguous option: (.*) could match (.*)", r"opción ambigua: \1 puede ser \2"),
    (r"one of the arguments (.*) is required", r"se requiere uno de los argumentos \1"),
    (r"not allowed with argument (.*)", r"no se permite junto con el argumento \1"),
    (r"invalid (\S+) value: (.*)", r"valor no válido: \2"),
    (r"^argument ", r"argumento "),
)


def _translate(message: str) -> str:
    for pattern, replacement in _ARGPARSE_ES:
        message = re.sub(pattern, replacement, message)
    return message


class _SpanishFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, prefix="uso: " if prefix is None else prefix)


class SpanishArgumentParser(argparse.ArgumentParser):
    """argparse with Spanish section titles, help flag and error messages (exit code 2)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", _SpanishFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opciones"
        self.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {_translate(message)}\n")


# --------------------------------------------------------------------------- argument types


def _year(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        message = f"«{text}» no es un año; se esperaba un entero como 2023"
        raise argparse.ArgumentTypeError(message) from None
    if not 2000 <= value <= 2100:
        raise argparse.ArgumentTypeError(f"«{text}» no es un año válido; se esperaba entre 2000 y 2100")
    return value


def _quarter(text: str) -> int:
    from mpi_dash.schema import parse_quarter

    value = parse_quarter(text)
    if value is None:
        raise argparse.ArgumentTypeError(
            f"«{text}» no es un trimestre; se esperaba 1–4, T1–T4 o Marzo, Junio, Septiembre, Diciembre"
        )
    return value


# --------------------------------------------------------------------------- helpers


def _print(message: str = "", stream: IO[str] | None = None) -> None:
    print(message, file=stream or sys.stdout)


MAX_GROUPS = 60  # lines of grouped problems printed by default (10,000 bad rows stay under 100 lines)


def print_problems(problems: Sequence[Any], stream: IO[str] | None = None, *, limit: int | None = None,
                   more: str = "", todos: bool = False) -> None:
    """Problems grouped by kind, sheet and column, one '- ' line per group with the count, the rows and
    the first values (at most ``limit`` groups, default :data:`MAX_GROUPS`; then '… y N más{more}');
    ``todos``: one line per problem, every one."""
    from mpi_dash.workbook import Problem, group_problems

    groupable = all(isinstance(p, Problem) for p in problems)  # plan_files' FileProblem: one line each
    items: Sequence[Any] = problems if todos or not groupable else group_problems(problems)
    cap = None if todos else (limit if limit is not None else MAX_GROUPS)
    shown = items if cap is None else items[:cap]
    for item in shown:
        _print(f"- {item.mensaje}", stream)
    hidden = len(items) - len(shown)
    if hidden > 0:
        rest = more or " (use --todos para verlos todos)"
        _print(f"… y {_plural(hidden, 'grupo', 'grupos')} más{rest}.", stream)


def _missing_file(path: Path) -> int | None:
    """Exit code 2 with a Spanish message when ``path`` is not an existing file."""
    if path.is_file():
        return None
    if path.is_dir():
        reason = "es una carpeta"
    elif path.exists():
        reason = "no es un archivo regular"
    else:
        reason = "no existe"
    _print(f"Error: el archivo «{path}» {reason}; se esperaba la ruta de un libro .xlsx.", sys.stderr)
    return EXIT_USAGE


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{n:,} {singular if n == 1 else plural}"


def write_output(data: bytes, out: str | None) -> None:
    """Write to stdout (``None`` or ``-``) or to a file, atomically (temp file + rename)."""
    if out is None or out == "-":
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:  # a text-only stream (e.g. some test harnesses)
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
        return
    target = Path(out)
    if target.exists() and not target.is_file():  # /dev/null, a FIFO…: write in place
        with target.open("wb") as handle:
            handle.write(data)
        return
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- commands


def _print_invalid(name: str, problems: Sequence[Any], todos: bool, stream: IO[str] | None = None,
                   verb: str = "no es válido") -> None:
    """Errors (grouped unless ``todos``), then avisos, then the totals again at the end."""
    errors = [p for p in problems if p.nivel == "error"]
    avisos = [p for p in problems if p.nivel != "error"]
    total = _plural(len(errors), "error", "errores")
    if verb == "no se importó":
        _print(f"No se importó «{name}»: {total}. No se guardó nada.", stream)
    else:
        _print(f"El libro «{name}» {verb}: {total}.", stream)
    print_problems(errors, stream, todos=todos)
    if avisos:
        _print(f"Además, {_plural(len(avisos), 'aviso', 'avisos')}:", stream)
        print_problems(avisos, stream, todos=todos)
    if len(errors) > 1:
        _print(f"Total: {total}" + (f" y {_plural(len(avisos), 'aviso', 'avisos')}." if avisos else "."), stream)


def _has_plan_sheet(path: Path) -> bool:
    """Whether the file has a «Plan» sheet (a complete workbook: checked on its own); False when unreadable
    (the reader then says why)."""
    from python_calamine import CalamineWorkbook

    from mpi_dash.schema import SHEET_PLAN, normalize_header

    try:
        names = CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception:  # noqa: BLE001 - any unreadable file: the reader reports it with its own words
        return False
    return normalize_header(SHEET_PLAN) in {normalize_header(n) for n in names}


# --------------------------------------------------------------------------- store commands
# import / historial / revertir / respaldo work on the SQLite store (``--db`` or $MPI_DASH_DB, else
# instance/mpi_dash.sqlite). Only the default or $MPI_DASH_DB database is created and seeded on first use:
# an explicit ``--db`` must already exist (a typo must not create a new database).


def _store_error(exc: Exception) -> int:
    lines = getattr(exc, "lines", None)  # store.ForeignRowsRefused: one line per program
    _print(f"Error: {exc}" if lines is None else "Error: " + "\n".join(lines), sys.stderr)
    return EXIT_INVALID


def _open_store(args: argparse.Namespace) -> Store | None:
    """The store of ``--db``, which must be an existing database (else a Spanish message and None: exit 2),
    or the default one."""
    from mpi_dash.store import Store, StoreError

    if args.db is None:
        return Store()
    try:
        return Store.existing(args.db)
    except StoreError as exc:
        _print(f"Error: {exc} Revise la ruta de --db: solo se crea una base nueva en la ruta por omisión "
               "(instance/mpi_dash.sqlite) o en la de la variable MPI_DASH_DB.", sys.stderr)
        return None


def on_store(run: Callable[[argparse.Namespace, Store], int]) -> Callable[[argparse.Namespace], int]:
    """A command that works on the store: ``run(args, store)`` gets the store of ``--db``
    (:func:`_open_store`; exit 2 when ``--db`` names no database), and a ``StoreError`` raised anywhere in it
    is printed in Spanish (exit 1, :func:`_store_error`) instead of a traceback."""

    @functools.wraps(run)
    def command(args: argparse.Namespace) -> int:
        store = _open_store(args)
        if store is None:
            return EXIT_USAGE
        from mpi_dash.store import StoreError

        try:
            return run(args, store)
        except StoreError as exc:
            return _store_error(exc)

    return command


def cmd_validate(args: argparse.Namespace) -> int:
    """``validate ARCHIVO``: the upload's verdict — every problem (exit 1), conflicts (exit 3) or a summary
    of a valid file (exit 0)."""
    path = Path(args.archivo)
    missing = _missing_file(path)
    if missing is not None:
        return missing
    from mpi_dash.workbook import WorkbookError, read_workbook

    if args.db is None and args.programas is None and _has_plan_sheet(path):
        try:
            data = read_workbook(path)
        except WorkbookError as exc:
            _print_invalid(path.name, exc.problems, args.todos)
            return EXIT_INVALID
        plan = data.plan
        n_plan = 0 if plan is None else len(plan)
        years = "" if plan is None or not n_plan else _years_text(plan["anio"].unique().tolist())
        _print(
            f"Libro válido: {_plural(n_plan, 'indicador', 'indicadores')}{years}, "
            f"{_plural(len(data.avances), 'avance', 'avances')}."
        )
        if data.avisos:
            _print(f"{_plural(len(data.avisos), 'aviso', 'avisos')}:")
            print_problems(data.avisos, todos=args.todos)
        return EXIT_OK
    store = _open_store(args)
    if store is None:
        return EXIT_USAGE
    from mpi_dash.store import StoreError

    try:
        preview = store.prepare_upload(path.read_bytes(), path.name, programas=args.programas)
    except WorkbookError as exc:
        _print_invalid(path.name, exc.problems, args.todos)
        return EXIT_INVALID
    except StoreError as exc:
        return _store_error(exc)
    _print(f"El archivo «{path.name}» es válido (comparado con la revisión {preview.base_revision} guardada).")
    print_preview(preview, todos=args.todos)
    return EXIT_CONFLICT if preview.n_conflictos else EXIT_OK


def _years_text(years: list[int]) -> str:
    ordered = sorted(int(y) for y in years)
    return f" (año {ordered[0]})" if len(ordered) == 1 else f" (años {', '.join(map(str, ordered))})"


def cmd_report(args: argparse.Namespace) -> int:
    """``report``: per indicator (``schema.REPORT_FIELDS``) or per program (``programs.PROGRAM_REPORT_FIELDS``)
    for one year and quarter — from a workbook file, or (no file) from the database as the dashboard shows
    it (approved figures where they exist; ``--ultimas``: the latest ones)."""
    if args.archivo is None:
        return _report_from_store(args)
    path = Path(args.archivo)
    missing = _missing_file(path)
    if missing is not None:
        return missing
    from mpi_dash import engine, exports
    from mpi_dash.workbook import read_workbook, WorkbookError

    try:
        data = read_workbook(path)
    except WorkbookError as exc:
        errors = [p for p in exc.problems if p.nivel == "error"]
        _print(
            f"No se generó el informe: el libro «{path.name}» tiene "
            f"{_plural(len(errors), 'error', 'errores')}.",
            sys.stderr,
        )
        print_problems(errors, sys.stderr)
        return EXIT_INVALID
    plan = data.plan
    available = sorted({int(y) for y in plan["anio"].unique()}) if plan is not None else []
    if args.anio not in available:
        shown = ", ".join(map(str, available)) or "ninguno"
        _print(
            f"No se generó el informe: el libro no tiene indicadores del año {args.anio} "
            f"(años disponibles: {shown}).",
            sys.stderr,
        )
        return EXIT_INVALID
    try:
        if args.nivel == NIVEL_PROGRAMA:
            table = _program_report(plan, data.avances, args.anio, args.trimestre, data.parametros)
        else:
            table = engine.report(plan, data.avances, args.anio, args.trimestre, data.parametros)
    except ValueError as exc:
        _print(f"No se generó el informe: {exc}", sys.stderr)
        return EXIT_INVALID
    payload = exports.report_bytes(table, args.formato)
    try:
        write_output(payload, args.salida)
    except OSError as exc:
        _print(f"No se pudo escribir «{args.salida}»: {spanish_reason(exc)}.", sys.stderr)
        return EXIT_INVALID
    if data.avisos:
        _print(f"{_plural(len(data.avisos), 'aviso', 'avisos')} del libro:", sys.stderr)
        print_problems(data.avisos, sys.stderr, limit=MAX_AVISOS_IN_REPORT,
                        more=" (véalos todos con «validate»)")
    if args.salida not in (None, "-"):
        rows = _plural(len(table), *(("programa", "programas") if args.nivel == NIVEL_PROGRAMA
                                     else ("indicador", "indicadores")))
        _print(f"Informe escrito en «{args.salida}»: {rows}.", sys.stderr)
    return EXIT_OK


NIVEL_INDICADOR, NIVEL_PROGRAMA = "indicador", "programa"


@on_store
def _report_from_store(args: argparse.Namespace, store: Store) -> int:
    """``report`` without a workbook: the database (``--db`` or the default), as the dashboard shows it."""
    from mpi_dash import exports
    from mpi_dash.approved_figures import store_cut, store_report, years

    available = years(store)
    if args.anio not in available:
        shown = ", ".join(map(str, available)) or "ninguno"
        _print(f"No se generó el informe: la base de datos no tiene indicadores del año {args.anio} "
               f"(años disponibles: {shown}).", sys.stderr)
        return EXIT_INVALID
    table = store_report(store, args.anio, args.trimestre, nivel=args.nivel, ultimas=args.ultimas)
    sello = store_cut(store, args.anio, args.trimestre, ultimas=args.ultimas).stamp
    try:
        write_output(exports.report_bytes(table, args.formato), args.salida)
    except OSError as exc:
        _print(f"No se pudo escribir «{args.salida}»: {spanish_reason(exc)}.", sys.stderr)
        return EXIT_INVALID
    vista = "últimas cifras" if args.ultimas else "cifras aprobadas donde las hay"
    _print(f"Informe de la base de datos ({vista}): {sello}.", sys.stderr)
    return EXIT_OK


def _program_report(plan, avances, anio: int, trimestre: int, parametros):  # noqa: ANN001, ANN202 - DataFrames
    """One row per program (``programs.program_report``) of ``anio`` at ``trimestre``: the same cut-off frame
    and the same function as the dashboard."""
    from mpi_dash import engine, programs, summary

    plan_year = plan.loc[plan["anio"].to_numpy() == anio]
    years = avances["anio"].to_numpy()
    results = engine.compute_all(plan_year, avances.loc[(years == anio) | (years == anio - 1)], parametros)
    return programs.program_report(summary.at_cutoff(results, plan_year, anio, trimestre), parametros)


def _print_avisos(avisos: Sequence[object]) -> None:
    if not avisos:
        return
    _print(f"{_plural(len(avisos), 'aviso', 'avisos')}:")
    print_problems(avisos, limit=MAX_AVISOS_IN_REPORT)


MAX_PREVIEW_ROWS = 30  # changed cells / conflicts / semáforos printed per section without --todos


def _value(value: object) -> str:
    from mpi_dash.formatting import display_value

    return display_value(value)


def _cell_place(clave: object, anio: object, trimestre: object, campo: str) -> str:
    import pandas as pd

    from mpi_dash.formatting import quarter_label

    when = f"{quarter_label(int(trimestre))} {int(anio)}" if not pd.isna(trimestre) \
        else ("" if pd.isna(anio) else str(int(anio)))
    return " ".join(t for t in (str(clave) if clave else "", when, f"«{campo}»") if t)


def _print_section(title: str, lines: list[str], todos: bool) -> None:
    if not lines:
        return
    _print(f"{title} ({len(lines):,}):")
    shown = lines if todos else lines[:MAX_PREVIEW_ROWS]
    for line in shown:
        _print(f"  - {line}")
    if len(shown) < len(lines):
        _print(f"  … y {len(lines) - len(shown):,} más (use --todos para verlos todos).")


def print_conflicts(conflicts: Any, todos: bool = False) -> None:
    """The conflicting cells: saved value (who, when), the file's value."""
    from mpi_dash.formatting import local_datetime
    from mpi_dash.template import BASE_HEADERS

    headers = dict(zip(("clave", "anio", "trimestre", "realizado", "justificacion", "evidencia"), BASE_HEADERS))
    lines = []
    for r in conflicts.itertuples(index=False):
        author = "usted" if getattr(r, "propia", False) else r.autor
        who = (f"guardado por {author} el {local_datetime(r.fecha)}, revisión {r.revision}" if r.autor
               else "guardado")
        lines.append(f"{_cell_place(r.clave, r.anio, r.trimestre, headers.get(r.campo, r.campo))}: "
                     f"{_value(r.guardado)} ({who}) · su archivo: {_value(r.archivo)}")
    _print_section("Conflictos: la celda cambió en su archivo y también en lo guardado después de descargar la "
                   "plantilla", lines, todos)


def print_preview(preview: Any, todos: bool = False) -> None:
    """What the upload would change, as the page's preview: notices, new values, changed values
    (antes → después), conflicts, semáforo changes, avisos."""
    from mpi_dash.diff import NUEVO
    from mpi_dash.formatting import quarter_label, semaforo_label

    if preview.sin_base:
        _print("Aviso: el archivo no trae la base de una plantilla (por ejemplo, un libro completo): cada valor "
               "que difiera de lo guardado lo reemplazará.")
    elif preview.template_revision is not None and not (preview.is_empty and not preview.n_conservadas):
        _print(f"Plantilla hecha sobre la revisión {preview.template_revision}: solo se aplican las celdas que "
               "usted cambió.")
    cells = preview.changes.cells
    nuevos = [f"{_cell_place(r.clave, r.anio, r.trimestre, r.campo)}: {_value(r.despues)}"
              for r in cells.itertuples(index=False) if r.tipo == NUEVO]
    cambiados = [f"{_cell_place(r.clave, r.anio, r.trimestre, r.campo)}: {_value(r.antes)} → {_value(r.despues)}"
                 for r in cells.itertuples(index=False) if r.tipo != NUEVO]
    _print_section("Valores nuevos", nuevos, todos)
    _print_section("Valores cambiados (antes → después)", cambiados, todos)
    if preview.n_conservadas:
        kept = [f"{_cell_place(r.clave, r.anio, r.trimestre, r.campo)}: se conserva {_value(r.guardado)} "
                f"(guardado por {'usted' if r.propia else r.autor})"
                for r in preview.conservadas.itertuples(index=False)]
        _print_section("Celdas que su archivo trae como en la plantilla y que cambiaron después (se conserva lo "
                       "guardado)", kept, todos)
    if preview.n_conflictos:
        print_conflicts(preview.conflictos, todos)
    sem = [f"{r.clave} {quarter_label(int(r.trimestre))} {int(r.anio)}: "
           f"{'— (nuevo)' if r.antes is None else semaforo_label(r.antes)} → {semaforo_label(r.despues)}"
           for r in preview.changes.semaforo.itertuples(index=False)]
    _print_section("Semáforos que cambian", sem, todos)
    if not preview.is_empty:
        print_scope_and_justifications(preview, todos)
    if preview.avisos:
        _print(f"{_plural(len(preview.avisos), 'aviso', 'avisos')}:")
        print_problems(preview.avisos, todos=todos)
    if preview.n_conflictos:
        _print(f"Resultado: {_plural(preview.n_conflictos, 'conflicto', 'conflictos')} por decidir; al importar "
               "no se guardaría nada hasta resolverlos (corrija el archivo o decida en la página «Cargar "
               "avances»).")
    elif preview.is_empty:
        _print("Resultado: el archivo no cambia ningún dato guardado.")
    else:
        _print(f"Resultado: se guardarían {_plural(preview.changes.n_cells, 'celda', 'celdas')}.")


def print_scope_and_justifications(preview: Any, todos: bool = False, *, saved: bool = False) -> None:
    """The rows of other programs ignored (one line), and the indicators the upload leaves amarillo or rojo
    without a justificación (a warning: the upload is not refused for it)."""
    from mpi_dash.formatting import missing_justification_lines, missing_justification_text

    if preview.n_ignoradas:
        _print(preview.ignored_notice)
    missing = preview.sin_justificacion
    if len(missing):
        head, ask = missing_justification_text(len(missing), saved=saved)
        _print(f"Aviso: {head}:")
        lines = missing_justification_lines(missing)
        for line in lines if todos else lines[:MAX_PREVIEW_ROWS]:
            _print(f"  - {line}")
        if not todos and len(lines) > MAX_PREVIEW_ROWS:
            _print(f"  … y {len(lines) - MAX_PREVIEW_ROWS:,} más (use --todos para verlos todos).")
        _print(ask)


def cmd_import(args: argparse.Namespace) -> int:
    """``import ARCHIVO --autor --comentario``: validate and save as one revision; ``--vista-previa``: print
    what would change and save nothing; conflicting cells: nothing saved, listed, exit 3."""
    path = Path(args.archivo)
    missing = _missing_file(path)
    if missing is not None:
        return missing
    if not args.vista_previa and (args.autor is None or args.comentario is None):
        _print("Error: faltan argumentos obligatorios: --autor y --comentario (o use --vista-previa para ver "
               "los cambios sin guardar).", sys.stderr)
        return EXIT_USAGE
    store = _open_store(args)
    if store is None:
        return EXIT_USAGE
    from mpi_dash.accounts import CliActor
    from mpi_dash.store import PendingConflicts, StoreError, UploadOutcome
    from mpi_dash.workbook import WorkbookError

    try:
        if args.vista_previa:
            actor = CliActor(args.autor) if args.autor else None  # with --autor: its own earlier saves say so
            preview = store.prepare_upload(path.read_bytes(), path.name, actor=actor, programas=args.programas)
            _print(f"Vista previa de «{path.name}» (revisión {preview.base_revision}); no se guardó nada.")
            print_preview(preview, todos=args.todos)
            return EXIT_OK
        revision, preview = store.import_file(path.read_bytes(), path.name, actor=CliActor(args.autor),
                                              comment=args.comentario, programas=args.programas)
    except WorkbookError as exc:
        _print_invalid(path.name, exc.problems, args.todos, sys.stderr, verb="no se importó")
        return EXIT_INVALID
    except PendingConflicts as exc:
        _print(f"No se importó «{path.name}»: {exc}", sys.stderr)
        sys.stderr.flush()
        print_conflicts(exc.conflicts, args.todos)
        return EXIT_CONFLICT
    except StoreError as exc:
        return _store_error(exc)
    if preview.sin_base:
        _print("Aviso: el archivo no trae la base de una plantilla: cada valor que difería de lo guardado lo "
               "reemplazó.")
    if preview.n_conservadas:
        _print(preview.kept_notice)
    if preview.outcome is UploadOutcome.ONLY_OMITTED:  # never "identical" when rows were left out
        blank = ""
        n_blank = sum(1 for p in preview.avisos if p.columna == "Realizado" and not p.hallazgo)
        if n_blank:
            rows = _plural(n_blank, "fila sin «Realizado» se omitió", "filas sin «Realizado» se omitieron")
            blank = f" {rows} (una celda vacía no borra un valor guardado ni se lee como 0)."
        _print(f"El archivo «{path.name}» no cambia ningún dato guardado: no se guardó nada.{blank}")
    elif preview.outcome is UploadOutcome.IDENTICAL:
        _print(f"El archivo «{path.name}» no cambia ningún dato (es idéntico a lo guardado): "
               "no se guardó nada.")
    else:
        changes = preview.changes  # the preview actually committed (re-made if another import came first)
        cells = _plural(changes.n_cells, "celda cambiada", "celdas cambiadas")
        _print(f"Guardada la revisión {revision}: {cells}, "
               f"{_plural(len(changes.semaforo), 'cambio', 'cambios')} de semáforo.")
        print_scope_and_justifications(preview, args.todos, saved=True)
    _print_avisos(preview.avisos)
    return EXIT_OK


@on_store
def cmd_plantilla(args: argparse.Namespace, store: Store) -> int:
    """``plantilla --anio AÑO -o ARCHIVO``: the upload template of the page (with its base)."""
    from mpi_dash.template import build_template

    revision, snapshot = store.load_snapshot()
    try:
        content = build_template(snapshot, anio=args.anio, revision=revision)
    except ValueError as exc:  # the plan has no indicators of that year
        _print(f"Error: {exc}", sys.stderr)
        return EXIT_INVALID
    try:
        write_output(content, args.salida)
    except OSError as exc:
        return _store_error(Exception(f"no se pudo escribir «{args.salida}»: {spanish_reason(exc)}"))
    _print(f"Plantilla de avances {args.anio} escrita en «{args.salida}» (hecha sobre la revisión {revision}).")
    return EXIT_OK


@on_store
def cmd_historial(args: argparse.Namespace, store: Store) -> int:
    """``historial``: every revision, newest first."""
    from mpi_dash.accounts import revision_author
    from mpi_dash.formatting import local_datetime
    from mpi_dash.store import KIND_REVERT

    revisions = store.list_revisions()
    header = ("Rev.", "Fecha (hora de CDMX)", "Autor", "Archivo", "sha256", "Celdas", "Comentario")
    rows = []
    for r in revisions.itertuples():
        archivo = r.archivo or (f"(reversión a la {r.revierte_a})" if r.tipo == KIND_REVERT else "—")
        rows.append((str(r.numero), local_datetime(r.fecha), revision_author(r.autor, r.usuario, r.origen),
                     archivo, (r.sha256 or "—")[:12], f"{r.celdas_cambiadas:,}", r.comentario))
    print_table(header, rows)
    return EXIT_OK


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns aligned with two spaces; the last column is not padded (it may be long)."""
    table = [tuple(header), *[tuple(str(c) for c in r) for r in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    for row in table:
        _print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])


@on_store
def cmd_revertir(args: argparse.Namespace, store: Store) -> int:
    """``revertir N --autor --motivo``: a new revision whose data equal revision N."""
    from mpi_dash.accounts import CliActor

    revision = store.revert(args.revision, actor=CliActor(args.autor), reason=args.motivo)
    cells = store.revision_info(revision)["celdas_cambiadas"]
    _print(f"Guardada la revisión {revision}: los datos vuelven a ser los de la revisión {args.revision} "
           f"({_plural(cells, 'celda cambiada', 'celdas cambiadas')}). No se borró ninguna revisión.")
    return EXIT_OK


@on_store
def cmd_respaldo(args: argparse.Namespace, store: Store) -> int:
    """``respaldo DESTINO``: online copy of the database (SQLite backup API); never creates the database."""
    try:
        target = store.backup(args.destino)
    except OSError as exc:
        return _store_error(Exception(f"no se pudo escribir el respaldo: {spanish_reason(exc)}"))
    _print(f"Respaldo escrito en «{target}» (verificación de integridad: correcta).")
    return EXIT_OK


FORMATO_PDF, FORMATO_PPTX = "pdf", "pptx"


def presented_figures(store: Store | None, anio: int, trimestre: int
                      ) -> tuple[list | None, str, dict[str, str] | None]:
    """What ``informe`` presents of a cut-off: the cut frames from Marzo to it, the approval stamp and the
    signature names — from the store as the dashboard shows them (``approved_figures.store_series``:
    approved programs from the revision their approval pinned, so the files read like Resumen).  A workbook
    has no approval record: the latest data (None: computed by the builder), «Cifras preliminares» and blank
    signature lines."""
    from mpi_dash import config
    from mpi_dash.informe import STAMP_PRELIMINARY

    if store is None and config.read_only_workbook():
        return None, STAMP_PRELIMINARY, None
    from mpi_dash.approved_figures import store_series
    from mpi_dash.store import Store

    series = store_series(store or Store(), anio, trimestre)
    return [found.cut for found in series], series[-1].stamp, series[-1].firmas


def _build_document(formato: str, dataset: object, anio: int, trimestre: int, store: Store | None) -> bytes:
    cuts, stamp, firmas = presented_figures(store, anio, trimestre)
    if formato == FORMATO_PPTX:
        from mpi_dash.deck import build_deck  # lazily: the deck module and python-pptx are only needed here

        return build_deck(dataset, anio, trimestre, stamp=stamp, cuts=cuts)
    from mpi_dash.informe import build_informe

    return build_informe(dataset, anio, trimestre, stamp=stamp, firmas=firmas, cuts=cuts)


def cmd_informe(args: argparse.Namespace) -> int:
    """``informe``: the quarterly report (PDF) or deck (PPTX) of the current data, written atomically (a
    failure never leaves a file behind, empty or partial)."""
    store = _open_store(args) if args.db is not None else None
    if args.db is not None and store is None:
        return EXIT_USAGE
    from mpi_dash.data_access import load_dataset
    from mpi_dash.errors import SinDatosDelCorte, StoreError
    from mpi_dash.formatting import cutoff_label
    from mpi_dash.workbook import WorkbookError

    what = "la presentación" if args.formato == FORMATO_PPTX else "el informe"
    try:
        dataset = load_dataset(store)
    except WorkbookError as exc:
        errors = [p for p in exc.problems if p.nivel == "error"]
        _print(f"No se generó {what}: los datos no son válidos ({_plural(len(errors), 'error', 'errores')}).",
               sys.stderr)
        print_problems(errors, sys.stderr, limit=MAX_AVISOS_IN_REPORT)
        return EXIT_INVALID
    except StoreError as exc:
        return _store_error(exc)
    try:
        payload = _build_document(args.formato, dataset, args.anio, args.trimestre, store)
    except SinDatosDelCorte as exc:
        _print(f"Error: {exc}", sys.stderr)
        return EXIT_INVALID
    except ModuleNotFoundError as exc:
        if args.formato != FORMATO_PPTX or exc.name not in ("mpi_dash.deck", "pptx"):
            raise
        _print("No se generó la presentación: el formato pptx no está disponible en esta instalación (falta el "
               f"módulo «{exc.name}»). Use --formato pdf o actualice el tablero. No se escribió ningún archivo.",
               sys.stderr)
        return EXIT_INVALID
    try:
        write_output(payload, args.salida)
    except OSError as exc:
        _print(f"No se pudo escribir «{args.salida}»: {spanish_reason(exc)}. No se escribió ningún archivo.",
               sys.stderr)
        return EXIT_INVALID
    if args.salida != "-":
        kind = "Presentación (PPTX)" if args.formato == FORMATO_PPTX else "Informe trimestral (PDF)"
        _print(f"{kind} del {cutoff_label(args.anio, args.trimestre)} escrito en «{args.salida}» "
               f"({max(1, round(len(payload) / 1024)):,} KB).")
    return EXIT_OK


def _add_informe(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "informe", help="informe trimestral en PDF o presentación en PPTX de un corte",
        description="Genera el «Informe trimestral» (PDF tamaño carta: portada con el sello, resumen "
        "ejecutivo, una sección por programa con su tabla de indicadores y su tendencia, excepciones, nota "
        "metodológica y firmas) o la presentación para la Junta de Gobierno (PPTX), con los datos actuales "
        "del tablero. Código de salida: 0 escrito, 1 sin datos para ese corte o datos inválidos (no se "
        "escribe ningún archivo), 2 error de uso.")
    parser.add_argument("--anio", type=_year, required=True, metavar="AÑO", help="año, por ejemplo 2023")
    parser.add_argument("--trimestre", type=_quarter, required=True, metavar="T",
                        help="1–4, T1–T4 o Marzo, Junio, Septiembre, Diciembre")
    parser.add_argument("--formato", choices=(FORMATO_PDF, FORMATO_PPTX), required=True,
                        help="pdf (informe) o pptx (presentación)")
    parser.add_argument("-o", "--salida", metavar="ARCHIVO", required=True, help="archivo que se escribe")
    _db_option(parser)
    parser.set_defaults(func=cmd_informe)


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="RUTA", default=None,
                        help="base de datos SQLite existente (por omisión $MPI_DASH_DB o "
                        "instance/mpi_dash.sqlite, que se crean solas la primera vez)")


def _text(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("no puede estar vacío")
    return text.strip()


def whole_number_type(noun: str, below_one: str) -> Callable[[str], int]:
    """An argparse type: a whole number ≥ 1, else «x» no es {noun} / «x» {below_one} (Spanish)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"«{text}» no es {noun}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"«{text}» {below_one}")
        return value

    return parse


_revision_number = whole_number_type("un número de revisión", "no es un número de revisión (empiezan en 1)")


def _add_import(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import", help="valida un archivo de avances y lo guarda como una revisión",
        description="Valida el archivo con las mismas reglas que la página «Cargar avances» y, si es "
        "válido, lo guarda como una nueva revisión (actualiza por Clave, Año y Trimestre; las filas "
        "que no vienen se conservan). Una plantilla se combina celda por celda con lo guardado: solo se "
        "aplican las celdas que usted cambió, y una celda que cambió también en lo guardado después de "
        "descargar la plantilla es un conflicto: no se guarda nada y se lista. Código de salida: 0 guardado, "
        "sin cambios o vista previa, 1 archivo inválido (no se guarda nada), 2 error de uso, 3 conflictos "
        "(no se guarda nada).")
    parser.add_argument("archivo", metavar="ARCHIVO", help="ruta del libro .xlsx")
    parser.add_argument("--autor", type=_text, default=None, metavar="NOMBRE",
                        help="quién carga (obligatorio salvo con --vista-previa)")
    parser.add_argument("--comentario", type=_text, default=None, metavar="TEXTO",
                        help="qué se carga y por qué (obligatorio salvo con --vista-previa)")
    parser.add_argument("--vista-previa", action="store_true",
                        help="muestra qué cambiaría (valores nuevos, cambiados, conflictos, semáforos, avisos) "
                        "sin guardar nada")
    _programas_option(parser)
    _todos_option(parser)
    _db_option(parser)
    parser.set_defaults(func=cmd_import)


def _programas(text: str) -> tuple[str, ...]:
    from mpi_dash.accounts import parse_programas

    programas = parse_programas(text)
    if not programas:
        raise argparse.ArgumentTypeError("se esperaba al menos un número de programa (por ejemplo 3 o 3,5)")
    return programas


def _programas_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--programas", type=_programas, default=None, metavar="N[,N…]",
                        help="limita la carga a esos programas, como la de una cuenta de coordinación: las filas "
                        "de otros programas que no cambian nada se ignoran; si alguna cambiaría algo, no se "
                        "guarda nada (por ejemplo --programas 3)")


def _todos_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--todos", action="store_true",
                        help="lista cada problema y cada cambio (por omisión se agrupan los del mismo tipo y "
                        "columna y se muestran los primeros)")


def _add_plantilla(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plantilla", help="escribe la plantilla de avances de un año (la misma de la página)",
        description="Escribe la plantilla de avances del año (la misma que se descarga en «Cargar avances»): "
        "claves bloqueadas, los valores ya guardados y la revisión de la que se hizo, para que al subirla "
        "solo se apliquen las celdas que usted cambie.")
    parser.add_argument("--anio", type=_year, required=True, metavar="AÑO", help="año, por ejemplo 2023")
    parser.add_argument("-o", "--salida", required=True, metavar="ARCHIVO", help="archivo .xlsx a escribir")
    _db_option(parser)
    parser.set_defaults(func=cmd_plantilla)


def _add_historial(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("historial", help="lista las revisiones guardadas",
                                   description="Lista todas las revisiones, de la más reciente a la primera.")
    _db_option(parser)
    parser.set_defaults(func=cmd_historial)


def _add_revertir(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "revertir", help="vuelve a los datos de una revisión (como revisión nueva)",
        description="Crea una revisión nueva cuyos datos son los de la revisión N. No se borra nada.")
    parser.add_argument("revision", type=_revision_number, metavar="N", help="número de revisión")
    parser.add_argument("--autor", type=_text, required=True, metavar="NOMBRE", help="quién revierte")
    parser.add_argument("--motivo", type=_text, required=True, metavar="TEXTO", help="por qué se revierte")
    _db_option(parser)
    parser.set_defaults(func=cmd_revertir)


def _add_respaldo(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "respaldo", help="copia de seguridad de la base de datos",
        description="Copia la base de datos en línea (API de respaldo de SQLite) a DESTINO: un archivo "
        "nuevo, o una carpeta donde se crea un archivo con fecha y hora. Nunca sobrescribe.")
    parser.add_argument("destino", metavar="DESTINO", help="archivo nuevo o carpeta")
    _db_option(parser)
    parser.set_defaults(func=cmd_respaldo)


# --------------------------------------------------------------------------- parser


def _add_validate(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="valida un libro .xlsx y lista todos sus problemas",
        description="Da el mismo veredicto que la carga del archivo: un libro completo (con hoja Plan) se "
        "valida solo; una plantilla o cualquier archivo de avances se valida contra el plan guardado (no se "
        "guarda nada). Los problemas del mismo tipo y columna se agrupan en una línea con el número de filas "
        "(--todos los lista uno por uno). Código de salida: 0 válido, 1 con errores, 2 error de uso o "
        "archivo inexistente, 3 la carga se detendría por conflictos.",
    )
    parser.add_argument("archivo", metavar="ARCHIVO", help="ruta del libro .xlsx")
    _programas_option(parser)
    _todos_option(parser)
    _db_option(parser)
    parser.set_defaults(func=cmd_validate)


def _add_report(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="informe de un año y trimestre (json, csv o xlsx)",
        description="Calcula los indicadores de un año y trimestre. Con --nivel indicador (por omisión): "
        "una fila por indicador con los campos clave, anio, trimestre, tipo_calculo, realizado_trimestre, "
        "realizado_acumulado, meta, programado_acumulado, valor_indicador, esperado_pct, cumplimiento_pct, "
        "semaforo, linea_base_acumulada, variacion_linea_base_pct y justificacion. Con --nivel programa: "
        "una fila por programa con los campos programa, nombre, anio, trimestre, avance_pct (vacío si al "
        "corte no se esperaba nada), esperado_pct, semaforo (también pendiente y sin_dato), "
        "direccion_desvio (sobre, bajo o vacío), completo (true/false: ningún indicador con meta o hito sin "
        "dato), n_indicadores, n_medibles (indicadores con meta anual o hito, los que entran al avance), "
        "n_con_dato (de ellos, los que tienen dato al corte), faltantes (claves de los que no lo tienen: "
        "n_con_dato más las claves de faltantes suman n_medibles), informativos_sin_reporte (claves de los "
        "indicadores informativos sin reporte al corte; no hacen incompleto al programa), estado (en_captura, "
        "enviada, aprobada o reabierta), "
        "aprobado_por y aprobado_en (dd/mm/aaaa) — las mismas cifras que el tablero. Sin ARCHIVO se lee la "
        "base de datos (--db o la de siempre): cifras aprobadas donde las hay, o las últimas con --ultimas.",
    )
    parser.add_argument("archivo", metavar="ARCHIVO", nargs="?", default=None,
                        help="ruta del libro .xlsx; sin él, se lee la base de datos (como el tablero)")
    parser.add_argument("--anio", type=_year, required=True, metavar="AÑO", help="año, por ejemplo 2023")
    parser.add_argument(
        "--trimestre",
        type=_quarter,
        required=True,
        metavar="TRIMESTRE",
        help="1–4, T1–T4 o Marzo, Junio, Septiembre, Diciembre",
    )
    parser.add_argument(
        "--nivel",
        choices=(NIVEL_INDICADOR, NIVEL_PROGRAMA),
        default=NIVEL_INDICADOR,
        help="una fila por indicador (por omisión) o por programa",
    )
    parser.add_argument(
        "--formato",
        choices=("json", "csv", "xlsx"),
        default="json",
        help="formato de salida (json por omisión; xlsx requiere -o)",
    )
    parser.add_argument(
        "-o",
        "--salida",
        metavar="SALIDA",
        default=None,
        help="archivo de salida (por omisión, la salida estándar)",
    )
    _db_option(parser)
    parser.add_argument("--ultimas", action="store_true",
                        help="sin ARCHIVO: las últimas cifras aunque haya cifras aprobadas del corte")
    parser.set_defaults(func=cmd_report, check=_check_report)


def _check_report(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.archivo is not None and (args.db is not None or args.ultimas):
        parser.error("--db y --ultimas son para leer la base de datos: no se usan junto con un ARCHIVO")
    if args.formato == "xlsx" and args.salida in (None, "-"):
        parser.error("el formato xlsx requiere un archivo de salida: use -o ARCHIVO.xlsx")


def build_parser() -> SpanishArgumentParser:
    """The ``python -m mpi_dash`` parser with one subcommand per ``_add_*`` function."""
    parser = SpanishArgumentParser(
        prog="python -m mpi_dash",
        description="Herramientas de línea de comandos del tablero del MPI CDMX.",
    )
    subparsers = parser.add_subparsers(
        title="comandos", dest="comando", metavar="COMANDO", parser_class=SpanishArgumentParser
    )
    subparsers.required = True
    from mpi_dash.cli_aprobaciones import add_aprobaciones
    from mpi_dash.cli_ilustrativos import add_ilustrativos
    from mpi_dash.cli_usuarios import add_usuarios

    for add in (_add_validate, _add_report, _add_plantilla, _add_import, _add_historial, _add_revertir,
                _add_respaldo, add_usuarios, add_aprobaciones, _add_informe, add_ilustrativos):
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 invalid data, 2 usage, 3 conflicts)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        check: Callable[[argparse.ArgumentParser, argparse.Namespace], None] | None = getattr(
            args, "check", None
        )
        if check is not None:
            check(_subparser(parser, args.comando), args)
    except SystemExit as exc:  # argparse: --help (0) or usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.func(args))
    except BrokenPipeError:  # e.g. `… | head`: not an error for the user
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's flush
        except OSError:
            pass
        return EXIT_OK
    except KeyboardInterrupt:
        _print("Interrumpido.", sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user
        if os.environ.get("MPI_DASH_DEBUG"):
            raise
        _print(f"Error inesperado ({type(exc).__name__}): {exc}", sys.stderr)
        return EXIT_INVALID


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[name]
    return parser
