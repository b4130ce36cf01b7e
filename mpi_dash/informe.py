"""The «Informe trimestral» as a letter-size PDF: :func:`build_informe` (issue 12).

Contents: portada with the stamp («Cifras preliminares» until the cut is approved), resumen ejecutivo (every
program: status, avance vs esperado, completeness), one section per program (status, its trend over the
year's cuts as a vector chart, the table of its indicators — meta, programado, realizado, cumplimiento,
semáforo as icon + word, justificación, evidencia), the exceptions, a methodology note and the signature
block (Elaboró / Revisó / Aprobó); header with the cut-off, footer with the stamp and «p. 3 de 12»; the
illustrative-data notice on the portada and on every page when the data are illustrative.

Every figure comes from the functions the dashboard uses (``summary.at_cutoff``, ``programs.program_figures``
and ``stack_trend``, ``summary.iptt_table``, ``summary.exceptions``) and every word from ``formatting``:
the PDF says what the screen says.  Missing is never 0 («—» and «Sin dato: falta el reporte de …»),
not-yet-due is never failed («Pendiente (vence en …)»).

Engine: Typst (the ``typst`` wheel: fonts embedded, no system packages, nothing fetched), chosen by
measurement — docs/dev/informe_pdf.md.  The layout is ``informe.typ``; :func:`informe_data` builds the
JSON it reads (``sys.inputs``).  Texts from the workbook reach Typst only as JSON strings, which Typst
prints as plain text — never parsed as markup — so nothing needs escaping and nothing can be injected.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mpi_dash import engine, programs, summary
from mpi_dash.data_access import Dataset
from mpi_dash.errors import SinDatosDelCorte
from mpi_dash.formatting import (
    EMPTY,
    NO_EXCEPTIONS_TEXT,
    QUARTER_MONTHS,
    SEMAFORO_COLORS,
    SEMAFORO_WORDS,
    cutoff_label,
    exception_lines,
    format_number,
    format_percent,
    indicator_status,
    is_empty,
    local_datetime,
    program_missing_lines,
    program_status_label,
    single_spaces,
)
from mpi_dash.schema import Semaforo
from mpi_dash.semaforo import Thresholds

TEMPLATE = Path(__file__).with_name("informe.typ")
INSTITUTION = ("Mecanismo de Protección Integral de Personas Defensoras de Derechos Humanos y Periodistas de la "
               "Ciudad de México")
STAMP_PRELIMINARY = "Cifras preliminares"
SIGNATURE_ROLES: tuple[str, ...] = ("Elaboró", "Revisó", "Aprobó")
ILLUSTRATIVE_NOTICE = "Datos ilustrativos: no son cifras oficiales del MPI CDMX."
TABLE_HEADERS: tuple[str, ...] = ("Indicador", "Meta anual", "Programado al corte", "Realizado al corte",
                                  "Cumplimiento", "Semáforo", "Justificación", "Evidencia")
SUMMARY_HEADERS: tuple[str, ...] = ("Programa", "Estado", "Avance", "Esperado", "Indicadores con dato")
GRADED = (Semaforo.VERDE.value, Semaforo.AMARILLO.value, Semaforo.ROJO.value)


def build_informe(dataset: Dataset, anio: int, trimestre: int, *, stamp: str = STAMP_PRELIMINARY,
                  firmas: Mapping[str, str] | None = None, cuts: Sequence[pd.DataFrame] | None = None) -> bytes:
    """The PDF of the cut-off ``anio``/``trimestre`` (bytes).

    ``stamp``: the approval stamp printed on the portada and in every footer («Cifras aprobadas por … el
    dd/mm/aaaa» / «Cifras preliminares»).  ``firmas``: names under Elaboró / Revisó / Aprobó (missing roles
    leave the line blank, role printed).  ``cuts``: the cut frames to report (see :func:`cut_frames`).
    Raises :class:`mpi_dash.errors.SinDatosDelCorte` when the plan has no indicator of ``anio`` and
    ``ValueError`` for a quarter outside 1–4.
    """
    return compile_pdf(informe_data(dataset, anio, trimestre, stamp=stamp, firmas=firmas, cuts=cuts))


def compile_pdf(data: Mapping[str, Any]) -> bytes:
    """Typst → PDF of :func:`informe_data`'s dictionary (embedded fonts only, tagged PDF)."""
    import typst

    compiler = typst.Compiler(TEMPLATE.read_bytes(), ignore_system_fonts=True,
                              sys_inputs={"data": json.dumps(data, ensure_ascii=False)})
    return compiler.compile(format="pdf", timestamp=_now())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


# --------------------------------------------------------------------------- the data the template writes


