"""The payer registry: every profile file, inheritance resolved, settings picked by date of service.

``load_payers()`` reads the shipped profiles and, when given, a user folder (``NOCRX_PAYERS``)
whose files add payers or replace shipped ones with the same id. ``registry.get(id, day)`` returns
the PayerProfile in force on that day: each setting comes from the first profile in the
``extends`` chain with a period covering the day, else from the schema default.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from nocrx.errors import InvalidPayerProfile, UnknownPayer
from nocrx.payers.loader import Period, ProfileFile, read_profile
from nocrx.payers.schema import SETTINGS

logger = logging.getLogger(__name__)

DEFAULT_SOURCE = "nocrx default (no payer rule found; noc-rules.md)"


@dataclass(frozen=True, slots=True)
class PayerProfile:
    """One payer's rules in force on one date of service (what the checks read)."""

    id: str
    name: str
    kind: str
    valid_from: date | None  # the span of dates over which these values hold (None = open)
    valid_to: date | None
    chain: tuple[str, ...]
    narrative_placement: str
    narrative_max_length: int
    narrative_elements: tuple[str, ...]
    narrative_required_elements: tuple[str, ...]
    narrative_extra_elements_harmful: bool
    narrative_per_ml_banned: bool
    narrative_required_for_noc: bool
    identification_ndc_required: bool
    identification_route_required: bool
    identification_strength_required: bool
    identification_doses_per_vial_required: bool
    units_noc: str
    modifiers_allowed: tuple[str, ...]
    modifiers_required: tuple[str, ...]
    modifiers_require_340b: bool
    waste_policy: str
    waste_noc_waste: str
    waste_c9399_waste: str
    waste_skin_substitutes: str
    compound_code: str
    compound_pump_code: str
    compound_pump_modifier: str
    pricing_by_invoice: tuple[str, ...]
    pricing_invoice_when_unpriced: bool
    pricing_invoice_threshold: Decimal
    pricing_attachment: str
    diagnosis_required: bool
    diagnosis_neoplasm_codes: tuple[str, ...]
    diagnosis_neoplasm_severity: str
    diagnosis_label_match: bool
    diagnosis_compendia: tuple[str, ...]
    trial_nct_required: bool
    trial_modifier_required: bool
    trial_z006_required: bool
    trial_institutional_codes_required: bool
    sources: dict[str, str] = field(default_factory=dict)
    severities: dict[str, str] = field(default_factory=dict)
    # Findings of pure checks already worked out under this profile (nocrx.rules.context.remembered).
    memo: dict[object, Any] = field(default_factory=dict, compare=False, repr=False)

    def source(self, path: str) -> str:
        """Where a setting's value comes from: "medicare-palmetto narrative.per_ml_banned: https://..."."""
        return self.sources.get(path, DEFAULT_SOURCE)


