"""Build the payer's minimal NOC narrative, and read which elements a written narrative holds.

The narrative goes in 837P 2400 SV101-7 (80 characters including spaces, 5010 TR3 via WPS),
2400 NTE02 or CMS-1500 item 19, depending on the payer. Payers want different elements: WPS name,
strength, dose and route; CGS and Palmetto name, NDC and dose; Palmetto rejects anything more
(noc-rules.md 1.2). So the narrative is built from the profile's element list, in its order.

>>> from datetime import date
>>> from decimal import Decimal
>>> from nocrx.model import Amount, Drug
>>> drug = Drug(ndc="00074-1044-01", name="Emrelis", dose=Amount(Decimal(190), "mg"), route="intravenous")
>>> compose(drug, ("name", "dose", "route", "ndc"), ndc_11="00074104401")
'Emrelis 190 mg IV NDC 00074104401'
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from nocrx.model import Amount, Drug, format_number

# Route words billers write, to the abbreviation a narrative uses.
ROUTES = {
    "intravenous": "IV", "iv": "IV", "intravenously": "IV",
    "intramuscular": "IM", "im": "IM",
    "subcutaneous": "SC", "sc": "SC", "subq": "SC", "sq": "SC", "sub-q": "SC",
    "oral": "PO", "po": "PO", "by mouth": "PO",
    "intrathecal": "IT", "it": "IT",
    "intravitreal": "IVT", "ivt": "IVT",
    "intradermal": "ID", "id": "ID",
    "inhalation": "INH", "inh": "INH",
    "intra-articular": "IA", "intraarticular": "IA",
    "topical": "TOP", "intravesical": "IVES", "epidural": "EPI",
}  # fmt: skip
_ROUTE_WORDS: dict[str, tuple[str, ...]] = {}
for _word, _abbr in ROUTES.items():
    _ROUTE_WORDS.setdefault(_abbr, ())
    _ROUTE_WORDS[_abbr] += (_word,)

PER_ML = re.compile(r"\d\s*(?:mg|mcg|g|gm|units?|iu|meq)\s*/\s*ml\b", re.IGNORECASE)
_AMOUNT = re.compile(r"(?<![\w/.])(\d+(?:\.\d+)?)\s*(mg|mcg|g|ml|units?|iu)\b(?!\s*/)", re.IGNORECASE)
_DIGIT_RUN = re.compile(r"\d[\d\- ]{8,13}\d")


@lru_cache(maxsize=1024)
def route_abbreviation(route: str | None) -> str | None:
    """The abbreviation for a route as written ("intravenous" -> "IV"); unknown routes are kept."""
    if not route:
        return None
    text = route.strip()
    return ROUTES.get(text.lower(), text.upper() if len(text) <= 4 else text)


def compose(
    drug: Drug | None,
    elements: tuple[str, ...],
    *,
    ndc_11: str | None = None,
    name: str | None = None,
    waste_in_notes: bool = False,
) -> str:
    """Join the elements the payer wants, in its order, leaving out those not known."""
    if drug is None:
        return name or ""
    parts = []
    for element in elements:
        part = _element(element, drug, ndc_11, name)
        if part:
            parts.append(part)
    if waste_in_notes and drug.wasted is not None and drug.wasted.value > 0:
        parts.append(f"wasted {_amount(drug.wasted)}")
    return " ".join(parts)


def _element(element: str, drug: Drug, ndc_11: str | None, name: str | None) -> str | None:
    match element:
        case "name":
            return _name(drug, name)
        case "strength":
            return drug.strength
        case "dose":
            return _amount(drug.dose) if drug.dose else None
        case "route":
            return route_abbreviation(drug.route)
        case "ndc":
            return f"NDC {ndc_11}" if ndc_11 else None
        case "quantity":
            return (
                f"{drug.quantity.unit.upper()} {format_number(drug.quantity.value)}"
                if drug.quantity
                else None
            )
        case "doses_per_vial":
            return f"{format_number(drug.doses_per_vial)} doses/vial" if drug.doses_per_vial else None
    return None


def _name(drug: Drug, fallback: str | None) -> str | None:
    base = drug.name or fallback
    if not drug.components:
        return base
    listed = ", ".join(
        " ".join(p for p in (c.name, _amount(c.quantity) if c.quantity else None) if p)
        for c in drug.components
    )
    return f"compound {base + ': ' if base else ''}{listed}".strip()


def _amount(amount: Amount | None) -> str:
    if amount is None:
        return ""
    unit = amount.unit if amount.unit.upper() not in ("ML", "UN") else amount.unit.upper()
    return f"{format_number(amount.value)} {unit}"


def split(text: str, max_length: int) -> tuple[str, str | None]:
    """Cut a narrative at the last space within ``max_length``; the rest is the overflow."""
    if len(text) <= max_length:
        return text, None
    cut = text.rfind(" ", 0, max_length + 1)
    cut = cut if cut > 0 else max_length
    return text[:cut].rstrip(), text[cut:].strip() or None


# ---- reading a narrative the biller wrote ------------------------------------------------------
# Memoised: a batch checks the same few narratives thousands of times, and the reads are pure.


@lru_cache(maxsize=16384)
def mentions_name(text: str, names: tuple[str, ...]) -> bool:
    lowered = text.lower()
    for name in names:
        word = name.strip().split()[0].lower() if name.strip() else ""
        if len(word) >= 3 and word in lowered:
            return True
    return False


@lru_cache(maxsize=16384)
def mentions_dose(text: str, dose: Amount) -> bool:
    return any(_same_amount(value, unit, dose) for value, unit in amounts(text))


@lru_cache(maxsize=16384)
def amounts(text: str) -> tuple[tuple[Decimal, str], ...]:
    """The amounts a narrative states (not strengths "x mg/mL" nor per-vial figures, nor waste)."""
    found = []
    for match in _AMOUNT.finditer(text):
        before = text[max(0, match.start() - 8) : match.start()].lower()
        if "wast" in before or "discard" in before:
            continue
        found.append((Decimal(match.group(1)), match.group(2).lower()))
    return tuple(found)


@lru_cache(maxsize=16384)
def amounts_in(text: str, unit: str) -> tuple[tuple[Decimal, str], ...]:
    """The amounts a narrative states in ``unit`` (singular or plural, any case).

    >>> amounts_in("Drug 190 mg IV, 2 mL", "MG")
    ((Decimal('190'), 'mg'),)
    """
    unit = unit.lower().rstrip("s")
    return tuple((value, written) for value, written in amounts(text) if written.rstrip("s") == unit)


def _same_amount(value: Decimal, unit: str, dose: Amount) -> bool:
    return unit.rstrip("s") == dose.unit.lower().rstrip("s") and value == dose.value


@lru_cache(maxsize=16384)
def stated_ndcs(text: str) -> tuple[str, ...]:
    """11-digit NDCs written in the text (hyphens and spaces removed)."""
    runs = (re.sub(r"\D", "", m.group(0)) for m in _DIGIT_RUN.finditer(text))
    return tuple(run for run in runs if len(run) == 11)


@lru_cache(maxsize=16384)
def states_per_ml(text: str) -> bool:
    """True when an amount is written as a concentration (mg/mL), which Palmetto rejects."""
    return PER_ML.search(text) is not None


@lru_cache(maxsize=16384)
def mentions_route(text: str, route: str | None) -> bool:
    words = re.findall(r"[a-z\-]+", text.lower())
    if route is None:
        # "it" and "id" are English words too; only count them when the drug's route says so.
        return any(w in ROUTES and w not in ("it", "id") for w in words)
    abbreviation = route_abbreviation(route) or ""
    synonyms = set(_ROUTE_WORDS.get(abbreviation, ())) | {abbreviation.lower()}
    return any(w in synonyms for w in words)


_NOT_A_NAME = frozenset(
    "ndc mg mcg ml gm units unit iu each vial vials dose total given wasted discarded per and of the via "
    "single multi tab cap inj injection".split()
)


@lru_cache(maxsize=16384)
def names_a_drug(text: str) -> bool:
    """True when a narrative holds a word that can be a drug's name (not a unit, route or NDC label).

    >>> names_a_drug("Emrelis 190 mg IV NDC 00074104401"), names_a_drug("190 mg IV")
    (True, False)
    """
    words = re.findall(r"[a-z][a-z\-]{2,}", text.lower())
    return any(w not in _NOT_A_NAME and w not in ROUTES for w in words)


@lru_cache(maxsize=16384)
def mentions_strength(text: str, strength: str | None) -> bool:
    if strength is None:
        return bool(re.search(r"/\s*(vial|ml|tab|cap)", text, re.IGNORECASE))
    squeeze = re.compile(r"\s+")
    return squeeze.sub("", strength.lower()) in squeeze.sub("", text.lower())
