"""AppTest of the dashboard pages on the bundled workbook (read-only workbook mode, no store).

Every page renders for every quarter without exception or error box; selectors change what is shown;
downloads read back with openpyxl/pandas; formula injection in the data is neutralised in every file;
invalid data give a Spanish error box; the workbook is read once per data version.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from mpi_dash import config, data_access, exports, schema
from mpi_dash.summary import IPTT_HEADERS

REPO = Path(__file__).resolve().parent.parent
WORKBOOK = REPO / "data" / "plan_2023.xlsx"
PAGES = ("pages/resumen.py", "pages/programa.py", "pages/linea_base.py", "pages/tablas.py")
TIMEOUT = 60


@pytest.fixture()
def workbook(tmp_path, monkeypatch):
    """A private copy of the bundled workbook, served read-only (its own data version)."""
    path = tmp_path / "plan.xlsx"
    shutil.copy(WORKBOOK, path)
    monkeypatch.setenv(config.WORKBOOK_ENV, str(path))
    monkeypatch.delenv("MPI_DASH_DB", raising=False)
    return path


@pytest.fixture()
def downloads(monkeypatch):
    """Every file handed to st.download_button in this test: {file name: bytes}."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            files[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return files


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_every_page_script_starts_with_the_app_shell_guard():
    # pages/ next to app.py makes a fresh server start in legacy multipage mode; each page's first
    # statement after its imports must be ensure_app_shell() (see ui_common, interfaces.md).
    import ast

    for path in sorted((REPO / "pages").glob("*.py")):
        body = [n for n in ast.parse(path.read_text(encoding="utf-8")).body
                if not isinstance(n, (ast.Import, ast.ImportFrom))
                and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        first = body[0]
        assert isinstance(first, ast.Expr) and isinstance(first.value, ast.Call), path.name
        assert getattr(first.value.func, "id", "") == "ensure_app_shell", path.name


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_every_quarter(workbook, page):
    at = open_page(page)
    assert_clean(at)
    assert any("Datos ilustrativos" in w.value for w in at.warning)          # illustrative banner
    assert at.radio(key="trimestre").value == 4                               # latest quarter with data
    for k, month in schema.QUARTER_NAMES.items():
        at.radio(key="trimestre").set_value(k).run()
        assert_clean(at)
        assert any(f"corte a {month} 2023" in c.value for c in at.caption), month
    # 2022 is not a plan year (its actuals are only the línea base of 2023)
    assert at.radio(key="anio").options == ["2023"]


def test_resumen_counts_change_with_quarter(workbook):
    at = open_page(PAGES[0])
    labels = [m.label for m in at.metric]
    assert labels == ["🟢 Verde", "🟡 Amarillo", "🔴 Rojo", "⚪ Sin dato"]
    december = [m.value for m in at.metric]
    at.radio(key="trimestre").set_value(1).run()
    march = [m.value for m in at.metric]
    assert march != december
    # 27 plan indicators in 2023: the four counts plus the others listed in the caption add up
    assert any("Total de indicadores: 27" in c.value for c in at.caption)
    charts = at.get("plotly_chart")
    assert len(charts) == 1                                                   # one figure with every gauge
    spec = json.loads(charts[0].proto.spec)
    assert [t["type"] for t in spec["data"]] == ["indicator"] * 6            # one gauge per program


def test_resumen_lists_red_indicators_with_justificacion(workbook):
    at = open_page(PAGES[0])
    at.radio(key="trimestre").set_value(1).run()
    red = int(at.metric[2].value)
    justifications = [m.value for m in at.markdown if m.value.startswith("**Justificación:**")]
    assert red > 0 and len(justifications) == red


def test_programa_selector_changes_content(workbook):
    at = open_page(PAGES[1])
    first = [s.value for s in at.subheader]
    options = at.selectbox(key="programa").options
    assert len(options) == 6
    at.selectbox(key="programa").set_value("5").run()
    assert_clean(at)
    assert [s.value for s in at.subheader] != first
    assert any("Transparencia" in s.value for s in at.subheader)
    # the chosen program survives a page switch and a return
    at.switch_page(PAGES[0]).run()
    at.switch_page(PAGES[1]).run()
    assert at.selectbox(key="programa").value == "5"


def test_programa_detail_indicator_selector(workbook):
    at = open_page(PAGES[1])
    assert at.selectbox(key="indicador_1").value == "1.1.1"
    before = at.dataframe[0].value.copy()
    at.selectbox(key="indicador_1").set_value("1.3").run()
    assert_clean(at)
    assert not at.dataframe[0].value.equals(before)


def test_linea_base_shows_the_2022_baseline(workbook):
    # 2022 has actuals but no plan rows: they are the línea base of 2023
    at = open_page(PAGES[2])
    assert_clean(at)
    table = at.dataframe[1].value
    assert all(frame.proto.placeholder == "—" for frame in at.dataframe)
    assert "Con línea base" in set(table["situacion"])
    assert table["linea_base_acumulada"].notna().any()


def test_linea_base_marks_missing_baseline(workbook):
    book = openpyxl.load_workbook(workbook)
    sheet = book["Avances"]
    year_col = [c.value for c in sheet[1]].index("Año") + 1
    for row in range(sheet.max_row, 1, -1):                          # drop the 2022 actuals
        if sheet.cell(row, year_col).value == 2022:
            sheet.delete_rows(row)
    book.save(workbook)
    at = open_page(PAGES[2])
    assert_clean(at)
    assert any("Ningún indicador tiene línea base" in i.value for i in at.info)
    table = at.dataframe[1].value
    assert set(table["situacion"]) == {"Sin línea base"}


def test_tablas_downloads_read_back(workbook, downloads):
    at = open_page(PAGES[3])
    assert_clean(at)
    assert len(at.get("download_button")) == 3
    table = at.dataframe[0].value
    assert len(table) == 27
    # numbers stay numbers (header sorting is numeric: 25 < 100 < 116.7), shown with es-MX printf formats
    assert pd.api.types.is_float_dtype(table["avance_pct"]) and table["avance_pct"].isna().any()
    assert sorted(table["avance_pct"].dropna())[-1] >= 100
    assert at.dataframe[0].proto.placeholder == "—"                     # not Streamlit's English "None"
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["avance_pct"]["type_config"]["format"] == "%,.1f %%"
    assert columns["meta"]["type_config"]["format"] in {"%,.0f", "%,.1f"}
    assert "🔴 Rojo" in set(table["semaforo"])                                           # icon + word
    xlsx = downloads["indicadores_2023_diciembre.xlsx"]
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert wb.sheetnames == ["Resumen", *[f"Programa {n}" for n in range(1, 7)], "Notas"]
    sheets = pd.read_excel(io.BytesIO(xlsx), sheet_name=None, engine="openpyxl")
    assert len(sheets["Resumen"]) == 6
    assert sum(len(sheets[f"Programa {n}"]) for n in range(1, 7)) == 27
    assert list(sheets["Programa 1"].columns) == list(IPTT_HEADERS.values())
    csv = pd.read_csv(io.BytesIO(downloads["indicadores_2023_diciembre.csv"]), encoding="utf-8-sig")
    assert csv.shape == (27, len(IPTT_HEADERS) + 1)                     # + Nota: the data are illustrative
    assert set(csv["Nota"]) == {"Datos ilustrativos, no cifras oficiales."}
    sipot = pd.read_excel(io.BytesIO(downloads["sipot_indicadores_2023_diciembre.xlsx"]), engine="openpyxl")
    assert tuple(sipot.columns) == exports.SIPOT_COLUMNS and len(sipot) == 27
    assert set(sipot["Ejercicio"]) == {2023}
    # switching quarter produces the files of the new cut-off
    at.radio(key="trimestre").set_value(2).run()
    csv_junio = pd.read_csv(io.BytesIO(downloads["indicadores_2023_junio.csv"]), encoding="utf-8-sig")
    assert csv_junio["Realizado Septiembre"].isna().all()
    assert not csv["Realizado Septiembre"].isna().all()


def _inject(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    plan = wb[schema.SHEET_PLAN]
    headers = [c.value for c in plan[1]]
    cell = plan.cell(row=2, column=headers.index("Indicador") + 1)
    cell.value = '=HYPERLINK("http://x","clic")'
    cell.data_type = "s"  # a text cell that looks like a formula (what a malicious upload contains)
    avances = wb[schema.SHEET_AVANCES]
    headers = [c.value for c in avances[1]]
    for row in range(2, avances.max_row + 1):
        if avances.cell(row=row, column=headers.index("Año") + 1).value == 2023:
            cell = avances.cell(row=row, column=headers.index("Justificación") + 1)
            cell.value = "@SUM(1+1)*cmd|' /C calc'!A0"
            cell.data_type = "s"
    wb.save(path)


def test_downloads_neutralise_formula_injection(workbook, downloads):
    _inject(workbook)
    at = open_page(PAGES[3])
    assert_clean(at)
    for name, data in downloads.items():
        if name.endswith(".xlsx"):
            # xlsx: text is a string cell (never evaluated), exactly as typed — no apostrophe
            wb = openpyxl.load_workbook(io.BytesIO(data))
            cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
            assert all(c.data_type != "f" for c in cells), name
            risky = [c for c in cells
                     if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
            assert risky and all(c.data_type == "s" for c in risky), name
            assert not [c for c in cells if isinstance(c.value, str) and c.value.startswith("'=")], name
        else:
            # CSV has no cell types: the apostrophe keeps a spreadsheet from running the text
            back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
            assert back.loc[0, "Indicador"] == "'=HYPERLINK(\"http://x\",\"clic\")"
            assert (back["Justificación"].dropna().str.startswith("'@")).all()
    sipot = pd.read_excel(io.BytesIO(downloads["sipot_indicadores_2023_diciembre.xlsx"]), engine="openpyxl")
    assert sipot.loc[0, "Nombre del indicador"] == '=HYPERLINK("http://x","clic")'


@pytest.mark.parametrize("page", PAGES)
def test_invalid_data_show_spanish_error_not_traceback(tmp_path, monkeypatch, page):
    bad = tmp_path / "no_es_excel.xlsx"
    bad.write_bytes(b"esto no es un libro de Excel")
    monkeypatch.setenv(config.WORKBOOK_ENV, str(bad))
    monkeypatch.delenv("MPI_DASH_DB", raising=False)
    at = open_page(page)
    assert not at.exception
    assert len(at.error) == 1 and "no son válidos" in at.error[0].value
    assert not at.get("plotly_chart") and not at.metric


def test_workbook_read_once_per_version(workbook, monkeypatch):
    calls = []
    original = data_access.load_dataset

    def counting():
        calls.append(1)
        return original()

    monkeypatch.setattr(data_access, "load_dataset", counting)
    at = open_page(PAGES[0])
    for k in (1, 2, 3):
        at.radio(key="trimestre").set_value(k).run()
    for page in PAGES[1:]:
        at.switch_page(page).run()
    assert_clean(at)
    assert len(calls) == 1
    # new data → new version → read again
    _inject(workbook)
    at.radio(key="trimestre").set_value(4).run()
    assert len(calls) == 2


def test_missing_data_file_is_a_spanish_error(tmp_path, monkeypatch):
    monkeypatch.setenv(config.WORKBOOK_ENV, str(tmp_path / "no_existe.xlsx"))
    monkeypatch.delenv("MPI_DASH_DB", raising=False)
    at = open_page(PAGES[0])
    assert not at.exception
    assert len(at.error) == 1
    assert "no se pudieron leer" in at.error[0].value and "No se encontró el archivo" in at.error[0].value


def test_programa_shows_each_type_as_what_it_is(workbook):
    at = open_page(PAGES[1])                                     # program 1 has every tipo de cálculo
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Avance de la meta anual"].endswith(" %")
    assert metrics["Comparación con el trimestre anterior"].endswith("% del trimestre anterior")
    assert metrics["Comparación con el año anterior"].endswith("% del año anterior")
    assert metrics["Conteo acumulado en el año"].replace(",", "").isdigit()     # a count, not a percentage
    assert metrics["Hito"] in {"✅ Alcanzado", "⏳ No alcanzado"}
    bullets = [c for c in at.get("plotly_chart") if json.loads(c.proto.spec)["data"][0].get("gauge", {})
               .get("shape") == "bullet"]
    from mpi_dash.workbook import read_workbook

    plan = read_workbook(workbook).plan
    with_goal = plan[(plan["anio"] == 2023) & plan["clave"].str.startswith("1.")
                     & (plan["tipo_calculo"] == "avance_meta") & (plan["meta_anual"] > 0)]
    assert len(bullets) == len(with_goal) > 0                  # one bullet per avance_meta with a goal
    assert all(json.loads(c.proto.spec)["data"][0]["gauge"]["axis"]["range"][0] == 0 for c in bullets)


@pytest.mark.parametrize(("params", "expected"), [
    ({"anio": "2023", "trimestre": "Junio"}, (2023, 2)),
    ({"anio": "2022", "trimestre": "Junio"}, (2023, 2)),          # 2022 is only a baseline year
    ({"trimestre": "T3"}, (2023, 3)),
    ({"anio": "1999", "trimestre": "9"}, (2023, 4)),            # invalid → defaults (latest with data)
])
def test_cutoff_from_link(workbook, params, expected):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert_clean(at)
    assert (at.radio(key="anio").value, at.radio(key="trimestre").value) == expected


def test_config_hides_dataframe_export_and_tracebacks():
    """st.dataframe's own CSV download would bypass formula neutralisation; tracebacks are never shown."""
    import tomllib

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize("page", PAGES)
def test_unexpected_page_error_is_a_spanish_message(workbook, monkeypatch, page):
    from mpi_dash import summary

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail that must not reach the user")

    for name in ("at_cutoff", "baseline_table", "iptt_table"):
        monkeypatch.setattr(summary, name, broken)
    at = open_page(page)
    assert not at.exception
    assert len(at.error) == 1 and "Ocurrió un error inesperado" in at.error[0].value
    assert "internal detail" not in at.error[0].value


def test_data_text_is_inert_in_markdown(tmp_path, monkeypatch):
    # the data source label (file name here; upload author in store mode) is shown as text, not markdown
    path = tmp_path / "plan [clic](http:__x) _y_.xlsx"
    shutil.copy(WORKBOOK, path)
    monkeypatch.setenv(config.WORKBOOK_ENV, str(path))
    monkeypatch.delenv("MPI_DASH_DB", raising=False)
    at = open_page(PAGES[1])
    assert_clean(at)
    source = next(c.value for c in at.caption if "Fuente:" in c.value)
    assert r"\[clic\]\(http" in source and r"\_y\_" in source

