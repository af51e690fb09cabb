"""Rows of the reference data as the decision reads them, and a parsed file as the importers
hand it to the store. Plain frozen dataclasses, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

KINDS = (
    "hcpcs",
    "asp_crosswalk",
    "asp_pricing",
    "noc_crosswalk",
    "noc_pricing",
    "opps_addendum_b",
    "noc_codes",
    "fda_products",
    "fda_packages",
    "formulary",
)
# The table each kind loads into (schema.sql); the same name but for the HCPCS code set.
KIND_TABLE = {kind: kind for kind in KINDS} | {"hcpcs": "hcpcs_codes"}


@dataclass(frozen=True, slots=True)
class Release:
    """One loaded release of one kind of file (a row of data_sources)."""

    id: int
    kind: str
    release: str
    effective_from: date | None
    effective_to: date | None
    source_file: str
    sha256: str
    row_count: int
    loaded_at: str
    source_url: str | None = None
    notes: str | None = None

    @property
    def label(self) -> str:
        """How an answer names the release it used, e.g. "asp_crosswalk 2025q4"."""
        return f"{self.kind} {self.release}"

    def covers(self, day: date) -> bool:
        starts = self.effective_from is None or self.effective_from <= day
        return starts and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True, slots=True)
class HCPCSCode:
    """One HCPCS Level II code from an alpha-numeric file release."""

    hcpcs: str
    long_description: str
    short_description: str
    add_date: date | None
    action_effective_date: date | None
    termination_date: date | None
    action_code: str | None
    coverage_code: str | None = None
    pricing_indicator: str | None = None
    betos: str | None = None

    def is_valid_on(self, day: date) -> bool:
        """True when the code may be billed on ``day`` (added on or before, not yet terminated)."""
        if self.add_date is not None and day < self.add_date:
            return False
        return self.termination_date is None or day <= self.termination_date


@dataclass(frozen=True, slots=True)
class CrosswalkRow:
    """One NDC row of an ASP or NOC NDC-HCPCS crosswalk."""

    hcpcs: str | None  # None in the NOC crosswalk, which names no code
    ndc_11: str
    drug_name: str
    labeler: str
    hcpcs_dosage: str  # "1 MG", "1 UNIT", "10 MG"
    package_size: str
    package_quantity: str
    billing_units: str
    billing_units_per_package: str
    short_description: str = ""
    release: str = ""


@dataclass(slots=True)
class ParsedFile:
    """What a parser made of one file: its kind, release and rows (column name -> value).

    Row keys are the column names of the kind's table in schema.sql (without source_id).
    """

    kind: str
    release: str
    effective_from: date | None
    effective_to: date | None
    # A list, or any re-iterable the store reads while inserting (FDA files stream their rows).
    rows: Iterable[dict[str, Any]] = field(default_factory=list)
    notes: str | None = None
    source_url: str | None = None
