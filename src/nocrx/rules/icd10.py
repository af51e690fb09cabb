"""ICD-10-CM lookups through the simple-icd-10-cm package (its bundled code set is one release).

The package ships the CMS ICD-10-CM files of one update (April 1, 2026, i.e. FY2026); a code
that was valid in another fiscal year may be reported invalid, so findings say which set was used.
"""

from __future__ import annotations

import warnings
from datetime import date
from functools import lru_cache
from types import ModuleType

CODE_SET = "ICD-10-CM April 1, 2026 update (FY2026), as bundled with simple-icd-10-cm"
# FY2026 runs 2025-10-01 to 2026-09-30; the April update applies from 2026-04-01.
CODE_SET_FROM = date(2025, 10, 1)
CODE_SET_TO = date(2026, 9, 30)


@lru_cache(maxsize=1)
def _icd() -> ModuleType:
    # The package reads its data with importlib.resources.read_text, deprecated since 3.11;
    # the warning is the package's, not ours, so keep it from failing strict warning filters.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

    module: ModuleType = simple_icd_10_cm
    return module


@lru_cache(maxsize=4096)
def normalise(code: str) -> str:
    """Upper case with the dot after the category (c3490 -> C34.90)."""
    text = code.strip().upper().replace(".", "")
    return text if len(text) <= 3 else f"{text[:3]}.{text[3:]}"


@lru_cache(maxsize=4096)
def status(code: str) -> str:
    """ "billable", "not-billable" (a category with children) or "invalid"."""
    icd = _icd()
    dotted = normalise(code)
    if not icd.is_valid_item(dotted) or icd.is_chapter_or_block(dotted):
        return "invalid"
    return "billable" if icd.is_leaf(dotted) else "not-billable"


@lru_cache(maxsize=4096)
def description(code: str) -> str:
    icd = _icd()
    dotted = normalise(code)
    return str(icd.get_description(dotted)) if icd.is_valid_item(dotted) else ""


@lru_cache(maxsize=4096)
def is_neoplasm(code: str) -> bool:
    """ICD-10-CM chapter 2, Neoplasms: C00-D49."""
    text = normalise(code)
    return text[:1] == "C" or (text[:1] == "D" and text[1:3].isdigit() and int(text[1:3]) <= 49)


def covers(day: date) -> bool:
    return CODE_SET_FROM <= day <= CODE_SET_TO


def warm() -> None:
    """Load the code set now (about 4 s), e.g. before a benchmark or a batch."""
    _icd()
