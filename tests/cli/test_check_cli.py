"""`nocrx check` and `nocrx code` as a user runs them: exit codes 0 / 1 / 2 and what they print."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

NOCRX = [sys.executable, "-m", "nocrx"]


def run(args: list[str], store: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NOCRX, *args, "--db", str(store)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_code_answers_keytruda_and_exits_zero(loaded_store_path: Path) -> None:
    done = run(
        ["code", "--ndc", "0006-3026-02", "--date", "2025-11-14", "--dose", "200mg"], loaded_store_path
    )
    assert done.returncode == 0, done.stderr
    assert "J9271" in done.stdout
    assert "200" in done.stdout


def test_code_json_follows_the_output_contract(loaded_store_path: Path) -> None:
    done = run(
        ["code", "--ndc", "0006-3026-02", "--date", "2025-11-14", "--dose", "200mg", "--json"],
        loaded_store_path,
    )
    answer = json.loads(done.stdout)
    for key in ("code", "units", "modifiers", "ndc_11", "status", "findings", "trace", "data_release"):
        assert key in answer
    assert (answer["code"], answer["units"], answer["ndc_11"]) == ("J9271", 200, "00006302602")


def test_check_exits_one_when_an_error_remains(loaded_store_path: Path) -> None:
    line = {"date_of_service": "2025-11-14", "hcpcs": "J3490", "drug": {"ndc": "0006-3026-02"}}
    done = run(["check", "-", "--json"], loaded_store_path, stdin=json.dumps(line))
    answer = json.loads(done.stdout)
    assert answer["code"] == "J9271"
    assert done.returncode == (1 if answer["status"] == "errors" else 0)


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        pytest.param("{not json", "not JSON", id="malformed JSON"),
        pytest.param('{"drug": {}}', "date_of_service is required", id="missing date"),
        pytest.param(
            '{"date_of_service": "2025-11-14", "drug": {"ndc": "12-34"}}', "", id="bad NDC is a finding"
        ),
    ],
)
def test_unusable_input_exits_two_with_a_coded_error(loaded_store_path: Path, stdin: str, words: str) -> None:
    done = run(["check", "-"], loaded_store_path, stdin=stdin)
    if not words:
        assert done.returncode in (0, 1)  # a malformed NDC is a finding about the line, not unusable input
        return
    assert done.returncode == 2
    assert done.stderr.startswith("Error [INVALID_INPUT]:")
    assert words in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    done = run(["check", str(tmp_path / "nope.json")], tmp_path / "s.sqlite3")
    assert done.returncode == 2
    assert "no such file" in done.stderr


@pytest.mark.parametrize(
    "args", [["code", "--bogus"], ["check", "a.json", "extra"]], ids=["unknown option", "extra argument"]
)
def test_a_usage_error_exits_two_without_a_traceback(args: list[str], tmp_path: Path) -> None:
    done = run(args, tmp_path / "s.sqlite3")
    assert done.returncode == 2
    assert "Usage:" in done.stderr
    assert "Traceback" not in done.stderr
