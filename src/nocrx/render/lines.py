"""What every claim format needs from one decided line, worked out once.

``service_lines(evaluation)`` turns an Evaluation into one or more ``ServiceLine`` facts
(code, modifiers, units, charge, NDC quantity and unit, narrative and its overflow); each
renderer then only lays those facts out in its own syntax. A compounded drug whose
components carry NDCs becomes one service line per component NDC, linked by one link
sequence number: the 837 TR3 loop 2410 repeats once per 2400 line, so each component
NDC needs its own line (2410 REF01 = VY "Link Sequence Number" ties them together).
No I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from nocrx.codes.ndc import parse_ndc
from nocrx.decide.noc_code import NOC_CODES  # NOC codes carry the narrative in SV101-7 (noc-rules 1.1)
from nocrx.errors import InvalidInput
from nocrx.model import NDC_UNIT_CODES, Amount, Attachment, ClaimLine, Component, Decision, Evaluation

# SV101-7 / SV202-7 and NTE02 each hold 80 characters (837P/837I TR3; WPS and Noridian, noc-rules 1.2).
TEXT_LIMIT = 80


# Units as people write them -> the 837 CTP05-1 / NUCC 24A unit qualifier (F2 international unit,
# GR gram, ME milligram, ML millilitre, UN unit). MG becomes ME, never "MG" (noc-rules 1.6).
_UNIT_QUALIFIERS = {
    "F2": "F2", "IU": "F2", "INTERNATIONAL UNIT": "F2", "INTERNATIONAL UNITS": "F2",
    "GR": "GR", "G": "GR", "GM": "GR", "GRAM": "GR", "GRAMS": "GR",
    "ME": "ME", "MG": "ME", "MILLIGRAM": "ME", "MILLIGRAMS": "ME",
    "ML": "ML", "MILLILITER": "ML", "MILLILITERS": "ML", "MILLILITRE": "ML", "CC": "ML",
    "UN": "UN", "UNIT": "UN", "UNITS": "UN", "EA": "UN", "EACH": "UN", "VIAL": "UN", "VIALS": "UN",
}  # fmt: skip

DEFAULT_REVENUE_CODE = "0636"  # UB-04 FL42 / 837I SV201: "drugs requiring detailed coding"


@dataclass(frozen=True, slots=True)
class DrugIdentification:
    """Loop 2410 / item 24A shaded: one NDC with its quantity and unit qualifier."""

    ndc_11: str
    unit: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One billable line as every format lays it out."""

    code: str
    modifiers: tuple[str, ...]
    units: Decimal
    charge: Decimal
    date_of_service: date
    diagnoses: tuple[str, ...]
    revenue_code: str
    is_noc: bool
    description: str | None = None
    note: str | None = None
    drug: DrugIdentification | None = None
    link_number: str | None = None
    trial_number: str | None = None
    attachment: Attachment | None = None
    drug_name: str | None = None


def service_lines(evaluation: Evaluation, *, link_number: str | None = None) -> tuple[ServiceLine, ...]:
    """Turn one decided line into the service lines a claim carries (more than one for a compound).

    ``link_number`` is the link sequence number written in 2410 REF*VY when the line is a
    compound split into component lines (the caller numbers compounds within a claim).
    """
    line = evaluation.line
    code = evaluation.decision.code or line.hcpcs
    if not code:
        raise InvalidInput("The line has no HCPCS code to bill (hcpcs).", field="hcpcs")
    modifiers = evaluation.decision.modifiers or line.modifiers
    if len(modifiers) > 4:
        raise InvalidInput(
            f"{len(modifiers)} modifiers given; a claim line holds at most 4 (SV101-3..6, item 24D).",
            field="modifiers",
        )
    _check_codes(code, modifiers, line.revenue_code)
    is_noc = code in NOC_CODES or evaluation.decision.kind == "noc"
    description, note = narrative_parts(evaluation, is_noc=is_noc)
    drug = line.drug
    components = [c for c in drug.components if c.ndc] if drug is not None and drug.components else []
    base = ServiceLine(
        code=code,
        modifiers=tuple(modifiers),
        units=_units(evaluation),
        charge=line.charge if line.charge is not None else Decimal(0),
        date_of_service=line.date_of_service,
        diagnoses=line.diagnoses,
        revenue_code=line.revenue_code.zfill(4) if line.revenue_code else DEFAULT_REVENUE_CODE,
        is_noc=is_noc,
        description=description,
        note=note,
        drug=None if components else _main_drug(evaluation),
        trial_number=trial_number(evaluation),
        attachment=line.attachment,
        drug_name=drug.name if drug else None,
    )
    if not components:
        return (base,)
    return _compound_lines(base, components, link_number or "1")