class PayerRegistry:
    """Every loaded profile by id; ``get`` resolves one for a date of service."""

    def __init__(self, files: dict[str, ProfileFile]) -> None:
        self._files = dict(sorted(files.items()))
        self._by_day: dict[tuple[str, date], PayerProfile] = {}
        # A profile's values change only at the from/to dates of its periods: resolve once per span.
        self._by_span: dict[tuple[str, int], PayerProfile] = {}
        self._bounds: dict[str, tuple[date, ...]] = {}
        for payer_id in self._files:
            self.chain(payer_id)  # validates every extends chain at load time

    def ids(self) -> tuple[str, ...]:
        return tuple(self._files)

    def file(self, payer_id: str) -> ProfileFile:
        try:
            return self._files[payer_id]
        except KeyError:
            known = ", ".join(self._files)
            raise UnknownPayer(
                f'Unknown payer "{payer_id}". Known payers: {known}.',
                hint="see: nocrx payers list; add one by dropping a TOML file in the NOCRX_PAYERS folder",
            ) from None

    def chain(self, payer_id: str) -> tuple[ProfileFile, ...]:
        """The profile and its ancestors, nearest first."""
        chain = [self.file(payer_id)]
        while chain[-1].extends:
            parent = chain[-1].extends
            if parent not in self._files:
                raise InvalidPayerProfile(f"{chain[-1].file}: extends: no payer profile '{parent}'")
            if any(p.id == parent for p in chain):
                raise InvalidPayerProfile(f"{chain[-1].file}: extends: '{parent}' makes a cycle")
            chain.append(self._files[parent])
        return tuple(chain)

    def get(self, payer_id: str, day: date) -> PayerProfile:
        """The profile in force on ``day`` (UnknownPayer lists the known ids)."""
        profile = self._by_day.get((payer_id, day))
        if profile is None:
            profile = self._by_day[(payer_id, day)] = self._span_profile(payer_id, day)
        return profile

    def _span_profile(self, payer_id: str, day: date) -> PayerProfile:
        bounds = self._bounds.get(payer_id)
        if bounds is None:
            bounds = self._bounds[payer_id] = _boundaries(self.chain(payer_id))
        span = bisect_right(bounds, day)
        profile = self._by_span.get((payer_id, span))
        if profile is None:
            starts = bounds[span - 1] if span else None
            ends = bounds[span] - timedelta(days=1) if span < len(bounds) else None
            profile = self._by_span[(payer_id, span)] = self._resolve(payer_id, day, starts, ends)
        return profile

    def _resolve(self, payer_id: str, day: date, starts: date | None, ends: date | None) -> PayerProfile:
        chain = self.chain(payer_id)
        values, sources = {}, {}
        for spec in SETTINGS:
            period, owner = _pick(chain, day, _settings_of(spec.path))
            values[spec.attr] = spec.default if period is None else period.value
            if period is not None:
                sources[spec.path] = f"{owner} {spec.path}: {period.source}"
        severities = {}
        for code in {c for f in chain for c in f.severities}:
            period, _ = _pick(chain, day, _severities_of(code))
            if period is not None:
                severities[code] = period.value
        first = chain[0]
        return PayerProfile(
            id=first.id, name=first.name, kind=first.kind, valid_from=starts, valid_to=ends,
            chain=tuple(f.id for f in chain),
            sources=sources, severities=severities, **values,
        )  # fmt: skip


def _settings_of(path: str) -> Callable[[ProfileFile], tuple[Period, ...]]:
    return lambda profile: profile.settings.get(path, ())


def _severities_of(code: str) -> Callable[[ProfileFile], tuple[Period, ...]]:
    return lambda profile: profile.severities.get(code, ())


def _boundaries(chain: tuple[ProfileFile, ...]) -> tuple[date, ...]:
    """Every date on which some setting of the chain changes value."""
    points = set()
    for profile in chain:
        for periods in (*profile.settings.values(), *profile.severities.values()):
            for period in periods:
                if period.starts is not None:
                    points.add(period.starts)
                if period.ends is not None and period.ends < date.max:
                    points.add(period.ends + timedelta(days=1))
    return tuple(sorted(points))


def _pick(
    chain: tuple[ProfileFile, ...], day: date, periods_of: Callable[[ProfileFile], tuple[Period, ...]]
) -> tuple[Period | None, str]:
    for profile in chain:
        for period in periods_of(profile):
            if period.covers(day):
                return period, profile.id
    return None, ""


def shipped_profiles() -> list[tuple[Path, str]]:
    """(file name, text) of every profile shipped inside the package."""
    folder = resources.files("nocrx.payers").joinpath("profiles")
    return sorted(
        (Path(entry.name), entry.read_text("utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


def load_payers(extra_dir: Path | None = None) -> PayerRegistry:
    """Load the shipped profiles and those in ``extra_dir`` (which replace shipped ones of the same id)."""
    files = {}
    for path, text in shipped_profiles():
        profile = read_profile(path, text)
        files[profile.id] = profile
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise InvalidPayerProfile(f"{extra_dir}: the NOCRX_PAYERS folder does not exist")
        for path in sorted(extra_dir.glob("*.toml")):
            profile = read_profile(path)
            if profile.id in files:
                logger.info("payer profile %s from %s replaces the shipped one", profile.id, path.name)
            files[profile.id] = profile
    return PayerRegistry(files)
