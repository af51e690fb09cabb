"""Which lines scrub checks: drug HCPCS ranges, or any line with an NDC."""

from __future__ import annotations

from datetime import date

import pytest

from nocrx.batch import is_drug_code, is_drug_line
from nocrx.batch.classify import skip_reason
from nocrx.model import ClaimLine, Component, Drug


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("J3490", True), ("J9999", True), ("J0696", True), ("C9399", True), ("C9600", False),
        ("Q5101", True), ("Q0138", True), ("Q4101", False), ("Q9967", True), ("A9552", True),
        ("A4221", False), ("96413", False), ("99213", False), ("S9500", False), (None, False), ("J34", False),
    ],
)  # fmt: skip
def test_drug_codes(code, expected):
    assert is_drug_code(code) is expected


def test_any_line_with_an_ndc_is_a_drug_line():
    day = date(2025, 11, 14)
    assert is_drug_line(ClaimLine(date_of_service=day, hcpcs="S9500", drug=Drug(ndc="00004196501")))
    assert is_drug_line(ClaimLine(date_of_service=day, drug=Drug(components=(Component(ndc="00409930012"),))))
    plain = ClaimLine(date_of_service=day, hcpcs="96413")
    assert not is_drug_line(plain)
    assert "96413 is not a drug code" in skip_reason(plain)
    assert "revenue-code-only" in skip_reason(ClaimLine(date_of_service=day))
