"""Which service lines scrub checks: drug HCPCS codes (J, and the drug ranges of C, Q and A) or an NDC.

HCPCS Level II ranges (CMS HCPCS quarterly file, code families):
- J0000-J9999: drugs administered other than by oral method, chemotherapy, immunosuppressives.
- C9000-C9499: OPPS pass-through drugs and biologicals, C9399 unclassified (CMS Claims Processing
  Manual ch. 4 §60 and §260.1); C9600+ are procedures, not drugs.
- Q0138-Q0181 (ferumoxytol, oral antiemetics), Q2xxx (drugs/vaccines), Q3027-Q3028 (interferon),
  Q5101-Q5199 (biosimilars), Q9950-Q9999 (contrast and radiopharmaceuticals).
- A9500-A9699: radiopharmaceuticals and contrast; A9150 non-prescription drugs.
Any line with a 2410 LIN NDC is a drug line whatever its code (837P TR3 2410 note).
"""

from __future__ import annotations

from nocrx.model import ClaimLine

_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "J": ((0, 9999),),
    "C": ((9000, 9499),),
    "Q": ((138, 181), (2000, 2999), (3027, 3028), (5101, 5199), (9950, 9999)),
    "A": ((9150, 9150), (9500, 9699)),
}


def is_drug_code(hcpcs: str | None) -> bool:
    """True for a HCPCS code in a drug range.

    >>> is_drug_code("J3490"), is_drug_code("C9399"), is_drug_code("C9600"), is_drug_code("99213")
    (True, True, False, False)
    """
    if not hcpcs or len(hcpcs) != 5 or not hcpcs[1:].isdigit():
        return False
    number = int(hcpcs[1:])
    return any(low <= number <= high for low, high in _RANGES.get(hcpcs[0].upper(), ()))


def is_drug_line(line: ClaimLine) -> bool:
    """A line scrub checks: a drug code, or an NDC on the line (2410 LIN or compound components)."""
    drug = line.drug
    has_ndc = drug is not None and (drug.ndc is not None or any(c.ndc for c in drug.components))
    return has_ndc or is_drug_code(line.hcpcs)


def skip_reason(line: ClaimLine) -> str:
    """Why a line is not checked (for the report)."""
    if not line.hcpcs:
        return "no HCPCS code and no NDC (revenue-code-only line)"
    return f"{line.hcpcs} is not a drug code and the line has no NDC"
