"""The parts of a decision that many lines share, each worked out once per store.

A batch asks the same sub-questions thousands of times: what this NDC is, which crosswalk
release is in force on this day, what that release says of this NDC, how many units this dose
is in that HCPCS dosage. ``Parts`` answers each once, with the trace steps (and findings) it
adds as immutable tuples, so ``decide`` only joins them for each line. It lives in the store's
memo, which a data load empties, so an answer never outlives the data it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from nocrx.codes.ndc import parse_ndc
from nocrx.codes.units import ROUNDING_SOURCE, billing_units, descriptor_dosage, parse_amount
from nocrx.data.records import CrosswalkRow, HCPCSCode, Release
from nocrx.data.store import Store
from nocrx.decide.descriptors import (
    OPPS_SETTINGS,
    DescriptorMatch,
    ingredient_words,
    judge_descriptors,
    matches_on,
)
from nocrx.decide.nature import route_class
from nocrx.errors import InvalidNDC
from nocrx.model import Amount, Finding, Product, TraceStep

Steps = tuple[TraceStep, ...]

ASP_XW_SOURCE = "CMS ASP NDC-HCPCS Crosswalk for Medicare Part B Drugs"
NOC_XW_SOURCE = "CMS ASP NOC NDC-HCPCS Crosswalk for Medicare Part B Drugs"
HCPCS_SOURCE = "CMS HCPCS Level II alpha-numeric file"
JZ_SOURCE = (
    "CMS JW/JZ policy: JZ required from 2023-07-01 (Noridian JF, drug wastage JW and JZ; noc-rules.md 2.1)"
)
# The kinds of release a decision consults, as its warnings name them.
RELEASE_KINDS = {
    "asp_crosswalk": "ASP NDC-HCPCS crosswalk",
    "noc_crosswalk": "ASP NOC NDC-HCPCS crosswalk",
    "hcpcs": "HCPCS Level II code set",
}
_route_class = lru_cache(maxsize=1024)(route_class)  # a batch names a handful of routes
MAX_SET_ASIDE_STEPS = 4  # trace lines for descriptor codes set aside; the rest are listed in one line


@dataclass(frozen=True, slots=True)
class DrugFacts:
    """What the line's NDC is: its billing form, FDA product and formulary row, with their steps."""

    ndc_11: str | None
    product: Product | None
    formulary: dict[str, object] | None
    steps: Steps


@dataclass(frozen=True, slots=True)
class ListedCode:
    """The specific code(s) a crosswalk release lists an NDC under (``code`` None: not guessed)."""

    code: str | None
    row: CrosswalkRow
    codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Units:
    units: Decimal | None
    waste_units: Decimal | None
    steps: Steps


@dataclass(frozen=True, slots=True)
class DescriptorSearch:
    """The descriptor codes found for an ingredient on a day, judged; ``exact`` is the one exact match."""

    steps: Steps
    usable_codes: tuple[str, ...]
    exact: HCPCSCode | None
    exact_step: TraceStep | None
    exact_dosage: str  # the exact code's descriptor dosage ("" when it states none)
    probable_step: TraceStep | None
    chemotherapy_code: str | None


@dataclass(frozen=True, slots=True)
class JudgedCodes:
    """The codes found for a search, judged for everything but the day, and the days all are effective."""

    matches: tuple[DescriptorMatch, ...]
    all_effective_from: date | None  # every code is effective from this day (None: no lower bound) ...
    all_effective_to: date | None  # ... through this day (None: no upper bound)
    any_usable: bool  # some code is usable on a day when every code is effective

    @classmethod
    def of(cls, matches: tuple[DescriptorMatch, ...]) -> JudgedCodes:
        added = [m.code.add_date for m in matches if m.code.add_date is not None]
        terminated = [m.code.termination_date for m in matches if m.code.termination_date is not None]
        usable = any(m.excluded_because is None for m in matches)
        return cls(matches, max(added, default=None), min(terminated, default=None), usable)

    def shares_answer_on(self, day: date) -> bool:
        """True when every code is effective on ``day`` and one is usable: the search's steps name no day."""
        if not self.any_usable:
            return False
        if self.all_effective_from is not None and day < self.all_effective_from:
            return False
        return self.all_effective_to is None or day <= self.all_effective_to


