"""The checks: each a small function (line, decision, profile, context) yielding Findings.

``CHECKS`` is the order the engine runs them in; the engine sorts the findings errors first.
The narrative check also takes the narrative nocrx built, so the engine calls it itself.
"""

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
from nocrx.rules.checks.trial import check_trial
from nocrx.rules.checks.units import check_units

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

__all__ = ["CHECKS", "check_narrative"]
