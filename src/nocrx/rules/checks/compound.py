"""Compounded drugs: every component named with its NDC and quantity, billed under the payer's code."""

from __future__ import annotations

from collections.abc import Iterator

from nocrx.model import ClaimLine, Decision, Finding
from nocrx.payers import PayerProfile
from nocrx.rules.context import CheckContext, finding

PUMP_WORDS = ("pump",)


def is_pump(line: ClaimLine) -> bool:
    """A compound given through an implanted pump (DME setting, KD, or a pump route)."""
    route = (line.drug.route or "").lower() if line.drug else ""
    return line.setting == "dme" or "KD" in line.modifiers or any(w in route for w in PUMP_WORDS)


def compound_code(line: ClaimLine, profile: PayerProfile) -> tuple[str, str]:
    """(code, modifier) the payer wants for this compounded line on its date of service."""
    if is_pump(line) and profile.compound_pump_code:
        return profile.compound_pump_code, profile.compound_pump_modifier
    return profile.compound_code, ""


def check_compound(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> Iterator[Finding]:
    """Components complete; the billed code is the payer's compounded-drug code."""
    if not context.is_compound:
        return
    components = line.drug.components if line.drug else ()
    gaps = []
    for i, component in enumerate(components):
        missing = [f for f, v in (("name", component.name), ("NDC", component.ndc),
                                  ("quantity", component.quantity)) if not v]  # fmt: skip
        if missing:
            gaps.append(f"component {i + 1} lacks its {' and '.join(missing)}")
    if not components or gaps:
        what = "; ".join(gaps) if gaps else "no components are listed"
        yield finding(
            "COMPOUND_COMPONENTS_MISSING", "drug.components",
            f"A compounded drug must list every active ingredient with its NDC and quantity: {what}.",
            "List each component (name, NDC, quantity); inert ingredients and diluents are not reimbursable.",
            profile,
        )  # fmt: skip
    yield from _code(line, profile, context)


def _code(line: ClaimLine, profile: PayerProfile, context: CheckContext) -> Iterator[Finding]:
    code, modifier = compound_code(line, profile)
    source = profile.source(
        "compound.pump_code" if modifier or code != profile.compound_code else "compound.code"
    )
    if context.as_billed and line.hcpcs != code:
        yield finding(
            "WRONG_NOC_CODE", "hcpcs",
            f"{line.hcpcs} is billed for a compounded drug; {profile.name} takes compounded drugs"
            f"{' given by implanted pump' if modifier else ''} under {code} on {line.date_of_service.isoformat()}.",
            f"Bill {code}{'-' + modifier if modifier else ''}.", profile, source=source,
        )  # fmt: skip
    elif context.as_billed and modifier and modifier not in line.modifiers:
        yield finding(
            "MODIFIER_MISSING", "modifiers",
            f"A compounded drug given by implanted pump is billed {code} with {modifier} at {profile.name}.",
            f"Add {modifier}.", profile, source=source,
        )  # fmt: skip
