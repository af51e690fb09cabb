"""Realistic claim lines and decisions for the rule tests (built directly from the model).

The base line: Emrelis (telisotuzumab vedotin-tllv), an antibody-drug conjugate for non-small
cell lung cancer with no specific HCPCS code yet, 190 mg IV from two 100 mg single-dose vials
(10 mg discarded), billed J9999 with chemotherapy infusion 96413 on the claim.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from nocrx.model import (
    Administration,
    Amount,
    ClaimLine,
    Component,
    Decision,
    Drug,
    Evaluation,
    Investigational,
)
from nocrx.payers import PayerRegistry, load_payers
from nocrx.rules.engine import evaluate

DOS = date(2025, 11, 14)
EMRELIS_NDC_11 = "00074104401"


def amount(value: str | int, unit: str) -> Amount:
    return Amount(Decimal(str(value)), unit)


EMRELIS = Drug(
    ndc="00074-1044-01",
    name="Emrelis",
    strength="100 mg/vial",
    dose=amount(190, "mg"),
    wasted=amount(10, "mg"),
    quantity=amount(2, "UN"),
    route="intravenous",
    container="single-dose",
    category=("antineoplastic",),
)
BASE_LINE = ClaimLine(
    date_of_service=DOS,
    payer="medicare",
    setting="professional",
    hcpcs="J9999",
    modifiers=("JW",),
    units=Decimal(1),
    diagnoses=("C34.90",),
    narrative="Emrelis 190 mg NDC 00074104401",
    drug=EMRELIS,
    administration=(Administration("96413"),),
)
BASE_DECISION = Decision(
    code="J9999", kind="noc", units=Decimal(1), ndc_11=EMRELIS_NDC_11, nature=("antineoplastic",)
)

# Keytruda 200 mg: J9271 (pembrolizumab, 1 mg) -> 200 units.
KEYTRUDA = Drug(ndc="0006-3026-02", name="Keytruda", dose=amount(200, "mg"), quantity=amount(8, "ML"),
                route="intravenous", container="single-dose", wasted=amount(0, "mg"))  # fmt: skip
KEYTRUDA_DECISION = Decision(code="J9271", kind="specific", units=Decimal(200), ndc_11="00006302602",
                             hcpcs_dosage="1 MG", nature=("antineoplastic", "biologic"))  # fmt: skip

BACLOFEN_COMPOUND = Drug(
    name="baclofen/morphine intrathecal",
    dose=amount(20, "mL"),
    quantity=amount(20, "ML"),
    route="intrathecal",
    category=("compounded",),
    components=(
        Component(ndc="70121-1570-01", name="baclofen", quantity=amount("0.5", "mg")),
        Component(ndc="0641-6125-25", name="morphine", quantity=amount(10, "mg")),
    ),
)


# A line that asks what to bill: no code, units, modifiers or narrative yet.
QUESTION_FIELDS = {"hcpcs": None, "units": None, "modifiers": (), "narrative": None}


@cache
def registry() -> PayerRegistry:
    return load_payers()


def line(**changes: Any) -> ClaimLine:
    """The base line with some fields changed; ``drug={...}`` changes fields of the drug."""
    drug_changes = changes.pop("drug_changes", None)
    result = replace(BASE_LINE, **changes)
    if drug_changes is not None:
        result = replace(result, drug=replace(result.drug, **drug_changes))
    return result


def decision(**changes: Any) -> Decision:
    return replace(BASE_DECISION, **changes)


def run(the_line: ClaimLine, the_decision: Decision | None = None, *, store: Any = None) -> Evaluation:
    profile = registry().get(the_line.payer or "medicare", the_line.date_of_service)
    return evaluate(the_line, the_decision or BASE_DECISION, profile, store=store)


def codes(evaluation: Evaluation) -> list[str]:
    return [f.code for f in evaluation.findings]


def trial_drug(study_id: str | None, *, emergency: bool = False) -> dict[str, Any]:
    return {"investigational": Investigational(study_id=study_id, emergency=emergency)}
