"""Bad requests get the right 4xx and a coded application/problem+json body, never a 500."""

from __future__ import annotations

import logging

import pytest
from api_helpers import Client

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "request_id"}


def assert_problem(response: object, status: int, code: str) -> dict:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) >= PROBLEM_KEYS
    assert (body["status"], body["code"]) == (status, code)
    assert body["type"] == "urn:nocrx:problem:" + code.lower().replace("_", "-")
    assert body["request_id"] == response.headers["x-request-id"]  # type: ignore[attr-defined]
    return body


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/v1/check", b"{not json", 400, "MALFORMED_JSON"),
        ("/v1/check", b"", 400, "BODY_MISSING"),
        ("/v1/check", b'{"date_of_service": NaN}', 400, "MALFORMED_JSON"),
        ("/v1/check", b"\xff\xfe", 400, "MALFORMED_JSON"),
        ("/v1/check", b"[" * 100_000, 400, "MALFORMED_JSON"),
        ("/v1/check", b"[]", 422, "INVALID_INPUT"),
        ("/v1/check", b'{"date_of_service": "2025-11-14", "colour": "red"}', 422, "INVALID_INPUT"),
        ("/v1/check", b'{"date_of_service": "14/11/2025"}', 422, "INVALID_INPUT"),
        ("/v1/fhir/check", b'{"resourceType": "Patient"}', 422, "FHIR_WRONG_RESOURCE_TYPE"),
        ("/v1/fhir/check", b"[1, 2]", 422, "FHIR_WRONG_RESOURCE_TYPE"),
        ("/v1/fhir/check", b'{"resourceType": "Bundle", "entry": [{"resource": {"id": "x"}}]}', 422, "FHIR_INVALID"),
        ("/v1/fhir/check", b'{"resourceType": "Bundle", "entry": "nope"}', 422, "FHIR_INVALID"),
        ("/v1/fhir/check", b'{"resourceType": "Bundle", "type": "collection"}', 422, "FHIR_NO_MEDICATION"),
        ("/cds-services/nocrx-order-sign", b'{"hook": "order-sign"}', 400, "CDS_INVALID_REQUEST"),
        ("/cds-services/nocrx-order-sign", b"[]", 400, "CDS_INVALID_REQUEST"),
        ("/cds-services/nocrx-order-sign",
         b'{"hook": "order-sign", "hookInstance": "a", "context": {"draftOrders": {"resourceType": "Patient"}}}',
         400, "CDS_INVALID_REQUEST"),
        ("/cds-services/nocrx-order-sign", b'{"hook": "order-select", "hookInstance": "a", "context": {}}',
         400, "CDS_HOOK_MISMATCH"),
        ("/cds-services/no-such-service", b"{}", 404, "CDS_SERVICE_UNKNOWN"),
        ("/cds-services/nocrx-order-sign/feedback", b'{"feedback": 3}', 400, "CDS_INVALID_FEEDBACK"),
    ],
    ids=[
        "truncated-json", "empty-body", "nan", "not-utf8", "too-deep", "list-not-object", "unknown-field",
        "bad-date", "fhir-patient-not-bundle", "fhir-array", "fhir-entry-without-type", "fhir-entry-not-list",
        "fhir-no-medication", "cds-missing-fields", "cds-array", "cds-drafts-not-bundle", "cds-wrong-hook",
        "cds-unknown-service", "cds-bad-feedback",
    ],
)  # fmt: skip
def test_bad_input_gets_a_coded_problem(
    client: Client, path: str, body: bytes, status: int, code: str
) -> None:
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert_problem(response, status, code)


def test_invalid_field_is_named(client: Client) -> None:
    body = assert_problem(client.post("/v1/check", json={"date_of_service": "2025-11-14", "units": "many"}),
                          422, "INVALID_INPUT")  # fmt: skip
    assert body["field"] == "units"


def test_wrong_media_type_is_415(client: Client) -> None:
    response = client.post("/v1/check", content=b"date=2025-11-14", headers={"content-type": "text/plain"})
    assert_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_unknown_path_and_method_are_problems(client: Client) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404, "NOT_FOUND")
    assert_problem(client.get("/v1/check"), 405, "METHOD_NOT_ALLOWED")


def test_body_over_the_limit_is_413_by_content_length(make_client: object) -> None:
    small = make_client(max_body_bytes=100)  # type: ignore[operator]
    response = small.post(
        "/v1/check", content=b"{" + b" " * 200 + b"}", headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")


def test_streamed_body_over_the_limit_is_413(make_client: object) -> None:
    small = make_client(max_body_bytes=100)  # type: ignore[operator]

    async def chunks():  # no Content-Length: the limit is enforced while reading
        for _ in range(10):
            yield b" " * 50

    response = small.post("/v1/check", content=chunks(), headers={"content-type": "application/json"})
    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")


def test_the_stress_test_bundle_is_over_the_default_limit(client: Client) -> None:
    from api_helpers import SAMPLES

    body = (SAMPLES / "davinci-crd-test-kit" / "stress-test-Bundle.json").read_bytes()
    assert len(body) > 2_000_000
    response = client.post("/v1/fhir/check", content=body, headers={"content-type": "application/fhir+json"})
    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")


def test_unexpected_error_is_500_with_request_id_and_traceback_only_in_log(
    client: Client, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nocrx.checker import Checker

    secret = "ZZ-PHI-" + "SENTINEL"  # built at run time: a traceback quotes source lines

    def broken(self: Checker, line: object) -> None:
        raise RuntimeError(f"{secret} leaked into an exception message")

    monkeypatch.setattr(Checker, "check", broken)
    caplog.set_level(logging.INFO)
    response = client.post("/v1/check", json={"date_of_service": "2025-11-14"})
    body = assert_problem(response, 500, "INTERNAL_ERROR")
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    assert body["request_id"] in caplog.text
    assert "RuntimeError" in caplog.text
    assert "broken" in caplog.text  # the frame where it failed
    assert secret not in caplog.text


def test_client_request_id_is_kept_when_safe(client: Client) -> None:
    assert client.get("/healthz", headers={"x-request-id": "abc-123"}).headers["x-request-id"] == "abc-123"
    unsafe = client.get("/healthz", headers={"x-request-id": "a b<script>"}).headers["x-request-id"]
    assert len(unsafe) == 32
    assert unsafe.isalnum()
