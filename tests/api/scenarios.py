"""Realistic FHIR payloads for the API tests, built from the official R4 example resources.

The seed scenarios of mission/seed-J3490.txt (an off-label IV drug, a compounded drug, an
experimental drug given in an emergency) and Keytruda (NDC 0006-3026-02, J9271), each as a
FHIR Bundle (MedicationAdministration + Medication + Condition + Encounter + Coverage +
Patient) and as a CDS Hooks order-sign request wrapping the same drug as a draft
MedicationRequest. These are derived: no sample file pairs a drug HCPCS code with an NDC in a
hook request (fhir-samples README), so the NDC-coded drafts are made from the samples' shapes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from api_helpers import sample

SENTINEL = "ZZ-PHI-SENTINEL"
NDC_SYSTEM = "http://hl7.org/fhir/sid/ndc"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
IV = {"coding": [{"system": "http://snomed.info/sct", "code": "47625008", "display": "Intravenous route"}]}
INTRATHECAL = {
    "coding": [{"system": "http://snomed.info/sct", "code": "72607000", "display": "Intrathecal route"}]
}


@dataclass(frozen=True)
class Scenario:
    id: str
    day: str
    medication: dict[str, Any]
    dose: dict[str, Any]
    route: dict[str, Any]
    diagnoses: tuple[str, ...]
    code: str
    kind: str
    encounter_class: str = "AMB"
    extra: tuple[dict[str, Any], ...] = ()
    order_changes: dict[str, Any] = field(default_factory=dict)


def _medication(
    ndc: str | None, text: str, ingredients: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    medication: dict[str, Any] = {"resourceType": "Medication", "id": "med", "code": {"text": text}}
    if ndc:
        medication["code"]["coding"] = [{"system": NDC_SYSTEM, "code": ndc, "display": text}]
    if ingredients:
        medication["ingredient"] = ingredients
    return medication


def _ingredient(ndc: str, name: str, ml: int) -> dict[str, Any]:
    return {
        "itemCodeableConcept": {
            "coding": [{"system": NDC_SYSTEM, "code": ndc, "display": name}],
            "text": name,
        },
        "strength": {"numerator": {"value": ml, "unit": "ML", "code": "mL"}, "denominator": {"value": 1}},
    }


STUDY = {
    "resourceType": "ResearchStudy",
    "id": "trial",
    "status": "active",
    "identifier": [{"system": "https://clinicaltrials.gov", "value": "NCT01234567"}],
}
STUDY_EXTENSION = {
    "url": "http://hl7.org/fhir/StructureDefinition/workflow-researchStudy",
    "valueReference": {"reference": "ResearchStudy/trial"},
}

SCENARIOS = (
    Scenario("keytruda", "2025-11-14", _medication("0006-3026-02", "Keytruda 100 mg/4 mL"),
             {"value": 200, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}, IV,
             ("C34.90",), "J9271", "specific"),
    Scenario("off-label-iv", "2025-11-20", _medication("81298-8552-03", "Vasopressin"),
             {"value": 20, "unit": "units"}, IV, ("R57.9",), "J3490", "noc"),
    Scenario("compounded", "2025-11-14",
             _medication(None, "Morphine-bupivacaine", [_ingredient("0409-1890-01", "bupivacaine", 10),
                                                        _ingredient("0641-6127-25", "morphine", 10)]),
             {"value": 20, "unit": "mL", "code": "mL"}, INTRATHECAL, ("G89.4",), "J7999", "noc"),
    Scenario("investigational-emergency", "2025-11-14", _medication(None, "XYZ-123 investigational"),
             {"value": 100, "unit": "mg", "code": "mg"}, IV, ("C34.90", "Z00.6"), "J3490", "noc",
             extra=(STUDY,),
             order_changes={"extension": [STUDY_EXTENSION], "priority": "stat"}),
)  # fmt: skip
SCENARIO_IDS = [s.id for s in SCENARIOS]


def patient() -> dict[str, Any]:
    """The R4 example Patient, renamed to the sentinel (it must never reach a log)."""
    resource = sample("fhir-r4/patient-example.json")
    resource["id"] = "p1"
    resource["name"] = [{"use": "official", "family": SENTINEL, "given": [SENTINEL]}]
    return resource


def coverage() -> dict[str, Any]:
    resource = sample("fhir-r4/coverage-example.json")
    resource["id"] = "cov1"
    resource["beneficiary"] = {"reference": "Patient/p1"}
    resource["subscriber"] = {"reference": "Patient/p1", "display": SENTINEL}
    resource["payor"] = [{"display": "Medicare Part B"}]
    return resource


def support(scenario: Scenario) -> list[dict[str, Any]]:
    """Patient, Coverage, Encounter and Conditions of a scenario."""
    encounter = {"resourceType": "Encounter", "id": "e1", "status": "in-progress",
                 "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                           "code": scenario.encounter_class}, "subject": {"reference": "Patient/p1"}}  # fmt: skip
    conditions = [
        {"resourceType": "Condition", "id": f"c{i}", "subject": {"reference": "Patient/p1"},
         "code": {"coding": [{"system": ICD10, "code": dx}]}, "note": [{"text": f"seen by {SENTINEL}"}]}
        for i, dx in enumerate(scenario.diagnoses)
    ]  # fmt: skip
    return [patient(), coverage(), encounter, *conditions, *copy.deepcopy(list(scenario.extra))]


def administration(scenario: Scenario) -> dict[str, Any]:
    """A MedicationAdministration shaped like fhir-r4/medicationadministration0301.json."""
    resource = sample("fhir-r4/medicationadministration0301.json")
    resource.update({
        "id": "admin1", "status": "completed", "contained": [copy.deepcopy(scenario.medication)],
        "medicationReference": {"reference": "#med"}, "subject": {"reference": "Patient/p1", "display": SENTINEL},
        "context": {"reference": "Encounter/e1"}, "effectiveDateTime": f"{scenario.day}T10:00:00Z",
        "dosage": {"route": scenario.route, "dose": scenario.dose}, "note": [{"text": f"Given to {SENTINEL}"}],
    })  # fmt: skip
    resource.pop("effectivePeriod", None)
    resource.pop("request", None)
    resource.update(copy.deepcopy(scenario.order_changes))
    return resource


def fhir_bundle(scenario: Scenario) -> dict[str, Any]:
    resources = [administration(scenario), *support(scenario)]
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


def draft_request(scenario: Scenario) -> dict[str, Any]:
    """A draft MedicationRequest shaped like fhir-r4/medicationrequest0318.json."""
    resource = sample("fhir-r4/medicationrequest0318.json")
    resource.update({
        "id": "draft1", "status": "draft", "contained": [copy.deepcopy(scenario.medication)],
        "medicationReference": {"reference": "#med"}, "subject": {"reference": "Patient/p1", "display": SENTINEL},
        "encounter": {"reference": "Encounter/e1"}, "authoredOn": scenario.day,
        "dosageInstruction": [{"route": scenario.route, "timing": {"event": [scenario.day]},
                               "doseAndRate": [{"doseQuantity": scenario.dose}]}],
    })  # fmt: skip
    resource.update(copy.deepcopy(scenario.order_changes))
    return resource


def order_sign_request(scenario: Scenario, hook: str = "order-sign") -> dict[str, Any]:
    """An order-sign (or order-select) request shaped like the CDS Hooks spec's R4 example."""
    base = sample("davinci-crd-test-kit/order_sign_hook_request.json")
    draft = draft_request(scenario)
    others = support(scenario)
    request = {
        "hook": hook,
        "hookInstance": base["hookInstance"],
        "fhirServer": base.get("fhirServer", "http://hooks.smarthealthit.org:9080"),
        "context": {"userId": "Practitioner/example", "patientId": "p1", "encounterId": "e1",
                    "draftOrders": {"resourceType": "Bundle", "entry": [{"resource": draft}]}},
        "prefetch": {
            "patient": others[0],
            "coverage": {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": others[1]}]},
            "encounter": others[2],
            "conditions": {"resourceType": "Bundle", "type": "searchset",
                           "entry": [{"resource": r} for r in others[3:]]},
            "medications": None,
        },
    }  # fmt: skip
    if hook == "order-select":
        request["context"]["selections"] = ["MedicationRequest/draft1"]
    return request
