"""Search HCPCS long descriptors for a drug's active ingredient.

A NOC code is only for a drug with no specific code on the date of service (FCSO, Novitas:
noc-rules.md 1.1), so before choosing one we look for a code whose descriptor names the
ingredient, is effective on the date of service, fits the route ("Injection, ..." is not an
oral drug) and fits the setting (C-codes are for OPPS hospital outpatient and ASC claims only,
CMS Pub. 100-04 ch.17 §90.2). One exact match is a specific code; anything less is a
"probable" code a person should look at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from nocrx.data.records import HCPCSCode

OPPS_SETTINGS = ("outpatient-hospital", "asc")
C_CODE_SOURCE = (
    "CMS HCPCS C-codes are for OPPS/ASC claims only (CMS Pub. 100-04 ch.17 §90.2; noc-rules.md 1.5)"
)
# Salt and ester words that do not change which code applies (descriptors often omit them).
_SALTS = frozenset(
    [
        "hydrochloride",
        "hcl",
        "sodium",
        "potassium",
        "sulfate",
        "acetate",
        "citrate",
        "phosphate",
        "mesylate",
        "tartrate",
        "maleate",
        "succinate",
        "besylate",
        "bromide",
        "chloride",
        "calcium",
        "disodium",
        "dihydrate",
        "monohydrate",
        "anhydrous",
        "injection",
        "injectable",
        "for",
        "suspension",
        "solution",
        "lyophilized",
        "powder",
    ]
)
_SUFFIX = re.compile(r"^([a-z]{5,})-([a-z]{4})$")
# Words in drug names that describe a preparation, not an ingredient: never a search key.
_NOT_INGREDIENTS = frozenset(
    "investigational experimental antibody compounded compound refill pump intrathecal intravenous oral "
    "premixed premix infusion vial syringe prefilled dose single multiple kit study drug biosimilar".split()
)


@dataclass(frozen=True, slots=True)
class DescriptorMatch:
    code: HCPCSCode
    is_exact: bool
    excluded_because: str | None = None


@lru_cache(maxsize=16384)
def ingredient_words(name: str) -> tuple[str, ...]:
    """The words that identify an ingredient, without salts and punctuation.

    >>> ingredient_words("Telisotuzumab Vedotin-tllv")
    ('telisotuzumab', 'vedotin-tllv')
    """
    words = re.findall(r"[a-z0-9][a-z0-9\-]*", name.lower())
    return tuple(w for w in words if w not in _SALTS and w != "and" and not w.isdigit())


@lru_cache(maxsize=16384)
def search_key(name: str) -> str | None:
    """The longest ingredient word, without a biologic suffix: the word looked for in descriptors.

    >>> search_key("telisotuzumab vedotin-tllv"), search_key("investigational antibody")
    ('telisotuzumab', None)
    """
    words = [_strip_suffix(w) for w in ingredient_words(name)]
    words = [w for w in words if len(w) >= 4 and w not in _NOT_INGREDIENTS]
    return max(words, key=len) if words else None


def descriptor_route(description: str) -> str | None:
    """The route class a HCPCS descriptor implies, if it says one."""
    text = description.lower()
    if re.search(r"\binhalation solution\b|\bnebuliz", text):
        return "inhalation"
    if re.search(r"\boral\b", text):
        return "oral"
    if text.startswith(("injection", "infusion")) or re.search(
        r"\b(injection|intravenous|subcutaneous)\b", text
    ):
        return "injection"
    return None


def judge_descriptors(
    codes: tuple[HCPCSCode, ...], ingredient: str, *, route: str | None, setting: str | None
) -> tuple[DescriptorMatch, ...]:
    """Judge each candidate code for everything but the date of service (batches span many days)."""
    wanted = ingredient_words(ingredient)
    return tuple(DescriptorMatch(code, *_judge(code, wanted, route, setting)) for code in codes)


def matches_on(judged: tuple[DescriptorMatch, ...], day: date) -> list[DescriptorMatch]:
    """The judged codes on a date of service: a code not effective then is set aside."""
    return [
        match
        if match.code.is_valid_on(day)
        else DescriptorMatch(
            match.code,
            match.is_exact,
            f"not effective on {day.isoformat()} (added {match.code.add_date}, terminated {match.code.termination_date})",
        )
        for match in judged
    ]


@lru_cache(maxsize=16384)
def _judge(
    code: HCPCSCode, wanted: tuple[str, ...], route: str | None, setting: str | None
) -> tuple[bool, str | None]:
    """(is an exact match, why set aside) for everything but the date: batches ask this again and again."""
    return _is_exact(code.long_description, wanted), _exclusion(code, route=route, setting=setting)


def _exclusion(code: HCPCSCode, *, route: str | None, setting: str | None) -> str | None:
    if code.hcpcs.startswith("C") and setting not in OPPS_SETTINGS:
        return "a C-code, billable only on hospital outpatient (OPPS) or ASC claims"
    code_route = descriptor_route(code.long_description)
    if route and code_route and route != code_route:
        return f"its descriptor is for the {code_route} form; this drug is {route}"
    if re.search(
        r"\b(not otherwise (specified|classified)|unclassified|nos)\b", code.long_description.lower()
    ):
        return "a not-otherwise-classified code"
    return None


def _is_exact(description: str, wanted: tuple[str, ...]) -> bool:
    """True when the descriptor's drug segment names exactly these ingredient words."""
    if not wanted:
        return False
    text = description.lower()
    segments = [s.strip() for s in text.split(",")]
    if segments and segments[0] in ("injection", "infusion"):
        segments = segments[1:]
    if not segments:
        return False
    # Brand- or labeler-specific descriptors carry a parenthesised qualifier or a "not
    # therapeutically equivalent" note: one of several codes, never an exact match alone.
    drug_segment = segments[0]
    if "(" in drug_segment or "not therapeutically equivalent" in text:
        return False
    found = ingredient_words(drug_segment)
    is_biosimilar = re.search(r"(?<!excludes )biosimilar", text) is not None
    return _same_words(wanted, found, descriptor_is_biosimilar=is_biosimilar)


def _same_words(wanted: tuple[str, ...], found: tuple[str, ...], *, descriptor_is_biosimilar: bool) -> bool:
    if len(wanted) != len(found):
        return False
    for ours, theirs in zip(sorted(wanted, key=_strip_suffix), sorted(found, key=_strip_suffix), strict=True):
        if ours == theirs:
            continue
        if _strip_suffix(ours) != _strip_suffix(theirs):
            return False
        # Our name lacks the suffix the descriptor has: the originator product's code
        # carries the suffix too, but a biosimilar's code is another product.
        if _SUFFIX.match(ours) or descriptor_is_biosimilar:
            return False
    return True


def _strip_suffix(word: str) -> str:
    match = _SUFFIX.match(word)
    return match.group(1) if match else word
