"""The dashboard's single data-access point: store mode (default) and read-only workbook mode."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from mpi_dash.accounts import CliActor
from mpi_dash import config, data_access
from mpi_dash.store import Store

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "data" / "plan_2023.xlsx"


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "plan.xlsx"
    shutil.copy(BUNDLED, path)
    return path


def test_workbook_mode_reads_the_file_without_a_store(monkeypatch, workbook, tmp_path):
    monkeypatch.setenv(config.WORKBOOK_ENV, str(workbook))
    monkeypatch.delenv(config.DB_ENV, raising=False)
    assert config.read_only_workbook()
    dataset = data_access.load_dataset()
    assert set(dataset.plan["anio"]) == {2023}
    assert len(dataset.plan) == 27
    assert dataset.ilustrativo is True
    assert dataset.programas_ilustrativos == ("1", "2", "3", "4", "5", "6")  # datos_ilustrativos = 1: all of them
    assert dataset.origen.startswith("Datos del libro plan.xlsx, guardado el ")   # dd/mm/aaaa HH:MM
    assert re.fullmatch(r".* \d{2}/\d{2}/\d{4} \d{2}:\d{2}", dataset.origen)
    assert dataset.version == data_access.current_version()
    assert not list(tmp_path.glob("*.sqlite"))


def test_store_mode_seeds_on_first_use_and_version_follows_revisions(monkeypatch, workbook, tmp_path):
    db = tmp_path / "mpi.sqlite"
    monkeypatch.setenv(config.DB_ENV, str(db))
    monkeypatch.setenv(config.WORKBOOK_ENV, str(workbook))
    assert not config.read_only_workbook()
    first = data_access.load_dataset()
    assert db.exists()
    assert re.fullmatch(r"Datos cargados el \d{2}/\d{2}/\d{4} \d{2}:\d{2} por sistema \(revisión 1\)",
                        first.origen)
    assert len(first.plan) == 27 and len(first.avances) > 0
    version = data_access.current_version()
    assert version == first.version

    # A new revision (same data with one actual changed) changes the cheap version key and the data.
    snapshot = Store(db).load_snapshot()[1]
    avances = snapshot.avances.copy()
    row = avances.index[(avances["clave"] == "1.1.1") & (avances["anio"] == 2023) & (avances["trimestre"] == 1)]
    avances.loc[row, "realizado"] = 7.0
    Store(db).save_state(dataclasses.replace(snapshot, avances=avances), actor=CliActor("prueba"),
                         comment="cambio de prueba")
    assert data_access.current_version() != version
    second = data_access.load_dataset()
    assert second.origen.endswith(" por prueba (revisión 2)")
    changed = second.avances.loc[(second.avances["clave"] == "1.1.1") & (second.avances["anio"] == 2023)
                                 & (second.avances["trimestre"] == 1), "realizado"]
    assert changed.tolist() == [7.0]


@pytest.mark.parametrize(("programas", "expected"), [
    ((), ""),
    (("3",), "Datos ilustrativos en el programa 3"),
    (("5", "3"), "Datos ilustrativos en los programas 3 y 5"),
    (("6", "1", "2", "5", "4", "1"), "Datos ilustrativos en los programas 1, 2, 4, 5 y 6"),
    (("10", "2"), "Datos ilustrativos en los programas 2 y 10"),     # numeric order, not text order
])
def test_illustrative_notice_names_the_programs(programas, expected):
    assert data_access.illustrative_notice(programas) == expected


def test_dataset_notice_and_flag_follow_the_programs():
    import pandas as pd

    empty = pd.DataFrame()
    official = data_access.Dataset(empty, empty)
    assert official.programas_ilustrativos == () and not official.ilustrativo
    assert official.aviso_ilustrativo == ""
    mixed = data_access.Dataset(empty, empty, programas_ilustrativos=("1", "2", "4", "5", "6"))
    assert mixed.ilustrativo
    assert mixed.aviso_ilustrativo == ("Datos ilustrativos en los programas 1, 2, 4, 5 y 6: sus avances incluyen "
                                       "cifras de ejemplo, que no son cifras oficiales del MPI CDMX.")


def test_programs_with_samples_from_row_keys():
    keys = {("3.1", 2023, 1), ("1.2.1", 2022, 4), ("3.2", 2023, 2), ("12.1", 2023, 1)}
    assert data_access.programs_with_samples(keys) == ("1", "3", "12")


def test_store_mode_names_the_programs_with_sample_values(monkeypatch, workbook, tmp_path):
    monkeypatch.setenv(config.DB_ENV, str(tmp_path / "mpi.sqlite"))
    monkeypatch.setenv(config.WORKBOOK_ENV, str(workbook))
    store = Store()
    assert data_access.load_dataset().programas_ilustrativos == ("1", "2", "3", "4", "5", "6")
    store.clear_samples(actor=CliActor("Adriana"), comment="Arranque")
    dataset = data_access.load_dataset()
    assert dataset.programas_ilustrativos == () and not dataset.ilustrativo
    assert data_access.load_revision(1).programas_ilustrativos == ("1", "2", "3", "4", "5", "6")
