"""POST /v1/check with the input contract on the store holding ../shared/data."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import Client

pytestmark = pytest.mark.slow

KEYTRUDA = {
    "date_of_service": "2025-11-14",
    "payer": "medicare",
    "diagnoses": ["C34.90"],
    "drug": {"ndc": "0006-3026-02", "dose": {"value": 200, "unit": "mg"}, "quantity": {"value": 8, "unit": "ML"},
             "route": "intravenous"},
}  # fmt: skip


def test_keytruda_is_j9271_with_200_units_and_its_renderings(loaded_client: Client) -> None:
    response = loaded_client.post("/v1/check", json=KEYTRUDA)
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["kind"], body["units"], body["ndc_11"]) == (
        "J9271",
        "specific",
        200,
        "00006302602",
    )
    assert body["request_id"] == response.headers["x-request-id"]
    assert "SV1*HC:J9271*" in body["renderings"]["x12_837p"]
    assert "LIN**N4*00006302602~" in body["renderings"]["x12_837p"]
    assert body["renderings"]["cms1500"]["item_24"][0]["shaded"] == "N400006302602 ML8"
    assert all({"code", "severity", "message", "fix", "source"} <= set(f) for f in body["findings"])


@pytest.mark.parametrize(
    ("line", "code", "narrative_has"),
    [
        ({"date_of_service": "2025-11-20", "diagnoses": ["R57.9"],
          "drug": {"ndc": "81298-8552-03", "name": "Vasopressin", "dose": {"value": 20, "unit": "units"},
                   "quantity": {"value": 1, "unit": "ML"}, "route": "intravenous"}}, "J3490", "Vasopressin"),
        ({"date_of_service": "2025-11-14", "diagnoses": ["G89.4"],
          "drug": {"name": "Morphine-bupivacaine", "category": ["compounded"], "route": "intrathecal",
                   "dose": {"value": 20, "unit": "mL"},
                   "components": [{"ndc": "0409-1890-01", "name": "bupivacaine", "quantity": {"value": 10, "unit": "ML"}},
                                  {"ndc": "0641-6127-25", "name": "morphine", "quantity": {"value": 10, "unit": "ML"}}]}},
         "J7999", "bupivacaine"),
        ({"date_of_service": "2025-11-14", "diagnoses": ["C34.90", "Z00.6"],
          "drug": {"name": "XYZ-123 investigational", "route": "intravenous", "dose": {"value": 100, "unit": "mg"},
                   "investigational": {"study_id": "NCT01234567", "emergency": True}}}, "J3490", "XYZ-123"),
    ],
    ids=["off-label-iv", "compounded", "investigational-emergency"],
)  # fmt: skip
def test_seed_scenarios_get_a_noc_code_and_a_narrative(
    loaded_client: Client, line: dict[str, Any], code: str, narrative_has: str
) -> None:
    body = loaded_client.post("/v1/check", json={"payer": "medicare", **line}).json()
    assert (body["code"], body["kind"], body["units"]) == (code, "noc", 1)
    assert narrative_has in body["narrative"]
    assert narrative_has in body["renderings"]["x12_837p"]  # SV101-7 carries the narrative


def test_investigational_line_carries_the_trial_on_the_form(loaded_client: Client) -> None:
    line = {"date_of_service": "2025-11-14", "payer": "medicare", "diagnoses": ["C34.90", "Z00.6"],
            "drug": {"name": "XYZ-123", "dose": {"value": 100, "unit": "mg"},
                     "investigational": {"study_id": "NCT01234567"}}}  # fmt: skip
    body = loaded_client.post("/v1/check", json=line).json()
    assert "01234567" in body["renderings"]["cms1500"]["item_19"]


def test_unknown_payer_is_a_404_problem(loaded_client: Client) -> None:
    response = loaded_client.post("/v1/check", json={**KEYTRUDA, "payer": "no-such-payer"})
    assert response.status_code == 404
    assert response.json()["code"] == "UNKNOWN_PAYER"


def test_payers_and_rules_are_listed(loaded_client: Client) -> None:
    payers = loaded_client.get("/v1/payers").json()["payers"]
    assert {"medicare", "medicaid", "commercial"} <= {p["id"] for p in payers}
    assert all(p["name"] for p in payers)
    rules = loaded_client.get("/v1/rules").json()["rules"]
    codes = {r["code"] for r in rules}
    assert {"NDC_MISSING", "SPECIFIC_CODE_EXISTS"} <= codes
    assert all(r["source"] for r in rules)


def test_openapi_documents_the_endpoints(client: Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/check", "/v1/fhir/check", "/v1/payers", "/v1/rules", "/healthz", "/cds-services"} <= set(
        paths
    )
    assert client.get("/docs").status_code == 200
