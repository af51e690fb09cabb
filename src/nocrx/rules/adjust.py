"""The payer's say on the decision: its compounded-drug code, its NOC units, its waste reporting.

``decide`` answers for the drug and the date; some answers depend on the payer (noc-rules.md,
"Conflicts and unknowns": compounded code J7999 / J3490 / J7799-KD, NOC units 1 or per container,
NOC waste on a JW line or in the notes). Each change is recorded as a trace step with its source.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from nocrx.model import ClaimLine, Decision, TraceStep, format_number
from nocrx.payers import PayerProfile
from nocrx.rules.checks.compound import compound_code
from nocrx.rules.checks.units import expected_noc_units
from nocrx.rules.context import is_compound


def apply_payer(line: ClaimLine, decision: Decision, profile: PayerProfile) -> Decision:
    """Return the decision as this payer wants it billed (unchanged when nothing differs)."""
    if decision.kind != "noc" or decision.code is None:
        return decision
    steps: list[TraceStep] = []
    changes: dict[str, object] = {}
    if is_compound(line, decision):
        code, modifier = compound_code(line, profile)
        if code != decision.code:
            changes["code"] = code
            steps.append(TraceStep("payer compounded-drug code", code,
                                   f"{profile.name} bills compounded drugs under {code} on "
                                   f"{line.date_of_service.isoformat()}", profile.source("compound.code")))  # fmt: skip
        if modifier and modifier not in decision.modifiers:
            changes["modifiers"] = (*decision.modifiers, modifier)
    units = expected_noc_units(line, profile)
    if units is not None and units != decision.units:
        changes["units"] = units
        rule = (
            "1 unit (priced from the narrative)" if profile.units_noc == "one" else "one unit per container"
        )
        steps.append(TraceStep("payer NOC units", format_number(units), f"{profile.name}: NOC codes take {rule}",
                               profile.source("units.noc")))  # fmt: skip
    _waste(line, decision, profile, str(changes.get("code", decision.code)), changes, steps)

    if not changes:
        return decision
    return replace(decision, trace=(*decision.trace, *steps), **changes)  # type: ignore[arg-type]


def _waste(line: ClaimLine, decision: Decision, profile: PayerProfile, code: str, changes: dict[str, object],
           steps: list[TraceStep]) -> None:  # fmt: skip
    """NOC waste: a JW line of 1 unit (its narrative the amount discarded), or the notes, per payer."""
    setting = "waste.c9399_waste" if code == "C9399" else "waste.noc_waste"
    reporting = profile.waste_c9399_waste if code == "C9399" else profile.waste_noc_waste
    drug = line.drug
    wasted = drug is not None and drug.wasted is not None and drug.wasted.value > 0
    if reporting == "notes" and (decision.waste_units is not None or wasted):
        changes["waste_units"] = None
        steps.append(TraceStep("payer NOC waste", "in the notes", f"{profile.name} takes the discarded amount "
                               "of a NOC drug in the narrative, not on a JW line", profile.source(setting)))  # fmt: skip
    elif (reporting == "jw-line" and wasted and decision.waste_units is None and profile.waste_policy != "none"
          and drug is not None and drug.container == "single-dose"):  # fmt: skip
        changes["waste_units"] = Decimal(1)
        steps.append(TraceStep("payer NOC waste", f"JW line, 1 unit, {drug.wasted} discarded",
                               f"{profile.name} bills discarded NOC drug on a JW line", profile.source(setting)))  # fmt: skip
