"""The HCPCS Level II alpha-numeric file: xlsx, CSV copy and the fixed-width ANWEB txt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nocrx.data.hcpcs import COLUMNS, RECORD_LENGTH
from nocrx.data.reading import quarter_of
from nocrx.errors import DataFileError

ROW_KEYS = {k for k in COLUMNS if k not in ("sequence", "record_id")} | {"is_modifier"}


@pytest.fixture(scope="module")
def xlsx_rows(shared_data: Path, parse: Callable) -> tuple:
    return parse(shared_data / "hcpcs" / "HCPC2025_OCT_ANWEB.xlsx")


def test_xlsx_has_every_code_and_modifier(xlsx_rows: tuple) -> None:
    parsed, rows = xlsx_rows
    assert (parsed.kind, parsed.release) == ("hcpcs", "2025q4")
    assert (parsed.effective_from, parsed.effective_to) == (date(2025, 10, 1), date(2025, 12, 31))
    assert len(rows) == 8846
    assert sum(row["is_modifier"] for row in rows) == 383
    assert sum(1 for row in rows if row["termination_date"]) == 1225
    assert all(set(row) == ROW_KEYS for row in rows)


def test_xlsx_values_are_clean_and_dates_iso(xlsx_rows: tuple) -> None:
    by_code = {row["hcpcs"]: row for row in xlsx_rows[1]}
    j3490 = by_code["J3490"]
    assert j3490["long_description"] == "Unclassified drugs"
    assert (j3490["pricing_indicator"], j3490["coverage_code"], j3490["betos"]) == ("51", "D", "O1E")
    assert (j3490["add_date"], j3490["action_effective_date"]) == ("1986-01-01", "1997-01-01")
    assert j3490["termination_date"] is None
    assert by_code["JZ"]["is_modifier"] == 1  # "   JZ" in the file: padding stripped


def test_csv_copy_matches_the_xlsx(shared_data: Path, xlsx_rows: tuple, detect: Callable) -> None:
    found = detect(shared_data / "hcpcs" / "HCPC2025_OCT_ANWEB.csv")
    assert not found.is_official
    parsed = found.parse()
    assert parsed.release == "2025q4"
    assert list(parsed.rows) == xlsx_rows[1]


def test_fixed_width_fixture_is_in_the_record_layout(fixtures: Path) -> None:
    lines = (fixtures / "HCPC_ANWEB_sample.txt").read_bytes().split(b"\r\n")[:-1]
    assert {len(line) for line in lines} == {RECORD_LENGTH}


def test_fixed_width_joins_continuations_like_the_xlsx(
    fixtures: Path, xlsx_rows: tuple, detect: Callable
) -> None:
    found = detect(fixtures / "HCPC_ANWEB_sample.txt")
    assert found.description == "HCPCS alpha-numeric file (fixed-width txt)"
    parsed = found.parse()
    rows = {row["hcpcs"]: row for row in parsed.rows}
    expected = {row["hcpcs"]: row for row in xlsx_rows[1] if row["hcpcs"] in rows}
    assert set(rows) == {"AB", "JZ", "C9399", "J0270", "J3490", "J9271", "J9999"}
    # Every column the importer keeps equals the xlsx value, including long descriptions
    # joined from 3 (J0270) and 4 (modifier AB) records.
    assert rows == expected
    # The release is the quarter of the latest ACT EFF DT: 2023-01-01 among these seven codes.
    assert max(row["action_effective_date"] for row in rows.values()) == "2023-01-01"
    assert parsed.release == "2023q1"


def test_fixed_width_skips_title_lines(tmp_path: Path, fixtures: Path, detect: Callable) -> None:
    body = (fixtures / "HCPC_ANWEB_sample.txt").read_bytes()
    path = tmp_path / "anweb.dat"
    path.write_bytes(b"HCPCS 2025 OCTOBER ALPHA-NUMERIC FILE\r\n\r\n" + body)
    assert len(list(detect(path).parse().rows)) == 7


def test_fixed_width_orphan_continuation_is_an_error(
    tmp_path: Path, fixtures: Path, detect: Callable
) -> None:
    lines = (fixtures / "HCPC_ANWEB_sample.txt").read_text().splitlines()
    path = tmp_path / "broken.txt"
    path.write_text("\r\n".join([lines[5], lines[7]]) + "\r\n")  # C9399, then the 2nd record of J0270
    with pytest.raises(DataFileError, match="continuation record of J0270"):
        list(detect(path).parse().rows)


# 1-based inclusive positions of the CMS record layout (HCPC<YYYY>_recordlayout.txt), written
# independently of the parser's table so the round trip checks it.
LAYOUT = {"HCPC": (1, 5), "SEQNUM": (6, 10), "RECID": (11, 11), "LONG": (12, 91), "SHORT": (92, 119),
          "PRICE1": (120, 121), "COV": (230, 230), "ADD DT": (269, 276), "ACT EFF DT": (277, 284),
          "TERM DT": (285, 292), "ACTION CD": (293, 293)}  # fmt: skip


def _record(**fields: str) -> str:
    line = [" "] * RECORD_LENGTH
    for name, value in fields.items():
        start, end = LAYOUT[name]
        line[start - 1 : end] = value.ljust(end - start + 1)
    return "".join(line)


_words = st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789,.()", min_size=1, max_size=12), min_size=1,
                  max_size=40).map(" ".join)  # fmt: skip
_day = st.dates(min_value=date(1980, 1, 1), max_value=date(2030, 12, 31)).map(lambda d: d.strftime("%Y%m%d"))


@settings(max_examples=40, deadline=None)
@given(
    codes=st.lists(st.from_regex(r"[A-V][0-9]{4}", fullmatch=True), min_size=1, max_size=5, unique=True),
    descriptions=st.lists(_words, min_size=5, max_size=5),
    days=st.lists(_day, min_size=5, max_size=5),
)
def test_fixed_width_round_trip(codes: list[str], descriptions: list[str], days: list[str]) -> None:
    import tempfile
    import textwrap

    from nocrx.data.hcpcs import parse_txt
    from nocrx.data.reading import Source

    lines = []
    for code, text, day in zip(codes, descriptions, days, strict=False):
        parts = textwrap.wrap(text, 80)
        lines.append(_record(HCPC=code, SEQNUM="00010", RECID="3", LONG=parts[0], SHORT=text[:28].strip(),
                             PRICE1="51", COV="D", **{"ADD DT": day, "ACT EFF DT": day, "ACTION CD": "N"}))  # fmt: skip
        lines += [
            _record(HCPC=code, SEQNUM=f"{n:05d}", RECID="4", LONG=part) for n, part in enumerate(parts[1:], 2)
        ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "anweb.txt"
        path.write_text("\r\n".join(lines) + "\r\n")
        parsed = parse_txt(Source(path))
    rows = list(parsed.rows)
    assert [r["hcpcs"] for r in rows] == codes
    for row, text, day in zip(rows, descriptions, days, strict=False):
        assert row["long_description"] == " ".join(text.split())
        assert row["action_effective_date"] == f"{day[:4]}-{day[4:6]}-{day[6:]}"
        assert (row["pricing_indicator"], row["coverage_code"], row["is_modifier"]) == ("51", "D", 0)
    assert parsed.release == quarter_of(date.fromisoformat(max(r["action_effective_date"] for r in rows)))[0]
