"""The checks: each a small function (line, decision, profile, context) giving its Findings.

A check that runs on nearly every line returns them (a tuple or a list); a generator's frame costs
more than such a check's work. The rarer checks yield them.

``CHECKS`` is the order the engine runs them in; the engine sorts the findings errors first.
The narrative check also takes the narrative nocrx built, so the engine calls it itself.
``applicable_checks`` leaves out the checks that would return at once on a kind of line.
"""

from collections.abc import Callable, Iterable

from nocrx.model import ClaimLine, Decision, Finding
from nocrx.payers import PayerProfile
from nocrx.rules.checks.administration import check_administration
from nocrx.rules.checks.codes import check_code, check_code_on_dos
from nocrx.rules.checks.compound import check_compound
from nocrx.rules.checks.diagnosis import check_diagnoses, check_diagnosis_support
from nocrx.rules.checks.identification import check_drug_details, check_ndc, check_quantity
from nocrx.rules.checks.modifiers import (
    check_340b,
    check_modifier_rules,
    check_route_modifier,
    check_waste_modifiers,
)
from nocrx.rules.checks.narrative import check_narrative
from nocrx.rules.checks.pricing import check_invoice
from nocrx.rules.checks.trial import check_trial, has_trial_diagnosis
from nocrx.rules.checks.units import check_units
from nocrx.rules.context import NOC_DRUG_CODES, CheckContext

Check = Callable[[ClaimLine, Decision, PayerProfile, CheckContext], Iterable[Finding]]

CHECKS = (
    check_code,
    check_code_on_dos,
    check_ndc,
    check_drug_details,
    check_quantity,
    check_units,
    check_modifier_rules,
    check_waste_modifiers,
    check_340b,
    check_route_modifier,
    check_diagnoses,
    check_diagnosis_support,
    check_administration,
    check_compound,
    check_trial,
    check_invoice,
)


def applicable_checks(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> tuple[Check, ...]:
    """``CHECKS`` less those whose first test returns on this line, chosen once per profile and kind of line.

    Each fact below is the negation of one check's opening ``return`` (a check left out would have
    found nothing), so a line gets the findings it would get from every check, without making a
    generator for each of the ~17 checks.
    """
    drug, code, modifiers = line.drug, context.code, context.modifier_set
    kind = (
        "applicable_checks",
        line.hcpcs in NOC_DRUG_CODES,  # check_code
        context.store is not None and code is not None and code[:1].isalpha(),  # check_code_on_dos
        context.is_noc,  # check_drug_details
        drug is not None and (drug.ndc is not None or bool(decision.ndc_11)),  # check_quantity
        line.units is not None,  # check_units
        drug is not None and drug.container in ("single-dose", "multi-dose"),  # check_waste_modifiers
        line.is_340b or not modifiers.isdisjoint(("JG", "TB")),  # check_340b
        context.store is not None and code is not None and not context.is_noc  # check_route_modifier
        and modifiers.isdisjoint(("JA", "JB")) and code.startswith("J"),
        bool(line.diagnoses),  # check_diagnosis_support
        context.is_compound,  # check_compound
        (drug is not None and drug.investigational is not None) or not modifiers.isdisjoint(("Q0", "Q1"))  # check_trial
        or has_trial_diagnosis(line.diagnoses),
    )  # fmt: skip
    memo = profile.memo
    checks: tuple[Check, ...] | None = memo.get(kind)
    if checks is None:
        skipped = {check for check, applies in zip(GUARDED, kind[1:], strict=True) if not applies}
        checks = memo[kind] = tuple(check for check in CHECKS if check not in skipped)
    return checks


# The checks whose opening test ``applicable_checks`` reads, in the order of its facts.
GUARDED = (
    check_code,
    check_code_on_dos,
    check_drug_details,
    check_quantity,
    check_units,
    check_waste_modifiers,
    check_340b,
    check_route_modifier,
    check_diagnosis_support,
    check_compound,
    check_trial,
)

__all__ = ["CHECKS", "applicable_checks", "check_narrative"]
