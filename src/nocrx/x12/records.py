"""What the 837 reader yields: one ReadLine per service line, and Issues for the envelope.

A ReadLine has either a ``line`` (a ClaimLine ready for the checker) or an ``error`` (an
Issue saying why the SV1/SV2 could not become one, with its segment position). Issues not
tied to a line (SE01 wrong, truncated transaction, no ISA) come out as ``Issue`` records in
file order. No patient data (names, member ids, birth dates) is ever read into these.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

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


class LineSource(Protocol):
    """How a ReadLine builds its ClaimLine from its raw segments, and keys them (x12.lines.ClaimLines)."""

    def build(self, raw: Any) -> ClaimLine: ...

    def key(self, raw: Any) -> Hashable: ...


class ReadLine:
    """One service line (SV1/SV2) as read: a ClaimLine, or an error saying why not.

    The ClaimLine is built on first access of ``line`` or ``error`` (then kept): reading a file
    costs a plain split plus the envelope walk, and a consumer that only counts or routes lines
    never pays for the model objects. Equality compares the built values.
    """

    __slots__ = ("_error", "_line", "_pending", "_raw", "context", "lx", "segment_index", "warnings")

    def __init__(
        self,
        context: ClaimContext,
        lx: str | None,
        segment_index: int,
        line: ClaimLine | None = None,
        error: Issue | None = None,
        warnings: tuple[Issue, ...] = (),
        pending: LineSource | None = None,
        raw: object = None,
    ) -> None:
        self.context = context
        self.lx = lx
        self.segment_index = segment_index  # of the SV1/SV2 segment
        self.warnings = warnings
        self._line = line
        self._error = error
        self._pending = pending  # builds the ClaimLine from the segments in raw (walker: ClaimLines)
        self._raw = raw

    @property
    def line(self) -> ClaimLine | None:
        if self._pending is not None:
            self._build()
        return self._line

    @property
    def error(self) -> Issue | None:
        if self._pending is not None:
            self._build()
        return self._error

    def source_key(self) -> Hashable | None:
        """A key of the segments the ClaimLine is built from, less CLM01 and LX; None once built.

        Two lines with equal keys have equal ClaimLines but for ``line_id``, so a consumer can
        reuse what it made of the first without building the second (scrub does).
        """
        pending = self._pending
        return None if pending is None else pending.key(self._raw)

    @property
    def is_readable(self) -> bool:
        return self.line is not None

    def _build(self) -> None:
        pending, raw, self._pending, self._raw = self._pending, self._raw, None, None
        assert pending is not None
        try:
            self._line = pending.build(raw)
        except LineError as problem:
            where = self.context.position
            position = Position(
                where.file, where.interchange, where.isa13, where.gs06, where.st02, self.segment_index
            )
            self._error = Issue(problem.code, "error", problem.message, position)

    def _key(self) -> tuple[object, ...]:
        return (self.context, self.lx, self.segment_index, self.line, self.error, self.warnings)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReadLine) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"ReadLine(context={self.context!r}, lx={self.lx!r}, segment_index={self.segment_index}, "
            f"line={self.line!r}, error={self.error!r}, warnings={self.warnings!r})"
        )


class LineError(Exception):
    """A service-line element that cannot be read; carries the issue code (becomes ReadLine.error)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
