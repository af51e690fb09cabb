"""A narrative the biller wrote: missing, too long, incomplete, extra (Palmetto), conflicting."""

from __future__ import annotations

from collections.abc import Iterator

from nocrx.model import ClaimLine, Decision, Finding, format_number
from nocrx.payers import PayerProfile
from nocrx.rules import narrative as text_of
from nocrx.rules.context import CheckContext, finding, remembered

PLACEMENT_FIELD = {
    "sv101-7": "837P 2400 SV101-7",
    "nte-overflow": "837P 2400 SV101-7 (overflow in 2400 NTE02)",
    "nte": "837P 2400 NTE02",
    "item19": "CMS-1500 item 19 (837P 2400 SV101-7)",
    "attachment": "item 19 / 837P SV101-7, the rest on an attachment (PWK)",
}


def check_narrative(
    line: ClaimLine,
    decision: Decision,
    profile: PayerProfile,
    context: CheckContext,
    *,
    suggested: str | None = None,
) -> Iterator[Finding]:
    """Check the line's narrative against the payer's placement, length and elements."""
    if not context.is_noc or not profile.narrative_required_for_noc:
        return
    where = PLACEMENT_FIELD[profile.narrative_placement]
    text = line.narrative
    if text is None:
        if context.as_billed:
            paste = f' Paste: "{suggested}".' if suggested else ""
            yield finding(
                "NARRATIVE_MISSING", "narrative",
                f"{context.code} is an unclassified code and the line has no narrative; {profile.name} needs the "
                f"drug described in {where} (CO-16 M51/N350).",
                f"Describe the drug in {where}.{paste}", profile, source=profile.source("narrative.placement"),
            )  # fmt: skip
        return
    key = ("narrative", text, line.drug, _product_names(decision), context.ndc_11, context.is_compound)
    yield from remembered(profile, key, lambda: [
        *_length(text, profile, where),
        *_elements(text, line, decision, profile),
        *_extra(text, line, profile, context),
        *_conflicts(text, line, context, profile),
    ])  # fmt: skip


def _length(text: str, profile: PayerProfile, where: str) -> Iterator[Finding]:
    limit = profile.narrative_max_length
    if len(text) <= limit:
        return
    if profile.narrative_placement in ("nte-overflow", "attachment"):
        rest = (
            "2400 NTE02"
            if profile.narrative_placement == "nte-overflow"
            else "an attachment (PWK) or item 19"
        )
        yield finding(
            "NARRATIVE_OVERFLOW", "narrative",
            f"The narrative is {len(text)} characters; the first {limit} go in SV101-7 and the rest in {rest}.",
            f"Keep the drug name and dose in the first {limit} characters.", profile,
            source=profile.source("narrative.placement"),
        )  # fmt: skip
        return
    yield finding(
        "NARRATIVE_TOO_LONG", "narrative",
        f"The narrative is {len(text)} characters; {where} holds {limit} including spaces and {profile.name} "
        "takes no overflow.",
        f"Shorten it to the elements {profile.name} requires ({', '.join(profile.narrative_required_elements)}).",
        profile, source=profile.source("narrative.max_length"),
    )  # fmt: skip


def _elements(text: str, line: ClaimLine, decision: Decision, profile: PayerProfile) -> Iterator[Finding]:
    missing = [e for e in profile.narrative_required_elements if not _has(e, text, line, decision)]
    if missing:
        yield finding(
            "NARRATIVE_INCOMPLETE", "narrative",
            f"The narrative lacks {', '.join(missing)}; {profile.name} requires "
            f"{', '.join(profile.narrative_required_elements)} (a missing element is rejected with M123).",
            f"Add the {' and '.join(missing)} to the narrative.", profile,
            source=profile.source("narrative.required_elements"),
        )  # fmt: skip


def _has(element: str, text: str, line: ClaimLine, decision: Decision) -> bool:
    drug = line.drug
    match element:
        case "name":
            names = tuple(n for n in (drug.name if drug else None, *_product_names(decision)) if n)
            return text_of.mentions_name(text, names) if names else True
        case "dose":
            return (
                text_of.mentions_dose(text, drug.dose) if drug and drug.dose else bool(text_of.amounts(text))
            )
        case "ndc":
            return bool(text_of.stated_ndcs(text))
        case "route":
            return text_of.mentions_route(text, drug.route if drug else None)
        case "strength":
            return text_of.mentions_strength(text, drug.strength if drug else None)
    return True  # quantity and doses per vial are not read back from free text


def _product_names(decision: Decision) -> tuple[str | None, ...]:
    product = decision.product
    return (product.proprietary_name, product.nonproprietary_name) if product else ()


def _extra(text: str, line: ClaimLine, profile: PayerProfile, context: CheckContext) -> Iterator[Finding]:
    if profile.narrative_per_ml_banned and not context.is_compound and text_of.states_per_ml(text):
        yield finding(
            "NARRATIVE_EXTRA_INFO", "narrative",
            f'The narrative writes an amount as "per mL"; {profile.name} rejects mg/mL outside compounded drugs.',
            "State the total dose given (e.g. 190 mg), not the concentration.", profile,
            source=profile.source("narrative.per_ml_banned"),
        )  # fmt: skip
    if not profile.narrative_extra_elements_harmful:
        return
    drug = line.drug
    extras = [
        element
        for element, present in (
            ("route", text_of.mentions_route(text, drug.route if drug else None)),
            ("NDC", bool(text_of.stated_ndcs(text))),
            ("strength", text_of.mentions_strength(text, drug.strength if drug else None)),
        )
        if present and element.lower() not in profile.narrative_elements
    ]
    if extras:
        yield finding(
            "NARRATIVE_EXTRA_INFO", "narrative",
            f"The narrative also gives the {', '.join(extras)}; {profile.name} warns that information beyond "
            "what is required can get the line rejected.",
            f"Keep only {', '.join(profile.narrative_elements)}.", profile,
            source=profile.source("narrative.extra_elements_harmful"),
        )  # fmt: skip


def _conflicts(text: str, line: ClaimLine, context: CheckContext, profile: PayerProfile) -> Iterator[Finding]:
    drug = line.drug
    if drug and drug.dose:
        stated = [
            (v, u) for v, u in text_of.amounts(text) if u.rstrip("s") == drug.dose.unit.lower().rstrip("s")
        ]
        if stated and not text_of.mentions_dose(text, drug.dose):
            said = ", ".join(f"{format_number(v)} {u}" for v, u in stated)
            yield finding(
                "NARRATIVE_CONFLICT", "narrative",
                f"The narrative says {said} but the dose given is {drug.dose}.",
                "Make the narrative state the dose actually given.", profile,
            )  # fmt: skip
    ndc_11 = context.ndc_11
    wrong = [n for n in text_of.stated_ndcs(text) if ndc_11 and n != ndc_11]
    if wrong:
        yield finding(
            "NARRATIVE_CONFLICT", "narrative",
            f"The narrative names NDC {wrong[0]} but the line's NDC is {ndc_11}.",
            "Use one NDC; a second NDC for the same drug goes in 2400 NTE02 (Palmetto JM).", profile,
        )  # fmt: skip
