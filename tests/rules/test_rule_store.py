"""Checks that read the reference data: the NDC in the FDA directory and marketed on the DOS, the
code valid on the DOS, price estimates; a small hand-made store, then the shared CMS/FDA files."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from rule_lines import BACLOFEN_COMPOUND, KEYTRUDA, KEYTRUDA_DECISION, codes, decision, line, run

from nocrx.checker import Checker
from nocrx.data.records import ParsedFile

FDA_PRODUCT = {
    "product_id": "0074-1044_x", "product_ndc": "0074-1044", "product_ndc_9": "000741044",
    "proprietary_name": "Emrelis", "nonproprietary_name": "telisotuzumab vedotin-tllv",
    "dosage_form": "INJECTION, POWDER, LYOPHILIZED, FOR SOLUTION", "route": "INTRAVENOUS",
    "start_marketing_date": "20250514", "marketing_category": "BLA", "application_number": "BLA761384",
}  # fmt: skip
FDA_PACKAGES = [
    {"product_id": "0074-1044_x", "product_ndc": "0074-1044", "package_ndc": "0074-1044-01",
     "ndc_11": "00074104401", "description": "1 VIAL in 1 CARTON", "start_marketing_date": "20250514",
     "end_marketing_date": None},
    {"product_id": "0074-1044_x", "product_ndc": "0074-1044", "package_ndc": "0074-1044-02",
     "ndc_11": "00074104402", "description": "1 VIAL in 1 CARTON", "start_marketing_date": "20250514",
     "end_marketing_date": "20250801"},
]  # fmt: skip
# The store takes its columns from the first row, so every row names every column.
HCPCS = [
    {"hcpcs": "J9999", "long_description": "Not otherwise classified, antineoplastic drugs", "add_date": "19860101",
     "termination_date": None},
    {"hcpcs": "J9058", "long_description": "Injection, bendamustine (apotex/baxter), 1 mg",
     "add_date": "20230701", "termination_date": "20241231"},
    {"hcpcs": "J2354", "long_description": "Injection, octreotide, non-depot form for subcutaneous or intravenous "
     "injection, 25 mcg", "add_date": "20040101", "termination_date": None},
]  # fmt: skip


@pytest.fixture
def small_store(fresh_store):
    def load(kind, rows, start=None, end=None):
        parsed = ParsedFile(kind, "test", start, end, rows)
        fresh_store.load(parsed, source_file=f"{kind}.csv", sha256=kind)

    load("fda_products", [FDA_PRODUCT])
    load("fda_packages", FDA_PACKAGES)
    load("hcpcs", HCPCS, date(2025, 10, 1), date(2025, 12, 31))
    return fresh_store


@pytest.mark.parametrize(
    ("the_line", "code"),
    [
        # CO-16/M119: an NDC the FDA directory does not list (immedicaresolutions.com/wiki/rarc-m119)
        pytest.param(line(drug_changes={"ndc": "00074-1099-01"}), "NDC_NOT_FOUND", id="unknown-ndc"),
        # The -02 package stopped being marketed on 2025-08-01 (FDA NDC directory end date)
        pytest.param(
            line(drug_changes={"ndc": "00074-1044-02"}), "NDC_NOT_MARKETED_ON_DOS", id="package-ended"
        ),
        # CGS M20: "Procedure Code Invalid on Date of Service"; J9058 terminated 2024-12-31
        pytest.param(line(hcpcs="J9058", narrative=None), "CODE_NOT_VALID_ON_DOS", id="terminated-code"),
        pytest.param(line(hcpcs="J9072", narrative=None), "CODE_NOT_VALID_ON_DOS", id="code-not-in-release"),
        # JA/JB (LCA A52527): octreotide J2354 is "for subcutaneous or intravenous injection"
        pytest.param(
            line(hcpcs="J2354", narrative=None, modifiers=("JZ",)), "MODIFIER_MISSING", id="J2354-no-ja-jb"
        ),
    ],
)
def test_store_findings(small_store, the_line, code):
    the_decision = decision(ndc_11=None, product=None)
    assert code in codes(run(the_line, the_decision, store=small_store))


def test_marketed_ndc_in_directory_is_clean(small_store):
    evaluation = run(line(), decision(ndc_11=None), store=small_store)
    assert evaluation.status == "ok", evaluation.findings


def test_marketing_dates_count_from_the_date_of_service(small_store):
    before_end = line(drug_changes={"ndc": "00074-1044-02"}, date_of_service=date(2025, 7, 1))
    assert "NDC_NOT_MARKETED_ON_DOS" not in codes(run(before_end, decision(ndc_11=None), store=small_store))


def test_no_directory_no_directory_findings(fresh_store):
    evaluation = run(line(drug_changes={"ndc": "00074-1099-01"}), decision(ndc_11=None), store=fresh_store)
    assert not {"NDC_NOT_FOUND", "NDC_NOT_MARKETED_ON_DOS"} & set(codes(evaluation))


def test_checker_uses_the_lines_payer(fresh_store, tmp_path, monkeypatch):
    (tmp_path / "acme.toml").write_text(
        'id = "acme"\nname = "Acme Health"\nkind = "commercial"\nextends = "commercial"\n', "utf-8"
    )
    monkeypatch.setenv("NOCRX_PAYERS", str(tmp_path))
    evaluation = Checker(fresh_store).check(line(payer="acme", hcpcs=None, units=None, narrative=None))
    assert evaluation.payer_id == "acme"
    assert evaluation.units == 2  # commercial: NOC units per container (two vials)
    assert evaluation.narrative.startswith("Emrelis 100 mg/vial 190 mg")


# ---- the shared CMS and FDA files (imported once per session) -------------------------------------


@pytest.mark.slow
def test_keytruda_on_j3490_with_real_data(loaded_store):
    keytruda = line(hcpcs="J3490", drug=KEYTRUDA, modifiers=("JZ",), narrative="Keytruda 200 mg")
    evaluation = Checker(loaded_store).check(keytruda)
    assert "SPECIFIC_CODE_EXISTS" in codes(evaluation)
    assert evaluation.code == "J9271"
    assert evaluation.units == 200
    # ASP 2025q4 payment limit for J9271 (1 mg) is $60.291: 200 units -> $12,058.20.
    assert evaluation.price.amount == Decimal("12058.20")
    assert "asp_pricing 2025q4" in evaluation.price.basis


@pytest.mark.slow
def test_terminated_code_with_real_data(loaded_store):
    bendamustine = line(hcpcs="J9058", narrative=None, drug=replace(KEYTRUDA, ndc=None, name="bendamustine"))
    evaluation = Checker(loaded_store).check(bendamustine)
    assert "CODE_NOT_VALID_ON_DOS" in codes(evaluation)


@pytest.mark.slow
def test_specific_code_price_from_the_decision(loaded_store):
    evaluation = run(line(hcpcs="J9271", drug=KEYTRUDA, modifiers=("JZ",), narrative=None, units=Decimal(200)),
                     KEYTRUDA_DECISION, store=loaded_store)  # fmt: skip
    assert evaluation.status == "ok", evaluation.findings
    assert evaluation.price.amount == Decimal("12058.20")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("payer", "units", "narrative", "compound_code"),
    [
        pytest.param("medicare-wps", 1, "Emrelis 100 mg/vial 190 mg IV", "J7999", id="wps"),
        pytest.param("medicare-palmetto", 1, "Emrelis 190 mg NDC 00074104401", "J7999", id="palmetto"),
        pytest.param("medicaid", 2, "Emrelis 190 mg NDC 00074104401", "J3490", id="medicaid"),
        pytest.param("commercial", 2, "Emrelis 100 mg/vial 190 mg NDC 00074104401 wasted 10 mg", "J3490",
                     id="commercial"),
    ],
)  # fmt: skip
def test_payers_differ_with_real_data(loaded_store, payer, units, narrative, compound_code):
    checker = Checker(loaded_store)
    question = line(payer=payer, hcpcs=None, units=None, modifiers=(), narrative=None)
    emrelis = checker.check(question)
    assert (emrelis.code, emrelis.units, emrelis.narrative) == ("J9999", units, narrative)
    compound = checker.check(replace(question, drug=BACLOFEN_COMPOUND, diagnoses=("G80.1",)))
    assert compound.code == compound_code
