"""The JSON input contract (the same for the CLI, the API and batch) and the JSON answer.

``parse_claim_line`` turns a decoded JSON object into a ``ClaimLine`` and names the field of
any bad value; ``evaluation_to_dict`` writes the answer (code, units, modifiers, ndc_11,
status, findings, trace, data_release ...). No I/O.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from nocrx.errors import InvalidInput
from nocrx.model import (
    CATEGORIES,
    SETTINGS,
    Administration,
    Amount,
    Attachment,
    ClaimLine,
    Component,
    Decision,
    Drug,
    Evaluation,
    Investigational,
    format_number,
)

TOP_LEVEL_FIELDS = {
    "date_of_service",
    "payer",
    "setting",
    "hcpcs",
    "modifiers",
    "units",
    "charge",
    "diagnoses",
    "narrative",
    "340b",
    "drug",
    "administration",
    "line_id",
    "revenue_code",
    "condition_codes",
    "value_codes",
    "attachment",
}
DRUG_FIELDS = {
    "ndc",
    "name",
    "strength",
    "dose",
    "wasted",
    "quantity",
    "doses_per_vial",
    "route",
    "container",
    "category",
    "components",
    "investigational",
    "fda_approval_date",
}
CONTAINERS = ("single-dose", "multi-dose")


def parse_claim_line(data: Any) -> ClaimLine:
    """Read one line of the input contract; raise InvalidInput naming the bad field.

    >>> parse_claim_line({"date_of_service": "2025-11-14", "hcpcs": "j3490"}).hcpcs
    'J3490'
    """
    obj = json_object(data, "line")
    reject_unknown_fields(obj, TOP_LEVEL_FIELDS, "")
    setting = _optional_choice(obj, "setting", SETTINGS)
    return ClaimLine(
        date_of_service=_date(obj.get("date_of_service"), "date_of_service", required=True),  # type: ignore[arg-type]
        payer=_optional_text(obj, "payer"),
        setting=setting,
        hcpcs=_code(obj.get("hcpcs"), "hcpcs"),
        modifiers=tuple(m.upper() for m in _text_list(obj.get("modifiers"), "modifiers")),
        units=_number(obj.get("units"), "units"),
        charge=_number(obj.get("charge"), "charge"),
        diagnoses=tuple(_text_list(obj.get("diagnoses"), "diagnoses")),
        narrative=_optional_text(obj, "narrative"),
        is_340b=_bool(obj.get("340b"), "340b"),
        drug=_drug(obj.get("drug")),
        administration=tuple(
            _administration(a, f"administration[{i}]")
            for i, a in enumerate(_list(obj.get("administration"), "administration"))
        ),
        line_id=_optional_text(obj, "line_id"),
        revenue_code=_optional_text(obj, "revenue_code"),
        condition_codes=tuple(_text_list(obj.get("condition_codes"), "condition_codes")),
        value_codes=tuple(
            _value_code(v, f"value_codes[{i}]")
            for i, v in enumerate(_list(obj.get("value_codes"), "value_codes"))
        ),
        attachment=_attachment(obj.get("attachment")),
    )


def _drug(value: Any) -> Drug | None:
    if value is None:
        return None
    obj = json_object(value, "drug")
    reject_unknown_fields(obj, DRUG_FIELDS, "drug.")
    categories = tuple(_text_list(obj.get("category"), "drug.category"))
    for category in categories:
        if category not in CATEGORIES:
            raise InvalidInput(
                f'drug.category: unknown category "{category}". Known: {", ".join(CATEGORIES)}.',
                field="drug.category",
            )
    investigational = obj.get("investigational")
    return Drug(
        ndc=_optional_text(obj, "ndc", "drug."),
        name=_optional_text(obj, "name", "drug."),
        strength=_optional_text(obj, "strength", "drug."),
        dose=_amount(obj.get("dose"), "drug.dose"),
        wasted=_amount(obj.get("wasted"), "drug.wasted"),
        quantity=_amount(obj.get("quantity"), "drug.quantity"),
        doses_per_vial=_number(obj.get("doses_per_vial"), "drug.doses_per_vial"),
        route=_optional_text(obj, "route", "drug."),
        container=_optional_choice(obj, "container", CONTAINERS, "drug."),
        category=categories,
        components=tuple(
            _component(c, f"drug.components[{i}]")
            for i, c in enumerate(_list(obj.get("components"), "drug.components"))
        ),
        investigational=None if investigational is None else _investigational(investigational),
        fda_approval_date=_date(obj.get("fda_approval_date"), "drug.fda_approval_date"),
    )


def _component(value: Any, path: str) -> Component:
    obj = json_object(value, path)
    reject_unknown_fields(obj, {"ndc", "name", "quantity"}, path + ".")
    return Component(
        ndc=_optional_text(obj, "ndc", path + "."),
        name=_optional_text(obj, "name", path + "."),
        quantity=_amount(obj.get("quantity"), path + ".quantity"),
    )


def _investigational(value: Any) -> Investigational:
    obj = json_object(value, "drug.investigational")
    reject_unknown_fields(obj, {"study_id", "emergency"}, "drug.investigational.")
    return Investigational(
        study_id=_optional_text(obj, "study_id", "drug.investigational."),
        emergency=_bool(obj.get("emergency"), "drug.investigational.emergency"),
    )


def _administration(value: Any, path: str) -> Administration:
    obj = json_object(value, path)
    reject_unknown_fields(obj, {"cpt", "units"}, path + ".")
    cpt = _code(obj.get("cpt"), path + ".cpt")
    if cpt is None:
        raise InvalidInput(f"{path}.cpt is required (the administration CPT code, e.g. 96413).", field=path)
    units = _number(obj.get("units"), path + ".units")
    return Administration(cpt=cpt, units=Decimal(1) if units is None else units)


def _attachment(value: Any) -> Attachment | None:
    if value is None:
        return None
    obj = json_object(value, "attachment")
    reject_unknown_fields(obj, {"report_type", "transmission", "control_number"}, "attachment.")
    return Attachment(
        report_type=(_optional_text(obj, "report_type", "attachment.") or "OZ").upper(),
        transmission=(_optional_text(obj, "transmission", "attachment.") or "EL").upper(),
        control_number=_optional_text(obj, "control_number", "attachment."),
    )


def _value_code(value: Any, path: str) -> tuple[str, str]:
    obj = json_object(value, path)
    code, amount = obj.get("code"), obj.get("amount")
    if not isinstance(code, str) or not code.strip():
        raise InvalidInput(f'{path}.code must be a value code such as "D4".', field=path)
    return code.strip().upper(), "" if amount is None else str(amount).strip()


def _amount(value: Any, path: str) -> Amount | None:
    if value is None:
        return None
    obj = json_object(value, path)
    reject_unknown_fields(obj, {"value", "unit"}, path + ".")
    number = _number(obj.get("value"), path + ".value")
    unit = obj.get("unit")
    if number is None:
        raise InvalidInput(f"{path}.value is required (a number).", field=path)
    if not isinstance(unit, str) or not unit.strip():
        raise InvalidInput(f'{path}.unit is required (e.g. "mg", "ML", "UN").', field=path)
    return Amount(number, unit.strip())


def _number(value: Any, path: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidInput(f"{path} must be a number, not true/false.", field=path)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInput(f'{path} must be a number; got "{value}".', field=path) from None
    if not number.is_finite() or number < 0:
        raise InvalidInput(f'{path} must be a finite number of zero or more; got "{value}".', field=path)
    return number


def _date(value: Any, path: str, *, required: bool = False) -> date | None:
    if value is None:
        if required:
            raise InvalidInput(f"{path} is required (YYYY-MM-DD).", field=path)
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{path} must be a date written YYYY-MM-DD.", field=path)
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InvalidInput(f'{path} must be a date written YYYY-MM-DD; got "{value}".', field=path) from None


def _code(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{path} must be a code written as text.", field=path)
    text = value.strip().upper()
    return text or None


def _bool(value: Any, path: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidInput(f"{path} must be true or false.", field=path)
    return value


def _optional_text(obj: dict[str, Any], key: str, prefix: str = "") -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InvalidInput(f"{prefix}{key} must be text.", field=prefix + key)
    text = str(value).strip()
    return text or None


def _optional_choice(obj: dict[str, Any], key: str, choices: tuple[str, ...], prefix: str = "") -> str | None:
    text = _optional_text(obj, key, prefix)
    if text is None:
        return None
    text = text.lower()
    if text not in choices:
        raise InvalidInput(f'{prefix}{key}: "{text}" is not one of {", ".join(choices)}.', field=prefix + key)
    return text


def _text_list(value: Any, path: str) -> list[str]:
    items = _list(value, path)
    texts = []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise InvalidInput(f"{path}[{i}] must be non-empty text.", field=path)
        texts.append(item.strip())
    return texts


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput(f"{path} must be a list.", field=path)
    return value


def json_object(value: Any, path: str) -> dict[str, Any]:
    """The value as a JSON object, or InvalidInput naming ``path`` (shared with the claim JSON reader)."""
    if not isinstance(value, dict):
        raise InvalidInput(f"{path} must be a JSON object.", field=path)
    return value


def reject_unknown_fields(obj: dict[str, Any], known: set[str], prefix: str) -> None:
    """Refuse a misspelled field by name: a silently ignored "nda" would drop the NDC."""
    unknown = sorted(set(obj) - known)
    if unknown:
        raise InvalidInput(
            f"unknown field {prefix}{unknown[0]}; known fields: {', '.join(sorted(known))}.",
            field=prefix + unknown[0],
        )


# ---- the answer ------------------------------------------------------------------------------


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """Write a Decision as JSON-ready data (numbers as JSON numbers, dates as ISO text)."""
    return {
        "code": decision.code,
        "kind": decision.kind,
        "units": _json_number(decision.units),
        "modifiers": list(decision.modifiers),
        "ndc_11": decision.ndc_11,
        "nature": list(decision.nature),
        "nature_is_guessed": decision.nature_is_guessed,
        "hcpcs_dosage": decision.hcpcs_dosage,
        "candidates": list(decision.candidates),
        "product": None if decision.product is None else _jsonable(asdict(decision.product)),
        "findings": [asdict(f) for f in decision.findings],
        "trace": [asdict(s) for s in decision.trace],
        "data_release": dict(decision.data_release),
    }


def evaluation_to_dict(evaluation: Evaluation) -> dict[str, Any]:
    """Write an Evaluation as the contract's output JSON."""
    decision = decision_to_dict(evaluation.decision)
    decision.update(
        {
            "payer": evaluation.payer_id,
            "status": evaluation.status,
            "findings": [asdict(f) for f in evaluation.findings],
            "narrative": evaluation.narrative,
            "narrative_overflow": evaluation.narrative_overflow,
            "price": None
            if evaluation.price is None
            else {
                "amount": _json_number(evaluation.price.amount),
                "basis": evaluation.price.basis,
                "source": evaluation.price.source,
            },
        }
    )
    return decision


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    text = format_number(value)
    return int(text) if "." not in text else float(text)


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}
