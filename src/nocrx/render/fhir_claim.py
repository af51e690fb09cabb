"""A FHIR Claim for the decided drug lines, built and validated with fhir.resources. No I/O.

fhir.resources ships the R4B (4.3) models, whose Claim is the R4 (4.0.1) Claim unchanged;
the JSON written here is a valid R4 Claim. item.productOrService is the HCPCS code
(system https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets) with its modifiers in
item.modifier; item.detail carries each NDC (system http://hl7.org/fhir/sid/ndc, 11 digits as
on the 837) with its quantity and unit; the NOC narrative and the trial number are
supportingInfo entries the item points to (informationSequence).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.claim import Claim as FHIRClaim

from nocrx.model import Evaluation
from nocrx.render.claim import Claim
from nocrx.render.lines import ServiceLine, service_lines

HCPCS_SYSTEM = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
NDC_SYSTEM = "http://hl7.org/fhir/sid/ndc"
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
CLAIM_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/claim-type"
INFO_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/claiminformationcategory"
UCUM = "http://unitsofmeasure.org"
# NDC unit qualifier -> UCUM code.
_UCUM_UNITS = {"F2": "[iU]", "GR": "g", "ME": "mg", "ML": "mL", "UN": "{unit}"}


def render_fhir_claim(
    evaluations: Sequence[Evaluation], claim: Claim | None = None, *, created: datetime | None = None
) -> dict[str, Any]:
    """Build the FHIR Claim as JSON-ready data, validated by the fhir.resources model."""
    diagnoses = _diagnoses(evaluations, claim)
    supporting: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for evaluation in evaluations:
        # One item per decided line: a compound's component NDCs become its details (FHIR has
        # no one-drug-per-line limit like 837 loop 2410).
        lines = service_lines(evaluation, link_number="1")
        info = _supporting_info(lines[0], supporting)
        items.append(_item(lines, len(items) + 1, diagnoses, info))
    total = sum((Decimal(str(i["net"]["value"])) for i in items), Decimal(0))
    when = (claim.envelope.created if claim else None) or created or datetime(2000, 1, 1)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # FHIR dateTime with a time needs a zone
    resource: dict[str, Any] = {
        "resourceType": "Claim",
        "status": "active",
        "type": {"coding": [{"system": CLAIM_TYPE_SYSTEM, "code": _claim_type(claim)}]},
        "use": "claim",
        "patient": _patient(claim),
        "created": when.isoformat(),
        "provider": _provider(claim),
        "priority": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/processpriority", "code": "normal"}]
        },
        "insurance": [{"sequence": 1, "focal": True, "coverage": _coverage(claim)}],
        "diagnosis": [
            {
                "sequence": i,
                "diagnosisCodeableConcept": {"coding": [{"system": ICD10CM_SYSTEM, "code": code}]},
            }
            for i, code in enumerate(diagnoses, start=1)
        ],
        "item": items,
        "total": {"value": float(total), "currency": "USD"},
    }
    if claim:
        resource["identifier"] = [{"value": claim.claim_id}]
    if supporting:
        resource["supportingInfo"] = supporting
    # Validate by building the model; write what the model writes (drops nothing we set).
    return FHIRClaim.model_validate(resource).model_dump(mode="json", exclude_none=True)


def _item(
    lines: Sequence[ServiceLine], sequence: int, diagnoses: list[str], info: list[int]
) -> dict[str, Any]:
    line = lines[0]
    charge = sum((each.charge for each in lines), Decimal(0))
    item: dict[str, Any] = {
        "sequence": sequence,
        "productOrService": {"coding": [{"system": HCPCS_SYSTEM, "code": line.code}]},
        "servicedDate": line.date_of_service.isoformat(),
        "quantity": {"value": float(line.units)},
        "net": {"value": float(charge), "currency": "USD"},
    }
    pointers = [diagnoses.index(d) + 1 for d in line.diagnoses if d in diagnoses]
    if pointers:
        item["diagnosisSequence"] = pointers
    if line.modifiers:
        item["modifier"] = [{"coding": [{"system": HCPCS_SYSTEM, "code": m}]} for m in line.modifiers]
    if info:
        item["informationSequence"] = info
    drugs = [each.drug for each in lines if each.drug]
    if drugs:
        item["detail"] = [
            {
                "sequence": n,
                "productOrService": {"coding": [{"system": NDC_SYSTEM, "code": drug.ndc_11}]},
                "quantity": {
                    "value": float(drug.quantity),
                    "unit": drug.unit,
                    "system": UCUM,
                    "code": _UCUM_UNITS[drug.unit],
                },
            }
            for n, drug in enumerate(drugs, start=1)
        ]
    return item


def _supporting_info(line: ServiceLine, supporting: list[dict[str, Any]]) -> list[int]:
    texts = []
    narrative = " ".join(t for t in (line.description, line.note) if t)
    if narrative:
        texts.append(narrative)
    if line.trial_number:
        texts.append(f"Clinical trial NCT{line.trial_number}")
    sequences = []
    for text in texts:
        existing = next((s["sequence"] for s in supporting if s["valueString"] == text), None)
        if existing is None:
            existing = len(supporting) + 1
            supporting.append(
                {
                    "sequence": existing,
                    "category": {"coding": [{"system": INFO_CATEGORY_SYSTEM, "code": "info"}]},
                    "valueString": text,
                }
            )
        sequences.append(existing)
    return sequences


def _diagnoses(evaluations: Sequence[Evaluation], claim: Claim | None) -> list[str]:
    codes: dict[str, None] = dict.fromkeys(claim.diagnoses) if claim else {}
    for evaluation in evaluations:
        codes.update(dict.fromkeys(evaluation.line.diagnoses))
    return list(codes)


def _claim_type(claim: Claim | None) -> str:
    return "institutional" if claim and claim.type == "institutional" else "professional"


def _patient(claim: Claim | None) -> dict[str, Any]:
    if claim is None:
        return {"display": "patient not given"}
    return {"identifier": {"type": {"text": "member id"}, "value": claim.subscriber.member_id}}


def _provider(claim: Claim | None) -> dict[str, Any]:
    if claim is None:
        return {"display": "billing provider not given"}
    return {
        "identifier": {"system": NPI_SYSTEM, "value": claim.billing_provider.id},
        "display": claim.billing_provider.name,
    }


def _coverage(claim: Claim | None) -> dict[str, Any]:
    if claim is None:
        return {"display": "coverage not given"}
    return {"display": claim.payer.name, "identifier": {"value": claim.payer.id}}
