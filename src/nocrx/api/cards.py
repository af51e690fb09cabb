"""CDS Hooks 2.0 cards from evaluations (spec "CDS Service Response" > "Card Attributes").

A card has ``summary`` (< 140 characters), ``indicator`` (info | warning | critical),
``source`` ({label, url}), a markdown ``detail``, ``links`` and, when it offers one,
``suggestions`` with ``selectionBehavior``. One card per draft medication order; none for
orders that are not drugs.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from nocrx.codes.ndc import format_542
from nocrx.model import Evaluation, format_number

SUMMARY_LIMIT = 140
INDICATORS = {"ok": "info", "warnings": "warning", "review": "warning", "errors": "critical"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def evaluation_card(
    evaluation: Evaluation, order: dict[str, Any], base_url: str, notes: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The card for one decided draft order (``notes``: what the order did not say)."""
    card: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "summary": _summary(evaluation),
        "indicator": INDICATORS.get(evaluation.status, "warning"),
        "detail": _detail(evaluation) + "".join(f"\n\n*Note:* {escape(n)}" for n in notes),
        "source": {"label": "nocrx drug billing check", "url": base_url + "/"},
        "links": [{"label": "Check this drug line in nocrx", "url": base_url + "/", "type": "absolute"}],
    }
    suggestion = _narrative_suggestion(evaluation, order)
    if suggestion is not None:
        card["suggestions"] = [suggestion]
        card["selectionBehavior"] = "at-most-one"
    return card


def error_card(code: str, message: str, base_url: str) -> dict[str, Any]:
    """A card for a draft order nocrx could not read (say, a malformed NDC on the Medication)."""
    return {
        "uuid": str(uuid.uuid4()),
        "summary": clip(f"Drug billing: {message}"),
        "indicator": "warning",
        "detail": f"nocrx could not check this order for billing: **{code}**. {escape(message)}",
        "source": {"label": "nocrx drug billing check", "url": base_url + "/"},
    }


def clip(text: str, limit: int = SUMMARY_LIMIT - 1) -> str:
    """Shorten to the spec's summary limit ("<140 characters"), ending with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _summary(evaluation: Evaluation) -> str:
    decision = evaluation.decision
    if decision.code is None:
        head = "Drug billing: no HCPCS code could be decided"
    else:
        units = "" if decision.units is None else f" × {format_number(decision.units)}"
        mods = f"-{'-'.join(decision.modifiers)}" if decision.modifiers else ""
        head = f"Bill {decision.code}{mods}{units}"
        if decision.ndc_11:
            head += f", NDC {format_542(decision.ndc_11)}"
    problems = [f for f in evaluation.findings if f.severity == "error"]
    warnings = [f for f in evaluation.findings if f.severity == "warning"]
    if problems:
        head += f": {len(problems)} problem{'s' if len(problems) > 1 else ''} to fix ({problems[0].code})"
    elif warnings:
        head += f": {len(warnings)} warning{'s' if len(warnings) > 1 else ''} ({warnings[0].code})"
    return clip(head)


def _detail(evaluation: Evaluation) -> str:
    decision = evaluation.decision
    lines = [
        f"**Code:** {decision.code or 'not decided'} ({decision.kind})  ",
        f"**Units:** {format_number(decision.units) if decision.units is not None else '-'}  ",
        f"**Modifiers:** {', '.join(decision.modifiers) or 'none'}  ",
    ]
    if decision.ndc_11:
        lines.append(f"**NDC:** {format_542(decision.ndc_11)} (claim form N4{decision.ndc_11})  ")
    lines.append(f"**Payer profile:** {escape(evaluation.payer_id)}")
    if evaluation.narrative:
        lines += [
            "",
            f"**Narrative for the claim (837P SV101-7 / CMS-1500 item 19):** `{evaluation.narrative}`",
        ]
    if evaluation.findings:
        lines += ["", "**Before billing:**"]
        for finding in evaluation.findings:
            lines.append(f"- **{finding.code}** ({finding.severity}): {escape(finding.message)} "
                         f"*Fix:* {escape(finding.fix)} *Source:* {escape(finding.source)}")  # fmt: skip
    return "\n".join(lines)


def _narrative_suggestion(evaluation: Evaluation, order: dict[str, Any]) -> dict[str, Any] | None:
    """For a NOC code, offer to note on the order what the claim's narrative needs (CRD "annotate")."""
    if evaluation.decision.kind != "noc" or not evaluation.narrative or not isinstance(order.get("id"), str):
        return None
    updated = dict(order)
    note = {"text": f"Billing ({evaluation.decision.code}): {evaluation.narrative}"}
    notes = order.get("note") if isinstance(order.get("note"), list) else []
    updated["note"] = [*notes, note]
    return {
        "label": clip(f"Add the {evaluation.decision.code} billing narrative to the order note"),
        "uuid": str(uuid.uuid4()),
        "actions": [
            {
                "type": "update",
                "description": "Add the billing narrative as an order note",
                "resource": updated,
            }
        ],
    }
