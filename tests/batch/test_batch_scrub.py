"""`scrub`: every service line of real and written 837s in the report, resume, formats, Dask."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from scrub_inputs import FIXTURES, INPUTS, SAMPLES

from nocrx.batch import ScrubOptions, run_scrub
from nocrx.batch import report as report_module
from nocrx.batch import rows as rows_module
from nocrx.batch import scrub as scrub_module
from nocrx.batch.report import Summary
from nocrx.batch.rows import LINE_STATUSES
from nocrx.batch.units import plan_units
from nocrx.errors import InvalidInput
from nocrx.x12 import ReadLine, read_837


class Interrupted(Exception):
    """Stands for a kill or Ctrl-C in the middle of a run."""


@pytest.fixture
def options(tmp_path: Path) -> ScrubOptions:
    # An empty store: the checker runs for real and says which reference data is missing.
    return ScrubOptions(db_path=str(tmp_path / "store.sqlite3"), target_unit_bytes=1)


def read_jsonl(path: Path) -> tuple[list[dict], dict]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return records[:-1], records[-1]


def service_segments(path: Path) -> int:
    raw = path.read_bytes()
    text = raw.decode("utf-16-le", errors="replace") if raw[1:2] == b"\x00" else raw.decode("latin-1")
    start = text.find("ISA")
    element = text[start + 3] if start >= 0 else text[text.find("GS") + 2]
    return len(re.findall(rf"(?<![A-Za-z0-9])SV[12]{re.escape(element)}", text))


def test_every_line_of_the_sample_corpus_is_in_the_report(tmp_path: Path, options: ScrubOptions):
    files = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "README.md")
    report = tmp_path / "report.jsonl"
    summary = run_scrub(files, report, options)
    rows, last = read_jsonl(report)
    lines = [r for r in rows if r["record"] == "line"]
    assert summary.lines_read == summary.lines_out == len(lines) == sum(map(service_segments, files))
    assert last["lines_in_equal_lines_out"] is True
    assert {r["status"] for r in lines} <= set(LINE_STATUSES)
    assert all(r["reason"] for r in lines if r["status"] in ("skipped", "unreadable", "failed"))
    assert not (tmp_path / "report.jsonl.progress").exists()


def test_drug_lines_are_checked_and_others_skipped(tmp_path: Path, options: ScrubOptions):
    report = tmp_path / "report.jsonl"
    run_scrub([FIXTURES / "drug_claims_837p.txt"], report, options)
    rows, summary = read_jsonl(report)
    by_code = {(r["hcpcs"], r["lx"], r["clm01"]): r for r in rows}
    assert by_code[("96413", "3", "ONC-0001")]["status"] == "skipped"
    assert by_code[("J9271", "1", "ONC-0001")]["status"] in ("ok", "warnings", "errors", "review")
    assert by_code[("J9271", "1", "ONC-0001")]["code"]  # the decision's code
    money = sum(float(r["charge"]) for r in rows if r["status"] == "errors")
    assert float(summary["money_at_risk"]) == pytest.approx(money)


def test_unreadable_line_has_its_position(tmp_path: Path, options: ScrubOptions):
    broken = tmp_path / "broken.txt"
    broken.write_text((FIXTURES / "drug_claims_837p.txt").read_text().replace("*3600.00*", "*36OO*"))
    report = tmp_path / "report.jsonl"
    summary = run_scrub([broken], report, options)
    rows, _ = read_jsonl(report)
    bad = next(r for r in rows if r["status"] == "unreadable")
    assert (bad["isa13"], bad["st02"], bad["segment"], bad["finding_codes"]) == (
        "000000101",
        "0001",
        25,
        "X12_BAD_ELEMENT",
    )
    assert summary.is_complete


def test_input_files_are_not_modified(tmp_path: Path, options: ScrubOptions):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in INPUTS}
    run_scrub(INPUTS, tmp_path / "r.csv", options)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in INPUTS} == before


def test_csv_and_html_reports(tmp_path: Path, options: ScrubOptions):
    summary = run_scrub(INPUTS, tmp_path / "r.csv", options)
    with open(tmp_path / "r.csv", newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert sum(r["record"] == "line" for r in table) == summary.lines_out
    run_scrub(INPUTS, tmp_path / "r.html", options)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.count("<tr class=") == summary.lines_out
    assert "Lines in = lines out</td><td>yes" in page
    assert "Money at risk" in page
    assert 'id="filter"' in page


def test_unknown_report_extension(tmp_path: Path, options: ScrubOptions):
    with pytest.raises(InvalidInput, match=r"\.jsonl, \.csv, \.html"):
        run_scrub(INPUTS, tmp_path / "r.txt", options)


def test_no_patient_data_in_the_report(tmp_path: Path, options: ScrubOptions):
    run_scrub(INPUTS, tmp_path / "r.jsonl", options)
    text = (tmp_path / "r.jsonl").read_text(encoding="utf-8")
    assert "SENTINEL" not in text
    assert "1EG4TE5MK73" not in text


def test_resume_after_an_interruption_gives_the_same_report(
    tmp_path: Path, options: ScrubOptions, monkeypatch: pytest.MonkeyPatch
):
    expected = tmp_path / "clean.jsonl"
    run_scrub(INPUTS, expected, options)
    real = scrub_module.scrub_unit
    calls = _interrupt_after(3, monkeypatch)
    report = tmp_path / "report.jsonl"
    with pytest.raises(Interrupted):
        run_scrub(INPUTS, report, options)
    assert not report.exists()
    assert (tmp_path / "report.jsonl.progress" / "progress.json").exists()

    resumed: list[str] = []
    monkeypatch.setattr(
        scrub_module, "scrub_unit", lambda unit, *a, **k: resumed.append(unit.key) or real(unit, *a, **k)
    )
    run_scrub(INPUTS, report, ScrubOptions(**{**_fields(options), "resume": True}))
    assert not set(resumed) & set(calls)  # finished units are not redone
    assert report.read_bytes() == expected.read_bytes()


def test_resume_refuses_changed_inputs(
    tmp_path: Path, options: ScrubOptions, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(scrub_module, "scrub_unit", _raise_interrupt)
    with pytest.raises(Interrupted):
        run_scrub(INPUTS, tmp_path / "r.jsonl", options)
    with pytest.raises(InvalidInput, match="changed"):
        run_scrub(INPUTS[:2], tmp_path / "r.jsonl", ScrubOptions(**{**_fields(options), "resume": True}))


def test_dask_engine_writes_the_same_report(tmp_path: Path, options: ScrubOptions):
    local = tmp_path / "local.jsonl"
    run_scrub(INPUTS, local, options)
    distributed = tmp_path / "dask.jsonl"
    # Two in-process workers (processes=False): the same code path as a real cluster, without
    # paying process start-up in every test run; the CLI default starts worker processes.
    dask_options = ScrubOptions(**{**_fields(options), "engine": "dask", "workers": 2, "processes": False})
    run_scrub(INPUTS, distributed, dask_options)
    assert distributed.read_bytes() == local.read_bytes()


def _raise_interrupt(*args, **kwargs):
    raise Interrupted


def _interrupt_after(units: int, monkeypatch: pytest.MonkeyPatch, *, half_row: bytes = b"") -> list[str]:
    """Make scrub_unit stop the run (Interrupted) once ``units`` units are done, after writing
    ``half_row`` for the next one; return the keys of the units done."""
    real = scrub_module.scrub_unit
    done: list[str] = []

    def interrupted(unit, *args, **kwargs):
        if len(done) == units:
            if half_row:
                kwargs["write_bytes"](half_row)
            raise Interrupted
        done.append(unit.key)
        return real(unit, *args, **kwargs)

    monkeypatch.setattr(scrub_module, "scrub_unit", interrupted)
    return done


def _fields(options: ScrubOptions) -> dict:
    return {name: getattr(options, name) for name in ScrubOptions.__slots__}


def test_progress_callback_sees_every_unit(tmp_path: Path, options: ScrubOptions):
    seen: list[tuple[int, int]] = []
    summary = run_scrub(
        INPUTS, tmp_path / "r.jsonl", options, on_unit_done=lambda size, lines: seen.append((size, lines))
    )
    assert sum(size for size, _ in seen) == sum(p.stat().st_size for p in INPUTS)
    assert sum(lines for _, lines in seen) == summary.lines_read


def test_summary_from_unit_counts_equals_summary_from_rows(tmp_path: Path, options: ScrubOptions):
    from_counts = run_scrub(INPUTS, tmp_path / "r.jsonl", options)  # .jsonl merges the units' counts
    from_rows = run_scrub(INPUTS, tmp_path / "r.csv", options)  # .csv counts the rows it writes
    assert from_counts.to_dict() == from_rows.to_dict()


def test_reused_rows_are_the_rows_each_line_gets_alone(tmp_path: Path, options: ScrubOptions):
    """scrub renders a repeated line once (LineRows): every row and the summary must be as if it had not."""
    batch = tmp_path / "batch.837"
    template = SAMPLES / "linuxforhealth" / "837_005010X222A2__demo.drug.example10.3.837"
    generator = SAMPLES.parent / "bench" / "gen_837_batch.py"
    command = [sys.executable, str(generator), str(template), str(batch), "--claims", "40", "--newline"]
    subprocess.run(command, check=True, capture_output=True)
    paths = [batch, *INPUTS]
    report = tmp_path / "report.jsonl"
    summary = run_scrub(paths, report, options)

    checker = scrub_module._checker_for(options.db_path)
    expected, alone = [], Summary()
    for path in paths:
        for record in read_837(path):
            if isinstance(record, ReadLine):
                alone.lines_read += 1
                row = scrub_module._line_row(record, checker)
            else:
                row = rows_module.issue_row(record)
            alone.add(row)
            expected.append(json.dumps(row, separators=(",", ":"), ensure_ascii=False))
    written = report.read_text(encoding="utf-8").splitlines()
    assert written[:-1] == expected
    assert json.loads(written[-1]) == alone.to_dict() == summary.to_dict()


def test_resume_after_an_interrupted_report_assembly(
    tmp_path: Path, options: ScrubOptions, monkeypatch: pytest.MonkeyPatch
):
    """The run file is moved into the report: a run stopped while assembling it redoes its units."""
    expected = tmp_path / "clean.jsonl"
    run_scrub(INPUTS, expected, options)
    real_take = report_module._take_leading_file

    def moved_then_interrupted(*args, **kwargs):
        real_take(*args, **kwargs)
        raise Interrupted

    monkeypatch.setattr(report_module, "_take_leading_file", moved_then_interrupted)
    report = tmp_path / "report.jsonl"
    with pytest.raises(Interrupted):
        run_scrub(INPUTS, report, options)
    monkeypatch.undo()
    resumed: list[str] = []
    real = scrub_module.scrub_unit
    monkeypatch.setattr(
        scrub_module, "scrub_unit", lambda unit, *a, **k: resumed.append(unit.key) or real(unit, *a, **k)
    )
    run_scrub(INPUTS, report, ScrubOptions(**{**_fields(options), "resume": True}))
    assert len(resumed) == len(plan_units(INPUTS, options.target_unit_bytes))  # all were in the moved file
    assert report.read_bytes() == expected.read_bytes()
    assert list(tmp_path.glob(".report.jsonl.*")) == []


def test_resume_after_a_unit_stopped_halfway_drops_its_rows(
    tmp_path: Path, options: ScrubOptions, monkeypatch: pytest.MonkeyPatch
):
    """Rows of a unfinished unit at the end of the run file are cut off; the unit is done again."""
    expected = tmp_path / "clean.jsonl"
    run_scrub(INPUTS, expected, options)
    _interrupt_after(2, monkeypatch, half_row=b'{"record":"line","half":')
    report = tmp_path / "report.jsonl"
    with pytest.raises(Interrupted):
        run_scrub(INPUTS, report, options)
    monkeypatch.undo()
    run_scrub(INPUTS, report, ScrubOptions(**{**_fields(options), "resume": True}))
    assert report.read_bytes() == expected.read_bytes()


def test_csv_report_after_a_resume_reads_each_unit_once(
    tmp_path: Path, options: ScrubOptions, monkeypatch: pytest.MonkeyPatch
):
    expected = tmp_path / "clean.csv"
    run_scrub(INPUTS, expected, options)
    _interrupt_after(3, monkeypatch)
    report = tmp_path / "report.csv"
    with pytest.raises(Interrupted):
        run_scrub(INPUTS, report, options)
    monkeypatch.undo()
    run_scrub(INPUTS, report, ScrubOptions(**{**_fields(options), "resume": True}))
    assert report.read_bytes() == expected.read_bytes()
