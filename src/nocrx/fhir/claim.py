"""Write the answer to a FHIR request: an OperationOutcome of the findings and a draft Claim.

The Claim follows the R4 Claim resource as the CMS Blue Button and CARIN profiles use it for a
drug line: ``item.productOrService`` is the HCPCS code (its ``text`` carries the NOC narrative,
837P SV101-7), ``item.modifier`` the modifiers, ``item.quantity`` the HCPCS units, and
``item.detail`` the NDC (BFD maps the claim-line NDC to item.detail, noc-rules.md §5).
It names the patient, coverage and provider only by the references the client sent.
Both resources are validated with ``fhir.resources`` (its R4B models: Claim and
OperationOutcome did not change between R4 and R4B).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.claim import Claim
from fhir.resources.R4B.operationoutcome import OperationOutcome

from nocrx.codes.ndc import format_542
from nocrx.fhir.claim_line import MappedLine
from nocrx.model import Evaluation, Finding, format_number

HCPCS_SYSTEM = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
NDC_SYSTEM = "http://hl7.org/fhir/sid/ndc"
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
FINDING_SYSTEM = "urn:nocrx:finding"
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
) -> dict[str, Any]:
    """A draft Claim (status draft, use claim) with one item per evaluated line."""
    first, _ = evaluations[0]
    diagnoses = list(dict.fromkeys(dx for _, e in evaluations for dx in e.line.diagnoses))
    institutional = any(e.line.setting == "outpatient-hospital" for _, e in evaluations)
    claim: dict[str, Any] = {
        "resourceType": "Claim",
        "status": "draft",
        "type": {
            "coding": [
                {"system": CLAIM_TYPE_SYSTEM, "code": "institutional" if institutional else "professional"}
            ]
        },
        "use": "claim",
        "patient": {"reference": first.patient} if first.patient else {"display": "patient (not given)"},
        "created": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "provider": first.provider or {"display": "billing provider (not given)"},
        "priority": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/processpriority", "code": "normal"}]
        },
        "insurance": [
            {
                "sequence": 1,
                "focal": True,
                "coverage": {"reference": first.coverage}
                if first.coverage
                else {"display": "coverage (not given)"},
            }
        ],
        "item": [_item(i + 1, e, diagnoses) for i, (_, e) in enumerate(evaluations)],
    }
    if diagnoses:
        claim["diagnosis"] = [
            {
                "sequence": i + 1,
                "diagnosisCodeableConcept": {"coding": [{"system": ICD10CM_SYSTEM, "code": dx}]},
            }
            for i, dx in enumerate(diagnoses)
        ]
    Claim.model_validate(claim)
    return claim


def _item(sequence: int, evaluation: Evaluation, diagnoses: list[str]) -> dict[str, Any]:
    decision, line = evaluation.decision, evaluation.line
    product: dict[str, Any] = (
        {"coding": [{"system": HCPCS_SYSTEM, "code": decision.code}]} if decision.code else {}
    )
    if evaluation.narrative:
        product["text"] = evaluation.narrative  # 837P SV101-7: the NOC description
    if not product:
        product = {"text": "drug not yet coded"}
    item: dict[str, Any] = {"sequence": sequence, "productOrService": product,
                            "servicedDate": line.date_of_service.isoformat()}  # fmt: skip
    if decision.modifiers:
        item["modifier"] = [{"coding": [{"system": HCPCS_SYSTEM, "code": m}]} for m in decision.modifiers]
    if decision.units is not None:
        item["quantity"] = {"value": float(format_number(decision.units))}
    pointers = [diagnoses.index(dx) + 1 for dx in line.diagnoses[:4] if dx in diagnoses]
    if pointers:
        item["diagnosisSequence"] = pointers  # 837P SV107: up to four pointers
    if decision.ndc_11:
        item["detail"] = [{"sequence": 1, "productOrService": {
            "coding": [{"system": NDC_SYSTEM, "code": format_542(decision.ndc_11)}]}}]  # fmt: skip
    return item
