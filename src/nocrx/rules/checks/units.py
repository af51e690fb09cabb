"""Billing units: Medicare NOC = 1 (M123); per-container payers; specific codes = dose / descriptor dosage."""

from __future__ import annotations

from decimal import Decimal

from nocrx.model import ClaimLine, Decision, Finding, format_number
from nocrx.payers import PayerProfile
from nocrx.rules.context import CheckContext, finding, shared_finding


def expected_noc_units(line: ClaimLine, profile: PayerProfile) -> Decimal | None:
    """The units a NOC line takes under the payer's rule (None when the containers are not known)."""
    if profile.units_noc == "one":
        return Decimal(1)
    quantity = line.drug.quantity if line.drug else None
    if quantity is not None and quantity.unit.upper() == "UN":
        return quantity.value
    return None


def check_units(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> tuple[Finding, ...]:
    """Units against the payer's NOC rule, or against the decision's dose / descriptor units."""
    units = line.units
    if units is None:
        return ()
    if context.is_noc:
        return _noc_units(line, units, profile)
    if decision.kind == "specific" and decision.code == context.code:
        return _specific_units(units, decision, profile)
    return ()


def _specific_units(units: Decimal, decision: Decision, profile: PayerProfile) -> tuple[Finding, ...]:
    if decision.units is None or units == decision.units:
        return ()
    dosage = f" ({decision.hcpcs_dosage} per unit)" if decision.hcpcs_dosage else ""
    return (finding(
        "UNITS_MISMATCH", "units",
        f"{format_number(units)} units are billed, but the dose given is {format_number(decision.units)} "
        f"units of {decision.code}{dosage}; units follow the HCPCS descriptor, not the packaging.",
        f"Bill {format_number(decision.units)} units (and any discarded amount on a JW line).", profile,
    ),)  # fmt: skip


def _noc_units(line: ClaimLine, units: Decimal, profile: PayerProfile) -> tuple[Finding, ...]:
    expected = expected_noc_units(line, profile)
    # The findings are shared between lines, keyed on the units as printed.
    if profile.units_noc == "one" and units != 1:
        return (shared_finding(_not_one, profile, format_number(units)),)
    if expected is not None and units != expected:
        return (shared_finding(_not_containers, profile, format_number(units), format_number(expected)),)
    return ()


def _not_one(profile: PayerProfile, units: str) -> Finding:
    return finding(
        "UNITS_NOC_MUST_BE_ONE", "units",
        f"{units} units are billed on a NOC code; {profile.name} takes 1 unit and prices "
        "from the narrative. Other units are rejected as unprocessable (M123).",
        "Bill 1 unit; put the dose given in the narrative.", profile, source=profile.source("units.noc"),
    )  # fmt: skip


def _not_containers(profile: PayerProfile, units: str, expected: str) -> Finding:
    return finding(
        "UNITS_MISMATCH", "units",
        f"{units} units are billed, but {profile.name} counts NOC units as containers and "
        f"the NDC quantity is {expected} UN.",
        f"Bill {expected} units (one per container used).", profile, source=profile.source("units.noc"),
    )  # fmt: skip