_CODE = re.compile(r"[A-Z0-9]{5}")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_REVENUE_CODE = re.compile(r"\d{3,4}")


def _check_codes(code: str, modifiers: tuple[str, ...], revenue_code: str | None) -> None:
    # HCPCS/CPT codes are 5 characters and modifiers 2 (HCPCS Level II file layout); a revenue
    # code is 4 digits (NUBC, UB-04 FL42). Checking here also keeps delimiters out of the 837.
    if not _CODE.fullmatch(code):
        raise InvalidInput(
            f'"{code}" is not a HCPCS/CPT code (5 letters or digits, e.g. J3490).', field="hcpcs"
        )
    for modifier in modifiers:
        if not _MODIFIER.fullmatch(modifier):
            raise InvalidInput(
                f'"{modifier}" is not a modifier (2 letters or digits, e.g. JW).', field="modifiers"
            )
    if revenue_code is not None and not _REVENUE_CODE.fullmatch(revenue_code):
        raise InvalidInput(
            f'"{revenue_code}" is not a revenue code (4 digits, e.g. 0636).', field="revenue_code"
        )


def _compound_lines(
    base: ServiceLine, components: list[Component], link_number: str
) -> tuple[ServiceLine, ...]:
    # The whole charge and the narrative stay on the first component line; the others carry
    # the same code with a zero charge, one unit and the same link number, so payers that
    # price by invoice see the compound once.
    lines = []
    for index, component in enumerate(components):
        if component.quantity is None:
            raise InvalidInput(
                f"drug.components[{index}].quantity is required to report its NDC (837 CTP04, item 24A).",
                field=f"drug.components[{index}].quantity",
            )
        drug = DrugIdentification(
            ndc_11=ndc_11_of(component.ndc or ""),
            unit=unit_qualifier(component.quantity, f"drug.components[{index}].quantity.unit"),
            quantity=component.quantity.value,
        )
        first = index == 0
        lines.append(
            ServiceLine(
                code=base.code,
                modifiers=base.modifiers,
                units=base.units if first else Decimal(1),
                charge=base.charge if first else Decimal(0),
                date_of_service=base.date_of_service,
                diagnoses=base.diagnoses,
                revenue_code=base.revenue_code,
                is_noc=base.is_noc,
                description=base.description,
                note=base.note if first else None,
                drug=drug,
                link_number=link_number,
                trial_number=base.trial_number,
                attachment=base.attachment if first else None,
                drug_name=base.drug_name,
            )
        )
    return tuple(lines)


def _main_drug(evaluation: Evaluation) -> DrugIdentification | None:
    drug = evaluation.line.drug
    ndc_11 = evaluation.decision.ndc_11
    if ndc_11 is None and drug is not None and drug.ndc:
        ndc_11 = ndc_11_of(drug.ndc)
    if ndc_11 is None or drug is None:
        return None
    amount = drug.quantity or _dose_and_waste(drug.dose, drug.wasted)
    if amount is None:
        raise InvalidInput(
            "drug.quantity is required to report the NDC: the 837 carries it in loop 2410 CTP04 and "
            'the CMS-1500 in the 24A shaded line (e.g. {"value": 8, "unit": "ML"}).',
            field="drug.quantity",
        )
    return DrugIdentification(ndc_11, unit_qualifier(amount, "drug.quantity.unit"), amount.value)


@lru_cache(maxsize=8192)
def ndc_11_of(raw: str) -> str:
    """The 11-digit billing NDC of an NDC as written (cached: a batch repeats few NDCs)."""
    return parse_ndc(raw).ndc_11


def _dose_and_waste(dose: Amount | None, wasted: Amount | None) -> Amount | None:
    if dose is None:
        return None
    if wasted is not None and wasted.unit.upper() == dose.unit.upper():
        return Amount(dose.value + wasted.value, dose.unit)
    return dose


def _units(evaluation: Evaluation) -> Decimal:
    units = evaluation.decision.units
    if units is None:
        units = evaluation.line.units
    return Decimal(1) if units is None else units


