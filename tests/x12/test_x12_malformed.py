"""Malformed 837s: truncated, wrong counts, bad separators, missing segments. Coded issues, no crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocrx.x12 import Issue, ReadLine, read_837, scan_interchanges

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "x12"
GOOD = (FIXTURES / "drug_claims_837p.txt").read_text()


def read(tmp_path: Path, text: str | bytes) -> tuple[list[ReadLine], list[Issue]]:
    path = tmp_path / "claims.txt"
    path.write_bytes(text.encode("latin-1") if isinstance(text, str) else text)
    records = list(read_837(path))
    return [r for r in records if isinstance(r, ReadLine)], [r for r in records if isinstance(r, Issue)]


def codes(found: list[Issue]) -> set[str]:
    return {i.code for i in found}


def test_file_cut_inside_a_claim(tmp_path: Path):
    cut = GOOD[: GOOD.index("LX*3~")]
    lines, found = read(tmp_path, cut)
    assert len(lines) == 2
    assert {"X12_TRANSACTION_TRUNCATED", "X12_GROUP_TRUNCATED", "X12_INTERCHANGE_TRUNCATED"} <= codes(found)
    # The lines of the cut claim are read but carry a warning saying they may be incomplete.
    assert all(w.code == "X12_TRANSACTION_TRUNCATED" for r in lines for w in r.warnings)
    truncated = next(i for i in found if i.code == "X12_TRANSACTION_TRUNCATED")
    assert (truncated.position.isa13, truncated.position.st02) == ("000000101", "0001")


def test_missing_se_reports_the_first_transaction_and_reads_the_next(tmp_path: Path):
    lines, found = read(tmp_path, GOOD.replace("SE*36*0001~\n", ""))
    assert len(lines) == 6
    truncated = [i for i in found if i.code == "X12_TRANSACTION_TRUNCATED"]
    assert [i.position.st02 for i in truncated] == ["0001"]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("SE*36*0001~", "SE*99*0001~", "X12_SE_COUNT"),
        ("SE*36*0001~", "SE*36*0009~", "X12_SE_CONTROL"),
        ("GE*2*101~", "GE*5*101~", "X12_GE_COUNT"),
        ("GE*2*101~", "GE*2*102~", "X12_GE_CONTROL"),
        ("IEA*1*000000101~", "IEA*2*000000101~", "X12_IEA_COUNT"),
        ("IEA*1*000000101~", "IEA*1*000000999~", "X12_IEA_CONTROL"),
        ("GS*HC*NOCRXSUBMIT*NOCRXRECV*20251114*1030*101*X*005010X222A1~", "", "X12_SEGMENT_OUTSIDE_ENVELOPE"),
        ("NM1*41*2", "N#1*41*2", "X12_BAD_SEGMENT_ID"),
        ("ST*837*0002*005010X222A1~", "ST*837*0002*005010X223A2~", "X12_KIND_MISMATCH"),
        ("ST*837*0002", "ST*835*0002", "X12_NOT_837"),
    ],
    ids=lambda v: v if v.startswith("X12") else None,
)
def test_wrong_counts_and_envelopes_are_warnings_not_rejections(
    tmp_path: Path, old: str, new: str, code: str
):
    assert old in GOOD
    lines, found = read(tmp_path, GOOD.replace(old, new))
    assert code in codes(found)
    assert len(lines) == 6
    assert all(r.line is not None for r in lines)


def test_bad_separators_skip_to_the_next_isa(tmp_path: Path):
    broken = GOOD.replace("*0*T*:~", "*0*T**~", 1)  # ISA16 is the element separator
    second = GOOD.replace("000000101", "000000102")
    lines, found = read(tmp_path, broken + second)
    assert "X12_BAD_SEPARATORS" in codes(found)
    assert len(lines) == 6
    assert {r.context.position.isa13 for r in lines} == {"000000102"}


def test_text_before_the_first_isa_is_an_error(tmp_path: Path):
    lines, found = read(tmp_path, GOOD.replace("ISA*00*", "ISAA00A", 1) + GOOD)
    assert len(lines) == 6
    assert [(i.code, i.severity) for i in found] == [("X12_LEADING_GARBAGE", "error")]


def test_isa_with_identical_separators_is_unreadable(tmp_path: Path):
    lines, found = read(tmp_path, GOOD.replace("*0*T*:~", "*0*T**~", 1))
    assert lines == []
    assert codes(found) == {"X12_BAD_SEPARATORS"}


def test_second_interchange_with_other_separators(tmp_path: Path):
    other = (FIXTURES / "drug_claims_837p_pipe_newline.txt").read_text()
    lines, found = read(tmp_path, GOOD + other)
    assert found == []
    assert len(lines) == 12
    assert [r.line for r in lines[:6]] == [r.line for r in lines[6:]]
    path = tmp_path / "claims.txt"
    ranges = scan_interchanges(path)
    assert len(ranges) == 2
    assert [record for r in ranges for record in read_837(path, interchange=r)] == list(read_837(path))


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("DTP*472*D8*20251114~\nLIN**N4*00006302602", "LIN**N4*00006302602", "X12_NO_DATE_OF_SERVICE"),
        ("*3600.00*UN*200*", "*36OO.00*UN*200*", "X12_BAD_ELEMENT"),
        ("*3600.00*UN*200*", "*3600.00*UN*NaN*", "X12_BAD_ELEMENT"),
        ("*3600.00*UN*200*", "*3600.00*UN*2E999999*", "X12_BAD_ELEMENT"),
        (
            "DTP*472*D8*20251114~\nLIN**N4*00006302602",
            "DTP*472*D8*20251399~\nLIN**N4*00006302602",
            "X12_BAD_ELEMENT",
        ),
        ("CTP****2*ML~", "CTP****two*ML~", "X12_BAD_ELEMENT"),
    ],
    ids=["no-date", "bad-charge", "nan-units", "exponent-units", "bad-date", "bad-ndc-quantity"],
)
def test_unreadable_line_is_an_error_record_with_its_position(tmp_path: Path, old: str, new: str, code: str):
    assert old in GOOD
    lines, _ = read(tmp_path, GOOD.replace(old, new, 1))
    assert len(lines) == 6
    first = lines[0]
    assert first.line is None
    assert first.error.code == code
    assert (first.error.position.st02, first.error.position.segment_index) == ("0001", 25)
    assert all(r.line is not None for r in lines[1:])


def test_service_line_before_any_claim(tmp_path: Path):
    lines, _ = read(tmp_path, GOOD.replace("CLM*ONC-0001*4150.00***11:B:1*Y*A*Y*Y~\n", ""))
    assert [r.error.code for r in lines[:3]] == ["X12_LINE_OUTSIDE_CLAIM"] * 3
    assert all(r.line is not None for r in lines[3:])


def test_file_starting_at_gs(tmp_path: Path):
    lines, found = read(tmp_path, GOOD[GOOD.index("GS*") :])
    assert "X12_NO_ISA" in codes(found)
    assert len(lines) == 6
    assert all(r.line is not None for r in lines)


@pytest.mark.parametrize(
    "content", [b"", b"hello world", b"\x00\x01\x02" * 50], ids=["empty", "text", "binary"]
)
def test_not_x12_at_all(tmp_path: Path, content: bytes):
    lines, found = read(tmp_path, content)
    assert lines == []
    assert codes(found) == {"X12_NOT_X12"}


def test_missing_file_is_an_issue_not_an_exception(tmp_path: Path):
    found = list(read_837(tmp_path / "nope.txt"))
    assert [i.code for i in found] == ["X12_CANNOT_READ"]
