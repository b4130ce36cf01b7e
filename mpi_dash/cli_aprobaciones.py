"""``python -m mpi_dash aprobar | reabrir | aprobaciones`` — quarter approvals from the command line.

* ``aprobar --anio A --trimestre T [--programa N] --autor NOMBRE [--motivo TEXTO]`` — approve the
  program-quarter (without ``--programa``: every program of the year not approved yet), pinning the latest
  revision.  Lists the indicators without data at the cut-off and those in amarillo or rojo without a
  justificación (approving them is allowed).
* ``reabrir --anio A --trimestre T [--programa N] --autor NOMBRE --motivo TEXTO`` — reopen (lifts the lock).
* ``aprobaciones [--anio A]`` — every approval event, oldest first.

The command line is administrative (``accounts.CliActor`` named by ``--autor``).  Exit codes: 0 done,
1 refused (approving twice, reopening something not approved, unknown program…; nothing saved),
2 usage error.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mpi_dash.cli import EXIT_OK, _db_option, _print, _quarter, _text, _year, on_store, print_table

if TYPE_CHECKING:
    from mpi_dash.store import Store


def _programas(args: argparse.Namespace) -> list[str] | None:
    return None if args.programa is None else [str(p).strip() for p in args.programa]


def _done_line(verb: str, transition) -> str:  # noqa: ANN001 - approval_store.Transition
    from mpi_dash.approvals import join_words
    from mpi_dash.formatting import quarter_label

    which = ("el programa " if len(transition.programas) == 1 else "los programas ") + join_words(
        list(transition.programas))
    line = (f"{verb} {which} en {quarter_label(transition.trimestre)} {transition.anio} "
            f"(datos de la revisión {transition.revision}).")
    if transition.sin_cambio:
        line += f" Sin cambio (ya lo estaban): {join_words(list(transition.sin_cambio))}."
    return line


@on_store
def cmd_aprobar(args: argparse.Namespace, store: Store) -> int:
    from mpi_dash import approvals
    from mpi_dash.accounts import CliActor
    from mpi_dash.approved_figures import store_cut
    from mpi_dash.summary import missing_justifications

    done = store.approve(args.anio, args.trimestre, _programas(args), actor=CliActor(args.autor),
                         motivo=args.motivo)
    cut = store_cut(store, args.anio, args.trimestre).cut
    _print(_done_line("Aprobado" if len(done.programas) == 1 else "Aprobados", done))
    sin_dato = approvals.without_data(cut, done.programas)
    if len(sin_dato):
        _print(f"Aviso: se aprobaron {len(sin_dato):,} indicador(es) sin dato al corte: "
               f"{', '.join(sin_dato['clave'].astype(str))}.")
    sin_justificacion = missing_justifications(cut)
    sin_justificacion = sin_justificacion.loc[sin_justificacion["programa_num"].astype(str).isin(done.programas)]
    if len(sin_justificacion):
        _print(f"Aviso: se aprobaron {len(sin_justificacion):,} indicador(es) en amarillo o rojo sin justificación: "
               f"{', '.join(sin_justificacion['clave'].astype(str))}.")
    return EXIT_OK


@on_store
def cmd_reabrir(args: argparse.Namespace, store: Store) -> int:
    from mpi_dash.accounts import CliActor

    done = store.reopen(args.anio, args.trimestre, _programas(args), actor=CliActor(args.autor),
                        motivo=args.motivo)
    _print(_done_line("Reabierto" if len(done.programas) == 1 else "Reabiertos", done)
           + " Ya se pueden cargar cambios a esas cifras.")
    return EXIT_OK


@on_store
def cmd_aprobaciones(args: argparse.Namespace, store: Store) -> int:
    from mpi_dash.approvals import ESTADO_LABELS, Estado
    from mpi_dash.formatting import local_datetime, quarter_label

    events = store.approval_events(args.anio)
    if events.empty:
        _print("No hay aprobaciones registradas" + (f" de {args.anio}." if args.anio else "."))
        return EXIT_OK
    header = ("Fecha (hora de CDMX)", "Año", "Trimestre", "Programa", "Estado", "Persona", "Rev.", "Motivo")
    rows = [(local_datetime(e.fecha), str(e.anio), quarter_label(e.trimestre), str(e.programa),
             ESTADO_LABELS[Estado(e.estado)], str(e.autor), str(e.revision), e.motivo or "—")
            for e in events.itertuples(index=False)]
    print_table(header, rows)
    return EXIT_OK


def _common(parser: argparse.ArgumentParser, *, motivo_required: bool) -> None:
    parser.add_argument("--anio", type=_year, required=True, metavar="AÑO", help="año, por ejemplo 2023")
    parser.add_argument("--trimestre", type=_quarter, required=True, metavar="TRIMESTRE",
                        help="1–4, T1–T4 o Marzo, Junio, Septiembre, Diciembre")
    parser.add_argument("--programa", action="append", metavar="N", default=None,
                        help="número de programa (puede repetirse); sin él, todos los programas del año")
    parser.add_argument("--autor", type=_text, required=True, metavar="NOMBRE",
                        help="nombre de quien aprueba o reabre (queda en el historial)")
    parser.add_argument("--motivo", type=_text, required=motivo_required, metavar="TEXTO",
                        help="motivo (obligatorio al reabrir)" if motivo_required else "comentario opcional")
    _db_option(parser)


def add_aprobaciones(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "aprobar", help="aprueba las cifras de un trimestre (por programa) y las bloquea",
        description="Aprueba las cifras de un año y trimestre (un programa con --programa, o todos los "
        "programas del año que no estén aprobados). Las cifras aprobadas son las de la revisión vigente; "
        "mientras estén aprobadas, ninguna carga ni reversión puede cambiarlas ni cambiar los datos con que se "
        "calculan (los trimestres anteriores del año, el año anterior de la línea base, el plan y los "
        "umbrales). Código de salida: 0 "
        "aprobado, 1 rechazado (nada se guardó), 2 error de uso.")
    _common(parser, motivo_required=False)
    parser.set_defaults(func=cmd_aprobar)
    parser = subparsers.add_parser(
        "reabrir", help="reabre un trimestre aprobado (con motivo) para poder corregirlo",
        description="Reabre las cifras aprobadas de un año y trimestre (un programa con --programa, o "
        "todos); el motivo es obligatorio y queda en el historial. Código de salida: 0 reabierto, "
        "1 rechazado (nada se guardó), 2 error de uso.")
    _common(parser, motivo_required=True)
    parser.set_defaults(func=cmd_reabrir)
    parser = subparsers.add_parser(
        "aprobaciones", help="lista las aprobaciones, envíos a revisión y reaperturas",
        description="Lista cada cambio de estado de aprobación (fecha, año, trimestre, programa, estado, "
        "persona, revisión y motivo), del más antiguo al más reciente.")
    parser.add_argument("--anio", type=_year, metavar="AÑO", default=None, help="solo un año")
    _db_option(parser)
    parser.set_defaults(func=cmd_aprobaciones)


__all__ = ["add_aprobaciones"]
