"""Build ``data/plan_2023.xlsx``: the MPI CDMX *Plan Anual de Trabajo 2023* as a workbook.

The plan is encoded below as Python data — this file is the source of truth — and
written with openpyxl, deterministically (same bytes on every run):

    python scripts/build_plan_2023.py            # writes data/plan_2023.xlsx
    python scripts/build_plan_2023.py OTHER.xlsx # writes elsewhere

Texts are copied from the seed plan (``shared/seed/000_63f1563d10c657b1.txt``)
verbatim, only collapsing line-break whitespace and dropping markdown ``**``,
escapes (``\\*`` → ``*``) and ``$…$`` math marks (``$M1$`` → ``M1``,
``$\\times 100$`` → ``× 100``).  Every choice the plan leaves open (metas
without a number, hitos, actions that only appear in the cronograma) is listed
in ``docs/decisiones_plan.md``.

The *Avances* (2022 baseline and 2023 Q1–Q4) are ILLUSTRATIVE, not official
figures; the workbook says so in ``Léame`` and ``Parámetros``.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from mpi_dash import schema  # noqa: E402  (after the sys.path tweak, so the script runs standalone)

OUTPUT = REPO_ROOT / "data" / "plan_2023.xlsx"
PLAN_YEAR = 2023
BASELINE_YEAR = 2022

FICHA = "Ficha técnica"
SOLO_CRONOGRAMA = "Solo cronograma"

# Program headings, verbatim from the body of the plan.
PROGRAMAS: dict[str, str] = {
    "1": "1. ATENCIÓN INTEGRAL A PERSONAS DEFENSORAS DE DERECHOS HUMANOS Y PERIODISTAS",
    "2": "2. COLABORACIÓN INTERINSTITUCIONAL",
    "3": (
        "3. ACCIONES DE PREVENCIÓN Y CAPACITACIÓN PARA EL EJERCICIO DE LA LIBERTAD DE EXPRESIÓN Y EL "
        "DERECHO A DEFENDER DERECHOS HUMANOS."
    ),
    "4": "4. PROGRAMA DE CAPACITACIÓN 2023",
    "5": "5. TRANSPARENCIA Y GOBIERNO ABIERTO",
    "6": "6. PLANEACIÓN ESTRATÉGICA 2023",
}

# "Objetivo" column of the cronograma (section 7), verbatim: the plan's own
# action → objetivo mapping (see docs/decisiones_plan.md, decision "Objetivo").
_OBJ_1_1 = "Actividades de la Dirección General con los Órganos de Gobierno del MPI CDMX"
_OBJ_1_2 = (
    "Procesos de atención integral a personas defensoras de derechos humanos y periodistas en "
    "situación de riesgo"
)
_OBJ_1_5 = (
    "Atención a personas defensoras de derechos humanos y periodistas en situación de riesgo en el "
    "contexto de protestas sociales"
)
_CAPACITACIONES = "Capacitaciones y espacios de aprendizaje relacionados con "

# One entry per indicator, in plan order.  Keys:
#   clave, accion (heading), objetivo, origen, meta_anual (None = the plan gives no number),
#   tipo (schema.TIPOS_CALCULO), acumulacion, frecuencia, programado (T1..T4 or None),
#   notas (short Spanish note on the choices made; details in docs/decisiones_plan.md).
ACCIONES: list[dict[str, Any]] = [
    {
        "clave": "1.1.1",
        "accion": "Realización de las sesiones de la Junta de Gobierno",
        "objetivo": _OBJ_1_1,
        "meta_anual": 4,
        "tipo": "avance_meta",
        "programado": (1, 1, 1, 1),
        "notas": "Calendario: una sesión ordinaria por trimestre (4 al año).",
    },
    {
        "clave": "1.1.2",
        "accion": "Realización de las sesiones de Consejo de Evaluación de Medidas",
        "objetivo": _OBJ_1_1,
        "meta_anual": 6,
        "tipo": "avance_meta",
        "notas": "El plan dice «al menos 6»: se toma 6 como meta anual (25 % trimestral).",
    },
    {
        "clave": "1.1.3",
        "accion": "Mesa de Trabajo Multisectorial",
        "objetivo": _OBJ_1_1,
        "meta_anual": 1,
        "tipo": "hito",
        "programado": (0, 0, 0, 1),
        "notas": (
            "Hito: «al menos una» actividad (la segunda edición de la mesa), con vencimiento en "
            "Diciembre."
        ),
    },
    {
        "clave": "1.1.4",
        "accion": "Elaboración y publicación de los Lineamientos de acción social",
        "objetivo": _OBJ_1_1,
        "meta_anual": 1,
        "tipo": "hito",
        "programado": (1, 0, 0, 0),
        "notas": (
            "Hito: una publicación, con vencimiento en Marzo (se necesitan para gestionar los recursos "
            "del año)."
        ),
    },
    {
        "clave": "1.1.5",
        "accion": "Actividades con el Consejo Consultivo",
        "objetivo": _OBJ_1_1,
        "origen": SOLO_CRONOGRAMA,
        "meta_anual": None,
        "tipo": "conteo",
        "notas": (
            "Acción que solo aparece en el cronograma (sin ficha técnica ni meta): se informa el conteo."
        ),
    },
    {
        "clave": "1.2.1",
        "accion": "Atención y canalización de casos",
        "objetivo": _OBJ_1_2,
        "meta_anual": None,
        "tipo": "periodo_anterior",
        "acumulacion": "periodo",
        "notas": (
            "Atiende la demanda («100 % de casos que lo soliciten»): sin meta numérica; se compara con "
            "el periodo anterior."
        ),
    },
    {
        "clave": "1.2.2.a",
        "accion": (
            "Seguimiento a casos incorporados al MPI CDMX: a) Incorporaciones por procedimiento ordinario"
        ),
        "objetivo": _OBJ_1_2,
        "meta_anual": None,
        "tipo": "avance_meta",
        "notas": "Depende de las solicitudes: el plan no programa un número de incorporaciones (sin meta).",
    },
    {
        "clave": "1.2.2.b",
        "accion": (
            "Seguimiento a casos incorporados al MPI CDMX: b) Incorporaciones por procedimiento "
            "extraordinario"
        ),
        "objetivo": _OBJ_1_2,
        "meta_anual": None,
        "tipo": "avance_meta",
        "notas": "Depende de las solicitudes: el plan no programa un número de incorporaciones (sin meta).",
    },
    {
        "clave": "1.2.3",
        "accion": (
            "Apoyos y atención a los casos incorporados al Mecanismo de Protección de la Secretaría de "
            "Gobernación del Gobierno de México."
        ),
        "objetivo": _OBJ_1_2,
        "meta_anual": None,
        "tipo": "conteo",
        "notas": "El método es un conteo de colaboraciones, sin meta numérica.",
    },
    {
        "clave": "1.3",
        "accion": "Talleres de autoprotección",
        "objetivo": "Realizar talleres de autoprotección facilitados por el MPI CDMX",
        "meta_anual": 10,
        "tipo": "avance_meta",
        "notas": "El plan dice «al menos 10»: se toma 10 como meta anual.",
    },
    {
        "clave": "1.4",
        "accion": (
            "Generación de información. Mapeo de agresiones a periodistas y personas defensoras de "
            "derechos humanos."
        ),
        "objetivo": (
            "Generación de información. Mapeo de agresiones a periodistas y personas defensoras de "
            "derechos humanos."
        ),
        "meta_anual": None,
        "tipo": "anio_anterior",
        "notas": "Monitoreo permanente sin meta numérica; se compara con el mismo periodo del año anterior.",
    },
    {
        "clave": "1.5.1",
        "accion": (
            "Instalación de la Base MPI CDMX para el monitoreo de personas defensoras de derechos humanos "
            "y periodistas en el contexto de movilizaciones."
        ),
        "objetivo": _OBJ_1_5,
        "meta_anual": None,
        "tipo": "anio_anterior",
        "notas": "Depende de las movilizaciones: sin meta numérica; se compara con el año anterior.",
    },
    {
        "clave": "1.5.2",
        "accion": "Participar en la base de Derechos Humanos",
        "objetivo": _OBJ_1_5,
        "origen": SOLO_CRONOGRAMA,
        "meta_anual": None,
        "tipo": "conteo",
        "notas": (
            "Acción que solo aparece en el cronograma (sin ficha técnica ni meta): se informa el conteo."
        ),
    },
    {
        "clave": "2.1",
        "accion": "Fortalecimiento interinstitucional",
        "objetivo": "Fortalecimiento Institucional",
        "meta_anual": 1,
        "tipo": "hito",
        "programado": (0, 0, 0, 1),
        "notas": (
            "Meta «al menos una» capacitación (la descripción menciona 2): hito con vencimiento en "
            "Diciembre."
        ),
    },
    {
        "clave": "2.2",
        "accion": "Seguimiento de convenios firmados",
        "objetivo": "Seguimiento de convenios firmados durante 2019, 2020 y 2022",
        "meta_anual": None,
        "tipo": "avance_meta",
        "notas": "El plan no dice cuántas acciones comprometen los convenios: sin meta numérica.",
    },
    {
        "clave": "2.3",
        "accion": "Vinculación con organizaciones de cooperación internacional",
        "objetivo": "Vinculación con organizaciones de cooperación internacional",
        "meta_anual": 1,
        "tipo": "hito",
        "programado": (0, 0, 0, 1),
        "notas": "Meta «una colaboración»: hito con vencimiento en Diciembre.",
    },
    {
        "clave": "3.1",
        "accion": _CAPACITACIONES + "derechos humanos y la defensa de la libertad de expresión.",
        "objetivo": _CAPACITACIONES + "derechos humanos y la defensa de la libertad de expresión.",
        "meta_anual": 3,
        "tipo": "avance_meta",
    },
    {
        "clave": "3.2",
        "accion": _CAPACITACIONES + "comunicación, periodismo y perspectiva de género",
        "objetivo": _CAPACITACIONES + "comunicación, periodismo y perspectiva de género.",
        "meta_anual": 4,
        "tipo": "avance_meta",
    },
    {
        "clave": "3.3",
        "accion": _CAPACITACIONES + "Seguridad Digital",
        "objetivo": _CAPACITACIONES + "Seguridad Digital.",
        "meta_anual": 4,
        "tipo": "avance_meta",
    },
    {
        "clave": "3.4",
        "accion": _CAPACITACIONES + "uso de la tecnología para la acción social",
        "objetivo": _CAPACITACIONES + "uso de la tecnología para la acción social.",
        "meta_anual": 4,
        "tipo": "avance_meta",
    },
    {
        "clave": "3.5",
        "accion": _CAPACITACIONES + "el análisis, prevención y reacción ante violencias digitales",
        "objetivo": _CAPACITACIONES + "el análisis, prevención y reacción ante violencias digitales",
        "meta_anual": 3,
        "tipo": "avance_meta",
    },
    {
        "clave": "4.1",
        "accion": "Transparencia",
        "objetivo": "Transparencia",
        "meta_anual": 1,
        "tipo": "hito",
        "programado": (0, 0, 0, 1),
        "notas": "Meta: obtener el certificado «100 % capacitados» (un hito), con vencimiento en Diciembre.",
    },
    {
        "clave": "5.1",
        "accion": "Obligaciones de transparencia",
        "objetivo": (
            "Cumplir con las obligaciones de transparencia para mantener los estándares de Transparencia y "
            "Gobierno Abierto para impulsar una mayor apertura de su administración para dar cumplimiento "
            "en tiempo y forma con lo estipulado en la Ley de Transparencia y Acceso a la información "
            "pública del Distrito Federal"
        ),
        "meta_anual": 4,
        "tipo": "avance_meta",
        "programado": (1, 1, 1, 1),
        "notas": (
            "El plan no da número: se eligen 4 actualizaciones trimestrales de la información de oficio."
        ),
    },
    {
        "clave": "5.2",
        "accion": "Solicitudes de información",
        "objetivo": "Solicitudes de información",
        "meta_anual": None,
        "tipo": "periodo_anterior",
        "acumulacion": "periodo",
        "notas": "Atiende la demanda: sin meta numérica; se compara con el periodo inmediato anterior.",
    },
    {
        "clave": "5.3",
        "accion": "Reporte de la Plataforma Nacional de Transparencia",
        "objetivo": "Plataforma Nacional de Transparencia",
        "meta_anual": 4,
        "tipo": "avance_meta",
        "programado": (1, 1, 1, 1),
        "notas": "«Generar trimestralmente el reporte»: 4 reportes, uno por trimestre.",
    },
    {
        "clave": "5.4",
        "accion": "Comité de Transparencia",
        "objetivo": "Comité de Transparencia",
        "meta_anual": 4,
        "tipo": "avance_meta",
        "programado": (1, 1, 1, 1),
        "notas": "«Cuatro sesiones programadas»: una por trimestre.",
    },
    {
        "clave": "6",
        "accion": "Aprobación del Plan Anual de Trabajo 2023 por la Junta de Gobierno",
        "objetivo": "Aprobación del Plan Anual de Trabajo 2023 por la Junta de Gobierno",
        "meta_anual": 1,
        "tipo": "hito",
        "frecuencia": "De manera anual",
        "programado": (1, 0, 0, 0),
        "notas": "Hito: el cronograma fija la medición en Enero («100 % anual»), vence en Marzo.",
    },
]

# Texts of the cronograma-only actions (they have no ficha técnica).
CRONOGRAMA_META_TEXTO = "25% de manera trimestral"

# Ficha técnica of every detailed action, verbatim (normalised as described in the module docstring).
FICHAS: dict[str, dict[str, str]] = {
    '1.1.1': {
        "meta_texto": (
            "Realización de 4 Sesiones Ordinarias de la Junta de Gobierno programadas para el 2023."
        ),
        "indicador": (
            "Número total de sesiones ordinarias de la Dirección General con los órganos que integran la "
            "Junta de Gobierno del MPI CDMX."
        ),
        "dimension": (
            "Sesiones ordinarias de la DG con las instituciones que integran la Junta de Gobierno del MPI "
            "CDMX."
        ),
        "definicion": "Realizar en tiempo y forma las sesiones programadas con la Junta de Gobierno.",
        "metodo_calculo": (
            "M1 (Número de sesiones con la Junta de Gobierno realizadas en el período que se informa/T el "
            "número de sesiones programadas con la Junta de Gobierno) *100"
        ),
        "unidad_medida": "Sesiones con la Junta de Gobierno.",
        "linea_base": "Número de sesiones del año inmediato anterior.",
        "responsables": (
            "Secretaría de Gobierno, Dirección General; Coordinación de Desarrollo y Evaluación de Medidas."
        ),
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentadas ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '1.1.2': {
        "meta_texto": (
            "Realización de al menos 6 Sesiones del Consejo de Evaluación de Medidas programadas para el "
            "2023."
        ),
        "indicador": "Número total de sesiones del Consejo de Evaluación de Medidas.",
        "dimension": "Sesiones del Consejo de Evaluación de Medidas.",
        "definicion": "Realizar en tiempo y forma las sesiones del Consejo de Evaluación de Medidas.",
        "metodo_calculo": (
            "M1 (Número de sesiones con el Consejo de Evaluación de Medidas realizadas en el período que se "
            "informa/T el número de sesiones programadas con el Consejo de Evaluación de Medidas) *100"
        ),
        "unidad_medida": "Sesiones con el Consejo de Evaluación de Medidas.",
        "linea_base": "Número de sesiones del año inmediato anterior.",
        "responsables": (
            "Dirección General; Coordinación de Desarrollo y Evaluación de Medidas; Subdirección de Medidas "
            "de Protección, JUD de Apoyo y Atención a Medidas de Protección; JUD de Desarrollo y Seguimiento "
            "al Plan de Protección; Enlace de Planeación y Seguimiento a Medidas de Protección."
        ),
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentados ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '1.1.3': {
        "meta_texto": "Realizar al menos una actividad relacionada con la Mesa de Trabajo Multisectorial.",
        "indicador": "Realización de la actividad programada de la Mesa de Trabajo Multisectorial para 2023.",
        "dimension": "Actividades de la Mesa de Trabajo Multisectorial.",
        "definicion": "Realizar en tiempo y forma la segunda edición de la mesa de trabajo multisectorial.",
        "metodo_calculo": (
            "M1 (Número de actividades con la Mesa Multisectorial que integran el MPI CDMX realizadas en el "
            "período que se informa/T el número de sesiones programadas con el órgano en mención) * 100"
        ),
        "unidad_medida": "Actividades con la Mesa Multisectorial.",
        "linea_base": "Número de actividades del año inmediato anterior.",
        "responsables": (
            "Dirección General; Coordinación de Desarrollo y Evaluación de Medidas; Subdirección de Medidas "
            "de Protección, JUD de Apoyo y Atención a Medidas de Protección; JUD de Desarrollo y Seguimiento "
            "al Plan de Protección; Enlace de Planeación y Seguimiento a Medidas de Protección."
        ),
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentadas ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '1.1.4': {
        "meta_texto": (
            "Publicación de los Lineamientos de acción social para atender las necesidades de las personas "
            "defensoras de derechos humanos y periodistas en situación de riesgo."
        ),
        "indicador": "Publicación de los lineamientos de acción social 2023.",
        "dimension": "La publicación.",
        "definicion": (
            "Realizar la publicación en tiempo y forma de los lineamientos de acción social para poder "
            "gestionar los recursos para medidas de las personas beneficiarias del MPI CDMX."
        ),
        "metodo_calculo": (
            "M1 (Número de publicaciones realizados en el período que se informa/T el número de "
            "publicaciones programadas) *100"
        ),
        "unidad_medida": "Lineamientos de acción social.",
        "linea_base": "Publicaciones realizadas en el año inmediato anterior.",
        "responsables": (
            "Dirección General, Coordinación jurídica, Coordinación Administrativa y Coordinación de "
            "Desarrollo y Evaluación de Medidas."
        ),
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentadas ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '1.2.1': {
        "meta_texto": "Brindar atenciones o canalizaciones al 100% de casos que lo soliciten.",
        "indicador": "Número de atenciones o canalizaciones de casos del MPI CDMX.",
        "dimension": "Atenciones o canalizaciones de casos del MPI CDMX.",
        "definicion": "Realizar atenciones o canalizaciones de casos del MPI CDMX.",
        "metodo_calculo": (
            "M1 (Atenciones o canalizaciones realizadas durante el periodo T/acciones realizadas en el "
            "periodo anterior) *100"
        ),
        "unidad_medida": "Número de atenciones o canalizaciones.",
        "linea_base": "Número de atenciones del periodo inmediato anterior.",
        "responsables": (
            "Dirección General; Coordinación de Desarrollo y Evaluación de Medidas; Subdirección de Medidas "
            "de Protección, JUD de Apoyo y Atención a Medidas de Protección; JUD de Desarrollo y Seguimiento "
            "al Plan de Protección; Enlace de Planeación y Seguimiento a Medidas de Protección."
        ),
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentados ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '1.2.2.a': {
        "meta_texto": (
            "Dar seguimiento a los casos incorporados y a las solicitudes de incorporación por proceso "
            "ordinario."
        ),
        "indicador": "Número de incorporaciones al MPI CDMX por procedimiento ordinario.",
        "dimension": (
            "Incorporaciones al MPI CDMX por procedimientos ordinarios que se tienen en el mismo MPI CDMX."
        ),
        "definicion": "Dar seguimiento a los casos incorporados y a las solicitudes de incorporación.",
        "metodo_calculo": (
            "M1 (incorporaciones realizadas durante el periodo T/incorporaciones programadas en el periodo "
            "T) *100"
        ),
        "unidad_medida": "Número de incorporaciones realizadas por procedimiento ordinario.",
        "linea_base": "Número de incorporaciones por procedimiento ordinario.",
        "responsables": (
            "Dirección General; Coordinación de Desarrollo y Evaluación de Medidas; Subdirección de Medidas "
            "de Protección, JUD de Apoyo y Atención a Medidas de Protección; JUD de Desarrollo y Seguimiento "
            "al Plan de Protección; JUD de Trabajo Multisectorial; JUD de Sistematización."
        ),
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentadas ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '1.2.2.b': {
        "meta_texto": (
            "Dar seguimiento a los casos incorporados y a las solicitudes de incorporación mediante "
            "procedimiento extraordinario."
        ),
        "indicador": "Número de incorporaciones al MPI CDMX por procedimiento extraordinario.",
        "dimension": "Incorporaciones al MPI CDMX por procedimientos extraordinarios.",
        "definicion": (
            "Dar seguimiento a los casos incorporados y a las solicitudes de incorporación por procedimiento "
            "extraordinario."
        ),
        "metodo_calculo": (
            "M1 (incorporaciones realizadas durante el periodo T/incorporaciones programadas en el periodo "
            "T) *100"
        ),
        "unidad_medida": "Número de incorporaciones realizadas por procedimiento extraordinario.",
        "linea_base": (
            "Número de incorporaciones del periodo inmediato anterior mediante el procedimiento "
            "extraordinario."
        ),
        "responsables": (
            "Dirección General; Coordinación de Desarrollo y Evaluación de Medidas; Subdirección de Medidas "
            "de Protección, JUD de Apoyo y Atención a Medidas de Protección; JUD de Desarrollo y Seguimiento "
            "al Plan de Protección; JUD de Trabajo Multisectorial; JUD de Sistematización."
        ),
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentadas ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '1.2.3': {
        "meta_texto": (
            "Brindar atención complementaria a las solicitudes correspondientes a los casos incorporados al "
            "Mecanismo de Protección de Personas Defensoras de Derechos de la Secretaría de Gobernación del "
            "Gobierno de México."
        ),
        "indicador": (
            "Número de casos atendidos en colaboración con el Mecanismo de Protección de la Secretaría de "
            "Gobernación del Gobierno de México."
        ),
        "dimension": (
            "Casos atendidos en colaboración con el Mecanismo de Protección de la Secretaría de Gobernación "
            "del Gobierno de México."
        ),
        "definicion": (
            "Brindar medidas de atención complementaria a casos incorporados al Mecanismo de Protección de "
            "Personas Defensoras de Derechos de la Secretaría de Gobernación del Gobierno de México."
        ),
        "metodo_calculo": (
            "Número de colaboraciones con el Mecanismo de Protección de la Secretaría de Gobernación del "
            "Gobierno de México."
        ),
        "unidad_medida": "Número de incorporaciones realizadas.",
        "linea_base": "Número de atenciones y apoyos del periodo inmediato anterior.",
        "responsables": (
            "Dirección General; Coordinación de Desarrollo y Evaluación de Medidas; Subdirección de Medidas "
            "de Protección, JUD de Apoyo y Atención a Medidas de Protección; JUD de Desarrollo y Seguimiento "
            "al Plan de Protección; JUD de Sistematización; Enlace de Planeación y Seguimiento de Medidas de "
            "Protección."
        ),
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentadas ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '1.3': {
        "meta_texto": "Realizar al menos 10 talleres de autoprotección facilitados por el MPI CDMX.",
        "indicador": (
            "Número de talleres individuales y colectivos facilitados a personas defensoras de derechos "
            "humanos y periodistas."
        ),
        "dimension": "Talleres facilitados.",
        "definicion": (
            "Facilitar talleres de autoprotección para dotar a las personas defensoras de derechos humanos, "
            "periodistas y personas que ejercen la libertad de expresión de herramientas que les permitan "
            "trazar un conjunto de acciones para enfrentar riesgos y reducir las probabilidades de "
            "consumación de alguna agresión."
        ),
        "metodo_calculo": (
            "M1 (Talleres realizados durante el periodo T /número de talleres programados) *100"
        ),
        "unidad_medida": "Número de talleres realizados.",
        "linea_base": "Número de talleres del periodo inmediato anterior.",
        "responsables": (
            "Dirección General; Coordinación de Desarrollo y Evaluación de Medidas; Subdirección de Medidas "
            "de Protección, JUD de Apoyo y Atención a Medidas de Protección; JUD de Desarrollo y Seguimiento "
            "al Plan de Protección; JUD de Trabajo Multisectorial; Enlace de Planeación y Seguimiento de "
            "Medidas de Protección."
        ),
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentados ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '1.4': {
        "meta_texto": (
            "Mantener un monitoreo de fuentes abiertas durante todo el año 2023 y sistematizar la "
            "información recopilada sobre agresiones en contra de personas defensoras de derechos humanos y "
            "periodistas."
        ),
        "indicador": "Número de registros de hallazgos de información.",
        "dimension": "Registros de hallazgos de información.",
        "definicion": (
            "Elaborar un monitoreo de fuentes abiertas con el objetivo de contar con información que sirva "
            "como insumo para casos que pueden estar vinculados a riesgos con motivo de su actividad de "
            "personas defensoras de derechos humanos y periodistas."
        ),
        "metodo_calculo": (
            "M1 (Número de registro de hallazgos de información / número de registro del año periodo del año "
            "anterior) * 100"
        ),
        "unidad_medida": "Registro de hallazgos.",
        "linea_base": "Los registros mensuales del año inmediato anterior.",
        "responsables": (
            "Dirección General; Coordinación de Desarrollo y Evaluación de Medidas; JUD de Sistematización."
        ),
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentados ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '1.5.1': {
        "meta_texto": (
            "Detección y atención de personas defensoras de derechos humanos y periodistas que en el "
            "contexto de las protestas sociales se encuentren en situación de riesgo y requieran apoyo por "
            "parte del MPI CDMX."
        ),
        "indicador": "Número de veces en los que se atiende la Base MPI CDMX.",
        "dimension": (
            "La detección de agresiones contra personas defensoras, periodistas y atención de casos; así "
            "como el seguimiento a los casos que requirieron algún tipo de atención por parte del MPI CDMX a "
            "través de la documentación de los casos, acompañamiento y evaluación de medidas."
        ),
        "definicion": (
            "La detección de agresiones contra personas defensoras de derechos humanos y periodistas durante "
            "la movilización para brindar la atención de casos que lo requieran a través de la documentación "
            "de los casos, acompañamiento y evaluación de medidas."
        ),
        "metodo_calculo": (
            "M1 (Número de registro de información / número de registro del año periodo del año anterior) * "
            "100"
        ),
        "unidad_medida": "Registro de agresiones a personas periodistas o defensoras de DDHH.",
        "linea_base": "Los registros del año inmediato anterior.",
        "responsables": (
            "Dirección General; Coordinación de Desarrollo y Evaluación de Medidas; Subdirección de Medidas "
            "de Protección, JUD de Apoyo y Atención a Medidas de Protección; JUD de Desarrollo y Seguimiento "
            "al Plan de Protección; JUD de Trabajo Multisectorial; JUD de Sistematización."
        ),
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentados ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '2.1': {
        "meta_texto": (
            "Realizar al menos una capacitación a instancias integrantes de la Junta de Gobierno y el "
            "Consejo de Evaluación de Medidas durante 2023."
        ),
        "indicador": (
            "Número de capacitaciones impartidas a las personas servidoras públicas que participan en la "
            "Junta de Gobierno y al Consejo de Evaluación de Medidas."
        ),
        "dimension": "Capacitaciones impartidas a las personas servidoras públicas.",
        "definicion": (
            "El MPI CDMX realizará una capacitación especializada dirigida a las personas servidoras "
            "públicas que forman parte de las instituciones integrantes de la Junta de Gobierno y el Consejo "
            "de Evaluación de Medidas."
        ),
        "metodo_calculo": (
            "M1 (Capacitaciones realizadas durante el periodo T/número de capacitaciones programadas) *100"
        ),
        "unidad_medida": "Número de capacitaciones realizadas.",
        "linea_base": "Número de talleres del periodo inmediato anterior.",
        "responsables": (
            "Dirección General, Presidencia de la Junta de Gobierno y el Consejo de Evaluación de Medidas."
        ),
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentados ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '2.2': {
        "meta_texto": (
            "Realizar acciones establecidas en los compromisos generados de cada uno de los convenios."
        ),
        "indicador": "Acciones interinstitucionales realizadas para cada convenio.",
        "dimension": "Acciones interinstitucionales realizadas para cada convenio.",
        "definicion": "Acciones de seguimiento a los convenios firmados.",
        "metodo_calculo": (
            "M1 (acciones establecidas en los compromisos generados de cada convenio T /número de acciones "
            "establecidas en los compromisos programadas) × 100"
        ),
        "unidad_medida": "Acciones interinstitucionales realizadas para cada convenio.",
        "linea_base": (
            "Número de acciones interinstitucionales realizadas en el año inmediato anterior de cada "
            "convenio firmado."
        ),
        "responsables": "Enlaces designados para cada uno de los convenios.",
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentados ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '2.3': {
        "meta_texto": "Establecer una colaboración con organismos o instancias internacionales.",
        "indicador": "Acciones generadas para cada colaboración.",
        "dimension": "Acciones generadas para cada colaboración.",
        "definicion": (
            "Colaboración con organizaciones internacionales especializadas vinculadas con la defensa de los "
            "derechos humanos, el ejercicio de la libertad de expresión y el periodismo."
        ),
        "metodo_calculo": (
            "M1 (Número de colaboraciones establecidas con organizaciones internacionales realizadas en el "
            "periodo reportado T /número de colaboraciones con organizaciones internacionales programadas) × "
            "100"
        ),
        "unidad_medida": "Colaboraciones establecidas con organizaciones internacionales.",
        "linea_base": "Número de acciones realizadas en el año inmediato anterior.",
        "responsables": "Dirección General y enlaces designados por los organismos.",
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentados ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '3.1': {
        "meta_texto": (
            "Realizar 3 actividades de prevención y capacitación relacionadas con estos temas durante 2023."
        ),
        "indicador": "Número total de capacitaciones.",
        "dimension": "Capacitaciones realizadas.",
        "definicion": (
            "Estas capacitaciones y espacios de aprendizaje estarán dirigidos a personas defensoras de "
            "derechos humanos, periodistas, integrantes de colectivas y organizaciones sociales."
        ),
        "metodo_calculo": (
            "M1 (Número de capacitaciones realizadas en el periodo reportado T/número de capacitaciones "
            "programadas) * 100"
        ),
        "unidad_medida": "Capacitaciones realizadas.",
        "linea_base": "Número de capacitaciones realizadas en el año inmediato anterior.",
        "responsables": "Dirección General.",
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentados ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '3.2': {
        "meta_texto": (
            "Realizar 4 actividades de prevención y capacitación relacionadas con estos temas durante 2023."
        ),
        "indicador": "Número total de capacitaciones.",
        "dimension": "Capacitaciones realizadas.",
        "definicion": (
            "Estas capacitaciones y espacios de aprendizaje estarán dirigidos a personas defensoras de "
            "derechos humanos, periodistas, integrantes de colectivas y organizaciones sociales."
        ),
        "metodo_calculo": (
            "M1 (Número de capacitaciones realizadas en el periodo reportado T/número de capacitaciones "
            "programadas) *100"
        ),
        "unidad_medida": "Capacitaciones realizadas.",
        "linea_base": "Número de capacitaciones realizadas en el año inmediato anterior.",
        "responsables": "Dirección General.",
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentados ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '3.3': {
        "meta_texto": (
            "Realizar 4 actividades de prevención y capacitación relacionados con estos temas durante 2023."
        ),
        "indicador": "Número total de capacitaciones.",
        "dimension": "Capacitaciones realizadas.",
        "definicion": (
            "Estas capacitaciones y espacios de aprendizaje estarán dirigidos a personas defensoras de "
            "derechos humanos, periodistas, integrantes de colectivas y organizaciones sociales."
        ),
        "metodo_calculo": (
            "M1 (Número de capacitaciones realizadas en el periodo reportado T/número de capacitaciones "
            "programadas) *100"
        ),
        "unidad_medida": "Capacitaciones realizadas.",
        "linea_base": "Número de capacitaciones realizadas en el año inmediato anterior.",
        "responsables": "Dirección General.",
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentadas ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '3.4': {
        "meta_texto": (
            "Realizar 4 actividades de prevención y capacitación relacionados con este tema durante 2023."
        ),
        "indicador": "Número total de capacitaciones.",
        "dimension": "Capacitaciones realizadas.",
        "definicion": (
            "Estas capacitaciones y espacios de aprendizaje estarán dirigidos a personas defensoras de "
            "derechos humanos, periodistas, integrantes de colectivas y organizaciones sociales."
        ),
        "metodo_calculo": (
            "M1 (Número de capacitaciones realizadas en el periodo reportado T/número de capacitaciones "
            "programadas) *100"
        ),
        "unidad_medida": "Capacitaciones realizadas.",
        "linea_base": "Número de capacitaciones realizadas en el año inmediato anterior.",
        "responsables": "Dirección General.",
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentados ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '3.5': {
        "meta_texto": (
            "Realizar 3 actividades de prevención y capacitación relacionados con este tema durante 2023."
        ),
        "indicador": "Número total de capacitaciones.",
        "dimension": "Capacitaciones realizadas.",
        "definicion": (
            "Estas capacitaciones y espacios de aprendizaje estarán dirigidos a personas defensoras de "
            "derechos humanos, periodistas, integrantes de colectivas y organizaciones sociales."
        ),
        "metodo_calculo": (
            "M1 (Número de capacitaciones realizadas en el periodo reportado T/número de capacitaciones "
            "programadas) *100"
        ),
        "unidad_medida": "Capacitaciones realizadas.",
        "linea_base": "Número de capacitaciones realizadas en el año inmediato anterior.",
        "responsables": "Dirección General.",
        "fuente_informacion": (
            "Informes bimestrales del MPI CDMX que son presentados ante la Junta de Gobierno del propio MPI "
            "CDMX."
        ),
    },
    '4.1': {
        "meta_texto": "Obtener el certificado de 100% capacitados para el ejercicio 2023.",
        "indicador": "Número de capacitaciones solicitadas por el INFO CDMX.",
        "dimension": "Capacitaciones en materia de transparencia para el personal del MPI CDMX.",
        "definicion": (
            "El MPI CDMX capacitará a todo su personal en materia de transparencia con la finalidad de "
            "cumplir dos objetivos; el primero, otorgar a los servidores públicos las herramientas "
            "necesarias para entender la relevancia de la transparencia, el gobierno abierto y la rendición "
            "de cuentas para garantizar la probidad de la función pública; el segundo, lograr obtener el "
            "certificado 100% capacitados en materia de transparencia que otorga el Instituto de "
            "Transparencia, Acceso a la Información Pública, Protección de Datos Personales y Rendición de "
            "Cuentas de la Ciudad de México para el ejercicio 2023."
        ),
        "metodo_calculo": (
            "M1 (Número de capacitaciones realizadas en el período que se informa/T el número de "
            "capacitaciones programadas) *100"
        ),
        "unidad_medida": "Capacitaciones realizadas.",
        "linea_base": "Capacitaciones realizadas en el año inmediato anterior.",
        "responsables": "Dirección General.",
        "fuente_informacion": "Constancias de las capacitaciones realizadas.",
    },
    '5.1': {
        "meta_texto": (
            "Llevar a cabo la actualización en tiempo y forma de la información pública de oficio tanto "
            "dentro del Sistema de Portales de Obligación SIPOT, como de la plataforma local y de la página "
            "oficial del mismo MPI CDMX."
        ),
        "indicador": (
            "Número total de informes mensuales, bimestrales, semestrales y anuales según lo marca el "
            "calendario del Instituto de Transparencia, Acceso a la Información Pública, Protección de Datos "
            "Personales y Rendición de Cuentas de la Ciudad de México."
        ),
        "dimension": "Informes mensuales, bimestrales, semestrales y anuales.",
        "definicion": (
            "Llevar a cabo la actualización en tiempo y forma de la información pública de oficio tanto "
            "dentro del Sistema de Portales de Obligación SIPOT, como de la plataforma local y de la página "
            "oficial del mismo MPI CDMX."
        ),
        "metodo_calculo": (
            "M1 (Número de informes realizados en período que se informa/T Número informes solicitados por "
            "el INFO CDMX) *100"
        ),
        "unidad_medida": "Informes realizados.",
        "linea_base": "Informes realizados en el año inmediato anterior.",
        "responsables": "Unidad de Transparencia.",
        "fuente_informacion": (
            "Informes bimestrales en materia de transparencia que se presentan y se aprueban en las sesiones "
            "del Comité de Transparencia."
        ),
    },
    '5.2': {
        "meta_texto": (
            "Dar atención de manera eficiente a las solicitudes de información que llegan a través del "
            "sistema SISAI 2.0 rectificando, cancelando los datos personales recibidos por medios "
            "electrónicos o presenciales en la Oficina de Información Pública del Mecanismo de acuerdo con "
            "la Normatividad vigente en la Materia con ética y responsabilidad en la atención a las "
            "solicitudes."
        ),
        "indicador": "Número de solicitudes de información que ingresaron y que se desahogaron.",
        "dimension": "Solicitudes de información que ingresaron y que se desahogaron.",
        "definicion": (
            "Dar atención de manera eficiente a las solicitudes de información que llegan a través del "
            "sistema SISAI 2.0."
        ),
        "metodo_calculo": (
            "M1 (Número de solicitudes atendidas en el periodo reportado /T Número de solicitudes atendidas "
            "en el período inmediato anterior) *100"
        ),
        "unidad_medida": "Solicitudes atendidas.",
        "linea_base": "Solicitudes atendidas en el año inmediato anterior.",
        "responsables": "Unidad de Transparencia.",
        "fuente_informacion": (
            "Reporte en el Sistema de Captura de Reportes Estadísticos de Solicitudes de Información."
        ),
    },
    '5.3': {
        "meta_texto": "Generar trimestralmente el reporte de estadísticas de las solicitudes de información.",
        "indicador": "Número total de los reportes generados.",
        "dimension": "Reportes generados.",
        "definicion": (
            "Actualizar la Plataforma Nacional de Transparencia y generar el reporte trimestral "
            "correspondiente, con la finalidad de tener visibilidad de los temas de interés público y de "
            "esta manera generar la información para la actualización de la página institucional."
        ),
        "metodo_calculo": (
            "M1 (Número de informes realizados en período que se informa/T Número informes solicitados por "
            "el INFO CDMX) *100"
        ),
        "unidad_medida": "Informes realizados.",
        "linea_base": "Reportes generados en el año inmediato anterior.",
        "responsables": "Unidad de transparencia.",
        "fuente_informacion": (
            "Reporte en el Sistema de Captura de Reportes Estadísticos de Solicitudes de Información."
        ),
    },
    '5.4': {
        "meta_texto": (
            "Que el Comité de Transparencia lleve a cabo cuatro sesiones programadas con la finalidad de "
            "verificar que los procedimientos en materia de transparencia que realicen las Unidades "
            "Administrativas sigan los principios de: I. Certeza II. Eficacia III. Imparcialidad IV. "
            "Independencia V. Legalidad VI. Máxima publicidad VII. Objetividad VIII. Profesionalismo IX. "
            "Transparencia."
        ),
        "indicador": "Número de sesiones ordinarias y extraordinarias conforme al calendario establecido.",
        "dimension": "Sesiones ordinarias realizadas por el Comité de Transparencia.",
        "definicion": (
            "Que el Comité de Transparencia cumpla con las obligaciones establecidas en la Ley, realizando y "
            "proponiendo acciones preventivas con la finalidad de garantizar el derecho de toda persona de "
            "acceso a la información y protección de sus datos personales."
        ),
        "metodo_calculo": (
            "M1 (Número de sesiones del comité de transparencia en el período que se informa/T el número de "
            "sesiones del comité de transparencia programadas) * 100"
        ),
        "unidad_medida": "Sesiones realizadas.",
        "linea_base": "Sesiones del comité realizadas en la gestión inmediata anterior.",
        "responsables": "Unidad de Transparencia.",
        "fuente_informacion": "Actas de las sesiones.",
    },
    '6': {
        "meta_texto": "Aprobación del Plan Anual de Trabajo 2023 por la Junta de Gobierno",
        "indicador": "N/A",
        "dimension": "Planeación terminada.",
        "definicion": (
            "Elaboración y aprobación del plan anual 2023. Se debe considerar que el cumplimiento de las "
            "actividades en la Planeación está sujeto al presupuesto aprobado para el ejercicio 2023, "
            "mientras que las actividades que se realicen en colaboración con otras instituciones están "
            "sujetas también a los tiempos de las otras instituciones."
        ),
        "metodo_calculo": "No aplica.",
        "unidad_medida": "Planeación 2023 aprobada.",
        "linea_base": "Acciones cumplidas en el año inmediato anterior.",
        "responsables": "Dirección General.",
        "fuente_informacion": (
            "Acta de la Junta de Gobierno mediante la que se aprueba el Plan Anual de Trabajo 2023."
        ),
    },
}

# --------------------------------------------------------------------------------------------
# ILLUSTRATIVE actuals (not official figures): Realizado per quarter (Marzo, Junio, Septiembre,
# Diciembre); None = quarter not reported.  Designed so that, with the engine rules, every
# semáforo state appears in 2023 (see docs/decisiones_plan.md, "Avances ilustrativos").
# --------------------------------------------------------------------------------------------
Quarterly = tuple[float | None, float | None, float | None, float | None]

AVANCES_ILUSTRATIVOS: dict[int, dict[str, Quarterly]] = {
    BASELINE_YEAR: {
        "1.1.1": (1, 1, 1, 1),
        "1.1.2": (2, 1, 2, 1),
        "1.1.3": (0, 0, 0, 1),
        "1.1.4": (1, 0, 0, 0),
        "1.1.5": (1, 1, 1, 1),
        "1.2.1": (31, 36, 40, 44),
        "1.2.2.a": (4, 3, 5, 4),
        "1.2.2.b": (1, 0, 1, 1),
        "1.2.3": (2, 3, 2, 2),
        "1.3": (2, 2, 3, 2),
        "1.4": (380, 405, 421, 398),
        "1.5.1": (15, 21, 19, 27),
        "1.5.2": (5, 8, 6, 9),
        "2.1": (0, 1, 0, 1),
        "2.2": (2, 3, 3, 4),
        "2.3": (0, 0, 1, 0),
        "3.1": (1, 0, 1, 1),
        "3.2": (1, 1, 1, 0),
        "3.3": (1, 1, 1, 1),
        "3.4": (0, 1, 1, 1),
        "3.5": (0, 1, 1, 0),
        "4.1": (0, 0, 0, 1),
        "5.1": (1, 1, 1, 1),
        "5.2": (22, 30, 28, 25),
        "5.3": (1, 1, 1, 1),
        "5.4": (1, 1, 1, 1),
        "6": (1, 0, 0, 0),
    },
    PLAN_YEAR: {
        "1.1.1": (1, 1, 1, 1),  # verde every quarter
        "1.1.2": (1, 2, 2, 2),  # rojo 66.7 %, verde, amarillo over 111.1 %, amarillo over 116.7 %
        "1.1.3": (0, 0, 0, 1),  # hito: pendiente Marzo–Septiembre, verde Diciembre
        "1.1.4": (1, 0, 0, 0),  # hito reached in Marzo: verde
        "1.1.5": (2, 1, 2, 1),  # conteo: informativo
        "1.2.1": (38, 45, 41, 52),  # periodo_anterior: informativo
        "1.2.2.a": (5, 3, 4, 6),  # no meta: sin_meta
        "1.2.2.b": (0, 1, 0, 2),  # no meta and nothing done in Marzo: sin_meta
        "1.2.3": (3, 2, 4, 3),  # conteo: informativo
        "1.3": (2, 3, 3, 2),  # amarillo under 80 %, verde, verde 106.7 %, verde
        "1.4": (412, 398, 455, 430),  # anio_anterior: informativo
        "1.5.1": (18, 25, 22, 31),  # anio_anterior: informativo
        "1.5.2": (6, 9, 7, 11),  # conteo: informativo
        "2.1": (0, 0, 1, 1),  # hito: pendiente, pendiente, verde, verde
        "2.2": (3, 4, None, 5),  # no meta; Septiembre not reported → sin_dato in Sept. and Dic.
        "2.3": (0, 0, 0, 0),  # hito not reached by Diciembre: rojo
        "3.1": (0, 1, 1, 1),  # rojo 0 %, rojo 66.7 %, amarillo 88.9 %, verde
        "3.2": (1, 1, 1, 1),  # verde
        "3.3": (1, 1, 2, 1),  # verde, verde, rojo 133.3 %, amarillo over 125 %
        "3.4": (1, 1, None, 2),  # verde, verde, sin_dato, sin_dato (Septiembre missing: R_4 unknown)
        "3.5": (1, 0, 1, 1),  # rojo 133.3 %, rojo 66.7 %, amarillo 88.9 %, verde
        "4.1": (0, 0, 1, 0),  # hito reached in Septiembre
        "5.1": (1, 1, 1, 1),  # verde
        "5.2": (27, 35, 31, 24),  # periodo_anterior: informativo
        "5.3": (1, 0, 2, 1),  # verde, rojo 50 %, verde, verde
        "5.4": (1, 1, 1, 2),  # verde, verde, verde, amarillo over 125 %
        "6": (1, 0, 0, 0),  # hito reached in Marzo (approved in January)
    },
}

# Justificación of every 2023 quarter in rojo or amarillo (and a few others worth explaining).
JUSTIFICACIONES: dict[tuple[int, str, int], str] = {
    (PLAN_YEAR, "1.1.2", 1): (
        "Solo se celebró una sesión del Consejo en el trimestre: la segunda sesión se reprogramó para "
        "abril por falta de quórum."
    ),
    (PLAN_YEAR, "1.1.2", 3): (
        "Se convocó una sesión extraordinaria para determinar medidas urgentes de casos incorporados, "
        "adicional a las programadas."
    ),
    (PLAN_YEAR, "1.1.2", 4): (
        "El acumulado supera lo programado por la sesión extraordinaria de agosto; la meta establece "
        "«al menos 6» sesiones."
    ),
    (PLAN_YEAR, "1.3", 1): (
        "Dos talleres programados se pospusieron a solicitud de los colectivos participantes; se "
        "realizaron en abril."
    ),
    (PLAN_YEAR, "2.3", 4): (
        "El instrumento de colaboración con el organismo internacional quedó en revisión jurídica y no "
        "se formalizó en 2023; se prevé su firma en el primer trimestre de 2024."
    ),
    (PLAN_YEAR, "3.1", 1): (
        "La capacitación prevista para marzo se reprogramó por la disponibilidad de la persona "
        "facilitadora."
    ),
    (PLAN_YEAR, "3.1", 2): (
        "Se realizó la capacitación reprogramada; la del segundo trimestre quedó pendiente por la "
        "agenda de las organizaciones convocadas."
    ),
    (PLAN_YEAR, "3.1", 3): (
        "El rezago disminuye con la capacitación de agosto; se recupera en el cuarto trimestre."
    ),
    (PLAN_YEAR, "3.3", 3): (
        "Se impartieron dos talleres de seguridad digital por la alta demanda de colectivas de "
        "periodistas."
    ),
    (PLAN_YEAR, "3.3", 4): (
        "Se rebasó la meta anual (5 de 4 capacitaciones) por solicitudes adicionales de "
        "organizaciones sociales."
    ),
    (PLAN_YEAR, "3.4", 3): "El área responsable no entregó el reporte de septiembre a tiempo para el corte.",
    (PLAN_YEAR, "3.5", 1): (
        "Se adelantó una capacitación programada para el segundo trimestre a petición de una colectiva."
    ),
    (PLAN_YEAR, "3.5", 2): (
        "No se realizaron capacitaciones en el trimestre porque una se adelantó a marzo y otra se "
        "reprogramó para julio."
    ),
    (PLAN_YEAR, "3.5", 3): "Se realizó la capacitación reprogramada; el avance se regulariza en diciembre.",
    (PLAN_YEAR, "5.3", 2): (
        "El reporte del segundo trimestre se generó en julio por intermitencias de la Plataforma "
        "Nacional de Transparencia."
    ),
    (PLAN_YEAR, "5.3", 3): "Incluye el reporte del segundo trimestre generado con retraso en julio.",
    (PLAN_YEAR, "5.4", 4): (
        "Se celebró una sesión extraordinaria del Comité para aprobar la clasificación de información "
        "reservada."
    ),
}

# Evidencia templates per clave ({n} quarter number, {mes} quarter month, {anio} year); only used
# when something was done in the quarter.
EVIDENCIAS: dict[str, str] = {
    "1.1.1": "Acta de sesión ordinaria {n}/{anio} de la Junta de Gobierno",
    "1.1.2": "Actas de las sesiones del Consejo de Evaluación de Medidas ({mes} {anio})",
    "1.1.3": "Relatoría de la Mesa de Trabajo Multisectorial {anio}",
    "1.1.4": (
        "Publicación de los Lineamientos de acción social {anio} en la Gaceta Oficial de la Ciudad de "
        "México"
    ),
    "1.1.5": "Minutas de trabajo con el Consejo Consultivo ({mes} {anio})",
    "2.1": (
        "Lista de asistencia y constancias de la capacitación a la Junta de Gobierno y al Consejo ({mes} "
        "{anio})"
    ),
    "2.3": "Carta de intención firmada con el organismo internacional ({anio})",
    "3.1": "Listas de asistencia y memoria fotográfica ({mes} {anio})",
    "3.2": "Listas de asistencia y memoria fotográfica ({mes} {anio})",
    "3.3": "Listas de asistencia y memoria fotográfica ({mes} {anio})",
    "3.4": "Listas de asistencia y memoria fotográfica ({mes} {anio})",
    "3.5": "Listas de asistencia y memoria fotográfica ({mes} {anio})",
    "4.1": "Certificado «100 % capacitados» emitido por el INFO CDMX ({anio})",
    "5.1": "Acuse de carga en el SIPOT del trimestre anterior ({mes} {anio})",
    "5.2": "Reporte estadístico de solicitudes de información ({mes} {anio})",
    "5.3": "Reporte trimestral de la Plataforma Nacional de Transparencia ({mes} {anio})",
    "5.4": "Acta de sesión del Comité de Transparencia {n}/{anio}",
    "6": "Acta de la Junta de Gobierno que aprueba el Plan Anual de Trabajo {anio}",
}
EVIDENCIA_GENERICA = "Informe bimestral presentado ante la Junta de Gobierno ({mes} {anio})"

NOTA_ILUSTRATIVA = (
    "Los avances (hoja Avances) son ILUSTRATIVOS: sirven para probar el tablero y no son cifras "
    "oficiales del MPI CDMX."
)

PARAMETROS: list[tuple[str, float, str]] = [
    (
        "verde_min",
        90,
        "Cumplimiento mínimo (en %) para semáforo verde. El límite pertenece al color mejor: 90 % es verde.",
    ),
    (
        "verde_max",
        110,
        "Cumplimiento máximo (en %) para semáforo verde; por arriba es amarillo (sobrecumplimiento).",
    ),
    (
        "amarillo_min",
        70,
        "Cumplimiento mínimo (en %) para semáforo amarillo; por debajo es rojo.",
    ),
    (
        "amarillo_max",
        130,
        "Cumplimiento máximo (en %) para semáforo amarillo; por arriba es rojo (sobrecumplimiento excesivo).",
    ),
    ("datos_ilustrativos", 1, "1 = los avances son ilustrativos, no cifras oficiales"),
]

# --------------------------------------------------------------------------------------------
# Léame: every sheet and column explained (Spanish).
# --------------------------------------------------------------------------------------------
LEAME_HEADERS = ("Hoja", "Columna", "Descripción", "Valores permitidos")
_TRIMESTRES = "1–4, T1–T4 o Marzo/Junio/Septiembre/Diciembre (este libro usa los nombres de mes)"

LEAME: list[tuple[str, str, str, str]] = [
    (
        "(Libro)",
        "",
        "Plan Anual de Trabajo 2023 del Mecanismo de Protección Integral de Personas Defensoras de "
        "Derechos Humanos y Periodistas de la Ciudad de México (MPI CDMX), con una fila por indicador y "
        "año, y los avances trimestrales (Marzo, Junio, Septiembre y Diciembre); los avances de 2022 "
        "son la línea base de 2023 (no hay filas de Plan 2022). Los textos de la hoja "
        "Plan se copiaron del plan tal como están escritos; las decisiones tomadas donde el plan es "
        "ambiguo están en docs/decisiones_plan.md y, en breve, en la columna Notas.",
        "",
    ),
    ("(Libro)", "", NOTA_ILUSTRATIVA, ""),
    (
        "(Libro)",
        "",
        "Los encabezados deben escribirse como aquí (se aceptan mayúsculas/minúsculas y acentos "
        "distintos). Las celdas vacías significan «sin dato». El libro no contiene fórmulas ni macros.",
        "",
    ),
    ("Plan", "", "Una fila por indicador y año: la ficha técnica de cada acción del plan y su meta.", ""),
    (
        "Plan",
        "Clave",
        "Número de la acción en el plan (por ejemplo 1.1.1 o 1.2.2.a). Única en cada año.",
        "Texto",
    ),
    ("Plan", "Año", "Ejercicio al que pertenece la fila (este libro: 2023).", "Número entero (por ejemplo 2023)"),
    ("Plan", "Programa", "Encabezado del programa del plan al que pertenece la acción.", "Texto"),
    (
        "Plan",
        "Objetivo",
        "Objetivo de la acción según la columna «Objetivo» del cronograma de actividades del plan.",
        "Texto",
    ),
    ("Plan", "Acción", "Título de la acción en el plan.", "Texto"),
    ("Plan", "Indicador", "Indicador de la ficha técnica.", "Texto"),
    ("Plan", "Dimensión", "Dimensión para medir, según la ficha técnica.", "Texto"),
    ("Plan", "Definición", "Definición del indicador, según la ficha técnica.", "Texto"),
    (
        "Plan",
        "Método de cálculo",
        "Método de cálculo con variable de la fórmula, según la ficha técnica.",
        "Texto",
    ),
    ("Plan", "Unidad de medida", "Unidad en la que se cuenta lo realizado.", "Texto"),
    (
        "Plan",
        "Meta anual",
        "Meta numérica del año (en la unidad de medida). Vacía cuando el plan no fija un número: sin "
        "calendario (Programado T1–T4) no hay cumplimiento y el semáforo muestra «sin meta» si no se "
        "realizó nada o «informativo» si se realizó algo; con calendario el cumplimiento se calcula "
        "contra lo programado.",
        "Número ≥ 0 o vacío",
    ),
    (
        "Plan",
        "Meta ajustada",
        "Meta modificada durante el año; si tiene valor, sustituye a la Meta anual en los cálculos.",
        "Número ≥ 0 o vacío",
    ),
    (
        "Plan",
        "Tipo de cálculo",
        "Cómo se calcula el indicador. avance_meta: cumplimiento = realizado ÷ programado × 100 "
        "(acumulados o del trimestre, según Acumulación), con semáforo por umbrales; si no hay meta: "
        "sin_meta (nada realizado) o informativo. periodo_anterior: valor = realizado del trimestre ÷ "
        "realizado del trimestre anterior × 100 (informativo). anio_anterior: valor = realizado "
        "acumulado ÷ realizado acumulado al mismo trimestre del año anterior × 100 (informativo). "
        "conteo: valor = número realizado acumulado (informativo). hito: evento único; verde en "
        "cuanto algún trimestre informa Realizado ≥ 1, rojo si no se cumplió al vencer (el primer "
        "trimestre con Programado ≥ 1; sin él, Diciembre), pendiente antes. Los acumulados suman los "
        "trimestres 1 a k: si falta alguno, el acumulado queda vacío (sin dato; un faltante no es 0).",
        "avance_meta, periodo_anterior, anio_anterior, conteo, hito",
    ),
    (
        "Plan",
        "Acumulación",
        "Aplica a avance_meta. acumulado: se comparan los totales de enero a la fecha (realizado "
        "acumulado ÷ programado acumulado). periodo: cada trimestre se compara por separado (realizado "
        "del trimestre ÷ programado del trimestre). En periodo_anterior se anota «periodo» solo como "
        "descripción: su fórmula ya compara trimestres.",
        "acumulado, periodo",
    ),
    (
        "Plan",
        "Frecuencia",
        "Frecuencia de medición, con las palabras del cronograma del plan.",
        "Texto (este libro: De manera trimestral; De manera anual en la acción 6)",
    ),
    (
        "Plan",
        "Sentido",
        "Sentido del avance según el cronograma: Ascendente = más es mejor; Descendente = menos es mejor.",
        "Ascendente, Descendente",
    ),
    (
        "Plan",
        "Programado T1",
        "Cantidad programada para el trimestre 1 (Marzo). Si las cuatro columnas Programado están "
        "vacías se usa Meta ÷ 4 en cada trimestre («25 % de manera trimestral»); si se llena alguna, "
        "las vacías cuentan como 0. En un hito, el trimestre con 1 es su vencimiento.",
        "Número ≥ 0 o vacío",
    ),
    ("Plan", "Programado T2", "Cantidad programada para el trimestre 2 (Junio).", "Número ≥ 0 o vacío"),
    ("Plan", "Programado T3", "Cantidad programada para el trimestre 3 (Septiembre).", "Número ≥ 0 o vacío"),
    ("Plan", "Programado T4", "Cantidad programada para el trimestre 4 (Diciembre).", "Número ≥ 0 o vacío"),
    ("Plan", "Línea base", "Línea base según la ficha técnica.", "Texto"),
    ("Plan", "Responsables", "Áreas responsables según la ficha técnica.", "Texto"),
    ("Plan", "Fuente de información", "Fuente de información según la ficha técnica.", "Texto"),
    (
        "Plan",
        "Verde mín",
        "Umbral propio del indicador (en %); vacío = se usa el de la hoja Parámetros. Se usan solo si "
        "las cuatro columnas de umbral de la fila tienen valor (con 1 a 3 se da un aviso).",
        "Número ≥ 0 o vacío",
    ),
    ("Plan", "Verde máx", "Umbral propio del indicador (en %); vacío = Parámetros.", "Número ≥ 0 o vacío"),
    ("Plan", "Amarillo mín", "Umbral propio del indicador (en %); vacío = Parámetros.", "Número ≥ 0 o vacío"),
    ("Plan", "Amarillo máx", "Umbral propio del indicador (en %); vacío = Parámetros.", "Número ≥ 0 o vacío"),
    (
        "Plan",
        "Meta programada (texto del plan)",
        "La frase de la «Meta programada» tal como está en el plan (documental, no se usa en cálculos).",
        "Texto",
    ),
    (
        "Plan",
        "Origen",
        "Dónde aparece la acción en el plan: con ficha técnica, o solo en el cronograma de actividades "
        "(sin ficha, por eso sin indicador ni meta).",
        "Ficha técnica, Solo cronograma",
    ),
    ("Plan", "Notas", "Decisiones tomadas al capturar la fila (ver docs/decisiones_plan.md).", "Texto"),
    ("Avances", "", "Una fila por indicador, año y trimestre con lo realizado. " + NOTA_ILUSTRATIVA, ""),
    (
        "Avances",
        "Clave",
        "Clave del indicador; debe existir en la hoja Plan para ese año o para el año siguiente (los "
        "avances del año anterior son la línea base y no necesitan filas de Plan de ese año).",
        "Texto",
    ),
    ("Avances", "Año", "Ejercicio del avance.", "Número entero"),
    ("Avances", "Trimestre", "Trimestre que se informa.", _TRIMESTRES),
    (
        "Avances",
        "Realizado",
        "Cantidad realizada en el trimestre (no acumulada), en la unidad de medida. Un trimestre sin "
        "fila se muestra como «sin dato» y no cuenta como 0: los acumulados de los trimestres "
        "siguientes quedan vacíos (sin dato) hasta que se capture.",
        "Número ≥ 0",
    ),
    (
        "Avances",
        "Justificación",
        "Explicación de la variación; se espera en todo trimestre con semáforo rojo o amarillo.",
        "Texto",
    ),
    (
        "Avances",
        "Evidencia",
        "Documento que respalda lo realizado (acta, lista de asistencia, acuse).",
        "Texto",
    ),
    ("Parámetros", "", "Valores generales del tablero.", ""),
    (
        "Parámetros",
        "Parámetro",
        "Nombre del parámetro.",
        "verde_min, verde_max, amarillo_min, amarillo_max, datos_ilustrativos",
    ),
    ("Parámetros", "Valor", "Valor numérico del parámetro.", "Número"),
    ("Parámetros", "Descripción", "Qué significa el parámetro.", "Texto"),
    (
        "Parámetros",
        "(umbrales)",
        "Semáforo sobre el cumplimiento: verde de 90 % a 110 %; amarillo de 70 % a menos de 90 % o de "
        "más de 110 % a 130 %; rojo fuera de esos rangos. Los límites pertenecen al color mejor.",
        "verde_min ≤ verde_max; amarillo_min ≤ verde_min; verde_max ≤ amarillo_max",
    ),
    (
        "(Semáforo)",
        "",
        "Estados: verde, amarillo, rojo (según umbrales); pendiente (hito que aún no vence); "
        "informativo (periodo_anterior, anio_anterior, conteo: sin semáforo); sin_dato (trimestre sin "
        "avance capturado, o en los acumulados un trimestre anterior sin capturar); sin_meta (no hay nada "
        "programado y no se realizó nada).",
        "verde, amarillo, rojo, pendiente, informativo, sin_dato, sin_meta",
    ),
]

# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


def _programado(accion: dict[str, Any], quarter: int) -> float | None:
    calendar = accion.get("programado")
    return None if calendar is None else calendar[quarter - 1]


def plan_rows() -> list[dict[str, Any]]:
    """One dict per Plan row (internal column names): the 2023 plan only.

    The 2022 actuals (Avances) are the línea base of 2023 and need no 2022 plan rows.
    """
    rows: list[dict[str, Any]] = []
    for anio in (PLAN_YEAR,):
        for accion in ACCIONES:
            clave = accion["clave"]
            origen = accion.get("origen", FICHA)
            ficha = FICHAS.get(clave, {})
            if origen == FICHA and not ficha:
                raise ValueError(f"La acción {clave} no tiene ficha técnica capturada.")
            notas = accion.get("notas")
            row: dict[str, Any] = {column.name: None for column in schema.PLAN_COLUMNS}
            row.update(
                clave=clave,
                anio=anio,
                programa=PROGRAMAS[schema.program_number(clave)],
                objetivo=accion["objetivo"],
                accion=accion["accion"],
                meta_anual=accion["meta_anual"],
                tipo_calculo=accion["tipo"],
                acumulacion=accion.get("acumulacion", "acumulado"),
                frecuencia=accion.get("frecuencia", "De manera trimestral"),
                sentido="Ascendente",
                meta_texto=ficha.get("meta_texto", CRONOGRAMA_META_TEXTO),
                origen=origen,
                notas=notas,
            )
            for field in (
                "indicador",
                "dimension",
                "definicion",
                "metodo_calculo",
                "unidad_medida",
                "linea_base",
                "responsables",
                "fuente_informacion",
            ):
                row[field] = ficha.get(field)
            for quarter, name in enumerate(schema.PROGRAMADO_COLUMNS, start=1):
                row[name] = _programado(accion, quarter)
            rows.append(row)
    return rows


def avances_rows() -> list[dict[str, Any]]:
    """One dict per Avances row (internal column names); unreported quarters have no row."""
    rows: list[dict[str, Any]] = []
    for anio, by_clave in AVANCES_ILUSTRATIVOS.items():
        for accion in ACCIONES:
            clave = accion["clave"]
            for quarter, realizado in enumerate(by_clave[clave], start=1):
                if realizado is None:
                    continue
                mes = schema.QUARTER_NAMES[quarter]
                evidencia = None
                if realizado > 0:
                    template = EVIDENCIAS.get(clave, EVIDENCIA_GENERICA)
                    evidencia = template.format(n=quarter, mes=mes.lower(), anio=anio)
                rows.append(
                    {
                        "clave": clave,
                        "anio": anio,
                        "trimestre": mes,
                        "realizado": realizado,
                        "justificacion": JUSTIFICACIONES.get((anio, clave, quarter)),
                        "evidencia": evidencia,
                    }
                )
    return rows


# --------------------------------------------------------------------------------------------
# Writer
# --------------------------------------------------------------------------------------------
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="691C32")  # CDMX institutional guinda
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
NARROW, MEDIUM, WIDE = 10, 18, 48
WIDTHS: dict[str, int] = {
    "clave": NARROW,
    "anio": 8,
    "trimestre": 12,
    "realizado": 11,
    "meta_anual": 11,
    "meta_ajustada": 11,
    "tipo_calculo": MEDIUM,
    "acumulacion": 13,
    "frecuencia": 12,
    "sentido": 12,
    "origen": 16,
    "parametro": 20,
    "valor": 10,
    **{name: 11 for name in schema.PROGRAMADO_COLUMNS},
    **{name: 11 for name in schema.THRESHOLD_COLUMNS},
}


def _check_no_formula(value: Any, where: str) -> None:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        raise ValueError(f"{where}: el texto no puede empezar con «{value[:1]}» (se leería como fórmula).")


def _write_table(
    ws: Worksheet,
    headers: Sequence[str],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for values in rows:
        for value, header in zip(values, headers, strict=True):
            _check_no_formula(value, f"Hoja {ws.title}, columna {header}")
        ws.append(list(values))
    ws.freeze_panes = "A2"
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A1:{last}{max(ws.max_row, 2)}"
    for index, name in enumerate(names, start=1):
        letter = get_column_letter(index)
        width = WIDTHS.get(name, WIDE)
        ws.column_dimensions[letter].width = width
        alignment = WRAP if width >= MEDIUM else TOP
        for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.alignment = alignment


def build_workbook() -> Workbook:
    """The whole workbook in memory (Plan, Avances, Parámetros, Léame)."""
    wb = Workbook()
    plan_ws = wb.active
    plan_ws.title = schema.SHEET_PLAN
    plan_names = [column.name for column in schema.PLAN_COLUMNS]
    _write_table(
        plan_ws,
        [column.header for column in schema.PLAN_COLUMNS],
        plan_names,
        ([row[name] for name in plan_names] for row in plan_rows()),
    )

    avances_ws = wb.create_sheet(schema.SHEET_AVANCES)
    avances_names = [column.name for column in schema.AVANCES_COLUMNS]
    _write_table(
        avances_ws,
        [column.header for column in schema.AVANCES_COLUMNS],
        avances_names,
        ([row[name] for name in avances_names] for row in avances_rows()),
    )

    parametros_ws = wb.create_sheet(schema.SHEET_PARAMETROS)
    _write_table(
        parametros_ws,
        [column.header for column in schema.PARAMETROS_COLUMNS],
        [column.name for column in schema.PARAMETROS_COLUMNS],
        PARAMETROS,
    )
    parametros_ws.column_dimensions["C"].width = 70

    leame_ws = wb.create_sheet(schema.SHEET_LEAME)
    _write_table(leame_ws, LEAME_HEADERS, ("hoja", "columna", "descripcion", "valores"), LEAME)
    for letter, width in zip("ABCD", (13, 30, 90, 45), strict=True):
        leame_ws.column_dimensions[letter].width = width
    return wb


_FIXED_ZIP_TIME = (2023, 1, 1, 0, 0, 0)
_FIXED_ISO = "2023-01-01T00:00:00Z"


def workbook_bytes() -> bytes:
    """The xlsx bytes, made reproducible (fixed zip timestamps and document dates)."""
    raw = io.BytesIO()
    build_workbook().save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda item: item.filename):
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{_FIXED_ISO}\g<2>", text
                )
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()


def write(path: Path = OUTPUT) -> Path:
    """Write the workbook to ``path`` (parent folders created) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes())
    return path


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    target = Path(args[0]) if args else OUTPUT
    written = write(target)
    print(f"Libro generado: {written} ({len(plan_rows())} filas de Plan, {len(avances_rows())} de Avances)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
