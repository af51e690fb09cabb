"""ASP payment limits, NOC payment limits, OPPS Addendum B, and the CMS NOC code list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

PRICING = {"2024q4": 865, "2025q1": 877, "2025q2": 942, "2025q3": 970, "2025q4": 1012, "2026q1": 877}


@pytest.mark.parametrize("release", PRICING)
def test_asp_payment_limits(release: str, shared_data: Path, parse: Callable) -> None:
    parsed, rows = parse(
        shared_data / "asp_pricing" / "original" / f"asp_payment_limits_{release}_original.csv"
    )
    assert (parsed.kind, parsed.release, len(rows)) == ("asp_pricing", release, PRICING[release])
    assert all(isinstance(r["payment_limit"], float) for r in rows if r["payment_limit"] is not None)


def test_revised_2025q4_j2782_and_vaccine_columns(shared_data: Path, parse: Callable) -> None:
    _, rows = parse(shared_data / "asp_pricing" / "original" / "asp_payment_limits_2025q4_original.csv")
    by_code = {r["hcpcs"]: r for r in rows}
    assert by_code["J2782"]["payment_limit"] == 103.397  # the revised file (PROVENANCE.md section 5)
    assert (by_code["90371"]["hcpcs_dosage"], by_code["90371"]["coinsurance_percent"]) == ("1 ML", 20.0)
    assert by_code["90653"]["vaccine_awp_percent"] == "95"


def test_clean_pricing_copy_dated_by_name(shared_data: Path, detect: Callable) -> None:
    found = detect(shared_data / "asp_pricing" / "asp_payment_limits_2026q1.csv")
    assert not found.is_official
    assert found.parse().release == "2026q1"


def test_noc_payment_limit_keeps_the_dollar_value(shared_data: Path, parse: Callable) -> None:
    parsed, rows = parse(shared_data / "noc" / "original" / "noc_pricing_2025q4_original.csv")
    assert (parsed.kind, parsed.release) == ("noc_pricing", "2025q4")
    assert rows == [{"generic_name": "Vasopressin (Long Grove)", "dosage": "1 UNIT", "payment_limit": 2.462,
                     "notes": None}]  # fmt: skip


def test_opps_addendum_b(shared_data: Path, parse: Callable) -> None:
    parsed, rows = parse(shared_data / "opps_addendum_b" / "opps_addendum_b_2025q4_level2.csv")
    assert (parsed.kind, parsed.release, len(rows)) == ("opps_addendum_b", "2025q4", 7363)
    assert (parsed.effective_from, parsed.effective_to) == (date(2025, 10, 1), date(2025, 12, 31))
    by_code = {r["hcpcs"]: r for r in rows}
    assert [by_code[c]["status_indicator"] for c in ("J3490", "J3590", "J9999", "J7999", "A9699")] == [
        "N"
    ] * 5
    assert by_code["C9399"]["status_indicator"] == "A"
    assert (by_code["J9271"]["status_indicator"], by_code["J9271"]["apc"]) == ("K", "1490")
    assert by_code["J9271"]["payment_rate"] == 60.291


def test_opps_release_from_the_title_lines(tmp_path: Path, shared_data: Path, parse: Callable) -> None:
    body = (shared_data / "opps_addendum_b" / "opps_addendum_b_2025q4_level2.csv").read_text()
    path = tmp_path / "addendum_b.csv"  # no quarter in the name: the title must date it
    title = '"Addendum B.-- OPPS Payment by HCPCS Code for CY 2025",,,\n"October 2025 update",,,\n,,,\n'
    path.write_text(title + body)
    parsed, _ = parse(path)
    assert (parsed.release, parsed.effective_from) == ("2025q4", date(2025, 10, 1))


@pytest.mark.parametrize("name", ["NOC_Codes_2019.xlsx", "NOC_Codes_2019.prn", "NOC_Codes_2019.csv"])
def test_noc_code_list_every_form(name: str, shared_data: Path, parse: Callable) -> None:
    parsed, rows = parse(shared_data / "hcpcs" / name)
    assert (parsed.kind, parsed.release, parsed.effective_from) == ("noc_codes", "2019", date(2019, 1, 1))
    codes = {r["hcpcs"] for r in rows}
    assert len(rows) == 141  # 142 lines in the CSV copy, one of them the DOS end-of-file mark
    assert {"J3490", "J3590", "J9999", "C9399", "J7599", "J7699", "J7799", "J7999", "J8499", "J8999"} <= codes
    a0999 = next(r for r in rows if r["hcpcs"] == "A0999")
    assert (a0999["long_description"], a0999["add_date"], a0999["term_date"]) == (
        "Unlisted ambulance service", "1987-01-01", None)  # fmt: skip


def test_xlsx_form_of_a_cms_table_gives_the_csv_rows(
    tmp_path: Path, shared_data: Path, parse: Callable
) -> None:
    """CMS zips hold each table as CSV and xlsx; both forms give the same rows and release."""
    import csv
    import io

    import openpyxl

    original = shared_data / "asp_pricing" / "original" / "asp_payment_limits_2025q4_original.csv"
    workbook = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(original.read_text(encoding="cp1252"), newline="")):
        workbook.active.append(row)
    path = tmp_path / "pricing.xlsx"
    workbook.save(path)
    from_xlsx, from_csv = parse(path), parse(original)
    assert from_xlsx[0].release == from_csv[0].release == "2025q4"
    assert from_xlsx[1] == from_csv[1]
