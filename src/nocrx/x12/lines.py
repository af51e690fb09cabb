"""Turn the raw segments of one claim (loop 2300) and its service lines (loop 2400) into ClaimLines.

Element positions follow the 5010 TR3s: 837P 005010X222A1 (SV1, loop 2400) and 837I
005010X223A2 (SV2, loop 2400); both carry drug identification in loop 2410 (LIN/CTP/REF).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import fields
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import count
from typing import Any

from nocrx.model import Administration, Amount, Attachment, ClaimLine, Component, Drug, Investigational
from nocrx.x12.construct import fast_constructor
from nocrx.x12.records import Kind
from nocrx.x12.records import LineError as LineProblem

new_claim_line = fast_constructor(ClaimLine)
new_drug = fast_constructor(Drug)
# The hot path passes these positionally (keyword matching costs 2 µs a line); a change to the
# model's field order must fail here, loudly, not shift values into the wrong fields.
CLAIM_LINE_FIELDS = (
    "date_of_service", "payer", "setting", "hcpcs", "modifiers", "units", "charge", "diagnoses", "narrative",
    "is_340b", "drug", "administration", "line_id", "revenue_code", "condition_codes", "value_codes", "attachment",
)  # fmt: skip
DRUG_FIELDS = ("ndc", "name", "strength", "dose", "wasted", "quantity", "doses_per_vial", "route", "container",
               "category", "components", "investigational")  # fmt: skip
for _cls, _names in ((ClaimLine, CLAIM_LINE_FIELDS), (Drug, DRUG_FIELDS)):
    if tuple(f.name for f in fields(_cls))[: len(_names)] != _names:
        raise RuntimeError(f"nocrx.model.{_cls.__name__} fields changed: update nocrx.x12.lines")
new_amount = fast_constructor(Amount)
new_component = fast_constructor(Component)

# HI01-1 qualifiers (837P/837I TR3 loop 2300 HI): principal, then other diagnoses; pointers
# (SV107) count positions among these in order. ICD-10 (ABK/ABF) and ICD-9 (BK/BF).
PRINCIPAL_QUALIFIERS = frozenset({"ABK", "BK"})
OTHER_QUALIFIERS = frozenset({"ABF", "BF"})
# 837I only: admitting (ABJ/BJ), patient reason for visit (APR/PR), external cause (ABN/BN).
EXTRA_QUALIFIERS = frozenset({"ABJ", "BJ", "APR", "PR", "ABN", "BN"})
CONDITION_QUALIFIER = "BG"
VALUE_QUALIFIER = "BE"
ALL_HI_QUALIFIERS = PRINCIPAL_QUALIFIERS | OTHER_QUALIFIERS | EXTRA_QUALIFIERS | {"BG", "BE"}

KIND_OF_TAG: dict[str, Kind] = {"SV1": "837P", "SV2": "837I"}
MISSING = object()

# UB-04 type of bill, first two digits (CLM05-1 in 837I): inpatient bills are paid per stay
# (DRG / SNF PPS), so no outpatient drug-line rules apply; everything else is billed per line.
INPATIENT_FACILITY_TYPES = frozenset({"11", "18", "21", "41"})


class RawLine:
    """The loop 2400 segments of one service line, as read."""

    __slots__ = ("attachment", "date", "key", "lins", "lx", "notes", "segment_index", "service", "tag")

    def __init__(self, tag: str, service: list[str], segment_index: int, lx: str | None) -> None:
        self.tag = tag
        self.service = service
        self.segment_index = segment_index
        self.lx = lx
        self.date: list[str] | None = None
        self.notes: list[str] = []
        self.lins: list[list[str | None]] = []  # [ndc, quantity, unit, VY link]
        self.attachment: Attachment | None = None
        self.key: tuple[str, str] | None = None  # (element separator, text) of the loop, once complete


class RawClaim:
    """Loop 2300 facts shared by the claim's lines."""

    __slots__ = (
        "_facts",
        "_key",
        "_pointed",
        "administered",
        "attachment",
        "clm",
        "condition_codes",
        "date",
        "diagnoses",
        "extra_diagnoses",
        "lines",
        "linked",
        "number",
        "study_id",
        "value_codes",
    )  # fmt: skip

    def __init__(self, clm: list[str]) -> None:
        self.clm = clm
        self.diagnoses: list[str] = []
        self.extra_diagnoses: list[str] = []
        self.condition_codes: list[str] = []
        self.value_codes: list[tuple[str, str]] = []
        self.date: list[str] | None = None
        self.study_id: str | None = None
        self.attachment: Attachment | None = None
        self.lines: list[RawLine] = []
        self._facts: tuple[str | None, tuple[str, ...], tuple[tuple[str, str], ...]] | None = None
        self._pointed: dict[str | None, tuple[str, ...]] = {}
        self._key: tuple[Any, ...] | None = None
        # claim_number of source_key() with the claim-wide inputs of its lines (PendingLine.key).
        self.number: int | None = None
        # A line may be a drug administration ("96" in its procedure) / has a REF*VY link: only
        # then do administrations() and linked_components() need to look at the lines.
        self.administered = self.linked = False

    def facts(self) -> tuple[str | None, tuple[str, ...], tuple[tuple[str, str], ...]]:
        """(CLM01, condition codes, value codes), computed once for all the claim's lines."""
        if self._facts is None:
            clm01 = self.clm[1].strip() or None if len(self.clm) > 1 else None
            self._facts = (clm01, tuple(self.condition_codes), tuple(self.value_codes))
        return self._facts

    def source_key(self) -> tuple[Any, ...]:
        """What build_claim_line reads from loop 2300, less CLM01 (it only makes line_id); once read."""
        if self._key is None:
            date = None if self.date is None else tuple(self.date)
            self._key = (tuple(self.diagnoses), tuple(self.extra_diagnoses), tuple(self.condition_codes),
                         tuple(self.value_codes), date, self.study_id, self.attachment)  # fmt: skip
        return self._key

    def diagnoses_for(self, pointers: str | None, component: str) -> tuple[str, ...]:
        """Pointed diagnoses in pointer order (SV107-1..4), then the claim's other diagnoses."""
        found = self._pointed.get(pointers)
        if found is None:
            found = self._pointed[pointers] = _diagnoses(self, pointers, component)
        return found


