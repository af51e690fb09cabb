"""decide(line, store): which HCPCS code, on this date of service, and how many units.

The order of the questions is the order of authority:
1. the ASP NDC-HCPCS crosswalk in force on the date of service lists the NDC with a specific
   code -> that code (a NOC code would be wrong);
2. the ASP NOC NDC-HCPCS crosswalk in force lists the NDC -> a NOC code is right, even when
   a descriptor seems to match (vasopressin from Long Grove was NOC in Q4 2025 although
   J2598 "vasopressin, 1 unit" existed);
3. a HCPCS descriptor effective on the date of service names the ingredient, fits the route
   and the setting -> that code when exact and unique, else a probable code to review;
4. otherwise the NOC code for the drug's nature and the setting (``noc_code``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from nocrx.codes.ndc import parse_ndc
from nocrx.codes.units import ROUNDING_SOURCE, billing_units, descriptor_dosage, parse_amount
from nocrx.data.records import CrosswalkRow, HCPCSCode, Release
from nocrx.data.store import Store
from nocrx.decide.descriptors import OPPS_SETTINGS, match_descriptors, search_key
from nocrx.decide.nature import Nature, has_neoplasm_diagnosis, infer_nature, route_class
from nocrx.decide.noc_code import choose_noc_code, is_medicare_payer, is_noc_code
from nocrx.errors import InvalidNDC
from nocrx.model import ClaimLine, Decision, Finding, Product, TraceStep

ASP_XW_SOURCE = "CMS ASP NDC-HCPCS Crosswalk for Medicare Part B Drugs"
NOC_XW_SOURCE = "CMS ASP NOC NDC-HCPCS Crosswalk for Medicare Part B Drugs"
HCPCS_SOURCE = "CMS HCPCS Level II alpha-numeric file"
NOC_UNITS_SOURCE = (
    "WPS and FCSO: Medicare NOC drugs are billed as 1 unit; other units reject with M123 (noc-rules.md 1.3)"
)
JZ_SOURCE = (
    "CMS JW/JZ policy: JZ required from 2023-07-01 (Noridian JF, drug wastage JW and JZ; noc-rules.md 2.1)"
)
JZ_REQUIRED_FROM = date(2023, 7, 1)
JG_REQUIRED_FROM = date(2024, 1, 1)
MAX_CACHED_DECISIONS = 100_000  # per store; a clearinghouse day repeats far fewer distinct drug lines
MAX_SET_ASIDE_STEPS = 4  # trace lines for descriptor codes set aside; the rest are listed in one line
DEFAULT_COMPOUNDED_CODE = {"medicare": "J7999", "other": "J3490"}


class _Work:
    """The trace, findings and releases gathered while deciding one line."""

    def __init__(self, line: ClaimLine, store: Store) -> None:
        self.line = line
        self.store = store
        self.trace: list[TraceStep] = []
        self.findings: list[Finding] = []
        self.releases: dict[str, str] = {}

    def step(self, step: str, result: str, reason: str, source: str) -> None:
        self.trace.append(TraceStep(step, result, reason, source))

    def release(self, kind: str, what: str) -> Release | None:
        """The release of ``kind`` in force on the DOS; the newest older one, with a warning, if none."""
        day = self.line.date_of_service
        release = self.store.release_in_force(kind, day)
        if release is None:
            older = [
                r for r in self.store.releases(kind) if r.effective_from is None or r.effective_from <= day
            ]
            release = older[-1] if older else None
            self.findings.append(self._missing_release_finding(kind, what, release))
        if release is not None:
            self.releases[kind] = release.release
        return release

    def _missing_release_finding(self, kind: str, what: str, fallback: Release | None) -> Finding:
        key = ("missing_release", kind, self.line.date_of_service)
        return self.store.memoised(key, lambda: self._missing_release(kind, what, fallback))

    def _missing_release(self, kind: str, what: str, fallback: Release | None) -> Finding:
        day = self.line.date_of_service.isoformat()
        loaded = self.store.releases(kind)
        if fallback is not None:
            message = (
                f"No {what} release loaded covers the date of service {day}; the answer uses the older "
                f"release {fallback.release}, and codes may have changed since."
            )
        elif loaded:
            message = (
                f"No {what} release loaded covers the date of service {day} "
                f"(loaded: {', '.join(r.release for r in loaded)})."
            )
        else:
            message = f"No {what} is loaded, so it could not be consulted for {day}."
        return Finding(
            "DATA_RELEASE_MISSING",
            "warning",
            "date_of_service",
            message,
            "Load the release in force on the date of service: nocrx data download, or nocrx data import FILE.",
            f"{what} releases are quarterly; a code can change at any quarter (noc-rules.md 6, M20)",
        )


def decide(line: ClaimLine, store: Store, *, compounded_code: str | None = None) -> Decision:
    """Decide the HCPCS code and billing units for one drug line, with the reasons.

    ``compounded_code`` is the payer's code for compounded drugs (Medicare J7999, the seed's
    generic guidance J3490); by default Medicare payers get J7999 and others J3490.
    """
    # Batches repeat the same drug on the same day: the answer depends only on these facts
    # (and on the store's data, whose load empties the cache).
    key = (
        line.date_of_service, is_medicare_payer(line.payer), line.setting, line.hcpcs, line.drug, line.is_340b,
        has_neoplasm_diagnosis(line.diagnoses), compounded_code,
    )  # fmt: skip
    cache: dict[tuple[object, ...], Decision] = store.memoised(("decisions",), dict)
    decision = cache.get(key)
    if decision is None:
        if len(cache) >= MAX_CACHED_DECISIONS:
            cache.clear()
        decision = cache[key] = _decide(line, store, compounded_code)
    return decision


def _decide(line: ClaimLine, store: Store, compounded_code: str | None) -> Decision:
    work = _Work(line, store)
    ndc_11 = _read_ndc(work)
    product = store.product(ndc_11) if ndc_11 else None
    formulary = store.formulary_entry(ndc_11) if ndc_11 else None
    if product is not None:
        work.step(
            "fda_product",
            product.proprietary_name or product.product_ndc,
            f"{product.nonproprietary_name or ''} {product.route or ''}".strip(),
            product.source,
        )
    ingredient = _ingredient(line, product, formulary)

    decision = _from_asp_crosswalk(work, ndc_11, product)
    if decision is None:
        decision = _from_noc_crosswalk(work, ndc_11, product, ingredient, formulary, compounded_code)
    if decision is None:
        decision = _from_descriptors(work, ndc_11, product, ingredient, formulary, compounded_code)
    _check_line_code(work)
    return _finish(work, decision)


def _read_ndc(work: _Work) -> str | None:
    drug = work.line.drug
    if drug is None or not drug.ndc:
        work.step("ndc", "none", "the line gives no NDC, so the crosswalks cannot be consulted", "input")
        return None
    try:
        ndc = parse_ndc(drug.ndc, resolve=work.store.known_ndc_11s)
    except InvalidNDC as error:
        work.step("ndc", "unreadable", error.message, "NDC 10->11 digit rules (noc-rules.md 1.8)")
        return None
    work.step(
        "ndc",
        ndc.ndc_11,
        f'"{drug.ndc}" in 11-digit 5-4-2 billing form',
        "837P TR3 loop 2410 LIN03 (N4 qualifier, 11 digits); noc-rules.md 1.8",
    )
    return ndc.ndc_11


def _ingredient(line: ClaimLine, product: Product | None, formulary: dict[str, object] | None) -> str | None:
    """The active ingredient's name: the generic in "Brand (generic)", else the FDA name, else the name."""
    name = line.drug.name if line.drug else None
    if name and "(" in name and ")" in name:
        return name[name.index("(") + 1 : name.rindex(")")].strip() or None
    if product and product.nonproprietary_name:
        return product.nonproprietary_name
    if formulary and formulary.get("drug_name"):
        return str(formulary["drug_name"])
    return name


