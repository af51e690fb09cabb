"""Evaluate a decided claim line against one payer profile: all findings, a status, the narrative, a price.

>>> from datetime import date
>>> from decimal import Decimal
>>> from nocrx.model import Amount, ClaimLine, Decision, Drug
>>> from nocrx.payers import load_payers
>>> line = ClaimLine(date_of_service=date(2025, 11, 14), hcpcs="J9999", units=Decimal(1), diagnoses=("C34.90",),
...     drug=Drug(ndc="00074-1044-01", name="Emrelis", dose=Amount(Decimal(190), "mg"), route="IV"))
>>> decision = Decision(code="J9999", kind="noc", units=Decimal(1), ndc_11="00074104401")
>>> result = evaluate(line, decision, load_payers().get("medicare-palmetto", line.date_of_service))
>>> result.narrative, result.status
('Emrelis 190 mg NDC 00074104401', 'errors')
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from nocrx.model import SEVERITY_ORDER, ClaimLine, Decision, Evaluation, Finding, Severity, Status
from nocrx.payers import PayerProfile
from nocrx.rules import narrative as narratives
from nocrx.rules.adjust import apply_payer
from nocrx.rules.catalog import REVIEW_CODES
from nocrx.rules.checks import applicable_checks, check_narrative
from nocrx.rules.context import CheckContext, finding, make_context, waste_in_notes

if TYPE_CHECKING:
    from nocrx.data.store import Store

OVERFLOW_PLACEMENTS = ("nte-overflow", "attachment")


def evaluate(
    line: ClaimLine, decision: Decision, profile: PayerProfile, *, store: Store | None = None
) -> Evaluation:
    """Run every check; return the findings errors first, the status, the narrative and the price."""
    decision = apply_payer(line, decision, profile)
    context = make_context(line, decision, store)
    narrative, overflow, built_findings = build_narrative(line, decision, profile, context)
    findings: list[Finding] = built_findings
    for check in applicable_checks(line, decision, profile, context):
        findings.extend(check(line, decision, profile, context))
    if context.is_noc and profile.narrative_required_for_noc:  # check_narrative's own first test
        findings.extend(check_narrative(line, decision, profile, context, suggested=narrative))
    ordered, status = _errors_first(_payer_severity(decision.findings, profile), findings)
    # Positional: the keywords cost a third of the constructor's time, on every line.
    return Evaluation(line, decision, profile.id, ordered, status, narrative, overflow, context.price)


def _errors_first(
    from_decision: tuple[Finding, ...], from_rules: list[Finding]
) -> tuple[tuple[Finding, ...], Status]:
    """The decision's findings, then the rules' ones that do not repeat them (the checks never repeat each
    other), errors first, then warnings, then info, each in the order found (``sort_findings``); and the status.

    The status is review when a person must decide, else errors, warnings or ok (info findings do not count).
    """
    by_severity: tuple[list[Finding], list[Finding], list[Finding]] = ([], [], [])
    review = False
    seen_codes = set()
    for f in from_decision:
        by_severity[SEVERITY_ORDER[f.severity]].append(f)
        review = review or f.code in REVIEW_CODES
        seen_codes.add(f.code)
    seen = {(f.code, f.field, f.message) for f in from_decision} if seen_codes else ()
    for f in from_rules:
        # The code first: a rule finding rarely shares one with the decision's.
        if f.code in seen_codes and (f.code, f.field, f.message) in seen:
            continue
        by_severity[SEVERITY_ORDER[f.severity]].append(f)
        if f.code in REVIEW_CODES:
            review = True
    errors, warnings, infos = by_severity
    status: Status = "review" if review else "errors" if errors else "warnings" if warnings else "ok"
    return (*errors, *warnings, *infos), status


def build_narrative(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> tuple[str | None, str | None, list[Finding]]:
    """The payer's minimal narrative for a NOC line, split at the field length when it overflows."""
    if not context.is_noc or not profile.narrative_required_for_noc:
        return None, None, []
    name = decision.product.proprietary_name if decision.product else None
    in_notes = waste_in_notes(context.code, profile)
    elements = profile.narrative_elements
    text = narratives.compose(line.drug, elements, ndc_11=context.ndc_11, name=name, waste_in_notes=in_notes)
    if not text:
        return None, None, []
    limit = profile.narrative_max_length
    if profile.narrative_placement in OVERFLOW_PLACEMENTS:
        first, rest = narratives.split(text, limit)
        return first, rest, []
    if len(text) <= limit:
        return text, None, []
    optional = [e for e in elements if e not in profile.narrative_required_elements]
    while len(text) > limit and optional:
        dropped = optional.pop()
        elements = tuple(e for e in elements if e != dropped)
        text = narratives.compose(line.drug, elements, ndc_11=context.ndc_11, name=name,
                                  waste_in_notes=in_notes)  # fmt: skip
    if len(text) <= limit:
        return text, None, []
    too_long = finding(
        "NARRATIVE_TOO_LONG", "narrative",
        f"Even the required elements take {len(text)} characters; {profile.name} takes {limit} and no overflow.",
        "Abbreviate the drug name (e.g. the brand name) and the units.", profile,
        source=profile.source("narrative.max_length"),
    )  # fmt: skip
    return text, None, [too_long]


def _payer_severity(findings: tuple[Finding, ...], profile: PayerProfile) -> tuple[Finding, ...]:
    """The decision's findings with the payer's [severity] overrides applied."""
    if not profile.severities:
        return findings
    overrides = cast(dict[str, Severity], profile.severities)  # validated against SEVERITIES at load
    return tuple(replace(f, severity=overrides[f.code]) if f.code in overrides else f for f in findings)
