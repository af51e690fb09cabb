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

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from nocrx.data.records import Release
from nocrx.data.store import Store
from nocrx.decide.descriptors import OPPS_SETTINGS, search_key
from nocrx.decide.nature import Nature, has_neoplasm_diagnosis, infer_nature
from nocrx.decide.noc_code import choose_noc_code, is_medicare_payer, is_noc_code
from nocrx.decide.parts import (
    HCPCS_SOURCE,
    JZ_SOURCE,
    DrugFacts,
    Parts,
    Steps,
    asp_crosswalk,
    noc_crosswalk,
    search_descriptors,
)
from nocrx.model import ClaimLine, Decision, Drug, Finding, Product, TraceStep

NOC_UNITS_SOURCE = (
    "WPS and FCSO: Medicare NOC drugs are billed as 1 unit; other units reject with M123 (noc-rules.md 1.3)"
)
JZ_REQUIRED_FROM = date(2023, 7, 1)
JG_REQUIRED_FROM = date(2024, 1, 1)
MAX_CACHED_DECISIONS = 100_000  # per store; a clearinghouse day repeats far fewer distinct drug lines
DEFAULT_COMPOUNDED_CODE = {"medicare": "J7999", "other": "J3490"}
ONE_UNIT = Decimal(1)
NOC_UNITS_STEP = TraceStep(
    "units", "1", "a NOC drug line is billed as 1 unit; the narrative carries the dose", NOC_UNITS_SOURCE
)
JW_STEP = TraceStep(
    "modifiers", "JW on a second line", "part of a single-dose container was discarded", JZ_SOURCE
)
JZ_STEP = TraceStep("modifiers", "JZ", "single-dose container with nothing discarded", JZ_SOURCE)
Q0_STEP = TraceStep(
    "modifiers",
    "Q0",
    "an investigational item in an approved clinical study",
    "CMS CR 8401; NCD 310.1 (noc-rules.md 2.3)",
)
JG_STEP = TraceStep(
    "modifiers",
    "JG",
    "a drug acquired under the 340B program (TB instead for the hospital types that report TB)",
    "CMS 340B modifier guidance, required from 2024-01-01 (noc-rules.md 2.2)",
)
_MISSING = object()
# JZ, Q0 and JG in that order: at most eight lists, each kept once for every decision that has it.
_MODIFIER_LISTS: dict[tuple[str, ...], tuple[str, ...]] = {}


# Batches repeat a few diagnosis lists: test each list's codes once.
_has_neoplasm_diagnosis = lru_cache(maxsize=4096)(has_neoplasm_diagnosis)


class _DependsOn(NamedTuple):
    """Which facts of the line an NDC's ASP crosswalk answer depends on."""

    by_setting: bool
    by_line_code: bool

    def facts(self, is_opps: bool, line_code: str | None) -> tuple[object, object]:
        return (is_opps if self.by_setting else None, line_code if self.by_line_code else None)


class _Answer(NamedTuple):
    """A decision before its modifiers, trace and findings are added."""

    code: str | None
    kind: str
    units: Decimal | None
    waste_units: Decimal | None = None
    hcpcs_dosage: str | None = None
    candidates: tuple[str, ...] = ()
    nature: Nature | None = None


class _Work:
    """The line, its shared facts, and the trace, findings and releases gathered while deciding it."""

    __slots__ = (
        "_releases_on_day", "findings", "has_neoplasm_dx", "is_medicare", "line", "parts", "releases", "store", "trace",
    )  # fmt: skip

    def __init__(self, line: ClaimLine, parts: Parts, is_medicare: bool, has_neoplasm_dx: bool) -> None:
        self.line = line
        self.parts = parts
        self.store = parts.store
        self.is_medicare = is_medicare
        self.has_neoplasm_dx = has_neoplasm_dx
        self.trace: list[TraceStep] = []
        self.findings: list[Finding] = []
        self.releases: dict[str, str] = {}
        self._releases_on_day = parts.releases_on(line.date_of_service)

    def release(self, kind: str) -> Release | None:
        """The release of ``kind`` in force on the DOS; the newest older one, with a warning, if none."""
        release, finding = self._releases_on_day[kind]
        if finding is not None:
            self.findings.append(finding)
        if release is not None:
            self.releases[kind] = release.release
        return release


