"""No PHI in any log line: a sentinel patient name sent through every endpoint is logged nowhere.

Logs are captured at DEBUG for every logger (ours, uvicorn's, httpx's), and the audit log is
written to a file; neither may hold the sentinel. Answers may hold it only where the client's
own resource is echoed back (a CDS update suggestion carries the order it updates).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Client
from scenarios import SCENARIOS, SENTINEL, fhir_bundle, order_sign_request

pytestmark = pytest.mark.slow


@pytest.fixture
def audited(make_client: Any, loaded_read_store: Any, tmp_path: Path) -> tuple[Client, Path]:
    audit = tmp_path / "audit.jsonl"
    return make_client(store=loaded_read_store, audit_log=audit), audit


def bad_requests() -> list[tuple[str, bytes]]:
    """Requests that fail, each carrying the sentinel somewhere an error message might quote it."""
    s = SENTINEL
    return [
        ("/v1/check", json.dumps({"date_of_service": "2025-11-14", "patient": {"name": s}}).encode()),
        ("/v1/check", json.dumps({"date_of_service": s}).encode()[:-3]),  # malformed JSON
        ("/v1/fhir/check", json.dumps({"resourceType": s}).encode()),
        (
            "/v1/fhir/check",
            json.dumps({"resourceType": "Bundle", "entry": [{"resource": {"name": s}}]}).encode(),
        ),
        (
            "/cds-services/nocrx-order-sign",
            json.dumps({"hook": s, "hookInstance": s, "context": {}}).encode(),
        ),
        (
            "/cds-services/nocrx-order-sign",
            json.dumps({"hook": "order-sign", "context": {"patientId": s}}).encode(),
        ),
    ]


def test_the_sentinel_reaches_no_log_and_no_error(
    audited: tuple[Client, Path], caplog: pytest.LogCaptureFixture
) -> None:
    client, audit = audited
    caplog.set_level(logging.DEBUG)
    answers: list[str] = []
    # /v1/check: the contract has no patient fields; a narrative is free text and must stay out of logs.
    line = {"date_of_service": "2025-11-14", "payer": "medicare", "narrative": f"for {SENTINEL}",
            "drug": {"ndc": "0006-3026-02", "dose": {"value": 200, "unit": "mg"},
                     "quantity": {"value": 8, "unit": "ML"}}}  # fmt: skip
    ok = client.post("/v1/check", json=line)
    assert ok.status_code == 200
    for scenario in SCENARIOS:
        response = client.post("/v1/fhir/check", json=fhir_bundle(scenario))
        assert response.status_code == 200
        answers.append(response.text)
        for hook in ("order-sign", "order-select"):
            request = order_sign_request(scenario, hook)
            response = client.post(f"/cds-services/nocrx-{hook}", json=request)
            assert response.status_code == 200
            cards = response.json()["cards"]
            answers.append(json.dumps([{k: v for k, v in c.items() if k != "suggestions"} for c in cards]))
    for path, body in bad_requests():
        response = client.post(path, content=body, headers={"content-type": "application/json"})
        assert 400 <= response.status_code < 500, (path, response.text)
        answers.append(response.text)
    for url in ("/v1/payers", "/v1/rules", "/healthz", "/cds-services", "/"):
        answers.append(client.get(url).text)

    assert caplog.records  # logging was on
    assert SENTINEL not in caplog.text
    for record in caplog.records:
        assert SENTINEL not in record.getMessage()
    audit_lines = audit.read_text("utf-8").splitlines()
    assert len(audit_lines) == 1 + 3 * len(SCENARIOS)
    assert SENTINEL not in "".join(audit_lines)
    for answer in answers:
        assert SENTINEL not in answer


def test_audit_lines_identify_the_request_without_phi(audited: tuple[Client, Path]) -> None:
    client, audit = audited
    response = client.post(
        "/v1/fhir/check", json=fhir_bundle(SCENARIOS[0]), headers={"x-request-id": "req-42"}
    )
    assert response.status_code == 200
    entry = json.loads(audit.read_text("utf-8").splitlines()[-1])
    assert set(entry) == {"time", "request_id", "endpoint", "payer", "hcpcs", "ndc_11", "code", "units", "status",
                          "findings"}  # fmt: skip
    assert (entry["request_id"], entry["endpoint"], entry["code"], entry["ndc_11"], entry["payer"]) == (
        "req-42",
        "/v1/fhir/check",
        "J9271",
        "00006302602",
        "medicare",
    )
    assert all(isinstance(code, str) for code in entry["findings"])