def cut_frames(dataset: Dataset, anio: int, trimestre: int,
               cuts: Sequence[pd.DataFrame] | None = None) -> list[pd.DataFrame]:
    """``summary.at_cutoff`` of every cut from Marzo to ``trimestre`` of ``anio`` (the last one is the cut);
    :class:`SinDatosDelCorte` when the plan has no indicator of that year.  ``cuts``: those frames as they
    are to be reported — the dashboard and the command line pass the approved figures (approved programs
    from the revision their approval pinned) so the informe reads like Resumen; without them, the latest
    data."""
    if int(trimestre) not in QUARTER_MONTHS:
        raise ValueError(f"Trimestre inválido: {trimestre!r}; se esperaba 1, 2, 3 o 4.")
    plan = dataset.plan
    plan_year = plan.loc[plan["anio"].to_numpy() == int(anio)]
    if plan_year.empty:
        years = ", ".join(str(y) for y in summary.available_years(plan)) or "ninguno"
        raise SinDatosDelCorte(f"No hay datos del corte: el plan no tiene indicadores del año {int(anio)} "
                               f"(años del plan: {years}). No se generó el informe.")
    if cuts is not None:
        if len(cuts) != int(trimestre):
            raise ValueError(f"Se esperaban {int(trimestre)} cortes (de Marzo al corte) y llegaron {len(cuts)}.")
        return list(cuts)
    avances = dataset.avances
    years = avances["anio"].to_numpy()
    results = engine.compute_all(plan_year, avances.loc[(years == anio) | (years == anio - 1)], dataset.parametros)
    return [summary.at_cutoff(results, plan_year, int(anio), k) for k in range(1, int(trimestre) + 1)]


def informe_data(dataset: Dataset, anio: int, trimestre: int, *, stamp: str = STAMP_PRELIMINARY,
                 firmas: Mapping[str, str] | None = None, generado: dt.datetime | None = None,
                 cuts: Sequence[pd.DataFrame] | None = None) -> dict[str, Any]:
    """Every text of the informe (JSON-able, plain strings): what :data:`TEMPLATE` lays out."""
    cuts = cut_frames(dataset, anio, trimestre, cuts)
    cut = cuts[-1]
    per_cut = [programs.program_figures(c, dataset.parametros) for c in cuts]
    figures, trend = per_cut[-1], programs.stack_trend(per_cut)
    iptt = summary.iptt_table(cut)
    corte = cutoff_label(anio, trimestre)
    stamp = _plain(stamp) or STAMP_PRELIMINARY
    month = QUARTER_MONTHS[int(trimestre)]
    titulo = f"Informe de avance del Plan Anual de Trabajo {int(anio)}"
    rows_of = _split(iptt, "programa_num")
    trend_of = _split(trend, "programa")
    program_rows = [_program(row, rows_of.get(str(row["programa"]), iptt.iloc[:0]),
                             trend_of.get(str(row["programa"]), trend.iloc[:0]), int(trimestre))
                    for row in figures.to_dict("records")]
    notes = [f"Cifras al {corte}.", _plain(dataset.origen),
             f"Generado el {local_datetime(generado or _now())} (hora de la Ciudad de México)."]
    return {
        "institucion": INSTITUTION,
        "titulo": titulo,
        "subtitulo": f"Informe trimestral · corte a {month} {int(anio)}",
        "corte": f"Cifras al {corte}",
        "encabezado": f"{titulo} · MPI CDMX",
        "pie": stamp,
        "sello": stamp,
        "ilustrativo": bool(dataset.ilustrativo),
        "aviso_ilustrativo": ILLUSTRATIVE_NOTICE,
        "portada_notas": [n for n in notes if n],
        "resumen_intro": _summary_intro(figures),
        "resumen_encabezados": list(SUMMARY_HEADERS),
        "conteo": _counts(cut),
        "programas": program_rows,
        "tabla_encabezados": list(TABLE_HEADERS),
        "sin_indicadores": "El programa no tiene indicadores en el plan de este año.",
        "excepciones_intro": ("Indicadores en rojo, en amarillo (por rezago o por sobrecumplimiento) o sin dato al "
                              "corte, del más grave al menos grave: rojo por rezago, amarillo por rezago, sin "
                              "dato, rojo y amarillo por sobrecumplimiento."),
        "sin_excepciones": NO_EXCEPTIONS_TEXT,
        "excepciones": [_exception(row) for row in summary.exceptions(cut).to_dict("records")],
        "metodologia": _methodology(dataset.parametros),
        "firmas_titulo": "Firmas",
        "firmas": [{"rol": role, "nombre": _plain((firmas or {}).get(role))} for role in SIGNATURE_ROLES],
    }


def _split(frame: pd.DataFrame, column: str) -> dict[str, pd.DataFrame]:
    """The rows of each program (keyed by its number as text), in the frame's order."""
    return {str(key): part for key, part in frame.groupby(frame[column].astype(str), sort=False)}


