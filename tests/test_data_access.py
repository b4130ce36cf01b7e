"""The dashboard's single data-access point: store mode (default) and read-only workbook mode."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from mpi_dash import data_access, store

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "data" / "plan_2023.xlsx"


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "plan.xlsx"
    shutil.copy(BUNDLED, path)
    return path


def test_workbook_mode_reads_the_file_without_a_store(monkeypatch, workbook, tmp_path):
    monkeypatch.setenv(data_access.WORKBOOK_ENV, str(workbook))
    monkeypatch.delenv(store.DB_ENV, raising=False)
    assert not data_access.use_store()
    dataset = data_access.load_dataset()
    assert set(dataset.plan["anio"]) == {2023}
    assert len(dataset.plan) == 27
    assert dataset.ilustrativo is True
    assert dataset.origen == "Libro plan.xlsx"
    assert dataset.version == data_access.current_version()
    assert not list(tmp_path.glob("*.sqlite"))


def test_store_mode_seeds_on_first_use_and_version_follows_revisions(monkeypatch, workbook, tmp_path):
    db = tmp_path / "mpi.sqlite"
    monkeypatch.setenv(store.DB_ENV, str(db))
    monkeypatch.setenv(data_access.WORKBOOK_ENV, str(workbook))
    assert data_access.use_store()
    first = data_access.load_dataset()
    assert db.exists()
    assert first.origen.startswith("Base de datos, revisión 1 (")
    assert "sistema" in first.origen
    assert len(first.plan) == 27 and len(first.avances) > 0
    version = data_access.current_version()
    assert version == first.version

    # A new revision (same data with one actual changed) changes the cheap version key and the data.
    snapshot = store.load_snapshot(path=db)[1]
    avances = snapshot.avances.copy()
    row = avances.index[(avances["clave"] == "1.1.1") & (avances["anio"] == 2023) & (avances["trimestre"] == 1)]
    avances.loc[row, "realizado"] = 7.0
    store.save_state(dataclasses.replace(snapshot, avances=avances), author="prueba",
                     comment="cambio de prueba", path=db)
    assert data_access.current_version() != version
    second = data_access.load_dataset()
    assert second.origen.startswith("Base de datos, revisión 2 (")
    changed = second.avances.loc[(second.avances["clave"] == "1.1.1") & (second.avances["anio"] == 2023)
                                 & (second.avances["trimestre"] == 1), "realizado"]
    assert changed.tolist() == [7.0]
