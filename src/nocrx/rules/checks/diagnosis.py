"""Medical necessity: at least one diagnosis, each a billable ICD-10-CM code, a neoplasm for J9999/J8999,
and off-label or label-restricted use flagged for documentation with the compendia the payer accepts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from nocrx.model import ClaimLine, Decision, Finding
from nocrx.payers import PayerProfile
from nocrx.rules import icd10
from nocrx.rules.context import CheckContext, finding, remembered, shared_finding

TRIAL_DIAGNOSIS = "Z00.6"


def check_diagnoses(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> tuple[Finding, ...]:
    """At least one diagnosis, each valid and billable in the bundled ICD-10-CM code set."""
    diagnoses = line.diagnoses
    found = remembered(profile, ("diagnoses", diagnoses), _diagnoses, diagnoses, profile)
    day = line.date_of_service
    if diagnoses and not icd10.covers(day):
        return (*found, shared_finding(_code_set_year, profile, day))
    return found


def _diagnoses(diagnoses: tuple[str, ...], profile: PayerProfile) -> Iterator[Finding]:
    if not diagnoses:
        if profile.diagnosis_required:
            yield finding(
                "DIAGNOSIS_MISSING", "diagnoses",
                "The line has no diagnosis; medical necessity for the drug is shown by the ICD-10-CM code(s) "
                "the line points to.",
                "Add the ICD-10-CM code(s) the drug treats (837P SV107 pointers, CMS-1500 item 24E).", profile,
                source=profile.source("diagnosis.required"),
            )  # fmt: skip
        return
    for i, code in enumerate(diagnoses):
        state = icd10.status(code)
        if state == "invalid":
            yield finding("DIAGNOSIS_INVALID", f"diagnoses[{i}]",
                          f'"{code}" is not an ICD-10-CM code ({icd10.CODE_SET}).',
                          "Correct the code (letter, two digits, then up to four characters, e.g. C34.90).",
                          profile)  # fmt: skip
        elif state == "not-billable":
            yield finding("DIAGNOSIS_NOT_BILLABLE", f"diagnoses[{i}]",
                          f"{icd10.normalise(code)} ({icd10.description(code)}) is a heading with more specific "
                          f"codes beneath it; it cannot be billed ({icd10.CODE_SET}).",
                          "Code to the highest specificity (a code with no children).", profile)  # fmt: skip


def _code_set_year(profile: PayerProfile, day: date) -> Finding:
    return finding("DIAGNOSIS_CODE_SET_YEAR", "diagnoses",
                   f"The diagnoses were checked against the {icd10.CODE_SET}; the date of service "
                   f"{day.isoformat()} falls in another fiscal year, whose code set may differ.",
                   "Confirm the codes in the ICD-10-CM release for the date of service.", profile)  # fmt: skip


def check_diagnosis_support(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> list[Finding]:
    """J9999/J8999 need a neoplasm diagnosis; oncology drugs get an off-label documentation flag."""
    found: list[Finding] = []
    if not line.diagnoses:
        return found
    neoplasm = has_neoplasm(line.diagnoses)
    if context.code in profile.diagnosis_neoplasm_codes and not neoplasm:
        found.append(shared_finding(_not_supporting, profile, context.code))
    antineoplastic = "antineoplastic" in decision.nature or (
        line.drug is not None and "antineoplastic" in line.drug.category
    )
    if antineoplastic and context.is_noc and (profile.diagnosis_label_match or not neoplasm):
        found.append(shared_finding(_off_label, profile, neoplasm))
    return found


@lru_cache(maxsize=4096)
def has_neoplasm(diagnoses: tuple[str, ...]) -> bool:
    """True when a diagnosis is a neoplasm (C00-D49); a batch repeats a few lists of codes."""
    return any(icd10.is_neoplasm(code) for code in diagnoses)


def _not_supporting(profile: PayerProfile, code: str) -> Finding:
    return finding(
        "DIAGNOSIS_NOT_SUPPORTING", "diagnoses",
        f"{code} is the unclassified antineoplastic code, but no diagnosis is a neoplasm (C00-D49).",
        "Point the line to the cancer diagnosis; if the drug treats a non-cancer condition, bill the NOC "
        "code for its nature (e.g. J3490) and document the indication.",
        profile, source=profile.source("diagnosis.neoplasm_codes"),
        severity=profile.diagnosis_neoplasm_severity,  # type: ignore[arg-type]
    )  # fmt: skip


def _off_label(profile: PayerProfile, neoplasm: bool) -> Finding:
    compendia = "; ".join(profile.diagnosis_compendia) or "the compendia the payer names"
    if profile.diagnosis_label_match and neoplasm:
        why = (
            f"{profile.name} requires the diagnosis of an unclassified oncology drug to match the FDA label, "
            "or the narrative to state the label criteria (metastatic status, prior regimens, progression)."
        )
        source = profile.source("diagnosis.label_match")
    else:
        why = "An antineoplastic given for a non-cancer diagnosis is an off-label use."
        source = profile.source("diagnosis.compendia")
    return finding(
        "OFF_LABEL_DOCUMENTATION", "diagnoses",
        f"{why} Off-label use is covered when supported by: {compendia}.",
        "Keep the label indication or the compendium citation in the record; send it when asked.",
        profile, source=source,
    )  # fmt: skip
