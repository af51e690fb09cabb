"""FHIR R4 in and out: read what a client sent (Bundles, CDS Hooks prefetch, contained
resources) into ClaimLines, and write an OperationOutcome and a draft Claim.

``resources`` indexes resources and follows references; ``claim_line`` maps a
MedicationAdministration or MedicationRequest (with its Medication, Conditions, Encounter and
Coverage) to a ClaimLine, never reading names, birth dates or member ids; ``claim`` writes the
answer, validated with fhir.resources. Imports nocrx.model, codes, render and fhir.resources;
no web framework, no I/O.
"""
