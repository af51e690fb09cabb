"""FHIR R4 resources (the official examples in ../shared/fhir-samples) -> ClaimLine."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nocrx.fhir.claim_line import claim_line_from, medication_orders
from nocrx.fhir.resources import FHIRInputError, ResourceIndex
from nocrx.model import Amount

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "fhir-samples"
TODAY = date(2026, 1, 20)


def sample(relative: str) -> dict[str, Any]:
    return json.loads((SAMPLES / relative).read_text("utf-8"))


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


def mapped(*resources: dict[str, Any], payer: str | None = None) -> Any:
    index = ResourceIndex()
    index.add(bundle(*resources))
    orders = medication_orders(index)
    assert len(orders) == 1
    return claim_line_from(orders[0], index, today=TODAY, payer_for=lambda coverage: payer)


@pytest.mark.parametrize(
    ("file", "ndc"),
    [
        ("fhir-r4/medicationadministration0301.json", "0069-2587-10"),
        ("fhir-r4/medicationadministration0303.json", "0206-8862-02"),
        ("fhir-r4/medicationadministration0305.json", "51144-050-01"),
        ("fhir-r4/medicationadministration0310.json", "76388-713-25"),
        ("fhir-r4/medicationrequest0306.json", "76388-713-25"),
        ("fhir-r4/medicationrequest0307.json", "16590-619-30"),
        ("fhir-r4/medicationrequest0310.json", "50580-506-02"),
        ("fhir-r4/medicationrequest0316.json", "51144-050-01"),
        ("fhir-r4/medicationrequest0318.json", "0069-2587-10"),
        ("fhir-r4/medicationrequest0319.json", "0206-8862-02"),
        ("fhir-r4/medicationrequest0321.json", "0169-7501-11"),
        ("fhir-r4/medicationrequest0339.json", "0067-2091-03"),
        ("fhir-r4/medicationrequest0330.json", "2501-813-16"),  # malformed in the official example
        ("fhir-r4/medicationrequest0336.json", "0264751010"),  # the only NDC sits in an ingredient
    ],
    ids=lambda v: v.split("/")[-1].removesuffix(".json") if "/" in v else v,
)
def test_ndc_comes_from_the_contained_medication(file: str, ndc: str) -> None:
    line = mapped(sample(file)).line
    assert line.drug is not None
    assert line.drug.ndc == ndc


def test_administration_gives_dose_route_and_date() -> None:
    result = mapped(sample("fhir-r4/medicationadministration0301.json"))
    drug = result.line.drug
    assert (drug.dose, drug.route, drug.name) == (
        Amount(Decimal(500), "mg"),
        "INTRAVENOUS",
        "Vancomycin Hydrochloride (VANCOMYCIN HYDROCHLORIDE)",
    )
    assert result.line.date_of_service == date(2015, 1, 15)
    assert result.source == "MedicationAdministration/medadmin0301"
    assert result.patient == "Patient/pat1"


def test_request_gives_dose_from_dose_and_rate_and_date_from_authored_on() -> None:
    line = mapped(sample("fhir-r4/medicationrequest0318.json")).line
    assert line.drug.route == "INTRAVENOUS"
    assert line.drug.dose == Amount(Decimal(500), "mg")
    assert line.date_of_service == date(2015, 1, 15)


def test_compound_with_three_ndc_ingredients_becomes_components() -> None:
    drug = mapped(sample("fhir-r4/medicationrequest0323.json")).line.drug
    assert drug.category == ("compounded",)
    assert sorted(c.ndc for c in drug.components) == ["0338-0519-02", "0338-1134-03", "0409-5779-01"]
    assert drug.ndc is None


def test_rxnorm_only_medication_has_a_name_and_a_note() -> None:
    result = mapped(sample("fhir-r4/medicationrequest0305.json"))
    assert result.line.drug.ndc is None
    assert result.line.drug.name
    assert any("no NDC" in note for note in result.notes)


def test_hcpcs_coding_is_read_from_any_known_system_including_the_typo() -> None:
    order = sample("fhir-r4/medicationrequest0318.json")
    order["contained"][0]["code"]["coding"].append(
        {"system": "hhttps://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "code": "j3490"}
    )
    assert mapped(order).line.hcpcs == "J3490"


def test_conditions_of_the_patient_give_trimmed_icd10_codes_in_order() -> None:
    order = sample("fhir-r4/medicationrequest0318.json")
    order["reasonCode"] = [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "a41.9"}]}]
    conditions = [
        {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/pat1"},
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": " G30.0"}]}},
        {"resourceType": "Condition", "id": "c2", "subject": {"reference": "Patient/other"},
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E11.9"}]}},
        {"resourceType": "Condition", "id": "c3", "subject": {"reference": "Patient/pat1"},
         "clinicalStatus": {"coding": [{"code": "resolved"}]},
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "J44.9"}]}},
        {"resourceType": "Condition", "id": "c4", "subject": {"reference": "Patient/pat1"},
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "11840006"}]}},
    ]  # fmt: skip
    assert mapped(order, *conditions).line.diagnoses == ("A41.9", "G30.0")


@pytest.mark.parametrize(
    ("klass", "setting"), [("AMB", "professional"), ("EMER", "outpatient-hospital"), ("IMP", None)]
)
def test_encounter_class_gives_the_setting(klass: str, setting: str | None) -> None:
    encounter = {"resourceType": "Encounter", "id": "f001", "status": "finished", "class": {"code": klass}}
    assert mapped(sample("fhir-r4/medicationadministration0301.json"), encounter).line.setting == setting


def test_coverage_of_the_patient_is_handed_to_the_payer_lookup() -> None:
    seen = []
    coverage = sample("fhir-r4/coverage-example.json")
    coverage["beneficiary"] = {"reference": "Patient/pat1"}
    index = ResourceIndex()
    index.add(bundle(sample("fhir-r4/medicationrequest0318.json"), coverage))
    result = claim_line_from(index.of_type("MedicationRequest")[0], index, today=TODAY,
                             payer_for=lambda c: seen.append(c) or "medicare")  # fmt: skip
    assert seen == [coverage]
    assert (result.line.payer, result.coverage) == ("medicare", "Coverage/9876B1")


def test_research_study_extension_marks_an_investigational_emergency_use() -> None:
    order = sample("fhir-r4/medicationrequest0318.json")
    order["priority"] = "stat"
    order["extension"] = [{"url": "http://hl7.org/fhir/StructureDefinition/workflow-researchStudy",
                           "valueReference": {"reference": "ResearchStudy/rs1"}}]  # fmt: skip
    study = {"resourceType": "ResearchStudy", "id": "rs1", "status": "active",
             "identifier": [{"system": "https://clinicaltrials.gov", "value": "NCT01234567"}]}  # fmt: skip
    investigational = mapped(order, study).line.drug.investigational
    assert (investigational.study_id, investigational.emergency) == ("NCT01234567", True)


def test_research_subject_of_the_patient_also_marks_it() -> None:
    study = {"resourceType": "ResearchStudy", "id": "rs1", "identifier": [{"value": "NCT07654321"}]}
    subject = {"resourceType": "ResearchSubject", "id": "s1", "individual": {"reference": "Patient/pat1"},
               "study": {"reference": "ResearchStudy/rs1"}}  # fmt: skip
    investigational = mapped(
        sample("fhir-r4/medicationrequest0318.json"), study, subject
    ).line.drug.investigational
    assert (investigational.study_id, investigational.emergency) == ("NCT07654321", False)


def test_no_date_falls_back_to_today() -> None:
    order = sample("fhir-r4/medicationrequest0318.json")
    del order["authoredOn"]
    assert mapped(order).line.date_of_service == TODAY


def test_medication_in_prefetch_is_reached_through_medication_slash_id() -> None:
    request = sample("davinci-crd-test-kit/order-sign-request_complete-prefetch.json")
    index = ResourceIndex()
    index.add(request["context"]["draftOrders"])
    for value in request["prefetch"].values():
        index.add(value)
    order = index.of_type("MedicationRequest")[0]
    line = claim_line_from(order, index, today=TODAY, payer_for=lambda c: None).line
    # The reference's display says amoxicillin; the Medication it resolves to is what counts.
    assert line.drug.name == "lisinopril oral 10 mg"


def test_administrations_win_over_requests() -> None:
    index = ResourceIndex()
    index.add(
        bundle(
            sample("fhir-r4/medicationrequest0318.json"), sample("fhir-r4/medicationadministration0301.json")
        )
    )
    assert [o["resourceType"] for o in medication_orders(index)] == ["MedicationAdministration"]


def test_patient_names_are_never_read() -> None:
    patient = sample("fhir-r4/patient-example.json")
    patient["id"] = "pat1"
    patient["name"] = [{"family": "ZZ-PHI-SENTINEL", "given": ["ZZ-PHI-SENTINEL"]}]
    result = mapped(sample("fhir-r4/medicationrequest0318.json"), patient)
    assert "ZZ-PHI-SENTINEL" not in repr(result) + repr(result.line.drug)


@pytest.mark.parametrize(
    "bad", [{"id": "x"}, "text", 3, {"resourceType": 5}], ids=["no-type", "str", "int", "type-int"]
)
def test_a_resource_without_a_resource_type_is_refused(bad: Any) -> None:
    with pytest.raises(FHIRInputError):
        ResourceIndex().add(bundle(bad))


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
                        ["medicationReference", "dosage", "dosageInstruction", "reasonCode", "subject",
                         "effectivePeriod", "authoredOn", "extension", "code", "coding", "reference", "value"]),
                        inner, max_size=4), max_leaves=12))  # fmt: skip
def test_mapping_never_crashes_on_odd_shapes(junk: Any) -> None:
    order = {"resourceType": "MedicationRequest", "id": "m"}
    if isinstance(junk, dict):
        order.update(junk)
    index = ResourceIndex()
    index.add(order)
    claim_line_from(order, index, today=TODAY, payer_for=lambda c: None)


def test_a_coverage_with_an_unknown_payer_is_noted() -> None:
    coverage = sample("fhir-r4/coverage-example.json")
    coverage["beneficiary"] = {"reference": "Patient/pat1"}
    result = mapped(sample("fhir-r4/medicationrequest0318.json"), coverage)
    assert result.line.payer is None
    assert any("matches no payer profile" in note for note in result.notes)