def _diagnoses(claim: RawClaim, pointers: str | None, component: str) -> tuple[str, ...]:
    codes = claim.diagnoses
    if not pointers or not pointers.strip():
        return (*codes, *claim.extra_diagnoses)
    pointed: list[str] = []
    for pointer in pointers.split(component):
        pointer = pointer.strip()
        if pointer.isdigit() and 1 <= int(pointer) <= len(codes):
            code = codes[int(pointer) - 1]
            if code not in pointed:
                pointed.append(code)
    rest = [c for c in (*codes, *claim.extra_diagnoses) if c not in pointed]
    return (*pointed, *rest)


def setting_for(kind: str | None, facility_type: str | None) -> str | None:
    """Return the ClaimLine setting: 837P professional; 837I outpatient unless an inpatient bill type.

    >>> setting_for("837I", "13"), setting_for("837I", "11"), setting_for("837P", "11")
    ('outpatient-hospital', None, 'professional')
    """
    if kind == "837P":
        return "professional"
    if kind == "837I":
        return None if (facility_type or "")[:2] in INPATIENT_FACILITY_TYPES else "outpatient-hospital"
    return None


def add_hi(claim: RawClaim, elements: list[str], component: str) -> None:
    """Read one HI segment into the claim's diagnoses, condition codes and value codes."""
    pending: str | None = None
    for element in elements[1:]:
        parts = element.split(component)
        if len(parts) == 1 and parts[0] in ALL_HI_QUALIFIERS:
            pending = parts[0]  # a file that used the element separator inside the composite
            continue
        if len(parts) == 1 and pending is not None:
            parts = [pending, parts[0]]
        pending = None
        if len(parts) < 2 or not parts[1]:
            continue
        qualifier, code = parts[0], parts[1].strip()
        if qualifier in PRINCIPAL_QUALIFIERS or qualifier in OTHER_QUALIFIERS:
            claim.diagnoses.append(code)  # pointers count positions in order of appearance
        elif qualifier in EXTRA_QUALIFIERS:
            claim.extra_diagnoses.append(code)
        elif qualifier == CONDITION_QUALIFIER:
            claim.condition_codes.append(code)
        elif qualifier == VALUE_QUALIFIER:
            claim.value_codes.append((code, parts[4] if len(parts) > 4 else ""))


