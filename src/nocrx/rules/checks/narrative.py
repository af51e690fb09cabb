"""A narrative the biller wrote: missing, too long, incomplete, extra (Palmetto), conflicting."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from nocrx.model import Amount, ClaimLine, Decision, Finding, format_number
from nocrx.payers import PayerProfile
from nocrx.rules import narrative as text_of
from nocrx.rules.context import CheckContext, finding, remembered, shared_finding

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
) -> tuple[Finding, ...]:
    """Check the line's narrative against the payer's placement, length and elements."""
    if not context.is_noc or not profile.narrative_required_for_noc:
        return ()
    text = line.narrative
    if text is None:
        return (
            (shared_finding(_narrative_missing, profile, context.code, suggested),)
            if context.as_billed
            else ()
        )
    drug = line.drug
    dose = drug.dose if drug else None
    required = profile.narrative_required_elements
    name_written = "name" not in required or _name_written(text, line, decision)
    # The route and strength are read only where required or where extra elements are harmful; being
    # compounded only where mg/mL is banned: elsewhere they stay out of the key.
    extras = profile.narrative_extra_elements_harmful
    route = drug.route if drug and (extras or "route" in required) else None
    strength = drug.strength if drug and (extras or "strength" in required) else None
    compounded = context.is_compound and profile.narrative_per_ml_banned
    # The findings read only these facts of the line (and the profile): made once per payer and set of
    # them, since a batch repeats a few narratives over thousands of different drugs. The dose is keyed
    # by value and unit (equal values print alike), the product's names only by whether one is written.
    key = ("narrative", text, None if dose is None else dose.value, None if dose is None else dose.unit,
           name_written, route, strength, compounded)  # fmt: skip
    found = remembered(
        profile, key, _text_findings, text, dose, name_written, route, strength, compounded, profile
    )
    # An NDC in the text other than the line's: the one finding that reads the line's NDC.
    ndc_11 = context.ndc_11
    other = next((n for n in text_of.stated_ndcs(text) if n != ndc_11), None) if ndc_11 else None
    return (*found, shared_finding(_other_ndc, profile, other, ndc_11)) if other else found


def _narrative_missing(profile: PayerProfile, code: str | None, suggested: str | None) -> Finding:
    where = PLACEMENT_FIELD[profile.narrative_placement]
    paste = f' Paste: "{suggested}".' if suggested else ""
    return finding(
        "NARRATIVE_MISSING", "narrative",
        f"{code} is an unclassified code and the line has no narrative; {profile.name} needs the "
        f"drug described in {where} (CO-16 M51/N350).",
        f"Describe the drug in {where}.{paste}", profile, source=profile.source("narrative.placement"),
    )  # fmt: skip


class NarrativeFacts(NamedTuple):
    """What the narrative findings say, read from the text against the line (all they depend on)."""

    text: str
    missing: tuple[str, ...]  # required elements the text lacks
    per_ml: bool  # an amount written mg/mL where the payer rejects it
    extras: tuple[str, ...]  # elements given beyond the payer's list, where that is harmful
    stated_doses: tuple[tuple[Decimal, str], ...]  # amounts that contradict the dose given ...
    dose_given: str | None  # ... and that dose as written


def _text_findings(
    text: str, dose: Amount | None, name_written: bool, route: str | None, strength: str | None,
    compounded: bool, profile: PayerProfile,
) -> list[Finding]:  # fmt: skip
    facts = _facts(text, dose, name_written, route, strength, compounded, profile)
    return _findings(facts, profile, PLACEMENT_FIELD[profile.narrative_placement])


def _facts(
    text: str, dose: Amount | None, name_written: bool, route: str | None, strength: str | None,
    compounded: bool, profile: PayerProfile,
) -> NarrativeFacts:  # fmt: skip
    # The amounts written in the unit of the dose given: one of them is the dose, or they contradict it.
    in_dose_unit = text_of.amounts_in(text, dose.unit) if dose else ()
    dose_written = (
        any(value == dose.value for value, _ in in_dose_unit) if dose else bool(text_of.amounts(text))
    )
    contradicting = in_dose_unit if not dose_written else ()
    required = profile.narrative_required_elements
    return NarrativeFacts(
        text,
        _missing(text, route, strength, required, dose_written=dose_written, name_written=name_written),
        profile.narrative_per_ml_banned and not compounded and text_of.states_per_ml(text),
        _extras(text, route, strength, profile) if profile.narrative_extra_elements_harmful else (),
        contradicting,
        str(dose) if contradicting else None,
    )


def _findings(facts: NarrativeFacts, profile: PayerProfile, where: str) -> list[Finding]:
    return [
        *_length(facts.text, profile, where),
        *_elements(facts.missing, profile),
        *_extra(facts, profile),
        *_conflicts(facts, profile),
    ]


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


def _elements(missing: tuple[str, ...], profile: PayerProfile) -> Iterator[Finding]:
    if missing:
        yield finding(
            "NARRATIVE_INCOMPLETE", "narrative",
            f"The narrative lacks {', '.join(missing)}; {profile.name} requires "
            f"{', '.join(profile.narrative_required_elements)} (a missing element is rejected with M123).",
            f"Add the {' and '.join(missing)} to the narrative.", profile,
            source=profile.source("narrative.required_elements"),
        )  # fmt: skip


def _missing(
    text: str, route: str | None, strength: str | None, required: tuple[str, ...], *, dose_written: bool,
    name_written: bool,
) -> tuple[str, ...]:  # fmt: skip
    """The required elements the text does not give (quantity and doses per vial are not read back)."""
    missing = []
    for element in required:
        if element == "dose":
            written = dose_written
        elif element == "name":
            written = name_written
        elif element == "ndc":
            written = bool(text_of.stated_ndcs(text))
        elif element == "route":
            written = text_of.mentions_route(text, route)
        elif element == "strength":
            written = text_of.mentions_strength(text, strength)
        else:
            continue
        if not written:
            missing.append(element)
    return tuple(missing)


def _name_written(text: str, line: ClaimLine, decision: Decision) -> bool:
    """True when the text names the drug (its own name or the product's), or no name is known."""
    drug = line.drug
    names = tuple(filter(None, (drug.name if drug else None, *_product_names(decision))))
    return text_of.mentions_name(text, names) if names else True


def _product_names(decision: Decision) -> tuple[str | None, ...]:
    product = decision.product
    return (product.proprietary_name, product.nonproprietary_name) if product else ()


def _extras(text: str, route: str | None, strength: str | None, profile: PayerProfile) -> tuple[str, ...]:
    return tuple(
        element
        for element, present in (
            ("route", text_of.mentions_route(text, route)),
            ("NDC", bool(text_of.stated_ndcs(text))),
            ("strength", text_of.mentions_strength(text, strength)),
        )
        if present and element.lower() not in profile.narrative_elements
    )


def _extra(facts: NarrativeFacts, profile: PayerProfile) -> Iterator[Finding]:
    if facts.per_ml:
        yield finding(
            "NARRATIVE_EXTRA_INFO", "narrative",
            f'The narrative writes an amount as "per mL"; {profile.name} rejects mg/mL outside compounded drugs.',
            "State the total dose given (e.g. 190 mg), not the concentration.", profile,
            source=profile.source("narrative.per_ml_banned"),
        )  # fmt: skip
    if facts.extras:
        yield finding(
            "NARRATIVE_EXTRA_INFO", "narrative",
            f"The narrative also gives the {', '.join(facts.extras)}; {profile.name} warns that information beyond "
            "what is required can get the line rejected.",
            f"Keep only {', '.join(profile.narrative_elements)}.", profile,
            source=profile.source("narrative.extra_elements_harmful"),
        )  # fmt: skip


def _conflicts(facts: NarrativeFacts, profile: PayerProfile) -> Iterator[Finding]:
    if facts.stated_doses:
        said = ", ".join(f"{format_number(v)} {u}" for v, u in facts.stated_doses)
        yield finding(
            "NARRATIVE_CONFLICT", "narrative",
            f"The narrative says {said} but the dose given is {facts.dose_given}.",
            "Make the narrative state the dose actually given.", profile,
        )  # fmt: skip


def _other_ndc(profile: PayerProfile, other: str, ndc_11: str) -> Finding:
    return finding(
        "NARRATIVE_CONFLICT", "narrative",
        f"The narrative names NDC {other} but the line's NDC is {ndc_11}.",
        "Use one NDC; a second NDC for the same drug goes in 2400 NTE02 (Palmetto JM).", profile,
    )  # fmt: skip