def _from_asp_crosswalk(work: _Work, ndc_11: str | None, product: Product | None) -> Decision | None:
    release = work.release("asp_crosswalk", "ASP NDC-HCPCS crosswalk")
    if ndc_11 is None or release is None:
        return None
    rows = work.store.crosswalk_rows(release, ndc_11)
    if not rows:
        work.step(
            "asp_crosswalk",
            "not listed",
            f"NDC {ndc_11} is not in the {release.release} ASP crosswalk",
            f"{ASP_XW_SOURCE}, {release.release}",
        )
        return None
    setting = work.line.setting
    usable = [r for r in rows if not (r.hcpcs or "").startswith("C") or setting in OPPS_SETTINGS]
    for row in rows:
        if row not in usable:
            work.step(
                "asp_crosswalk",
                f"{row.hcpcs} set aside",
                "a C-code, for OPPS/ASC claims only",
                f"{ASP_XW_SOURCE}, {release.release}",
            )
    codes = sorted({r.hcpcs for r in usable if r.hcpcs})
    if not codes:
        return None
    source = f"{ASP_XW_SOURCE}, {release.release}"
    chosen = _choose_listed_code(work, codes, source)
    row = next((r for r in usable if r.hcpcs == chosen), usable[0])
    units, waste = _specific_units(work, row) if chosen else (None, None)
    return Decision(
        code=chosen,
        kind="specific",
        units=units,
        ndc_11=ndc_11,
        waste_units=waste,
        hcpcs_dosage=row.hcpcs_dosage or None,
        candidates=tuple(codes) if len(codes) > 1 else (),
        product=product,
    )


