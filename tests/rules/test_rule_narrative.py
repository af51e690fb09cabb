"""The narrative builder: the payer's elements in its order, within SV101-7's 80 characters, with the
overflow rule of the payer (CGS NTE02, Noridian attachment), and reading back a written narrative."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rule_lines import EMRELIS, QUESTION_FIELDS, amount, codes, line, run

from nocrx.rules import narrative

LONG_NAME = "telisotuzumab vedotin-tllv (Emrelis) lyophilized powder for injection for intravenous use"


@pytest.mark.parametrize(
    ("elements", "expected"),
    [
        pytest.param(("name", "dose"), "Emrelis 190 mg", id="fcso-minimum"),
        pytest.param(("name", "strength", "dose", "route"), "Emrelis 100 mg/vial 190 mg IV", id="wps-order"),
        pytest.param(("name", "ndc", "dose"), "Emrelis NDC 00074104401 190 mg", id="cgs-order"),
        pytest.param(("name", "quantity", "doses_per_vial"), "Emrelis UN 2", id="unknown-elements-left-out"),
    ],
)
def test_compose_follows_the_element_order(elements, expected):
    assert narrative.compose(EMRELIS, elements, ndc_11="00074104401") == expected


@pytest.mark.parametrize(
    ("route", "abbreviation"),
    [
        ("intravenous", "IV"),
        ("Subcutaneous", "SC"),
        ("intrathecal", "IT"),
        ("by mouth", "PO"),
        ("IVPB", "IVPB"),
    ],
)
def test_route_abbreviation(route, abbreviation):
    assert narrative.route_abbreviation(route) == abbreviation


@given(st.text(alphabet=st.sampled_from("abc 123"), max_size=200), st.integers(min_value=10, max_value=80))
def test_split_keeps_the_first_part_within_the_field(text, limit):
    first, rest = narrative.split(text, limit)
    assert len(first) <= limit
    if rest is None:
        assert first == text or first == text.rstrip()
    else:
        assert (first + " " + rest).split() == text.split() or (first + rest).split() == text.split()


@pytest.mark.parametrize(
    ("payer", "overflow"),
    [
        pytest.param("medicare-cgs", True, id="cgs-nte02-overflow"),
        pytest.param("medicare-noridian", True, id="noridian-attachment"),
        pytest.param("medicare-palmetto", False, id="palmetto-no-overflow"),
    ],
)
def test_long_narrative_overflows_only_where_the_payer_allows(payer, overflow):
    evaluation = run(line(payer=payer, **QUESTION_FIELDS, drug=replace(EMRELIS, name=LONG_NAME)))
    assert (evaluation.narrative_overflow is not None) == overflow
    # Without overflow the whole text is kept for the biller to abbreviate, and flagged.
    assert (len(evaluation.narrative) <= 80) == overflow
    assert ("NARRATIVE_TOO_LONG" in codes(evaluation)) == (not overflow)


def test_optional_elements_dropped_before_the_field_overflows():
    # WPS wants strength "where appropriate": it goes first when name, dose and route do not fit with it.
    long_strength = replace(EMRELIS, name="telisotuzumab vedotin-tllv (Emrelis)", strength="100 mg per single-dose vial "
                            "of lyophilized powder")  # fmt: skip
    evaluation = run(line(payer="medicare-wps", **QUESTION_FIELDS, drug=long_strength))
    assert evaluation.narrative == "telisotuzumab vedotin-tllv (Emrelis) 190 mg IV"
    assert "NARRATIVE_TOO_LONG" not in codes(evaluation)


@pytest.mark.parametrize(
    ("text", "dose", "mentions"),
    [
        ("Emrelis 190 mg IV", amount(190, "mg"), True),
        ("Emrelis 190mg", amount(190, "mg"), True),
        ("Emrelis 19 mg", amount(190, "mg"), False),
        ("Emrelis 20 mg/mL 190 mg", amount(190, "mg"), True),
        ("given 190 mg, wasted 10 mg", amount(10, "mg"), False),
        ("Herceptin 150 units", amount(150, "unit"), True),
    ],
)
def test_mentions_dose(text, dose, mentions):
    assert narrative.mentions_dose(text, dose) == mentions


def test_stated_ndcs_reads_hyphenated_and_plain_forms():
    assert narrative.stated_ndcs("NDC 00074-1044-01 and 00006302602") == ("00074104401", "00006302602")


def test_units_and_waste_amounts_are_not_doses():
    assert narrative.amounts("Emrelis 20 mg/mL, 190 mg given, wasted 10 mg") == ((Decimal(190), "mg"),)
