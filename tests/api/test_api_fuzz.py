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
