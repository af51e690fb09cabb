"""POST /v1/fhir/check: a FHIR R4 Bundle in; an OperationOutcome and a draft Claim out."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import Client, sample
from fhir.resources.R4B.claim import Claim
from fhir.resources.R4B.operationoutcome import OperationOutcome
from scenarios import SCENARIO_IDS, SCENARIOS, SENTINEL, Scenario, fhir_bundle

pytestmark = pytest.mark.slow


def fhir_check(client: Client, bundle: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    response = client.post("/v1/fhir/check", json=bundle, headers={"content-type": "application/fhir+json"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    body = response.json()
    assert (body["resourceType"], body["type"]) == ("Bundle", "collection")
    resources = {e["resource"]["resourceType"]: e["resource"] for e in body["entry"]}
    OperationOutcome.model_validate(resources["OperationOutcome"])
    if "Claim" in resources:
        Claim.model_validate(resources["Claim"])
    return resources["OperationOutcome"], resources.get("Claim")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=SCENARIO_IDS)
def test_seed_scenarios_as_bundles_get_the_right_code(loaded_client: Client, scenario: Scenario) -> None:
    outcome, claim = fhir_check(loaded_client, fhir_bundle(scenario))
    item = claim["item"][0]
    assert item["productOrService"]["coding"][0]["code"] == scenario.code
    assert claim["status"] == "draft"
    assert claim["patient"] == {"reference": "Patient/p1"}
    assert claim["insurance"][0]["coverage"] == {"reference": "Coverage/cov1"}
    assert [d["diagnosisCodeableConcept"]["coding"][0]["code"] for d in claim["diagnosis"]] == list(
        scenario.diagnoses
    )
    assert outcome["issue"]
    assert SENTINEL not in str(outcome) + str(claim)


def test_keytruda_bundle_claim_has_200_units_and_the_ndc_detail(loaded_client: Client) -> None:
    _, claim = fhir_check(loaded_client, fhir_bundle(SCENARIOS[0]))
    item = claim["item"][0]
    assert item["quantity"]["value"] == 200
    assert item["detail"][0]["productOrService"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/ndc", "code": "00006302602"}  # fmt: skip


def test_findings_become_coded_issues(loaded_client: Client) -> None:
    outcome, _ = fhir_check(loaded_client, fhir_bundle(SCENARIOS[3]))
    codes = {c["code"] for issue in outcome["issue"] for c in issue.get("details", {}).get("coding", [])}
    assert "NDC_MISSING" in codes  # an investigational drug with no NDC
    assert all(issue["severity"] in {"error", "warning", "information"} for issue in outcome["issue"])


@pytest.mark.parametrize(
    "file",
    ["medicationadministration0301", "medicationadministration0305", "medicationadministration0309",
     "medicationrequest0306", "medicationrequest0318", "medicationrequest0323", "medicationrequest0336",
     "medicationrequest0301", "medicationrequest0308"],
)  # fmt: skip
def test_official_r4_examples_are_answered(loaded_client: Client, file: str) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": sample(f"fhir-r4/{file}.json")}],
    }
    _outcome, claim = fhir_check(loaded_client, bundle)
    assert claim is not None
    assert claim["item"][0]["productOrService"]["coding"][0]["code"].startswith(("J", "C", "A", "Q"))


def test_malformed_ndc_in_one_line_is_an_issue_not_a_failure(loaded_client: Client) -> None:
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": sample("fhir-r4/medicationrequest0330.json")},
        {"resource": sample("fhir-r4/medicationrequest0318.json")}]}  # fmt: skip
    outcome, claim = fhir_check(loaded_client, bundle)
    assert claim is not None
    located = [i for i in outcome["issue"] if i.get("location") == ["MedicationRequest/medrx0330"]]
    assert located
    assert any(i["severity"] == "error" for i in located)


def test_the_crd_transaction_bundle_has_no_medication_to_bill(loaded_client: Client) -> None:
    bundle = sample("davinci-crd-test-kit/crd_transaction_bundle.json")
    response = loaded_client.post("/v1/fhir/check", json=bundle)
    assert response.status_code == 200  # 2 MedicationRequests (RxNorm) are lines to check
    outcome = {e["resource"]["resourceType"]: e["resource"] for e in response.json()["entry"]}[
        "OperationOutcome"
    ]
    assert any("no NDC" in i["details"]["text"] for i in outcome["issue"])


def test_lines_of_two_patients_are_refused(client: Client) -> None:
    first = sample("fhir-r4/medicationrequest0318.json")
    second = sample("fhir-r4/medicationrequest0306.json")
    second["subject"] = {"reference": "Patient/someone-else"}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": first}, {"resource": second}],
    }
    response = client.post("/v1/fhir/check", json=bundle)
    assert response.status_code == 422
    assert response.json()["code"] == "FHIR_MULTIPLE_PATIENTS"