def _choose_listed_code(work: _Work, codes: list[str], source: str) -> str | None:
    line_code = work.line.hcpcs
    if len(codes) == 1:
        work.step(
            "asp_crosswalk",
            codes[0],
            "the crosswalk in force on the date of service lists this NDC under a "
            "specific code, so a NOC code is wrong",
            source,
        )
        return codes[0]
    if line_code in codes:
        work.step(
            "asp_crosswalk",
            line_code,
            f"the NDC is listed under {', '.join(codes)}; the line's own code is one of them",
            source,
        )
        return line_code
    work.step(
        "asp_crosswalk", "several codes", f"the NDC is listed under {', '.join(codes)}: not guessed", source
    )
    work.findings.append(
        Finding(
            "MULTIPLE_SPECIFIC_CODES",
            "error",
            "hcpcs",
            f"The crosswalk lists this NDC under {len(codes)} codes ({', '.join(codes)}); a NOC code is wrong, and "
            "which of these applies depends on the product and the payer.",
            f"Bill one of {', '.join(codes)} (check the descriptors and the payer's policy for this product).",
            source,
        )
    )
    return None


def _specific_units(work: _Work, row: CrosswalkRow) -> tuple[Decimal | None, Decimal | None]:
    dosage = parse_amount(row.hcpcs_dosage)
    drug = work.line.drug
    if dosage is None or drug is None or drug.dose is None:
        work.step(
            "units",
            "not computed",
            f"give the dose administered to compute units of {row.hcpcs_dosage}"
            if dosage
            else f'the HCPCS dosage "{row.hcpcs_dosage}" is not a measurable amount',
            ROUNDING_SOURCE,
        )
        return None, None
    units = billing_units(drug.dose, dosage)
    if units is None:
        work.step(
            "units", "not computed", f"{drug.dose} cannot be expressed in {dosage.unit}", ROUNDING_SOURCE
        )
        return None, None
    work.step(
        "units",
        str(units),
        f"{drug.dose} / {row.hcpcs_dosage} per unit, rounded up to a whole unit",
        ROUNDING_SOURCE,
    )
    waste = billing_units(drug.wasted, dosage) if drug.wasted and drug.wasted.value > 0 else None
    if waste:
        work.step("waste_units", str(waste), f"{drug.wasted} discarded / {row.hcpcs_dosage}", JZ_SOURCE)
    return units, waste


def _from_noc_crosswalk(
    work: _Work,
    ndc_11: str | None,
    product: Product | None,
    ingredient: str | None,
    formulary: dict[str, object] | None,
    compounded_code: str | None,
) -> Decision | None:
    release = work.release("noc_crosswalk", "ASP NOC NDC-HCPCS crosswalk")
    if ndc_11 is None or release is None:
        return None
    rows = work.store.noc_crosswalk_rows(release, ndc_11)
    if not rows:
        return None
    work.step(
        "noc_crosswalk",
        "listed",
        f"NDC {ndc_11} is in the {release.release} NOC crosswalk "
        f"({rows[0].short_description}, {rows[0].hcpcs_dosage}): a NOC code is right, whatever a descriptor "
        "seems to match",
        f"{NOC_XW_SOURCE}, {release.release}",
    )
    nature = _nature(work, product, ingredient, formulary, None)
    return _noc_decision(work, ndc_11, product, nature, compounded_code, hcpcs_dosage=rows[0].hcpcs_dosage)


