"""The decision on real rows of the CMS and FDA files in ../shared/data (imported once per session)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from nocrx.contract import parse_claim_line
from nocrx.data.store import Store
from nocrx.decide import decide


def line(day: str, ndc: str | None = None, **fields: object) -> object:
    drug = dict(fields.pop("drug", {}))  # type: ignore[call-overload]
    if ndc:
        drug["ndc"] = ndc
    return parse_claim_line({"date_of_service": day, "drug": drug, **fields})


@pytest.mark.parametrize("day", ["2025-01-15", "2025-05-01", "2025-08-30", "2025-11-14"])
def test_keytruda_is_j9271_with_200_units_for_200_mg_on_any_2025_date(loaded_store: Store, day: str) -> None:
    decision = decide(line(day, "0006-3026-02", drug={"dose": {"value": 200, "unit": "mg"}}), loaded_store)
    assert (decision.code, decision.kind, decision.units) == ("J9271", "specific", Decimal(200))
    assert decision.ndc_11 == "00006302602"
    assert any(step.step == "asp_crosswalk" and step.result == "J9271" for step in decision.trace)


def test_vasopressin_long_grove_is_noc_in_q4_2025_although_a_descriptor_exists(loaded_store: Store) -> None:
    decision = decide(line("2025-11-20", "81298-8552-03", hcpcs="J3490"), loaded_store)
    assert (decision.code, decision.kind, decision.units) == ("J3490", "noc", Decimal(1))
    assert [s.step for s in decision.trace if s.step in ("noc_crosswalk", "descriptors")] == ["noc_crosswalk"]


def test_vasopressin_long_grove_has_j2596_in_january_2026(loaded_store: Store) -> None:
    decision = decide(
        line("2026-01-20", "81298-8552-03", drug={"dose": {"value": 20, "unit": "units"}}), loaded_store
    )
    assert (decision.code, decision.kind, decision.units) == ("J2596", "specific", Decimal(20))
    assert decision.data_release["asp_crosswalk"] == "2026q1"


def test_oral_antineoplastic_without_a_code_is_j8999_not_the_injection_code(loaded_store: Store) -> None:
    # Onureg is oral azacitidine; J9025 "Injection, azacitidine, 1 mg" is the injection's code.
    decision = decide(line("2025-11-14", "59572-0730-14"), loaded_store)
    assert (decision.code, decision.kind) == ("J8999", "noc")
    assert "antineoplastic" in decision.nature
    assert any(s.result == "J9025 set aside" and "oral" in s.reason for s in decision.trace)


def test_emrelis_gets_its_c_code_on_an_outpatient_hospital_line(loaded_store: Store) -> None:
    # Emrelis (approved 2025-05) has C9306, effective 2025-10-01, before J9326 in January 2026.
    decision = decide(
        line(
            "2025-11-14",
            "0074-1044-01",
            setting="outpatient-hospital",
            drug={"dose": {"value": 190, "unit": "mg"}},
        ),
        loaded_store,
    )
    assert (decision.code, decision.kind, decision.units) == ("C9306", "specific", Decimal(190))


def test_emrelis_gets_a_noc_code_on_a_professional_line(loaded_store: Store) -> None:
    decision = decide(line("2025-11-14", "0074-1044-01", setting="professional"), loaded_store)
    assert (decision.code, decision.kind) == ("J9999", "noc")
    assert decision.nature_is_guessed  # -vedotin is name evidence, labelled as a guess


@pytest.mark.parametrize("setting", ["professional", "dme", None])
@pytest.mark.parametrize("ndc", ["0074-1044-01", "59572-0730-14", "0002-4483-54", "81298-8552-03"])
def test_c_codes_are_never_recommended_off_opps(loaded_store: Store, ndc: str, setting: str | None) -> None:
    fields = {"setting": setting} if setting else {}
    decision = decide(line("2025-11-14", ndc, **fields), loaded_store)
    assert decision.code is not None
    assert not decision.code.startswith("C")
    assert not any(c.startswith("C") for c in decision.candidates)


def test_emrelis_in_january_2026_has_its_j_code(loaded_store: Store) -> None:
    decision = decide(
        line("2026-02-02", "0074-1044-01", drug={"dose": {"value": 190, "unit": "mg"}}), loaded_store
    )
    assert (decision.code, decision.units) == ("J9326", Decimal(190))


def test_an_ndc_under_several_codes_is_reported_not_guessed(loaded_store: Store) -> None:
    release = loaded_store.release_in_force("asp_crosswalk", date(2025, 11, 14))
    assert release is not None
    multi = loaded_store.ndcs_with_several_codes(release)
    assert multi, "2025q4 has NDCs listed under more than one code (PROVENANCE.md)"
    ndc_11, codes = multi[0]
    non_c = [c for c in codes if not c.startswith("C")]
    decision = decide(line("2025-11-14", ndc_11, setting="outpatient-hospital"), loaded_store)
    assert decision.code is None
    assert decision.kind == "specific"
    assert set(decision.candidates) == set(codes)
    assert [f.code for f in decision.findings] == ["MULTIPLE_SPECIFIC_CODES"]
    chosen = decide(line("2025-11-14", ndc_11, setting="outpatient-hospital", hcpcs=non_c[0]), loaded_store)
    assert chosen.code == non_c[0]


def test_a_date_with_no_release_loaded_warns(loaded_store: Store) -> None:
    decision = decide(line("2026-11-27", "0006-3026-02"), loaded_store)
    warnings = [f for f in decision.findings if f.code == "DATA_RELEASE_MISSING"]
    assert warnings
    assert "2026-11-27" in warnings[0].message
    assert decision.code == "J9271"  # from the newest older release, with that warning


def test_a_date_before_every_release_gives_no_silent_answer(loaded_store: Store) -> None:
    decision = decide(line("2019-03-01", "0006-3026-02"), loaded_store)
    assert {f.code for f in decision.findings} == {"DATA_RELEASE_MISSING"}
    assert decision.kind == "noc"


def test_a_compounded_drug_takes_the_payers_compounded_code(loaded_store: Store) -> None:
    compound = {"name": "Bupivacaine/fentanyl pump refill", "category": ["compounded"]}
    medicare = decide(line("2025-11-14", payer="medicare", drug=compound), loaded_store)
    commercial = decide(line("2025-11-14", payer="commercial", drug=compound), loaded_store)
    assert (medicare.code, commercial.code) == ("J7999", "J3490")
    pump = decide(line("2025-11-14", drug=compound), loaded_store, compounded_code="J7799")
    assert pump.code == "J7799"


def test_an_unknown_biologic_with_a_suffix_is_j3590(loaded_store: Store) -> None:
    decision = decide(
        line("2025-11-14", drug={"name": "Examplumab-xyzq", "route": "subcutaneous"}), loaded_store
    )
    assert (decision.code, decision.kind) == ("J3590", "noc")
    assert decision.nature_is_guessed


def test_single_dose_vial_with_no_waste_gets_jz_and_waste_gets_units(loaded_store: Store) -> None:
    keytruda = {"dose": {"value": 200, "unit": "mg"}, "container": "single-dose"}
    assert decide(line("2025-11-14", "0006-3026-02", drug=keytruda), loaded_store).modifiers == ("JZ",)
    wasted = decide(
        line("2025-11-14", "0006-3026-02", drug=keytruda | {"wasted": {"value": 50, "unit": "mg"}}),
        loaded_store,
    )
    assert wasted.modifiers == ()
    assert wasted.waste_units == Decimal(50)
    before_jz = decide(line("2023-03-01", "0006-3026-02", drug=keytruda), loaded_store)
    assert "JZ" not in before_jz.modifiers


SHARED_DRUG_LINES = [
    {"setting": "professional", "drug": {"dose": {"value": 200, "unit": "mg"}}},
    {"setting": "professional", "drug": {"dose": {"value": 0.15, "unit": "g"}}},
    {"setting": "professional", "drug": {"dose": {"value": 10, "unit": "mg"}, "wasted": {"value": 5, "unit": "mg"},
                                         "container": "single-dose"}},
    {"setting": "professional", "drug": {"dose": {"value": 10, "unit": "ml"}}},
    {"setting": "professional", "drug": {}},
    {"setting": "outpatient-hospital", "hcpcs": "J9271", "340b": True, "drug": {"dose": {"value": 190, "unit": "mg"}}},
    {"setting": "asc", "payer": "commercial", "diagnoses": ["C34.90"], "drug": {"name": "Keytruda (pembrolizumab)"}},
]  # fmt: skip


@pytest.mark.parametrize("ndc", ["0006-3026-02", "0074-1044-01", "81298-8552-03", "59572-0730-14", None])
@pytest.mark.parametrize("day", ["2025-03-01", "2025-11-14"])
def test_lines_sharing_a_drug_each_get_the_answer_a_fresh_store_gives(
    loaded_store_path: Path, ndc: str | None, day: str
) -> None:
    # decide() remembers the parts of a decision that lines share (product, crosswalk rows, nature);
    # each line's dose, waste, container, setting and payer must still give its own answer.
    lines = [line(day, ndc, **fields) for fields in SHARED_DRUG_LINES]
    with Store(loaded_store_path) as shared:
        answers = [decide(claim, shared) for claim in lines]  # type: ignore[arg-type]
    for claim, answer in zip(lines, answers, strict=True):
        with Store(loaded_store_path) as fresh:
            assert decide(claim, fresh) == answer  # type: ignore[arg-type]


def test_a_full_cache_forgets_every_part_and_answers_the_same(
    loaded_store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nocrx.decide import decision

    lines = [line(day, ndc, **fields) for day in ("2025-02-03", "2025-11-14") for ndc in ("0006-3026-02", None)
             for fields in SHARED_DRUG_LINES]  # fmt: skip
    with Store(loaded_store_path) as roomy:
        expected = [decide(claim, roomy) for claim in lines]  # type: ignore[arg-type]
    monkeypatch.setattr(decision, "MAX_CACHED_DECISIONS", 3)
    with Store(loaded_store_path) as cramped:
        assert [decide(claim, cramped) for claim in lines] == expected  # type: ignore[arg-type]
