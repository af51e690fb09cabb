"""`nocrx data import|status|download` through the installed entry point: output and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NOCRX = Path(sys.executable).with_name("nocrx")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NOCRX), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, check=False)  # fmt: skip


@pytest.fixture
def folder(tmp_path: Path, fixtures: Path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    for name in ("crosswalk_cp1252_with_title_lines.csv", "practice_formulary.csv"):
        shutil.copy(fixtures / name, root / name)
    return root


def test_import_then_status(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite3"
    done = run("data", "import", str(folder), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "loaded" in done.stdout
    assert "asp_crosswalk 2025q4 (3 rows)" in done.stdout
    assert done.stdout.strip().endswith("2 loaded")
    again = run("data", "import", str(folder), "--db", str(db))
    assert (again.returncode, again.stdout.strip().splitlines()[-1]) == (0, "2 unchanged")
    status = run("data", "status", "--json", "--db", str(db))
    releases = json.loads(status.stdout)
    assert {(r["kind"], r["release"], r["row_count"]) for r in releases} == {
        ("asp_crosswalk", "2025q4", 3), ("formulary", "practice_formulary", 3)}  # fmt: skip
    assert releases[0]["effective_from"] == "2025-10-01"
    assert len(releases[0]["sha256"]) == 64
    table = run("data", "status", "--db", str(db))
    assert table.returncode == 0
    assert "asp_crosswalk" in table.stdout
    assert "practice_formulary" in table.stdout


def test_nocrx_db_environment_variable(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "from_env.sqlite3"
    assert run("data", "import", str(folder), env={"NOCRX_DB": str(db)}).returncode == 0
    assert db.exists()


def test_a_bad_file_exits_1_and_the_rest_loads(folder: Path, tmp_path: Path) -> None:
    (folder / "bad_2025q4.csv").write_text("HCPCS Code,HCPCS Code Dosage,Payment Limit,Short Description,"
                                           "Co-insurance Percentage\nJ9271,1 MG,n/a?,x,20\n")  # fmt: skip
    done = run("data", "import", str(folder), "--db", str(tmp_path / "s.sqlite3"))
    assert done.returncode == 1
    assert "error" in done.stdout
    assert "bad_2025q4.csv line 2" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert "2 loaded" in done.stdout


def test_a_missing_path_exits_2_with_a_coded_error(tmp_path: Path) -> None:
    done = run("data", "import", str(tmp_path / "nope"), "--db", str(tmp_path / "s.sqlite3"))
    assert done.returncode == 2
    assert done.stderr.startswith("Error [DATA_FILE_ERROR]:")
    assert "nope" in done.stderr


def test_status_of_an_empty_store(tmp_path: Path) -> None:
    done = run("data", "status", "--db", str(tmp_path / "empty.sqlite3"))
    assert done.returncode == 0
    assert "No reference data loaded" in done.stdout


@pytest.mark.parametrize("command", ["import", "status", "download"])
def test_every_data_command_has_help(command: str) -> None:
    done = run("data", command, "--help")
    assert done.returncode == 0
    assert "Usage" in done.stdout
