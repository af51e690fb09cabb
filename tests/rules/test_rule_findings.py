"""One realistic line per finding code: the code fires, with the severity and the source expected.

Each row names the page its rule comes from (a fragment of the finding's source); noc-rules.md
gives the context. Lines are built from the model; the store-backed codes are in
test_rule_store.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from rule_lines import (
    BACLOFEN_COMPOUND,
    BASE_DECISION,
    KEYTRUDA,
    KEYTRUDA_DECISION,
    codes,
    decision,
    line,
    registry,
    run,
    trial_drug,
)

from nocrx.model import Administration, Amount, Attachment, Finding, Product
from nocrx.rules.adjust import apply_payer
from nocrx.rules.catalog import CATALOG
from nocrx.rules.checks import CHECKS, applicable_checks
from nocrx.rules.context import make_context

D = Decimal
COMPOUND_LINE = line(hcpcs="J7999", drug=BACLOFEN_COMPOUND, modifiers=(), narrative="compound baclofen 0.5 mg, "
                     "morphine 10 mg 20 mL", diagnoses=("G80.1",), administration=(Administration("96372"),),
                     attachment=Attachment("OZ", "EL", "INV-2025-1114"))  # fmt: skip
COMPOUND_DECISION = decision(code="J7999", ndc_11=None, nature=("compounded",))
TRIAL_LINE = line(
    modifiers=("Q0", "JW"), diagnoses=("C34.90", "Z00.6"), drug_changes=trial_drug("NCT04928846")
)

CASES = [
    # -- the code ----------------------------------------------------------------------------------
    pytest.param(line(hcpcs="J3490", drug=KEYTRUDA, narrative="Keytruda 200 mg NDC 00006302602", modifiers=("JZ",)),
                 KEYTRUDA_DECISION, "SPECIFIC_CODE_EXISTS", "error", "fcso.com", id="keytruda-billed-J3490"),
    pytest.param(line(hcpcs="J3490", drug_changes={"category": ()}),
                 decision(code="J3490", nature=(), candidates=("J9999",)), "PROBABLE_SPECIFIC_CODE", "warning",
                 "novitas", id="probable-specific-code"),
    pytest.param(line(hcpcs="J3490"), None, "WRONG_NOC_CODE", "error", "palmettogba", id="antineoplastic-on-J3490"),
    pytest.param(line(hcpcs="C9399"), None, "WRONG_NOC_CODE", "error", "rev-3085", id="C9399-professional"),
    pytest.param(line(hcpcs="J7999", drug=BACLOFEN_COMPOUND, payer="commercial"), COMPOUND_DECISION,
                 "WRONG_NOC_CODE", "error", "ibx.com", id="commercial-compound-J7999-wants-J3490"),
    # -- identification ---------------------------------------------------------------------------
    pytest.param(line(drug_changes={"ndc": None}), decision(ndc_11=None), "NDC_MISSING", "error",
                 "where-to-enter-ndc", id="no-ndc"),
    pytest.param(line(drug_changes={"ndc": "74-1044"}), decision(ndc_11=None), "NDC_INVALID_FORMAT", "error",
                 "m119", id="ndc-two-segments"),
    pytest.param(line(drug_changes={"name": None}, narrative="190 mg NDC 00074104401"), None, "DRUG_NAME_MISSING",
                 "error", "where-to-enter-ndc", id="no-name"),
    pytest.param(line(drug_changes={"dose": None}, narrative="Emrelis NDC 00074104401"), None, "DOSE_MISSING",
                 "error", "fcso.com", id="no-dose"),
    pytest.param(line(payer="medicare-wps", drug_changes={"strength": None}), None, "STRENGTH_MISSING", "warning",
                 "wpsmedicare", id="wps-no-strength"),
    pytest.param(line(payer="medicare-wps", drug_changes={"route": None}), None, "ROUTE_MISSING", "error",
                 "wpsmedicare", id="wps-no-route"),
    pytest.param(line(payer="medicaid", drug_changes={"container": "multi-dose", "wasted": None}), None,
                 "DOSES_PER_VIAL_MISSING", "warning", "medicalbillingcptmodifiers", id="medicaid-multidose-no-doses"),
    pytest.param(line(drug_changes={"quantity": None}), None, "QUANTITY_MISSING", "error", "rfi-2151",
                 id="no-ndc-quantity"),
    pytest.param(line(drug_changes={"quantity": Amount(D(190), "MG")}), None, "QUANTITY_UNIT_INVALID", "error",
                 "rfi-2151", id="ndc-quantity-in-mg"),
    pytest.param(line(drug_changes={"quantity": Amount(D(19), "ML")}), decision(product=Product(
        "0074-1044", "Emrelis", package_description="1 VIAL, SINGLE-DOSE in 1 CARTON (0074-1044-01) > 100 mg in 1 "
        "VIAL, SINGLE-DOSE")), "QUANTITY_PACKAGE_MISMATCH", "warning", "rfi-2151", id="powder-vial-counted-in-ml"),
    # -- units ------------------------------------------------------------------------------------
    pytest.param(line(units=D(2)), None, "UNITS_NOC_MUST_BE_ONE", "error", "findacode", id="medicare-noc-2-units"),
    pytest.param(line(hcpcs="J9271", units=D(2), drug=KEYTRUDA, narrative=None, modifiers=("JZ",)),
                 KEYTRUDA_DECISION, "UNITS_MISMATCH", "error", "noridian", id="keytruda-billed-by-vial"),
    pytest.param(line(payer="medicaid", units=D(1)), None, "UNITS_MISMATCH", "error", "medicalbillingcptmodifiers",
                 id="medicaid-units-are-containers"),
    # -- narrative --------------------------------------------------------------------------------
    pytest.param(line(narrative=None), None, "NARRATIVE_MISSING", "error", "findacode", id="no-narrative"),
    pytest.param(line(payer="medicare-palmetto", narrative="Emrelis (telisotuzumab vedotin-tllv) 190 mg given "
                      "intravenously over 30 minutes NDC 00074104401"), None, "NARRATIVE_TOO_LONG", "error",
                 "findacode", id="palmetto-96-characters"),
    pytest.param(line(payer="medicare-cgs", narrative="Emrelis 190 mg"), None, "NARRATIVE_INCOMPLETE", "error",
                 "cgsmedicare", id="cgs-narrative-without-ndc"),
    pytest.param(line(payer="medicare-palmetto", narrative="Emrelis 190 mg IV NDC 00074104401"), None,
                 "NARRATIVE_EXTRA_INFO", "error", "AW8MMP6652", id="palmetto-route-is-extra"),
    pytest.param(line(payer="medicare-palmetto", narrative="Emrelis 190 mg 20 mg/mL NDC 00074104401"), None,
                 "NARRATIVE_EXTRA_INFO", "error", "AW8MMP6652", id="palmetto-mg-per-ml"),
    pytest.param(line(narrative="Emrelis 200 mg NDC 00074104401"), None, "NARRATIVE_CONFLICT", "error",
                 "AW8MMP6652", id="narrative-says-200-mg"),
    pytest.param(line(narrative="Emrelis 190 mg NDC 00074104402"), None, "NARRATIVE_CONFLICT", "error",
                 "AW8MMP6652", id="narrative-other-ndc"),
    pytest.param(line(payer="medicare-cgs", narrative="Emrelis (telisotuzumab vedotin-tllv) 190 mg given "
                      "intravenously over 30 minutes NDC 00074104401"), None, "NARRATIVE_OVERFLOW", "info",
                 "cgsmedicare", id="cgs-overflow-to-nte"),
    # -- modifiers --------------------------------------------------------------------------------
    pytest.param(line(modifiers=(), drug_changes={"wasted": None}), None, "MODIFIER_WASTE_REQUIRED", "error",
                 "drug-wastage-jw-and-jz", id="single-dose-no-jw-jz-2025"),
    pytest.param(line(modifiers=(), date_of_service=date(2023, 8, 1), drug_changes={"wasted": None}), None,
                 "MODIFIER_WASTE_REQUIRED", "warning", "drug-wastage-jw-and-jz", id="jz-required-2023-08"),
    pytest.param(line(modifiers=()), None, "MODIFIER_WASTE_REQUIRED", "error", "drug-wastage-jw-and-jz",
                 id="10-mg-wasted-no-jw"),
    pytest.param(line(modifiers=("JW", "JZ")), None, "MODIFIER_CONFLICT", "error", "drug-wastage-jw-and-jz",
                 id="jw-and-jz"),
    pytest.param(line(modifiers=("JZ",)), None, "MODIFIER_CONFLICT", "error", "drug-wastage-jw-and-jz",
                 id="jz-with-waste"),
    pytest.param(line(modifiers=("JW", "JB")), None, "MODIFIER_CONFLICT", "error", "A52527", id="jb-on-iv"),
    pytest.param(line(modifiers=("JW", "GA", "GZ")), None, "MODIFIER_CONFLICT", "error", "carecostestimate",
                 id="ga-and-gz"),
    pytest.param(line(modifiers=("JW", "AT")), None, "MODIFIER_NOT_ALLOWED", "error", "noridian", id="at-on-drug"),
    pytest.param(line(modifiers=("JW",), drug_changes={"container": "multi-dose"}), None, "MODIFIER_NOT_ALLOWED",
                 "error", "priorityhealth", id="jw-on-multidose-vial"),
    pytest.param(line(payer="commercial", units=D(2)), None, "MODIFIER_NOT_ALLOWED", "error", "visanteinc",
                 id="commercial-noc-waste-in-notes"),
    pytest.param(line(is_340b=True, date_of_service=date(2024, 2, 1)), None, "MODIFIER_340B_REQUIRED", "error",
                 "essentialhospitals", id="340b-2024-no-jg-tb"),
    # -- medical necessity ------------------------------------------------------------------------
    pytest.param(line(diagnoses=()), None, "DIAGNOSIS_MISSING", "error", "findacode", id="no-diagnosis"),
    pytest.param(line(diagnoses=("C99.99",)), None, "DIAGNOSIS_INVALID", "error", "simple-icd-10-cm",
                 id="not-an-icd10-code"),
    pytest.param(line(diagnoses=("C34",)), None, "DIAGNOSIS_NOT_BILLABLE", "error", "simple-icd-10-cm",
                 id="category-C34"),
    pytest.param(line(date_of_service=date(2024, 5, 1)), None, "DIAGNOSIS_CODE_SET_YEAR", "info", "April 1, 2026",
                 id="dos-in-fy2024"),
    pytest.param(line(diagnoses=("E11.9",)), None, "DIAGNOSIS_NOT_SUPPORTING", "warning", "A54880",
                 id="J9999-for-diabetes"),
    pytest.param(line(diagnoses=("M06.9",), hcpcs="J3490"), decision(code="J3490"), "OFF_LABEL_DOCUMENTATION",
                 "warning", "hhs.gov", id="antineoplastic-for-rheumatoid-arthritis"),
    pytest.param(line(payer="medicare-palmetto"), None, "OFF_LABEL_DOCUMENTATION", "warning", "A54880",
                 id="palmetto-label-match"),
    # -- supply and administration ----------------------------------------------------------------
    pytest.param(line(hcpcs="96413"), None, "ADMINISTRATION_ON_SUPPLY_LINE", "error", "codingahead",
                 id="chemo-infusion-on-drug-line"),
    pytest.param(line(administration=()), None, "ADMINISTRATION_MISSING", "warning", "noridian",
                 id="no-administration-on-claim"),
    # -- compounded, investigational, pricing ----------------------------------------------------
    pytest.param(replace(COMPOUND_LINE, drug=replace(BACLOFEN_COMPOUND, components=(
        BACLOFEN_COMPOUND.components[0], replace(BACLOFEN_COMPOUND.components[1], ndc=None)))),
                 COMPOUND_DECISION, "COMPOUND_COMPONENTS_MISSING", "error", "panaceainc",
                 id="compound-component-without-ndc"),
    pytest.param(line(modifiers=("Q0", "JW"), diagnoses=("C34.90", "Z00.6"), drug_changes=trial_drug(None)), None,
                 "TRIAL_ID_MISSING", "error", "codingahead", id="trial-without-nct"),
    pytest.param(line(modifiers=("Q0", "JW"), diagnoses=("C34.90", "Z00.6"), drug_changes=trial_drug("NCT123")),
                 None, "TRIAL_ID_MISSING", "error", "codingahead", id="trial-nct-too-short"),
    pytest.param(replace(TRIAL_LINE, modifiers=("JW",)), None, "TRIAL_MODIFIER_MISSING", "error", "codingahead",
                 id="trial-without-q0"),
    pytest.param(replace(TRIAL_LINE, diagnoses=("C34.90",)), None, "TRIAL_DIAGNOSIS_MISSING", "error",
                 "codingahead", id="trial-without-z006"),
    pytest.param(replace(TRIAL_LINE, setting="outpatient-hospital", revenue_code="0636"), None,
                 "TRIAL_CONDITION_CODE_MISSING", "error", "primeclinical", id="institutional-trial-no-cc30"),
    pytest.param(line(drug_changes=trial_drug(None, emergency=True)), decision(code="J3490"),
                 "HUMAN_REVIEW_REQUIRED", "error", "noc-rules.md 2.3", id="emergency-experimental-drug"),
    pytest.param(COMPOUND_LINE, COMPOUND_DECISION, "PRICE_BY_INVOICE", "info", "fcso.com",
                 id="J7999-invoice-attached"),
    pytest.param(replace(COMPOUND_LINE, attachment=None), COMPOUND_DECISION, "INVOICE_ATTACHMENT_MISSING", "error",
                 "fcso.com", id="J7999-without-invoice"),
    # -- reported by the decision, passed through -------------------------------------------------
    pytest.param(line(), decision(findings=(Finding("DATA_RELEASE_MISSING", "warning", "date_of_service",
                 "No HCPCS release covers 2025-11-14.", "Load it.", "CMS quarterly HCPCS"),)),
                 "DATA_RELEASE_MISSING", "warning", "CMS", id="decision-data-finding"),
    pytest.param(line(hcpcs="J3490"), decision(kind="specific", code=None, candidates=("J9173", "J9999"),
                 findings=(Finding("MULTIPLE_SPECIFIC_CODES", "error", "hcpcs", "Two codes.", "Pick one.",
                                   "CMS ASP NDC-HCPCS crosswalk"),)),
                 "MULTIPLE_SPECIFIC_CODES", "error", "crosswalk", id="decision-several-codes"),
]  # fmt: skip
# Tested elsewhere: with a store (test_rule_store.py), with a user profile (test_rule_payers.py).
STORE_CODES = {"CODE_NOT_VALID_ON_DOS", "NDC_NOT_FOUND", "NDC_NOT_MARKETED_ON_DOS"}
PROFILE_CODES = {"MODIFIER_MISSING"}


@pytest.mark.parametrize(("the_line", "the_decision", "code", "severity", "source"), CASES)
def test_finding_fires(the_line, the_decision, code, severity, source):
    evaluation = run(the_line, the_decision)
    found = [f for f in evaluation.findings if f.code == code]
    assert found, f"{code} not in {codes(evaluation)}"
    matching = [f for f in found if f.severity == severity and source.lower() in f.source.lower()]
    assert matching, found
    assert all(f.message and f.fix for f in matching)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        pytest.param({"name": None}, "DRUG_NAME_MISSING", id="name written in the narrative"),
        pytest.param({"dose": None}, "DOSE_MISSING", id="dose written in the narrative"),
    ],
)
def test_an_element_written_in_the_narrative_is_not_missing(changes, code):
    # An 837 identifies a NOC drug in SV101-7 words; "Emrelis 190 mg NDC ..." names it and its dose.
    evaluation = run(line(drug_changes=changes, narrative="Emrelis 190 mg NDC 00074104401"), None)
    assert code not in codes(evaluation)


def test_every_catalog_code_has_a_case():
    covered = {case.values[2] for case in CASES} | STORE_CODES | PROFILE_CODES
    assert set(CATALOG) - covered == set()


def test_findings_come_errors_first():
    evaluation = run(line(units=D(2), administration=(), diagnoses=("E11.9",)))
    order = [f.severity for f in evaluation.findings]
    assert order == sorted(order, key=["error", "warning", "info"].index)
    assert evaluation.status == "errors"


@pytest.mark.parametrize(
    ("the_line", "status"),
    [
        pytest.param(line(), "ok", id="clean-medicare"),
        pytest.param(line(administration=()), "warnings", id="warning-only"),
        pytest.param(line(units=D(3)), "errors", id="error"),
        pytest.param(line(drug_changes=trial_drug(None, emergency=True)), "review", id="review-wins"),
    ],
)
def test_status(the_line, status):
    assert run(the_line).status == status


@pytest.mark.parametrize(("the_line", "the_decision", "code", "severity", "source"), CASES)
def test_a_check_left_out_of_a_line_finds_nothing_on_it(the_line, the_decision, code, severity, source):
    # applicable_checks skips the checks whose opening test returns: each would yield nothing.
    for payer in registry().ids():
        profile = registry().get(payer, the_line.date_of_service)
        decided = apply_payer(the_line, the_decision or BASE_DECISION, profile)
        context = make_context(the_line, decided, None)
        kept = applicable_checks(the_line, decided, profile, context)
        for check in CHECKS:
            if check not in kept:
                assert list(check(the_line, decided, profile, context)) == [], (payer, check.__name__)