def _from_descriptors(
    work: _Work,
    ndc_11: str | None,
    product: Product | None,
    ingredient: str | None,
    formulary: dict[str, object] | None,
    compounded_code: str | None,
) -> Decision:
    line = work.line
    release = work.release("hcpcs", "HCPCS Level II code set")
    key = search_key(ingredient) if ingredient else None
    matches = []
    if line.drug and "compounded" in line.drug.category:
        # A compounded preparation is not a commercial product: no specific code describes it.
        work.step("descriptors", "not searched", "a compounded drug has no product-specific code",
                  "noc-rules.md 4 (panaceainc; CMS ch.17 §90.2/90.3)")  # fmt: skip
        key = None
    if release is not None and key and ingredient:
        route = _route_for_search(work, product)
        found = work.store.hcpcs_search(release, key)
        matches = match_descriptors(
            found, ingredient, day=line.date_of_service, route=route, setting=line.setting
        )
    elif not ingredient and key is None:
        work.step(
            "descriptors",
            "not searched",
            "no drug name or FDA product to search the descriptors for",
            HCPCS_SOURCE,
        )
    source = f"{HCPCS_SOURCE}, {release.release}" if release else HCPCS_SOURCE
    set_aside = [m for m in matches if m.excluded_because]
    for m in set_aside[:MAX_SET_ASIDE_STEPS]:
        work.step("descriptors", f"{m.code.hcpcs} set aside", m.excluded_because or "", source)
    if len(set_aside) > MAX_SET_ASIDE_STEPS:
        others = ", ".join(m.code.hcpcs for m in set_aside[MAX_SET_ASIDE_STEPS:])
        work.step("descriptors", f"{len(set_aside) - MAX_SET_ASIDE_STEPS} more set aside", others, source)
    usable = [m for m in matches if not m.excluded_because]
    if not usable and key and release is not None:
        work.step(
            "descriptors",
            "no match",
            f'no code effective on {line.date_of_service} names "{key}" for this route and setting',
            source,
        )
    chemo = next((m.code.hcpcs for m in matches if "J9000" <= m.code.hcpcs <= "J9999"), None)
    nature = _nature(work, product, ingredient, formulary, chemo)
    # "Exact and unique": one usable code, and it names the drug exactly. A second usable
    # code (a labeler-specific or biosimilar code) means a person must choose.
    if len(usable) == 1 and usable[0].is_exact:
        return _descriptor_code(work, usable[0].code, ndc_11, product, nature, source)
    if usable:
        codes = tuple(m.code.hcpcs for m in usable)
        work.step(
            "descriptors",
            "probable: " + ", ".join(codes),
            f'descriptors name "{key}" but no single exact match: a person should compare them with the drug',
            source,
        )
        return replace(_noc_decision(work, ndc_11, product, nature, compounded_code), candidates=codes)
    return _noc_decision(work, ndc_11, product, nature, compounded_code)


def _descriptor_code(
    work: _Work, code: HCPCSCode, ndc_11: str | None, product: Product | None, nature: Nature, source: str
) -> Decision:
    work.step(
        "descriptors",
        code.hcpcs,
        f'"{code.long_description}" names this drug exactly and is effective on the date of service',
        source,
    )
    dosage = descriptor_dosage(code.long_description)
    row = CrosswalkRow(
        hcpcs=code.hcpcs,
        ndc_11=ndc_11 or "",
        drug_name="",
        labeler="",
        hcpcs_dosage=str(dosage) if dosage else "",
        package_size="",
        package_quantity="",
        billing_units="",
        billing_units_per_package="",
    )
    units, waste = _specific_units(work, row)
    return Decision(
        code=code.hcpcs,
        kind="specific",
        units=units,
        ndc_11=ndc_11,
        waste_units=waste,
        hcpcs_dosage=str(dosage) if dosage else None,
        nature=nature.categories,
        nature_is_guessed=nature.is_guessed,
        product=product,
    )


def _noc_decision(
    work: _Work,
    ndc_11: str | None,
    product: Product | None,
    nature: Nature,
    compounded_code: str | None,
    *,
    hcpcs_dosage: str | None = None,
) -> Decision:
    line = work.line
    compounded = (
        compounded_code or DEFAULT_COMPOUNDED_CODE["medicare" if is_medicare_payer(line.payer) else "other"]
    )
    approval = _approval_date(work, product)
    choice = choose_noc_code(line, nature, compounded_code=compounded, approval_date=approval)
    work.step("noc_code", choice.code, choice.reason, choice.source)
    work.step(
        "units", "1", "a NOC drug line is billed as 1 unit; the narrative carries the dose", NOC_UNITS_SOURCE
    )
    return Decision(
        code=choice.code,
        kind="noc",
        units=Decimal(1),
        ndc_11=ndc_11,
        nature=nature.categories,
        nature_is_guessed=nature.is_guessed,
        hcpcs_dosage=hcpcs_dosage,
        product=product,
    )


