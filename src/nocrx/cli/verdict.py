"""The human-readable verdict `nocrx check` and `nocrx code` print: what to bill and what to fix."""

from __future__ import annotations

from nocrx.model import Evaluation, format_number

_STATUS = {"ok": "OK", "warnings": "WARNINGS", "errors": "ERRORS", "review": "REVIEW"}


def format_verdict(evaluation: Evaluation, *, extras: list[tuple[str, str]] | None = None) -> str:
    """Render one evaluation as text a biller can act on (code, units, modifiers, narrative, fixes)."""
    decision = evaluation.decision
    line = evaluation.line
    code = decision.code or (" or ".join(decision.candidates) if decision.candidates else "undecided")
    kind = {"specific": "specific code", "noc": "NOC code", "unknown": "not decided"}[decision.kind]
    head = f"{_STATUS[evaluation.status]:<8} {code} ({kind})"
    if line.hcpcs and decision.code and line.hcpcs != decision.code:
        head += f"  <- the line has {line.hcpcs}"
    rows = [head, f"  date of service  {line.date_of_service.isoformat()}   payer {evaluation.payer_id}"]
    if decision.units is not None:
        dosage = (
            f" (per {decision.hcpcs_dosage})" if decision.hcpcs_dosage and decision.kind == "specific" else ""
        )
        rows.append(f"  units            {format_number(decision.units)}{dosage}")
    if decision.waste_units:
        rows.append(f"  waste (JW line)  {format_number(decision.waste_units)}")
    if decision.modifiers:
        rows.append(f"  modifiers        {' '.join(decision.modifiers)}")
    if decision.ndc_11:
        rows.append(f"  NDC (11-digit)   {decision.ndc_11}")
    if decision.product and decision.product.proprietary_name:
        product = decision.product
        rows.append(
            f"  product          {product.proprietary_name} ({product.nonproprietary_name or '?'}), {product.route or '?'}"
        )
    if decision.candidates and decision.kind == "noc":
        rows.append(f"  probable codes   {', '.join(decision.candidates)} (compare before billing NOC)")
    if evaluation.narrative:
        rows.append(f'  narrative        "{evaluation.narrative}"')
    if evaluation.narrative_overflow:
        rows.append(f'  overflow (NTE)   "{evaluation.narrative_overflow}"')
    if evaluation.price:
        rows.append(
            f"  price estimate   ${format_number(evaluation.price.amount)} ({evaluation.price.basis})"
        )
    for label, text in extras or []:
        rows.append(f"  {label:<16} {text}")
    rows.extend(_findings(evaluation))
    rows.append("  why:")
    rows.extend(f"    - {s.step}: {s.result} - {s.reason} [{s.source}]" for s in decision.trace)
    if decision.data_release:
        rows.append("  data: " + ", ".join(f"{k} {v}" for k, v in sorted(decision.data_release.items())))
    return "\n".join(rows)


def _findings(evaluation: Evaluation) -> list[str]:
    if not evaluation.findings:
        return ["  findings: none"]
    rows = ["  findings:"]
    for f in evaluation.findings:
        rows.append(f"    {f.severity.upper():<7} {f.code} ({f.field}): {f.message}")
        rows.append(f"            fix: {f.fix}")
        rows.append(f"            source: {f.source}")
    return rows
