"""837P (005010X222A1) and 837I (005010X223A1/A2) service-line and drug segments. No I/O.

Loop 2400 carries the line (LX, SV1 or SV2, DTP*472, NTE*ADD), loop 2410 the drug (LIN N4 +
11-digit NDC, CTP quantity and unit, REF*VY link for compound components); claim-level facts
a drug line brings (REF*P4 trial number, PWK attachment, condition code 30 and value code D4)
are gathered by ``claim_drug_segments``. Sources: X12 RFI 2151 (LIN02/LIN03/CTP04/CTP05-1),
RFI 2255 (2300 REF*P4), CR 8401 (clinical trials), noc-rules.md 1.6 and 2.3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nocrx.errors import InvalidInput
from nocrx.model import Evaluation
from nocrx.render.lines import ServiceLine, service_lines
from nocrx.render.x12_syntax import Segment, Separators, write_segments, x12_amount, x12_date, x12_number

DEFAULT_DELIMITERS = Separators().delimiters
PROFESSIONAL = "005010X222A1"
INSTITUTIONAL_A2 = "005010X223A2"
INSTITUTIONAL_A1 = "005010X223A1"
INSTITUTIONAL_VERSIONS = (INSTITUTIONAL_A2, INSTITUTIONAL_A1)

# 837P 2400 repeats 50 times per claim, 837I 999 (TR3 loop 2400 repeat).
MAX_LINES = {"P": 50, "I": 999}


def procedure_composite(line: ServiceLine) -> tuple[str, ...]:
    """SV101 / SV202: HC : code : up to 4 modifiers : (5 unused) : description (NOC only).

    The description sits in component 7 (SV101-7); the unused 8th component stays empty.
    """
    modifiers = list(line.modifiers) + [""] * (4 - len(line.modifiers))
    return ("HC", line.code, *modifiers, line.description or "")


def professional_line_segments(line: ServiceLine, number: int, pointers: Sequence[int]) -> list[Segment]:
    """Loop 2400 (LX, SV1, DTP*472, NTE*ADD) and 2410 for one professional line."""
    if not pointers:
        raise InvalidInput(
            "Each professional line needs at least one diagnosis (SV107 pointer to 2300 HI).",
            field="diagnoses",
        )
    segments: list[Segment] = [
        ("LX", str(number)),
        (
            "SV1",
            procedure_composite(line),
            x12_amount(line.charge),
            "UN",
            x12_number(line.units),
            "",
            "",
            tuple(str(p) for p in pointers[:4]),
        ),
        ("DTP", "472", "D8", x12_date(line.date_of_service)),
    ]
    if line.note:
        # 837P TR3 2400 NTE01 = ADD: overflow of the SV101-7 narrative (CGS, noc-rules 1.2).
        segments.append(("NTE", "ADD", line.note))
    segments.extend(drug_segments(line))
    return segments


def write_professional_line(
    line: ServiceLine, number: int, pointers: Sequence[int], separators: Separators
) -> str:
    """Write loop 2400/2410 for one professional line: the same text as the segments, faster.

    With the default delimiters every value is already safe (codes checked, free text cleaned
    of *:^~ by ``clean_text``), so the segments are formatted directly; other separators take
    the general path. A property test holds the two paths to the same output.
    """
    if separators.delimiters != DEFAULT_DELIMITERS or not pointers:
        return write_segments(professional_line_segments(line, number, pointers), separators)
    end = separators.terminator
    procedure = _procedure_text(line)
    pointer = ":".join(str(p) for p in pointers[:4])
    text = (
        f"LX*{number}{end}SV1*{procedure}*{x12_amount(line.charge)}*UN*{x12_number(line.units)}***{pointer}{end}"
        f"DTP*472*D8*{x12_date(line.date_of_service)}{end}"
    )
    if line.note:
        text += f"NTE*ADD*{line.note}{end}"
    return text + _drug_text(line, end)


def write_institutional_line(line: ServiceLine, number: int, separators: Separators) -> str:
    """Write loop 2400/2410 for one institutional line (fast path as for the professional line)."""
    if separators.delimiters != DEFAULT_DELIMITERS:
        return write_segments(institutional_line_segments(line, number), separators)
    end = separators.terminator
    procedure = _procedure_text(line)
    text = (
        f"LX*{number}{end}SV2*{line.revenue_code}*{procedure}*{x12_amount(line.charge)}*UN*"
        f"{x12_number(line.units)}{end}DTP*472*D8*{x12_date(line.date_of_service)}{end}"
    )
    return text + _drug_text(line, end)


def _procedure_text(line: ServiceLine) -> str:
    # SV101/SV202 as text: HC:code, then modifiers 3-6, then the description in component 7.
    modifiers = ":".join(line.modifiers)
    if line.description:
        gap = ":" * (4 - max(len(line.modifiers) - 1, 0))
        return f"HC:{line.code}:{modifiers}{gap}{line.description}"
    return f"HC:{line.code}:{modifiers}" if modifiers else f"HC:{line.code}"


def _drug_text(line: ServiceLine, end: str) -> str:
    drug = line.drug
    if drug is None:
        return ""
    text = f"LIN**N4*{drug.ndc_11}{end}CTP****{x12_number(drug.quantity)}*{drug.unit}{end}"
    return text + f"REF*VY*{line.link_number}{end}" if line.link_number else text


def institutional_line_segments(line: ServiceLine, number: int) -> list[Segment]:
    """Loop 2400 (LX, SV2, DTP*472) and 2410 for one institutional line."""
    segments: list[Segment] = [
        ("LX", str(number)),
        (
            "SV2",
            line.revenue_code,
            procedure_composite(line),
            x12_amount(line.charge),
            "UN",
            x12_number(line.units),
        ),
        ("DTP", "472", "D8", x12_date(line.date_of_service)),
    ]
    segments.extend(drug_segments(line))
    return segments


def drug_segments(line: ServiceLine) -> list[Segment]:
    """Loop 2410: LIN**N4*ndc11, CTP****qty*unit, and REF*VY*link for compound components."""
    if line.drug is None:
        return []
    segments: list[Segment] = [
        ("LIN", "", "N4", line.drug.ndc_11),
        ("CTP", "", "", "", x12_number(line.drug.quantity), (line.drug.unit,)),
    ]
    if line.link_number:
        segments.append(("REF", "VY", line.link_number))
    return segments


@dataclass(frozen=True, slots=True)
class ClaimDrugFacts:
    """Claim-level facts the drug lines bring: trial number, attachments, codes, notes."""

    trial_number: str | None
    attachments: tuple[tuple[str, str, str | None], ...]
    condition_codes: tuple[str, ...]
    value_codes: tuple[tuple[str, str], ...]


def claim_drug_facts(evaluations: Sequence[Evaluation], lines: Sequence[ServiceLine]) -> ClaimDrugFacts:
    """Gather REF*P4, PWK and (837I) condition code 30 / value code D4 from the lines."""
    trial = next((line.trial_number for line in lines if line.trial_number), None)
    attachments: dict[tuple[str, str, str | None], None] = {}
    for line in lines:
        if line.attachment is not None:
            a = line.attachment
            attachments[(a.report_type, a.transmission, a.control_number)] = None
    conditions: dict[str, None] = {}
    values: dict[tuple[str, str], None] = {}
    for evaluation in evaluations:
        conditions.update(dict.fromkeys(evaluation.line.condition_codes))
        values.update(dict.fromkeys(evaluation.line.value_codes))
    if trial:
        # CR 8401: institutional trial claims carry condition code 30 and value code D4.
        conditions.setdefault("30", None)
        if not any(code == "D4" for code, _ in values):
            values[("D4", trial)] = None
    return ClaimDrugFacts(trial, tuple(attachments), tuple(conditions), tuple(values))


def pwk_segments(facts: ClaimDrugFacts) -> list[Segment]:
    """2300 PWK: report type, transmission, and AC + control number unless sent on request (AA)."""
    segments: list[Segment] = []
    for report_type, transmission, control in facts.attachments[:10]:
        if transmission != "AA" and not control:
            raise InvalidInput(
                f"attachment.control_number is required when the attachment is sent by {transmission} "
                "(837 2300 PWK06 with PWK05 = AC).",
                field="attachment.control_number",
            )
        if control:
            segments.append(("PWK", report_type, transmission, "", "", "AC", control))
        else:
            segments.append(("PWK", report_type, transmission))
    return segments


def trial_reference(facts: ClaimDrugFacts) -> list[Segment]:
    """2300 REF*P4 (Demonstration Project Identifier): the trial number without "CT" (RFI 2255)."""
    return [("REF", "P4", facts.trial_number)] if facts.trial_number else []


def render_evaluation_837p(evaluation: Evaluation, separators: Separators | None = None) -> str:
    """Write the 837P loop 2400/2410 segments of one decided line (for display and checks).

    Diagnosis pointers number the line's own diagnoses 1..n, as they would in a one-line claim.
    """
    lines = service_lines(evaluation)
    pointers = list(range(1, min(len(evaluation.line.diagnoses), 4) + 1)) or [1]
    seps = separators or Separators()
    return "".join(write_professional_line(line, n, pointers, seps) for n, line in enumerate(lines, start=1))


def render_evaluation_837i(evaluation: Evaluation, separators: Separators | None = None) -> str:
    """Write the 837I loop 2400/2410 segments of one decided line."""
    seps = separators or Separators()
    return "".join(
        write_institutional_line(line, n, seps) for n, line in enumerate(service_lines(evaluation), 1)
    )