def unit_qualifier(amount: Amount, field: str) -> str:
    """Return the NDC unit qualifier (F2, GR, ME, ML, UN) for a written unit.

    >>> unit_qualifier(Amount(Decimal(8), "mL"), "drug.quantity.unit")
    'ML'
    """
    qualifier = _UNIT_QUALIFIERS.get(amount.unit.strip().upper())
    if qualifier is None:
        raise InvalidInput(
            f'{field}: "{amount.unit}" has no NDC unit qualifier; use one of {", ".join(NDC_UNIT_CODES)} '
            "(or mg, g, mL, IU, unit, each).",
            field=field,
        )
    return qualifier


def trial_number(evaluation: Evaluation) -> str | None:
    """The clinical-trial number as 837 2300 REF*P4 wants it: 8 digits, no "NCT"/"CT" prefix (CR 8401).

    >>> from nocrx.model import ClaimLine, Drug, Investigational
    >>> line = ClaimLine(date(2025, 1, 2), drug=Drug(investigational=Investigational("NCT01234567")))
    >>> trial_number(evaluation_from_line(line))
    '01234567'
    """
    drug = evaluation.line.drug
    if drug is None or drug.investigational is None or not drug.investigational.study_id:
        return None
    study = drug.investigational.study_id.strip().upper()
    digits = re.sub(r"^(NCT|CT)", "", study).replace(" ", "")
    return digits or None


def narrative_parts(evaluation: Evaluation, *, is_noc: bool) -> tuple[str | None, str | None]:
    """Return (SV101-7 description, NTE02 overflow), each at most 80 characters of clean text."""
    text = evaluation.narrative
    if text is None:
        text, overflow = split_text(clean_text(evaluation.line.narrative or ""))
    else:
        text, overflow = clean_text(text), clean_text(evaluation.narrative_overflow or "")
    if len(text) > TEXT_LIMIT:
        text, extra = split_text(text)
        overflow = f"{extra} {overflow}".strip()
    if len(overflow) > TEXT_LIMIT:
        raise InvalidInput(
            f"The narrative is {len(text) + len(overflow) + 1} characters; a claim line holds "
            f"{2 * TEXT_LIMIT} (SV101-7 plus 2400 NTE02). Shorten it, or send the detail as an "
            "attachment (PWK).",
            field="narrative",
        )
    if not is_noc:
        # SV101-7 describes non-specific codes only (837P TR3 SV101-7 note): a specific code's
        # narrative, if any, goes to the note.
        joined = f"{text} {overflow}".strip()
        return None, (joined[:TEXT_LIMIT] or None)
    return (text or None), (overflow or None)


def split_text(text: str, limit: int = TEXT_LIMIT) -> tuple[str, str]:
    """Split text at the last space that keeps the first part within ``limit`` characters.

    >>> split_text("AAA BBB", 5)
    ('AAA', 'BBB')
    """
    if len(text) <= limit:
        return text, ""
    cut = text.rfind(" ", 0, limit + 1)
    if cut <= 0:
        cut = limit
    return text[:cut].rstrip(), text[cut:].strip()


_NOT_PRINTABLE = re.compile(r"[^\x20-\x7e]")
_DELIMITERS = re.compile(r"[*:~^|>]")
_NEEDS_CLEANING = re.compile(r"[^\x20-\x7e]|[*:~^|>]| {2}")


def clean_text(text: str) -> str:
    """Keep free text inside the X12 extended character set and free of delimiter characters.

    >>> clean_text("Drug* 5 mg:IV~ ")
    'Drug 5 mg IV'
    """
    if not _NEEDS_CLEANING.search(text):
        return text.strip()
    text = _NOT_PRINTABLE.sub(" ", text)
    text = _DELIMITERS.sub(" ", text)
    return re.sub(r" {2,}", " ", text).strip()


def evaluation_from_line(line: ClaimLine) -> Evaluation:
    """Render a line as given (code, units, modifiers from the input) when no store can decide it."""
    code = line.hcpcs
    decision = Decision(
        code=code,
        kind="noc" if code in NOC_CODES else ("specific" if code else "unknown"),
        units=line.units,
        ndc_11=None,
        modifiers=line.modifiers,
    )
    return Evaluation(
        line=line, decision=decision, payer_id=line.payer or "unknown", findings=(), status="review"
    )
