"""The CMS HCPCS Level II alpha-numeric file ("ANWEB"), quarterly: xlsx, fixed-width txt, or
a CSV conversion of either. One row per code (RECID 3) or modifier (RECID 7); continuation
records (RECID 4 and 8) carry the rest of a long description and are joined to it.

Fixed-width positions are those of CMS's HCPC<YYYY>_recordlayout.txt ("HCPCS Contractor
Record", 320 characters), 1-based inclusive: HCPC 1-5, SEQNUM 6-10, RECID 11, long
description 12-91, short description 92-119, PRICE1 120-121 (PRICE1-4 120-127), MULT_PI 128,
COV 230, ASC_GRP 231-232, OPPS 241-243, OPPS_PI 244, BETOS 257-259, TOS1 261 (TOS1-5 261-265),
ADD DT 269-276, ACT EFF DT 277-284, TERM DT 285-292, ACTION CD 293.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from nocrx.data.formats import Detected, Sample
from nocrx.data.reading import (
    Source,
    compact_date,
    csv_rows,
    find_header,
    quarter_of,
    read_text,
    table_from_rows,
    text_lines,
    xlsx_rows,
)
from nocrx.data.records import ParsedFile
from nocrx.errors import DataFileError

# Our column (schema.sql hcpcs_codes) -> the column name in the CMS xlsx header.
COLUMNS = {
    "hcpcs": "HCPC",
    "sequence": "SEQNUM",
    "record_id": "RECID",
    "long_description": "LONG DESCRIPTION",
    "short_description": "SHORT DESCRIPTION",
    "pricing_indicator": "PRICE1",
    "multiple_pricing": "MULT_PI",
    "coverage_code": "COV",
    "betos": "BETOS",
    "type_of_service": "TOS1",
    "asc_group": "ASC_GRP",
    "opps": "OPPS",
    "opps_pi": "OPPS_PI",
    "add_date": "ADD DT",
    "action_effective_date": "ACT EFF DT",
    "termination_date": "TERM DT",
    "action_code": "ACTION CD",
}
# 0-based slices of the 320-character record (record layout above).
FIXED_WIDTH = {
    "hcpcs": (0, 5),
    "sequence": (5, 10),
    "record_id": (10, 11),
    "long_description": (11, 91),
    "short_description": (91, 119),
    "pricing_indicator": (119, 121),
    "multiple_pricing": (127, 128),
    "coverage_code": (229, 230),
    "asc_group": (230, 232),
    "opps": (240, 243),
    "opps_pi": (243, 244),
    "betos": (256, 259),
    "type_of_service": (260, 261),
    "add_date": (268, 276),
    "action_effective_date": (276, 284),
    "termination_date": (284, 292),
    "action_code": (292, 293),
}
RECORD_LENGTH = 320
_FIRST_RECORDS = {"3": False, "7": True}  # RECID -> is_modifier
_CONTINUATIONS = {"4", "8"}
# SEQNUM is a number in a 5-character field ("0010 " in the xlsx form shows it may be padded).
_RECORD = re.compile(r"^[A-Z0-9 ]{5}(?=[\d ]{5}[3478])[ ]*\d+[ ]*[3478]")
_DATES = ("add_date", "action_effective_date", "termination_date")
_REQUIRED = ("HCPC", "RECID", "LONG DESCRIPTION", "ACT EFF DT")


def detect(sample: Sample) -> Detected | None:
    source = sample.source
    if find_header(sample.rows, _REQUIRED) is not None:
        if sample.is_xlsx:
            return Detected("HCPCS alpha-numeric file (xlsx)", "hcpcs", True, lambda: parse_xlsx(source))
        return Detected("HCPCS alpha-numeric file (CSV copy)", "hcpcs", False, lambda: parse_csv(source))
    if not sample.is_xlsx and _is_fixed_width(sample.lines):
        return Detected(
            "HCPCS alpha-numeric file (fixed-width txt)", "hcpcs", True, lambda: parse_txt(source)
        )
    return None


def _is_fixed_width(lines: list[str]) -> bool:
    records = [line for line in lines if _RECORD.match(line)]
    if not records or not all(_RECORD.match(line) for line in records[:20]):
        return False
    first = next((r for r in records if r[10] in _FIRST_RECORDS), "")
    return len(first) >= 293 and first[276:284].strip().isdigit()


def parse_xlsx(source: Source) -> ParsedFile:
    return _from_table(source, list(xlsx_rows(source)))


def parse_csv(source: Source) -> ParsedFile:
    return _from_table(source, csv_rows(read_text(source)))


def _from_table(source: Source, rows: list[list[str]]) -> ParsedFile:
    table = table_from_rows(rows, _REQUIRED, source.label)
    try:
        records = [(line, record) for line, record in table.records(COLUMNS)]
    except DataFileError as error:
        raise DataFileError(f"{source.label}: {error}") from error
    return _parsed(source, _join(records, source))


def parse_txt(source: Source) -> ParsedFile:
    with source.open() as stream:
        records = [(n, r) for n, line in enumerate(text_lines(stream), 1) if (r := _fixed_record(line))]
    return _parsed(source, _join(records, source))


def _fixed_record(line: str) -> dict[str, str | None] | None:
    if not _RECORD.match(line):
        return None  # a title or blank line
    padded = line.ljust(RECORD_LENGTH)
    return {ours: (padded[a:b].strip() or None) for ours, (a, b) in FIXED_WIDTH.items()}


def _join(records: Iterable[tuple[int, dict[str, str | None]]], source: Source) -> list[dict[str, Any]]:
    """Rows from records: a continuation record's text is appended to its code's long description."""
    rows: list[dict[str, Any]] = []
    for line, record in records:
        record_id = record["record_id"] or ""
        if record_id in _CONTINUATIONS:
            if not rows or rows[-1]["hcpcs"] != record["hcpcs"]:
                raise DataFileError(f"{source.label} line {line}: continuation record of {record['hcpcs']} "
                                    "without its first record.")  # fmt: skip
            extra = record["long_description"] or ""
            rows[-1]["long_description"] = " ".join(filter(None, (rows[-1]["long_description"], extra)))
            continue
        if record_id not in _FIRST_RECORDS or not record["hcpcs"]:
            raise DataFileError(f'{source.label} line {line}: RECID "{record_id}" is not 3, 4, 7 or 8.')
        rows.append(_row(record, _FIRST_RECORDS[record_id], source, line))
    return rows


def _row(record: dict[str, str | None], is_modifier: bool, source: Source, line: int) -> dict[str, Any]:
    row: dict[str, Any] = {k: v for k, v in record.items() if k not in ("sequence", "record_id")}
    try:
        for name in _DATES:
            row[name] = compact_date(row[name], what=COLUMNS[name])
    except DataFileError as error:
        raise DataFileError(f"{source.label} line {line}: {error}") from error
    row["is_modifier"] = int(is_modifier)
    return row


def _parsed(source: Source, rows: list[dict[str, Any]]) -> ParsedFile:
    """The release is the quarter of the latest action effective date in the file."""
    dates = [row["action_effective_date"] for row in rows if row["action_effective_date"]]
    if not dates:
        raise DataFileError(f"{source.label}: cannot tell the release (no ACT EFF DT in any row).")
    release, start, end = quarter_of(date.fromisoformat(max(dates)))
    return ParsedFile("hcpcs", release, start, end, rows)
