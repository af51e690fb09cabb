"""Every real 837 in ../shared/x12-samples is read without an exception, every service line accounted for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nocrx.x12 import ISSUE_CODES, Issue, ReadLine, read_837

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "x12-samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "README.md")


def _decoded(path: Path) -> str:
    raw = path.read_bytes()
    if raw[1:2] == b"\x00":
        return raw.decode("utf-16-le", errors="replace")
    return raw.decode("latin-1")


def count_service_segments(path: Path) -> int:
    """Count SV1/SV2 segments with a plain regex: the element separator follows ISA (or GS)."""
    text = _decoded(path)
    start = text.find("ISA")
    element = text[start + 3] if start >= 0 else text[text.find("GS") + 2]
    return len(re.findall(rf"(?<![A-Za-z0-9])SV[12]{re.escape(element)}", text))


def readme_service_lines() -> dict[str, int]:
    """The 'service lines' column of the samples' README inventory ('–' counts as 0)."""
    counts = {}
    for line in (SAMPLES / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 10 and cells[0].startswith("`") and cells[1].isdigit():
            counts[cells[0].strip("`")] = int(cells[6]) if cells[6].isdigit() else 0
    return counts


def test_the_sample_corpus_is_there():
    assert len(SAMPLE_FILES) == 68


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_service_line_is_accounted_for(path: Path):
    records = list(read_837(path))
    lines = [r for r in records if isinstance(r, ReadLine)]
    assert all(isinstance(r, ReadLine | Issue) for r in records)
    assert len(lines) == count_service_segments(path)
    for record in records:
        issues = [record] if isinstance(record, Issue) else [i for i in (record.error, *record.warnings) if i]
        assert all(issue.code in ISSUE_CODES for issue in issues)
    for line in lines:
        assert (line.line is None) != (line.error is None)


def test_readme_inventory_matches_what_we_read():
    expected = readme_service_lines()
    assert len(expected) == 68
    for path in SAMPLE_FILES:
        key = f"{path.parent.name}/{path.name}"
        lines = [r for r in read_837(path) if isinstance(r, ReadLine)]
        if key in ("databricks/malformed_files__CC_837I_EDI.txt", "imsweb/x12_no_isa_line.txt"):
            # The README could not read these (no ISA); we read them from GS and say so.
            assert lines, key
            continue
        assert len(lines) == expected[key], key


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("databricks/837__Molina_Mock_UP_837P_File.txt", "X12_IEA_CONTROL"),
        ("imsweb/x12_valid.txt", "X12_SE_COUNT"),
        ("imsweb/x12_bad_segment_identifier.txt", "X12_BAD_SEGMENT_ID"),
        ("imsweb/x12_no_isa_line.txt", "X12_NO_ISA"),
        ("oopfactory/837P_5010_UnicodeExample.txt", "X12_TRANSACTION_TRUNCATED"),
        ("oopfactory/837I_5010_Spec_3.1.1.txt", "X12_COMPONENT_SEPARATOR"),
    ],
    ids=lambda v: v.split("/")[-1],
)
def test_known_envelope_problems_are_reported(name: str, code: str):
    codes = {r.code for r in read_837(SAMPLES / name) if isinstance(r, Issue)}
    assert code in codes


def test_valid_samples_have_no_envelope_issue():
    path = SAMPLES / "linuxforhealth" / "837_005010X222A2__demo.drug.example10.3.837"
    assert [r for r in read_837(path) if isinstance(r, Issue)] == []


def test_bad_first_line_finds_the_terminator_by_counting_separators():
    # ISA02 is one space short: ISA16 is at offset 103, not 104 (x12-samples README).
    lines = [r for r in read_837(SAMPLES / "imsweb" / "x12_bad_first_line.txt") if isinstance(r, ReadLine)]
    assert [r.line.hcpcs for r in lines if r.line] == ["99211", "478331"]
