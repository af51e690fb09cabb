"""service_lines: the facts every format lays out (code, units, NDC, narrative, compounds)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from render_helpers import decided, plain_line

from nocrx.errors import InvalidInput, InvalidNDC
from nocrx.model import Amount, Component, Drug, Investigational
from nocrx.render.lines import (
    TEXT_LIMIT,
    clean_text,
    evaluation_from_line,
    service_lines,
    split_text,
    trial_number,
    unit_qualifier,
)


def test_noc_line_carries_narrative_and_ndc():
    line = plain_line(
        narrative="Drugname 190 mg IV NDC 00006302602",
        drug=Drug(ndc="0006-3026-02", quantity=Amount(Decimal("7.6"), "mL")),
    )
    (service,) = service_lines(decided(line))
    assert service.description == "Drugname 190 mg IV NDC 00006302602"
    assert service.note is None
    assert (service.drug.ndc_11, service.drug.unit, service.drug.quantity) == (
        "00006302602",
        "ML",
        Decimal("7.6"),
    )


def test_decision_wins_over_the_input():
    line = plain_line(hcpcs="J3490", units=Decimal(3), modifiers=("JW",))
    (service,) = service_lines(decided(line, code="J9999", units="1", modifiers=("JZ",)))
    assert (service.code, service.units, service.modifiers) == ("J9999", Decimal(1), ("JZ",))


def test_specific_code_sends_no_sv101_7_description():
    line = plain_line(hcpcs="J1745", narrative="Infliximab 700 mg")
    (service,) = service_lines(decided(line))
    assert service.description is None
    assert service.note == "Infliximab 700 mg"


def test_long_narrative_splits_at_a_word_into_the_note():
    words = (
        "Drugname 190 mg IV over 30 minutes NDC 00006302602 from two single-dose vials with 10 mg discarded"
    )
    (service,) = service_lines(decided(plain_line(narrative=words)))
    assert len(service.description) <= TEXT_LIMIT
    assert f"{service.description} {service.note}" == words


def test_rules_narrative_and_overflow_are_used_as_given():
    evaluation = decided(plain_line(narrative="ignored"), narrative="From the rules", overflow="More text")
    (service,) = service_lines(evaluation)
    assert (service.description, service.note) == ("From the rules", "More text")


def test_narrative_longer_than_two_fields_is_refused():
    with pytest.raises(InvalidInput, match="160"):
        service_lines(decided(plain_line(narrative="word " * 40)))


def test_compound_becomes_one_line_per_component_with_one_link():
    drug = Drug(
        quantity=Amount(Decimal(20), "ML"),
        components=(
            Component(ndc="0641-6127-25", quantity=Amount(Decimal(500), "mg")),
            Component(ndc="0409-1162-19", quantity=Amount(Decimal(400), "mg")),
        ),
    )
    line = plain_line(hcpcs="J7999", charge=Decimal("612.40"), drug=drug, narrative="Compound")
    first, second = service_lines(decided(line), link_number="3")
    assert (first.drug.ndc_11, second.drug.ndc_11) == ("00641612725", "00409116219")
    assert first.link_number == second.link_number == "3"
    assert (first.charge, second.charge) == (Decimal("612.40"), Decimal(0))
    assert first.description == second.description == "Compound"


def test_compound_component_without_quantity_is_refused():
    drug = Drug(components=(Component(ndc="0641-6127-25"),))
    with pytest.raises(InvalidInput, match=r"components\[0\]\.quantity"):
        service_lines(decided(plain_line(hcpcs="J7999", drug=drug)))


def test_ndc_without_quantity_uses_dose_and_waste():
    drug = Drug(ndc="0006-3026-02", dose=Amount(Decimal(70), "mg"), wasted=Amount(Decimal(30), "MG"))
    (service,) = service_lines(decided(plain_line(drug=drug)))
    assert (service.drug.unit, service.drug.quantity) == ("ME", Decimal(100))


def test_ndc_without_any_amount_is_refused():
    with pytest.raises(InvalidInput, match=r"drug\.quantity"):
        service_lines(decided(plain_line(drug=Drug(ndc="0006-3026-02"))))


def test_bad_ndc_is_refused_with_its_own_code():
    with pytest.raises(InvalidNDC):
        service_lines(decided(plain_line(drug=Drug(ndc="12-34", quantity=Amount(Decimal(1), "UN")))))


def test_five_modifiers_are_refused():
    with pytest.raises(InvalidInput, match="at most 4"):
        service_lines(decided(plain_line(modifiers=("JW", "JZ", "Q0", "Q1", "GA"))))


@pytest.mark.parametrize(
    ("written", "qualifier"),
    [("mg", "ME"), ("MG", "ME"), ("mL", "ML"), ("cc", "ML"), ("g", "GR"), ("IU", "F2"), ("each", "UN"),
     ("UN", "UN"), ("F2", "F2")],
    ids=lambda v: str(v),
)  # fmt: skip
def test_unit_qualifiers(written, qualifier):
    assert unit_qualifier(Amount(Decimal(1), written), "drug.quantity.unit") == qualifier


def test_unknown_unit_is_refused():
    with pytest.raises(InvalidInput, match="mcg"):
        unit_qualifier(Amount(Decimal(1), "mcg"), "drug.quantity.unit")


@pytest.mark.parametrize(
    ("study", "number"), [("NCT01234567", "01234567"), ("CT01234567", "01234567"), ("01234567", "01234567")]
)
def test_trial_number_drops_the_prefix(study, number):
    line = plain_line(drug=Drug(investigational=Investigational(study_id=study)))
    assert trial_number(decided(line)) == number


def test_clean_text_removes_delimiters_and_non_ascii():
    assert clean_text("Drug* 5 mg:IV~ ^ é|>x") == "Drug 5 mg IV x"


def test_split_text_without_spaces_cuts_at_the_limit():
    assert split_text("A" * 85) == ("A" * 80, "A" * 5)


def test_evaluation_from_line_renders_the_line_as_given():
    evaluation = evaluation_from_line(plain_line(hcpcs="J9999", modifiers=("JZ",), units=Decimal(1)))
    assert (evaluation.decision.code, evaluation.decision.kind, evaluation.decision.modifiers) == (
        "J9999", "noc", ("JZ",),
    )  # fmt: skip
    assert evaluation.status == "review"


def test_bad_birth_date_error_does_not_repeat_the_value():
    from render_helpers import example_claim

    from nocrx.render.claim import parse_claim

    data = example_claim("claim-offlabel-iv.json")
    data["subscriber"]["birth_date"] = "31/12/1950"
    with pytest.raises(InvalidInput) as raised:
        parse_claim(data)
    assert raised.value.field == "subscriber.birth_date"
    assert "1950" not in str(raised.value)