class Parts:
    """One store's shared answers (kept in ``store.memoised``, so a data load empties them)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.decisions: dict[tuple[object, ...], Any] = {}
        self._drugs: dict[str | None, DrugFacts] = {}
        self._days: dict[date, dict[str, tuple[Release | None, Finding | None]]] = {}
        self._units: dict[tuple[object, ...], Units] = {}
        self._judged: dict[tuple[object, ...], JudgedCodes] = {}
        self._searches: dict[tuple[object, ...], DescriptorSearch] = {}
        # Answers decide() reads with ``get`` and fills itself, one table per kind of question.
        self.asp_answers: dict[tuple[object, ...], Any] = {}
        self.noc_answers: dict[tuple[object, ...], Any] = {}
        self.unsearched: dict[tuple[object, ...], DescriptorSearch] = {}  # lines with no search to run
        self.natures: dict[tuple[object, ...], Any] = {}
        self.noc_codes: dict[tuple[object, ...], Any] = {}
        self.line_codes: dict[tuple[object, ...], TraceStep | None] = {}

    def clear(self) -> None:
        """Forget every answer (a long-running service bounds its memory this way)."""
        self.decisions.clear()
        self._drugs.clear()
        self._days.clear()
        self._units.clear()
        self._judged.clear()
        self._searches.clear()
        for answers in (self.asp_answers, self.noc_answers, self.unsearched, self.natures, self.noc_codes):
            answers.clear()
        self.line_codes.clear()

    def drug(self, raw_ndc: str | None) -> DrugFacts:
        facts = self._drugs.get(raw_ndc)
        if facts is None:
            facts = self._drugs[raw_ndc] = _drug_facts(self.store, raw_ndc)
        return facts

    def releases_on(self, day: date) -> dict[str, tuple[Release | None, Finding | None]]:
        """For each kind the decision consults: the release to use on ``day``, and a warning if none covers it."""
        releases = self._days.get(day)
        if releases is None:
            releases = self._days[day] = {
                kind: _release_for_day(self.store, kind, what, day) for kind, what in RELEASE_KINDS.items()
            }
        return releases

    def descriptor_search(
        self, release: Release, key: str, ingredient: str, route: str | None, setting: str | None, day: date
    ) -> DescriptorSearch:
        """Search ``release``'s descriptors for ``key`` and judge what is found on ``day``.

        The judgement reads only the ingredient's words, the route's class and whether the
        setting is OPPS/ASC; the day changes the answer only when it sets a code aside or
        leaves none usable (those steps name the day), so other days share one answer.
        """
        is_opps = setting in OPPS_SETTINGS
        words = ingredient_words(ingredient)
        route_group = _route_class(route)
        wanted = (release.id, key, words, route_group, is_opps)
        judged = self._judged.get(wanted)
        if judged is None:
            found = self.store.hcpcs_search(release, key)
            judged = self._judged[wanted] = JudgedCodes.of(
                judge_descriptors(found, ingredient, route=route_group, setting=setting)
            )
        searched = (wanted, None if judged.shares_answer_on(day) else day)
        search = self._searches.get(searched)
        if search is None:
            search = self._searches[searched] = search_descriptors(
                judged.matches, release, key, ingredient, is_compounded=False, day=day
            )
        return search

    def units(self, hcpcs_dosage: str, dose: Amount | None, wasted: Amount | None) -> Units:
        # Plain values, not the Amounts: cheaper to hash, and no line's Amount kept alive.
        key = (
            hcpcs_dosage,
            *((dose.value, dose.unit) if dose else (None, None)),
            *((wasted.value, wasted.unit) if wasted else (None, None)),
        )
        answer = self._units.get(key)
        if answer is None:
            answer = self._units[key] = _units(hcpcs_dosage, dose, wasted)
        return answer


def _drug_facts(store: Store, raw_ndc: str | None) -> DrugFacts:
    ndc_11, step = _read_ndc(store, raw_ndc)
    product = store.product(ndc_11) if ndc_11 else None
    formulary = store.formulary_entry(ndc_11) if ndc_11 else None
    steps = [step]
    if product is not None:
        steps.append(
            TraceStep(
                "fda_product",
                product.proprietary_name or product.product_ndc,
                f"{product.nonproprietary_name or ''} {product.route or ''}".strip(),
                product.source,
            )
        )
    return DrugFacts(ndc_11, product, formulary, tuple(steps))


def _read_ndc(store: Store, raw_ndc: str | None) -> tuple[str | None, TraceStep]:
    if not raw_ndc:
        return None, TraceStep(
            "ndc", "none", "the line gives no NDC, so the crosswalks cannot be consulted", "input"
        )
    try:
        ndc = parse_ndc(raw_ndc, resolve=store.known_ndc_11s)
    except InvalidNDC as error:
        return None, TraceStep(
            "ndc", "unreadable", error.message, "NDC 10->11 digit rules (noc-rules.md 1.8)"
        )
    return ndc.ndc_11, TraceStep(
        "ndc",
        ndc.ndc_11,
        f'"{raw_ndc}" in 11-digit 5-4-2 billing form',
        "837P TR3 loop 2410 LIN03 (N4 qualifier, 11 digits); noc-rules.md 1.8",
    )


def _release_for_day(store: Store, kind: str, what: str, day: date) -> tuple[Release | None, Finding | None]:
    """The release of ``kind`` in force on ``day``; the newest older one, with a warning, if none."""
    release = store.release_in_force(kind, day)
    if release is not None:
        return release, None
    older = [r for r in store.releases(kind) if r.effective_from is None or r.effective_from <= day]
    fallback = older[-1] if older else None
    return fallback, _missing_release(store, kind, what, day, fallback)


def _missing_release(store: Store, kind: str, what: str, day: date, fallback: Release | None) -> Finding:
    day_text = day.isoformat()
    loaded = store.releases(kind)
    if fallback is not None:
        message = (
            f"No {what} release loaded covers the date of service {day_text}; the answer uses the older "
            f"release {fallback.release}, and codes may have changed since."
        )
    elif loaded:
        message = (
            f"No {what} release loaded covers the date of service {day_text} "
            f"(loaded: {', '.join(r.release for r in loaded)})."
        )
    else:
        message = f"No {what} is loaded, so it could not be consulted for {day_text}."
    return Finding(
        "DATA_RELEASE_MISSING",
        "warning",
        "date_of_service",
        message,
        "Load the release in force on the date of service: nocrx data download, or nocrx data import FILE.",
        f"{what} releases are quarterly; a code can change at any quarter (noc-rules.md 6, M20)",
    )


def _units(hcpcs_dosage: str, dose: Amount | None, wasted: Amount | None) -> Units:
    dosage = parse_amount(hcpcs_dosage)
    if dosage is None or dose is None:
        reason = (
            f"give the dose administered to compute units of {hcpcs_dosage}"
            if dosage
            else f'the HCPCS dosage "{hcpcs_dosage}" is not a measurable amount'
        )
        return Units(None, None, (TraceStep("units", "not computed", reason, ROUNDING_SOURCE),))
    units = billing_units(dose, dosage)
    if units is None:
        step = TraceStep(
            "units", "not computed", f"{dose} cannot be expressed in {dosage.unit}", ROUNDING_SOURCE
        )
        return Units(None, None, (step,))
    steps = [
        TraceStep(
            "units",
            str(units),
            f"{dose} / {hcpcs_dosage} per unit, rounded up to a whole unit",
            ROUNDING_SOURCE,
        )
    ]
    waste = billing_units(wasted, dosage) if wasted and wasted.value > 0 else None
    if waste:
        steps.append(TraceStep("waste_units", str(waste), f"{wasted} discarded / {hcpcs_dosage}", JZ_SOURCE))
    return Units(units, waste, tuple(steps))


def asp_crosswalk(
    store: Store, release: Release, ndc_11: str, is_opps: bool, line_code: str | None
) -> tuple[Steps, tuple[Finding, ...], ListedCode | None]:
    """What an ASP crosswalk release says of an NDC, for a claim in or out of OPPS/ASC."""
    rows = store.crosswalk_rows(release, ndc_11)
    source = f"{ASP_XW_SOURCE}, {release.release}"
    if not rows:
        reason = f"NDC {ndc_11} is not in the {release.release} ASP crosswalk"
        return (TraceStep("asp_crosswalk", "not listed", reason, source),), (), None
    usable = [r for r in rows if not (r.hcpcs or "").startswith("C") or is_opps]
    steps = [
        TraceStep("asp_crosswalk", f"{row.hcpcs} set aside", "a C-code, for OPPS/ASC claims only", source)
        for row in rows
        if row not in usable
    ]
    codes = sorted({r.hcpcs for r in usable if r.hcpcs})
    if not codes:
        return tuple(steps), (), None
    chosen, findings = _choose_listed_code(codes, line_code, source, steps)
    row = next((r for r in usable if r.hcpcs == chosen), usable[0])
    return tuple(steps), findings, ListedCode(chosen, row, tuple(codes))


def _choose_listed_code(
    codes: list[str], line_code: str | None, source: str, steps: list[TraceStep]
) -> tuple[str | None, tuple[Finding, ...]]:
    if len(codes) == 1:
        steps.append(
            TraceStep(
                "asp_crosswalk",
                codes[0],
                "the crosswalk in force on the date of service lists this NDC under a "
                "specific code, so a NOC code is wrong",
                source,
            )
        )
        return codes[0], ()
    listed = ", ".join(codes)
    if line_code in codes:
        reason = f"the NDC is listed under {listed}; the line's own code is one of them"
        steps.append(TraceStep("asp_crosswalk", line_code, reason, source))
        return line_code, ()
    steps.append(
        TraceStep("asp_crosswalk", "several codes", f"the NDC is listed under {listed}: not guessed", source)
    )
    finding = Finding(
        "MULTIPLE_SPECIFIC_CODES",
        "error",
        "hcpcs",
        f"The crosswalk lists this NDC under {len(codes)} codes ({listed}); a NOC code is wrong, and "
        "which of these applies depends on the product and the payer.",
        f"Bill one of {listed} (check the descriptors and the payer's policy for this product).",
        source,
    )
    return None, (finding,)


def noc_crosswalk(store: Store, release: Release, ndc_11: str) -> tuple[TraceStep, str] | None:
    """The step and HCPCS dosage when a NOC crosswalk release lists the NDC, else None."""
    rows = store.noc_crosswalk_rows(release, ndc_11)
    if not rows:
        return None
    step = TraceStep(
        "noc_crosswalk",
        "listed",
        f"NDC {ndc_11} is in the {release.release} NOC crosswalk "
        f"({rows[0].short_description}, {rows[0].hcpcs_dosage}): a NOC code is right, whatever a descriptor "
        "seems to match",
        f"{NOC_XW_SOURCE}, {release.release}",
    )
    return step, rows[0].hcpcs_dosage


def search_descriptors(
    judged: tuple[DescriptorMatch, ...],
    release: Release | None,
    key: str | None,
    ingredient: str | None,
    *,
    is_compounded: bool,
    day: date,
) -> DescriptorSearch:
    """Judge on ``day`` the codes found in a HCPCS release's descriptors for the ingredient."""
    steps: list[TraceStep] = []
    matches = []
    if is_compounded:
        # A compounded preparation is not a commercial product: no specific code describes it.
        steps.append(TraceStep("descriptors", "not searched", "a compounded drug has no product-specific code",
                               "noc-rules.md 4 (panaceainc; CMS ch.17 §90.2/90.3)"))  # fmt: skip
        key = None
    if release is not None and key and ingredient:
        matches = matches_on(judged, day)
    elif not ingredient and key is None:
        reason = "no drug name or FDA product to search the descriptors for"
        steps.append(TraceStep("descriptors", "not searched", reason, HCPCS_SOURCE))
    source = f"{HCPCS_SOURCE}, {release.release}" if release else HCPCS_SOURCE
    set_aside = [m for m in matches if m.excluded_because]
    for m in set_aside[:MAX_SET_ASIDE_STEPS]:
        steps.append(TraceStep("descriptors", f"{m.code.hcpcs} set aside", m.excluded_because or "", source))
    if len(set_aside) > MAX_SET_ASIDE_STEPS:
        others = ", ".join(m.code.hcpcs for m in set_aside[MAX_SET_ASIDE_STEPS:])
        steps.append(
            TraceStep("descriptors", f"{len(set_aside) - MAX_SET_ASIDE_STEPS} more set aside", others, source)
        )
    usable = [m for m in matches if not m.excluded_because]
    if not usable and key and release is not None:
        reason = f'no code effective on {day} names "{key}" for this route and setting'
        steps.append(TraceStep("descriptors", "no match", reason, source))
    chemo = next((m.code.hcpcs for m in matches if "J9000" <= m.code.hcpcs <= "J9999"), None)
    codes = tuple(m.code.hcpcs for m in usable)
    # "Exact and unique": one usable code, and it names the drug exactly. A second usable
    # code (a labeler-specific or biosimilar code) means a person must choose.
    exact = usable[0].code if len(usable) == 1 and usable[0].is_exact else None
    exact_step, exact_dosage, probable_step = None, "", None
    if exact is not None:
        reason = f'"{exact.long_description}" names this drug exactly and is effective on the date of service'
        exact_step = TraceStep("descriptors", exact.hcpcs, reason, source)
        dosage = descriptor_dosage(exact.long_description)
        exact_dosage = str(dosage) if dosage else ""
    elif usable:
        reason = (
            f'descriptors name "{key}" but no single exact match: a person should compare them with the drug'
        )
        probable_step = TraceStep("descriptors", "probable: " + ", ".join(codes), reason, source)
    return DescriptorSearch(tuple(steps), codes, exact, exact_step, exact_dosage, probable_step, chemo)
