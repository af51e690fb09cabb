"""The /v1 routes: check a claim line (the JSON contract or a FHIR Bundle), list payers and rules.

Every /v1 route needs an API key when keys are configured (``NOCRX_API_KEYS``). ``/healthz``
does not, and says whether keys are required, so the web page knows to ask for one.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from nocrx.api import catalogs
from nocrx.api.problems import Problem, request_id_of
from nocrx.api.service import read_json, service_of
from nocrx.contract import evaluation_to_dict, parse_claim_line
from nocrx.errors import NocrxError
from nocrx.fhir.claim import draft_claim, operation_outcome
from nocrx.fhir.claim_line import MappedLine, claim_line_from, medication_orders
from nocrx.fhir.resources import FHIRWrongType, ResourceIndex
from nocrx.model import Evaluation

logger = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
MAX_FHIR_LINES = 50  # 837P loop 2400 repeats at most 50 times per claim


async def _require_key(request: Request) -> None:
    service_of(request).require_api_key(request)


router = APIRouter()
v1 = APIRouter(prefix="/v1", dependencies=[Depends(_require_key)])

CHECK_EXAMPLE = {
    "date_of_service": "2025-11-14",
    "payer": "medicare",
    "setting": "professional",
    "diagnoses": ["C34.90"],
    "drug": {"ndc": "0006-3026-02", "dose": {"value": 200, "unit": "mg"}, "route": "intravenous"},
}


@router.get("/healthz", tags=["service"])
async def healthz(request: Request) -> dict[str, Any]:
    """Liveness, and whether /v1 needs an API key (the web page asks for one only then)."""
    service = service_of(request)
    return {"status": "ok", "api_keys_required": service.settings.api_keys_required,
            "cds_jwt_required": service.verifier.enabled}  # fmt: skip


@v1.post(
    "/check", tags=["check"],
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"type": "object", "description": "The nocrx input contract (nocrx.contract)."},
        "example": CHECK_EXAMPLE}}}},
)  # fmt: skip
async def check(request: Request) -> JSONResponse:
    """Decide and check one drug line: code, units, modifiers, findings, narrative, 837P/CMS-1500."""
    line = parse_claim_line(await read_json(request))
    service = service_of(request)
    evaluation = service.check(line, request_id_of(request), "/v1/check")
    return JSONResponse(answer(evaluation, request_id_of(request)))


def answer(evaluation: Evaluation, request_id: str | None) -> dict[str, Any]:
    """The contract's output JSON plus the renderings (when nocrx.render is installed)."""
    body = evaluation_to_dict(evaluation)
    with contextlib.suppress(ImportError):
        body["renderings"] = catalogs.renderings(evaluation)
    body["request_id"] = request_id
    return body


@v1.post(
    "/fhir/check", tags=["fhir"],
    openapi_extra={"requestBody": {"required": True, "content": {FHIR_JSON: {"schema": {
        "type": "object", "description": "A FHIR R4 Bundle with MedicationAdministration or MedicationRequest, "
        "Medication, Condition, Encounter, Coverage and Patient."}}}}},
)  # fmt: skip
async def fhir_check(request: Request) -> JSONResponse:
    """Map a FHIR R4 Bundle to claim lines; answer a Bundle of an OperationOutcome and a draft Claim."""
    bundle = await read_json(request)
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        # The value sent is not echoed: error text must not carry what a client typed (PHI).
        raise FHIRWrongType("expected a FHIR Bundle (resourceType Bundle).", field="resourceType")
    index = ResourceIndex()
    index.add(bundle)
    orders = medication_orders(index)
    if not orders:
        raise Problem(
            422, "FHIR_NO_MEDICATION", "The Bundle holds no MedicationAdministration or MedicationRequest."
        )
    if len(orders) > MAX_FHIR_LINES:
        raise Problem(422, "FHIR_TOO_MANY_LINES", f"At most {MAX_FHIR_LINES} medication lines per request.")
    patients = {_subject(order) for order in orders}
    if len(patients) > 1:  # a Claim is for one patient
        raise Problem(422, "FHIR_MULTIPLE_PATIENTS", "The medication lines name different patients; "
                      "send one Bundle per patient.")  # fmt: skip
    service = service_of(request)
    evaluated, failed = _evaluate_orders(orders, index, service, request_id_of(request))
    if not evaluated:
        raise failed[0][1]
    claim, problem = draft_claim(evaluated)
    if problem is not None:  # e.g. a dose in mg/kg has no NDC unit qualifier: the items are bare
        failed.append(("Claim", problem))
    outcome = operation_outcome(evaluated)
    outcome["issue"] = [*_failure_issues(failed), *outcome["issue"]]
    result = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": outcome}, {"resource": claim}],
    }
    return JSONResponse(result, media_type=FHIR_JSON)


def _evaluate_orders(
    orders: list[dict[str, Any]], index: ResourceIndex, service: Any, request_id: str | None
) -> tuple[list[tuple[MappedLine, Evaluation]], list[tuple[str, NocrxError]]]:
    evaluated, failed = [], []
    for order in orders:
        mapped = claim_line_from(order, index, today=date.today(), payer_for=service.payer_for)
        try:
            evaluated.append((mapped, service.check(mapped.line, request_id, "/v1/fhir/check")))
        except NocrxError as error:  # one bad line (say a malformed NDC) does not sink the others
            failed.append((mapped.source, error))
    return evaluated, failed


def _subject(order: dict[str, Any]) -> str | None:
    subject = order.get("subject")
    reference = subject.get("reference") if isinstance(subject, dict) else None
    return reference if isinstance(reference, str) else None


def _failure_issues(failed: list[tuple[str, NocrxError]]) -> list[dict[str, Any]]:
    return [{"severity": "error", "code": "invalid", "location": [source],
             "details": {"coding": [{"system": "urn:nocrx:error", "code": error.code}], "text": str(error)}}
            for source, error in failed]  # fmt: skip


@v1.get("/payers", tags=["reference"])
async def payers(request: Request) -> dict[str, Any]:
    """The payer profiles this service knows."""
    return {"payers": service_of(request).payers}


@v1.get("/rules", tags=["reference"])
async def rules() -> dict[str, Any]:
    """The rule catalog: each check's code, severity and source."""
    try:
        return {"rules": catalogs.rule_catalog()}
    except ImportError:
        raise Problem(404, "RULES_CATALOG_MISSING", "This build has no rule catalog.") from None


router.include_router(v1)
