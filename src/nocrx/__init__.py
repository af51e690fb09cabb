"""nocrx: how to bill a drug that has no specific HCPCS code, and whether the claim line will pass.

The public API, for programs that embed nocrx instead of calling the CLI or the service::

    from nocrx import Checker, Store, parse_claim_line

    with Store("nocrx.sqlite3") as store:
        evaluation = Checker(store).check(parse_claim_line({...}))

Names are imported on first use (PEP 562), so ``import nocrx`` and the CLI's cold start stay fast.
The decision alone is ``nocrx.decide.decide`` (``nocrx.decide`` is its subpackage).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nocrx.batch import ScrubOptions, run_scrub
    from nocrx.checker import Checker
    from nocrx.contract import evaluation_to_dict, parse_claim_line
    from nocrx.data.importer import import_paths
    from nocrx.data.store import Store
    from nocrx.errors import NocrxError
    from nocrx.model import ClaimLine, Decision, Drug, Evaluation, Finding
    from nocrx.payers import load_payers
    from nocrx.x12 import read_837

__all__ = [
    "Checker",
    "ClaimLine",
    "Decision",
    "Drug",
    "Evaluation",
    "Finding",
    "NocrxError",
    "ScrubOptions",
    "Store",
    "evaluation_to_dict",
    "import_paths",
    "load_payers",
    "parse_claim_line",
    "read_837",
    "run_scrub",
]

# Where each public name lives; the modules stay the place to read (and import from) in the code.
_HOMES = {
    "Checker": "nocrx.checker",
    "ClaimLine": "nocrx.model",
    "Decision": "nocrx.model",
    "Drug": "nocrx.model",
    "Evaluation": "nocrx.model",
    "Finding": "nocrx.model",
    "NocrxError": "nocrx.errors",
    "ScrubOptions": "nocrx.batch",
    "Store": "nocrx.data.store",
    "evaluation_to_dict": "nocrx.contract",
    "import_paths": "nocrx.data.importer",
    "load_payers": "nocrx.payers",
    "parse_claim_line": "nocrx.contract",
    "read_837": "nocrx.x12",
    "run_scrub": "nocrx.batch",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'nocrx' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
