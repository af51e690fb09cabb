"""Find FHIR resources in what a client sent and follow references between them.

A request may hold a Bundle (transaction, collection, searchset), CDS Hooks prefetch values
(single resources, searchset Bundles or JSON ``null``) and contained resources. References
come as ``#id`` (contained), ``Type/id``, an absolute URL ending ``Type/id``, or a
``urn:uuid:`` fullUrl (FHIR R4 3.1.4 "Resolving references in Bundles"). Plain dicts in,
plain dicts out; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nocrx.errors import InvalidInput

Resource = dict[str, Any]


class FHIRInputError(InvalidInput):
    """A body that is JSON but not the FHIR we need (wrong resourceType, entries without one)."""

    code = "FHIR_INVALID"


class FHIRWrongType(FHIRInputError):
    code = "FHIR_WRONG_RESOURCE_TYPE"


class ResourceIndex:
    """Every resource found, by ``Type/id`` and by fullUrl."""

    def __init__(self) -> None:
        self._by_key: dict[str, Resource] = {}
        self._all: list[Resource] = []

    def add(self, resource: Any, full_url: str | None = None) -> None:
        """Add a resource (a Bundle adds its entries, recursively); JSON null is skipped."""
        if resource is None:
            return
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise FHIRInputError("every FHIR resource must be a JSON object with a resourceType.")
        if resource["resourceType"] == "Bundle":
            self._add_entries(resource)
            return
        self._all.append(resource)
        if isinstance(resource.get("id"), str):
            self._by_key.setdefault(f"{resource['resourceType']}/{resource['id']}", resource)
        if full_url:
            self._by_key.setdefault(full_url, resource)

    def _add_entries(self, bundle: Resource) -> None:
        entries = bundle.get("entry") or []
        if not isinstance(entries, list):
            raise FHIRInputError("Bundle.entry must be a list.")
        for entry in entries:
            if not isinstance(entry, dict):
                raise FHIRInputError("every Bundle.entry must be a JSON object.")
            if entry.get("resource") is not None:
                url = entry.get("fullUrl")
                self.add(entry["resource"], url if isinstance(url, str) else None)

    def of_type(self, *resource_types: str) -> list[Resource]:
        return [r for r in self._all if r["resourceType"] in resource_types]

    def resolve(self, reference: Any, container: Resource | None = None) -> Resource | None:
        """The resource a Reference points at, or None when it is not in the request."""
        if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
            return None
        ref = reference["reference"].strip()
        if ref.startswith("#"):
            return contained(container, ref[1:])
        if ref in self._by_key:
            return self._by_key[ref]
        parts = ref.rstrip("/").split("/")
        if len(parts) >= 2 and "_history" in parts:
            parts = parts[: parts.index("_history")]
        return self._by_key.get("/".join(parts[-2:])) if len(parts) >= 2 else None


def contained(container: Resource | None, local_id: str) -> Resource | None:
    for item in as_list((container or {}).get("contained")):
        if isinstance(item, dict) and item.get("id") == local_id:
            return item
    return None


def reference_key(resource: Resource | None) -> str | None:
    """``Type/id`` of a resource, the literal reference other resources use."""
    if resource is None or not isinstance(resource.get("id"), str):
        return None
    return f"{resource['resourceType']}/{resource['id']}"


def codings(concept: Any) -> list[dict[str, Any]]:
    """The codings of a CodeableConcept, skipping anything malformed."""
    if not isinstance(concept, dict):
        return []
    items = concept.get("coding") or []
    return [c for c in items if isinstance(c, dict)] if isinstance(items, list) else []


def first_code(concepts: Iterable[Any], is_system: Any) -> str | None:
    for concept in concepts:
        for coding in codings(concept):
            system, code = coding.get("system"), coding.get("code")
            if isinstance(system, str) and isinstance(code, str) and code.strip() and is_system(system):
                return code.strip()
    return None


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
