"""The CMS list of HCPCS "not otherwise classified" codes ("NOC CODES - HCPCS <year>"), published
beside the alpha-numeric file as xlsx and as a fixed-width .prn print file (also read as a CSV
conversion). Columns: HCPCS, LONG DESCRIPTION, ADD DATE, TERM DATE.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from nocrx.data.formats import Detected, Sample
from nocrx.data.reading import (
    Source,
    compact_date,
    csv_rows,
    find_header,
    read_text,
    table_from_rows,
    xlsx_rows,
)
from nocrx.data.records import ParsedFile
from nocrx.errors import DataFileError

COLUMNS = {"hcpcs": "HCPCS", "long_description": "LONG DESCRIPTION", "add_date": "ADD DATE",
           "term_date": "TERM DATE"}  # fmt: skip
_REQUIRED = tuple(COLUMNS.values())
_TITLE_YEAR = re.compile(r"NOC CODES\s*-\s*HCPCS\s+((?:19|20)\d\d)", re.IGNORECASE)
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# The .prn ends with a DOS end-of-file mark (^Z), which the xlsx and CSV forms keep as a cell.
_END_OF_FILE = {"\x1a", "_x001A_"}
_CODE = re.compile(r"^[A-V]\d{4}$")


def detect(sample: Sample) -> Detected | None:
    source = sample.source
    if find_header(sample.rows, _REQUIRED) is not None:
        if sample.is_xlsx:
            return Detected("CMS NOC code list (xlsx)", "noc_codes", True, lambda: parse_xlsx(source))
        return Detected("CMS NOC code list (CSV copy)", "noc_codes", False, lambda: parse_csv(source))
    if not sample.is_xlsx and _prn_header(sample.lines) is not None:
        # The print file cuts long descriptions at 80 characters: the xlsx is preferred when both are there.
        return Detected("CMS NOC code list (fixed-width .prn)", "noc_codes", True, lambda: parse_prn(source),
                        is_complete=False)  # fmt: skip
    return None


def _prn_header(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if "," not in line and all(name in line for name in _REQUIRED):
            return index
    return None


def parse_xlsx(source: Source) -> ParsedFile:
    return _from_rows(source, list(xlsx_rows(source)))


def parse_csv(source: Source) -> ParsedFile:
    return _from_rows(source, csv_rows(read_text(source)))


def _from_rows(source: Source, rows: list[list[str]]) -> ParsedFile:
    table = table_from_rows(rows, _REQUIRED, source.label)
    built = [_row(source, line, record) for line, record in table.records(COLUMNS)
             if record["hcpcs"] not in _END_OF_FILE]  # fmt: skip
    return _parsed(source, table.preamble_text, built)


def parse_prn(source: Source) -> ParsedFile:
    """Columns of the print file start where their header words start (the header line)."""
    lines = read_text(source).splitlines()
    at = _prn_header(lines)
    if at is None:
        raise DataFileError(
            f"{source.label}: no HCPCS / LONG DESCRIPTION / ADD DATE / TERM DATE header line."
        )
    header = lines[at]
    starts = [header.index(name) for name in _REQUIRED]
    bounds = list(zip(starts, [*starts[1:], None], strict=True))
    built = []
    for number, line in enumerate(lines[at + 1 :], at + 2):
        cells = [line[a:b].strip() if b else line[a:].strip() for a, b in bounds]
        if not _CODE.match(cells[0]):
            continue  # blank lines and the DOS end-of-file mark (^Z)
        built.append(_row(source, number, dict(zip(COLUMNS, [c or None for c in cells], strict=True))))
    return _parsed(source, "\n".join(lines[:at]), built)


def _row(source: Source, line: int, record: dict[str, str | None]) -> dict[str, Any]:
    if not record["hcpcs"] or not _CODE.match(record["hcpcs"]):
        raise DataFileError(f'{source.label} line {line}: "{record["hcpcs"]}" is not a HCPCS Level II code.')
    try:
        return record | {"add_date": compact_date(record["add_date"], what="ADD DATE"),
                         "term_date": compact_date(record["term_date"], what="TERM DATE")}  # fmt: skip
    except DataFileError as error:
        raise DataFileError(f"{source.label} line {line}: {error}") from error


def _parsed(source: Source, title: str, rows: list[dict[str, Any]]) -> ParsedFile:
    """The release is the list's year: from its title line, else from the file name."""
    match = _TITLE_YEAR.search(title) or _YEAR_IN_NAME.search(source.name)
    if match is None:
        raise DataFileError(f'{source.label}: cannot tell the release (no "NOC CODES - HCPCS <year>" title).')
    year = int(match.group(1))
    # In force from January 1 of its year until a newer list is loaded.
    return ParsedFile("noc_codes", str(year), date(year, 1, 1), None, rows)
