"""Write the answer to a FHIR request: an OperationOutcome of the findings and a draft Claim.

The Claim is ``nocrx.render.fhir_claim``'s (HCPCS in item.productOrService, NDC in
item.detail as CMS BFD maps it, narrative in supportingInfo), made a draft that names the
patient, coverage and provider only by the references the client sent.
Both resources are validated with ``fhir.resources`` (its R4B models: Claim and
OperationOutcome did not change between R4 and R4B).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.claim import Claim
from fhir.resources.R4B.operationoutcome import OperationOutcome

from nocrx.errors import NocrxError
from nocrx.fhir.claim_line import MappedLine
from nocrx.model import Evaluation, Finding
from nocrx.render.fhir_claim import render_fhir_claim

FINDING_SYSTEM = "urn:nocrx:finding"
HCPCS_SYSTEM = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
CLAIM_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/claim-type"
_ISSUE_SEVERITY = {"error": "error", "warning": "warning", "info": "information"}
# FHIR R4 issue-type: a payer rule broken is "business-rule"; advice is "informational".
_ISSUE_TYPE = {"error": "business-rule", "warning": "business-rule", "info": "informational"}


def operation_outcome(evaluations: Sequence[tuple[MappedLine, Evaluation]]) -> dict[str, Any]:
    """One issue per finding (with the line it belongs to); one informational issue if none."""
    issues = []
    for position, (mapped, evaluation) in enumerate(evaluations):
        for note in mapped.notes:
            issues.append(_issue("information", "informational", "FHIR_MAPPING_NOTE", note, None,
                                 mapped.source, position))  # fmt: skip
        for finding in evaluation.findings:
            issues.append(_finding_issue(finding, mapped.source, position))
    if not issues:
        issues.append({"severity": "information", "code": "informational",
                       "details": {"text": "No problems found with the drug lines."}})  # fmt: skip
    outcome = {"resourceType": "OperationOutcome", "issue": issues}
    OperationOutcome.model_validate(outcome)
    return outcome


def _finding_issue(finding: Finding, source: str, position: int) -> dict[str, Any]:
    return _issue(_ISSUE_SEVERITY[finding.severity], _ISSUE_TYPE[finding.severity], finding.code,
                  finding.message, f"Fix: {finding.fix} (Source: {finding.source})", source, position)  # fmt: skip


def _issue(severity: str, kind: str, code: str, text: str, diagnostics: str | None, source: str,
           position: int) -> dict[str, Any]:  # fmt: skip
    issue: dict[str, Any] = {
        "severity": severity,
        "code": kind,
        "details": {"coding": [{"system": FINDING_SYSTEM, "code": code}], "text": text},
        "expression": [f"Claim.item[{position}]"],
        "location": [source],
    }
    if diagnostics:
        issue["diagnostics"] = diagnostics
    return issue


def draft_claim(
    evaluations: Sequence[tuple[MappedLine, Evaluation]], *, now: datetime | None = None
) -> tuple[dict[str, Any], NocrxError | None]:
    """The draft Claim, and the reason its items are bare if ``nocrx.render`` could not draw them.

    The Claim is ``nocrx.render``'s FHIR Claim made a draft (nothing is submitted) that names
    the patient, provider and coverage by the references the client sent (never names or
    member ids); its type follows the setting. When the lines cannot be drawn in full (say a
    dose in mg/kg, which has no NDC unit qualifier), the items carry the code, units and
    modifiers only, and the error says what is missing.
    """
    created = now or datetime.now(UTC)
    lines = [e for _, e in evaluations]
    try:
        claim, problem = render_fhir_claim(lines, created=created), None
    except NocrxError as error:
        claim, problem = _bare_claim(lines, created), error
    first, _ = evaluations[0]
    institutional = any(e.line.setting == "outpatient-hospital" for e in lines)
    claim["status"] = "draft"
    claim["type"] = {
        "coding": [
            {"system": CLAIM_TYPE_SYSTEM, "code": "institutional" if institutional else "professional"}
        ]
    }
    if first.patient:
        claim["patient"] = {"reference": first.patient}
    if first.provider:
        claim["provider"] = first.provider
    if first.coverage:
        claim["insurance"] = [{"sequence": 1, "focal": True, "coverage": {"reference": first.coverage}}]
    Claim.model_validate(claim)
    return claim, problem


def _bare_claim(evaluations: list[Evaluation], created: datetime) -> dict[str, Any]:
    diagnoses = list(dict.fromkeys(dx for e in evaluations for dx in e.line.diagnoses))
    claim: dict[str, Any] = {
        "resourceType": "Claim",
        "use": "claim",
        "created": created.isoformat(timespec="seconds"),
        "patient": {"display": "patient not given"},
        "provider": {"display": "billing provider not given"},
        "priority": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/processpriority", "code": "normal"}]
        },
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"display": "coverage not given"}}],
        "item": [_bare_item(i + 1, e, diagnoses) for i, e in enumerate(evaluations)],
    }
    if diagnoses:
        claim["diagnosis"] = [
            {
                "sequence": i + 1,
                "diagnosisCodeableConcept": {"coding": [{"system": ICD10CM_SYSTEM, "code": dx}]},
            }
            for i, dx in enumerate(diagnoses)
        ]
    return claim


def _bare_item(sequence: int, evaluation: Evaluation, diagnoses: list[str]) -> dict[str, Any]:
    decision, line = evaluation.decision, evaluation.line
    product: dict[str, Any] = (
        {"coding": [{"system": HCPCS_SYSTEM, "code": decision.code}]} if decision.code else {}
    )
    product = product or {"text": "drug not yet coded"}
    item: dict[str, Any] = {"sequence": sequence, "productOrService": product,
                            "servicedDate": line.date_of_service.isoformat()}  # fmt: skip
    if decision.modifiers:
        item["modifier"] = [{"coding": [{"system": HCPCS_SYSTEM, "code": m}]} for m in decision.modifiers]
    if decision.units is not None:
        item["quantity"] = {"value": float(decision.units)}
    pointers = [diagnoses.index(dx) + 1 for dx in line.diagnoses if dx in diagnoses]
    if pointers:
        item["diagnosisSequence"] = pointers
    return item
