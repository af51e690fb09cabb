"""UB-04 (CMS-1450) fields for drug lines: FL42-FL47, condition and value codes, FL67, FL80.

FL42 revenue code (0636 "drugs requiring detailed coding" by default), FL43 description with
the NDC in the payer's format (default: N4 + 11-digit NDC + unit qualifier + quantity with no
spaces, as in VT Medicaid's instructions; "nucc" puts one space before the unit), FL44 HCPCS and
modifiers, FL45 service date, FL46 units, FL47 charges; FL80 remarks carry the NOC narrative
(Palmetto LCA A54880, noc-rules 1.2). Trial claims get condition code 30 (FL18-28) and value
code D4 with the trial number (FL39-41), per CR 8401. No I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from nocrx.errors import InvalidInput
from nocrx.model import Evaluation, format_number
from nocrx.render.cms1500 import form_quantity
from nocrx.render.lines import DrugIdentification, service_lines
from nocrx.render.x12_837 import claim_drug_facts

FL43_WIDTH = 24
NDC_STYLES = ("compact", "nucc")


@dataclass(frozen=True, slots=True)
class RevenueLine:
    fl42_revenue_code: str
    fl43_description: str
    fl44_hcpcs: str
    fl45_service_date: str
    fl46_units: str
    fl47_total_charges: str


@dataclass(frozen=True, slots=True)
class UB04Form:
    lines: tuple[RevenueLine, ...]
    condition_codes: tuple[str, ...]
    value_codes: tuple[tuple[str, str], ...]
    fl67_principal_diagnosis: str
    fl67_other_diagnoses: tuple[str, ...]
    fl80_remarks: str
    total_charges: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fl43_ndc(drug: DrugIdentification, style: str = "compact") -> str:
    """Write the NDC for FL43.

    >>> fl43_ndc(DrugIdentification("00006302602", "ML", Decimal(8)))
    'N400006302602ML8'
    """
    if style not in NDC_STYLES:
        raise InvalidInput(f"FL43 NDC style must be one of {', '.join(NDC_STYLES)}.", field="ndc_style")
    space = " " if style == "nucc" else ""
    return f"N4{drug.ndc_11}{space}{drug.unit}{form_quantity(drug.quantity)}"


def render_ub04(evaluations: Sequence[Evaluation], *, ndc_style: str = "compact") -> UB04Form:
    """Fill the drug-related UB-04 fields for the decided lines of one institutional claim."""
    rows: list[RevenueLine] = []
    remarks: list[str] = []
    all_lines = []
    diagnoses: dict[str, None] = {}
    compounds = 0
    for evaluation in evaluations:
        diagnoses.update(dict.fromkeys(d.replace(".", "") for d in evaluation.line.diagnoses))
        is_compound = any(c.ndc for c in (evaluation.line.drug.components if evaluation.line.drug else ()))
        compounds += is_compound
        lines = service_lines(evaluation, link_number=str(compounds) if is_compound else None)
        all_lines.extend(lines)
        for line in lines:
            description = fl43_ndc(line.drug, ndc_style) if line.drug else (line.drug_name or line.code)
            rows.append(
                RevenueLine(
                    fl42_revenue_code=line.revenue_code,
                    fl43_description=description[:FL43_WIDTH].upper(),
                    fl44_hcpcs=line.code + "".join(line.modifiers),
                    fl45_service_date=line.date_of_service.strftime("%m%d%y"),
                    fl46_units=format_number(line.units),
                    fl47_total_charges=f"{line.charge:.2f}",
                )
            )
        text = " ".join(t for t in (lines[0].description, lines[0].note) if t)
        if text:
            remarks.append(text)
    facts = claim_drug_facts(evaluations, all_lines)
    codes = list(diagnoses)
    return UB04Form(
        lines=tuple(rows),
        condition_codes=facts.condition_codes,
        value_codes=facts.value_codes,
        fl67_principal_diagnosis=codes[0] if codes else "",
        fl67_other_diagnoses=tuple(codes[1:18]),
        fl80_remarks=" ".join(dict.fromkeys(remarks)),
        total_charges=f"{sum((row_charge(r) for r in rows), Decimal(0)):.2f}",
    )


def row_charge(row: RevenueLine) -> Decimal:
    return Decimal(row.fl47_total_charges)
