"""Command line on the store: import, historial, revertir, respaldo (exit codes, no change on bad input)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from upload_helpers import BAD_UPLOADS, ROW_LIMIT_CASE, TEST_MAX_UPLOAD_MB, make_db, seed_bytes, upload_bytes

from mpi_dash import store
from mpi_dash.cli import main

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
    assert lines[0].split()[:3] == ["Rev.", "Fecha", "(UTC)"]
    assert lines[1].startswith("2 ") and "Ana López" in lines[1] and "junio.xlsx" in lines[1]
    assert lines[1].rstrip().endswith("Avances de junio")
    assert lines[2].startswith("1 ") and "sistema" in lines[2]


def test_identical_file_exit_0_nothing_saved(db, tmp_path, capsys):
    before = store.dump_sql(db)
    f = write(tmp_path, "igual.xlsx", seed_bytes())
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "de nuevo", "--db", str(db)]) == 0
    assert "no cambia ningún dato" in capsys.readouterr().out
    assert store.dump_sql(db) == before


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_invalid_file_exit_1_and_same_dump(db, tmp_path, monkeypatch, capsys, case):
    monkeypatch.setenv(store.MAX_UPLOAD_MB_ENV, TEST_MAX_UPLOAD_MB)
    if case == ROW_LIMIT_CASE:
        monkeypatch.setenv(store.MAX_UPLOAD_ROWS_ENV, "2")
    before = store.dump_sql(db)
    f = write(tmp_path, f"{case}.xlsx", BAD_UPLOADS[case]())
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "malo", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "No se importó" in err and "No se guardó nada" in err and "\n- " in err
    assert "Traceback" not in err
    assert store.dump_sql(db) == before


def test_invalid_file_as_a_process(db, tmp_path):
    before = store.dump_sql(db)
    f = write(tmp_path, "malo.xlsx", upload_bytes([("1.1.1", 2023, "Junio", "dos")]))
    proc = run_cli("import", str(f), "--autor", "Ana", "--comentario", "malo", "--db", str(db))
    assert proc.returncode == 1
    assert 'Hoja "Avances", fila 2, columna "Realizado": se encontró "dos"' in proc.stderr
    assert store.dump_sql(db) == before


@pytest.mark.parametrize(("argv", "code"), [
    (["import", "no_existe.xlsx", "--autor", "A", "--comentario", "c"], 2),
    (["import", "X.xlsx", "--comentario", "c"], 2),               # --autor missing
    (["import", "X.xlsx", "--autor", " ", "--comentario", "c"], 2),  # blank author
    (["revertir", "cero", "--autor", "A", "--motivo", "m"], 2),
    (["revertir", "1", "--autor", "A"], 2),                       # --motivo missing
])
def test_usage_errors(db, argv, code, capsys):
    before = store.dump_sql(db)
    assert main([*argv, "--db", str(db)]) == code
    assert store.dump_sql(db) == before


def test_revertir(db, tmp_path, capsys):
    f = write(tmp_path, "a.xlsx", upload_bytes([("1.1.1", 2023, "Junio", 0.5)]))
    assert main(["import", str(f), "--autor", "Ana", "--comentario", "r2", "--db", str(db)]) == 0
    argv = ["revertir", "1", "--autor", "Coordinación", "--motivo", "Cifras sin validar", "--db", str(db)]
    assert main(argv) == 0
    assert "Guardada la revisión 3: los datos vuelven a ser los de la revisión 1" in capsys.readouterr().out
    revs = store.list_revisions(db)
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
    assert store.integrity_check(dest) == "ok" and store.dump_sql(dest) == store.dump_sql(db)
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
    assert sorted(store.list_revisions(db)["numero"]) == list(range(1, n + 2))
    assert store.integrity_check(db) == "ok"