def _plain(value: object) -> str:
    """A workbook or user text as one plain line ('' when empty): single spaces, control characters out."""
    if is_empty(value):
        return ""
    text = "".join(ch if ch.isprintable() or ch in "\t\n" else " " for ch in str(value))
    return single_spaces(text)


def _or_dash(value: object) -> str:
    return _plain(value) or EMPTY


def _colour(semaforo: object) -> str:
    return SEMAFORO_COLORS.get(str(semaforo), SEMAFORO_COLORS[Semaforo.SIN_DATO])


def _summary_intro(figures: pd.DataFrame) -> list[str]:
    graded = figures["semaforo"].isin(GRADED)
    words = {s: int((figures["semaforo"] == s).sum()) for s in GRADED}
    parts = [f"{n} en {SEMAFORO_WORDS[s].lower()}" for s, n in words.items() if n]
    rest = len(figures) - int(graded.sum())
    if rest:
        parts.append(f"{rest} sin cifra de avance (pendientes, sin dato o sin meta)")
    incomplete = int((~figures["completo"].astype(bool)).sum())
    lines = [f"De los {len(figures)} programas: {', '.join(parts) if parts else 'ninguno con cifra de avance'}."]
    if incomplete:
        lines.append(f"{incomplete} de {len(figures)} programas tienen indicadores sin dato al corte: su avance "
                     "se calcula solo con los indicadores que tienen dato y se marcan «incompleto».")
    lines.append("Avance: promedio del avance de los indicadores medibles con dato; esperado: lo programado al "
                 "corte para esos mismos indicadores. Un programa sin nada programado todavía no tiene cifra.")
    return lines


def _counts(cut: pd.DataFrame) -> str:
    counts = summary.semaforo_counts(cut)
    parts = [f"{SEMAFORO_WORDS[s]} {int(n)}" for s, n in zip(counts["semaforo"], counts["n"], strict=True)]
    return f"Indicadores al corte: {' · '.join(parts)} · Total {int(counts['n'].sum())}."


def _completeness(row: Mapping[str, Any]) -> str:
    """«4 de 5 con meta o hito tienen dato (13 indicadores en total). ⚠ 1 de 5 con meta o hito sin dato: 3.4.
    Sin reporte (informativo): 2.2» — the counts of ``programs.program_figures``, which add up."""
    medibles, con_dato = int(row["n_medibles"]), int(row["n_con_dato"])
    total = int(row["n_indicadores"])
    base = (f"{con_dato} de {medibles} con meta o hito {'tiene' if con_dato == 1 else 'tienen'} dato" if medibles
            else "ningún indicador con meta o hito") + f" ({total} {'indicador' if total == 1 else 'indicadores'} en total)"
    return ". ".join([base, *program_missing_lines(row)])


def _program(row: Mapping[str, Any], part: pd.DataFrame, part_trend: pd.DataFrame, trimestre: int) -> dict[str, Any]:
    """One program's section: ``part`` its rows of ``summary.iptt_table``, ``part_trend`` its trend."""
    graded = row["semaforo"] in GRADED
    estado = program_status_label(row["semaforo"], row["direccion_desvio"], completo=bool(row["completo"]),
                                  vence=row["vence_trimestre"], icons=False)
    avance = format_percent(row["avance_pct"]) if graded else EMPTY
    esperado = format_percent(row["esperado_pct"]) if graded else EMPTY
    avance_texto = (f"{avance} frente a {esperado} esperado al corte "
                    f"(cumplimiento {format_percent(row['cumplimiento_pct'])})" if graded
                    else f"Sin cifra de avance: {estado[:1].lower()}{estado[1:]}")
    not_graded = int((~part["tipo_calculo"].isin(("avance_meta", "hito"))).sum())
    return {
        "numero": str(row["programa"]),
        "nombre": _plain(row["nombre"]),
        "estado": estado,
        "color": _colour(row["semaforo"]),
        "avance": avance,
        "esperado": esperado,
        "avance_texto": avance_texto,
        "completitud": _completeness(row),
        "titulo_grafica": "Avance frente a lo esperado, por corte",
        "grafica": _chart(part_trend, trimestre),
        "titulo_tabla": "Indicadores al corte",
        "indicadores": [_indicator(r) for r in part.to_dict("records")],
        "nota_tabla": _not_averaged(not_graded),
    }


def _not_averaged(n: int) -> str | None:
    if not n:
        return None
    which = "1 indicador de conteo o de comparación con el periodo o año anterior se informa pero no entra" if n == 1 \
        else f"{n} indicadores de conteo o de comparación con el periodo o año anterior se informan pero no entran"
    return f"{which} al promedio del programa."


