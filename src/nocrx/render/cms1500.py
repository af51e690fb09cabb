"""CMS-1500 (02/12) fields for drug lines: item 19, item 21, item 24A-J with the shaded 24A line.

NUCC 1500 instructions (quoted in X12 RFI 2151): the 24A shaded area holds the qualifier N4,
the 11-digit NDC, one space, the unit qualifier (F2, GR, ME, ML, UN) and the quantity, at most
8 digits before and 3 after the decimal point, no decimal point for a whole number, no commas.
Item 19 carries the NOC narrative and, for clinical-trial claims, "CT" + the 8-digit trial
number (CR 8401). No I/O; ``nocrx.render.cms1500_pdf`` draws these fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from nocrx.errors import InvalidInput
from nocrx.model import Evaluation, format_number
from nocrx.render.claim import Claim
from nocrx.render.lines import DrugIdentification, ServiceLine, service_lines

LINES_PER_FORM = 6
DIAGNOSIS_LETTERS = "ABCDEFGHIJKL"
# Item 19 "will hold up to 80 characters" (Noridian JE, noc-rules 1.2); beyond that, an attachment.
ITEM_19_LIMIT = 80


@dataclass(frozen=True, slots=True)
class Item24:
    """One item-24 line: the shaded supplemental line above, fields A-J below."""

    shaded: str
    date_from: str
    date_to: str
    place_of_service: str
    emergency: str
    procedure: str
    modifiers: tuple[str, ...]
    diagnosis_pointer: str
    charges: str
    units: str
    rendering_npi: str


@dataclass(frozen=True, slots=True)
class CMS1500Form:
    """The filled drug-related items of one CMS-1500 claim (all its lines; 6 fit on a page)."""

    item_19: str
    item_21_icd_indicator: str
    item_21: dict[str, str]
    item_24: tuple[Item24, ...]
    item_28_total_charge: str
    item_33_billing_npi: str = ""
    item_26_patient_account: str = ""
    warnings: tuple[str, ...] = ()

    def pages(self) -> list[tuple[Item24, ...]]:
        """Split item 24 into pages of 6 lines, as the form prints them."""
        rows = self.item_24
        return [rows[i : i + LINES_PER_FORM] for i in range(0, len(rows), LINES_PER_FORM)] or [()]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=8192)
def shaded_ndc(drug: DrugIdentification) -> str:
    """Write the 24A shaded NDC text: N4, 11 digits, one space, unit qualifier, quantity.

    >>> shaded_ndc(DrugIdentification("00006302602", "ML", Decimal("8.000")))
    'N400006302602 ML8'
    """
    return f"N4{drug.ndc_11} {drug.unit}{form_quantity(drug.quantity)}"


@lru_cache(maxsize=4096)
def form_quantity(quantity: Decimal) -> str:
    """Write a 24A quantity: at most 8 whole digits and 3 decimals, no decimal for whole numbers.

    >>> form_quantity(Decimal("12.5"))
    '12.5'
    """
    rounded = quantity.quantize(Decimal("0.001"))
    if rounded != quantity:
        raise InvalidInput(
            f"NDC quantity {quantity} has more than 3 decimals; the 24A shaded line holds 8.3 digits.",
            field="drug.quantity.value",
        )
    text = format_number(rounded)
    if len(text.split(".")[0]) > 8:
        raise InvalidInput(
            f"NDC quantity {quantity} has more than 8 whole digits (24A shaded line).", field="drug.quantity"
        )
    return text


def render_cms1500(evaluations: Sequence[Evaluation], claim: Claim | None = None) -> CMS1500Form:
    """Fill items 19, 21, 24 (and 26, 28, 33 when a claim gives them) for the decided lines."""
    diagnoses = _diagnoses(evaluations, claim)
    letters = {code: DIAGNOSIS_LETTERS[i] for i, code in enumerate(diagnoses)}
    rows: list[Item24] = []
    notes: list[str] = []
    trial: str | None = None
    total = Decimal(0)
    compounds = 0
    for evaluation in evaluations:
        is_compound = any(c.ndc for c in (evaluation.line.drug.components if evaluation.line.drug else ()))
        compounds += is_compound
        lines = service_lines(evaluation, link_number=str(compounds) if is_compound else None)
        for line in lines:
            rows.append(_item_24(line, letters, claim))
            total += line.charge
        text = " ".join(t for t in (lines[0].description, lines[0].note) if t)
        if text:
            notes.append(text)
        trial = trial or lines[0].trial_number
    item_19 = _item_19(notes, trial)
    warnings = []
    if len(item_19) > ITEM_19_LIMIT:
        warnings.append(
            f"Item 19 text is {len(item_19)} characters; payers read {ITEM_19_LIMIT}. Shorten the narrative, "
            "bill NOC lines on separate claims, or send the rest as an attachment the payer accepts."
        )
    return CMS1500Form(
        item_19=item_19,
        item_21_icd_indicator="0",  # 0 = ICD-10-CM
        item_21=dict(zip(DIAGNOSIS_LETTERS, diagnoses, strict=False)),
        item_24=tuple(rows),
        item_28_total_charge=f"{total:.2f}",
        item_33_billing_npi=claim.billing_provider.id if claim else "",
        item_26_patient_account=claim.claim_id if claim else "",
        warnings=tuple(warnings),
    )


def _diagnoses(evaluations: Sequence[Evaluation], claim: Claim | None) -> list[str]:
    codes: dict[str, None] = {}
    for code in claim.diagnoses if claim else ():
        codes[code] = None
    for evaluation in evaluations:
        codes.update(dict.fromkeys(evaluation.line.diagnoses))
    if len(codes) > len(DIAGNOSIS_LETTERS):
        raise InvalidInput("A CMS-1500 holds at most 12 diagnoses (item 21 A-L).", field="diagnoses")
    return list(codes)


def _item_24(line: ServiceLine, letters: dict[str, str], claim: Claim | None) -> Item24:
    day = _form_date(line.date_of_service)
    pointer = "".join(letters[d] for d in line.diagnoses if d in letters)[:4] or "A"
    return Item24(
        shaded=shaded_ndc(line.drug) if line.drug else "",
        date_from=day,
        date_to=day,
        place_of_service=claim.place_of_service if claim else "",
        emergency="",
        procedure=line.code,
        modifiers=line.modifiers,
        diagnosis_pointer=pointer,
        charges=f"{line.charge:.2f}",
        units=format_number(line.units),
        rendering_npi="",
    )


@lru_cache(maxsize=4096)
def _form_date(day: date) -> str:
    # Item 24A: MM DD YY with spaces, as the NUCC instructions show the 6-digit form.
    return f"{day.month:02d} {day.day:02d} {day.year % 100:02d}"


def _item_19(notes: list[str], trial: str | None) -> str:
    parts = list(dict.fromkeys(notes))
    if trial:
        parts.append(f"CT{trial}")  # CR 8401: paper claims write "CT" + the 8-digit number in item 19
    return " ".join(parts)
