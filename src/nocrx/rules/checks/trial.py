"""Investigational drugs: NCT number, Q0/Q1, Z00.6, condition code 30 / value code D4; emergency -> review."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from nocrx.model import ClaimLine, Decision, Finding
from nocrx.payers import PayerProfile
from nocrx.rules import icd10
from nocrx.rules.context import CheckContext, finding, remembered

# CR 8401: the 8-digit registry number; item 19 writes "CT" + 8 digits, REF02 the digits alone.
NCT = re.compile(r"^(?:NCT|CT)?(\d{8})$", re.IGNORECASE)
INSTITUTIONAL_SETTINGS = ("outpatient-hospital",)


def trial_digits(study_id: str | None) -> str | None:
    """The 8 digits of a trial number written NCT12345678, CT12345678 or 12345678."""
    match = NCT.match((study_id or "").replace(" ", ""))
    return match.group(1) if match else None


def check_trial(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> Iterator[Finding]:
    """The clinical-trial package, or a human decision for emergency use outside a trial."""
    trial = line.drug.investigational if line.drug else None
    has_q = context.has("Q0", "Q1")
    has_z006 = has_trial_diagnosis(line.diagnoses)
    if trial is None and not has_q and not has_z006:
        return
    study_id = trial.study_id if trial else None
    digits = trial_digits(study_id)
    if trial is not None and trial.emergency and digits is None:
        yield finding(
            "HUMAN_REVIEW_REQUIRED", "drug.investigational",
            "An experimental drug given in an emergency outside a clinical trial is likely not covered; no "
            "public rule makes it an automatic J3490 line.",
            "Have a person decide: expanded-access documentation, the patient's liability (ABN/GA), or not "
            "billing a drug the sponsor supplied.", profile,
        )  # fmt: skip
        return
    institutional = line.setting in INSTITUTIONAL_SETTINGS or line.revenue_code is not None
    missing = _missing_institutional_codes(line) if institutional else ()
    # The package's findings read only these facts (and the profile): made once for each set of them.
    facts = ("trial", digits is None, study_id, has_q, has_z006, institutional, missing)
    yield from remembered(profile, facts, _package, profile, facts[1:])


@lru_cache(maxsize=4096)
def has_trial_diagnosis(diagnoses: tuple[str, ...]) -> bool:
    """True when a diagnosis is Z00.6 (examination of participant in a clinical trial)."""
    return any(icd10.normalise(d) == "Z00.6" for d in diagnoses)


def _missing_institutional_codes(line: ClaimLine) -> tuple[str, ...]:
    missing = []
    if "30" not in line.condition_codes:
        missing.append("condition code 30")
    if not any(code == "D4" for code, _ in line.value_codes):
        missing.append("value code D4 with the trial number")
    return tuple(missing)


def _package(
    profile: PayerProfile, facts: tuple[bool, str | None, bool, bool, bool, tuple[str, ...]]
) -> Iterator[Finding]:
    no_digits, study_id, has_q, has_z006, institutional, missing = facts
    if profile.trial_nct_required and no_digits:
        said = f' "{study_id}" is not one.' if study_id else ""
        yield finding("TRIAL_ID_MISSING", "drug.investigational.study_id",
                      f"The line is part of a clinical trial and needs the 8-digit NCT number.{said}",
                      "Give the ClinicalTrials.gov number (NCT + 8 digits); 837P 2300 REF P4 carries the 8 digits, "
                      "item 19 CT + 8 digits.", profile, source=profile.source("trial.nct_required"))  # fmt: skip
    if profile.trial_modifier_required and not has_q:
        yield finding("TRIAL_MODIFIER_MISSING", "modifiers",
                      "A clinical-trial line carries Q0 (investigational item or service) or Q1 (routine service).",
                      "Add Q0 for the investigational drug, Q1 for routine care in the trial.", profile,
                      source=profile.source("trial.modifier_required"))  # fmt: skip
    if profile.trial_z006_required and not has_z006:
        yield finding("TRIAL_DIAGNOSIS_MISSING", "diagnoses",
                      "A clinical-trial claim carries ICD-10-CM Z00.6 (examination of participant in a clinical "
                      "trial), primary or secondary.", "Add Z00.6.", profile,
                      source=profile.source("trial.z006_required"))  # fmt: skip
    if institutional and profile.trial_institutional_codes_required and missing:
        yield finding("TRIAL_CONDITION_CODE_MISSING", "condition_codes",
                      f"An institutional clinical-trial claim needs {' and '.join(missing)}.",
                      "Add condition code 30 (qualified clinical trial) and value code D4 = the 8-digit "
                      "number (837I 2300 HI / REF P4).", profile,
                      source=profile.source("trial.institutional_codes_required"))  # fmt: skip