def read_attachment(elements: list[str]) -> Attachment:
    """PWK01 report type, PWK02 transmission code, PWK06 attachment control number."""
    report_type = _element(elements, 1) or "OZ"
    transmission = _element(elements, 2) or "EL"
    return Attachment(
        report_type=report_type, transmission=transmission, control_number=_element(elements, 6)
    )


def build_claim_line(
    claim: RawClaim,
    raw: RawLine,
    component: str,
    payer: str | None,
    setting: str | None,
    linked: tuple[Component, ...] = (),
    administration: tuple[Administration, ...] = (),
) -> ClaimLine:
    """Map one SV1/SV2 with its claim to a ClaimLine; raise LineProblem on an unreadable element."""
    service = raw.service
    size = len(service)
    if raw.tag == "SV1":
        # SV101 composite procedure, SV102 charge, SV104 units, SV107 diagnosis pointers.
        procedure = service[1] if size > 1 else ""
        charge = _decimal(service[2], "SV102") if size > 2 else None
        units = _decimal(service[4], "SV104") if size > 4 else None
        revenue, pointers = None, service[7] if size > 7 else None
    else:
        # SV201 revenue code, SV202 composite procedure, SV203 charge, SV205 units.
        procedure = service[2] if size > 2 else ""
        charge = _decimal(service[3], "SV203") if size > 3 else None
        units = _decimal(service[5], "SV205") if size > 5 else None
        revenue, pointers = (service[1].strip() or None) if size > 1 else None, None
    parts = procedure.split(component)
    hcpcs = parts[1].strip().upper() or None if len(parts) > 1 else None
    modifiers = ()
    if len(parts) > 2 and "".join(parts[2:6]).strip():  # most lines have none: skip the generator
        modifiers = tuple(m.strip().upper() for m in parts[2:6] if m.strip())
    description = parts[6] if len(parts) > 6 else None
    narrative = _narrative(description, raw.notes) if description or raw.notes else None
    facts = claim.facts()
    return new_claim_line(
        _date_of_service(raw, claim),
        payer,
        setting,
        hcpcs,
        modifiers,
        units,
        charge,
        claim.diagnoses_for(pointers, component),
        narrative,
        False,  # is_340b: not carried by the 837
        _drug(raw, claim, linked) if raw.lins or claim.study_id else None,
        administration,
        f"{facts[0]}-{raw.lx}" if raw.lx else facts[0],
        revenue,
        facts[1],
        facts[2],
        raw.attachment or claim.attachment,
    )


_numbers = count(1)


@lru_cache(maxsize=4096)
def claim_number(key: tuple[Any, ...]) -> int:
    """A number for a claim's key: equal keys get the same one while it is cached, and a number
    is never given to two keys (a key evicted and seen again gets a new one), so line keys can
    hold it instead of the whole claim key, hashed and compared once a claim instead of a line."""
    return next(_numbers)


