"""Drug-line modifiers: JW/JZ (with dates), 340B JG/TB, JA/JB, GA/GZ/GY, Q0/Q1, the payer's allow-list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from nocrx.model import ClaimLine, Decision, Finding
from nocrx.payers import PayerProfile
from nocrx.rules import sources as src
from nocrx.rules.context import CheckContext, finding, remembered, shared_finding, waste_in_notes
from nocrx.rules.narrative import route_abbreviation

# Pairs (or groups) that say opposite things on one line, with why and the source.
EXCLUSIVE = (
    (("JW", "JZ"), "JW reports a discarded amount and JZ says nothing was discarded", src.NORIDIAN_JW_JZ),
    (
        ("JG", "TB"),
        "JG and TB are alternative 340B modifiers (TB for CAHs, rural SCHs and others)",
        src.AEH_340B,
    ),
    (("JA", "JB"), "JA is intravenous and JB subcutaneous", src.JA_JB),
    (
        ("GA", "GZ", "GY"),
        "GA (ABN given), GZ (no ABN) and GY (statutorily excluded) exclude each other",
        src.GA_GZ_GY,
    ),
    (("Q0", "Q1"), "Q0 is the investigational item and Q1 a routine service", src.CR8401),
)
ROUTE_MODIFIERS = {"JA": "IV", "JB": "SC"}
EXCLUDED_FROM_WASTE = frozenset(
    {"radiopharmaceutical-diagnostic", "radiopharmaceutical-therapeutic", "contrast"}
)


def check_modifier_rules(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> tuple[Finding, ...]:
    """Allow-list, required modifiers, exclusive pairs, and route modifiers against the route."""
    modifiers = context.modifiers
    routed = "JA" in modifiers or "JB" in modifiers
    route = route_abbreviation(line.drug.route if line.drug else None) if routed else None
    # The findings read only the modifiers and the route (and the profile): made once for each pair.
    key = ("modifier_rules", modifiers, route)
    return remembered(profile, key, _modifier_rules, profile, modifiers, route)


def _modifier_rules(
    profile: PayerProfile, modifiers: tuple[str, ...], route: str | None
) -> Iterator[Finding]:
    allowed = profile.modifiers_allowed
    for modifier in modifiers:
        if allowed and modifier not in allowed:
            yield finding("MODIFIER_NOT_ALLOWED", "modifiers",
                          f"{modifier} is not a modifier {profile.name} accepts on a drug line.",
                          f"Remove {modifier}, or check the payer's modifier list.", profile,
                          source=profile.source("modifiers.allowed"))  # fmt: skip
    for modifier in profile.modifiers_required:
        if modifier not in modifiers:
            yield finding("MODIFIER_MISSING", "modifiers", f"{profile.name} requires {modifier} on drug lines.",
                          f"Add {modifier}.", profile, source=profile.source("modifiers.required"))  # fmt: skip
    if len(modifiers) > 1:
        yield from _exclusive(profile, modifiers)
    if "JA" in modifiers or "JB" in modifiers:
        yield from _route_modifiers(profile, modifiers, route)


def _exclusive(profile: PayerProfile, modifiers: tuple[str, ...]) -> Iterator[Finding]:
    for group, why, source in EXCLUSIVE:
        present = [m for m in group if m in modifiers]
        if len(present) > 1:
            yield finding("MODIFIER_CONFLICT", "modifiers", f"The line carries {' and '.join(present)}: {why}.",
                          f"Keep one of {', '.join(present)}.", profile, source=source)  # fmt: skip


def _route_modifiers(
    profile: PayerProfile, modifiers: tuple[str, ...], route: str | None
) -> Iterator[Finding]:
    for modifier, expected in ROUTE_MODIFIERS.items():
        if modifier in modifiers and route and route != expected:
            yield finding("MODIFIER_CONFLICT", "modifiers",
                          f"{modifier} means {expected}, but the route given is {route}.",
                          f"Use the modifier for the route given ({'JA' if route == 'IV' else 'JB'} for "
                          f"{route}) or correct the route.", profile, source=src.JA_JB)  # fmt: skip


def check_waste_modifiers(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> tuple[Finding, ...]:
    """JW/JZ for single-dose containers, as the payer's policy stands on the date of service."""
    drug = line.drug
    if drug is None or not _subject_to_waste(line, decision, profile, context):
        return ()
    if drug.container == "multi-dose":
        return tuple(shared_finding(_not_for_multi_dose, profile, m) for m in ("JW", "JZ") if context.has(m))
    if drug.container != "single-dose":
        return ()
    return _jw_jz(line, profile, context)


def _not_for_multi_dose(profile: PayerProfile, modifier: str) -> Finding:
    return finding(
        "MODIFIER_NOT_ALLOWED", "modifiers",
        f"{modifier} is for single-dose containers; discarded drug from a multi-dose vial is not "
        "payable and JW on a multi-dose vial is denied.",
        f"Remove {modifier}.", profile, source=src.PRIORITY_JW,
    )  # fmt: skip