def decide(line: ClaimLine, store: Store, *, compounded_code: str | None = None) -> Decision:
    """Decide the HCPCS code and billing units for one drug line, with the reasons.

    ``compounded_code`` is the payer's code for compounded drugs (Medicare J7999, the seed's
    generic guidance J3490); by default Medicare payers get J7999 and others J3490.
    """
    # Batches repeat the same drug on the same day: the answer depends only on these facts
    # (and on the store's data, whose load empties the cache).
    is_medicare = is_medicare_payer(line.payer)
    has_neoplasm_dx = _has_neoplasm_diagnosis(tuple(line.diagnoses))
    key = (
        line.date_of_service, is_medicare, line.setting, line.hcpcs, line.is_340b, has_neoplasm_dx, compounded_code,
        *_drug_key(line.drug),
    )  # fmt: skip
    parts: Parts = store.memoised(("decision_parts",), lambda: Parts(store))
    cache = parts.decisions
    decision = cache.get(key)
    if decision is None:
        if len(cache) >= MAX_CACHED_DECISIONS:
            parts.clear()  # the shared parts too: a service runs for months of dates of service
        work = _Work(line, parts, is_medicare, has_neoplasm_dx)
        decision = cache[key] = _decide(work, compounded_code)
    return decision  # type: ignore[no-any-return]


def _drug_key(drug: Drug | None) -> tuple[object, ...]:
    """The drug's facts a decision reads, as plain values (None: no drug at all).

    Not the Drug itself: hashing it runs generated code for it and each Amount, and a cache
    key holding it would keep every line's Drug alive for the garbage collector to scan.
    The strength, quantity, doses per vial and components never change the decision.
    """
    if drug is None:
        return (None,)
    dose, wasted, investigational = drug.dose, drug.wasted, drug.investigational
    return (
        drug.ndc, drug.name, drug.route, drug.container, drug.category, drug.fda_approval_date,
        investigational.study_id if investigational else None,
        *((dose.value, dose.unit) if dose else (None, None)),
        *((wasted.value, wasted.unit) if wasted else (None, None)),
    )  # fmt: skip


def _decide(work: _Work, compounded_code: str | None) -> Decision:
    drug = work.line.drug
    facts = work.parts.drug(drug.ndc if drug else None)
    work.trace.extend(facts.steps)
    answer = _from_asp_crosswalk(work, facts)
    if answer is None:
        ingredient = _ingredient(work.line, facts.product, facts.formulary)
        answer = _from_noc_crosswalk(work, facts, ingredient, compounded_code)
        if answer is None:
            answer = _from_descriptors(work, facts, ingredient, compounded_code)
    _check_line_code(work)
    return _finish(work, facts, answer)


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


def _from_asp_crosswalk(work: _Work, facts: DrugFacts) -> _Answer | None:
    release = work.release("asp_crosswalk")
    ndc_11 = facts.ndc_11
    if ndc_11 is None or release is None:
        return None
    line = work.line
    is_opps = line.setting in OPPS_SETTINGS
    answers = work.parts.asp_answers
    # The setting matters only when a row is a C-code, the line's own code only when the NDC
    # is listed under several codes: most NDCs share one answer for every line.
    key: tuple[object, ...] = (release.id, ndc_11)
    answer = answers.get(key)
    if answer.__class__ is _DependsOn:
        key = (release.id, ndc_11, *answer.facts(is_opps, line.hcpcs))
        answer = answers.get(key)
    if answer is None:
        answer = asp_crosswalk(work.store, release, ndc_11, is_opps, line.hcpcs)
        if len(key) == 2:
            rows = work.store.crosswalk_rows(release, ndc_11)
            by_setting = any((row.hcpcs or "").startswith("C") for row in rows)
            # With a C-code, the other setting may list several codes: then the line's code matters too.
            depends = _DependsOn(
                by_setting, by_setting or (answer[2] is not None and len(answer[2].codes) > 1)
            )
            if depends.by_setting or depends.by_line_code:
                answers[key] = depends
                key = (release.id, ndc_11, *depends.facts(is_opps, line.hcpcs))
        answers[key] = answer
    steps, findings, listed = answer
    work.trace.extend(steps)
    work.findings.extend(findings)
    if listed is None:
        return None
    units, waste = _specific_units(work, listed.row.hcpcs_dosage) if listed.code else (None, None)
    return _Answer(
        listed.code,
        "specific",
        units,
        waste,
        listed.row.hcpcs_dosage or None,
        listed.codes if len(listed.codes) > 1 else (),
    )


def _specific_units(work: _Work, hcpcs_dosage: str) -> tuple[Decimal | None, Decimal | None]:
    drug = work.line.drug
    answer = work.parts.units(hcpcs_dosage, drug.dose if drug else None, drug.wasted if drug else None)
    work.trace.extend(answer.steps)
    return answer.units, answer.waste_units


