"""A complete 837P or 837I interchange (ISA ... IEA) for one claim. No I/O.

``write_interchange(claim, evaluations)`` lays out ISA/GS/ST, BHT, 1000A/1000B, 2000A/2010AA,
2000B/2010BA/2010BB, 2300 (CLM, dates, PWK, REF*P4, NTE, HI) and the 2400/2410 lines from
``nocrx.render.x12_837``, then SE/GE/IEA with their counts and control numbers. The subscriber
is the patient (SBR02 = 18, no 2000C loop).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from nocrx.errors import InvalidInput
from nocrx.model import Evaluation
from nocrx.render.claim import Address, Claim
from nocrx.render.lines import TEXT_LIMIT, ServiceLine, service_lines
from nocrx.render.x12_837 import (
    INSTITUTIONAL_A2,
    INSTITUTIONAL_VERSIONS,
    MAX_LINES,
    PROFESSIONAL,
    ClaimDrugFacts,
    claim_drug_facts,
    pwk_segments,
    trial_reference,
    write_institutional_line,
    write_professional_line,
)
from nocrx.render.x12_syntax import Segment, write_segment, write_segments, x12_amount, x12_date


def write_interchange(
    claim: Claim,
    evaluations: Sequence[Evaluation],
    *,
    implementation: str | None = None,
    created: datetime | None = None,
) -> str:
    """Write the claim as one 837 interchange; ``evaluations`` are its decided lines, in order."""
    kind = "I" if claim.type == "institutional" else "P"
    version = _version(kind, implementation)
    when = claim.envelope.created or created or datetime(2000, 1, 1)
    lines, pointers = _service_lines(claim, evaluations)
    if len(lines) > MAX_LINES[kind]:
        raise InvalidInput(
            f"The claim has {len(lines)} service lines; an 837{kind} claim holds at most {MAX_LINES[kind]}.",
            field="claim.lines",
        )
    facts = claim_drug_facts(evaluations, lines)
    head = _header(claim, version, when) + _hierarchy(claim) + _claim_segments(claim, kind, lines, facts)
    seps = claim.separators
    if kind == "P":
        texts = [
            write_professional_line(line, n, p, seps)
            for n, (line, p) in enumerate(zip(lines, pointers, strict=True), 1)
        ]
    else:
        texts = [write_institutional_line(line, n, seps) for n, line in enumerate(lines, 1)]
    return _envelope(claim, version, when, head, "".join(texts))


def _version(kind: str, implementation: str | None) -> str:
    if kind == "P":
        if implementation not in (None, PROFESSIONAL):
            raise InvalidInput(
                f'837P is written as {PROFESSIONAL}; "{implementation}" is not supported.',
                field="implementation",
            )
        return PROFESSIONAL
    if implementation is None:
        return INSTITUTIONAL_A2
    if implementation not in INSTITUTIONAL_VERSIONS:
        raise InvalidInput(
            f'837I implementation must be one of {", ".join(INSTITUTIONAL_VERSIONS)}; got "{implementation}".',
            field="implementation",
        )
    return implementation


def _service_lines(
    claim: Claim, evaluations: Sequence[Evaluation]
) -> tuple[list[ServiceLine], list[list[int]]]:
    if len(evaluations) != len(claim.lines):
        raise InvalidInput("Each claim line needs exactly one decided line.", field="claim.lines")
    positions = {code: i + 1 for i, code in enumerate(_dx(d) for d in claim.diagnoses)}
    lines: list[ServiceLine] = []
    pointers: list[list[int]] = []
    compounds = 0
    for evaluation in evaluations:
        is_compound = any(c.ndc for c in (evaluation.line.drug.components if evaluation.line.drug else ()))
        compounds += is_compound
        for line in service_lines(evaluation, link_number=str(compounds) if is_compound else None):
            lines.append(line)
            pointers.append([positions[_dx(d)] for d in line.diagnoses if _dx(d) in positions][:4] or [1])
    return lines, pointers


@lru_cache(maxsize=4096)
def _dx(code: str) -> str:
    # 837 TR3 HI: ICD-10-CM codes are sent without the decimal point.
    return code.replace(".", "").strip().upper()


def _header(claim: Claim, version: str, when: datetime) -> list[Segment]:
    submitter = claim.submitter
    if not submitter.phone:
        raise InvalidInput("submitter.phone is required (1000A PER04).", field="submitter.phone")
    return [
        ("ST", "837", "0001", version),
        ("BHT", "0019", "00", claim.claim_id[:30], _ccyymmdd(when), _hhmm(when), "CH"),
        ("NM1", "41", "2", submitter.name[:60], "", "", "", "", "46", submitter.id),
        ("PER", "IC", (submitter.contact_name or submitter.name)[:60], "TE", _digits(submitter.phone)),
        ("NM1", "40", "2", claim.receiver.name[:60], "", "", "", "", "46", claim.receiver.id),
    ]


def _hierarchy(claim: Claim) -> list[Segment]:
    provider, subscriber, payer = claim.billing_provider, claim.subscriber, claim.payer
    segments: list[Segment] = [("HL", "1", "", "20", "1")]
    if provider.taxonomy:
        segments.append(("PRV", "BI", "PXC", provider.taxonomy))
    segments.append(("NM1", "85", "2", provider.name[:60], "", "", "", "", "XX", provider.id))
    segments += _address(provider.address)
    segments.append(("REF", "EI", _digits(provider.tax_id or "")))
    segments.append(("HL", "2", "1", "22", "0"))
    segments.append(
        (
            "SBR",
            "P",
            "18",
            subscriber.group_number or "",
            "",
            "",
            "",
            "",
            "",
            subscriber.claim_filing_indicator,
        )
    )
    segments.append(
        ("NM1", "IL", "1", subscriber.last_name[:60], (subscriber.first_name or "")[:35], "", "", "", "MI",
         subscriber.member_id)
    )  # fmt: skip
    segments += _address(subscriber.address)
    if subscriber.birth_date:
        segments.append(("DMG", "D8", x12_date(subscriber.birth_date), subscriber.sex))
    segments.append(("NM1", "PR", "2", payer.name[:60], "", "", "", "", "PI", payer.id))
    return segments


def _address(address: Address | None) -> list[Segment]:
    if address is None:
        return []
    return [
        ("N3", address.line1[:55], (address.line2 or "")[:55]),
        ("N4", address.city[:30], address.state, address.zip),
    ]


def _claim_segments(
    claim: Claim, kind: str, lines: list[ServiceLine], facts: ClaimDrugFacts
) -> list[Segment]:
    total = x12_amount(sum((line.charge for line in lines), start=lines[0].charge * 0))
    if kind == "P":
        segments: list[Segment] = [
            ("CLM", claim.claim_id[:38], total, "", "", (claim.place_of_service, "B", claim.frequency), "Y",
             "A", "Y", "Y"),
        ]  # fmt: skip
    else:
        start = claim.statement_from or min(line.date_of_service for line in lines)
        end = claim.statement_to or max(line.date_of_service for line in lines)
        segments = [
            ("CLM", claim.claim_id[:38], total, "", "", (claim.facility_type, "A", claim.frequency), "", "A",
             "Y", "Y"),
            ("DTP", "434", "RD8", f"{start:%Y%m%d}-{end:%Y%m%d}"),
            ("CL1", claim.admission_type or "", claim.admission_source or "", claim.patient_status),
        ]  # fmt: skip
    segments += pwk_segments(facts)
    segments += trial_reference(facts)
    if kind == "I":
        segments += _institutional_note(lines)
    segments += _diagnoses(claim, kind)
    if kind == "I":
        segments += _institutional_codes(facts)
    return segments


def _diagnoses(claim: Claim, kind: str) -> list[Segment]:
    codes = [_dx(d) for d in claim.diagnoses]
    if kind == "P":
        if len(codes) > 12:
            raise InvalidInput("An 837P claim holds at most 12 diagnoses (2300 HI).", field="claim.diagnoses")
        return [("HI", ("ABK", codes[0]), *(("ABF", c) for c in codes[1:]))]
    if len(codes) > 25:
        raise InvalidInput("An 837I claim holds at most 25 diagnoses (2300 HI).", field="claim.diagnoses")
    segments: list[Segment] = [("HI", ("ABK", codes[0]))]
    others = codes[1:]
    for start in range(0, len(others), 12):
        segments.append(("HI", *(("ABF", c) for c in others[start : start + 12])))
    return segments


def _institutional_codes(facts: ClaimDrugFacts) -> list[Segment]:
    # 837I 2300 HI*BE value codes (D4 = clinical trial number, CR 8401) before HI*BG condition codes.
    segments: list[Segment] = []
    values = [("BE", code, "", "", amount) for code, amount in facts.value_codes]
    for start in range(0, min(len(values), 24), 12):
        segments.append(("HI", *values[start : start + 12]))
    conditions = [("BG", code) for code in facts.condition_codes]
    for start in range(0, min(len(conditions), 24), 12):
        segments.append(("HI", *conditions[start : start + 12]))
    return segments


def _institutional_note(lines: list[ServiceLine]) -> list[Segment]:
    # 837I has no 2400 NTE for billing notes: narrative overflow goes to the claim's 2300 NTE*ADD.
    notes = [
        f"L{n} {line.note}" if len(lines) > 1 else line.note for n, line in enumerate(lines, 1) if line.note
    ]
    if not notes:
        return []
    text = " / ".join(n for n in notes if n)
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(
            f"The 837I billing note (2300 NTE*ADD) holds {TEXT_LIMIT} characters; the lines' narrative "
            f"overflow needs {len(text)}. Shorten the narratives or send an attachment (PWK).",
            field="narrative",
        )
    return [("NTE", "ADD", text)]


def _envelope(claim: Claim, version: str, when: datetime, head: list[Segment], lines_text: str) -> str:
    env, seps = claim.envelope, claim.separators
    control = f"{env.control_number:09d}"
    isa = (
        "ISA", "00", " " * 10, "00", " " * 10,
        env.sender_qualifier, env.sender_id[:15].ljust(15), env.receiver_qualifier, env.receiver_id[:15].ljust(15),
        _ccyymmdd(when)[2:], _hhmm(when), seps.repetition, "00501", control, "0", env.usage,
        seps.component,
    )  # fmt: skip
    group = str(env.group_control_number)
    gs = ("GS", "HC", env.sender_id, env.receiver_id, _ccyymmdd(when), _hhmm(when), group,
          "X", version)  # fmt: skip
    # SE01 counts ST through SE; the line text holds one terminator per segment (values never
    # contain it: write_segment and clean_text keep delimiters out).
    count = len(head) + lines_text.count(seps.segment) + 1
    trailer = [("SE", str(count), "0001"), ("GE", "1", group), ("IEA", "1", control)]
    # ISA is fixed-width and holds two delimiters itself (ISA11, ISA16): written unescaped.
    return (
        write_segment(isa, seps, escape=False)
        + seps.terminator
        + write_segments([gs, *head], seps)
        + lines_text
        + write_segments(trailer, seps)
    )


def _ccyymmdd(when: datetime) -> str:
    return f"{when.year:04d}{when.month:02d}{when.day:02d}"


def _hhmm(when: datetime) -> str:
    return f"{when.hour:02d}{when.minute:02d}"


_NOT_DIGITS = re.compile(r"\D")


def _digits(text: str) -> str:
    return _NOT_DIGITS.sub("", text)
