"""CDS Hooks 2.0: discovery, and order-select / order-sign answered with valid cards."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from api_helpers import SAMPLES, Client, assert_valid_cards, sample
from scenarios import SCENARIO_IDS, SCENARIOS, SENTINEL, Scenario, order_sign_request

SERVICE_FOR_HOOK = {"order-sign": "nocrx-order-sign", "order-select": "nocrx-order-select"}


def hook_samples() -> list[str]:
    """Every CRD / CDS Hooks sample request for order-select or order-sign."""
    found = []
    for path in sorted(SAMPLES.glob("*/*.json")):
        body = sample(str(path.relative_to(SAMPLES)))
        if isinstance(body, dict) and body.get("hook") in SERVICE_FOR_HOOK and "hookInstance" in body:
            found.append(str(path.relative_to(SAMPLES)))
    return found


HOOK_SAMPLES = hook_samples()


def spec_examples() -> list[tuple[str, dict[str, Any]]]:
    """The R4 and STU3 examples of the hook pages (fenced JSON ``context`` objects), as requests.

    The DSTU2 example is not valid JSON on the page (two objects in one block) and is skipped.
    """
    found = []
    for hook in ("order-sign", "order-select"):
        text = (SAMPLES / "cds-hooks" / f"{hook}.md").read_text("utf-8")
        for number, block in enumerate(re.findall(r"```json\n(.*?)```", text, re.DOTALL)):
            try:
                body = json.loads(block)
            except ValueError:
                continue
            found.append((f"{hook}.md#{number}", {"hook": hook, "hookInstance": str(uuid.uuid4()), **body}))
    return found


SPEC_EXAMPLES = spec_examples()


def call(client: Client, body: dict[str, Any], service: str | None = None) -> list[dict[str, Any]]:
    response = client.post(f"/cds-services/{service or SERVICE_FOR_HOOK[body['hook']]}", json=body)
    assert response.status_code == 200, response.text
    return assert_valid_cards(response.json())


def test_the_samples_cover_both_hooks() -> None:
    hooks = {sample(f)["hook"] for f in HOOK_SAMPLES}
    assert hooks == {"order-sign", "order-select"}
    assert len(HOOK_SAMPLES) >= 10


def test_discovery_lists_both_services_with_prefetch(client: Client) -> None:
    services = client.get("/cds-services").json()["services"]
    assert {(s["id"], s["hook"]) for s in services} == {("nocrx-order-select", "order-select"),
                                                         ("nocrx-order-sign", "order-sign")}  # fmt: skip
    for service in services:
        assert service["description"]
        assert {"patient", "coverage", "conditions"} <= set(service["prefetch"])
        assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"


@pytest.mark.slow
@pytest.mark.parametrize("file", HOOK_SAMPLES)
def test_every_crd_order_sample_is_answered_with_valid_cards(loaded_client: Client, file: str) -> None:
    body = sample(file)
    cards = call(loaded_client, body)
    drafts = [e["resource"] for e in (body["context"].get("draftOrders") or {}).get("entry", [])]
    medication_requests = [d for d in drafts if d["resourceType"] == "MedicationRequest"]
    if body["hook"] == "order-select" and isinstance(body["context"].get("selections"), list):
        selected = set(body["context"]["selections"])
        medication_requests = [d for d in medication_requests if f"MedicationRequest/{d['id']}" in selected]
    assert len(cards) == len(medication_requests)  # one card per drug order, none for the others


@pytest.mark.slow
@pytest.mark.parametrize(("name", "body"), SPEC_EXAMPLES, ids=[n for n, _ in SPEC_EXAMPLES])
def test_the_hook_pages_examples_get_one_card_for_the_medication(
    loaded_client: Client, name: str, body: dict
) -> None:
    assert len(SPEC_EXAMPLES) == 4
    cards = call(loaded_client, body)
    assert len(cards) == 1  # the MedicationRequest (RxNorm 617993); the NutritionOrder gets none


@pytest.mark.slow
def test_a_device_only_order_gets_no_cards(loaded_client: Client) -> None:
    assert call(loaded_client, sample("davinci-crd-ri/deviceRequestEmptyPrefetch_r4.json")) == []


@pytest.mark.slow
def test_rxnorm_only_draft_gets_a_card_asking_for_the_ndc(loaded_client: Client) -> None:
    cards = call(loaded_client, sample("davinci-crd-test-kit/order_sign_hook_request.json"))
    assert len(cards) == 1
    assert "NDC_MISSING" in cards[0]["detail"]
    assert "*Note:* no NDC coding on the medication" in cards[0]["detail"]


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS, ids=SCENARIO_IDS)
@pytest.mark.parametrize("hook", ["order-sign", "order-select"])
def test_ndc_coded_drafts_get_the_right_code(loaded_client: Client, scenario: Scenario, hook: str) -> None:
    cards = call(loaded_client, order_sign_request(scenario, hook))
    assert len(cards) == 1
    card = cards[0]
    assert card["summary"].startswith(f"Bill {scenario.code}")
    assert f"**Code:** {scenario.code} ({scenario.kind})" in card["detail"]
    # Only an update suggestion echoes the client's own order (with its subject display) back.
    assert SENTINEL not in str({k: v for k, v in card.items() if k != "suggestions"})


@pytest.mark.slow
def test_keytruda_card_says_200_units_and_the_ndc(loaded_client: Client) -> None:
    card = call(loaded_client, order_sign_request(SCENARIOS[0]))[0]
    assert card["summary"].startswith("Bill J9271 × 200, NDC 00006-3026-02")
    assert card["source"]["url"].startswith("http://nocrx.test/")


@pytest.mark.slow
def test_noc_card_offers_to_note_the_narrative_on_the_order(loaded_client: Client) -> None:
    card = call(loaded_client, order_sign_request(SCENARIOS[1]))[0]
    action = card["suggestions"][0]["actions"][0]
    assert action["type"] == "update"
    assert action["resource"]["resourceType"] == "MedicationRequest"
    assert "J3490" in action["resource"]["note"][-1]["text"]


@pytest.mark.slow
def test_a_malformed_ndc_on_a_draft_gets_a_warning_card(loaded_client: Client) -> None:
    request = order_sign_request(SCENARIOS[1])
    request["context"]["draftOrders"]["entry"][0]["resource"]["contained"][0]["code"]["coding"][0]["code"] = (
        "2501-813-16"
    )
    card = call(loaded_client, request)[0]
    assert card["indicator"] in {"warning", "critical"}
    assert "2501-813-16" in card["detail"]


@pytest.mark.parametrize(
    "file",
    ["davinci-crd/CRDServiceRequest2.json", "davinci-crd/CRDServiceRequest4.json",
     "davinci-crd-ri/medicationRequestPrefetch.json", "davinci-crd-test-kit/encounter_start_hook_request.json",
     "davinci-crd-test-kit/fancy_structure_hook_request.json"],
    ids=["order-dispatch", "appointment-book", "legacy-medication-prescribe", "encounter-start", "fancy-structure"],
)  # fmt: skip
def test_other_hooks_are_refused_as_mismatched(client: Client, file: str) -> None:
    response = client.post("/cds-services/nocrx-order-sign", json=sample(file))
    assert response.status_code == 400
    assert response.json()["code"] == "CDS_HOOK_MISMATCH"


def test_null_prefetch_values_are_treated_as_absent(client: Client) -> None:
    body = sample("davinci-crd/CRDServiceRequest.json")  # prefetch device and medication are JSON null
    assert body["prefetch"]["medication"] is None
    assert call(client, body) == []


def test_feedback_is_accepted(client: Client) -> None:
    feedback = {"feedback": [{"card": "9368d37b-283f-44a0-93ea-547cebab93ed", "outcome": "accepted",
                              "outcomeTimestamp": "2025-11-14T10:00:00Z"}]}  # fmt: skip
    assert client.post("/cds-services/nocrx-order-sign/feedback", json=feedback).json() == {}


NDC_REQUESTS = ["0306", "0307", "0310", "0316", "0318", "0319", "0321", "0339"]


@pytest.mark.slow
@pytest.mark.parametrize("number", NDC_REQUESTS, ids=[f"medicationrequest{n}" for n in NDC_REQUESTS])
def test_r4_ndc_requests_wrapped_as_drafts_get_the_code_fhir_check_gives(
    loaded_client: Client, number: str
) -> None:
    # Derived request: an official R4 NDC-coded MedicationRequest made a draft inside the
    # spec's order-sign request (no sample hook request carries an NDC; fhir-samples README).
    order = sample(f"fhir-r4/medicationrequest{number}.json")
    order["status"] = "draft"
    request = sample("davinci-crd-test-kit/order_sign_hook_request.json")
    request["context"]["draftOrders"] = {"resourceType": "Bundle", "entry": [{"resource": order}]}
    cards = call(loaded_client, request)
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": order}]}
    claim = loaded_client.post("/v1/fhir/check", json=bundle).json()["entry"][1]["resource"]
    code = claim["item"][0]["productOrService"]["coding"][0]["code"]
    assert len(cards) == 1
    assert cards[0]["summary"].startswith(f"Bill {code}")
