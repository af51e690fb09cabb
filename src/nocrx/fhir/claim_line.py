"""Turn a MedicationAdministration or MedicationRequest (and what it points at) into a ClaimLine.

What is read, and from where (FHIR R4):
- drug: ``medicationCodeableConcept`` or ``medicationReference`` -> Medication (contained
  ``#id``, in the Bundle, or in prefetch). The NDC is the coding with system
  ``http://hl7.org/fhir/sid/ndc`` in Medication.code; a Medication with several NDC-coded
  ``ingredient.itemCodeableConcept`` is a compound (category "compounded", one component each).
  A HCPCS coding anywhere on the order or Medication becomes ``hcpcs`` (every HCPCS system URI
  seen in the wild is accepted, see HCPCS_SYSTEM_HINTS).
- dose and route: MedicationAdministration.dosage.dose/route, or the first
  MedicationRequest.dosageInstruction doseAndRate.doseQuantity/route.
- date of service: effective[x] (administration), else the first timing event, boundsPeriod
  start or authoredOn (order), else ``today``.
- diagnoses: ICD-10-CM codes of reasonCode, reasonReference -> Condition, then the patient's
  other active Conditions (837P 2300 HI holds 12).
- setting: Encounter.class (v3 ActCode): AMB -> professional, EMER/OBSENC/SS -> outpatient-hospital.
- payer: the patient's active Coverage, through ``payer_for`` (the API passes the profile lookup).
- investigational: the ``workflow-researchStudy`` extension, or a ResearchSubject of the patient,
  gives the study id (ResearchStudy.identifier, the NCT number); a stat/asap order or an
  emergency encounter marks it an emergency use.
Names, birth dates and member ids are never read. No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from nocrx.fhir.resources import Resource, ResourceIndex, as_list, codings, first_code, reference_key
from nocrx.model import Amount, ClaimLine, Component, Drug, Investigational

NDC_SYSTEMS = ("http://hl7.org/fhir/sid/ndc", "urn:oid:2.16.840.1.113883.6.69")
ICD10CM_SYSTEMS = ("http://hl7.org/fhir/sid/icd-10-cm", "urn:oid:2.16.840.1.113883.6.90")
# CRD IG and RI use .../HCPCSReleaseCodeSets (https, http, and the RI's typo "hhttps"); the
# CRD test kit uses the Blue Button URI (fhir-samples README "HCPCS system URIs differ").
HCPCS_SYSTEM_HINTS = ("hcpcsreleasecodesets", "codesystem/hcpcs", "2.16.840.1.113883.6.285")
MAX_DIAGNOSES = 12
# SNOMED CT route codes (FHIR R4 route-codes value set) -> FDA ROUTENAME words the decision reads.
SNOMED_ROUTES = {
    "47625008": "INTRAVENOUS", "255560000": "INTRAVENOUS", "78421000": "INTRAMUSCULAR",
    "34206005": "SUBCUTANEOUS", "26643006": "ORAL", "54471007": "BUCCAL", "37839007": "SUBLINGUAL",
    "18679011000001101": "RESPIRATORY (INHALATION)", "447694001": "RESPIRATORY (INHALATION)",
    "72607000": "INTRATHECAL", "372468001": "INTRAOCULAR", "418821007": "INTRAVITREAL",
    "6064005": "TOPICAL", "372464004": "INTRADERMAL", "404820008": "EPIDURAL",
}  # fmt: skip
ENCOUNTER_SETTINGS = {"AMB": "professional", "VR": "professional", "HH": "professional",
                      "EMER": "outpatient-hospital", "OBSENC": "outpatient-hospital", "SS": "outpatient-hospital"}  # fmt: skip
EMERGENCY_PRIORITIES = ("stat", "asap", "urgent")
MEDICATION_TYPES = ("MedicationAdministration", "MedicationRequest")


@dataclass(frozen=True, slots=True)
class MappedLine:
    """A claim line and where it came from (``Type/id``), with notes on what was missing."""

    line: ClaimLine
    source: str
    notes: tuple[str, ...] = ()
    patient: str | None = None
    coverage: str | None = None
    encounter: str | None = None
    provider: dict[str, Any] | None = None


def claim_line_from(
    order: Resource, index: ResourceIndex, *, today: date, payer_for: Callable[[Resource | None], str | None]
) -> MappedLine:
    """Map one MedicationAdministration or MedicationRequest (see the module docstring)."""
    medication = _medication(order, index)
    drug, notes = _drug(order, medication)
    patient = _reference_text(order.get("subject"))
    encounter = index.resolve(order.get("context") or order.get("encounter"))
    coverage = _coverage(index, patient)
    line = ClaimLine(
        date_of_service=_date_of_service(order) or today,
        payer=payer_for(coverage),
        setting=_setting(encounter),
        hcpcs=_hcpcs(order, medication),
        diagnoses=_diagnoses(order, index, patient),
        drug=drug,
        line_id=order.get("id") if isinstance(order.get("id"), str) else None,
    )
    investigational = _investigational(order, medication, index, patient, encounter)
    if investigational is not None and line.drug is not None:
        line = _with_drug(line, investigational=investigational)
    if coverage is not None and line.payer is None:
        notes = [*notes, "the Coverage's payer matches no payer profile; checked with the default profile"]
    performer = _provider(order)
    return MappedLine(line, reference_key(order) or order["resourceType"], tuple(notes), patient,
                      reference_key(coverage), reference_key(encounter), performer)  # fmt: skip


def medication_orders(index: ResourceIndex) -> list[Resource]:
    """The lines to bill: administrations if any (what was given), else the orders."""
    return index.of_type("MedicationAdministration") or index.of_type("MedicationRequest")


def _medication(order: Resource, index: ResourceIndex) -> Resource | None:
    reference = order.get("medicationReference")
    if reference is not None:
        found = index.resolve(reference, order)
        if found is not None and found.get("resourceType") == "Medication":
            return found
        display = reference.get("display") if isinstance(reference, dict) else None
        return {"resourceType": "Medication", "code": {"text": display}} if display else None
    concept = order.get("medicationCodeableConcept")
    return {"resourceType": "Medication", "code": concept} if isinstance(concept, dict) else None


def _drug(order: Resource, medication: Resource | None) -> tuple[Drug | None, list[str]]:
    if medication is None:
        return None, ["the order names no medication"]
    code = medication.get("code")
    ndc = first_code([code], _is_ndc)
    components = _components(medication)
    notes = []
    if ndc is None and len(components) == 1:
        ndc, components = components[0].ndc, ()
    if ndc is None and not components:
        notes.append("no NDC coding on the medication (RxNorm or text only)")
    dose, route = _dose_and_route(order)
    return Drug(
        ndc=ndc,
        name=_name(code) or ("compounded preparation" if components else None),
        dose=dose,
        route=route,
        category=("compounded",) if len(components) > 1 else (),
        components=components if len(components) > 1 else (),
    ), notes


def _components(medication: Resource) -> tuple[Component, ...]:
    found = []
    for ingredient in as_list(medication.get("ingredient")):
        if not isinstance(ingredient, dict):
            continue
        concept = ingredient.get("itemCodeableConcept")
        ndc = first_code([concept], _is_ndc)
        if ndc is not None:
            found.append(
                Component(ndc=ndc, name=_name(concept), quantity=_strength(ingredient.get("strength")))
            )
    return tuple(found)


def _strength(ratio: Any) -> Amount | None:
    numerator = ratio.get("numerator") if isinstance(ratio, dict) else None
    return _amount(numerator)


def _dose_and_route(order: Resource) -> tuple[Amount | None, str | None]:
    if order["resourceType"] == "MedicationAdministration":
        dosage = order.get("dosage") if isinstance(order.get("dosage"), dict) else {}
        return _amount(dosage.get("dose")), _route(dosage.get("route"))
    instructions = [d for d in as_list(order.get("dosageInstruction")) if isinstance(d, dict)]
    if not instructions:
        return None, None
    first = instructions[0]
    dose = None
    for rate in as_list(first.get("doseAndRate")):
        if isinstance(rate, dict) and dose is None:
            dose = _amount(rate.get("doseQuantity"))
    return dose, _route(first.get("route"))


def _amount(quantity: Any) -> Amount | None:
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        return None
    try:
        value = Decimal(str(quantity["value"]))
    except InvalidOperation:
        return None
    unit = quantity.get("code") or quantity.get("unit")
    if not value.is_finite() or value < 0 or not isinstance(unit, str) or not unit.strip():
        return None
    return Amount(value, unit.strip())


def _route(concept: Any) -> str | None:
    for coding in codings(concept):
        code = coding.get("code")
        if isinstance(code, str) and code in SNOMED_ROUTES:
            return SNOMED_ROUTES[code]
    for coding in codings(concept):
        if isinstance(coding.get("display"), str):
            return _route_words(coding["display"])
    text = concept.get("text") if isinstance(concept, dict) else None
    return _route_words(text) if isinstance(text, str) else None


def _route_words(text: str) -> str:
    # SNOMED displays read "Intravenous route (qualifier value)": keep the route word.
    return re.sub(r"\s*(route)?\s*\(.*\)$|\s+route$", "", text.strip(), flags=re.IGNORECASE).upper()


def _name(concept: Any) -> str | None:
    if not isinstance(concept, dict):
        return None
    if isinstance(concept.get("text"), str) and concept["text"].strip():
        return concept["text"].strip()
    for coding in codings(concept):
        if isinstance(coding.get("display"), str) and coding["display"].strip():
            return coding["display"].strip()
    return None


def _hcpcs(order: Resource, medication: Resource | None) -> str | None:
    concepts = [*as_list(order.get("code")), (medication or {}).get("code")]
    code = first_code(concepts, _is_hcpcs)
    return code.upper() if code else None


def _date_of_service(order: Resource) -> date | None:
    if order["resourceType"] == "MedicationAdministration":
        period = order.get("effectivePeriod")
        return _day(order.get("effectiveDateTime")) or _day(
            period.get("start") if isinstance(period, dict) else None
        )
    for dosage in as_list(order.get("dosageInstruction")):
        timing = dosage.get("timing") if isinstance(dosage, dict) else None
        if isinstance(timing, dict):
            events = as_list(timing.get("event"))
            repeat = timing.get("repeat") if isinstance(timing.get("repeat"), dict) else {}
            bounds = repeat.get("boundsPeriod") if isinstance(repeat.get("boundsPeriod"), dict) else {}
            found = _day(events[0] if events else None) or _day(bounds.get("start"))
            if found:
                return found
    return _day(order.get("authoredOn"))


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _diagnoses(order: Resource, index: ResourceIndex, patient: str | None) -> tuple[str, ...]:
    concepts = list(as_list(order.get("reasonCode")))
    for reference in as_list(order.get("reasonReference")):
        condition = index.resolve(reference, order)
        if condition is not None:
            concepts.append(condition.get("code"))
    for condition in index.of_type("Condition"):
        if _belongs_to(condition, patient) and _is_active(condition):
            concepts.append(condition.get("code"))
    found: list[str] = []
    for concept in concepts:
        for coding in codings(concept):
            code = coding.get("code")
            if coding.get("system") in ICD10CM_SYSTEMS and isinstance(code, str) and code.strip():
                # crd_transaction_bundle.json has " G30.0": codes are trimmed and upper-cased.
                found.append(code.strip().upper())
    return tuple(dict.fromkeys(found))[:MAX_DIAGNOSES]


def _belongs_to(resource: Resource, patient: str | None) -> bool:
    subject = resource.get("subject") or resource.get("beneficiary") or resource.get("patient")
    ref = _reference_text(subject)
    return patient is None or ref is None or _same_reference(ref, patient)


def _same_reference(a: str, b: str) -> bool:
    return a == b or a.rstrip("/").split("/")[-2:] == b.rstrip("/").split("/")[-2:]


def _is_active(condition: Resource) -> bool:
    statuses = [c.get("code") for c in codings(condition.get("clinicalStatus"))]
    return not statuses or any(s in ("active", "recurrence", "relapse") for s in statuses)


def _setting(encounter: Resource | None) -> str | None:
    klass = (encounter or {}).get("class")
    code = klass.get("code") if isinstance(klass, dict) else None
    return ENCOUNTER_SETTINGS.get(code) if isinstance(code, str) else None


def _coverage(index: ResourceIndex, patient: str | None) -> Resource | None:
    coverages = [c for c in index.of_type("Coverage") if _belongs_to(c, patient)]
    active = [c for c in coverages if c.get("status") in (None, "active")]
    return (active or coverages or [None])[0]


def _investigational(
    order: Resource, medication: Resource | None, index: ResourceIndex, patient: str | None,
    encounter: Resource | None,
) -> Investigational | None:  # fmt: skip
    study = None
    for resource in (order, medication or {}):
        for extension in as_list(resource.get("extension")):
            if isinstance(extension, dict) and str(extension.get("url", "")).endswith("researchStudy"):
                study = index.resolve(extension.get("valueReference"), resource) or {"id": None}
    for subject in index.of_type("ResearchSubject"):
        individual = _reference_text(subject.get("individual"))
        if study is None and individual is not None and _same_reference(individual, str(patient)):
            study = index.resolve(subject.get("study")) or {"id": None}
    if study is None:
        return None
    identifiers = [i.get("value") for i in as_list(study.get("identifier")) if isinstance(i, dict)]
    klass = (encounter or {}).get("class")
    is_emergency_visit = isinstance(klass, dict) and klass.get("code") == "EMER"
    emergency = order.get("priority") in EMERGENCY_PRIORITIES or is_emergency_visit
    return Investigational(study_id=next((str(v) for v in identifiers if v), None), emergency=emergency)


def _with_drug(line: ClaimLine, **changes: Any) -> ClaimLine:
    assert line.drug is not None
    return replace(line, drug=replace(line.drug, **changes))


def _provider(order: Resource) -> dict[str, Any] | None:
    for key in ("performer", "requester"):
        for item in as_list(order.get(key)):
            ref = item.get("actor") if isinstance(item, dict) and "actor" in item else item
            if isinstance(ref, dict) and isinstance(ref.get("reference"), str):
                return {"reference": ref["reference"]}
    return None


def _reference_text(reference: Any) -> str | None:
    """The literal reference of a Reference, when it is one (text), else None."""
    value = reference.get("reference") if isinstance(reference, dict) else None
    return value if isinstance(value, str) else None


def _is_ndc(system: str) -> bool:
    return system.strip() in NDC_SYSTEMS


def _is_hcpcs(system: str) -> bool:
    lowered = system.lower()
    return any(hint in lowered for hint in HCPCS_SYSTEM_HINTS)
