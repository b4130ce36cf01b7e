"""Command line on the store: import, historial, revertir, respaldo (exit codes, no change on bad input)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from upload_helpers import (  # noqa: F401 - another_import_lands_first is a fixture
    BAD_UPLOADS,
    ROW_LIMIT_CASE,
    TEST_MAX_UPLOAD_MB,
    another_import_lands_first,
    make_db,
    seed_bytes,
    upload_bytes,
)

from mpi_dash import config
from mpi_dash.cli import main
from mpi_dash.formatting import local_datetime
from mpi_dash.store import Store

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path)


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mpi_dash", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


def test_import_then_historial(db, tmp_path, capsys):
    f = write(tmp_path, "junio.xlsx", upload_bytes([("1.1.1", 2023, "Junio", 0.5)]))
    argv = ["import", str(f), "--autor", "Ana López", "--comentario", "Avances de junio", "--db", str(db)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Guardada la revisión 2" in out and "celdas cambiadas" in out
    assert main(["historial", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:6] == ["Rev.", "Fecha", "(hora", "de", "CDMX)", "Autor"]
    fecha = Store(db).list_revisions()["fecha"].iloc[0]
    assert local_datetime(fecha) in lines[1]  # shown in Mexico City time, not UTC
    assert lines[1].startswith("2 ") and "Ana López" in lines[1] and "junio.xlsx" in lines[1]
    assert lines[1].rstrip().endswith("Avances de junio")
    assert lines[2].startswith("1 ") and "sistema" in lines[2]


def test_identical_file_exit_0_nothing_saved(db, tmp_path, capsys):
    before = Store(db).dump_sql()
    f = write(tmp_path, "igual.xlsx", seed_bytes())
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "de nuevo", "--db", str(db)]) == 0
    assert "no cambia ningún dato" in capsys.readouterr().out
    assert Store(db).dump_sql() == before


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_invalid_file_exit_1_and_same_dump(db, tmp_path, monkeypatch, capsys, case):
    monkeypatch.setenv(config.MAX_UPLOAD_MB_ENV, TEST_MAX_UPLOAD_MB)
    if case == ROW_LIMIT_CASE:
        monkeypatch.setenv(config.MAX_UPLOAD_ROWS_ENV, "2")
    before = Store(db).dump_sql()
    f = write(tmp_path, f"{case}.xlsx", BAD_UPLOADS[case]())
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "malo", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "No se importó" in err and "No se guardó nada" in err and "\n- " in err
    assert "Traceback" not in err
    assert Store(db).dump_sql() == before


def test_invalid_file_as_a_process(db, tmp_path):
    before = Store(db).dump_sql()
    f = write(tmp_path, "malo.xlsx", upload_bytes([("1.1.1", 2023, "Junio", "dos")]))
    proc = run_cli("import", str(f), "--autor", "Ana", "--comentario", "malo", "--db", str(db))
    assert proc.returncode == 1
    assert 'Hoja "Avances", fila 2, columna "Realizado": se encontró "dos"' in proc.stderr
    assert Store(db).dump_sql() == before


@pytest.mark.parametrize(("argv", "code"), [
    (["import", "no_existe.xlsx", "--autor", "A", "--comentario", "c"], 2),
    (["import", "X.xlsx", "--comentario", "c"], 2),               # --autor missing
    (["import", "X.xlsx", "--autor", " ", "--comentario", "c"], 2),  # blank author
    (["revertir", "cero", "--autor", "A", "--motivo", "m"], 2),
    (["revertir", "1", "--autor", "A"], 2),                       # --motivo missing
])
def test_usage_errors(db, argv, code, capsys):
    before = Store(db).dump_sql()
    assert main([*argv, "--db", str(db)]) == code
    assert Store(db).dump_sql() == before


def test_revertir(db, tmp_path, capsys):
    f = write(tmp_path, "a.xlsx", upload_bytes([("1.1.1", 2023, "Junio", 0.5)]))
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "r2", "--db", str(db)]) == 0
    argv = ["revertir", "1", "--autor", "Coordinación", "--motivo", "Cifras sin validar", "--db", str(db)]
    assert main(argv) == 0
    assert "Guardada la revisión 3: los datos vuelven a ser los de la revisión 1" in capsys.readouterr().out
    revs = Store(db).list_revisions()
    assert revs["numero"].tolist() == [3, 2, 1]
    assert (revs.iloc[0].tipo, revs.iloc[0].revierte_a, revs.iloc[0].comentario) == (
        "reversion", 1, "Cifras sin validar")
    assert main(["revertir", "7", "--autor", "A", "--motivo", "m", "--db", str(db)]) == 1
    assert "No existe la revisión 7" in capsys.readouterr().err
    main(["historial", "--db", str(db)])
    assert "(reversión a la 1)" in capsys.readouterr().out


def test_respaldo(db, tmp_path, capsys):
    dest = tmp_path / "copia.sqlite"
    assert main(["respaldo", str(dest), "--db", str(db)]) == 0
    assert Store(dest).integrity_check() == "ok" and Store(dest).dump_sql() == Store(db).dump_sql()
    assert main(["respaldo", str(dest), "--db", str(db)]) == 1
    assert "Ya existe" in capsys.readouterr().err


def test_processes_importing_at_once_all_apply(db, tmp_path):
    """Several processes import at the same time: each is applied in turn, as its own revision."""
    n = 4
    files = [write(tmp_path, f"p{i}.xlsx", upload_bytes([("1.2.1", 2023, "Junio", float(50 + i))]))
             for i in range(n)]
    procs = [subprocess.Popen([sys.executable, "-m", "mpi_dash", "import", str(f), "--autor", f"Persona {i}",
                               "--comentario", f"carga simultánea {i}", "--db", str(db)],
                              cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, f in enumerate(files)]
    outputs = [p.communicate(timeout=180) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert "locked" not in err.lower()
        assert "Guardada la revisión" in out
    historial = run_cli("historial", "--db", str(db))
    assert historial.returncode == 0
    for i in range(n):
        assert f"carga simultánea {i}" in historial.stdout
    assert sorted(Store(db).list_revisions()["numero"]) == list(range(1, n + 2))
    assert Store(db).integrity_check() == "ok"


# --------------------------------------------------------------------------- review fixes


def test_blank_realizado_only_difference_is_reported(db, tmp_path, capsys):
    """Clearing a stored Realizado in a downloaded template is an aviso, never "idéntico"."""
    import io

    from openpyxl import load_workbook

    from mpi_dash.template import build_template

    revision, snapshot = Store(db).load_snapshot()
    wb = load_workbook(io.BytesIO(build_template(snapshot, revision=revision)))
    assert (wb["Avances"]["A2"].value, wb["Avances"]["D2"].value, wb["Avances"]["E2"].value) == (
        "1.1.1", "Marzo", 1)
    wb["Avances"]["E2"] = None
    buffer = io.BytesIO()
    wb.save(buffer)
    f = write(tmp_path, "plantilla.xlsx", buffer.getvalue())
    before = Store(db).dump_sql()
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "vacía", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "idéntico" not in out
    # only E2: the 8 quarters of the sample without a report (blank in the template too) are «sin reporte»
    assert "no cambia ningún dato guardado" in out and "1 fila sin «Realizado» se omitió" in out
    assert ('- Aviso. Hoja "Avances", fila 2, columna "Realizado": la celda está vacía; se esperaba un número; '
            "la fila se omitió") in out
    assert "filas con el mismo problema" not in out
    assert Store(db).dump_sql() == before


def test_cli_prints_the_committed_preview_after_a_rebase(db, tmp_path, capsys, another_import_lands_first):
    another_import_lands_first()
    f = write(tmp_path, "mio.xlsx", upload_bytes([("1.1.1", 2023, "Junio", 0.5, None, "Acta 2/2023"),
                                                 ("1.2.1", 2023, "Junio", 20.0)]))
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "mía", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Guardada la revisión 3: 1 celda cambiada" in out  # not the 3 cells of the stale preview
    assert Store(db).revision_info(3)["celdas_cambiadas"] == 1


@pytest.mark.parametrize("argv", [
    ["historial"], ["revertir", "1", "--autor", "A", "--motivo", "m"], ["respaldo", "COPIA"],
    ["import", "ARCHIVO", "--autor", "A", "--comentario", "c"]])
def test_explicit_db_that_does_not_exist_is_a_usage_error(tmp_path, capsys, argv):
    f = write(tmp_path, "a.xlsx", upload_bytes([("1.1.1", 2023, "Junio", 0.5)]))
    argv = [str(f) if a == "ARCHIVO" else str(tmp_path / "copia.sqlite") if a == "COPIA" else a for a in argv]
    typo = tmp_path / "sub" / "mpi_dahs.sqlite"
    assert main([*argv, "--db", str(typo)]) == 2
    err = capsys.readouterr().err
    assert f"No existe la base de datos {typo}" in err and "Revise la ruta de --db" in err
    assert not typo.exists() and not typo.parent.exists() and not (tmp_path / "copia.sqlite").exists()
    assert main([*argv, "--db", str(tmp_path)]) == 2  # a folder (review: `historial --db /tmp`)
    err = capsys.readouterr().err
    assert "es una carpeta" in err and "unable" not in err


def test_default_database_is_created_on_first_use_but_not_by_respaldo(tmp_path, monkeypatch, capsys):
    seed = write(tmp_path, "seed.xlsx", seed_bytes())
    monkeypatch.setenv("MPI_DASH_WORKBOOK", str(seed))
    monkeypatch.setenv(config.DB_ENV, str(tmp_path / "env.sqlite"))
    assert main(["respaldo", str(tmp_path / "copia.sqlite")]) == 1
    assert "No existe la base de datos" in capsys.readouterr().err
    assert not (tmp_path / "env.sqlite").exists()
    assert main(["historial"]) == 0  # $MPI_DASH_DB: created and seeded on first use
    assert "Carga inicial desde seed.xlsx" in capsys.readouterr().out
    assert main(["respaldo", str(tmp_path / "copia.sqlite")]) == 0


@pytest.mark.parametrize("value", ["abc", "0", "-1"])
def test_invalid_max_upload_mb_is_a_spanish_message(db, tmp_path, monkeypatch, capsys, value):
    monkeypatch.setenv(config.MAX_UPLOAD_MB_ENV, value)
    f = write(tmp_path, "a.xlsx", upload_bytes([("1.1.1", 2023, "Junio", 0.5)]))
    before = Store(db).dump_sql()
    assert main(["import", str(f), "--autor", "A", "--comentario", "c", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert f"La variable de entorno MPI_DASH_MAX_UPLOAD_MB vale «{value}»" in err
    assert "ValueError" not in err and "Error inesperado" not in err
    assert Store(db).dump_sql() == before


def test_a_store_command_gets_the_store_or_says_why_not(db, tmp_path, capsys):
    """``on_store``: the store of --db reaches the command; a --db naming no database is exit 2 before the
    command runs; a StoreError anywhere in it is a Spanish message and exit 1, never a traceback."""
    import argparse

    from mpi_dash.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, on_store
    from mpi_dash.errors import StoreError

    seen = []

    @on_store
    def command(args, store):
        seen.append(store.latest_revision())
        if args.falla:
            raise StoreError("la base de datos está bloqueada por otra carga")
        return EXIT_OK

    assert command(argparse.Namespace(db=str(db), falla=False)) == EXIT_OK
    assert seen == [1]
    assert command(argparse.Namespace(db=str(tmp_path / "no_existe.sqlite"), falla=False)) == EXIT_USAGE
    assert seen == [1] and "Revise la ruta de --db" in capsys.readouterr().err
    assert command(argparse.Namespace(db=str(db), falla=True)) == EXIT_INVALID
    assert capsys.readouterr().err == "Error: la base de datos está bloqueada por otra carga\n"
    assert not (tmp_path / "no_existe.sqlite").exists()
