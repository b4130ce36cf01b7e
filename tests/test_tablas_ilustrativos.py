"""AppTest of «Tablas y descargas» on a store where only some programs hold sample values (issue 21 item 2):
the CSV and SIPOT notes go on the rows of those programs only, and the Excel «Notas» names them.

The test database of ``upload_helpers``: program 1 (1.1.1, 1.2.1) and program 6 (6) hold sample values;
program 6's only row is then uploaded, so only program 1 keeps samples.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from auth_helpers import db, signed_in  # noqa: F401 - db is a fixture
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from upload_helpers import upload_bytes

from mpi_dash.accounts import CliActor
from mpi_dash.store import Store


@pytest.fixture()
def downloads(monkeypatch):
    """Every file handed to st.download_button in this test: {file name: bytes}."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):  # noqa: ANN001, ANN202
        if filename and isinstance(path_or_data, bytes):
            files[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return files


def _file(downloads: dict[str, bytes], start: str, end: str) -> bytes:
    (name,) = [n for n in downloads if n.startswith(start) and n.endswith(end)]
    return downloads[name]


def test_notes_only_on_the_rows_of_programs_with_sample_values(db, downloads):
    Store(db).import_file(upload_bytes([("6", 2023, "Marzo", 0.0)]), "hito.xlsx", actor=CliActor("Ana"),
                          comment="programa 6")
    at = signed_in("pages/tablas.py", db, "ana")
    assert [str(w.value) for w in at.warning if "ilustrativos" in str(w.value)] == [
        "**Datos ilustrativos en el programa 1.** No son cifras oficiales del MPI CDMX."]
    csv = pd.read_csv(io.BytesIO(_file(downloads, "indicadores_", ".csv")), encoding="utf-8-sig",
                      keep_default_na=False, dtype=str)
    assert dict(zip(csv["Clave"], csv["Nota"])) == {
        "1.1.1": "Datos ilustrativos, no cifras oficiales.", "1.2.1": "Datos ilustrativos, no cifras oficiales.",
        "6": ""}
    sipot = pd.read_excel(io.BytesIO(_file(downloads, "sipot_", ".xlsx")), engine="openpyxl")
    assert ["Datos ilustrativos" in n for n in sipot["Nota"]] == [True, True, False]
    notas = pd.read_excel(io.BytesIO(_file(downloads, "indicadores_", ".xlsx")), engine="openpyxl",
                          sheet_name="Notas").set_index("Concepto")
    assert notas.loc["Datos ilustrativos", "Descripción"] == (
        "Sí. Datos ilustrativos en el programa 1: sus avances incluyen cifras de ejemplo, que no son cifras "
        "oficiales del MPI CDMX.")
