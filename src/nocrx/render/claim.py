"""The claim JSON: parties, envelope settings and claim lines in the core input contract.

``parse_claim(data)`` reads a decoded JSON object into a frozen ``Claim`` and names the field of
any bad value (``InvalidInput``); each line goes through ``nocrx.contract.parse_claim_line``.
The format is documented in docs/render.md ("Claim JSON"). No I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from nocrx.contract import json_object, parse_claim_line, reject_unknown_fields
from nocrx.errors import InvalidInput
from nocrx.model import ClaimLine
from nocrx.render.x12_syntax import Separators

CLAIM_TYPES = ("professional", "institutional")
TOP_FIELDS = {
    "type", "interchange", "separators", "submitter", "receiver", "billing_provider", "subscriber",
    "payer", "claim",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    state: str
    zip: str
    line2: str | None = None


@dataclass(frozen=True, slots=True)
class Party:
    """A submitter, receiver, billing provider or payer: a name and an identifier."""

    name: str
    id: str
    address: Address | None = None
    tax_id: str | None = None
    taxonomy: str | None = None
    contact_name: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Subscriber:
    member_id: str
    last_name: str
    first_name: str | None = None
    birth_date: date | None = None
    sex: str = "U"
    address: Address | None = None
    group_number: str | None = None
    claim_filing_indicator: str = "CI"

    def __repr__(self) -> str:
        return "Subscriber(<masked>)"  # PHI: never in a log


@dataclass(frozen=True, slots=True)
class Envelope:
    """ISA/GS settings: who sends to whom, control numbers, test or production, when."""

    sender_id: str = "NOCRX"
    sender_qualifier: str = "ZZ"
    receiver_id: str = "RECEIVER"
    receiver_qualifier: str = "ZZ"
    control_number: int = 1
    group_control_number: int = 1
    usage: str = "T"
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    type: str
    envelope: Envelope
    separators: Separators
    submitter: Party
    receiver: Party
    billing_provider: Party
    subscriber: Subscriber
    payer: Party
    claim_id: str
    lines: tuple[ClaimLine, ...]
    diagnoses: tuple[str, ...]
    place_of_service: str = "11"
    frequency: str = "1"
    facility_type: str = "13"
    admission_type: str | None = None
    admission_source: str | None = None
    patient_status: str = "01"
    statement_from: date | None = None
    statement_to: date | None = None

    def __repr__(self) -> str:
        return f"Claim(type={self.type!r}, lines={len(self.lines)}, <masked>)"


def parse_claim(data: Any) -> Claim:
    """Read a claim JSON object; raise InvalidInput naming the bad field."""
    obj = json_object(data, "claim file")
    reject_unknown_fields(obj, TOP_FIELDS, "")
    claim_obj = json_object(obj.get("claim"), "claim")
    reject_unknown_fields(
        claim_obj,
        {"id", "place_of_service", "frequency", "facility_type", "admission_type", "admission_source",
         "patient_status", "statement_from", "statement_to", "diagnoses", "lines"},
        "claim.",
    )  # fmt: skip
    raw_lines = claim_obj.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise InvalidInput("claim.lines must be a list of one or more claim lines.", field="claim.lines")
    lines = tuple(_line(raw, i) for i, raw in enumerate(raw_lines))
    claim_type = str(obj.get("type") or "professional").lower()
    if claim_type not in CLAIM_TYPES:
        raise InvalidInput(f'type must be one of {", ".join(CLAIM_TYPES)}; got "{claim_type}".', field="type")
    diagnoses = tuple(_text_list(claim_obj.get("diagnoses"), "claim.diagnoses")) or _line_diagnoses(lines)
    if not diagnoses:
        raise InvalidInput(
            "The claim has no diagnosis: give claim.diagnoses or diagnoses on its lines (837 2300 HI).",
            field="claim.diagnoses",
        )
    return Claim(
        type=claim_type,
        envelope=_envelope(obj.get("interchange")),
        separators=_separators(obj.get("separators")),
        submitter=_party(obj.get("submitter"), "submitter"),
        receiver=_party(obj.get("receiver"), "receiver"),
        billing_provider=_billing_provider(obj.get("billing_provider")),
        subscriber=_subscriber(obj.get("subscriber")),
        payer=_party(obj.get("payer"), "payer"),
        claim_id=_required(claim_obj, "id", "claim."),
        lines=lines,
        diagnoses=diagnoses,
        place_of_service=_text(claim_obj, "place_of_service", "claim.") or "11",
        frequency=_text(claim_obj, "frequency", "claim.") or "1",
        facility_type=_text(claim_obj, "facility_type", "claim.") or "13",
        admission_type=_text(claim_obj, "admission_type", "claim."),
        admission_source=_text(claim_obj, "admission_source", "claim."),
        patient_status=_text(claim_obj, "patient_status", "claim.") or "01",
        statement_from=_date(claim_obj.get("statement_from"), "claim.statement_from"),
        statement_to=_date(claim_obj.get("statement_to"), "claim.statement_to"),
    )


def _line(raw: Any, index: int) -> ClaimLine:
    try:
        return parse_claim_line(raw)
    except InvalidInput as error:
        field = f"claim.lines[{index}].{error.field}" if error.field else f"claim.lines[{index}]"
        raise InvalidInput(f"claim.lines[{index}]: {error.message}", field=field) from None


def _line_diagnoses(lines: tuple[ClaimLine, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for line in lines:
        seen.update(dict.fromkeys(line.diagnoses))
    return tuple(seen)


def _envelope(value: Any) -> Envelope:
    if value is None:
        return Envelope()
    obj = json_object(value, "interchange")
    reject_unknown_fields(obj, {f for f in Envelope.__dataclass_fields__}, "interchange.")
    usage = (_text(obj, "usage", "interchange.") or "T").upper()
    if usage not in ("T", "P"):
        raise InvalidInput(
            'interchange.usage must be "T" (test) or "P" (production).', field="interchange.usage"
        )
    created = obj.get("created")
    try:
        when = datetime.fromisoformat(created) if isinstance(created, str) else None
    except ValueError:
        raise InvalidInput(
            f'interchange.created must be an ISO date-time such as 2025-11-14T09:30; got "{created}".',
            field="interchange.created",
        ) from None
    return Envelope(
        sender_id=_text(obj, "sender_id", "interchange.") or "NOCRX",
        sender_qualifier=_text(obj, "sender_qualifier", "interchange.") or "ZZ",
        receiver_id=_text(obj, "receiver_id", "interchange.") or "RECEIVER",
        receiver_qualifier=_text(obj, "receiver_qualifier", "interchange.") or "ZZ",
        control_number=_control(obj.get("control_number"), "interchange.control_number"),
        group_control_number=_control(obj.get("group_control_number"), "interchange.group_control_number"),
        usage=usage,
        created=when,
    )


def _control(value: Any, field: str) -> int:
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise InvalidInput(f"{field} must be a whole number from 1 to 999999999.", field=field)
    number = int(value)
    if not 1 <= number <= 999_999_999:
        raise InvalidInput(f"{field} must be from 1 to 999999999 (ISA13 has 9 digits).", field=field)
    return number


def _separators(value: Any) -> Separators:
    if value is None:
        return Separators()
    obj = json_object(value, "separators")
    reject_unknown_fields(obj, {"element", "component", "repetition", "segment", "line_break"}, "separators.")
    defaults = Separators()
    return Separators(
        element=str(obj.get("element", defaults.element)),
        component=str(obj.get("component", defaults.component)),
        repetition=str(obj.get("repetition", defaults.repetition)),
        segment=str(obj.get("segment", defaults.segment)),
        line_break=bool(obj.get("line_break", defaults.line_break)),
    )


_PARTY_FIELDS = {"name", "id", "npi", "address", "tax_id", "taxonomy", "contact_name", "phone"}


def _party(value: Any, path: str) -> Party:
    obj = json_object(value, path)
    reject_unknown_fields(obj, _PARTY_FIELDS, path + ".")
    return Party(
        name=_required(obj, "name", path + "."),
        id=_required(obj, "npi" if "npi" in obj else "id", path + "."),
        address=_address(obj.get("address"), path + ".address"),
        tax_id=_text(obj, "tax_id", path + "."),
        taxonomy=_text(obj, "taxonomy", path + "."),
        contact_name=_text(obj, "contact_name", path + "."),
        phone=_text(obj, "phone", path + "."),
    )


def _billing_provider(value: Any) -> Party:
    party = _party(value, "billing_provider")
    if not re.fullmatch(r"\d{10}", party.id):
        raise InvalidInput("billing_provider.npi must be the 10-digit NPI.", field="billing_provider.npi")
    if party.address is None:
        raise InvalidInput(
            "billing_provider.address is required (2010AA N3/N4).", field="billing_provider.address"
        )
    if not re.fullmatch(r"\d{9}", party.address.zip):
        # 5010 TR3 2010AA N403: the billing provider ZIP is the full ZIP+4, nine digits.
        raise InvalidInput(
            f'billing_provider.address.zip must be the 9-digit ZIP+4 (e.g. 43215-1234); got "{party.address.zip}".',
            field="billing_provider.address.zip",
        )
    if not party.tax_id:
        raise InvalidInput(
            "billing_provider.tax_id is required (2010AA REF*EI).", field="billing_provider.tax_id"
        )
    return party


def _subscriber(value: Any) -> Subscriber:
    obj = json_object(value, "subscriber")
    fields = {"member_id", "last_name", "first_name", "birth_date", "sex", "address", "group_number",
              "claim_filing_indicator"}  # fmt: skip
    reject_unknown_fields(obj, fields, "subscriber.")
    sex = (_text(obj, "sex", "subscriber.") or "U").upper()
    if sex not in ("F", "M", "U"):
        raise InvalidInput('subscriber.sex must be "F", "M" or "U".', field="subscriber.sex")
    return Subscriber(
        member_id=_required(obj, "member_id", "subscriber."),
        last_name=_required(obj, "last_name", "subscriber."),
        first_name=_text(obj, "first_name", "subscriber."),
        birth_date=_date(obj.get("birth_date"), "subscriber.birth_date"),
        sex=sex,
        address=_address(obj.get("address"), "subscriber.address"),
        group_number=_text(obj, "group_number", "subscriber."),
        claim_filing_indicator=(_text(obj, "claim_filing_indicator", "subscriber.") or "CI").upper(),
    )


def _address(value: Any, path: str) -> Address | None:
    if value is None:
        return None
    obj = json_object(value, path)
    reject_unknown_fields(obj, {"line1", "line2", "city", "state", "zip"}, path + ".")
    return Address(
        line1=_required(obj, "line1", path + "."),
        city=_required(obj, "city", path + "."),
        state=_required(obj, "state", path + ".").upper(),
        zip=_required(obj, "zip", path + ".").replace("-", ""),
        line2=_text(obj, "line2", path + "."),
    )


def _date(value: Any, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        # The value is not repeated: a subscriber's birth date is PHI and errors reach logs.
        raise InvalidInput(f"{field} must be a date written YYYY-MM-DD.", field=field) from None


def _required(obj: dict[str, Any], key: str, prefix: str) -> str:
    text = _text(obj, key, prefix)
    if text is None:
        raise InvalidInput(f"{prefix}{key} is required.", field=prefix + key)
    return text


def _text(obj: dict[str, Any], key: str, prefix: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidInput(f"{prefix}{key} must be text.", field=prefix + key)
    return str(value).strip() or None


def _text_list(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidInput(f"{field} must be a list of codes.", field=field)
    return [v.strip().upper() for v in value]
