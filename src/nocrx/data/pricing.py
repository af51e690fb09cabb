"""CMS quarterly payment files: the ASP payment-limit file ("Payment Allowance Limits for
Medicare Part B Drugs", renamed "Medicare Part B Payment Limit File" in 2026), the NOC
payment-limit file, and OPPS Addendum B (status indicator, APC, payment rate by HCPCS code).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from nocrx.data.formats import Detected, Sample
from nocrx.data.reading import (
    Source,
    find_header,
    number,
    quarter_of,
    quarterly_release,
    table_from_rows,
    table_rows,
)
from nocrx.data.records import ParsedFile
from nocrx.errors import DataFileError

ASP_COLUMNS = {
    "hcpcs": "HCPCS Code",
    "short_description": "Short Description",
    "hcpcs_dosage": "HCPCS Code Dosage",
    "payment_limit": "Payment Limit",
    "coinsurance_percent": "Co-insurance Percentage",
    "vaccine_awp_percent": "Vaccine AWP%",
    "vaccine_limit": "Vaccine Limit",
    "blood_awp_percent": "Blood AWP%",
    "blood_limit": "Blood limit",
    "clotting_factor": "Clotting Factor",
    "notes": "Notes",
}
NOC_COLUMNS = {
    "generic_name": "Drug Generic Name (Trade Name)",
    "dosage": "Dosage",
    "payment_limit": "Payment Limit",
    "notes": "Notes",
}
OPPS_COLUMNS = {
    "hcpcs": "HCPCS Code",
    "short_descriptor": "Short Descriptor",
    "status_indicator": "SI",
    "apc": "APC",
    "relative_weight": "Relative Weight",
    "payment_rate": "Payment Rate",
    "national_copayment": "National Unadjusted Copayment",
    "minimum_copayment": "Minimum Unadjusted Copayment",
    "pass_through_expiration": "Drug and Device Pass-Through Expiration during Calendar Year",
    "note": "Note",
}
_ASP_REQUIRED = ("HCPCS Code", "HCPCS Code Dosage", "Payment Limit")
_NOC_REQUIRED = ("Drug Generic Name (Trade Name)", "Payment Limit")
_OPPS_REQUIRED = ("HCPCS Code", "SI", "APC", "Payment Rate")
_ASP_OPTIONAL = ("vaccine_awp_percent", "vaccine_limit", "blood_awp_percent", "blood_limit",
                 "clotting_factor", "notes")  # fmt: skip
_OPPS_OPTIONAL = ("relative_weight", "national_copayment", "minimum_copayment", "pass_through_expiration",
                  "note")  # fmt: skip
# The Addendum B title: "Addendum B.-- OPPS Payment by HCPCS Code for CY 2025" and its update month.
_OPPS_UPDATE = re.compile(r"\b(January|April|July|October)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_QUARTER_STARTS = {"january": 1, "april": 4, "july": 7, "october": 10}


def detect(sample: Sample) -> Detected | None:
    source = sample.source
    for required, kind, what, parse in (
        (_ASP_REQUIRED, "asp_pricing", "ASP payment-limit file", parse_asp_pricing),
        (_NOC_REQUIRED, "noc_pricing", "NOC payment-limit file", parse_noc_pricing),
        (_OPPS_REQUIRED, "opps_addendum_b", "OPPS Addendum B", parse_opps_addendum_b),
    ):
        at = find_header(sample.rows, required)
        if at is not None:
            official = at > 0 or sample.is_xlsx  # CMS's own file carries its title lines
            label = what + ("" if official else " (copy without title lines)")
            return Detected(label, kind, official, functools.partial(parse, source))
    return None


def parse_asp_pricing(source: Source) -> ParsedFile:
    table = table_from_rows(table_rows(source), _ASP_REQUIRED, source.label)
    release, start, end = quarterly_release(table.preamble_text, source)
    rows = _numbers(
        source, table.records(ASP_COLUMNS, _ASP_OPTIONAL), ("payment_limit", "coinsurance_percent")
    )
    return ParsedFile("asp_pricing", release, start, end, rows)


def parse_noc_pricing(source: Source) -> ParsedFile:
    table = table_from_rows(table_rows(source), _NOC_REQUIRED, source.label)
    release, start, end = quarterly_release(table.preamble_text, source)
    rows = _numbers(source, table.records(NOC_COLUMNS, ("dosage", "notes")), ("payment_limit",))
    return ParsedFile("noc_pricing", release, start, end, rows)


def parse_opps_addendum_b(source: Source) -> ParsedFile:
    """The release is the quarterly update the title names (CY 2025 "October 2025" -> 2025q4)."""
    table = table_from_rows(table_rows(source), _OPPS_REQUIRED, source.label)
    update = _OPPS_UPDATE.search(table.preamble_text)
    if update is not None:
        year, month = int(update.group(2)), _QUARTER_STARTS[update.group(1).lower()]
        release, start, end = quarter_of(date(year, month, 1))
    else:
        release, start, end = quarterly_release(table.preamble_text, source)
    rows = _numbers(source, table.records(OPPS_COLUMNS, _OPPS_OPTIONAL), ("payment_rate",))
    return ParsedFile("opps_addendum_b", release, start, end, rows)


def _numbers(
    source: Source, records: Iterable[tuple[int, dict[str, str | None]]], columns: tuple[str, ...]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for line, record in records:
        try:
            rows.append(record | {name: number(record[name], what=name) for name in columns})
        except DataFileError as error:
            raise DataFileError(f"{source.label} line {line}: {error}") from error
    return rows
