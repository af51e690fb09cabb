"""What the 837 reader yields: one ReadLine per service line, and Issues for the envelope.

A ReadLine has either a ``line`` (a ClaimLine ready for the checker) or an ``error`` (an
Issue saying why the SV1/SV2 could not become one, with its segment position). Issues not
tied to a line (SE01 wrong, truncated transaction, no ISA) come out as ``Issue`` records in
file order. No patient data (names, member ids, birth dates) is ever read into these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from nocrx.model import ClaimLine

Kind = Literal["837P", "837I"]
IssueSeverity = Literal["error", "warning"]

# Stable issue codes (also the finding codes of unreadable lines in scrub reports).
ISSUE_CODES = {
    "X12_CANNOT_READ": "the file cannot be opened or read",
    "X12_NO_ISA": "the file has no ISA header (lines are read with separators guessed from GS)",
    "X12_NOT_X12": "the file has neither ISA nor GS: nothing could be read",
    "X12_BAD_SEPARATORS": "the ISA declares separators that cannot be used; text skipped to the next ISA",
    "X12_COMPONENT_SEPARATOR": "composites use ':' although ISA16 declares another separator",
    "X12_LEADING_GARBAGE": "text before the first ISA was ignored",
    "X12_BAD_SEGMENT_ID": "a segment identifier is not 2-3 letters/digits",
    "X12_SEGMENT_OUTSIDE_ENVELOPE": "a segment appears outside ISA/GS/ST",
    "X12_TRANSACTION_TRUNCATED": "a transaction set has no SE (file cut or next ST/GE/IEA came first)",
    "X12_GROUP_TRUNCATED": "a functional group has no GE",
    "X12_INTERCHANGE_TRUNCATED": "an interchange has no IEA",
    "X12_SE_COUNT": "SE01 differs from the number of segments in the transaction set",
    "X12_SE_CONTROL": "SE02 differs from ST02",
    "X12_GE_COUNT": "GE01 differs from the number of transaction sets in the group",
    "X12_GE_CONTROL": "GE02 differs from GS06",
    "X12_IEA_COUNT": "IEA01 differs from the number of functional groups in the interchange",
    "X12_IEA_CONTROL": "IEA02 differs from ISA13",
    "X12_KIND_MISMATCH": "GS08/ST03 names one 837 guide but the lines are of the other kind",
    "X12_NOT_837": "a transaction set that is not an 837 (ST01) was skipped",
    "X12_LINE_OUTSIDE_CLAIM": "a service line appears before any CLM in its transaction set",
    "X12_BAD_ELEMENT": "a service-line element cannot be read (number, date or code)",
    "X12_NO_DATE_OF_SERVICE": "neither the line (DTP*472) nor the claim (DTP*434/472) gives a date",
}


@dataclass(frozen=True, slots=True)
class Position:
    """Where something is: file, interchange/group/transaction control numbers, segment index.

    ``segment_index`` counts segments from the interchange's ISA (= 1), or from the start of a
    file that has no ISA, so reading one interchange alone gives the same positions.
    """

    file: str
    interchange: int = 0
    isa13: str | None = None
    gs06: str | None = None
    st02: str | None = None
    segment_index: int = 0

    def describe(self) -> str:
        parts = [self.file]
        if self.isa13 is not None:
            parts.append(f"ISA13 {self.isa13}")
        if self.st02 is not None:
            parts.append(f"ST02 {self.st02}")
        parts.append(f"segment {self.segment_index}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Issue:
    """A coded envelope or line problem found while reading (never a patient value in message)."""

    code: str
    severity: IssueSeverity
    message: str
    position: Position


@dataclass(frozen=True, slots=True)
class ClaimContext:
    """The claim a service line belongs to (shared by the claim's lines)."""

    position: Position  # of the CLM segment
    kind: Kind | None
    clm01: str | None
    payer_name: str | None
    payer_id: str | None
    billing_npi: str | None
    facility_type: str | None = None  # CLM05-1: place of service (837P) or facility type (837I)


@dataclass(frozen=True, slots=True)
class ReadLine:
    """One service line (SV1/SV2) as read: a ClaimLine, or an error saying why not."""

    context: ClaimContext
    lx: str | None
    segment_index: int  # of the SV1/SV2 segment
    line: ClaimLine | None
    error: Issue | None = None
    warnings: tuple[Issue, ...] = ()

    @property
    def is_readable(self) -> bool:
        return self.line is not None