def _from_noc_crosswalk(
    work: _Work, facts: DrugFacts, ingredient: str | None, compounded_code: str | None
) -> _Answer | None:
    release = work.release("noc_crosswalk")
    ndc_11 = facts.ndc_11
    if ndc_11 is None or release is None:
        return None
    answers = work.parts.noc_answers
    listed = answers.get((release.id, ndc_11), _MISSING)
    if listed is _MISSING:
        listed = answers[release.id, ndc_11] = noc_crosswalk(work.store, release, ndc_11)
    if listed is None:
        return None
    step, hcpcs_dosage = listed  # type: ignore[misc]
    work.trace.append(step)
    nature = _nature(work, facts, ingredient, None)
    return _noc_answer(work, facts, nature, compounded_code, hcpcs_dosage=hcpcs_dosage)


def _from_descriptors(
    work: _Work, facts: DrugFacts, ingredient: str | None, compounded_code: str | None
) -> _Answer:
    line, drug, product = work.line, work.line.drug, facts.product
    release = work.release("hcpcs")
    key = search_key(ingredient) if ingredient else None
    is_compounded = bool(drug and "compounded" in drug.category)
    route = drug.route if drug and drug.route else (product.route if product else None)
    if release is not None and key and ingredient and not is_compounded:
        search = work.parts.descriptor_search(
            release, key, ingredient, route, line.setting, line.date_of_service
        )
    else:  # nothing is searched: the steps depend on no route, setting or day
        searches = work.parts.unsearched
        wanted = (release.id if release else None, key, ingredient, is_compounded)
        found = searches.get(wanted)
        if found is None:
            found = searches[wanted] = search_descriptors(
                (), release, key, ingredient, is_compounded=is_compounded, day=line.date_of_service
            )
        search = found
    work.trace.extend(search.steps)
    nature = _nature(work, facts, ingredient, search.chemotherapy_code)
    if search.exact is not None and search.exact_step is not None:  # set together
        work.trace.append(search.exact_step)
        units, waste = _specific_units(work, search.exact_dosage)
        return _Answer(search.exact.hcpcs, "specific", units, waste, search.exact_dosage or None, (), nature)
    if search.probable_step is not None:
        work.trace.append(search.probable_step)
        return _noc_answer(work, facts, nature, compounded_code)._replace(candidates=search.usable_codes)
    return _noc_answer(work, facts, nature, compounded_code)


def _noc_answer(
    work: _Work,
    facts: DrugFacts,
    nature: Nature,
    compounded_code: str | None,
    *,
    hcpcs_dosage: str | None = None,
) -> _Answer:
    line = work.line
    compounded = compounded_code or DEFAULT_COMPOUNDED_CODE["medicare" if work.is_medicare else "other"]
    approval = line.drug.fda_approval_date if line.drug else None
    answers = work.parts.noc_codes
    # The product follows from the NDC; the choice reads the nature's categories and route only.
    key = (
        facts.ndc_11,
        nature.categories,
        nature.route,
        line.setting,
        work.is_medicare,
        compounded,
        approval,
    )
    answer = answers.get(key)
    if answer is None:
        answer = answers[key] = _noc_code(work, facts.product, nature, compounded)
    code, steps = answer
    work.trace.extend(steps)
    return _Answer(code, "noc", ONE_UNIT, None, hcpcs_dosage, (), nature)


def _noc_code(work: _Work, product: Product | None, nature: Nature, compounded: str) -> tuple[str, Steps]:
    steps: list[TraceStep] = []
    approval = _approval_date(work, product, steps)
    choice = choose_noc_code(work.line, nature, compounded_code=compounded, approval_date=approval)
    steps.append(TraceStep("noc_code", choice.code, choice.reason, choice.source))
    steps.append(NOC_UNITS_STEP)
    return choice.code, tuple(steps)


def _nature(work: _Work, facts: DrugFacts, ingredient: str | None, chemo: str | None) -> Nature:
    # The product, formulary row and ingredient follow from the NDC and the drug's name.
    drug = work.line.drug
    if drug is None:
        key: tuple[object, ...] = (facts.ndc_11, chemo, work.has_neoplasm_dx)
    else:
        key = (facts.ndc_11, drug.category, drug.route, drug.name, chemo, work.has_neoplasm_dx)
    answers = work.parts.natures
    answer = answers.get(key)
    if answer is None:
        answer = answers[key] = _infer_nature(work.line, facts.product, ingredient, facts.formulary, chemo)
    nature, step = answer
    work.trace.append(step)
    return nature  # type: ignore[no-any-return]


