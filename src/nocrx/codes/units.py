"""Dose units and HCPCS billing units.

CMS Pub. 100-04, Medicare Claims Processing Manual, ch. 17 §10 and §70: drugs are billed in
multiples of the dosage in the HCPCS long descriptor; a dose that is not a multiple rounds up
to the next unit, and a dose below the descriptor's dosage is one unit. The same rule is the
RAC topic 0074 ("Excessive or Insufficient Drugs and Biologicals Units Billed").
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, Decimal

from nocrx.model import Amount

ROUNDING_SOURCE = (
    "CMS Pub. 100-04 Medicare Claims Processing Manual ch.17 §10, §70 (round up to the next unit)"
)

# Mass, volume and activity units reduce to a base unit of their dimension.
_SCALE = {
    "g": ("mass", Decimal(1000)),
    "gm": ("mass", Decimal(1000)),
    "gr": ("mass", Decimal(1000)),
    "gram": ("mass", Decimal(1000)),
    "grams": ("mass", Decimal(1000)),
    "mg": ("mass", Decimal(1)),
    "milligram": ("mass", Decimal(1)),
    "milligrams": ("mass", Decimal(1)),
    "mcg": ("mass", Decimal("0.001")),
    "ug": ("mass", Decimal("0.001")),
    "µg": ("mass", Decimal("0.001")),
    "microgram": ("mass", Decimal("0.001")),
    "micrograms": ("mass", Decimal("0.001")),
    "ml": ("volume", Decimal(1)),
    "cc": ("volume", Decimal(1)),
    "l": ("volume", Decimal(1000)),
    "unit": ("units", Decimal(1)),
    "units": ("units", Decimal(1)),
    "u": ("units", Decimal(1)),
    "iu": ("units", Decimal(1)),
    "i.u.": ("units", Decimal(1)),
    "me": ("mass", Decimal(1)),  # NCPDP/X12 "ME" = milligram
    "mci": ("activity", Decimal(1)),
    "millicurie": ("activity", Decimal(1)),
    "millicuries": ("activity", Decimal(1)),
    "uci": ("activity", Decimal("0.001")),
    "microcurie": ("activity", Decimal("0.001")),
    "microcuries": ("activity", Decimal("0.001")),
}
_AMOUNT = re.compile(r"^\s*(?:up to\s+|per\s+)?(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Zµ.]+)\s*$")
# The dosage at the end of a long descriptor: "Injection, pembrolizumab, 1 mg" / "..., per 10 mg".
_DESCRIPTOR_DOSAGE = re.compile(
    r"(?:,|\bper)\s*(?:up to\s+)?(\d[\d,]*(?:\.\d+)?|\.\d+)\s*(mg|mcg|microgram|micrograms|milligrams?|grams?|g|ml|"
    r"units?|iu|millicuries?|microcuries?|mci|uci)\b[^,]*$",
    re.IGNORECASE,
)


def parse_amount(text: str) -> Amount | None:
    """Read "1 MG", "10 mg", "0.5 ML", "1 UNIT", "up to 15 mg" as an Amount (None if unreadable).

    >>> parse_amount("10 MG")
    Amount(value=Decimal('10'), unit='mg')
    """
    match = _AMOUNT.match(text or "")
    if not match:
        return None
    unit = match.group(2).lower()
    if unit not in _SCALE:
        return None
    return Amount(Decimal(match.group(1)), unit)


def descriptor_dosage(long_description: str) -> Amount | None:
    """The dosage a HCPCS long descriptor bills per unit, e.g. "..., 1 mg" -> 1 mg."""
    match = _DESCRIPTOR_DOSAGE.search(long_description or "")
    if not match:
        return None
    return Amount(Decimal(match.group(1).replace(",", "")), match.group(2).lower())


def convert(amount: Amount, unit: str) -> Decimal | None:
    """``amount`` expressed in ``unit``; None when the dimensions differ (mg cannot become mL).

    >>> convert(Amount(Decimal("0.2"), "g"), "mg")
    Decimal('200.0')
    """
    source = _SCALE.get(amount.unit.lower())
    target = _SCALE.get(unit.lower())
    if source is None or target is None or source[0] != target[0]:
        return None
    return amount.value * source[1] / target[1]


def billing_units(dose: Amount, hcpcs_dosage: Amount) -> Decimal | None:
    """HCPCS units for a dose: dose / dosage, rounded up, at least 1 (ch.17 §10, §70).

    >>> billing_units(Amount(Decimal(200), "mg"), Amount(Decimal(1), "mg"))
    Decimal('200')
    >>> billing_units(Amount(Decimal(35), "mg"), Amount(Decimal(10), "mg"))
    Decimal('4')
    """
    value = convert(dose, hcpcs_dosage.unit)
    if value is None or hcpcs_dosage.value <= 0:
        return None
    if value <= 0:
        return Decimal(0)
    units = (value / hcpcs_dosage.value).to_integral_value(rounding=ROUND_CEILING)
    return max(units, Decimal(1))
