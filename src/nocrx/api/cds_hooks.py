"""CDS Hooks 2.0 services for order-select and order-sign (Da Vinci CRD style).

``GET /cds-services`` is discovery; ``POST /cds-services/{id}`` takes a hook request whose
``context.draftOrders`` Bundle holds the draft orders, with prefetch ``patient``,
``encounter``, ``coverage``, ``conditions`` and ``medications`` (JSON ``null`` means "none
found", spec "Prefetch"). Each draft MedicationRequest gets a card; other orders get none,
and ``{"cards": []}`` is the answer when there is nothing to say. We never call the EHR's
FHIR server: what prefetch and the drafts hold is what we use.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from fastapi import APIRouter, Request

from nocrx.api.cards import error_card, evaluation_card
from nocrx.api.problems import Problem, request_id_of
from nocrx.api.service import Service, read_json, service_of
from nocrx.errors import NocrxError
from nocrx.fhir.claim_line import claim_line_from
from nocrx.fhir.resources import FHIRInputError, ResourceIndex, reference_key

logger = logging.getLogger(__name__)

PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "encounter": "Encounter/{{context.encounterId}}",
    "coverage": "Coverage?patient={{context.patientId}}&status=active",
    "conditions": "Condition?patient={{context.patientId}}&clinical-status=active",
    "medications": "Medication?_id={{context.draftOrders.entry.resource.ofType(MedicationRequest)"
    ".medication.resolve().id}}",
}
SERVICES = {
    "nocrx-order-select": {
        "hook": "order-select",
        "title": "nocrx drug billing check (order select)",
        "description": "Which HCPCS code, units and modifiers a selected drug order will be billed with, "
        "and what the claim needs so it is not denied (NOC codes J3490, J3590, J9999, C9399 ...).",
    },
    "nocrx-order-sign": {
        "hook": "order-sign",
        "title": "nocrx drug billing check (order sign)",
        "description": "Checks each draft MedicationRequest at signing: HCPCS code, units, modifiers, "
        "narrative and the documentation a NOC drug claim must carry.",
    },
}

router = APIRouter(prefix="/cds-services", tags=["cds-hooks"])


@router.get("")
async def discovery(request: Request) -> dict[str, Any]:
    """CDS Hooks discovery: our two services and their prefetch templates."""
    service_of(request).require_cds_client(request)
    return {"services": [{"id": sid, **spec, "prefetch": PREFETCH} for sid, spec in SERVICES.items()]}


@router.post("/{service_id}")
async def call_service(service_id: str, request: Request) -> dict[str, Any]:
    """Answer a hook call with cards, or ``{"cards": []}``."""
    if service_id not in SERVICES:
        raise Problem(404, "CDS_SERVICE_UNKNOWN", "No CDS service with that id; see GET /cds-services.")
    service = service_of(request)
    service.require_cds_client(request)
    hook_request = await read_json(request)
    _validate(hook_request, SERVICES[service_id]["hook"])
    index, drafts = _index(hook_request)
    selections = _selections(hook_request["context"])
    if selections is not None:
        drafts = [d for d in drafts if reference_key(d) in selections]
    base = service.settings.public_url or str(request.base_url).rstrip("/")
    cards = [_card(service, draft, index, base, request_id_of(request), service_id) for draft in drafts]
    return {"cards": cards}


@router.post("/{service_id}/feedback")
async def feedback(service_id: str, request: Request) -> dict[str, Any]:
    """CDS Hooks 2.0 feedback: accepted and counted (outcomes only; nothing else is kept)."""
    if service_id not in SERVICES:
        raise Problem(404, "CDS_SERVICE_UNKNOWN", "No CDS service with that id; see GET /cds-services.")
    service_of(request).require_cds_client(request)
    body = await read_json(request)
    items = body.get("feedback") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise Problem(400, "CDS_INVALID_FEEDBACK", "Feedback must be an object with a feedback list.")
    logger.info("feedback for %s: %d item(s)", service_id, len(items))
    return {}


def _validate(body: Any, hook: str) -> None:
    if not isinstance(body, dict):
        raise Problem(400, "CDS_INVALID_REQUEST", "A hook request must be a JSON object.")
    for key, kind in (("hook", str), ("hookInstance", str), ("context", dict)):
        if not isinstance(body.get(key), kind):
            raise Problem(400, "CDS_INVALID_REQUEST", f"The hook request needs {key} ({kind.__name__}).")
    if body["hook"] != hook:
        raise Problem(
            400,
            "CDS_HOOK_MISMATCH",
            f"This service answers the {hook} hook only; see GET /cds-services for the others.",
        )
    if body.get("prefetch") is not None and not isinstance(body["prefetch"], dict):
        raise Problem(400, "CDS_INVALID_REQUEST", "prefetch must be an object.")


def _index(body: dict[str, Any]) -> tuple[ResourceIndex, list[dict[str, Any]]]:
    index = ResourceIndex()
    drafts = body["context"].get("draftOrders")
    if drafts is not None:
        if not isinstance(drafts, dict) or drafts.get("resourceType") != "Bundle":
            raise Problem(400, "CDS_INVALID_REQUEST", "context.draftOrders must be a FHIR Bundle.")
        try:
            index.add(drafts)
        except FHIRInputError as error:
            raise Problem(400, "CDS_INVALID_REQUEST", f"context.draftOrders: {error}") from None
    orders = index.of_type("MedicationRequest")
    for value in (body.get("prefetch") or {}).values():
        try:
            index.add(value)
        except FHIRInputError:
            continue  # a malformed prefetch item is ignored, as a missing one would be
    return index, orders


def _selections(context: dict[str, Any]) -> set[str] | None:
    selections = context.get("selections")
    if not isinstance(selections, list):
        return None
    return {s for s in selections if isinstance(s, str)}


def _card(
    service: Service, draft: dict[str, Any], index: ResourceIndex, base: str, request_id: str | None, sid: str
) -> dict[str, Any]:
    mapped = claim_line_from(draft, index, today=date.today(), payer_for=service.payer_for)
    try:
        evaluation = service.check(mapped.line, request_id, f"/cds-services/{sid}")
    except NocrxError as error:
        return error_card(error.code, str(error), base)
    return evaluation_card(evaluation, draft, base, mapped.notes)
