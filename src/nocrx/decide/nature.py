"""What kind of drug this is (antineoplastic, biologic, oral ...), which picks the NOC code.

Evidence comes in order of trust: what the biller says (``drug.category``), then the loaded
data (FDA marketing category and route, formulary category, the ingredient's own HCPCS codes
in the chemotherapy range), then name evidence (USAN stems, the FDA four-letter biologic
suffix) and a neoplasm diagnosis. Anything from the last group is labelled a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from nocrx.model import ClaimLine, Product

USAN_SOURCE = "USAN Council stem list (AMA), e.g. -tinib, -ciclib, -platin, -taxel, -vedotin"
BIOLOGIC_SUFFIX_SOURCE = (
    "FDA guidance 'Nonproprietary Naming of Biological Products' (2017): four-letter suffix, e.g. -aahu"
)

# Routes as the FDA NDC directory (ROUTENAME) and billers write them, grouped as the HCPCS
# descriptors distinguish them ("Injection, ..." vs "..., oral, ..." vs "inhalation solution").
_ROUTE_WORDS = {
    "oral": ("oral", "po", "by mouth", "buccal", "sublingual", "enteral"),
    "inhalation": (
        "inhalation",
        "respiratory (inhalation)",
        "inhaled",
        "nebulized",
        "nebulizer",
        "respiratory",
    ),
    "injection": (
        "intravenous",
        "iv",
        "subcutaneous",
        "sc",
        "sq",
        "subq",
        "intramuscular",
        "im",
        "intravitreal",
        "intrathecal",
        "intradermal",
        "parenteral",
        "intra-arterial",
        "intra-articular",
        "intralesional",
        "intravesical",
        "intraperitoneal",
        "intracavernous",
        "epidural",
        "infusion",
        "injection",
        "intraocular",
        "intrapleural",
        "perineural",
        "intravenous drip",
        "intravenous bolus",
    ),
}
_ANTINEOPLASTIC_STEMS = (
    "tinib",
    "ciclib",
    "rafenib",
    "parib",
    "lisib",
    "degib",
    "zomib",
    "platin",
    "taxel",
    "rubicin",
    "citabine",
    "trexed",
    "mustine",
    "vedotin",
    "deruxtecan",
    "govitecan",
    "mertansine",
    "tecan",
    "poside",
    "ozogamicin",
    "rasib",
    "metinib",
    "lutamide",
)
_BIOLOGIC_STEMS = ("mab", "cept", "kinra", "leukin", "poetin", "grastim", "ermin", "plase", "ase alfa")
# A word ending in a stem (a biologic's four-letter suffix may follow it: "vedotin-tllv").
_ANTINEOPLASTIC_WORD = re.compile(r"\b[a-z]*(" + "|".join(_ANTINEOPLASTIC_STEMS) + r")\b")
_BIOLOGIC_WORD = re.compile(r"\b[a-z]*(" + "|".join(_BIOLOGIC_STEMS) + r")\b")
# FDA suffixes follow the core name ("trastuzumab-anns"): a long word, not a prefix like "anti-".
_BIOLOGIC_SUFFIX = re.compile(r"\b[a-z]{5,}-[a-z]{4}\b")
_NEOPLASM_DX = re.compile(r"^(C\d|D[0-4]\d)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Nature:
    categories: tuple[str, ...]
    route: str | None  # oral | injection | inhalation | other | None
    is_guessed: bool
    evidence: tuple[str, ...] = field(default=())


def route_class(route: str | None) -> str | None:
    """Group a route as the HCPCS descriptors do.

    >>> route_class("INTRAVENOUS"), route_class("PO"), route_class("RESPIRATORY (INHALATION)")
    ('injection', 'oral', 'inhalation')
    """
    if not route:
        return None
    words = route.strip().lower()
    for group, names in _ROUTE_WORDS.items():
        if words in names:
            return group
    for group, names in _ROUTE_WORDS.items():
        if any(name in words for name in names if len(name) > 3):
            return group
    return "other"


def has_neoplasm_diagnosis(diagnoses: tuple[str, ...]) -> bool:
    """True when an ICD-10-CM code is in the neoplasm chapter (C00-D49)."""
    return any(_NEOPLASM_DX.match(d) for d in diagnoses)


def infer_nature(
    line: ClaimLine,
    product: Product | None,
    ingredient: str | None,
    *,
    formulary_category: str | None = None,
    chemotherapy_code: str | None = None,
) -> Nature:
    """Collect the drug's categories and route class, saying where each came from."""
    drug = line.drug
    has_neoplasm_dx = has_neoplasm_diagnosis(line.diagnoses)
    return _infer(
        drug.category if drug else (),
        drug.route if drug else None,
        drug.name if drug else None,
        product,
        ingredient,
        formulary_category,
        chemotherapy_code,
        has_neoplasm_dx,
    )


@lru_cache(maxsize=16384)
def _infer(
    input_categories: tuple[str, ...],
    input_route: str | None,
    input_name: str | None,
    product: Product | None,
    ingredient: str | None,
    formulary_category: str | None,
    chemotherapy_code: str | None,
    has_neoplasm_dx: bool,
) -> Nature:
    categories: list[str] = list(input_categories)
    evidence: list[str] = [f"input category: {', '.join(categories)}"] if categories else []
    guessed = False
    route = route_class(input_route)
    if route:
        evidence.append(f"route from input: {input_route}")
    elif product and product.route:
        route = route_class(product.route.split(";")[0])
        evidence.append(f"route from {product.source}: {product.route}")

    def add(category: str, why: str, *, guess: bool) -> None:
        nonlocal guessed
        if category not in categories:
            categories.append(category)
            evidence.append(why)
            guessed = guessed or guess

    if formulary_category:
        for category in re.split(r"[;,|]\s*", formulary_category.lower()):
            if category:
                add(category, f"formulary category: {category}", guess=False)
    if product and (product.marketing_category or "").upper() == "BLA":
        add("biologic", f"FDA marketing category BLA ({product.source})", guess=False)
    if chemotherapy_code:
        add(
            "antineoplastic",
            f"the ingredient's own code {chemotherapy_code} is in the HCPCS chemotherapy range J9000-J9999",
            guess=False,
        )
    _name_evidence(" ".join(filter(None, [ingredient, input_name])).lower(), add)
    if has_neoplasm_dx and "biologic" in categories and "antineoplastic" not in categories:
        add("antineoplastic", "a biologic given with a neoplasm diagnosis (ICD-10-CM C00-D49)", guess=True)
    return Nature(tuple(categories), route, guessed, tuple(evidence))


def _name_evidence(name: str, add: Callable[..., None]) -> None:
    for match in _ANTINEOPLASTIC_WORD.finditer(name):
        add("antineoplastic", f'name "{match.group(0)}" has the antineoplastic USAN stem -{match.group(1)} '
            f"({USAN_SOURCE})", guess=True)  # fmt: skip
    for match in _BIOLOGIC_WORD.finditer(name):
        add("biologic", f'name "{match.group(0)}" has the biologic USAN stem -{match.group(1)} ({USAN_SOURCE})',
            guess=True)  # fmt: skip
    suffix = _BIOLOGIC_SUFFIX.search(name)
    if suffix:
        add("biologic", f'name "{suffix.group(0)}" carries a biologic product suffix ({BIOLOGIC_SUFFIX_SOURCE})',
            guess=True)  # fmt: skip
