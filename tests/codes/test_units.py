"""HCPCS billing units: dose / descriptor dosage, rounded up (CMS Pub. 100-04 ch.17 §10, §70)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nocrx.codes.units import billing_units, convert, descriptor_dosage, parse_amount
from nocrx.model import Amount


def amount(value: str, unit: str) -> Amount:
    return Amount(Decimal(value), unit)


@pytest.mark.parametrize(
    ("dose", "dosage", "units"),
    [
        pytest.param(amount("200", "mg"), amount("1", "mg"), 200, id="Keytruda 200 mg of J9271 1 mg"),
        pytest.param(amount("500", "mg"), amount("10", "mg"), 50, id="infliximab 500 mg of J1745 10 mg"),
        pytest.param(amount("35", "mg"), amount("10", "mg"), 4, id="35 mg rounds up to 4 units"),
        pytest.param(amount("3", "mg"), amount("10", "mg"), 1, id="below one unit bills one unit"),
        pytest.param(amount("0.2", "g"), amount("1", "mg"), 200, id="grams to mg"),
        pytest.param(amount("20", "units"), amount("1", "UNIT"), 20, id="vasopressin units"),
        pytest.param(amount("400", "mcg"), amount("1", "mg"), 1, id="mcg to mg rounds up"),
    ],
)
def test_billing_units(dose: Amount, dosage: Amount, units: int) -> None:
    assert billing_units(dose, dosage) == Decimal(units)


def test_mass_cannot_become_volume() -> None:
    assert billing_units(amount("10", "mg"), amount("1", "ml")) is None
    assert convert(amount("1", "ml"), "mg") is None


@pytest.mark.parametrize(
    ("descriptor", "expected"),
    [
        ("Injection, pembrolizumab, 1 mg", amount("1", "mg")),
        ("Injection, infliximab, excludes biosimilar, 10 mg", amount("10", "mg")),
        (
            "Injection, glucagon hydrochloride (fresenius kabi), not therapeutically equivalent to j1610, per 1 mg",
            amount("1", "mg"),
        ),
        ("Injection, vasopressin, 1 unit", amount("1", "unit")),
        ("Injection, filgrastim-txid (nypozi), biosimilar, 1 microgram", amount("1", "microgram")),
    ],
)
def test_descriptor_dosage(descriptor: str, expected: Amount) -> None:
    assert descriptor_dosage(descriptor) == expected


def test_parse_amount_reads_crosswalk_dosages() -> None:
    assert parse_amount("1 MG") == amount("1", "mg")
    assert parse_amount("0.5 ML") == amount("0.5", "ml")
    assert parse_amount("1 EACH") is None


@given(st.integers(1, 10_000), st.integers(1, 100))
def test_units_cover_the_dose_and_never_a_whole_unit_more(dose_mg: int, per_unit_mg: int) -> None:
    units = billing_units(amount(str(dose_mg), "mg"), amount(str(per_unit_mg), "mg"))
    assert units is not None
    assert units * per_unit_mg >= dose_mg
    assert (units - 1) * per_unit_mg < dose_mg
