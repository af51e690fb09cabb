"""Service settings, the loopback rule of `nocrx serve`, and card text limits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nocrx.api.cards import SUMMARY_LIMIT, clip, evaluation_card
from nocrx.api.config import DEFAULT_MAX_BODY_BYTES, ServiceSettings
from nocrx.cli.serve_commands import is_loopback
from nocrx.errors import InvalidInput
from nocrx.model import ClaimLine, Decision, Evaluation, Finding


def test_settings_defaults_are_safe() -> None:
    settings = ServiceSettings.from_env({"NOCRX_DB": "/tmp/x.sqlite3"})
    assert (settings.max_body_bytes, settings.api_keys_required, settings.cds_issuers_file) == (
        DEFAULT_MAX_BODY_BYTES, False, None)  # fmt: skip


def test_settings_read_every_variable(tmp_path: object) -> None:
    env = {"NOCRX_MAX_BODY_BYTES": "2048", "NOCRX_PUBLIC_URL": "https://cds.example.org/",
           "NOCRX_AUDIT_LOG": "/var/log/nocrx/audit.jsonl", "NOCRX_CDS_ISSUERS": "/etc/nocrx/issuers.json"}  # fmt: skip
    settings = ServiceSettings.from_env(env)
    assert settings.max_body_bytes == 2048
    assert settings.public_url == "https://cds.example.org"
    assert str(settings.audit_log) == "/var/log/nocrx/audit.jsonl"
    assert str(settings.cds_issuers_file) == "/etc/nocrx/issuers.json"


@pytest.mark.parametrize("value", ["0", "-5", "1MB", "1.5"])
def test_bad_body_limit_is_a_coded_error(value: str) -> None:
    with pytest.raises(InvalidInput, match="NOCRX_MAX_BODY_BYTES"):
        ServiceSettings.from_env({"NOCRX_MAX_BODY_BYTES": value})


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", True), ("127.0.0.53", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
     ("192.168.1.10", False), ("::", False), ("example.org", False)],
)  # fmt: skip
def test_loopback_addresses(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


@given(st.text(max_size=400))
def test_clipped_summaries_fit_the_spec(text: str) -> None:
    clipped = clip(text)
    assert len(clipped) < SUMMARY_LIMIT
    assert "\n" not in clipped


def test_a_card_for_many_findings_keeps_a_short_summary() -> None:
    findings = tuple(Finding(f"CODE_{i}_" + "X" * 30, "error", "drug", "m", "f", "s") for i in range(9))
    evaluation = Evaluation(
        line=ClaimLine(date_of_service=date(2025, 11, 14)),
        decision=Decision(code="J3490", kind="noc", units=Decimal(1), ndc_11="00006302602", modifiers=("JW", "JZ")),
        payer_id="medicare", findings=findings, status="errors",
    )  # fmt: skip
    card = evaluation_card(evaluation, {"resourceType": "MedicationRequest"}, "http://x")
    assert len(card["summary"]) < SUMMARY_LIMIT
    assert card["summary"].startswith("Bill J3490-JW-JZ × 1, NDC 00006-3026-02: 9 problems")
    assert card["indicator"] == "critical"
    assert all(f.code in card["detail"] for f in findings)


def test_cors_is_off_unless_origins_are_configured(make_client: object) -> None:
    preflight = {"Origin": "https://sandbox.cds-hooks.org", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}  # fmt: skip
    closed = make_client()  # type: ignore[operator]
    assert (
        "access-control-allow-origin"
        not in closed.request("OPTIONS", "/cds-services", headers=preflight).headers
    )
    opened = make_client(cors_origins=("https://sandbox.cds-hooks.org",))  # type: ignore[operator]
    response = opened.request("OPTIONS", "/cds-services/nocrx-order-sign", headers=preflight)
    assert response.headers["access-control-allow-origin"] == "https://sandbox.cds-hooks.org"
    other = opened.request(
        "OPTIONS", "/cds-services", headers={**preflight, "Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in other.headers


def test_cors_origins_come_from_the_environment() -> None:
    settings = ServiceSettings.from_env({"NOCRX_CORS_ORIGINS": "https://a.example, https://b.example"})
    assert settings.cors_origins == ("https://a.example", "https://b.example")


PROFILES = [{"id": "medicare", "name": "Medicare Part B (national defaults)"},
            {"id": "medicare-palmetto", "name": "Medicare Palmetto GBA JJ/JM"},
            {"id": "commercial", "name": "Commercial plan (generic)"}]  # fmt: skip


@pytest.mark.parametrize(
    ("coverage", "expected"),
    [
        ({"payor": [{"identifier": {"system": "urn:nocrx:payer", "value": "medicare-palmetto"}}]}, "medicare-palmetto"),
        ({"payor": [{"display": "Commercial plan (generic)"}]}, "commercial"),
        ({"payor": [{"display": "commercial"}]}, "commercial"),
        ({"payor": [{"reference": "Organization/org1234"}],
          "class": [{"type": {"coding": [{"code": "plan"}]}, "value": "Medicare Part B"}]}, "medicare"),
        ({"payor": [{"display": "Centers for Medicare & Medicaid Services"}]}, "medicare"),
        ({"payor": [{"display": "Payer XYZ"}]}, None),
        ({"payor": "not-a-list-item"}, None),
        (None, None),
    ],
    ids=["profile-identifier", "profile-name", "profile-id", "plan-class", "cms-display", "unknown", "odd", "none"],
)  # fmt: skip
def test_coverage_payer_is_matched_to_a_profile(coverage: dict | None, expected: str | None) -> None:
    from nocrx.api.catalogs import payer_matcher

    assert payer_matcher(PROFILES)(coverage) == expected
