"""Checker's evaluation cache: a repeated line is answered from it, never across a data load,
a payer registry or a number written differently, and always with the caller's own line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from nocrx.checker import Checker
from nocrx.data.records import ParsedFile
from nocrx.model import Amount, ClaimLine, Drug
from nocrx.payers import load_payers

LINE = ClaimLine(
    date_of_service=date(2025, 11, 14), payer="medicare", hcpcs="J3490", units=Decimal(1),
    charge=Decimal("100.00"), diagnoses=("C34.90",), narrative="Emrelis 190 mg",
    drug=Drug(ndc="00074-1044-01", dose=Amount(Decimal(190), "mg"), route="IV"), line_id="CLM1-1",
)  # fmt: skip
FDA_PRODUCT = {
    "product_id": "0074-1044_x", "product_ndc": "0074-1044", "product_ndc_9": "000741044",
    "proprietary_name": "Emrelis", "nonproprietary_name": "telisotuzumab vedotin-tllv",
    "dosage_form": "INJECTION, POWDER, LYOPHILIZED, FOR SOLUTION", "route": "INTRAVENOUS",
    "start_marketing_date": "20250514", "marketing_category": "BLA", "application_number": "BLA761384",
}  # fmt: skip


@pytest.fixture
def checker(fresh_store) -> Checker:
    return Checker(fresh_store)


def test_a_repeated_line_is_answered_from_the_cache_with_its_own_line(checker):
    first = checker.check(LINE)
    again = replace(LINE, line_id="CLM2-3")
    second = checker.check(again)
    assert (checker.misses, checker.hits) == (1, 1)
    assert second.line is again
    assert replace(second, line=LINE) == first


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(replace(LINE, charge=Decimal("100.01")), id="charge"),
        pytest.param(replace(LINE, charge=Decimal("100.0")), id="same-charge-written-otherwise"),
        pytest.param(replace(LINE, units=Decimal("1.0")), id="same-units-written-otherwise"),
        pytest.param(replace(LINE, drug=replace(LINE.drug, dose=Amount(Decimal("190.0"), "mg"))), id="dose"),
        pytest.param(replace(LINE, diagnoses=("C34.91",)), id="diagnosis"),
        pytest.param(replace(LINE, payer="commercial"), id="payer"),
    ],
)
def test_a_line_that_differs_is_checked_again(checker, other):
    checker.check(LINE)
    assert checker.check(other) == Checker(checker.store, checker.payers).check(other)
    assert checker.misses == 2


def test_the_cache_is_dropped_when_the_store_loads_data(checker):
    before = checker.check(LINE)
    checker.store.load(ParsedFile("fda_products", "test", None, None, [FDA_PRODUCT]),
                       source_file="fda_products.csv", sha256="p")  # fmt: skip
    after = checker.check(LINE)
    assert checker.misses == 2
    assert after == Checker(checker.store, checker.payers).check(LINE)
    assert before.decision.product is None
    assert after.decision.product is not None


def test_the_cache_belongs_to_one_payer_registry(checker):
    checker.check(LINE)
    checker.payers = load_payers()
    checker.check(LINE)
    assert checker.misses == 2