def _indicator(row: Mapping[str, Any]) -> dict[str, str]:
    return {
        "clave": _plain(row["clave"]),
        "indicador": _or_dash(row["indicador"]),
        "meta": format_number(row["meta"]),
        "programado": format_number(row["programado_acumulado"]),
        "realizado": format_number(row["realizado_acumulado"]),
        "cumplimiento": format_percent(row["cumplimiento_pct"]),
        "semaforo": indicator_status(row["semaforo"], row["direccion_desvio"], faltan=row["reportes_faltantes"],
                                     vence=row["vence_trimestre"], icons=False),
        "color": _colour(row["semaforo"]),
        "justificacion": _or_dash(row["justificacion"]),
        "evidencia": _or_dash(row["evidencia"]),
    }


def _series(quarters: np.ndarray, values: np.ndarray) -> dict[str, Any]:
    """Points (with their labels) and the unbroken segments of one line of the trend chart: a cut without a
    number breaks the line (never drawn as 0)."""
    points, segments, current = [], [], []
    for q, v in zip(quarters.tolist(), values.tolist(), strict=True):
        if v is None or not np.isfinite(v):
            if current:
                segments.append(current)
            current = []
            continue
        points.append({"q": int(q), "v": float(v), "texto": format_percent(v)})
        current.append([int(q), float(v)])
    if current:
        segments.append(current)
    return {"puntos": points, "segmentos": segments}


def _chart(part: pd.DataFrame, trimestre: int) -> dict[str, Any]:
    part = part.sort_values("trimestre")
    quarters = part["trimestre"].to_numpy(dtype=np.int64)
    last = part.iloc[-1] if len(part) else None
    note = None
    if last is not None and is_empty(last["avance_pct"]):  # no number at this cut: say why, in words
        note = program_status_label(last["semaforo"], vence=last.get("vence_trimestre"), icons=False)
    return {
        "meses": [QUARTER_MONTHS[k] for k in range(1, 5)],
        "avance": _series(quarters, part["avance_pct"].to_numpy(dtype=float)),
        "esperado": _series(quarters, part["esperado_pct"].to_numpy(dtype=float)),
        "nota": note,
        "nota_q": int(trimestre),
        "nota_color": _colour(last["semaforo"]) if last is not None else SEMAFORO_COLORS[Semaforo.SIN_DATO],
        "leyenda_avance": "Avance del programa",
        "leyenda_esperado": "Esperado al corte",
    }


def _exception(row: Mapping[str, Any]) -> dict[str, str]:
    status = indicator_status(row["semaforo"], row["direccion_desvio"], faltan=row["reportes_faltantes"],
                              vence=row["vence_trimestre"], icons=False)
    if str(row["semaforo"]) in ("", Semaforo.SIN_DATO):
        status = SEMAFORO_WORDS[Semaforo.SIN_DATO]
    _, where, versus, why = exception_lines(row)
    return {"titulo": f"{status} · {_plain(row['clave'])} · {_or_dash(row['nombre'])}", "color": _colour(row["semaforo"]),
            "donde": where, "versus": versus, "justificacion": why}


def _methodology(parametros: Mapping[str, float]) -> list[str]:
    rule = Thresholds.from_parametros(parametros).text()
    return [
        "Avance de cada indicador. Los indicadores de avance de una meta se miden como porcentaje de su meta "
        "anual (acumulado de enero al corte, o del trimestre cuando se programan por trimestre), topado en "
        "100 %; los hitos valen 100 % cuando se alcanzaron y 0 % cuando vencieron sin alcanzarse. Lo esperado "
        "al corte es lo programado hasta ese trimestre como porcentaje de la meta. Los conteos y las "
        "comparaciones con el trimestre o el año anterior se informan en la tabla pero no entran al promedio.",
        "Avance de cada programa. Es el promedio del avance de sus indicadores medibles que tienen dato al "
        "corte; lo esperado, el promedio de lo programado para esos mismos indicadores; el cumplimiento, el "
        "avance entre lo esperado. Un indicador sin reporte nunca cuenta como 0: se nombra, y el programa se "
        "marca «incompleto». Si al corte todavía no se esperaba nada, el programa queda «Pendiente» con el "
        "trimestre en que vence su primera meta, sin cifra.",
        f"Semáforo. Compara el cumplimiento con lo esperado: {rule}. Los umbrales vienen de la hoja Parámetros "
        "del libro de datos. Amarillo y rojo dicen si es por rezago (↓) o por sobrecumplimiento (↑); «Sin "
        "dato» dice qué reporte falta y «Pendiente» cuándo vence la meta.",
        "Las cifras son las mismas del tablero en el mismo corte y se calculan con las mismas reglas "
        "(documentación: docs/metodologia.md). Las justificaciones y evidencias se transcriben tal como las "
        "capturaron las áreas responsables.",
    ]
