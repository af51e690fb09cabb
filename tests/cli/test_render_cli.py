"""`nocrx render FILE --format ...` as a user runs it: files written atomically, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

NOCRX = [sys.executable, "-m", "nocrx"]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(args: list[str], store: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NOCRX, "render", *args, "--db", str(store)],
        input=stdin, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_render_837p_to_stdout_without_a_store(tmp_path: Path) -> None:
    done = run([str(EXAMPLES / "claim-offlabel-iv.json"), "--format", "837p"], tmp_path / "none.sqlite3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ISA*00*")
    assert (
        "SV1*HC:J9999:JZ::::Emrelis 200 mg IV NDC 00074105501 two 100 mg single-dose vials, no waste"
        in done.stdout
    )


@pytest.mark.parametrize("chosen", ["837i", "cms1500", "ub04", "fhir", "cms1500-pdf"])
def test_render_writes_the_output_file(tmp_path: Path, chosen: str) -> None:
    out = tmp_path / f"claim.{chosen}"
    done = run([str(EXAMPLES / "claim-compounded.json"), "--format", chosen, "-o", str(out)], tmp_path / "x")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:5] in (b"ISA*0", b'{\n  "', b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind


def test_render_837i_a1_on_request(tmp_path: Path) -> None:
    args = [
        str(EXAMPLES / "claim-investigational.json"),
        "--format",
        "837i",
        "--implementation",
        "005010X223A1",
    ]
    done = run(args, tmp_path / "x")
    assert done.returncode == 0, done.stderr
    assert "ST*837*0001*005010X223A1~" in done.stdout


def test_render_reads_stdin(tmp_path: Path) -> None:
    text = (EXAMPLES / "claim-investigational.json").read_text(encoding="utf-8")
    done = run(["-", "--format", "ub04"], tmp_path / "x", stdin=text)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["condition_codes"] == ["30"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "x12"], "--format must be one of"),
        (["--format", "cms1500-pdf"], "give -o FILE.pdf"),
        (["--format", "837i", "--implementation", "005010X999"], "implementation must be one of"),
    ],
    ids=["unknown-format", "pdf-to-stdout", "unknown-implementation"],
)
def test_render_errors_exit_two_with_a_coded_message(tmp_path: Path, args: list[str], message: str) -> None:
    done = run([str(EXAMPLES / "claim-compounded.json"), *args], tmp_path / "x")
    assert done.returncode == 2
    assert done.stderr.startswith("Error [INVALID_INPUT]")
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_render_bad_claim_names_the_field_and_leaks_no_phi(tmp_path: Path) -> None:
    claim = json.loads((EXAMPLES / "claim-offlabel-iv.json").read_text(encoding="utf-8"))
    claim["subscriber"]["last_name"] = "ZZ-PHI-SENTINEL"
    claim["claim"]["lines"][0]["units"] = "many"
    done = run(["-", "--format", "837p"], tmp_path / "x", stdin=json.dumps(claim))
    assert done.returncode == 2
    assert "claim.lines[0]: units must be a number" in done.stderr
    assert "ZZ-PHI-SENTINEL" not in done.stderr + done.stdout


def test_render_keeps_the_old_output_when_rendering_fails(tmp_path: Path) -> None:
    out = tmp_path / "claim.837"
    out.write_text("previous", encoding="utf-8")
    claim = json.loads((EXAMPLES / "claim-offlabel-iv.json").read_text(encoding="utf-8"))
    claim["claim"]["lines"][0]["modifiers"] = ["JW", "JZ", "Q0", "Q1", "GA"]
    done = run(["-", "--format", "837p", "-o", str(out)], tmp_path / "x", stdin=json.dumps(claim))
    assert done.returncode == 2
    assert out.read_text(encoding="utf-8") == "previous"


@pytest.mark.slow
def test_render_with_a_loaded_store_decides_each_line(loaded_store_path: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "render"))
    from render_helpers import pyx12_errors

    done = run([str(EXAMPLES / "claim-offlabel-iv.json"), "--format", "837p"], loaded_store_path)
    assert done.returncode == 0, done.stderr
    assert pyx12_errors(done.stdout) == []