def _infer_nature(
    line: ClaimLine,
    product: Product | None,
    ingredient: str | None,
    formulary: dict[str, object] | None,
    chemo: str | None,
) -> tuple[Nature, TraceStep]:
    category = str(formulary["category"]) if formulary and formulary.get("category") else None
    nature = infer_nature(line, product, ingredient, formulary_category=category, chemotherapy_code=chemo)
    label = ", ".join(nature.categories) or "no special category"
    if nature.route:
        label += f"; route {nature.route}"
    step = TraceStep(
        "nature",
        label,
        "; ".join(nature.evidence) or "no evidence of a special category",
        "guessed from name evidence: confirm" if nature.is_guessed else "input and loaded data",
    )
    return nature, step


def _approval_date(work: _Work, product: Product | None, steps: list[TraceStep]) -> date | None:
    drug = work.line.drug
    if drug and drug.fda_approval_date:
        return drug.fda_approval_date
    if product and product.start_marketing_date:
        steps.append(
            TraceStep(
                "approval_date",
                product.start_marketing_date.isoformat(),
                "the FDA start-marketing date stands in for the approval date",
                product.source,
            )
        )
        return product.start_marketing_date
    return None


def _check_line_code(work: _Work) -> None:
    """Record whether the line's own code exists on the DOS in the HCPCS release consulted."""
    code = work.line.hcpcs
    if not code:
        return
    day = work.line.date_of_service
    steps = work.parts.line_codes
    step = steps.get((code, day), _MISSING)
    if step is _MISSING:
        step = steps[code, day] = _line_code_step(work.store, code, day)
    if step is not None:
        work.trace.append(step)  # type: ignore[arg-type]


def _line_code_step(store: Store, code: str, day: date) -> TraceStep | None:
    release = store.release_in_force("hcpcs", day)
    if release is None:
        return None
    found = store.hcpcs_code(release, code)
    source = f"{HCPCS_SOURCE}, {release.release}"
    if found is None:
        return TraceStep(
            "line_code", f"{code} unknown", f"{code} is not in the HCPCS release {release.release}", source
        )
    if not found.is_valid_on(day):
        reason = (
            f"{code} is not effective on {day} (added {found.add_date}, terminated {found.termination_date})"
        )
        return TraceStep("line_code", f"{code} not valid", reason, source)
    return TraceStep("line_code", f"{code} valid", f"{code} is effective on {day}", source)


def _finish(work: _Work, facts: DrugFacts, answer: _Answer) -> Decision:
    modifiers = _recommended_modifiers(work, facts.product, answer)
    nature = answer.nature
    return Decision(
        code=answer.code,
        kind=answer.kind,  # type: ignore[arg-type]
        units=answer.units,
        ndc_11=facts.ndc_11,
        modifiers=modifiers,
        waste_units=answer.waste_units,
        nature=nature.categories if nature else (),
        nature_is_guessed=nature.is_guessed if nature else False,
        hcpcs_dosage=answer.hcpcs_dosage,
        candidates=answer.candidates,
        product=facts.product,
        trace=tuple(work.trace),
        findings=tuple(work.findings),
        data_release=work.releases,
    )


@lru_cache(maxsize=256)
def _single_dose_step(source: str) -> TraceStep:
    """One step per FDA release, shared by every decision it explains (fewer objects to collect)."""
    return TraceStep("container", "single-dose", "the FDA package description says SINGLE-DOSE", source)


def _recommended_modifiers(work: _Work, product: Product | None, answer: _Answer) -> tuple[str, ...]:
    line, drug = work.line, work.line.drug
    modifiers: list[str] = []
    container = drug.container if drug else None
    if container is None and product and "SINGLE-DOSE" in (product.package_description or "").upper():
        container = "single-dose"
        work.trace.append(_single_dose_step(product.source))
    if container == "single-dose" and line.date_of_service >= JZ_REQUIRED_FROM and answer.code:
        if answer.waste_units or (drug and drug.wasted and drug.wasted.value > 0):
            work.trace.append(JW_STEP)
        else:
            modifiers.append("JZ")
            work.trace.append(JZ_STEP)
    if drug and drug.investigational and drug.investigational.study_id:
        modifiers.append("Q0")
        work.trace.append(Q0_STEP)
    if line.is_340b and line.date_of_service >= JG_REQUIRED_FROM:
        modifiers.append("JG")
        work.trace.append(JG_STEP)
    as_tuple = tuple(modifiers)
    return _MODIFIER_LISTS.setdefault(as_tuple, as_tuple)  # one tuple per combination, shared


__all__ = ["decide", "is_noc_code"]
