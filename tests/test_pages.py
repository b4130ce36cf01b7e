"""AppTest of the dashboard pages on the bundled workbook (read-only workbook mode, no store).

Every page renders for every quarter without exception or error box; selectors change what is shown;
downloads read back with openpyxl/pandas; formula injection in the data is neutralised in every file;
invalid data give a Spanish error box; the workbook is read once per data version.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from shown_text import as_read
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


# Codes of the data model, ISO dates, hashes and «N/A» as a name (the ficha técnica's «Acumulación: acumulado»
# is caught by its cell value below).
CODES = re.compile(r"avance_meta|periodo_anterior|anio_anterior|sin_dato|sin_meta|direccion_desvio|tipo_calculo|"
                   r"\bN/A\b|\b\d{4}-\d{2}-\d{2}\b|\b[0-9a-f]{40,64}\b|^(acumulado|periodo|conteo|hito)$")


def page_texts(at: AppTest) -> list[str]:
    """Every text a person reads on the page (markdown, captions, titles, metrics, alerts)."""
    texts = [e.value for kind in ("markdown", "caption", "title", "subheader", "header", "warning", "info",
                                  "success") for e in at.get(kind)]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    texts += [str(v) for table in at.table for v in table.value.to_numpy().ravel()]
    return [str(t) for t in texts]


def assert_no_codes(at: AppTest) -> None:
    """No internal code on screen: tipo de cálculo, semáforo codes, ISO dates, hashes, «N/A»."""
    found = [t for t in page_texts(at) if CODES.search(t)]
    assert not found, found


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
        # the cut-off label says what the figures add up: year to date
        span = {1: "marzo", 2: "junio", 3: "septiembre", 4: "diciembre"}[k]
        assert any(f"corte a {month} 2023 (acumulado enero–{span})" in c.value for c in at.caption), month
        assert_no_codes(at)
    # 2022 is not a plan year (its actuals are only the línea base of 2023): one year, nothing to choose
    assert "anio" not in [r.key for r in at.radio] and at.session_state["anio"] == 2023


def test_resumen_counts_change_with_quarter(workbook):
    def counts_line() -> str:  # under the heading «¿Dónde están los problemas?» (one Markdown element)
        return next(p for p in cards(at) if p.startswith("Indicadores al corte:"))

    at = open_page(PAGES[0])
    counts = counts_line()
    assert "Total 27" in counts                                              # 27 plan indicators in 2023
    assert any(p == "### ¿Dónde están los problemas?\n\n" + counts or p == "### ¿Dónde están los problemas?"
               for p in cards(at))
    at.radio(key="trimestre").set_value(1).run()
    assert counts_line() != counts
    charts = at.get("plotly_chart")
    assert len(charts) == 2                                                 # the program bars + the trends
    spec = json.loads(charts[0].proto.spec)
    assert [t["type"] for t in spec["data"]] == ["indicator"] * 6            # one bar per program
    assert {t["gauge"]["shape"] for t in spec["data"]} == {"bullet"}



def test_resumen_lists_are_one_element_cards_then_problems_then_trends_heading():
    """Everything between Resumen's two charts is ONE Markdown element (ui_resumen.lists_text): the phone's
    program cards first (app CSS shows them only on a phone: they are the paragraphs before the first heading),
    the problems with their counts line, the trends' heading last; no exception → the all-clear is a box."""
    import ui_common
    import ui_resumen

    overview = ui_common.CutOverview("Indicadores al corte: 🟢 Verde 2 · Total 2", "**1. Uno**\n\n**2. Dos**", "")
    assert ui_resumen.lists_text(overview).split("\n\n") == [
        "**1. Uno**", "**2. Dos**", "### ¿Dónde están los problemas?", "Indicadores al corte: 🟢 Verde 2 · Total 2",
        "✅ Ningún indicador está en rojo, en amarillo ni sin dato en este corte.", "### Tendencia de cada programa"]
    with_problem = ui_common.CutOverview("Indicadores al corte: 🔴 Rojo 1 · Total 1", "**1. Uno**", "**🔴 Rojo · 1.1**")
    assert ui_resumen.lists_text(with_problem).split("\n\n")[2:4] == ["Indicadores al corte: 🔴 Rojo 1 · Total 1",
                                                                       "**🔴 Rojo · 1.1**"]


