"""Supply versus administration: the drug line reports the supply; administration has its own CPT line."""

from __future__ import annotations

from nocrx.model import ClaimLine, Decision, Finding
from nocrx.payers import PayerProfile
from nocrx.rules.context import CheckContext, finding, shared_finding
from nocrx.rules.narrative import route_abbreviation

# CPT drug administration families (Noridian JEA; noc-rules.md 4): hydration, therapeutic,
# prophylactic and diagnostic injections and infusions 96360-96379 (96372 SC/IM injection),
# chemotherapy and complex biologic administration 96401-96549.
ADMINISTRATION_RANGES = ((96360, 96379), (96401, 96549))
# Oral drugs (J8499/J8999 ...) and self-applied forms have no administration service.
NO_ADMINISTRATION_ROUTES = ("PO", "TOP", "INH")


def is_administration_code(code: str | None) -> bool:
    """True for the CPT administration codes 96360-96379 and 96401-96549.

    >>> is_administration_code("96413"), is_administration_code("J9999")
    (True, False)
    """
    if code is None or not code.isdigit():
        return False
    number = int(code)
    return any(low <= number <= high for low, high in ADMINISTRATION_RANGES)


def check_administration(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> tuple[Finding, ...]:
    """An administration CPT is not the drug line; a drug line without administration is a warning."""
    if is_administration_code(line.hcpcs):
        return (finding(
            "ADMINISTRATION_ON_SUPPLY_LINE", "hcpcs",
            f"{line.hcpcs} is an administration code, but this line carries the drug; the drug supply and its "
            "administration are billed on separate lines.",
            f"Bill the drug under its HCPCS code ({decision.code or 'J3490, J9999 ...'}) and move {line.hcpcs} "
            "to its own line.", profile,
        ),)  # fmt: skip
    route = route_abbreviation(line.drug.route if line.drug else None)
    oral = route in NO_ADMINISTRATION_ROUTES or (context.code or "").startswith("J8")
    if not line.administration and not oral and context.code is not None:
        return (shared_finding(_administration_missing, profile),)
    return ()


def _administration_missing(profile: PayerProfile) -> Finding:
    return finding(
        "ADMINISTRATION_MISSING", "administration",
        "The claim has no administration service for this drug; the drug line pays only for the supply.",
        "Add the administration CPT on its own line (e.g. 96413 chemotherapy infusion, 96365 IV infusion, "
        "96372 SC/IM injection), unless the drug was not administered by the provider.",
        profile,
    )  # fmt: skip
