"""Complete drug identification: NDC (format, directory, marketed on the DOS), name, dose, strength,
route, NDC quantity and its unit, doses per vial, each as the payer requires."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from nocrx.codes.ndc import parse_ndc
from nocrx.errors import InvalidNDC
from nocrx.model import NDC_UNIT_CODES, ClaimLine, Decision, Finding, Product
from nocrx.payers import PayerProfile
from nocrx.rules import narrative
from nocrx.rules.context import CheckContext, finding, shared_finding


def check_ndc(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> tuple[Finding, ...]:
    """NDC present (when required), readable, in the FDA directory and marketed on the DOS."""
    drug = line.drug
    raw = drug.ndc if drug else None
    if raw is None:
        # Medicare asks for the NDC on NOC lines (MAC notice); Medicaid (rebate program) and commercial
        # plans on every drug line (Priority Health).
        every_line = profile.kind != "medicare"
        if profile.identification_ndc_required and not context.is_compound and (context.is_noc or every_line):
            return (finding(
                "NDC_MISSING", "drug.ndc",
                f"The line has no NDC; {profile.name} requires the 11-digit NDC of the drug given.",
                "Add the NDC from the package used (outer package for kits), e.g. 0006-3026-02; it is sent as "
                "N4 + 11 digits in loop 2410 LIN03 / item 24A.",
                profile, source=profile.source("identification.ndc_required"),
            ),)  # fmt: skip
        return ()
    ndc_11, problem = (decision.ndc_11, None) if decision.ndc_11 else _ndc_11(raw, context)
    if ndc_11 is None:
        return (finding(
            "NDC_INVALID_FORMAT", "drug.ndc", f"{problem}",
            "Copy the NDC from the label with its hyphens (4-4-2, 5-3-2 or 5-4-1), or write the 11-digit "
            "5-4-2 form claims carry.", profile,
        ),)  # fmt: skip
    return _directory(ndc_11, line.date_of_service, decision.product, profile, context)


def _ndc_11(raw: str, context: CheckContext) -> tuple[str | None, str | None]:
    store = context.store
    try:
        return parse_ndc(raw, resolve=store.known_ndc_11s if store else None).ndc_11, None
    except InvalidNDC as error:
        return None, str(error)


def _directory(
    ndc_11: str, day: date, product: Product | None, profile: PayerProfile, context: CheckContext
) -> tuple[Finding, ...]:
    store = context.store
    if store is None or not context.releases.has_fda_directory:
        return ()
    product = product or store.product(ndc_11)
    if product is None:
        return (shared_finding(_not_found, profile, ndc_11),)
    start = product.package_start_marketing_date or product.start_marketing_date
    end = product.package_end_marketing_date or product.end_marketing_date
    if (start and day < start) or (end and day > end):
        span = f"{start.isoformat() if start else '?'} to {end.isoformat() if end else 'now'}"
        return (finding(
            "NDC_NOT_MARKETED_ON_DOS", "drug.ndc",
            f"NDC {ndc_11} was marketed {span} (FDA directory), not on {day.isoformat()}.",
            "Check the NDC of the package actually used on the date of service.", profile,
            source=f"{product.source}; CO-16/M119 https://immedicaresolutions.com/wiki/rarc-m119",
        ),)  # fmt: skip
    return ()


def _not_found(profile: PayerProfile, ndc_11: str) -> Finding:
    return finding(
        "NDC_NOT_FOUND", "drug.ndc",
        f"NDC {ndc_11} is not in the loaded FDA NDC directory; payers deny unknown NDCs (CO-16/M119).",
        "Check the digits against the package label; for a kit use the outer package NDC.", profile,
    )  # fmt: skip


def check_drug_details(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> list[Finding]:
    """Name, dose given, strength and route, as the payer requires them for a NOC line."""
    found: list[Finding] = []
    if not context.is_noc:
        return found
    drug = line.drug
    # On an 837 the drug is identified in words (SV101-7 / NTE / item 19): an element the biller
    # wrote in the narrative is given, even where no structured field holds it.
    written = line.narrative or ""
    name = (drug.name if drug else None) or (decision.product.proprietary_name if decision.product else None)
    if not name and not context.is_compound and not narrative.names_a_drug(written):
        found.append(finding("DRUG_NAME_MISSING", "drug.name", "The NOC line does not name the drug.",
                             "Give the drug's name (brand or generic) as on the label.", profile))  # fmt: skip
    if (drug is None or drug.dose is None) and not narrative.amounts(written):
        found.append(finding(
            "DOSE_MISSING", "drug.dose",
            "The dose actually given is missing; the payer prices a NOC drug from the dose administered "
            "(name and strength alone are insufficient).",
            'Give the total dose administered, e.g. {"value": 190, "unit": "mg"}.', profile,
        ))  # fmt: skip
    has_strength = (drug and drug.strength) or narrative.mentions_strength(written, None)
    if profile.identification_strength_required and not has_strength and not context.is_compound:
        found.append(shared_finding(_strength_missing, profile))
    has_route = (drug and drug.route) or narrative.mentions_route(written, None)
    if profile.identification_route_required and not has_route:
        found.append(finding("ROUTE_MISSING", "drug.route",
                             f"{profile.name} requires the route (method of administration).",
                             "Give the route, e.g. IV, IM, SC, intrathecal.", profile,
                             source=profile.source("identification.route_required")))  # fmt: skip
    if (profile.identification_doses_per_vial_required and drug and drug.container == "multi-dose"
            and drug.doses_per_vial is None):  # fmt: skip
        found.append(finding(
            "DOSES_PER_VIAL_MISSING", "drug.doses_per_vial",
            f"{profile.name} asks for the doses per vial of a multi-dose container.",
            "Give doses_per_vial.", profile, source=profile.source("identification.doses_per_vial_required"),
        ))  # fmt: skip
    return found


def _strength_missing(profile: PayerProfile) -> Finding:
    return finding("STRENGTH_MISSING", "drug.strength",
                   f"{profile.name} wants the strength of the product (e.g. 100 mg/vial).",
                   "Give the strength printed on the label.", profile,
                   source=profile.source("identification.strength_required"))  # fmt: skip


def check_quantity(
    line: ClaimLine, decision: Decision, profile: PayerProfile, context: CheckContext
) -> tuple[Finding, ...]:
    """The NDC quantity (CTP04) and a unit CTP05-01 accepts (F2, GR, ME, ML, UN)."""
    drug = line.drug
    if drug is None or (drug.ndc is None and not decision.ndc_11):
        return ()
    if drug.quantity is None:
        return (shared_finding(_quantity_missing, profile),)
    if drug.quantity.unit.upper() in NDC_UNIT_CODES:
        return _against_package(drug.quantity.unit.upper(), decision.product, profile)
    return (finding(
            "QUANTITY_UNIT_INVALID", "drug.quantity.unit",
            f'The NDC unit "{drug.quantity.unit}" is not one of {", ".join(NDC_UNIT_CODES)}; '
            "clearinghouses reject it (MG/MCG are accepted only on some paper claims).",
            "Express the NDC quantity in ML (liquids), GR (grams), UN (each: vials, tablets), F2 (international "
            "units) or ME (milligrams, where the payer accepts it).",
            profile,
    ),)  # fmt: skip


def _quantity_missing(profile: PayerProfile) -> Finding:
    return finding(
        "QUANTITY_MISSING", "drug.quantity",
        "The NDC has no quantity; loop 2410 CTP04 (item 24A after the unit qualifier) carries it.",
        'Give the NDC quantity and unit, e.g. {"value": 2, "unit": "UN"} for two vials or ML for volume.',
        profile,
    )  # fmt: skip


# FDA package descriptions end with the innermost content: "... > 10 mL in 1 VIAL, SINGLE-DOSE".
_CONTENT = re.compile(r"([\d.]+)\s*(mL|L|g|kg|mg|mcg|[A-Z][A-Z ,-]*?)\s+in\s+1\s+[A-Z]", re.IGNORECASE)
_UNIT_OF_CONTENT = {"ml": "ML", "l": "ML", "g": "GR", "kg": "GR"}


@lru_cache(maxsize=8192)
def package_unit(description: str | None) -> str | None:
    """The NDC unit the package is counted in: ML for liquids, GR for solids by weight, else UN.

    >>> package_unit("1 VIAL, SINGLE-DOSE in 1 CARTON (0074-1044-01) > 100 mg in 1 VIAL, SINGLE-DOSE")
    'UN'
    >>> package_unit("9 TRAY in 1 BOX (0002-1401-71) > 160 SYRINGE in 1 TRAY > .5 mL in 1 SYRINGE")
    'ML'
    """
    matches = _CONTENT.findall(description or "")
    if not matches:
        return None
    return _UNIT_OF_CONTENT.get(matches[-1][1].strip().lower(), "UN")


def _against_package(unit: str, product: Product | None, profile: PayerProfile) -> tuple[Finding, ...]:
    expected = package_unit(product.package_description if product else None)
    if expected is None or expected == unit or unit == "F2":  # F2 (international units) fits any package
        return ()
    return (finding(
        "QUANTITY_PACKAGE_MISMATCH", "drug.quantity.unit",
        f'The NDC quantity is in {unit}, but the package ("{product.package_description if product else ""}") '
        f"is counted in {expected}.",
        f"Report the NDC quantity in {expected}: ML for liquids, GR for solids by weight, UN for each "
        "(vials of powder, tablets, kits).",
        profile,
    ),)  # fmt: skip
