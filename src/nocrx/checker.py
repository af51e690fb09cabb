"""The one entry point the CLI, the API and batch share: decide a line, then check it.

``Checker(store).check(line)`` returns an Evaluation (code, units, modifiers, findings,
status, narrative, price) for the line's payer (``medicare`` when it names none);
``decide`` alone answers only "which code, how many units".

An Evaluation is a pure function of the line (less its ``line_id``, which no check reads), the
store's data and the payer registry, and batches repeat the same drug line (same drug, dose,
diagnoses, charge) many times: ``check`` keeps the evaluations it made, keyed on the line
without its identifier, and hands a cached one back with the caller's own line. The cache is
bounded, dropped when the store loads data (``Store.memoised`` is cleared then) and belongs to
one Checker, so to one payer registry. Decimals that are equal compare equal however they are
written (1 and 1.0), but the evaluation prints them as written: a hit also compares the numbers
as written, which costs nothing on a line seen for the first time.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date
from operator import attrgetter
from typing import Any

from nocrx.data.store import Store
from nocrx.decide import decide
from nocrx.model import ClaimLine, Decision, Drug, Evaluation, Status, sort_findings
from nocrx.payers import PayerProfile, PayerRegistry, load_payers
from nocrx.rules.engine import evaluate
from nocrx.settings import Settings

DEFAULT_PAYER = "medicare"
# Every ClaimLine field but line_id (an identifier: CLM01 and LX in an 837, the order id in FHIR).
line_fields = attrgetter(*(f.name for f in fields(ClaimLine) if f.name != "line_id"))
EVALUATION_CACHE_SIZE = 16_384  # about 3 KiB each (findings' messages); cleared when full


class Checker:
    """Decides and checks claim lines against one open store and a payer registry.

    Without ``payers`` the shipped profiles are loaded, plus those in ``NOCRX_PAYERS``.
    """

    def __init__(self, store: Store, payers: PayerRegistry | None = None) -> None:
        self.store = store
        self.payers = payers if payers is not None else load_payers(Settings.from_env().payers_dir)
        self._evaluations: dict[Any, Evaluation] = {}
        self._evaluations_of: tuple[object, PayerRegistry | None] = (None, None)  # store generation, registry
        # The profile of each payer as written and date of service, for the registry they came from.
        self._profiles: dict[tuple[str | None, date], PayerProfile] = {}
        self._profiles_of: PayerRegistry | None = None
        self.hits = self.misses = 0

    def profile(self, line: ClaimLine) -> PayerProfile:
        """The line's payer profile in force on its date of service (UnknownPayer if none)."""
        if self._profiles_of is not self.payers:
            self._profiles, self._profiles_of = {}, self.payers
        key = (line.payer, line.date_of_service)
        profile = self._profiles.get(key)
        if profile is None:
            payer_id = (line.payer or DEFAULT_PAYER).strip().lower()
            if len(self._profiles) >= EVALUATION_CACHE_SIZE:  # a service runs for years of dates
                self._profiles.clear()
            profile = self._profiles[key] = self.payers.get(payer_id, line.date_of_service)
        return profile

    def decide(self, line: ClaimLine) -> Decision:
        return decide(line, self.store, compounded_code=self.profile(line).compound_code)

    def code_only(self, line: ClaimLine) -> Evaluation:
        """The decision alone as an Evaluation (`nocrx code`): its own findings, no claim-line rules."""
        decision = self.decide(line)
        findings = sort_findings(decision.findings)
        severities = {f.severity for f in findings}
        status: Status = (
            "errors" if "error" in severities else "warnings" if "warning" in severities else "ok"
        )
        return Evaluation(line, decision, line.payer or DEFAULT_PAYER, findings, status)

    def check(self, line: ClaimLine) -> Evaluation:
        """Decide the line and run every check of its payer (a repeated line is answered from a cache)."""
        cache = self._cache()
        key = line_fields(line)
        cached = cache.get(key)
        if cached is not None and same_numbers_as_written(cached.line, line):
            self.hits += 1
            return cached if cached.line is line else replace(cached, line=line)
        self.misses += 1
        evaluation = self._evaluate(line)
        if len(cache) >= EVALUATION_CACHE_SIZE:
            cache.clear()
        cache[key] = evaluation
        return evaluation

    def _evaluate(self, line: ClaimLine) -> Evaluation:
        profile = self.profile(line)
        decision = decide(line, self.store, compounded_code=profile.compound_code)
        return evaluate(line, decision, profile, store=self.store)

    def _cache(self) -> dict[Any, Evaluation]:
        """This checker's evaluations, emptied when the store has loaded data or the registry changed."""
        # The store's memo is cleared when it loads data, so a new generation object marks a load.
        generation = self.store.memoised(("checker.generation",), object)
        if generation is not self._evaluations_of[0] or self.payers is not self._evaluations_of[1]:
            self._evaluations = {}
            self._evaluations_of = (generation, self.payers)
        return self._evaluations


def same_numbers_as_written(first: ClaimLine, second: ClaimLine) -> bool:
    """True when two lines with equal fields also write every number the same way ("1" is not "1.0")."""
    if first is second:
        return True
    return _line_numbers(first) == _line_numbers(second) and (
        first.drug is second.drug or _drug_numbers(first.drug) == _drug_numbers(second.drug)
    )


def _line_numbers(line: ClaimLine) -> tuple[str, ...]:
    return (str(line.units), str(line.charge), *(str(a.units) for a in line.administration))


def _drug_numbers(drug: Drug | None) -> tuple[str | None, ...]:
    if drug is None:
        return ()
    amounts = (drug.dose, drug.wasted, drug.quantity, *(c.quantity for c in drug.components))
    return (str(drug.doses_per_vial), *(None if a is None else str(a.value) for a in amounts))
