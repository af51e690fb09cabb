"""A price estimate where the loaded data has one: ASP payment limit (or the NOC pricing file's limit)
x billing units, or the OPPS Addendum B rate for hospital outpatient lines.

The ASP file's payment limit is already 106% of ASP per billing unit (42 USC 1395w-3a); NOC drugs
on the quarterly NOC pricing file are priced from it (WPS); other NOC drugs are contractor-priced
(WAC, AWP or invoice), which nocrx does not estimate.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from nocrx.model import Amount, ClaimLine, Decision, PriceEstimate, format_number
from nocrx.rules import sources as src

if TYPE_CHECKING:
    from collections.abc import Callable

    from nocrx.data.records import Release
    from nocrx.data.store import Store
    from nocrx.rules.context import InForce

    Pricer = Callable[[Store, Release, str, Decimal], PriceEstimate | None]

_MASS_MG = {"mg": Decimal(1), "mcg": Decimal("0.001"), "g": Decimal(1000), "gm": Decimal(1000)}
_DOSAGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)")
CENT = Decimal("0.01")


def estimate_price(line: ClaimLine, decision: Decision, code: str | None, units: Decimal | None,
                   store: Store | None, releases: InForce, *, is_noc: bool) -> PriceEstimate | None:  # fmt: skip
    """The estimate for the billed code, or None when the data has no price for it."""
    if store is None or code is None:
        return None
    if line.setting == "outpatient-hospital" and units is not None:
        release = releases.opps_addendum_b
        price = _priced_once(_opps_price, store, release, code, units) if release is not None else None
        if price is not None:
            return price
    if not is_noc:
        release = releases.asp_pricing
        if release is None or units is None:
            return None
        return _priced_once(_asp_price, store, release, code, units)
    return _noc_file(line, decision, store, releases.noc_pricing)


# An estimate is a pure function of the release, the code and the units: worked out once per store
# (whose memo is cleared when it loads data). The units are keyed as written, since they are printed.


def _priced_once(
    price: Pricer, store: Store, release: Release, code: str, units: Decimal
) -> PriceEstimate | None:
    return store.memoised(
        ("rules.price", price, release.id, code, str(units)), lambda: price(store, release, code, units)
    )


def _asp_price(store: Store, release: Release, code: str, units: Decimal) -> PriceEstimate | None:
    found = store.asp_payment_limit(release, code)
    if found is None:
        return None
    limit, dosage = found
    return PriceEstimate(
        (limit * units).quantize(CENT, ROUND_HALF_UP),
        f"ASP payment limit ${limit} per {code} unit ({dosage}) x {format_number(units)} units "
        f"({release.label})", src.ASP_LAW,
    )  # fmt: skip


def _opps_price(store: Store, release: Release, code: str, units: Decimal) -> PriceEstimate | None:
    entry = store.opps_entry(release, code)
    if entry is None:
        return None
    indicator, apc, rate = entry
    if rate is None:
        return None
    return PriceEstimate((rate * units).quantize(CENT, ROUND_HALF_UP),
                         f"OPPS payment rate ${rate} (SI {indicator}, APC {apc}) x {format_number(units)} "
                         f"({release.label})", "CMS OPPS Addendum B")  # fmt: skip


def _noc_file(
    line: ClaimLine, decision: Decision, store: Store, release: Release | None
) -> PriceEstimate | None:
    drug = line.drug
    if drug is None or drug.dose is None or release is None:
        return None
    by_name = _noc_index(store, release)
    for name in _names(line, decision):
        for generic, dosage, limit in by_name.get(name.strip().lower(), ()) if name else ():
            units = _units(drug.dose, dosage)
            if units is not None:
                return PriceEstimate(
                    (limit * units).quantize(CENT, ROUND_HALF_UP),
                    f"NOC pricing file: ${limit} per {dosage} of {generic} x {format_number(units)} "
                    f"({release.label})", src.WPS_TIPS,
                )  # fmt: skip
    return None


def _noc_index(store: Store, release: Release) -> dict[str, tuple[tuple[str, str, Decimal], ...]]:
    """The NOC pricing rows of a release by lower-case generic name (built once per store and release)."""
    return store.memoised(
        ("rules.noc_index", release.id), lambda: _index_by_name(store.noc_payment_limits(release))
    )


def _index_by_name(
    rows: tuple[tuple[str, str, Decimal], ...],
) -> dict[str, tuple[tuple[str, str, Decimal], ...]]:
    index: dict[str, list[tuple[str, str, Decimal]]] = {}
    for row in rows:
        index.setdefault(row[0].strip().lower(), []).append(row)
    return {name: tuple(rows) for name, rows in index.items()}


def _names(line: ClaimLine, decision: Decision) -> tuple[str | None, ...]:
    product = decision.product
    own = line.drug.name if line.drug else None
    return (own, product.nonproprietary_name, product.proprietary_name) if product else (own,)


def _units(dose: Amount, dosage: str) -> Decimal | None:
    match = _DOSAGE.match(dosage)
    if match is None:
        return None
    per, unit = Decimal(match.group(1)), match.group(2).lower()
    dose_unit = dose.unit.lower()
    if unit in _MASS_MG and dose_unit in _MASS_MG and per > 0:
        ratio = dose.value * _MASS_MG[dose_unit] / (per * _MASS_MG[unit])
        return max(Decimal(1), ratio.to_integral_value(ROUND_CEILING))
    if unit.rstrip("s") == dose_unit.rstrip("s") and per > 0:
        return max(Decimal(1), (dose.value / per).to_integral_value(ROUND_CEILING))
    return None
