"""Every finding code nocrx can report: default severity, title, what it means, and its source.

Codes are stable strings (they appear in JSON output and in payer profiles' ``[severity]``
overrides); add new ones, never rename. ``nocrx rules list`` prints this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from nocrx.model import Severity
from nocrx.rules import sources as src


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    group: str
    title: str
    meaning: str
    source: str


_RULES = (
    # -- the code (from the decision) ------------------------------------------------------------
    Rule("SPECIFIC_CODE_EXISTS", "error", "code", "A specific code exists",
         "The line uses a NOC code, but a specific HCPCS code describes this drug on the date of service; "
         "a narrative describing a drug that has a code may be rejected.", src.FCSO_NOC),
    Rule("PROBABLE_SPECIFIC_CODE", "warning", "code", "A specific code probably exists",
         "No exact match, but specific codes whose descriptors name this drug should be checked before "
         "a NOC code is used.", src.NOVITAS_NOC),
    Rule("WRONG_NOC_CODE", "error", "code", "Wrong NOC code",
         "Unlisted codes are not interchangeable: the NOC code must fit the drug's nature "
         "(J9999 antineoplastic, J3590 biologic, J7999 compounded, J8499/J8999 oral, C9399 OPPS only).",
         src.PALMETTO_JM),
    Rule("MULTIPLE_SPECIFIC_CODES", "error", "code", "Several specific codes fit the NDC",
         "The ASP crosswalk lists the NDC under more than one code; which applies depends on the product and "
         "the payer, and a NOC code is wrong (reported by the decision).",
         "CMS ASP NDC-HCPCS crosswalk; noc-rules.md 1.1"),
    Rule("DATA_RELEASE_MISSING", "warning", "code", "No reference data for the date of service",
         "No loaded release of a reference file covers the date of service, so the answer may be out of date "
         "(reported by the decision).", "CMS quarterly HCPCS/ASP releases; noc-rules.md 6 (M20)"),
    Rule("CODE_NOT_VALID_ON_DOS", "error", "code", "Code not valid on the date of service",
         "The HCPCS code was not yet added or already terminated on the date of service (M20).", src.CGS_M20),
    # -- drug identification ---------------------------------------------------------------------
    Rule("NDC_MISSING", "error", "identification", "NDC missing",
         "The payer requires the 11-digit NDC of the drug given (loop 2410 LIN03, item 24A).", src.M119),
    Rule("NDC_INVALID_FORMAT", "error", "identification", "NDC not readable",
         "The NDC is not a 10-digit label NDC with hyphens or an 11-digit billing NDC.", src.M119),
    Rule("NDC_NOT_FOUND", "error", "identification", "NDC not in the FDA directory",
         "The loaded FDA NDC directory has no package with this NDC (CO-16/M119).", src.M119),
    Rule("NDC_NOT_MARKETED_ON_DOS", "error", "identification", "NDC not marketed on the date of service",
         "The FDA directory shows the package's marketing ended before, or began after, the date of service.",
         src.M119),
    Rule("DRUG_NAME_MISSING", "error", "identification", "Drug name missing",
         "A NOC line must name the drug (M123).", src.MAC_NOTICE_NDC),
    Rule("DOSE_MISSING", "error", "identification", "Dose given missing",
         "The dose actually administered is required; name and strength alone are insufficient.",
         src.FCSO_PRICING),
    Rule("STRENGTH_MISSING", "warning", "identification", "Strength missing",
         "The payer prices by strength (the ASP NOC file lists strengths).", src.WPS_TIPS),
    Rule("ROUTE_MISSING", "error", "identification", "Route missing",
         "The payer requires the method of administration.", src.WPS_TIPS),
    Rule("DOSES_PER_VIAL_MISSING", "warning", "identification", "Doses per vial missing",
         "The payer asks for doses per vial for a multi-dose container.", src.MEDICAID_UNITS),
    Rule("QUANTITY_MISSING", "error", "identification", "NDC quantity missing",
         "The NDC quantity (CTP04) and its unit (CTP05-01) must accompany the NDC.", src.CTP05_RFI),
    Rule("QUANTITY_UNIT_INVALID", "error", "identification", "NDC unit not F2, GR, ME, ML or UN",
         "CTP05-01 takes only F2, GR, ME, ML or UN; mg and mcg are rejected electronically.", src.CTP05_RFI),
    Rule("QUANTITY_PACKAGE_MISMATCH", "warning", "identification", "NDC unit does not fit the package",
         "The NDC quantity's unit should be the package's: ML for liquids, GR for solids by weight, UN for "
         "each (vials of powder, tablets, kits).", src.CTP05_RFI),
    # -- units -----------------------------------------------------------------------------------
    Rule("UNITS_NOC_MUST_BE_ONE", "error", "units", "NOC units must be 1",
         "Medicare NOC drugs are billed as 1 unit and priced from the narrative; other units are "
         "rejected as unprocessable (M123).", src.WPS_5010),
    Rule("UNITS_MISMATCH", "error", "units", "Units do not match the dose",
         "Units follow the HCPCS descriptor dosage (or the payer's container rule), not the packaging.",
         src.NORIDIAN_UNITS),
    # -- narrative -------------------------------------------------------------------------------
    Rule("NARRATIVE_MISSING", "error", "narrative", "Narrative missing",
         "A NOC code needs a description of the drug (SV101-7, NTE02 or item 19); CO-16 M51/N350.",
         src.WPS_5010),
    Rule("NARRATIVE_TOO_LONG", "error", "narrative", "Narrative too long",
         "SV101-7 and item 19 hold 80 characters including spaces.", src.WPS_5010),
    Rule("NARRATIVE_INCOMPLETE", "error", "narrative", "Narrative incomplete",
         "The narrative lacks an element the payer requires (M123).", src.ION_NOC),
    Rule("NARRATIVE_EXTRA_INFO", "error", "narrative", "Narrative holds information the payer rejects",
         "Information beyond what is required, or amounts written mg/mL outside compounds, can get the "
         "line rejected.", src.PALMETTO_JJ),
    Rule("NARRATIVE_CONFLICT", "error", "narrative", "Narrative conflicts with the line",
         "The narrative states a dose or NDC that differs from the line; conflicting information can get "
         "the line rejected.", src.PALMETTO_JJ),
    Rule("NARRATIVE_OVERFLOW", "info", "narrative", "Narrative continues in the overflow field",
         "The text past the first field goes where the payer takes overflow (2400 NTE02 or an attachment).",
         src.CGS_NOC),
    # -- modifiers -------------------------------------------------------------------------------
    Rule("MODIFIER_WASTE_REQUIRED", "error", "modifiers", "JW or JZ required",
         "Single-dose container drugs need JW (discarded amount, own line) or JZ (none discarded): JZ "
         "required from 2023-07-01; lines without either may be returned unprocessable from 2023-10-01.",
         src.NORIDIAN_JW_JZ),
    Rule("MODIFIER_CONFLICT", "error", "modifiers", "Modifiers conflict",
         "Two modifiers that say opposite things (JW and JZ, JG and TB, JA and JB, GA/GZ/GY, Q0 and Q1), "
         "or a modifier that contradicts the line.", src.NORIDIAN_JW_JZ),
    Rule("MODIFIER_NOT_ALLOWED", "error", "modifiers", "Modifier not allowed here",
         "The payer does not accept this modifier on a drug line, or not for this drug (e.g. JW/JZ on a "
         "multi-dose vial).", src.PRIORITY_JW),
    Rule("MODIFIER_MISSING", "error", "modifiers", "Required modifier missing",
         "The payer requires a modifier this line does not carry.", src.JA_JB),
    Rule("MODIFIER_340B_REQUIRED", "error", "modifiers", "JG or TB required for a 340B drug",
         "All 340B covered entities report JG or TB on Part B drug lines from 2024-01-01.", src.AEH_340B),
    # -- medical necessity -----------------------------------------------------------------------
    Rule("DIAGNOSIS_MISSING", "error", "diagnosis", "No diagnosis",
         "Medical necessity needs at least one ICD-10-CM diagnosis on the line.", src.ICD10),
    Rule("DIAGNOSIS_INVALID", "error", "diagnosis", "Diagnosis not an ICD-10-CM code", "The code is not "
         "in the ICD-10-CM code set.", src.ICD10),
    Rule("DIAGNOSIS_NOT_BILLABLE", "error", "diagnosis", "Diagnosis not billable",
         "A category or subcategory with more specific codes beneath it cannot be billed.", src.ICD10),
    Rule("DIAGNOSIS_CODE_SET_YEAR", "info", "diagnosis", "Diagnosis checked against another year's code set",
         "The bundled ICD-10-CM code set is one fiscal year; the date of service falls outside it.", src.ICD10),
    Rule("DIAGNOSIS_NOT_SUPPORTING", "warning", "diagnosis", "Diagnosis does not support the drug",
         "Unclassified antineoplastic codes (J9999, J8999) need a neoplasm diagnosis (C00-D49).",
         src.PALMETTO_A54880),
    Rule("OFF_LABEL_DOCUMENTATION", "warning", "diagnosis", "Document the indication",
         "Off-label or label-restricted use needs documented support from a CMS compendium (AHFS-DI, NCCN "
         "1/2A, DrugDex I-IIb, Clinical Pharmacology, Lexi-Drugs A) or the FDA label criteria.", src.COMPENDIA),
    # -- supply and administration ---------------------------------------------------------------
    Rule("ADMINISTRATION_ON_SUPPLY_LINE", "error", "administration", "Administration code on the drug line",
         "The drug line reports the supply only; administration is its own CPT line (96360-96549, 96372).",
         src.SUPPLY_ONLY),
    Rule("ADMINISTRATION_MISSING", "warning", "administration", "No administration on the claim",
         "A drug that was administered normally has an administration CPT line on the same claim.",
         src.ADMIN_CODES),
    # -- compounded and investigational ----------------------------------------------------------
    Rule("COMPOUND_COMPONENTS_MISSING", "error", "compound", "Compound components incomplete",
         "Each component of a compounded drug must be named with its NDC and quantity.", src.COMPOUND),
    Rule("TRIAL_ID_MISSING", "error", "trial", "Clinical trial number missing",
         "Items in a qualifying trial need the 8-digit NCT number (837P REF P4 / item 19 CT + 8 digits).",
         src.CR8401),
    Rule("TRIAL_MODIFIER_MISSING", "error", "trial", "Q0 or Q1 missing",
         "Trial lines carry Q0 (investigational item) or Q1 (routine service).", src.CR8401),
    Rule("TRIAL_DIAGNOSIS_MISSING", "error", "trial", "Z00.6 missing",
         "A trial claim carries ICD-10-CM Z00.6 (primary or secondary).", src.CR8401),
    Rule("TRIAL_CONDITION_CODE_MISSING", "error", "trial", "Condition code 30 or value code D4 missing",
         "Institutional trial claims need condition code 30 and the NCT number in value code D4 (or REF P4).",
         src.CR8401_INSTITUTIONAL),
    Rule("HUMAN_REVIEW_REQUIRED", "error", "trial", "A person must decide",
         "An experimental drug given in an emergency outside a trial is likely non-covered and is not an "
         "automatic J3490 line.", src.EMERGENCY_GAP),
    # -- pricing ---------------------------------------------------------------------------------
    Rule("PRICE_BY_INVOICE", "warning", "pricing", "Priced by invoice",
         "The payer prices this drug from the invoice (net of all discounts); attach it.", src.INVOICE_FCSO),
    Rule("INVOICE_ATTACHMENT_MISSING", "error", "pricing", "Invoice attachment missing",
         "The payer needs the invoice and the line has no attachment (2300 PWK with a control number).",
         src.PWK),
)  # fmt: skip

CATALOG: dict[str, Rule] = {rule.code: rule for rule in _RULES}
# A finding with one of these codes means a person must decide: the evaluation's status is "review".
REVIEW_CODES = frozenset({"HUMAN_REVIEW_REQUIRED"})
