"""The same line under different payers gives different, correct answers (noc-rules.md 1.2-1.5, 4):
narrative content, NOC units, the compounded-drug code and how NOC waste is reported."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from rule_lines import BACLOFEN_COMPOUND, DOS, KEYTRUDA, KEYTRUDA_DECISION, codes, decision, line, run

from nocrx.model import Administration, Finding
from nocrx.payers import load_payers
from nocrx.rules.engine import evaluate

# What nocrx would bill (no code on the line yet): the decision plus each payer's rules.
QUESTION = line(hcpcs=None, units=None, modifiers=(), narrative=None)


@pytest.mark.parametrize(
    ("payer", "narrative"),
    [
        # WPS: name, strength where appropriate, total dose, route (j3490_tips)
        pytest.param("medicare-wps", "Emrelis 100 mg/vial 190 mg IV", id="wps"),
        # Palmetto JJ: name, dose actually administered, NDC; nothing more
        pytest.param("medicare-palmetto", "Emrelis 190 mg NDC 00074104401", id="palmetto"),
        # CGS: name, NDC, exact dosage
        pytest.param("medicare-cgs", "Emrelis NDC 00074104401 190 mg", id="cgs"),
        # Generic Medicaid: name, dose, NDC
        pytest.param("medicaid", "Emrelis 190 mg NDC 00074104401", id="medicaid"),
        # Commercial (seed): name, strength, dose, NDC; waste in the notes
        pytest.param(
            "commercial", "Emrelis 100 mg/vial 190 mg NDC 00074104401 wasted 10 mg", id="commercial"
        ),
    ],
)
def test_narrative_follows_the_payer(payer, narrative):
    evaluation = run(replace(QUESTION, payer=payer))
    assert evaluation.narrative == narrative
    assert len(evaluation.narrative) <= 80


@pytest.mark.parametrize(
    ("payer", "units"),
    [
        pytest.param("medicare-wps", Decimal(1), id="wps-one-unit"),
        pytest.param("medicare-palmetto", Decimal(1), id="palmetto-one-unit"),
        pytest.param("medicaid", Decimal(2), id="medicaid-two-vials"),
        pytest.param("commercial", Decimal(2), id="commercial-two-vials"),
    ],
)
def test_noc_units_follow_the_payer(payer, units):
    evaluation = run(replace(QUESTION, payer=payer))
    assert evaluation.units == units
    assert any(step.step == "payer NOC units" for step in evaluation.decision.trace) == (units != 1)


COMPOUND_QUESTION = replace(QUESTION, drug=BACLOFEN_COMPOUND, diagnoses=("G80.1",),
                            administration=(Administration("96372"),))  # fmt: skip


@pytest.mark.parametrize(
    ("payer", "code"),
    [
        pytest.param("medicare-wps", "J7999", id="wps-J7999"),
        pytest.param("medicare-palmetto", "J7999", id="palmetto-J7999"),
        pytest.param("medicaid", "J3490", id="medicaid-J3490"),
        pytest.param("commercial", "J3490", id="commercial-J3490"),
    ],
)
def test_compounded_code_follows_the_payer(payer, code):
    evaluation = run(replace(COMPOUND_QUESTION, payer=payer), decision(code="J7999", nature=("compounded",)))
    assert evaluation.code == code


def test_palmetto_pump_compound_is_one_j3490_line():
    pump = replace(COMPOUND_QUESTION, payer="medicare-palmetto", setting="dme")
    evaluation = run(pump, decision(code="J7999", nature=("compounded",)))
    assert evaluation.code == "J3490"


@pytest.mark.parametrize(
    ("payer", "expected"),
    [
        pytest.param("medicare-palmetto", "MODIFIER_WASTE_REQUIRED", id="palmetto-wants-jw-line"),
        pytest.param("medicare-wps", "MODIFIER_WASTE_REQUIRED", id="wps-wants-jw-line"),
        pytest.param("medicaid", "MODIFIER_WASTE_REQUIRED", id="medicaid-wants-jw-line"),
        pytest.param("commercial", None, id="commercial-takes-waste-in-notes"),
    ],
)
def test_noc_waste_follows_the_payer(payer, expected):
    billed = line(payer=payer, modifiers=(), units=Decimal(1 if payer.startswith("medicare") else 2))
    found = codes(run(billed))
    if expected is None:
        assert "MODIFIER_WASTE_REQUIRED" not in found
        assert "wasted 10 mg" in run(billed).narrative
    else:
        assert expected in found


def test_pump_compound_needs_the_payers_modifier(tmp_path: Path):
    # A contractor that bills pump compounds J7799-KD (cms1500claimbilling guide): set in a user profile.
    (tmp_path / "medicare-pump.toml").write_text(
        'id = "medicare-pump"\nname = "Pump MAC"\nkind = "medicare"\nextends = "medicare"\n[compound]\n'
        'pump_code = { value = "J7799", source = "https://cms1500claimbilling.com/compounded-drugs-used-in-an-'
        'implantable-infusion-pump-j7799" }\npump_modifier = { value = "KD", source = "same page" }\n', "utf-8")  # fmt: skip
    profile = load_payers(tmp_path).get("medicare-pump", DOS)
    pump = replace(COMPOUND_QUESTION, payer="medicare-pump", setting="dme", hcpcs="J7799", units=Decimal(1),
                   narrative="compound baclofen 0.5 mg, morphine 10 mg")  # fmt: skip
    missing_kd = evaluate(pump, decision(code="J7799", nature=("compounded",)), profile)
    assert "MODIFIER_MISSING" in [f.code for f in missing_kd.findings]
    wrong_code = evaluate(replace(pump, hcpcs="J7999", modifiers=("KD",)), decision(code="J7999",
                          nature=("compounded",)), profile)  # fmt: skip
    assert "WRONG_NOC_CODE" in [f.code for f in wrong_code.findings]
    answer = evaluate(replace(pump, hcpcs=None), decision(code="J7999", nature=("compounded",)), profile)
    assert (answer.code, answer.modifiers) == ("J7799", ("KD",))


@pytest.mark.parametrize(
    ("payer", "required"),
    [
        pytest.param(
            "medicare", False, id="medicare-specific-code"
        ),  # NDC asked for on NOC lines (MAC notice)
        pytest.param("medicaid", True, id="medicaid-every-line"),  # rebate program: NDC on every drug line
        pytest.param("commercial", True, id="commercial-every-line"),
    ],
)
def test_ndc_on_a_specific_code_line_depends_on_the_payer(payer, required):
    keytruda = line(payer=payer, hcpcs="J9271", units=Decimal(200), drug=replace(KEYTRUDA, ndc=None),
                    modifiers=("JZ",), narrative=None)  # fmt: skip
    found = codes(run(keytruda, replace(KEYTRUDA_DECISION, ndc_11=None)))
    assert ("NDC_MISSING" in found) == required


@pytest.mark.parametrize(
    ("payer", "waste_units"),
    [
        pytest.param(
            "medicare-palmetto", Decimal(1), id="palmetto-jw-line-of-1-unit"
        ),  # Palmetto JJ: NOC waste JW
        pytest.param("commercial", None, id="commercial-waste-in-the-narrative"),
    ],
)
def test_asked_what_to_bill_the_answer_reports_noc_waste(payer, waste_units):
    evaluation = run(replace(QUESTION, payer=payer))
    assert evaluation.decision.waste_units == waste_units
    assert "MODIFIER_WASTE_REQUIRED" not in codes(evaluation)
    assert ("wasted 10 mg" in evaluation.narrative) == (waste_units is None)


def test_a_payers_severity_override_applies(tmp_path: Path):
    (tmp_path / "strict-plan.toml").write_text(
        'id = "strict-plan"\nname = "Strict plan"\nkind = "commercial"\nextends = "commercial"\n[severity]\n'
        'ADMINISTRATION_MISSING = { value = "error", source = "plan manual https://example.org/strict" }\n', "utf-8")  # fmt: skip
    profile = load_payers(tmp_path).get("strict-plan", DOS)
    evaluation = evaluate(line(payer="strict-plan", administration=(), units=Decimal(2)), decision(), profile)
    missing = [f for f in evaluation.findings if f.code == "ADMINISTRATION_MISSING"]
    assert [f.severity for f in missing] == ["error"]
    assert evaluation.status == "errors"


def test_severity_override_reaches_the_decisions_findings(tmp_path: Path):
    (tmp_path / "quiet-plan.toml").write_text(
        'id = "quiet-plan"\nname = "Quiet plan"\nkind = "commercial"\nextends = "commercial"\n[severity]\n'
        'DATA_RELEASE_MISSING = { value = "info", source = "our data team https://example.org/data" }\n', "utf-8")  # fmt: skip
    profile = load_payers(tmp_path).get("quiet-plan", DOS)
    stale = Finding("DATA_RELEASE_MISSING", "warning", "date_of_service", "No HCPCS release covers the date.",
                    "Load it.", "CMS quarterly HCPCS")  # fmt: skip
    evaluation = evaluate(line(payer="quiet-plan", units=Decimal(2)), decision(findings=(stale,)), profile)
    assert [f.severity for f in evaluation.findings if f.code == "DATA_RELEASE_MISSING"] == ["info"]
