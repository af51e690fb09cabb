"""X12 syntax: segments as data, the four delimiters, and number formats. No I/O.

A segment is a tuple ``(id, element, element, ...)``; an element is text or, for a composite,
a tuple of components. ``write_segment`` drops trailing empty elements and components, as
X12.6 requires ("SV1*HC:J3490:::::DRUG 5 MG*..." keeps the inner empties, not the outer ones).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from nocrx.errors import InvalidInput
from nocrx.model import format_number

Element = str | tuple[str, ...]
Segment = tuple[Element, ...]


@dataclass(frozen=True, slots=True)
class Separators:
    """The delimiters of one interchange (ISA16 component, ISA11 repetition, segment terminator)."""

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"
    line_break: bool = True  # a newline after each terminator, for people reading the file

    def __post_init__(self) -> None:
        chosen = (self.element, self.component, self.repetition, self.segment)
        # A newline may end segments (some trading partners ask for it); it is then the only break.
        usable = [c for c in chosen if not (c == self.segment == "\n")]
        bad = any(len(c) != 1 or c.isalnum() or c.isspace() for c in usable)
        if bad or len(set(chosen)) != 4:
            raise InvalidInput(
                "Separators must be four different single characters that are not letters, digits "
                f"or spaces; got {chosen!r}.",
                field="separators",
            )

    @property
    def terminator(self) -> str:
        return self.segment + ("\n" if self.line_break and self.segment != "\n" else "")

    @property
    def delimiters(self) -> str:
        return self.element + self.component + self.repetition + self.segment


def write_segment(segment: Segment, separators: Separators, *, escape: bool = True) -> str:
    """Write one segment without its terminator.

    A delimiter character inside a value would split it, so each one becomes a space (X12 has
    no escape character). ``escape=False`` is for ISA, whose ISA11 and ISA16 are delimiters.

    >>> write_segment(("SV1", ("HC", "J3490", "", "", "", "", "DRUG"), "10", "UN", "1", "", ""), Separators())
    'SV1*HC:J3490:::::DRUG*10*UN*1'
    """
    return _write_segment(
        segment, separators.element, separators.component, separators.delimiters if escape else ""
    )


@lru_cache(maxsize=1 << 16)
def _write_segment(segment: Segment, element_separator: str, component: str, escaped: str) -> str:
    # Cached: a batch repeats most segments (LX numbers, DTP dates, LIN NDCs, CTP quantities).
    table = _escape_table(escaped) if escaped else None
    texts = []
    for element in segment:
        if element.__class__ is str:
            texts.append(element.translate(table) if table else element)  # type: ignore[union-attr]
        else:
            parts = [c.translate(table) for c in element] if table else list(element)
            while parts and not parts[-1]:
                parts.pop()
            texts.append(component.join(parts))
    while texts and not texts[-1]:
        texts.pop()
    return element_separator.join(texts)


@lru_cache(maxsize=64)
def _escape_table(delimiters: str) -> dict[int, str]:
    return {ord(c): " " for c in delimiters + "\r\n"}


def write_segments(segments: Iterable[Segment], separators: Separators) -> str:
    """Write segments, each followed by the terminator."""
    end, write = separators.terminator, _write_segment
    element, component, escaped = separators.element, separators.component, separators.delimiters
    return "".join([write(s, element, component, escaped) + end for s in segments])


def _trim(parts: list[str]) -> list[str]:
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def split_segments(text: str, separators: Separators) -> list[list[str]]:
    """Split written X12 back into segments of elements (the inverse of write_segments)."""
    return [
        chunk.strip("\r\n").split(separators.element)
        for chunk in text.split(separators.segment)
        if chunk.strip("\r\n")
    ]


@lru_cache(maxsize=4096)
def x12_number(value: Decimal) -> str:
    """Write an X12 R (decimal) value: no exponent, no trailing zeros, no leading plus.

    >>> x12_number(Decimal("1400.00"))
    '1400'
    """
    return format_number(value)


@lru_cache(maxsize=4096)
def x12_amount(value: Decimal) -> str:
    """Write money with cents when it has them (X12 R, at most 2 decimals)."""
    return format_number(value.quantize(Decimal("0.01")))


@lru_cache(maxsize=4096)
def x12_date(day: date) -> str:
    """Write a D8 date, CCYYMMDD (cached: a batch repeats a few hundred dates).

    >>> x12_date(date(2025, 11, 14))
    '20251114'
    """
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"
