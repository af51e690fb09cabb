"""National Drug Codes: read every form a label or a claim uses, write the 11-digit billing form.

The FDA label form is 10 digits in three segments, 4-4-2, 5-3-2 or 5-4-1. Claims carry the
11-digit 5-4-2 form without hyphens (837 TR3 loop 2410 LIN03 with LIN02 = N4; NUCC CMS-1500
item 24A). The conversion pads the short segment with a leading zero, so it needs the hyphens:
a bare 10-digit string could be any of three NDCs, and only the FDA directory can tell which
(noc-rules.md 1.8; daisyBill and coderx.io on NDC 10 -> 11).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from nocrx.errors import InvalidNDC

# Segment lengths of the three 10-digit label configurations, and the 11-digit billing form.
LABEL_LAYOUTS = ((4, 4, 2), (5, 3, 2), (5, 4, 1))
BILLING_LAYOUT = (5, 4, 2)
_SEPARATORS = re.compile(r"[\s\-‐‑–]+")


@dataclass(frozen=True, slots=True)
class NDC:
    """An NDC in billing form, with the form it was read from."""

    ndc_11: str
    given: str

    @property
    def hyphenated(self) -> str:
        """The 5-4-2 form with hyphens, as CMS crosswalks print it (e.g. 00006-3026-02)."""
        return format_542(self.ndc_11)

    @property
    def product_ndc_9(self) -> str:
        """Labeler + product digits (5-4), which identify the FDA product."""
        return self.ndc_11[:9]


def format_542(ndc_11: str) -> str:
    """Write an 11-digit NDC as 5-4-2 with hyphens.

    >>> format_542("00006302602")
    '00006-3026-02'
    """
    return f"{ndc_11[:5]}-{ndc_11[5:9]}-{ndc_11[9:]}"


def pad_segments(segments: Iterable[str]) -> str:
    """Pad label segments to 5-4-2 and join them.

    >>> pad_segments(["0006", "3026", "02"])
    '00006302602'
    """
    return "".join(part.zfill(width) for part, width in zip(segments, BILLING_LAYOUT, strict=True))


def ten_digit_candidates(digits: str) -> tuple[str, ...]:
    """The three 11-digit NDCs a bare 10-digit string could be, in label-layout order."""
    candidates = []
    for layout in LABEL_LAYOUTS:
        a, b = layout[0], layout[0] + layout[1]
        candidates.append(pad_segments([digits[:a], digits[a:b], digits[b:]]))
    return tuple(dict.fromkeys(candidates))


def parse_ndc(raw: str, *, resolve: Callable[[tuple[str, ...]], list[str]] | None = None) -> NDC:
    """Read an NDC in any common form and return its 11-digit billing form.

    ``resolve`` receives the candidates of a bare 10-digit NDC and returns those the loaded
    FDA directory knows; exactly one must be known, or the NDC is reported as ambiguous.

    >>> parse_ndc("0006-3026-02").ndc_11
    '00006302602'
    >>> parse_ndc("N4 00006302602").ndc_11
    '00006302602'
    """
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidNDC("The NDC is empty.", field="drug.ndc")
    try:
        return _parse_unambiguous(raw)
    except _BareTenDigits as bare:
        return NDC(_resolve_ten_digits(bare.digits, raw, resolve), raw)


class _BareTenDigits(Exception):
    def __init__(self, digits: str) -> None:
        self.digits = digits


@lru_cache(maxsize=65536)
def _parse_unambiguous(raw: str) -> NDC:
    """Parse every form but a bare 10-digit string (raised as _BareTenDigits); cached: batches repeat NDCs."""
    text = raw.strip().upper()
    if text.startswith("N4"):
        text = text[2:]
    # A label may print an asterisk where the 11-digit form needs a leading zero (BCBSTX).
    text = text.replace("*", "0")
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    if not parts or not all(p.isdigit() for p in parts):
        raise InvalidNDC(
            f'"{raw}" is not an NDC: it must hold only digits and hyphens, e.g. 0006-3026-02 or 00006302602.',
            field="drug.ndc",
        )
    if len(parts) == 3:
        return NDC(_from_segments(parts, raw), raw)
    digits = "".join(parts)
    if len(parts) == 1 and len(digits) == 11:
        return NDC(digits, raw)
    if len(parts) == 1 and len(digits) == 10:
        raise _BareTenDigits(digits)
    if len(digits) == 12:
        raise InvalidNDC(
            f'"{raw}" has 12 digits: the 6-4-2 NDC format takes effect on 2033-03-07 '
            "(FDA final rule, FR Doc 2026-04368); claims today carry the 11-digit 5-4-2 form.",
            field="drug.ndc",
        )
    raise InvalidNDC(
        f'"{raw}" is not an NDC: expected 10 digits in 4-4-2, 5-3-2 or 5-4-1 segments, or 11 digits (5-4-2).',
        field="drug.ndc",
    )


def _from_segments(parts: list[str], raw: str) -> str:
    lengths = tuple(len(p) for p in parts)
    if lengths in LABEL_LAYOUTS or lengths == BILLING_LAYOUT:
        return pad_segments(parts)
    raise InvalidNDC(
        f'"{raw}" has segments of {"-".join(map(str, lengths))} digits; an NDC is 4-4-2, 5-3-2 or 5-4-1 '
        "on the label and 5-4-2 on a claim.",
        field="drug.ndc",
    )


def _resolve_ten_digits(digits: str, raw: str, resolve: Callable[[tuple[str, ...]], list[str]] | None) -> str:
    candidates = ten_digit_candidates(digits)
    known = resolve(candidates) if resolve else []
    if len(known) == 1:
        return known[0]
    shown = ", ".join(format_542(c) for c in candidates)
    if not resolve:
        why = "no FDA NDC directory is loaded to tell which"
    elif not known:
        why = "none of them is in the loaded FDA NDC directory"
    else:
        why = "more than one is in the loaded FDA NDC directory"
    raise InvalidNDC(
        f'"{raw}" is a 10-digit NDC without hyphens, so it could be {shown}; {why}.',
        hint="write it with the hyphens printed on the label (e.g. 0006-3026-02) or as 11 digits",
        field="drug.ndc",
    )
