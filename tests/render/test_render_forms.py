"""CMS-1500, UB-04, FHIR Claim and the CMS-1500 PDF."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from fhir.resources.R4B.claim import Claim as FHIRClaim
from render_helpers import decided, example_claim, plain_line

from nocrx.errors import InvalidInput
from nocrx.model import Amount, Component, Drug, Investigational
from nocrx.render.claim import parse_claim
from nocrx.render.cms1500 import form_quantity, render_cms1500, shaded_ndc
from nocrx.render.cms1500_pdf import render_cms1500_pdf
from nocrx.render.fhir_claim import HCPCS_SYSTEM, NDC_SYSTEM, render_fhir_claim
from nocrx.render.lines import DrugIdentification
from nocrx.render.ub04 import fl43_ndc, render_ub04

NDC_DRUG = Drug(ndc="0006-3026-02", quantity=Amount(Decimal(8), "mL"))


@pytest.mark.parametrize(
    ("quantity", "text"),
    [("8", "8"), ("8.000", "8"), ("12.5", "12.5"), ("0.125", "0.125"), ("99999999", "99999999"),
     ("1500.250", "1500.25")],
)  # fmt: skip
def test_form_quantity(quantity, text):
    assert form_quantity(Decimal(quantity)) == text


@pytest.mark.parametrize("quantity", ["123456789", "1.2345"])
def test_form_quantity_beyond_8_3_is_refused(quantity):
    with pytest.raises(InvalidInput):
        form_quantity(Decimal(quantity))


def test_shaded_line_is_n4_ndc_space_unit_quantity():
    assert shaded_ndc(DrugIdentification("00006302602", "ML", Decimal("7.6"))) == "N400006302602 ML7.6"


def test_cms1500_items_for_a_noc_line():
    line = plain_line(hcpcs="J9999", modifiers=("JZ",), diagnoses=("C16.0", "C78.6"), drug=NDC_DRUG,
                      narrative="Drugname 190 mg IV NDC 00006302602", charge=Decimal("4850"))  # fmt: skip
    form = render_cms1500([decided(line)])
    (row,) = form.item_24
    assert row.shaded == "N400006302602 ML8"
    assert (row.procedure, row.modifiers, row.diagnosis_pointer, row.units, row.charges) == (
        "J9999", ("JZ",), "AB", "1", "4850.00",
    )  # fmt: skip
    assert form.item_19 == "Drugname 190 mg IV NDC 00006302602"
    assert form.item_21 == {"A": "C16.0", "B": "C78.6"}
    assert form.item_28_total_charge == "4850.00"


def test_cms1500_item_19_carries_ct_trial_number():
    line = plain_line(
        narrative="Study drug 200 mg IV", drug=Drug(investigational=Investigational("NCT04567890"))
    )
    assert render_cms1500([decided(line)]).item_19 == "Study drug 200 mg IV CT04567890"


def test_cms1500_pages_of_six_lines():
    form = render_cms1500([decided(plain_line()) for _ in range(7)])
    assert [len(page) for page in form.pages()] == [6, 1]


def test_cms1500_thirteen_diagnoses_are_refused():
    lines = [decided(plain_line(diagnoses=(f"C{n:02d}.0",))) for n in range(13)]
    with pytest.raises(InvalidInput, match="12 diagnoses"):
        render_cms1500(lines)


@pytest.mark.parametrize(("style", "text"), [("compact", "N400006302602ML8"), ("nucc", "N400006302602 ML8")])
def test_ub04_fl43_styles(style, text):
    assert fl43_ndc(DrugIdentification("00006302602", "ML", Decimal(8)), style) == text


def test_ub04_unknown_style_is_refused():
    with pytest.raises(InvalidInput):
        fl43_ndc(DrugIdentification("00006302602", "ML", Decimal(8)), "wide")


def test_ub04_fields_for_a_trial_drug_line():
    drug = Drug(
        ndc="0006-3026-02", quantity=Amount(Decimal(8), "ML"), investigational=Investigational("NCT04567890")
    )
    line = plain_line(
        hcpcs="C9399", modifiers=("Q0",), drug=drug, narrative="Drug 8 mL IV", charge=Decimal(10)
    )
    form = render_ub04([decided(line)])
    (row,) = form.lines
    assert (row.fl42_revenue_code, row.fl43_description, row.fl44_hcpcs, row.fl46_units) == (
        "0636", "N400006302602ML8", "C9399Q0", "1",
    )  # fmt: skip
    assert form.condition_codes == ("30",)
    assert form.value_codes == (("D4", "04567890"),)
    assert form.fl80_remarks == "Drug 8 mL IV"
    assert form.fl67_principal_diagnosis == "C50911"


def test_ub04_revenue_code_from_the_line():
    form = render_ub04([decided(plain_line(revenue_code="0250"))])
    assert form.lines[0].fl42_revenue_code == "0250"


def test_fhir_claim_item_and_ndc_detail():
    line = plain_line(hcpcs="J9999", modifiers=("JZ",), drug=NDC_DRUG, narrative="Drugname 190 mg IV")
    resource = render_fhir_claim([decided(line)])
    FHIRClaim.model_validate(resource)  # the output is itself a valid Claim
    (item,) = resource["item"]
    assert item["productOrService"]["coding"] == [{"system": HCPCS_SYSTEM, "code": "J9999"}]
    assert item["modifier"] == [{"coding": [{"system": HCPCS_SYSTEM, "code": "JZ"}]}]
    (detail,) = item["detail"]
    assert detail["productOrService"]["coding"] == [{"system": NDC_SYSTEM, "code": "00006302602"}]
    assert (detail["quantity"]["value"], detail["quantity"]["unit"], detail["quantity"]["code"]) == (
        8,
        "ML",
        "mL",
    )
    assert resource["supportingInfo"][0]["valueString"] == "Drugname 190 mg IV"
    assert item["informationSequence"] == [1]


def test_fhir_compound_is_one_item_with_a_detail_per_component():
    drug = Drug(components=(Component(ndc="0641-6127-25", quantity=Amount(Decimal(500), "mg")),
                            Component(ndc="0409-1162-19", quantity=Amount(Decimal(400), "mg"))))  # fmt: skip
    resource = render_fhir_claim([decided(plain_line(hcpcs="J7999", drug=drug, charge=Decimal(612)))])
    (item,) = resource["item"]
    assert [d["productOrService"]["coding"][0]["code"] for d in item["detail"]] == [
        "00641612725",
        "00409116219",
    ]
    assert item["net"]["value"] == 612


def test_fhir_claim_from_a_claim_file_names_patient_provider_and_coverage():
    claim = parse_claim(example_claim("claim-offlabel-iv.json"))
    resource = render_fhir_claim([decided(line) for line in claim.lines], claim)
    assert resource["provider"]["identifier"] == {
        "system": "http://hl7.org/fhir/sid/us-npi",
        "value": "1234567893",
    }
    assert resource["patient"]["identifier"]["value"] == claim.subscriber.member_id
    assert resource["insurance"][0]["coverage"]["identifier"]["value"] == "00952"
    assert resource["created"] == "2025-11-14T09:30:00Z"


def test_pdf_has_one_page_per_six_lines():
    pdf = render_cms1500_pdf(render_cms1500([decided(plain_line(drug=NDC_DRUG)) for _ in range(7)]))
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2


def test_pdf_is_the_same_for_the_same_form():
    form = render_cms1500([decided(plain_line(drug=NDC_DRUG))])
    assert render_cms1500_pdf(form) == render_cms1500_pdf(form)


def test_preview_shows_segments_and_shaded_line():
    from nocrx.render.preview import claim_preview

    text = claim_preview(decided(plain_line(drug=NDC_DRUG, narrative="Drug 8 mL IV")))
    assert text.splitlines() == [
        "837P loop 2400/2410 LX*1~ SV1*HC:J3490:::::Drug 8 mL IV*100*UN*1***1~ DTP*472*D8*20251114~ "
        "LIN**N4*00006302602~ CTP****8*ML~",
        "CMS-1500 24A        N400006302602 ML8",
    ]


def test_preview_says_why_a_line_cannot_be_rendered():
    from nocrx.render.preview import claim_preview

    text = claim_preview(decided(plain_line(hcpcs=None)))
    assert text.startswith("claim output: not yet renderable: The line has no HCPCS code")


def test_long_item_19_is_kept_whole_with_a_warning():
    lines = [
        decided(plain_line(narrative=f"Drug number {n} given 100 mg IV over one hour")) for n in range(3)
    ]
    form = render_cms1500(lines)
    assert form.item_19.count("Drug number") == 3
    assert form.warnings
    assert "payers read 80" in form.warnings[0]
    assert render_cms1500(lines[:1]).warnings == ()
