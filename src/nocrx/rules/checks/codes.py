"""The code on the line against the decision: specific code exists, probable, wrong NOC, not valid on the DOS."""

from __future__ import annotations

from nocrx.model import ClaimLine, Decision, Finding
from nocrx.payers import PayerProfile
from nocrx.rules import sources as src
from nocrx.rules.context import NOC_DRUG_CODES, CheckContext, finding, shared_finding

OPPS_SETTINGS = ("outpatient-hospital", "asc")


def check_code(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> list[Finding]:
    """Compare the billed NOC code with the decision (only when the line names a code)."""
    found: list[Finding] = []
    billed = line.hcpcs
    if billed is None or billed not in NOC_DRUG_CODES:
        return found
    if decision.kind == "specific" and decision.code:
        found.append(shared_finding(_specific_exists, profile, billed, decision.code, _units(decision)))
    elif decision.kind != "specific" and decision.candidates:
        found.append(_probable(billed, decision, profile))
    # Without a known nature the decision's code is only the default (J3490): nothing to contradict.
    if (decision.kind == "noc" and decision.code and decision.code != billed and decision.nature
            and not context.is_compound):  # fmt: skip
        found.append(_wrong_noc(billed, decision, profile))
    if billed == "C9399" and line.setting not in OPPS_SETTINGS and decision.code != "C9399":
        found.append(finding(
            "WRONG_NOC_CODE", "hcpcs",
            f"C9399 is billed in the {line.setting or 'professional'} setting, but it is paid only under the "
            "hospital outpatient PPS or in an ASC.",
            f"Bill {decision.code or 'the NOC code for the drug (J3490, J3590, J9999 ...)'} instead.",
            profile, source=src.C9399_OPPS,
        ))  # fmt: skip
    return found


def _specific_exists(profile: PayerProfile, billed: str, code: str, units: str) -> Finding:
    return finding(
        "SPECIFIC_CODE_EXISTS", "hcpcs",
        f"{billed} is an unclassified code, but {code} describes this drug on the date of service; "
        "a NOC line for a drug that has a code may be rejected.",
        f"Bill {code} with {units} instead of {billed}.", profile,
    )  # fmt: skip


def _probable(billed: str, decision: Decision, profile: PayerProfile) -> Finding:
    listed = ", ".join(decision.candidates)
    return finding(
        "PROBABLE_SPECIFIC_CODE", "hcpcs",
        f"{billed} is billed, but the descriptors of {listed} name this drug; a specific code may exist.",
        f"Compare the drug with {listed}; bill a specific code if one describes it, else keep {billed}.",
        profile,
    )  # fmt: skip


def _wrong_noc(billed: str, decision: Decision, profile: PayerProfile) -> Finding:
    nature = ", ".join(decision.nature)
    guessed = " (the drug's nature was inferred; confirm it)" if decision.nature_is_guessed else ""
    return finding(
        "WRONG_NOC_CODE", "hcpcs",
        f"{billed} is billed, but {decision.code} is the unclassified code for a drug that is {nature}{guessed}; "
        "unlisted codes are not interchangeable.",
        f"Bill {decision.code} instead of {billed}.",
        profile, severity="warning" if decision.nature_is_guessed else None,
    )  # fmt: skip


def _units(decision: Decision) -> str:
    return "the units for the dose" if decision.units is None else f"{decision.units.normalize():f} unit(s)"


def check_code_on_dos(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> tuple[Finding, ...]:
    """The billed HCPCS code must exist on the date of service in the HCPCS release that covers it."""
    store, code = context.store, context.code
    if store is None or code is None or not code[:1].isalpha():
        return ()  # CPT codes (digits first) are not in the HCPCS Level II file
    release = context.releases.hcpcs
    if release is None:
        return ()
    entry = store.hcpcs_code(release, code)
    if entry is not None and entry.is_valid_on(line.date_of_service):
        return ()
    if entry is None:
        why = f"is not in the HCPCS release {release.release}"
    elif entry.termination_date is not None and line.date_of_service > entry.termination_date:
        why = f"was terminated on {entry.termination_date.isoformat()}"
    else:
        why = f"takes effect on {entry.add_date.isoformat() if entry.add_date else 'a later date'}"
    return (finding(
        "CODE_NOT_VALID_ON_DOS", "hcpcs",
        f"{code} {why}, so it cannot be billed for {line.date_of_service.isoformat()} (M20).",
        "Use the code valid on the date of service (see the HCPCS quarterly update).",
        profile,
    ),)  # fmt: skip
