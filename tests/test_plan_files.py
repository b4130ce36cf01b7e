"""mpi_dash.plan_files: a plan folder of text files (CSV + TOML) → the plan workbook.

Every test writes a small plan folder of its own under ``tmp_path`` (two programs, three actions,
a 2023 baseline and 2024 avances); the shipped data/plan_2023 is covered by test_plan_workbook.py.
"""

from __future__ import annotations

import io
import math
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from mpi_dash import plan_files, schema
from mpi_dash.plan_files import PlanFilesError, build_plan, main, read_plan_folder, workbook_bytes
from mpi_dash.workbook import read_workbook

REPO_ROOT = Path(__file__).resolve().parents[1]

PLAN_TOML = """# comentario
anio = 2024

[programas]
1 = "1. PRIMER PROGRAMA"
2 = "2. SEGUNDO PROGRAMA"
"""
ACCIONES = """Clave,Objetivo,Acción,Origen
1.1,Objetivo uno,"Sesiones, ordinarias",Ficha técnica
1.2,Objetivo uno,Actividad del cronograma,Solo cronograma
2.1,Objetivo dos,Publicación,Ficha técnica
"""
INDICADORES = (
    "Clave,Meta anual,Meta ajustada,Tipo de cálculo,Acumulación,Frecuencia,Sentido,Programado T1,"
    "Programado T2,Programado T3,Programado T4,Verde mín,Verde máx,Amarillo mín,Amarillo máx,Notas\n"
    "1.1,4,,avance_meta,acumulado,De manera trimestral,Ascendente,1,1,1,1,,,,,Una por trimestre.\n"
    "1.2,,,conteo,acumulado,De manera trimestral,Ascendente,,,,,,,,,\n"
    "2.1,1,,hito,acumulado,De manera anual,Ascendente,0,1,0,0,,,,,Vence en Junio.\n"
)
FICHAS = """["1.1"]
meta_texto = "Realizar 4 sesiones."
indicador = "Número de sesiones."
metodo_calculo = "M1 (sesiones realizadas / programadas) * 100"

["1.2"]
meta_texto = "25% de manera trimestral"

["2.1"]
meta_texto = "Publicar una vez."
indicador = "Publicación."
"""
AVANCES = """Clave,Año,Trimestre,Realizado,Justificación,Evidencia
1.1,2023,Diciembre,3,,
1.1,2024,Marzo,1,,Acta 1/2024
1.1,2024,Junio,1.5,Una sesión extraordinaria,
2.1,2024,Marzo,0,,
"""
PARAMETROS = """Parámetro,Valor,Descripción
verde_min,90,Mínimo verde.
verde_max,110,Máximo verde.
amarillo_min,70,Mínimo amarillo.
amarillo_max,130,Máximo amarillo.
datos_ilustrativos,1,Los avances son ilustrativos.
"""
LEAME = """[[fila]]
hoja = "(Libro)"
descripcion = "Plan de prueba."

[[fila]]
hoja = "Plan"
columna = "Clave"
descripcion = "Número de la acción."
valores = "Texto"
"""
FILES = {
    "plan.toml": PLAN_TOML,
    "acciones.csv": ACCIONES,
    "indicadores.csv": INDICADORES,
    "fichas.toml": FICHAS,
    "avances.csv": AVANCES,
    "parametros.csv": PARAMETROS,
    "leame.toml": LEAME,
}


