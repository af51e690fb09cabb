"""Odd JSON of every shape gets a 2xx or a coded 4xx from every POST endpoint, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KEYS = ["resourceType", "entry", "resource", "hook", "hookInstance", "context", "draftOrders", "prefetch",
        "date_of_service", "drug", "ndc", "dose", "value", "unit", "medicationReference", "reference",
        "medicationCodeableConcept", "coding", "system", "code", "subject", "dosageInstruction", "payer"]  # fmt: skip
VALUES = st.sampled_from(["Bundle", "MedicationRequest", "Medication", "order-sign", "#m", "Medication/m",
                          "http://hl7.org/fhir/sid/ndc", "0006-3026-02", "2025-11-14", "mg", "x"])  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | VALUES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    max_leaves=20,
)
PATHS = ["/v1/check", "/v1/fhir/check", "/cds-services/nocrx-order-sign", "/cds-services/nocrx-order-select"]


@pytest.fixture(scope="module")
def fuzz_client() -> Any:
    from nocrx.api.app import create_app
    from nocrx.api.config import ServiceSettings
    from nocrx.data.store import Store

    store = Store(":memory:")
    client = Client(create_app(ServiceSettings(db_path=store.path), store))  # type: ignore[arg-type]
    yield client
    client.close()
    store.close()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(path=st.sampled_from(PATHS), body=JSON)
def test_no_body_makes_a_500(fuzz_client: Client, path: str, body: Any) -> None:
    if path.startswith("/cds-services") and isinstance(body, dict):
        body = {"hook": path.rsplit("nocrx-", 1)[1], "hookInstance": "h", "context": body}
    if path == "/v1/fhir/check" and isinstance(body, dict):
        body = {**body, "resourceType": "Bundle"}
    response = fuzz_client.post(path, json=body)
    assert response.status_code < 500, response.text


JUNK = [None, 1, "x", [], {}, [{"x": 1}], {"value": "abc", "unit": "mg"}, {"value": -5, "unit": "mg"},
        {"value": 1e30, "unit": "mg"}, {"value": 3, "unit": "tablet"}, "2025-13-45", {"reference": "#nope"},
        {"reference": ["Patient/1"]}, {"coding": [{"system": "http://hl7.org/fhir/sid/ndc", "code": ["0006"]}]},
        {"coding": [{"system": "http://hl7.org/fhir/sid/ndc", "code": "99999-9999-99"}]}]  # fmt: skip
SEEDS = ["medicationrequest0318", "medicationadministration0301", "medicationrequest0323", "medicationrequest0336",
         "coverage-example", "encounter-example-f001-heart"]  # fmt: skip


def mutate(value: Any, rng: Any) -> Any:
    """Replace about one field in seven, at every depth, with a wrong-typed or odd value."""
    if isinstance(value, dict):
        return {k: rng.choice(JUNK) if rng.random() < 0.15 else mutate(v, rng) for k, v in value.items()}
    if isinstance(value, list):
        return [mutate(v, rng) for v in value]
    return value


@pytest.mark.parametrize("seed", range(40))
def test_mutated_official_examples_never_make_a_500(fuzz_client: Client, seed: int) -> None:
    import random

    from api_helpers import sample

    rng = random.Random(seed)
    resources = [mutate(sample(f"fhir-r4/{name}.json"), rng) for name in SEEDS]
    for resource, name in zip(resources, SEEDS, strict=True):
        resource["resourceType"] = sample(f"fhir-r4/{name}.json")["resourceType"]
    bundle = {"resourceType": "Bundle", "entry": [{"resource": r} for r in resources]}
    drafts = {"resourceType": "Bundle", "entry": [{"resource": {**resources[0], "status": "draft"}}]}
    hook = {"hook": "order-sign", "hookInstance": "h", "context": {"draftOrders": drafts},
            "prefetch": {"coverage": resources[4], "encounter": resources[5]}}  # fmt: skip
    for path, body in (("/v1/fhir/check", bundle), ("/cds-services/nocrx-order-sign", hook)):
        response = fuzz_client.post(path, json=body)
        assert response.status_code < 500, response.text