def test_a_mistyped_address_is_named_in_spanish_on_the_home_page(workbook):
    """scripts/serve.py sends /progr*ma to the home page with ?pagina_no_encontrada=…: the shell says so in Spanish,
    the name as plain text (never Markdown), and drops the parameter from the address."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.query_params["pagina_no_encontrada"] = "progr*ma*"
    at.run()
    assert_clean(at)
    notices = [w.value for w in at.warning if "No existe" in w.value]
    assert [as_read(n) for n in notices] == ["No existe la página «/progr*ma*» en el tablero: se abrió la página "
                                             "principal."]
    assert "\\*" in notices[0]                                                  # escaped: no italics
    assert "pagina_no_encontrada" not in at.query_params
    assert at.get("plotly_chart")                                                # Resumen is shown

def cards(at: AppTest) -> list[str]:
    """The markdown texts of the page as a person reads them (without the escapes and the invisible word
    joiners of ui_common.md that keep data inert), one per paragraph: a list of cards (program cards,
    exceptions) is one Markdown element whose paragraphs are the boxes."""
    return [as_read(p) for m in at.markdown for p in m.value.split("\n\n")]


@pytest.mark.parametrize("k", [1, 2])
def test_nothing_due_is_pendiente_not_zero(workbook, k):
    """Marzo and Junio: programs 2 and 4 only have milestones due in Diciembre → «Pendiente (vence en
    Diciembre)» with no number (it used to read a big «0.0 %»)."""
    at = open_page(PAGES[0])
    at.radio(key="trimestre").set_value(k).run()
    for number in ("2", "4"):
        card = next(c for c in cards(at) if c.startswith(f"**{number}. "))
        assert "⏳ Pendiente (vence en Diciembre)" in card and "%" not in card, card
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["data"][1].get("value") is None and spec["data"][3].get("value") is None


def test_missing_data_is_named_and_never_a_plain_verde(workbook):
    """Diciembre: program 3 is verde but 3.4 (with a meta) lacks its Septiembre report → «incompleto» and
    «⚠ 1 de 5 con meta o hito sin dato: 3.4»; 2.2 (no meta: informative) also lacks it → program 2 is NOT
    incompleto, the card names 2.2 in words of its own; the exceptions say which report is missing for both."""
    at = open_page(PAGES[0])
    three = next(c for c in cards(at) if c.startswith("**3. "))
    assert "🟢 Verde · incompleto" in three and "⚠ 1 de 5 con meta o hito sin dato: 3.4" in three
    assert "informativo" not in three
    two = next(c for c in cards(at) if c.startswith("**2. "))
    assert "🔴 Rojo ↓ rezago" in two and "incompleto" not in two and "sin dato" not in two
    assert "Sin reporte (informativo): 2.2" in two
    texts = cards(at)
    assert any("2.2" in t and "falta el reporte de Septiembre" in t for t in texts)
    assert any("3.4" in t and "falta el reporte de Septiembre" in t for t in texts)


def test_exceptions_list_by_severity_with_area_and_justificacion(workbook):
    at = open_page(PAGES[0])
    entries = [t for t in cards(at) if "Responsable:" in t]
    heads = [t.split("  \n")[0] for t in entries]
    # Diciembre: 2.3 rojo ↓ first, then the two sin dato, then the over-achievers (amarillo ↑)
    assert heads[0].startswith("**🔴 Rojo ↓ rezago · 2.3")
    assert [h.split(" · ")[0] for h in heads] == ["**🔴 Rojo ↓ rezago", "**⚪ Sin dato", "**⚪ Sin dato",
                                                  "**🟡 Amarillo ↑ sobrecumplimiento"] + \
        ["**🟡 Amarillo ↑ sobrecumplimiento"] * (len(heads) - 4)
    assert all(("Justificación:" in t) or ("Sin justificación registrada" in t) for t in entries)
    assert any("alta demanda" in t or "solicitudes adicionales" in t for t in entries)
    at.radio(key="trimestre").set_value(3).run()
    entries = [t for t in cards(at) if "Responsable:" in t]
    assert any(t.startswith("**🔴 Rojo ↑ sobrecumplimiento · 3.3") and "alta demanda" in t for t in entries)


def test_programa_selector_changes_content(workbook):
    at = open_page(PAGES[1])
    first = cards(at)
    options = at.radio(key="programa").options
    assert options == ["1", "2", "3", "4", "5", "6"]
    at.radio(key="programa").set_value("5").run()
    assert_clean(at)
    assert cards(at) != first
    assert any(h.value.replace("\\", "") == "5. Transparencia y gobierno abierto" for h in at.subheader)
    # the chosen program survives a page switch and a return
    at.switch_page(PAGES[0]).run()
    at.switch_page(PAGES[1]).run()
    assert at.radio(key="programa").value == "5"


def test_programa_lists_every_objective_and_full_name(workbook):
    at = open_page(PAGES[1])
    objectives = next(m.value for m in at.markdown if m.value.startswith("**Objetivos del programa**"))
    assert objectives.count("\n- ") == 5                         # program 1 has five different objectives
    assert any(h.value.replace("\\", "") == "1. Atención integral a personas defensoras de derechos humanos y "
               "periodistas" for h in at.subheader)


def test_programa_counts_of_program_2_at_septiembre(workbook):
    """Issue 21: program 2 at Septiembre read «incompleto · 1 de 3 sin dato: 2.2» although 2.2 (no meta) does
    not enter its figure.  Now: verde, complete, 2.2 named as an informative indicator without its report."""
    at = open_page(PAGES[1])
    at.radio(key="programa").set_value("2").run()
    at.radio(key="trimestre").set_value(3).run()
    assert_clean(at)
    card = next(t for t in cards(at) if t.startswith("🟢 Verde"))
    assert "incompleto" not in card and "sin dato" not in card and "Sin reporte (informativo): 2.2" in card
    caption = next(c.value for c in at.caption if "entran al avance" in c.value)
    assert caption.startswith("3 indicadores: 2 con meta anual o hito (entran al avance), 1 informativo (")


def test_programa_milestones_pending_before_due_and_missed_after(workbook):
    at = open_page(PAGES[1])
    at.radio(key="programa").set_value("2").run()
    at.radio(key="trimestre").set_value(1).run()
    hitos = [m.value for m in at.metric if m.label == "Hito"]
    assert hitos == ["⏳ Pendiente (vence en Diciembre)"] * 2          # 2.1 and 2.3, due in Diciembre
    at.radio(key="trimestre").set_value(4).run()
    assert sorted(m.value for m in at.metric if m.label == "Hito") == ["✅ Alcanzado", "❌ No alcanzado"]
    assert_no_codes(at)


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
    table = at.dataframe[0].value
    assert at.dataframe[0].proto.placeholder == "—"
    assert "Comparable" in set(table["situacion"])
    assert table["linea_base_acumulada"].notna().any()
    # signs on variations; counts without «.0» (number formats by column)
    assert {v[:1] for v in table["variacion"].dropna() if v not in ("—",) and not v.startswith("0.0")} <= {"+", "-"}
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["linea_base_acumulada"]["type_config"]["format"] == "%,.0f"
    by_program = at.table[0].value
    assert list(by_program.columns) == ["Suben", "Bajan", "Igual", "Sin comparar"]
    assert not any("mediana" in t or "índice" in t for t in page_texts(at))


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
    table = at.dataframe[0].value
    assert set(table["situacion"]) == {"Sin línea base"}


def test_tablas_downloads_read_back(workbook, downloads):
    at = open_page(PAGES[3])
    assert_clean(at)
    # Excel, CSV, SIPOT and, for the Junta de Gobierno, the deck and the PDF informe
    assert len(at.get("download_button")) == 5
    table = at.dataframe[0].value
    assert len(table) == 27
    # numbers stay numbers (header sorting is numeric: 25 < 100 < 116.7), shown with es-MX printf formats
    assert pd.api.types.is_float_dtype(table["avance_pct"]) and table["avance_pct"].isna().any()
    assert sorted(table["avance_pct"].dropna())[-1] >= 100
    assert at.dataframe[0].proto.placeholder == "—"                     # not Streamlit's English "None"
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["avance_pct"]["type_config"]["format"] == "%,.1f\u00a0%%"          # «%» never wraps alone
    assert columns["meta"]["type_config"]["format"] in {"%,.0f", "%,.1f"}
    assert columns["clave"]["pinned"] is True
    # icon + words: direction of a deviation, the missing report
    assert {"🔴 Rojo ↓ rezago", "🟡 Amarillo ↑ sobrecumplimiento"} <= set(table["semaforo"])
    assert "⚪ Sin dato: falta el reporte de Septiembre" in set(table["semaforo"])
    xlsx = downloads["indicadores_2023_diciembre.xlsx"]
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert wb.sheetnames == ["Resumen", *[f"Programa {n}" for n in range(1, 7)], "Notas"]
    sheets = pd.read_excel(io.BytesIO(xlsx), sheet_name=None, engine="openpyxl")
    assert len(sheets["Resumen"]) == 6
    assert sum(len(sheets[f"Programa {n}"]) for n in range(1, 7)) == 27
    assert list(sheets["Programa 1"].columns) == list(IPTT_HEADERS.values())
    csv = pd.read_csv(io.BytesIO(downloads["indicadores_2023_diciembre.csv"]), encoding="utf-8-sig")
    assert csv.shape == (27, len(IPTT_HEADERS) + 2)       # + the stamp, + Nota: the data are illustrative
    assert set(csv["Nota"]) == {"Datos ilustrativos, no cifras oficiales."}
    assert set(csv[exports.STAMP_HEADER]) == {"Cifras preliminares (sin aprobar)"}  # a workbook: nothing approved
    raw = downloads["indicadores_2023_diciembre.csv"].decode("utf-8-sig")
    assert "116.66666666666667" not in raw and ",4.0," not in raw               # rounded as on screen
    assert "Amarillo ↑ sobrecumplimiento" in set(csv["Semáforo"])
    sipot = pd.read_excel(io.BytesIO(downloads["sipot_indicadores_2023_diciembre.xlsx"]), engine="openpyxl")
    assert tuple(sipot.columns) == exports.SIPOT_COLUMNS and len(sipot) == 27
    assert set(sipot["Ejercicio"]) == {2023}
    assert sipot["Fecha de validación"].isna().all()                      # not approved: empty, with a note
    assert all(exports.SIPOT_NOT_APPROVED in n for n in sipot["Nota"])
    assert sipot["Fecha de actualización"].notna().all()
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
    assert metrics["Avance de la meta anual"].endswith("\u00a0%")
    assert metrics["Comparación con el trimestre anterior"].endswith("% del trimestre anterior")
    assert metrics["Comparación con el año anterior"].endswith("% del año anterior")
    assert metrics["Conteo acumulado en el año"].replace(",", "").isdigit()     # a count, not a percentage
    assert metrics["Hito"] in {"✅ Alcanzado", "❌ No alcanzado", "⏳ Pendiente (vence en Diciembre)"}
    assert metrics["Realizado acumulado (sin meta anual)"].isdigit()        # 1.2.2.a/b: no goal, no %
    bullets = [c for c in at.get("plotly_chart") if json.loads(c.proto.spec)["data"][0].get("gauge", {})
               .get("shape") == "bullet" and c.key != "program_bar"]
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
    assert (at.session_state["anio"], at.radio(key="trimestre").value) == expected


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
    source = next(c.value for c in at.caption if "Datos del libro" in c.value)
    assert r"\[clic\]\(http" in source and r"\_y\_" in source



def test_ficha_tecnica_in_words(workbook):
    at = open_page(PAGES[1])
    ficha = at.table[0].value
    assert ficha.loc["Tipo de cálculo", "Valor"] == "Avance de la meta"
    assert as_read(ficha.loc["Acumulación", "Valor"]) == "Acumulada: de enero al corte"
    assert_no_codes(at)