def write_folder(folder: Path, **changes: str | None) -> Path:
    """The sample plan folder; ``changes``: file name (``_`` for ``.``) → its text (None = absent)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = dict(FILES)
    for key, text in changes.items():
        files[key.replace("_csv", ".csv").replace("_toml", ".toml")] = text
    for name, text in files.items():
        if text is None:
            (folder / name).unlink(missing_ok=True)
        else:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "plan_2024")


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(PlanFilesError) as info:
        content = read_plan_folder(folder)
        plan_files.check_workbook(workbook_bytes(content), content)
    return [problem.mensaje for problem in info.value.problems]


# ------------------------------------------------------------------------------------------------
# Layout
# ------------------------------------------------------------------------------------------------
def test_every_plan_column_comes_from_exactly_one_file() -> None:
    sources = [
        *plan_files.PLAN_TOML_FIELDS,
        *plan_files.ACCIONES_FIELDS,
        *(name for name in plan_files.INDICADORES_FIELDS if name != "clave"),
        *plan_files.FICHA_FIELDS,
    ]
    assert sorted(sources) == sorted(column.name for column in schema.PLAN_COLUMNS)


def test_shipped_folder_has_exactly_the_files_of_the_layout() -> None:
    names = {path.name for path in (REPO_ROOT / "data" / "plan_2023").iterdir()}
    assert names == set(plan_files.FILES)


# ------------------------------------------------------------------------------------------------
# Building
# ------------------------------------------------------------------------------------------------
def test_build_assembles_the_plan_from_the_files(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    result = build_plan(folder, out)
    assert result.changed and result.avisos == () and out.is_file()
    data = read_workbook(out)
    plan = data.plan.set_index("clave")
    assert list(plan.index) == ["1.1", "1.2", "2.1"]  # the order of acciones.csv
    assert set(plan["anio"]) == {2024}
    assert plan.loc["1.1", "programa"] == "1. PRIMER PROGRAMA"
    assert plan.loc["2.1", "programa"] == "2. SEGUNDO PROGRAMA"
    assert plan.loc["1.1", "accion"] == "Sesiones, ordinarias"  # a quoted comma
    assert plan.loc["1.1", "meta_anual"] == 4
    assert [plan.loc["2.1", f"programado_t{q}"] for q in range(1, 5)] == [0, 1, 0, 0]
    assert math.isnan(plan.loc["1.2", "meta_anual"]) and math.isnan(plan.loc["1.2", "programado_t1"])
    assert plan.loc["1.1", "metodo_calculo"] == "M1 (sesiones realizadas / programadas) * 100"
    assert plan.loc["1.1", "notas"] == "Una por trimestre."
    assert plan.loc["1.2", "meta_texto"] == "25% de manera trimestral"
    assert plan.loc["1.2", "indicador"] is None and plan.loc["1.2", "notas"] is None
    assert plan.loc["2.1", "frecuencia"] == "De manera anual"
    assert plan.loc["1.2", "origen"] == "Solo cronograma"
    avances = data.avances
    assert avances[["clave", "anio", "trimestre", "realizado"]].values.tolist() == [
        ["1.1", 2023, 4, 3.0],
        ["1.1", 2024, 1, 1.0],
        ["1.1", 2024, 2, 1.5],
        ["2.1", 2024, 1, 0.0],
    ]
    assert avances["evidencia"].tolist()[1] == "Acta 1/2024"
    assert data.parametros == {
        "verde_min": 90, "verde_max": 110, "amarillo_min": 70, "amarillo_max": 130, "datos_ilustrativos": 1
    }


def test_numbers_are_written_as_numbers_and_texts_as_texts(folder: Path, tmp_path: Path) -> None:
    out = build_plan(folder, tmp_path / "plan.xlsx").path
    wb = openpyxl.load_workbook(out)
    plan = {row[0].value: row for row in wb[schema.SHEET_PLAN].iter_rows(min_row=2)}
    headers = [cell.value for cell in wb[schema.SHEET_PLAN][1]]
    meta = plan["1.1"][headers.index("Meta anual")]
    assert (meta.value, meta.data_type) == (4, "n")
    clave = plan["2.1"][0]
    assert (clave.value, clave.data_type) == ("2.1", "s")  # never a number, even though it looks like one
    realizado = wb[schema.SHEET_AVANCES]["D4"]
    assert realizado.value == 1.5


def test_leame_sheet_follows_leame_toml(folder: Path, tmp_path: Path) -> None:
    out = build_plan(folder, tmp_path / "plan.xlsx").path
    ws = openpyxl.load_workbook(out)[schema.SHEET_LEAME]
    rows = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert rows[0] == ["Hoja", "Columna", "Descripción", "Valores permitidos"]
    assert rows[1][0] == "(Libro)" and rows[1][2] == "Plan de prueba." and not rows[1][1] and not rows[1][3]
    assert rows[2] == ["Plan", "Clave", "Número de la acción.", "Texto"]


def test_sheets_are_styled_like_the_workbook_contract(folder: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(build_plan(folder, tmp_path / "plan.xlsx").path)
    assert wb.sheetnames == ["Plan", "Avances", "Parámetros", "Léame"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1])
    assert [cell.value for cell in wb[schema.SHEET_PLAN][1]] == [c.header for c in schema.PLAN_COLUMNS]


def test_output_is_deterministic_and_dated_on_1_january_of_the_plan_year(folder: Path) -> None:
    content = read_plan_folder(folder)
    first, second = workbook_bytes(content), workbook_bytes(read_plan_folder(folder))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}
        assert "2024-01-01T00:00:00Z" in archive.read("docProps/core.xml").decode()


def test_csv_with_bom_other_column_order_other_case_and_blank_lines(folder: Path, tmp_path: Path) -> None:
    reordered = (
        "\ufeffrealizado,CLAVE,Ano,trimestre,Evidencia,Justificacion\n"
        "3,1.1,2023,Diciembre,,\n"
        "\n"
        ",,,,,\n"
        "1,1.1,2024,Marzo,Acta 1/2024,\n"
        "1.5,1.1,2024,Junio,,Una sesión extraordinaria\n"
        "0,2.1,2024,Marzo,,\n"
    )
    write_folder(folder, avances_csv=reordered)
    reference = workbook_bytes(read_plan_folder(write_folder(tmp_path / "reference")))
    assert workbook_bytes(read_plan_folder(folder)) == reference


def test_toml_with_bom_and_crlf_line_ends(folder: Path, tmp_path: Path) -> None:
    write_folder(folder, fichas_toml="\ufeff" + FICHAS.replace("\n", "\r\n"))
    reference = workbook_bytes(read_plan_folder(write_folder(tmp_path / "reference")))
    assert workbook_bytes(read_plan_folder(folder)) == reference


# ------------------------------------------------------------------------------------------------
# Problems: every one at its file, line and column; nothing written
# ------------------------------------------------------------------------------------------------
_NO_NOTAS = INDICADORES.replace(",Notas\n", "\n").replace(",Una por trimestre.", "").replace(
    ",Vence en Junio.", ""
).replace(",,,,,\n", ",,,,\n")

# (id, file, text replaced in the sample file, replacement (None = the file is absent), part of a message)
PROBLEM_CASES: list[tuple[str, str, str, str | None, str]] = [
    ("missing-file", "avances.csv", "", None,
     'Archivo "avances.csv": no se encontró; se esperaba el archivo avances.csv en la carpeta'),
    ("unknown-column", "indicadores.csv", ",Sentido,", ",Sentid,",
     'Archivo "indicadores.csv", línea 1, columna "Sentid": se encontró "Sentid"; se esperaba una de las'),
    ("repeated-column", "acciones.csv", ",Origen\n", ",Origen,Clave\n",
     'Archivo "acciones.csv", línea 1, columna "Clave": se encontró "Clave"; se esperaba cada columna una'),
    ("missing-column", "indicadores.csv", INDICADORES, _NO_NOTAS,
     'Archivo "indicadores.csv", línea 1: se encontró "Clave, Meta anual,'),
    ("missing-column-named", "indicadores.csv", INDICADORES, _NO_NOTAS, "(faltan: Notas)."),
    ("empty-clave", "acciones.csv", "1.2,Objetivo", ",Objetivo",
     'Archivo "acciones.csv", línea 3, columna "Clave": la celda está vacía; se esperaba la clave de la'),
    ("not-a-number", "indicadores.csv", "1.1,4,", "1.1,cuatro,",
     'Archivo "indicadores.csv", línea 2, columna "Meta anual": se encontró "cuatro"; se esperaba un número'),
    ("unknown-tipo", "indicadores.csv", "2.1,1,,hito", "2.1,1,,hit",
     'Archivo "indicadores.csv", línea 4, columna "Tipo de cálculo": se encontró "hit"; se esperaba uno de:'),
    ("negative-realizado", "avances.csv", "1.1,2024,Marzo,1,", "1.1,2024,Marzo,-1,",
     'Archivo "avances.csv", línea 3, columna "Realizado": se encontró "-1"; se esperaba un número mayor'),
    ("avance-of-unknown-clave", "avances.csv", "2.1,2024,Marzo", "9.9,2024,Marzo",
     'Archivo "avances.csv", línea 5, columna "Clave": se encontró "9.9"'),
    ("thresholds-out-of-order", "parametros.csv", "verde_max,110", "verde_max,80",
     'Archivo "parametros.csv": se encontró "amarillo_min 70, verde_min 90, verde_max 80, amarillo_max 130"'),
    ("repeated-clave", "acciones.csv", "técnica\n1.2", "técnica\n1.1,Otro,Otra,Ficha técnica\n1.2",
     'Archivo "acciones.csv", línea 3, columna "Clave": se encontró "1.1"; se esperaba una sola línea por '
     "Clave (ya está en la línea 2)"),
    ("indicador-without-action", "indicadores.csv", "\n2.1,", "\n3.1,",
     'Archivo "indicadores.csv", línea 4, columna "Clave": se encontró "3.1"; se esperaba una Clave de '
     "acciones.csv"),
    ("action-without-indicador", "indicadores.csv", "\n2.1,", "\n3.1,",
     'Archivo "acciones.csv", línea 4, columna "Clave": se encontró "2.1"; se esperaba una línea con esa '
     "Clave en indicadores.csv"),
    ("missing-ficha", "fichas.toml", '["2.1"]', '["2.2"]',
     'Archivo "fichas.toml", sección ["2.1"]: no se encontró; se esperaba la ficha técnica de 2.1'),
    ("ficha-without-action", "fichas.toml", '["2.1"]', '["2.2"]',
     'Archivo "fichas.toml", sección ["2.2"]: se encontró "2.2"; se esperaba una Clave de acciones.csv'),
    ("unknown-ficha-field", "fichas.toml", 'indicador = "Publicación."', 'indicadr = "Publicación."',
     'Archivo "fichas.toml", sección ["2.1"], campo "indicadr": se encontró "indicadr"; se esperaba solo '
     "los campos meta_texto, indicador"),
    ("ficha-field-not-text", "fichas.toml", 'indicador = "Publicación."', "indicador = 3",
     'Archivo "fichas.toml", sección ["2.1"], campo "indicador": se encontró "3"; se esperaba un texto '
     "entre comillas"),
    ("invalid-toml", "fichas.toml", 'indicador = "Publicación."', 'indicador = "Publicación.',
     'Archivo "fichas.toml", línea 11, columna 26: se encontró "indicador = "Publicación."; se esperaba el '
     "formato TOML"),
    ("formula-in-csv", "acciones.csv", "Objetivo dos", "=HYPERLINK(1)",
     'Archivo "acciones.csv", línea 4, columna "Objetivo": se encontró "=HYPERLINK(1)"; se esperaba un '
     "texto que no empiece con «=»"),
    ("formula-in-number-column", "indicadores.csv", "1.1,4,", "1.1,=4*1,",
     'Archivo "indicadores.csv", línea 2, columna "Meta anual": se encontró "=4*1"; se esperaba un texto '
     "que no empiece con «=»"),
    ("formula-in-toml", "fichas.toml", '"Publicación."', '"@Publicación."',
     'Archivo "fichas.toml", sección ["2.1"], campo "indicador": se encontró "@Publicación."'),
    ("unknown-origen", "acciones.csv", "Solo cronograma", "Cronograma",
     'Archivo "acciones.csv", línea 3, columna "Origen": se encontró "Cronograma"; se esperaba Ficha '
     "técnica o Solo cronograma"),
    ("missing-program-heading", "plan.toml", '2 = "2. SEGUNDO PROGRAMA"\n', "",
     'Archivo "plan.toml", sección [programas], campo "2": no se encontró; se esperaba el encabezado'),
    ("year-as-text", "plan.toml", "anio = 2024", 'anio = "2024"',
     'Archivo "plan.toml", campo "anio": se encontró "2024"; se esperaba el año del plan'),
    ("unclosed-quote", "acciones.csv", "Publicación,", 'Publicación,"',
     'Archivo "acciones.csv", línea 4: se encontró "comillas sin cerrar"; se esperaba que cada texto que '
     "empieza con comillas"),
    ("extra-value", "acciones.csv", "Publicación,Ficha técnica", "Publicación,Ficha técnica,sobra",
     'Archivo "acciones.csv", línea 4: se encontró "sobra"; se esperaba a lo más 4 valores'),
    ("leame-unknown-field", "leame.toml", 'valores = "Texto"', 'valor = "Texto"',
     'Archivo "leame.toml", sección [[fila]] número 2, campo "valor": se encontró "valor"; se esperaba solo '
     "los campos hoja, columna, descripcion, valores"),
    ("leame-not-rows", "leame.toml", "[[fila]]", "[[filas]]",
     'Archivo "leame.toml": se encontró "filas, fila"; se esperaba solo secciones [[fila]]'),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [case[1:] for case in PROBLEM_CASES],
    ids=[case[0] for case in PROBLEM_CASES],
)
def test_problems_name_file_place_value_and_expectation(
    folder: Path, tmp_path: Path, name: str, old: str, new: str | None, expected: str
) -> None:
    sample = FILES[name]
    assert old in sample  # the case really changes the sample
    write_folder(folder, **{name: None if new is None else sample.replace(old, new, 1)})
    messages = problems_of(folder)
    assert any(expected in message for message in messages), messages
    out = tmp_path / "never.xlsx"
    with pytest.raises(PlanFilesError):
        build_plan(folder, out)
    assert not out.exists()


def test_non_utf8_file_names_the_line(folder: Path) -> None:
    latin1 = ACCIONES.encode("utf-8").replace("Publicación".encode("utf-8"), "Publicación".encode("latin-1"))
    (folder / "acciones.csv").write_bytes(latin1)
    assert problems_of(folder) == [
        'Archivo "acciones.csv", línea 4: se encontró "texto con otra codificación"; se esperaba texto en '
        "UTF-8 (en Excel: Guardar como → «CSV UTF-8»)."
    ]


def test_every_problem_of_every_file_is_listed_at_once(folder: Path) -> None:
    write_folder(
        folder,
        acciones_csv=ACCIONES.replace("Objetivo dos", "-Objetivo dos"),
        fichas_toml=FICHAS + '\n["7.1"]\nmeta_texto = "x"\n',
        parametros_csv=None,
    )
    messages = problems_of(folder)
    assert len(messages) == 3
    assert [message.split(",")[0] for message in messages] == [
        'Archivo "acciones.csv"',
        'Archivo "fichas.toml"',
        'Archivo "parametros.csv": no se encontró; se esperaba el archivo parametros.csv en la carpeta '
        f"{folder}.",
    ]


def test_a_failed_build_leaves_the_previous_workbook_untouched(folder: Path, tmp_path: Path) -> None:
    out = build_plan(folder, tmp_path / "plan.xlsx").path
    before = out.read_bytes()
    write_folder(folder, indicadores_csv=INDICADORES.replace("1.1,4,", "1.1,-4,"))
    with pytest.raises(PlanFilesError):
        build_plan(folder, out)
    assert out.read_bytes() == before


def test_avisos_of_the_reader_are_reported_and_the_workbook_is_written(folder: Path, tmp_path: Path) -> None:
    partial = INDICADORES.replace("1,1,1,1,,,,,Una", "1,1,1,1,95,,,,Una")  # 1 of the 4 row thresholds
    write_folder(folder, indicadores_csv=partial)
    result = build_plan(folder, tmp_path / "plan.xlsx")
    assert result.path.is_file()
    assert [problem.archivo for problem in result.avisos] == ["indicadores.csv"]
    assert result.avisos[0].donde.startswith("línea 2, columna")
    assert result.avisos[0].mensaje.startswith("Aviso. ")


# ------------------------------------------------------------------------------------------------
# Command line
# ------------------------------------------------------------------------------------------------
def test_main_writes_the_workbook_and_says_so(folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "salida.xlsx"
    assert main([str(folder), "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == (
        f"Libro generado: {out} (3 filas de Plan 2024, 4 de Avances, 5 parámetros)."
    )
    assert main([str(folder), "-o", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"Libro sin cambios (ya estaba al día): {out}")


def test_main_default_output_is_the_folder_name_with_xlsx(folder: Path) -> None:
    assert main([str(folder)]) == 0
    assert folder.with_suffix(".xlsx").is_file()


def test_main_lists_problems_and_exits_1(folder: Path, tmp_path: Path, capsys) -> None:
    write_folder(folder, indicadores_csv=INDICADORES.replace("1.1,4,", "1.1,cuatro,"))
    assert main([str(folder), "-o", str(tmp_path / "x.xlsx")]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"No se generó el libro: 1 error en «{folder}».\n")
    assert '- Archivo "indicadores.csv", línea 2, columna "Meta anual": se encontró "cuatro"' in out
    assert not (tmp_path / "x.xlsx").exists()


def test_main_usage_errors_exit_2(tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path / "no_existe")]) == 2
    assert "no existe la carpeta" in capsys.readouterr().err
    assert main([]) == 2
    assert "faltan argumentos obligatorios: carpeta" in capsys.readouterr().err


def test_main_unwritable_output_is_a_spanish_error(folder: Path, tmp_path: Path, capsys) -> None:
    assert main([str(folder), "-o", str(tmp_path / "no" / "existe.xlsx")]) == 1
    assert "no se pudo escribir" in capsys.readouterr().err


def test_module_runs_with_python_dash_m(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "mpi_dash.plan_files", str(folder), "-o", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Libro generado:") and out.is_file()


def test_main_solo_plan_writes_only_the_plan_sheet_and_needs_an_output(
    folder: Path, tmp_path: Path, capsys
) -> None:
    assert main([str(folder), "--solo-plan"]) == 2
    assert "con --solo-plan indique el archivo de salida con -o" in capsys.readouterr().err
    out = tmp_path / "cambios_plan.xlsx"
    assert main([str(folder), "--solo-plan", "-o", str(out)]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == f"Libro generado: {out} (3 filas de Plan 2024, solo la hoja Plan)."
    assert openpyxl.load_workbook(out).sheetnames == ["Plan"]
    assert not folder.with_suffix(".xlsx").exists()


# ------------------------------------------------------------------------------------------------
# How a plan change reaches an existing database (through the command line's import)
# ------------------------------------------------------------------------------------------------
def test_a_plan_change_reaches_an_existing_database_as_a_new_revision(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mpi_dash import cli

    seed = build_plan(folder, tmp_path / "plan_2024.xlsx").path
    monkeypatch.setenv("MPI_DASH_WORKBOOK", str(seed))
    monkeypatch.setenv("MPI_DASH_DB", str(tmp_path / "mpi_dash.sqlite"))
    assert cli.main(["historial"]) == 0  # first use: the database is seeded with the workbook (revision 1)
    real = tmp_path / "avances_junio.xlsx"  # a coordinator then loads a real avance (revision 2)
    wb = openpyxl.Workbook()
    wb.active.title = "Avances"
    wb.active.append(["Clave", "Año", "Trimestre", "Realizado"])
    wb.active.append(["1.1", 2024, "Junio", 2])
    wb.save(real)
    assert cli.main(["import", str(real), "--autor", "Coordinación", "--comentario", "Junio"]) == 0
    capsys.readouterr()

    # The planning area adjusts a meta in the text files and rebuilds: rebuilding alone changes nothing
    # stored (the database is never re-seeded); importing the Plan sheet saves one new revision.
    write_folder(folder, indicadores_csv=INDICADORES.replace("1.1,4,,", "1.1,4,5,"))
    only_plan = build_plan(folder, tmp_path / "cambios_plan.xlsx", solo_plan=True).path
    assert cli.main(["import", str(only_plan), "--autor", "Planeación", "--comentario", "Meta ajustada"]) == 0
    assert "Guardada la revisión 3: 1 celda cambiada" in capsys.readouterr().out
    # ...and the real avance is still there, untouched.
    assert cli.main(["import", str(real), "--autor", "Coordinación", "--comentario", "otra vez"]) == 0
    assert "idéntico a lo guardado" in capsys.readouterr().out
