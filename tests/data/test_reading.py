"""Reading helpers: encodings, title lines, dates and quarters."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nocrx.data.reading import (
    Source,
    compact_date,
    decode,
    effective_span,
    find_header,
    number,
    quarter_in_name,
    quarter_of,
)
from nocrx.errors import DataFileError


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_quarter_of_covers_the_day_and_tiles_the_year(day: date) -> None:
    release, start, end = quarter_of(day)
    assert start <= day <= end
    assert release == f"{day.year}q{(day.month - 1) // 3 + 1}"
    assert quarter_of(end + timedelta(days=1))[1] == end + timedelta(
        days=1
    )  # the next quarter starts the day after


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_compact_date_round_trip(day: date) -> None:
    assert compact_date(day.strftime("%Y%m%d")) == day.isoformat()


@pytest.mark.parametrize("bad", ["2025130", "20251301", "Oct 2025"])
def test_compact_date_rejects_non_dates(bad: str) -> None:
    with pytest.raises(DataFileError):
        compact_date(bad)


@given(st.text())
def test_decode_never_fails(text: str) -> None:
    assert isinstance(decode(text.encode("utf-8", "surrogatepass")), str)


def test_decode_falls_back_to_cp1252() -> None:
    assert decode("Guang\u2019an\xa0".encode("cp1252")) == "Guang\u2019an\xa0"


@pytest.mark.parametrize(("text", "span"), [
    ("     Effective October 1, 2025 through December 31, 2025", (date(2025, 10, 1), date(2025, 12, 31))),
    ("October 1, 2025 through December 31, 2025", (date(2025, 10, 1), date(2025, 12, 31))),
    ("Effective January 1, 2026 through March 31, 2026", (date(2026, 1, 1), date(2026, 3, 31))),
    ("Payment Allowance Limits for Medicare Part B Drugs", None),
])  # fmt: skip
def test_effective_span(text: str, span: tuple[date, date] | None) -> None:
    assert effective_span(text) == span


@pytest.mark.parametrize(("name", "quarter"), [
    ("asp_payment_limits_2025q4.csv", (2025, 4)), ("ASP-2026Q1.csv", (2026, 1)), ("crosswalk.csv", None),
    ("x_12025q4.csv", None),
])  # fmt: skip
def test_quarter_in_name(name: str, quarter: tuple[int, int] | None) -> None:
    assert quarter_in_name(name) == quarter


def test_find_header_ignores_case_and_spacing() -> None:
    rows = [["Title"], [""], ["hcpcs  code ", "Payment Limit"]]
    assert find_header(rows, ["HCPCS Code", "PAYMENT LIMIT"]) == 2
    assert find_header(rows, ["NDC2"]) is None


@pytest.mark.parametrize(("text", "value"), [("$2.462", 2.462), ("134.194", 134.194), ("", None), (".", None),
                                              ("$1,234.50", 1234.5)])  # fmt: skip
def test_number(text: str, value: float | None) -> None:
    assert number(text, what="x") == value


def test_number_rejects_text() -> None:
    with pytest.raises(DataFileError, match='"about 3" is not a number'):
        number("about 3", what="Payment Limit")


def test_gzip_is_undone_by_content(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "no_extension"
    path.write_bytes(gzip.compress(b"NDC,Name\n"))
    assert Source(path).head() == b"NDC,Name\n"