class ClaimLines:
    """A closed claim's inputs to build_claim_line, shared by the ReadLines of all its lines.

    ``build(raw)`` makes one line's ClaimLine (on first access of ReadLine.line) and ``key(raw)``
    its source key. One object a claim, not a bound call a line: the reader makes a ReadLine per
    SV1/SV2 by the million.
    """

    __slots__ = ("administration", "claim", "component", "facility_type", "links", "payer", "settings")

    def __init__(
        self,
        claim: RawClaim,
        component: str,
        payer: str | None,
        facility_type: str | None,
        links: dict[str, tuple[Component, ...]],
        administration: tuple[Administration, ...],
    ) -> None:
        self.claim, self.component, self.payer, self.facility_type = claim, component, payer, facility_type
        self.links, self.administration = links, administration
        self.settings: dict[str, str | None] = {}  # by SV1/SV2

    def build(self, raw: RawLine) -> ClaimLine:
        return build_claim_line(
            self.claim,
            raw,
            self.component,
            self.payer,
            self.setting(raw.tag),
            self.linked(raw),
            self.administration,
        )

    def key(self, raw: RawLine) -> tuple[Any, ...]:
        """Equal keys build equal ClaimLines but for line_id (CLM01 and LX), every number as written.

        It holds every input of build_claim_line but CLM01 and LX: keep the two in step.
        """
        segments: Hashable = raw.key  # the loop's text, when LineBlocks kept it (same text, same segments)
        if segments is None:
            date = None if raw.date is None else tuple(raw.date)
            lins = tuple(tuple(lin) for lin in raw.lins)
            segments = (tuple(raw.service), date, lins, tuple(raw.notes), raw.attachment)
        claim = self.claim
        number = claim.number
        if number is None:  # the claim's first line: its other lines share the number
            key = (claim.source_key(), self.component, self.payer, self.administration)
            number = claim.number = claim_number(key)
        setting = self.settings.get(raw.tag, MISSING)
        if setting is MISSING:
            setting = self.setting(raw.tag)
        return (segments, number, setting, self.linked(raw) if self.links else ())

    def setting(self, tag: str) -> str | None:
        setting = self.settings.get(tag, MISSING)
        if setting is MISSING:
            setting = self.settings[tag] = setting_for(KIND_OF_TAG[tag], self.facility_type)
        return setting  # type: ignore[return-value]

    def linked(self, raw: RawLine) -> tuple[Component, ...]:
        """The components of the compound the line's first NDC is linked into (REF*VY), if any."""
        links = self.links
        return links.get(raw.lins[0][3], ()) if links and raw.lins and raw.lins[0][3] else ()  # type: ignore[arg-type]


def _element(elements: list[str], index: int) -> str | None:
    if len(elements) > index:
        value = elements[index].strip()
        return value or None
    return None


def _decimal(text: str, element: str) -> Decimal | None:
    if not text:
        return None
    try:
        return _parse_decimal(text)
    except InvalidOperation:
        raise LineProblem("X12_BAD_ELEMENT", f"{element} is not a number") from None


@lru_cache(maxsize=4096)
def _parse_decimal(text: str) -> Decimal:
    # Charges and units repeat across a batch; the cache makes the common case a dict lookup.
    text = text.strip()
    # X12 "R" (decimal number) has no exponent; 1E999999 would also print a million digits.
    if "e" in text or "E" in text:
        raise InvalidOperation(text)
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


def _narrative(description: str | None, notes: list[str]) -> str | None:
    texts = [t.strip() for t in (description, *notes) if t and t.strip()]
    return " ".join(texts) if texts else None


def _date_of_service(raw: RawLine, claim: RawClaim) -> date:
    dtp = raw.date or claim.date
    if dtp is None or len(dtp) < 4:
        raise LineProblem("X12_NO_DATE_OF_SERVICE", "no DTP*472 on the line and no claim date")
    try:
        return parse_x12_date(dtp[3].strip()[:8])
    except ValueError:
        raise LineProblem("X12_BAD_ELEMENT", f"DTP{dtp[1]} DTP03 is not a CCYYMMDD date") from None