def _nature(
    work: _Work,
    product: Product | None,
    ingredient: str | None,
    formulary: dict[str, object] | None,
    chemo: str | None,
) -> Nature:
    category = str(formulary["category"]) if formulary and formulary.get("category") else None
    nature = infer_nature(
        work.line, product, ingredient, formulary_category=category, chemotherapy_code=chemo
    )
    label = ", ".join(nature.categories) or "no special category"
    if nature.route:
        label += f"; route {nature.route}"
    work.step(
        "nature",
        label,
        "; ".join(nature.evidence) or "no evidence of a special category",
        "guessed from name evidence: confirm" if nature.is_guessed else "input and loaded data",
    )
    return nature


def _route_for_search(work: _Work, product: Product | None) -> str | None:
    drug = work.line.drug
    return route_class(drug.route if drug and drug.route else (product.route if product else None))


def _approval_date(work: _Work, product: Product | None) -> date | None:
    drug = work.line.drug
    if drug and drug.fda_approval_date:
        return drug.fda_approval_date
    if product and product.start_marketing_date:
        work.step(
            "approval_date",
            product.start_marketing_date.isoformat(),
            "the FDA start-marketing date stands in for the approval date",
            product.source,
        )
        return product.start_marketing_date
    return None


def _check_line_code(work: _Work) -> None:
    """Record whether the line's own code exists on the DOS in the HCPCS release consulted."""
    code = work.line.hcpcs
    release = work.store.release_in_force("hcpcs", work.line.date_of_service)
    if not code or release is None:
        return
    found = work.store.hcpcs_code(release, code)
    source = f"{HCPCS_SOURCE}, {release.release}"
    if found is None:
        work.step(
            "line_code", f"{code} unknown", f"{code} is not in the HCPCS release {release.release}", source
        )
    elif not found.is_valid_on(work.line.date_of_service):
        work.step(
            "line_code",
            f"{code} not valid",
            f"{code} is not effective on {work.line.date_of_service} "
            f"(added {found.add_date}, terminated {found.termination_date})",
            source,
        )
    else:
        work.step("line_code", f"{code} valid", f"{code} is effective on {work.line.date_of_service}", source)


def _finish(work: _Work, decision: Decision) -> Decision:
    modifiers = _recommended_modifiers(work, decision)
    # Built field by field: dataclasses.replace costs more than the rest of a decision.
    return Decision(
        code=decision.code,
        kind=decision.kind,
        units=decision.units,
        ndc_11=decision.ndc_11,
        modifiers=modifiers,
        waste_units=decision.waste_units,
        nature=decision.nature,
        nature_is_guessed=decision.nature_is_guessed,
        hcpcs_dosage=decision.hcpcs_dosage,
        candidates=decision.candidates,
        product=decision.product,
        trace=tuple(work.trace),
        findings=tuple(work.findings),
        data_release=dict(work.releases),
    )


def _recommended_modifiers(work: _Work, decision: Decision) -> tuple[str, ...]:
    line, drug = work.line, work.line.drug
    modifiers: list[str] = []
    container = drug.container if drug else None
    if (
        container is None
        and decision.product
        and "SINGLE-DOSE" in (decision.product.package_description or "").upper()
    ):
        container = "single-dose"
        work.step(
            "container",
            "single-dose",
            "the FDA package description says SINGLE-DOSE",
            decision.product.source,
        )
    if container == "single-dose" and line.date_of_service >= JZ_REQUIRED_FROM and decision.code:
        if decision.waste_units or (drug and drug.wasted and drug.wasted.value > 0):
            work.step(
                "modifiers", "JW on a second line", "part of a single-dose container was discarded", JZ_SOURCE
            )
        else:
            modifiers.append("JZ")
            work.step("modifiers", "JZ", "single-dose container with nothing discarded", JZ_SOURCE)
    if drug and drug.investigational and drug.investigational.study_id:
        modifiers.append("Q0")
        work.step(
            "modifiers",
            "Q0",
            "an investigational item in an approved clinical study",
            "CMS CR 8401; NCD 310.1 (noc-rules.md 2.3)",
        )
    if line.is_340b and line.date_of_service >= JG_REQUIRED_FROM:
        modifiers.append("JG")
        work.step(
            "modifiers",
            "JG",
            "a drug acquired under the 340B program (TB instead for the hospital types that report TB)",
            "CMS 340B modifier guidance, required from 2024-01-01 (noc-rules.md 2.2)",
        )
    return tuple(modifiers)


__all__ = ["decide", "is_noc_code"]
