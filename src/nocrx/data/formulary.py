"""A practice's own formulary or chargemaster as CSV: one row per NDC the office stocks.

Required columns: an NDC and a drug name. Optional: strength, route, HCPCS, category,
container. Header names are matched loosely (case, spaces, ``_`` and ``-`` ignored) against
the aliases below, the names offices' exports use. docs/data.md documents the format.

The release is the file's name without extension (a practice has one formulary per file);
loading an edited file under the same name needs ``--replace``.
"""

from __future__ import annotations

import re
from typing import Any

from nocrx.codes.ndc import parse_ndc
from nocrx.data.formats import Detected, Sample
from nocrx.data.reading import Source, csv_rows, read_text
from nocrx.data.records import ParsedFile
from nocrx.errors import DataFileError, NocrxError

ALIASES = {
    "ndc_11": ("ndc", "ndc11", "ndc_11", "ndc code", "ndc number", "national drug code", "package ndc"),
    "drug_name": ("drug_name", "drug name", "name", "description", "drug", "drug description",
                  "item description", "product name", "medication"),
    "strength": ("strength", "drug strength", "dose strength"),
    "route": ("route", "route of administration"),
    "hcpcs": ("hcpcs", "hcpcs code", "hcpcs_code", "cpt/hcpcs", "billing code"),
    "category": ("category", "drug category", "class", "drug class"),
    "container": ("container", "container type", "vial type", "package type"),
}  # fmt: skip
_REQUIRED = ("ndc_11", "drug_name")


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.strip().lower())


_LOOKUP = {_key(alias): ours for ours, aliases in ALIASES.items() for alias in aliases}


def columns_of(header: list[str]) -> dict[str, int]:
    """Our column -> its position in the header (the first matching alias wins)."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        ours = _LOOKUP.get(_key(name))
        if ours is not None and ours not in found:
            found[ours] = index
    return found


def detect(sample: Sample) -> Detected | None:
    if sample.is_xlsx or not sample.rows:
        return None
    if all(column in columns_of(sample.rows[0]) for column in _REQUIRED):
        source = sample.source
        return Detected("practice formulary (CSV)", "formulary", True, lambda: parse_formulary(source))
    return None


def parse_formulary(source: Source) -> ParsedFile:
    rows = csv_rows(read_text(source))
    if not rows:
        raise DataFileError(f"{source.label}: the file is empty.")
    positions = columns_of(rows[0])
    missing = [c for c in _REQUIRED if c not in positions]
    if missing:
        raise DataFileError(f"{source.label}: the header needs an NDC column and a drug name column "
                            f"(missing: {', '.join(missing)}).")  # fmt: skip
    parsed = [
        _row(source, n, row, positions) for n, row in enumerate(rows[1:], 2) if any(c.strip() for c in row)
    ]
    release = source.name.split(".")[0] or "formulary"
    return ParsedFile("formulary", release, None, None, parsed, notes="practice formulary")


def _row(source: Source, line: int, row: list[str], positions: dict[str, int]) -> dict[str, Any]:
    values: dict[str, Any] = {ours: None for ours in ALIASES}
    for ours, at in positions.items():
        values[ours] = (row[at].strip() or None) if at < len(row) else None
    try:
        # The NDC as the office wrote it: 10-digit label forms need their hyphens to be exact.
        values["ndc_11"] = parse_ndc(values["ndc_11"] or "").ndc_11
    except NocrxError as error:
        raise DataFileError(f"{source.label} line {line}: {error.message}") from error
    if values["hcpcs"]:
        values["hcpcs"] = values["hcpcs"].upper()
    return values