@lru_cache(maxsize=4096)
def parse_x12_date(text: str) -> date:
    """Read a CCYYMMDD date (D8, or the start of RD8).

    >>> parse_x12_date("20251114")
    datetime.date(2025, 11, 14)
    """
    if len(text) != 8 or not text.isdigit():
        raise ValueError(text)
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _drug(raw: RawLine, claim: RawClaim, linked: tuple[Component, ...]) -> Drug:
    lins = raw.lins
    if len(lins) == 1:
        lin = lins[0]
        return _single_drug(lin[0], lin[1], lin[2], linked, claim.study_id)
    investigational = Investigational(study_id=claim.study_id) if claim.study_id else None
    components = tuple(_component(lin) for lin in lins)
    return new_drug(
        None, None, None, None, None, None, None, None, None, (), components or linked, investigational
    )


@lru_cache(maxsize=4096)
def _single_drug(
    ndc: str | None,
    quantity: str | None,
    unit: str | None,
    linked: tuple[Component, ...],
    study_id: str | None,
) -> Drug:
    # Drug is immutable and a batch repeats the same NDC and quantity many times: share the object.
    investigational = Investigational(study_id=study_id) if study_id else None
    amount = _amount(quantity, unit) if quantity else None
    return new_drug(ndc, None, None, None, None, amount, None, None, None, (), linked, investigational)


def _amount(quantity: str, unit: str | None) -> Amount:
    try:
        return new_amount(_parse_decimal(quantity), (unit or "UN").upper())
    except InvalidOperation:
        raise LineProblem("X12_BAD_ELEMENT", "CTP04 (NDC quantity) is not a number") from None


def _component(lin: list[str | None]) -> Component:
    quantity = _amount(lin[1], lin[2]) if lin[1] else None
    return new_component(ndc=lin[0], quantity=quantity)


def administrations(claim: RawClaim, component: str) -> tuple[Administration, ...]:
    """The claim's drug-administration lines (CPT 96360-96379, 96401-96549), for its drug lines.

    The rules check that a drug line has its administration service on the same claim
    (CPT Drug Administration guidelines); in an 837 those are sibling 2400 lines.
    """
    found: list[Administration] = []
    if not claim.administered:
        return ()  # no line is a candidate: most claims are done here
    for raw in claim.lines:
        service = raw.service
        procedure = service[1 if raw.tag == "SV1" else 2] if len(service) > 2 else ""
        if "96" not in procedure:  # is_administration_candidate, inline: once a line
            continue
        parts = procedure.split(component)
        code = parts[1].strip() if len(parts) > 1 else ""
        if len(code) == 5 and code.isdigit() and (96360 <= int(code) <= 96379 or 96401 <= int(code) <= 96549):
            units_at = 4 if raw.tag == "SV1" else 5
            try:
                units = (
                    _parse_decimal(service[units_at])
                    if len(service) > units_at and service[units_at]
                    else None
                )
            except InvalidOperation:
                units = None
            found.append(Administration(cpt=code, units=units or Decimal(1)))
    return tuple(found)


def is_administration_candidate(raw: RawLine) -> bool:
    """False for a line that cannot be a drug administration: every code of both ranges has "96"."""
    service = raw.service
    return len(service) > 2 and "96" in service[1 if raw.tag == "SV1" else 2]


def linked_components(claim: RawClaim) -> dict[str, tuple[Component, ...]]:
    """Group the 2410 NDCs of lines that share a REF*VY link sequence number (compounds, 837P TR3 2410)."""
    groups: dict[str, list[Component]] = {}
    if not claim.linked:
        return {}
    for raw in claim.lines:
        for lin in raw.lins:
            if lin[3]:
                groups.setdefault(lin[3], []).append(_component(lin))
    return {link: tuple(items) for link, items in groups.items() if len(items) > 1}
