"""Report rows: one flat dict per service line (and per envelope issue), the same in every format.

No patient data and no free text from the claim: narratives and NTE notes are not copied.
Numbers are written as strings (format_number) so the JSONL, CSV and HTML reports agree and a
Dask run gives the same bytes as a local one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nocrx.errors import NocrxError
from nocrx.model import ClaimLine, Evaluation, format_number
from nocrx.x12 import Issue, ReadLine

COLUMNS = (
    "record", "file", "interchange", "isa13", "gs06", "st02", "segment", "clm01", "lx", "kind",
    "payer", "payer_id", "payer_name", "billing_npi", "date_of_service", "hcpcs", "modifiers", "units",
    "charge", "ndc", "status", "reason", "code", "code_units", "finding_codes", "findings",
)  # fmt: skip
LINE_STATUSES = ("ok", "warnings", "errors", "review", "skipped", "unreadable", "failed")


def line_row(read: ReadLine) -> dict[str, Any]:
    """The columns every line row has: where it is and what the claim says."""
    context, position = read.context, read.context.position
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        record="line", file=position.file, interchange=position.interchange, isa13=position.isa13,
        gs06=position.gs06, st02=position.st02, segment=read.segment_index, clm01=context.clm01,
        lx=read.lx, kind=context.kind, payer_id=context.payer_id, payer_name=context.payer_name,
        billing_npi=context.billing_npi, finding_codes="", findings=[],
    )  # fmt: skip
    if read.warnings:
        row["findings"] = [_issue_finding(w) for w in read.warnings]
    if read.line is not None:
        row.update(_claim_fields(read.line))
    return row


def _claim_fields(line: ClaimLine) -> dict[str, Any]:
    drug = line.drug
    ndcs = [drug.ndc] if drug and drug.ndc else [c.ndc for c in drug.components if c.ndc] if drug else []
    return {
        "payer": line.payer,
        "date_of_service": line.date_of_service.isoformat(),
        "hcpcs": line.hcpcs,
        "modifiers": " ".join(line.modifiers),
        "units": _number(line.units),
        "charge": _number(line.charge),
        "ndc": " ".join(ndcs) or None,
    }


def checked(row: dict[str, Any], evaluation: Evaluation) -> dict[str, Any]:
    findings = [*row["findings"], *({"code": f.code, "severity": f.severity, "field": f.field,
                                      "message": f.message} for f in evaluation.findings)]  # fmt: skip
    row.update(
        status=evaluation.status,
        code=evaluation.decision.code,
        code_units=_number(evaluation.decision.units),
        findings=findings,
        finding_codes=" ".join(f["code"] for f in findings if f["severity"] == "error"),
    )
    return row


def skipped(row: dict[str, Any], reason: str) -> dict[str, Any]:
    row.update(status="skipped", reason=reason)
    return row


def unreadable(row: dict[str, Any], error: Issue) -> dict[str, Any]:
    row.update(status="unreadable", reason=error.message, finding_codes=error.code)
    row["findings"] = [*row["findings"], _issue_finding(error)]
    return row


def failed(row: dict[str, Any], error: NocrxError) -> dict[str, Any]:
    """The checker refused the line (bad input such as an unknown payer): coded, not a crash."""
    row.update(status="failed", reason=str(error), finding_codes=error.code)
    row["findings"] = [*row["findings"], {"code": error.code, "severity": "error", "field": error.field or "",
                                          "message": str(error)}]  # fmt: skip
    return row


def issue_row(issue: Issue) -> dict[str, Any]:
    position = issue.position
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        record="issue", file=position.file, interchange=position.interchange, isa13=position.isa13,
        gs06=position.gs06, st02=position.st02, segment=position.segment_index, status=issue.severity,
        reason=issue.message, finding_codes=issue.code, findings=[_issue_finding(issue)],
    )  # fmt: skip
    return row


def _issue_finding(issue: Issue) -> dict[str, str]:
    return {"code": issue.code, "severity": issue.severity, "field": "x12", "message": issue.message}


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format_number(value)
