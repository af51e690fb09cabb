"""`nocrx scrub` through the installed entry point: exit codes, summary, quiet when piped, no PHI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "x12"
NOCRX = [sys.executable, "-m", "nocrx"]


def run(*arguments: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NOCRX, "scrub", *arguments, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_scrub_writes_the_report_and_prints_the_summary(tmp_path: Path):
    report = tmp_path / "out.jsonl"
    done = run(str(FIXTURES), "--report", str(report), db=tmp_path / "s.sqlite3")
    assert done.returncode in (0, 1), done.stderr
    assert "lines in = lines out" in done.stdout
    assert "\x1b[" not in done.stdout + done.stderr  # no progress bar when not on a terminal
    summary = json.loads(report.read_text(encoding="utf-8").splitlines()[-1])
    assert summary["lines_read"] == summary["lines_out"] == 3 * 6 + 2 * 4
    assert done.returncode == (1 if summary["statuses"].get("errors") else 0)
    for text in (done.stdout, done.stderr, report.read_text(encoding="utf-8")):
        assert "ZZ-PHI-SENTINEL" not in text


def test_bad_report_extension_is_a_coded_error(tmp_path: Path):
    done = run(
        str(FIXTURES / "drug_claims_837p.txt"), "--report", str(tmp_path / "x.pdf"), db=tmp_path / "s.sqlite3"
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Error [INVALID_INPUT]")


def test_missing_input_is_a_coded_error(tmp_path: Path):
    done = run(str(tmp_path / "none.837"), "--report", str(tmp_path / "x.csv"), db=tmp_path / "s.sqlite3")
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_unknown_engine(tmp_path: Path):
    done = run(
        str(FIXTURES), "--report", str(tmp_path / "x.csv"), "--engine", "spark", db=tmp_path / "s.sqlite3"
    )
    assert done.returncode == 2
    assert "Unknown engine" in done.stderr
