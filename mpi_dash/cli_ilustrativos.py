"""``python -m mpi_dash ilustrativos [quitar]`` — the bundled sample values («datos ilustrativos»).

* ``ilustrativos`` — where sample values remain (per program and year), or that none remain.
* ``ilustrativos quitar --autor NOMBRE [--comentario TEXTO] [--si]`` — remove every remaining sample value
  as one new revision (``Store.clear_samples``: those indicators are «sin dato» until their coordinators
  upload; it can be reverted like any revision).  Asks for confirmation at a terminal; without one (a
  script), ``--si`` is required.

The command line is administrative (``accounts.CliActor`` named by ``--autor``).  Exit codes: 0 done (or
nothing to list), 1 refused (no sample value left, approved figures…; nothing saved), 2 usage error or not
confirmed.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from mpi_dash.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, _db_option, _print, _text, on_store

if TYPE_CHECKING:
    from mpi_dash.store import Store

CONFIRM_WORDS = ("si", "sí")


def _of_programs(programas: tuple[str, ...]) -> str:
    """«del programa 3» / «de los programas 1, 2 y 6»."""
    from mpi_dash.formatting import join_words

    return f"del programa {programas[0]}" if len(programas) == 1 else f"de los programas {join_words(list(programas))}"


def _where(store: Store) -> tuple[int, list[str], tuple[str, ...], int]:
    from mpi_dash.data_access import programs_with_samples, sample_lines

    revision, rows = store.sample_rows()
    keys = zip(rows["clave"], rows["anio"], rows["trimestre"])
    return revision, sample_lines(rows), programs_with_samples(keys), len(rows)


@on_store
def cmd_ilustrativos(args: argparse.Namespace, store: Store) -> int:
    """``ilustrativos``: where bundled sample values remain."""
    from mpi_dash.data_access import illustrative_notice

    revision, lines, programas, n = _where(store)
    if not n:
        _print(f"No quedan datos ilustrativos (revisión {revision}): todos los avances guardados son cifras "
               "cargadas.")
        return EXIT_OK
    _print(f"{illustrative_notice(programas)} (revisión {revision}): {n:,} "
           f"{'valor de ejemplo' if n == 1 else 'valores de ejemplo'} del libro incluido.")
    for line in lines:
        _print(f"  {line}")
    _print("Cada carga reemplaza los valores que cambia. Para quitar todos los que quedan: "
           "python -m mpi_dash ilustrativos quitar --autor NOMBRE")
    return EXIT_OK


@on_store
def cmd_quitar(args: argparse.Namespace, store: Store) -> int:
    """``ilustrativos quitar``: remove every remaining sample value, after a confirmation."""
    from mpi_dash.accounts import CliActor
    from mpi_dash.store import CLEAR_SAMPLES_COMMENT

    revision, lines, programas, n = _where(store)
    if not n:
        _print(f"No quedan datos ilustrativos (revisión {revision}): no hay nada que quitar.")
        return EXIT_INVALID
    what = f"{n:,} {'valor de ejemplo' if n == 1 else 'valores de ejemplo'} {_of_programs(programas)}"
    if not args.si:
        if not sys.stdin.isatty():
            _print(f"No se quitó nada: para quitar {what} confirme con --si.", sys.stderr)
            return EXIT_USAGE
        _print(f"Se quitarán {what}:")
        for line in lines:
            _print(f"  {line}")
        _print("Esos indicadores quedarán sin dato hasta que se carguen sus avances (se puede revertir).")
        try:
            answer = input("Escriba «sí» para confirmar: ")
        except EOFError:
            answer = ""
        if answer.strip().casefold() not in CONFIRM_WORDS:
            _print("No se quitó nada.")
            return EXIT_USAGE
    new, removed = store.clear_samples(actor=CliActor(args.autor), comment=args.comentario or CLEAR_SAMPLES_COMMENT)
    _print(f"Guardada la revisión {new}: se quitaron {removed:,} "
           f"{'valor de ejemplo' if removed == 1 else 'valores de ejemplo'} {_of_programs(programas)}; esos "
           f"indicadores quedan sin dato hasta que se carguen sus avances. Para deshacerlo: python -m mpi_dash "
           f"revertir {revision} --autor NOMBRE --motivo TEXTO")
    return EXIT_OK


def add_ilustrativos(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ilustrativos", help="dónde quedan datos ilustrativos (valores de ejemplo); «quitar» los quita",
        description="Sin más argumentos, lista por programa y año los avances que aún son valores de ejemplo "
        "del libro incluido (el aviso «Datos ilustrativos» del tablero los nombra). Con «quitar», los quita "
        "todos en una revisión nueva. Cada carga de avances reemplaza los valores que cambia.")
    _db_option(parser)
    parser.set_defaults(func=cmd_ilustrativos)
    actions = parser.add_subparsers(title="acciones", dest="accion", metavar="ACCIÓN",
                                    parser_class=type(parser))
    quitar = actions.add_parser(
        "quitar", help="quita todos los valores de ejemplo que quedan (revisión nueva, se puede revertir)",
        description="Quita todos los avances que aún son valores de ejemplo, en una revisión nueva a nombre de "
        "--autor: esos indicadores quedan sin dato hasta que se carguen sus avances. Pide confirmación; sin "
        "terminal (un script), use --si. Código de salida: 0 hecho, 1 rechazado (nada se guardó), 2 error de "
        "uso o sin confirmar.")
    quitar.add_argument("--autor", type=_text, required=True, metavar="NOMBRE",
                        help="quién los quita (queda en el historial)")
    quitar.add_argument("--comentario", type=_text, default=None, metavar="TEXTO",
                        help="comentario de la revisión (por omisión: «Se quitan los datos ilustrativos…»)")
    quitar.add_argument("--si", action="store_true", help="confirma sin preguntar")
    # (--db is accepted before or after «quitar»; SUPPRESS keeps a --db given before it)
    quitar.add_argument("--db", metavar="RUTA", default=argparse.SUPPRESS,
                        help="base de datos SQLite existente (como en «ilustrativos»)")
    quitar.set_defaults(func=cmd_quitar)
