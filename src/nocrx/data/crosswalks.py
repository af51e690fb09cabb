"""The CMS ASP NDC-HCPCS crosswalk and the ASP NOC NDC-HCPCS crosswalk, one file per quarter
(Section 508 CSV, Windows-1252, title lines above the header; the code column is named after
the year, ``_2025_CODE``). NDC2 / "NDC or ALTERNATE ID" is an 11-digit NDC in 5-4-2 form or,
for some products (skin substitutes), an alternate ID: ``ndc_11`` is only set for a real NDC.
"""

from __future__ import annotations

import re
from typing import Any

from nocrx.data.formats import Detected, Sample, Skip
from nocrx.data.reading import Source, find_header, quarterly_release, table_from_rows, table_rows
from nocrx.data.records import ParsedFile
from nocrx.errors import DataFileError

_CODE_COLUMN = re.compile(r"^_(\d{4})_CODE$", re.IGNORECASE)
# The CMS crosswalk zip also holds AWP, OPPS and PrEP crosswalks, titled like the ASP one.
_OTHER_CROSSWALK = re.compile(r"\b(AWP|OPPS|PrEP)\s+NDC\s*-\s*HCPCS", re.IGNORECASE)
_NDC_542 = re.compile(r"^\d{5}-\d{4}-\d{2}$")

ASP_COLUMNS = {
    "short_description": "Short Description",
    "labeler": "LABELER NAME",
    "ndc_id": "NDC2",
    "drug_name": "Drug Name",
    "hcpcs_dosage": "HCPCS dosage",
    "package_size": "PKG SIZE",
    "package_quantity": "PKG QTY",
    "billing_units": "BILLUNITS",
    "billing_units_per_package": "BILLUNITSPKG",
}
NOC_COLUMNS = {
    "generic_name": "Drug Generic Name",
    "labeler": "LABELER NAME",
    "ndc_id": "NDC or ALTERNATE ID",
    "drug_name": "Drug Name",
    "dosage": "Dosage",
    "package_size": "PKG SIZE",
    "package_quantity": "PKG QTY",
    "billing_units": "BILLUNITS",
    "billing_units_per_package": "BILLUNITSPKG",
}
_ASP_REQUIRED = ("NDC2", "HCPCS dosage", "BILLUNITSPKG")
_NOC_REQUIRED = ("Drug Generic Name", "NDC or ALTERNATE ID", "BILLUNITSPKG")


def detect(sample: Sample) -> Detected | Skip | None:
    source = sample.source
    at = find_header(sample.rows, _ASP_REQUIRED)
    if at is not None and any(_CODE_COLUMN.match(c.strip()) for c in sample.rows[at]):
        other = _OTHER_CROSSWALK.search(" ".join(" ".join(row) for row in sample.rows[:at]))
        if other is not None:
            return Skip(f"CMS {other.group(1).upper()} NDC-HCPCS crosswalk: not loaded (the decision uses the "
                        "ASP and NOC crosswalks)")  # fmt: skip
        # CMS's own file (CSV with title lines, or xlsx); a clean copy starts at the header row.
        official = at > 0 or sample.is_xlsx
        what = "ASP NDC-HCPCS crosswalk" + ("" if official else " (converted copy)")
        return Detected(what, "asp_crosswalk", official, lambda: parse_asp_crosswalk(source))
    at = find_header(sample.rows, _NOC_REQUIRED)
    if at is not None:
        official = at > 0 or sample.is_xlsx
        what = "ASP NOC NDC-HCPCS crosswalk" + ("" if official else " (converted copy)")
        return Detected(what, "noc_crosswalk", official, lambda: parse_noc_crosswalk(source))
    return None


def ndc_11_of(ndc_id: str | None) -> str | None:
    """The 11 digits of a 5-4-2 NDC; None for an alternate ID such as ``GG100``.

    >>> ndc_11_of("00006-3026-02"), ndc_11_of("GG100")
    ('00006302602', None)
    """
    return ndc_id.replace("-", "") if ndc_id and _NDC_542.match(ndc_id) else None


def parse_asp_crosswalk(source: Source) -> ParsedFile:
    table = table_from_rows(table_rows(source), _ASP_REQUIRED, source.label)
    code_column = next((c.strip() for c in table.header if _CODE_COLUMN.match(c.strip())), None)
    if code_column is None:
        raise DataFileError(f"{source.label}: no _YYYY_CODE column in the header.")
    year = int(_CODE_COLUMN.match(code_column).group(1))  # type: ignore[union-attr]
    release, start, end = quarterly_release(table.preamble_text, source, year_hint=year)
    rows = []
    for line, record in table.records({"hcpcs": code_column, **ASP_COLUMNS}):
        if not record["hcpcs"]:
            raise DataFileError(f"{source.label} line {line}: no HCPCS code in {code_column}.")
        rows.append(_with_ndc(record))
    return ParsedFile("asp_crosswalk", release, start, end, rows)


def parse_noc_crosswalk(source: Source) -> ParsedFile:
    table = table_from_rows(table_rows(source), _NOC_REQUIRED, source.label)
    release, start, end = quarterly_release(table.preamble_text, source)
    rows = [_with_ndc(record) for _, record in table.records(NOC_COLUMNS)]
    return ParsedFile("noc_crosswalk", release, start, end, rows)


def _with_ndc(record: dict[str, str | None]) -> dict[str, Any]:
    return {**record, "ndc_11": ndc_11_of(record["ndc_id"])}
