"""``python -m mpi_dash informe``: exit codes 0/1/2, Spanish messages, and never an empty or partial file."""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from upload_helpers import make_db

from mpi_dash.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path)


def informe(db: Path, out: Path, *extra: str, anio: str = "2023", trimestre: str = "2", formato: str = "pdf") -> int:
    return main(["informe", "--anio", anio, "--trimestre", trimestre, "--formato", formato, "-o", str(out),
                 "--db", str(db), *extra])


def test_pdf_written_with_the_cut_and_stamp(db, tmp_path, capsys):
    out = tmp_path / "informe.pdf"
    assert informe(db, out, trimestre="Junio") == 0
    message = capsys.readouterr().out
    assert "Informe trimestral (PDF) del corte a Junio 2023" in message and str(out) in message
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "corte a Junio 2023" in text and "Cifras preliminares" in text
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".")] == []  # no temporary file left


def test_cut_without_data_is_a_message_and_no_file(db, tmp_path, capsys):
    out = tmp_path / "informe.pdf"
    assert informe(db, out, anio="2030") == 1
    err = capsys.readouterr().err
    assert "el plan no tiene indicadores del año 2030" in err and "años del plan: 2022, 2023" in err
    assert not out.exists()


def test_an_existing_file_is_kept_when_nothing_can_be_written(db, tmp_path, capsys):
    out = tmp_path / "informe.pdf"
    out.write_bytes(b"anterior")
    assert informe(db, out, anio="2030") == 1
    assert out.read_bytes() == b"anterior"


def test_unwritable_destination_exit_1(db, tmp_path, capsys):
    out = tmp_path / "no_existe" / "informe.pdf"
    assert informe(db, out) == 1
    err = capsys.readouterr().err
    assert "No se pudo escribir" in err and "no existe la carpeta" in err and "Traceback" not in err
    assert not out.parent.exists()


@pytest.mark.parametrize("argv", [
    ["informe", "--anio", "2023", "--trimestre", "2", "-o", "x.pdf"],                       # no --formato
    ["informe", "--anio", "2023", "--trimestre", "2", "--formato", "docx", "-o", "x.docx"],  # unknown format
    ["informe", "--anio", "2023", "--trimestre", "5", "--formato", "pdf", "-o", "x.pdf"],   # bad quarter
    ["informe", "--anio", "dos mil", "--trimestre", "2", "--formato", "pdf", "-o", "x.pdf"],
    ["informe", "--anio", "2023", "--trimestre", "2", "--formato", "pdf"],                  # no -o
])
def test_usage_errors_exit_2(argv, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert "error:" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_db_that_does_not_exist_is_a_usage_error(tmp_path, capsys):
    out = tmp_path / "informe.pdf"
    assert informe(tmp_path / "otra.sqlite", out) == 2
    assert "Revise la ruta de --db" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "otra.sqlite").exists()


def test_pptx(db, tmp_path, capsys):
    """The deck comes from ``mpi_dash.deck`` (issue 12, slides): once it is installed the command writes a
    PowerPoint file; without it the command says so (exit 1) and writes nothing."""
    out = tmp_path / "junta.pptx"
    code = informe(db, out, formato="pptx")
    captured = capsys.readouterr()
    if importlib.util.find_spec("mpi_dash.deck") is not None:
        assert code == 0, captured.err
        assert "Presentación (PPTX) del corte a Junio 2023" in captured.out
        with zipfile.ZipFile(out) as deck:
            assert "ppt/presentation.xml" in deck.namelist()
    else:
        assert code == 1
        assert "el formato pptx no está disponible" in captured.err and "mpi_dash.deck" in captured.err
        assert not out.exists()


def test_help_lists_informe_and_as_a_process(db, tmp_path):
    run = subprocess.run([sys.executable, "-m", "mpi_dash", "informe", "--anio", "2030", "--trimestre", "1",
                          "--formato", "pdf", "-o", str(tmp_path / "x.pdf"), "--db", str(db)],
                         cwd=REPO_ROOT, capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.stderr and "2030" in run.stderr
    helped = subprocess.run([sys.executable, "-m", "mpi_dash", "--help"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=60)
    assert "informe" in helped.stdout


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_stamp_and_signatures_come_from_the_approval_record(db, tmp_path, capsys):
    """Both programs of the test plan (1 and 6) approved for Junio by Ana López: the PDF says so and names her on «Aprobó»; a program
    reopened afterwards makes the stamp partial (its figures are no longer approved)."""
    assert main(["aprobar", "--anio", "2023", "--trimestre", "2", "--autor", "Ana López", "--db", str(db)]) == 0
    out = tmp_path / "aprobado.pdf"
    assert informe(db, out, trimestre="2") == 0
    text = _pdf_text(out)
    assert "Cifras aprobadas por Ana López el" in text and "Cifras preliminares" not in text
    assert "Aprobó" in text and text.count("Ana López") >= 2      # the stamp and the signature block
    assert main(["reabrir", "--anio", "2023", "--trimestre", "2", "--programa", "6", "--autor", "Ana López",
                 "--motivo", "Corregir 6.1", "--db", str(db)]) == 0
    assert informe(db, out, trimestre="2") == 0
    assert "Aprobadas: programa 1 · preliminares: 6" in _pdf_text(out)


def test_informe_presents_the_approved_figures_like_resumen(db):
    """Junio approved at revision 1, Marzo corrected afterwards (an approval made before issue 21's lock covered
    earlier quarters; today the correction is refused): the informe and the deck of Junio still present the
    approved figures, under «Cifras aprobadas por …» saying where the data differ (as Resumen does); Marzo,
    not approved, shows the correction."""
    import pandas as pd
    from test_approval_store import approve_at
    from upload_helpers import upload_bytes

    from mpi_dash.accounts import CliActor
    from mpi_dash.cli import presented_figures
    from mpi_dash.store import Store

    store = Store(db)
    before, _, _ = presented_figures(store, 2023, 2)
    store.import_file(upload_bytes([("1.2.1", 2023, "Marzo", 15.0)]), "m.xlsx", actor=CliActor("Ana López"),
                      comment="corrige marzo")
    for programa in ("1", "6"):
        approve_at(db, revision=1, anio=2023, trimestre=2, programa=programa)
    after, stamp, firmas = presented_figures(store, 2023, 2)
    pd.testing.assert_frame_equal(after[1], before[1])
    assert not after[0].equals(before[0])
    assert stamp.startswith("Cifras aprobadas por Ana López el")
    assert stamp.endswith(" · Las cifras aprobadas de Junio difieren de los datos actuales en 1.2.1")
    assert firmas["Aprobó"] == "Ana López"
