"""The fast constructors give instances equal to the dataclasses' own constructors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from nocrx.model import Amount, ClaimLine, Component, Drug
from nocrx.x12.construct import fast_constructor
from nocrx.x12.records import ClaimContext, Position

texts = st.none() | st.text(max_size=8)


@given(hcpcs=texts, payer=texts, units=st.none() | st.decimals(allow_nan=False, allow_infinity=False))
def test_claim_line_fast_equals_init(hcpcs, payer, units):
    arguments = {"date_of_service": date(2025, 1, 2), "hcpcs": hcpcs, "payer": payer, "units": units}
    assert fast_constructor(ClaimLine)(**arguments) == ClaimLine(**arguments)


def test_defaults_and_positional_arguments():
    assert fast_constructor(Drug)() == Drug()
    assert fast_constructor(Amount)(Decimal(1), "UN") == Amount(Decimal(1), "UN")
    assert fast_constructor(Component)(ndc="1") == Component(ndc="1")
    position = Position("f", 1, "i", "g", "s", 3)
    assert fast_constructor(Position)("f", 1, "i", "g", "s", 3) == position
    context = ClaimContext(position, "837P", "C", None, None, None)
    assert fast_constructor(ClaimContext)(position, "837P", "C", None, None, None) == context


def test_class_with_post_init_keeps_its_constructor():
    class Checked:
        __slots__ = ()

        def __post_init__(self) -> None:  # pragma: no cover - never called here
            raise AssertionError

    assert fast_constructor(Checked) is Checked
