"""What every check sees besides the line, the decision and the profile: the line as billed.

A line that names its HCPCS code is checked as billed (its code, units and modifiers); a line
without one asks "how do I bill this?", so the checks look at the decision's answer instead.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from nocrx.codes.ndc import parse_ndc
from nocrx.decide.noc_code import NOC_CODES
from nocrx.errors import InvalidNDC
from nocrx.model import ClaimLine, Decision, Finding, PriceEstimate, Severity
from nocrx.payers import PayerProfile
from nocrx.rules.catalog import CATALOG
from nocrx.rules.pricing import estimate_price

if TYPE_CHECKING:
    from nocrx.data.records import Release
    from nocrx.data.store import Store

NOC_DRUG_CODES = NOC_CODES  # one list, kept with the NOC choice in nocrx.decide.noc_code
COMPOUND_CATEGORY = "compounded"


class InForce(NamedTuple):
    """The releases the checks and the price read, in force on one date of service."""

    hcpcs: Release | None = None
    asp_pricing: Release | None = None
    opps_addendum_b: Release | None = None
    noc_pricing: Release | None = None
    has_fda_directory: bool = False  # the FDA NDC directory is not dated: any release loaded answers


NONE_IN_FORCE = InForce()


def in_force(store: Store | None, day: date) -> InForce:
    """The releases in force on ``day``, looked up once per store and day (not once per check)."""
    if store is None:
        return NONE_IN_FORCE
    return store.memoised(("rules.in_force", day), lambda: _in_force(store, day))


def _in_force(store: Store, day: date) -> InForce:
    return InForce(
        store.release_in_force("hcpcs", day),
        store.release_in_force("asp_pricing", day),
        store.release_in_force("opps_addendum_b", day),
        store.release_in_force("noc_pricing", day),
        store.has_fda_directory(),
    )


class CheckContext(NamedTuple):
    """The line as billed (or as nocrx would bill it) and the optional reference-data store.

    A named tuple rather than a frozen dataclass: one is built per line, and a frozen dataclass
    sets each of its ten fields through ``object.__setattr__``.
    """

    code: str | None
    units: Decimal | None
    modifiers: tuple[str, ...]
    is_noc: bool
    is_compound: bool
    as_billed: bool
    ndc_11: str | None = None
    price: PriceEstimate | None = None
    store: Store | None = None
    modifier_set: frozenset[str] = frozenset()
    releases: InForce = NONE_IN_FORCE

    def has(self, *modifiers: str) -> bool:
        return not self.modifier_set.isdisjoint(modifiers)


def make_context(line: ClaimLine, decision: Decision, store: Store | None) -> CheckContext:
    """Build the context: the billed code, units and modifiers, what kind of line it is, the price."""
    as_billed = line.hcpcs is not None
    code = line.hcpcs if as_billed else decision.code
    units = line.units if line.units is not None else decision.units
    modifiers = line.modifiers if as_billed else tuple(dict.fromkeys((*line.modifiers, *decision.modifiers)))
    is_noc = is_noc_code(code, decision, store)
    releases = in_force(store, line.date_of_service)
    return CheckContext(
        code,
        units,
        modifiers,
        is_noc,
        is_compound(line, decision),
        as_billed,
        decision.ndc_11 or _ndc_11(line),
        # The estimate is for what nocrx says to bill: the decision's code and units when it has them.
        _price(line, decision, code, units, store, releases, is_noc=is_noc),
        store,
        frozenset(modifiers),
        releases,
    )


def _price(
    line: ClaimLine,
    decision: Decision,
    code: str | None,
    units: Decimal | None,
    store: Store | None,
    releases: InForce,
    *,
    is_noc: bool,
) -> PriceEstimate | None:
    if decision.code is not None:
        is_noc = is_noc_code(decision.code, decision, store) if decision.code != code else is_noc
        code, units = decision.code, units if decision.units is None else decision.units
    return estimate_price(line, decision, code, units, store, releases, is_noc=is_noc)


def _ndc_11(line: ClaimLine) -> str | None:
    raw = line.drug.ndc if line.drug else None
    if raw is None:
        return None
    try:
        return parse_ndc(raw).ndc_11
    except InvalidNDC:
        return None


def is_noc_code(code: str | None, decision: Decision, store: Store | None = None) -> bool:
    if code is None:
        return False
    if code in NOC_DRUG_CODES or (code == decision.code and decision.kind == "noc"):
        return True
    return store is not None and code in store.noc_code_list()


def is_compound(line: ClaimLine, decision: Decision) -> bool:
    drug = line.drug
    if drug is not None and (COMPOUND_CATEGORY in drug.category or drug.components):
        return True
    return COMPOUND_CATEGORY in decision.nature


def waste_in_notes(code: str | None, profile: PayerProfile) -> bool:
    """True when the payer takes a NOC line's discarded amount in the narrative, not on a JW line."""
    if code == "C9399":
        return profile.waste_c9399_waste == "notes"
    return code in NOC_DRUG_CODES and profile.waste_noc_waste == "notes"


MEMO_LIMIT = 50_000


def remembered(
    profile: PayerProfile, key: object, compute: Callable[..., Iterable[Finding]], *args: object
) -> tuple[Finding, ...]:
    """The findings ``compute(*args)`` of a pure check for ``key`` under ``profile``, worked out once.

    A batch sees the same narratives and diagnosis lists thousands of times; ``key`` must hold
    every input the check reads besides the profile. (``compute`` and its arguments rather than a
    closure: a closure makes the caller's variables cells, on every line.)
    """
    memo = profile.memo
    found: tuple[Finding, ...] | None = memo.get(key)
    if found is None:
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        found = memo[key] = tuple(compute(*args))
    return found


def shared_finding(make: Callable[..., Finding], profile: PayerProfile, *args: Hashable) -> Finding:
    """``make(profile, *args)``, made once per profile and arguments and shared by the lines that get it.

    Findings are immutable, and most repeat across a batch (the same constant message, or the same
    code and modifier). ``make`` reads nothing but its arguments, so they are the whole key.
    """
    key = (make, *args)
    memo = profile.memo
    found: Finding | None = memo.get(key)
    if found is None:
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        found = memo[key] = make(profile, *args)
    return found


def finding(
    code: str,
    field: str,
    message: str,
    fix: str,
    profile: PayerProfile,
    *,
    source: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A Finding with the catalog's severity (or the check's, or the payer's override) and source."""
    rule = CATALOG[code]
    chosen = profile.severities.get(code) or severity or rule.severity
    return Finding(code, chosen, field, message, fix, source or rule.source)  # type: ignore[arg-type]