def _subject_to_waste(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> bool:
    code = context.code or ""
    categories = (*decision.nature, *(line.drug.category if line.drug else ()))
    if not EXCLUDED_FROM_WASTE.isdisjoint(categories):
        return False  # radiopharmaceuticals and imaging agents are excluded (NGS, noc-rules.md 2.1)
    if code[:3] in ("Q41", "Q42", "Q43") and profile.waste_skin_substitutes == "excluded":
        return False
    return profile.waste_policy != "none"


def _jw_jz(line: ClaimLine, profile: PayerProfile, context: CheckContext) -> tuple[Finding, ...]:
    drug = line.drug
    assert drug is not None
    wasted = drug.wasted is not None and drug.wasted.value > 0
    notes = waste_in_notes(context.code, profile)
    if wasted and context.has("JZ"):
        return (finding("MODIFIER_CONFLICT", "modifiers",
                        f"JZ says nothing was discarded, but the line reports {drug.wasted} wasted.",
                        "Remove JZ and report the discarded amount on a JW line.", profile,
                        source=profile.source("waste.policy")),)  # fmt: skip
    if wasted and notes and context.has("JW"):
        return (finding("MODIFIER_NOT_ALLOWED", "modifiers",
                        f"{profile.name} takes the discarded amount of {context.code} in the notes, not on a JW line.",
                        f"Remove JW and write the amounts given and wasted ({drug.wasted}) in the narrative.",
                        profile, source=profile.source("waste.c9399_waste" if context.code == "C9399"
                                                       else "waste.noc_waste")),)  # fmt: skip
    if wasted and not notes and not context.has("JW") and context.as_billed:
        # (Asked what to bill, the answer already carries the JW line: decision.waste_units.)
        return (finding("MODIFIER_WASTE_REQUIRED", "modifiers",
                        f"{drug.wasted} was discarded from a single-dose container; the discarded amount is billed "
                        "on its own line with JW.",
                        f"Add a line {context.code}-JW for the discarded {drug.wasted}"
                        + (" (1 unit, the wasted amount in its narrative)." if context.is_noc else "."),
                        profile, source=profile.source("waste.policy")),)  # fmt: skip
    if (
        not wasted
        and not context.has("JW", "JZ")
        and profile.waste_policy in ("jz-required", "jw-jz-required")
    ):
        return (shared_finding(_jz_missing, profile, line.date_of_service, drug.wasted is not None),)
    return ()


def _jz_missing(profile: PayerProfile, date_of_service: date, known: bool) -> Finding:
    day = date_of_service.isoformat()
    source = profile.source("waste.policy")
    unprocessable = profile.waste_policy == "jw-jz-required"
    why = ("lines without JW or JZ may be returned unprocessable" if unprocessable
           else "JZ is required from 2023-07-01")  # fmt: skip
    fix = ("Add JZ (nothing discarded)." if known
           else "Add JZ if nothing was discarded, or bill the discarded amount on a JW line.")  # fmt: skip
    return finding(
        "MODIFIER_WASTE_REQUIRED", "modifiers",
        f"A single-dose container drug on {day} needs JW or JZ; {why} ({profile.name}).",
        fix, profile, source=source, severity="error" if unprocessable else "warning",
    )  # fmt: skip


def check_340b(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> Iterator[Finding]:
    """JG or TB on 340B-acquired drugs from 2024-01-01; neither on drugs not bought under 340B."""
    has_340b = context.has("JG", "TB")
    if line.is_340b and profile.modifiers_require_340b and not has_340b:
        yield shared_finding(_340b_required, profile)
    elif has_340b and not line.is_340b:
        yield shared_finding(_not_340b, profile)


def _340b_required(profile: PayerProfile) -> Finding:
    return finding(
        "MODIFIER_340B_REQUIRED", "modifiers",
        f"The drug was acquired under 340B; from 2024-01-01 {profile.name} needs JG or TB on the line.",
        "Add TB (critical access, rural sole community, children's, PPS-exempt cancer hospitals, Maryland "
        "and non-excepted off-campus departments) or JG (every other 340B entity).",
        profile, source=profile.source("modifiers.require_340b"),
    )  # fmt: skip


def _not_340b(profile: PayerProfile) -> Finding:
    return finding(
        "MODIFIER_CONFLICT", "modifiers",
        "JG/TB mark a drug acquired under 340B, but the line is not marked 340B.",
        'Remove JG/TB, or set "340b": true if the drug was bought under 340B.', profile, source=src.AEH_340B,
        severity="warning",
    )  # fmt: skip


def check_route_modifier(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> Iterator[Finding]:
    """JA/JB where one code's descriptor covers both intravenous and subcutaneous use (e.g. J2354)."""
    store, code = context.store, context.code
    if store is None or code is None or context.is_noc or context.has("JA", "JB") or not code.startswith("J"):
        return
    release = context.releases.hcpcs
    entry = store.hcpcs_code(release, code) if release else None
    text = entry.long_description.lower() if entry else ""
    if "intravenous" in text and "subcutaneous" in text:
        yield finding(
            "MODIFIER_MISSING", "modifiers",
            f"{code} covers both intravenous and subcutaneous use; the route modifier says which was given "
            "(required by Medicare contractors since April 2021).",
            "Add JA for intravenous or JB for subcutaneous administration.", profile, source=src.JA_JB,
        )  # fmt: skip
