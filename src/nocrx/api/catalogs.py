"""What the service lists and draws, from the parts of nocrx that provide it.

Payer profiles (``nocrx.payers``), the rule catalog (``nocrx.rules.catalog``) and the
renderings (``nocrx.render``: 837P loop 2400/2410 segments, the CMS-1500 24A shaded line)
are read here, so the routes stay thin.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from nocrx.errors import NocrxError
from nocrx.model import Evaluation

logger = logging.getLogger(__name__)


def payer_summaries(payers_dir: Path | None = None) -> list[dict[str, Any]]:
    """Every payer profile (shipped, and those in NOCRX_PAYERS): id, name, kind, jurisdiction, extends."""
    from nocrx.payers.registry import load_payers

    registry = load_payers(payers_dir)
    summaries = []
    for payer_id in registry.ids():
        profile = registry.file(payer_id)
        summaries.append({"id": profile.id, "name": profile.name, "kind": profile.kind,
                          "jurisdiction": profile.jurisdiction, "extends": profile.extends,
                          "description": profile.description})  # fmt: skip
    return summaries


def rule_catalog() -> list[dict[str, Any]]:
    """The rule catalog as JSON-ready data."""
    from nocrx.rules.catalog import CATALOG

    items = CATALOG.values() if isinstance(CATALOG, dict) else CATALOG
    return [_jsonable(item) for item in items]


def _jsonable(item: Any) -> Any:
    if is_dataclass(item) and not isinstance(item, type):
        return {k: _jsonable(v) for k, v in asdict(item).items()}
    if isinstance(item, dict):
        return {str(k): _jsonable(v) for k, v in item.items()}
    if isinstance(item, list | tuple | set | frozenset):
        return [_jsonable(v) for v in item]
    return item if isinstance(item, str | int | float | bool) or item is None else str(item)


def renderings(evaluation: Evaluation) -> dict[str, Any]:
    """The 837P loop 2400/2410 segments and the CMS-1500 item 19 / item 24 lines of a decided line.

    A line that cannot be drawn (say, an NDC quantity with four decimals) gets an ``error``
    entry with the coded reason instead of failing the whole answer.
    """
    from nocrx.render.cms1500 import render_cms1500
    from nocrx.render.x12_837 import render_evaluation_837i, render_evaluation_837p

    try:
        result: dict[str, Any] = {"x12_837p": render_evaluation_837p(evaluation)}
        if evaluation.line.setting == "outpatient-hospital":
            result["x12_837i"] = render_evaluation_837i(evaluation)
        form = render_cms1500([evaluation])
    except NocrxError as error:
        return {"error": {"code": error.code, "detail": str(error), "field": error.field}}
    result["cms1500"] = {
        "item_19": form.item_19,
        "item_24": [{"shaded": row.shaded, "procedure": row.procedure, "modifiers": list(row.modifiers),
                     "units": row.units, "diagnosis_pointer": row.diagnosis_pointer} for row in form.item_24],
    }  # fmt: skip
    return result


def payer_matcher(profiles: list[dict[str, Any]]) -> PayerMatcher:
    return PayerMatcher(profiles)


class PayerMatcher:
    """Finds the profile a FHIR Coverage names (payor display, identifiers, plan class values)."""

    # A payor identifier with this system names the profile id outright.
    PROFILE_SYSTEM = "urn:nocrx:payer"

    def __init__(self, profiles: list[dict[str, Any]]) -> None:
        self.ids = [p["id"] for p in profiles]
        self._names = {_norm(p["name"]): p["id"] for p in profiles if p.get("name")}

    def __call__(self, coverage: dict[str, Any] | None) -> str | None:
        if coverage is None:
            return None
        texts: list[str] = []
        for payor in _items(coverage.get("payor")):
            if not isinstance(payor, dict):
                continue
            identifier = payor.get("identifier") if isinstance(payor.get("identifier"), dict) else {}
            if identifier.get("system") == self.PROFILE_SYSTEM and identifier.get("value") in self.ids:
                return str(identifier["value"])
            texts += [str(payor.get("display") or ""), str(identifier.get("value") or "")]
        texts += [str(c.get("value") or "") + " " + str(c.get("name") or "")
                  for c in _items(coverage.get("class")) if isinstance(c, dict)]  # fmt: skip
        return self._match(texts)

    def _match(self, texts: list[str]) -> str | None:
        for text in texts:
            norm = _norm(text)
            if norm in self._names:
                return self._names[norm]
            if norm in self.ids:
                return norm
        # "Medicare Part B", "Centers for Medicare & Medicaid Services": the Medicare profile.
        if any(re.search(r"\bmedicare\b", t, re.IGNORECASE) for t in texts):
            return next((i for i in ("medicare", "medicare-b") if i in self.ids), None)
        return None


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
