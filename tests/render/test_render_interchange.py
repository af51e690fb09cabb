"""Whole 837P and 837I interchanges: pyx12 finds zero errors, counts and control numbers agree."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from render_helpers import example_claim, pyx12_errors

from nocrx.contract import parse_claim_line
from nocrx.errors import InvalidInput
from nocrx.render.claim import parse_claim
from nocrx.render.interchange import write_interchange
from nocrx.render.lines import evaluation_from_line, service_lines
from nocrx.render.x12_837 import (
    institutional_line_segments,
    professional_line_segments,
    write_institutional_line,
    write_professional_line,
)
from nocrx.render.x12_syntax import Separators, split_segments, write_segments

EXAMPLE_FILES = ("claim-offlabel-iv.json", "claim-compounded.json", "claim-investigational.json")
KINDS = ("professional", "institutional")


def write(data: dict[str, Any], kind: str = "professional", implementation: str | None = None) -> str:
    claim = parse_claim({**data, "type": kind})
    return write_interchange(
        claim, [evaluation_from_line(line) for line in claim.lines], implementation=implementation
    )


def segments_of(text: str, separators: Separators | None = None) -> list[list[str]]:
    return split_segments(text, separators or Separators())


def with_lines(name: str, lines: list[dict[str, Any]], **claim_fields: Any) -> dict[str, Any]:
    data = copy.deepcopy(example_claim(name))
    data["claim"]["lines"] = lines
    data["claim"].update(claim_fields)
    return data


def drug_line(**fields: Any) -> dict[str, Any]:
    line = {
        "date_of_service": "2025-11-14",
        "hcpcs": "J9999",
        "units": 1,
        "charge": 100,
        "diagnoses": ["C16.0"],
    }
    line.update(fields)
    return line


NDC_DRUG = {"ndc": "0469-3425-10", "quantity": {"value": 35, "unit": "ML"}}

SCENARIOS = {
    "jw-and-jz": [
        drug_line(hcpcs="J9045", units=3, charge=300, modifiers=["JZ"], drug=NDC_DRUG),
        drug_line(hcpcs="J1745", units=70, charge=700, drug=NDC_DRUG),
        drug_line(hcpcs="J1745", units=5, charge=50, modifiers=["JW"], drug=NDC_DRUG),
    ],
    "nte-overflow": [
        drug_line(
            narrative="Zolbetuximab-clzb 700 mg IV over 2 hours NDC 00469342510 from seven 100 mg single-dose "
            "vials, no waste, off-label per NCCN 2A",
            drug=NDC_DRUG,
        )
    ],
    "compound-trial-attachment": [
        drug_line(
            hcpcs="J7999",
            narrative="Compound morphine 25 mg/mL bupivacaine 20 mg/mL 20 mL",
            drug={"components": [
                {"ndc": "0641-6127-25", "quantity": {"value": 500, "unit": "mg"}},
                {"ndc": "0409-1162-19", "quantity": {"value": 400, "unit": "mg"}},
            ], "investigational": {"study_id": "NCT04567890"}},
            attachment={"report_type": "OZ", "transmission": "FX", "control_number": "INV1"},
            modifiers=["Q1"],
            diagnoses=["Z00.6", "G89.4"],
        ),
        drug_line(hcpcs="J3490", modifiers=["Q0"], narrative="Study drug 200 mg IV", diagnoses=["Z00.6"]),
    ],
    "twelve-diagnoses-six-lines": [
        drug_line(diagnoses=[f"C{n:02d}.0" for n in range(i * 2, i * 2 + 2)], narrative=f"Drug {i} 10 mg IV")
        for i in range(6)
    ],
}  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_examples_pass_pyx12(name, kind):
    assert pyx12_errors(write(example_claim(name), kind)) == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_scenarios_pass_pyx12(scenario, kind):
    data = with_lines("claim-offlabel-iv.json", SCENARIOS[scenario])
    assert pyx12_errors(write(data, kind)) == []


OTHER_SEPARATORS = {
    "pipes": ({"element": "|", "component": ">", "repetition": "!", "segment": "~"}, "ISA|00|", "HC>J7999"),
    "newline": (
        {"element": "*", "component": ":", "repetition": "^", "segment": "\n"},
        "ISA*00*",
        "HC:J7999",
    ),
}


@pytest.mark.parametrize("separators", sorted(OTHER_SEPARATORS))
@pytest.mark.parametrize("kind", KINDS)
def test_other_separators_pass_pyx12(kind, separators):
    chosen, start, procedure = OTHER_SEPARATORS[separators]
    text = write({**example_claim("claim-compounded.json"), "separators": chosen}, kind)
    assert text.startswith(start)
    assert procedure in text
    assert pyx12_errors(text) == []


def test_jw_and_jz_lines_keep_their_modifiers():
    text = write(with_lines("claim-offlabel-iv.json", SCENARIOS["jw-and-jz"]))
    sv1 = [s for s in segments_of(text) if s[0] == "SV1"]
    assert [s[1] for s in sv1] == ["HC:J9045:JZ", "HC:J1745", "HC:J1745:JW"]
    assert [s[4] for s in sv1] == ["3", "70", "5"]


def test_overflow_goes_to_2400_nte_in_837p_and_2300_nte_in_837i():
    data = with_lines("claim-offlabel-iv.json", SCENARIOS["nte-overflow"])
    professional = segments_of(write(data))
    institutional = segments_of(write(data, "institutional"))
    p_nte = next(s for s in professional if s[0] == "NTE")
    i_nte = next(s for s in institutional if s[0] == "NTE")
    assert p_nte[1] == i_nte[1] == "ADD"
    assert p_nte[2] == i_nte[2] == "single-dose vials, no waste, off-label per NCCN 2A"
    # In the 837P the line note follows its own DTP*472; in the 837I it sits in 2300, before HI.
    assert [s[0] for s in professional].index("NTE") > [s[0] for s in professional].index("DTP")
    assert [s[0] for s in institutional].index("NTE") < [s[0] for s in institutional].index("HI")


def test_compound_components_share_one_link_number():
    text = write(with_lines("claim-offlabel-iv.json", SCENARIOS["compound-trial-attachment"]))
    segments = segments_of(text)
    assert [s for s in segments if s[0] in ("LIN", "REF") and s[1] in ("", "VY")] == [
        ["LIN", "", "N4", "00641612725"], ["REF", "VY", "1"], ["LIN", "", "N4", "00409116219"], ["REF", "VY", "1"],
    ]  # fmt: skip
    assert ["CTP", "", "", "", "500", "ME"] in segments


def test_trial_claim_carries_p4_and_institutional_codes():
    data = example_claim("claim-investigational.json")
    professional = segments_of(write(data))
    institutional = segments_of(write(data, "institutional"))
    assert ["REF", "P4", "04567890"] in professional
    assert ["REF", "P4", "04567890"] in institutional
    assert ["HI", "BG:30"] in institutional
    assert ["HI", "BE:D4:::04567890"] in institutional
    assert not any(s[0] == "HI" and s[1].startswith("BG") for s in professional)
    assert ["HI", "ABK:Z006", "ABF:C3490"] in professional


def test_attachment_writes_pwk_with_control_number():
    segments = segments_of(write(example_claim("claim-compounded.json")))
    assert ["PWK", "OZ", "EL", "", "", "AC", "INV20251114A"] in segments


def test_institutional_a1_differs_only_in_the_version():
    data = example_claim("claim-offlabel-iv.json")
    a2, a1 = write(data, "institutional"), write(data, "institutional", "005010X223A1")
    assert a2.replace("005010X223A2", "005010X223A1") == a1


@pytest.mark.parametrize(
    ("kind", "implementation"), [("professional", "005010X223A1"), ("institutional", "005010X222A1")]
)
def test_wrong_implementation_is_refused(kind, implementation):
    with pytest.raises(InvalidInput, match=r"implementation|supported"):
        write(example_claim("claim-offlabel-iv.json"), kind, implementation)


def test_envelope_counts_and_control_numbers():
    text = write(with_lines("claim-offlabel-iv.json", SCENARIOS["jw-and-jz"]))
    segments = segments_of(text)
    assert_envelope(segments, control="000000101", group="101")
    assert len(segments[0]) == 17
    assert len("*".join(segments[0])) == 105


def assert_envelope(segments: list[list[str]], control: str | None = None, group: str | None = None) -> None:
    ids = [s[0] for s in segments]
    assert ids[:2] == ["ISA", "GS"]
    assert ids[-2:] == ["GE", "IEA"]
    st_index, se_index = ids.index("ST"), ids.index("SE")
    se = segments[se_index]
    assert int(se[1]) == se_index - st_index + 1
    assert se[2] == segments[st_index][2]
    assert segments[-2] == ["GE", "1", segments[1][6]]
    assert segments[-1] == ["IEA", "1", segments[0][13]]
    if control:
        assert segments[0][13] == control
    if group:
        assert segments[1][6] == group
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]{1,2}", i) for i in ids)


def test_missing_diagnosis_is_refused():
    data = with_lines("claim-offlabel-iv.json", [drug_line(diagnoses=[])])
    with pytest.raises(InvalidInput, match="diagnos"):
        write(data)


def test_short_billing_zip_is_refused():
    data = copy.deepcopy(example_claim("claim-offlabel-iv.json"))
    data["billing_provider"]["address"]["zip"] = "62701"
    with pytest.raises(InvalidInput, match="9-digit"):
        write(data)


def test_too_many_lines_for_837p_is_refused():
    data = with_lines("claim-offlabel-iv.json", [drug_line() for _ in range(51)])
    with pytest.raises(InvalidInput, match="at most 50"):
        write(data)


# ---- properties ------------------------------------------------------------------------------

SEPARATOR_SETS = [("*", ":", "^", "~"), ("|", ">", "!", "~"), ("*", ":", "^", "\n"), ("+", ":", "*", "'")]

line_strategy = st.fixed_dictionaries(
    {
        "hcpcs": st.sampled_from(["J3490", "J9999", "J1745", "J7999", "C9399"]),
        "units": st.decimals(min_value=Decimal("0.1"), max_value=Decimal(9999), places=1),
        "charge": st.decimals(min_value=Decimal(0), max_value=Decimal(99999), places=2),
        "narrative": st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=150),
        "modifiers": st.lists(st.sampled_from(["JW", "JZ", "Q0", "Q1", "JG", "TB"]), max_size=4, unique=True),
        "ndc_quantity": st.one_of(
            st.none(), st.decimals(min_value=Decimal("0.001"), max_value=Decimal(999), places=3)
        ),
        "extra": st.sampled_from(["", "", "compound", "trial", "attachment"]),
    }
)


def write_or_refuse(data: dict[str, Any], kind: str) -> str | None:
    """Write the claim, or None when its narrative is longer than SV101-7 + NTE02 (a coded refusal)."""
    try:
        return write(data, kind)
    except InvalidInput as error:
        if error.field != "narrative":
            raise
        return None


def build_line(spec: dict[str, Any]) -> dict[str, Any]:
    line = drug_line(hcpcs=spec["hcpcs"], units=str(spec["units"]), charge=str(spec["charge"]),
                     narrative=spec["narrative"] or None, modifiers=spec["modifiers"])  # fmt: skip
    if spec["ndc_quantity"] is not None:
        line["drug"] = {"ndc": "00006302602", "quantity": {"value": str(spec["ndc_quantity"]), "unit": "ML"}}
    if spec["extra"] == "compound":
        line["drug"] = {"components": [{"ndc": "0641-6127-25", "quantity": {"value": 5, "unit": "mg"}},
                                       {"ndc": "0409-1162-19", "quantity": {"value": 4, "unit": "ML"}}]}  # fmt: skip
    elif spec["extra"] == "trial":
        line["drug"] = {**line.get("drug", {}), "investigational": {"study_id": "NCT04567890"}}
    elif spec["extra"] == "attachment":
        line["attachment"] = {"report_type": "OZ", "transmission": "EL", "control_number": "INV-1"}
    return line


def service_line_count(specs: list[dict[str, Any]]) -> int:
    return sum(2 if s["extra"] == "compound" else 1 for s in specs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specs=st.lists(line_strategy, min_size=1, max_size=8),
    separators=st.sampled_from(SEPARATOR_SETS),
    kind=st.sampled_from(KINDS),
)
def test_rendered_interchange_splits_back_consistently(specs, separators, kind):
    element, component, repetition, segment = separators
    data = with_lines("claim-offlabel-iv.json", [build_line(s) for s in specs])
    data["separators"] = {"element": element, "component": component, "repetition": repetition,
                          "segment": segment, "line_break": segment != "\n"}  # fmt: skip
    text = write_or_refuse(data, kind)
    if text is None:
        return
    seps = Separators(element, component, repetition, segment, line_break=segment != "\n")
    segments = segments_of(text, seps)
    assert_envelope(segments)
    count = service_line_count(specs)
    assert [s[1] for s in segments if s[0] == "LX"] == [str(n) for n in range(1, count + 1)]
    service = "SV1" if kind == "professional" else "SV2"
    assert sum(s[0] == service for s in segments) == count
    with_ndc = sum(2 if s["extra"] == "compound" else s["ndc_quantity"] is not None for s in specs)
    assert sum(s[0] == "LIN" for s in segments) == with_ndc
    assert sum(s[0] == "REF" and s[1] == "P4" for s in segments) == any(s["extra"] == "trial" for s in specs)
    clm = next(s for s in segments if s[0] == "CLM")
    assert Decimal(clm[2]) == sum((s["charge"] for s in specs), Decimal(0))


@settings(max_examples=25, deadline=None)
@given(specs=st.lists(line_strategy, min_size=1, max_size=4), kind=st.sampled_from(KINDS))
def test_random_claims_pass_pyx12(specs, kind):
    data = with_lines("claim-offlabel-iv.json", [build_line(s) for s in specs])
    text = write_or_refuse(data, kind)
    if text is not None:
        assert pyx12_errors(text) == []


@pytest.mark.parametrize(
    ("broken", "replacement"),
    [("CTP****2*UN", "CTP****2*MG"), ("*UN*1*", "*XX*1*"), ("LX*1~", "LX*~"), ("SE*", "SE*9")],
    ids=["ctp-unit-mg", "bad-unit-code", "empty-lx", "wrong-se-count"],
)
def test_validator_still_finds_errors(broken, replacement):
    """The pyx12 harness (with its shared parsed maps) reports errors in a broken 837."""
    text = write(example_claim("claim-offlabel-iv.json"))
    assert broken in text
    assert pyx12_errors(text.replace(broken, replacement, 1)) != []
    assert pyx12_errors(text) == []


@settings(max_examples=80, deadline=None)
@given(specs=st.lists(line_strategy, min_size=1, max_size=3), line_break=st.booleans())
def test_fast_line_writer_matches_the_segment_writer(specs, line_break):
    """write_professional_line / write_institutional_line format text directly; same bytes as segments."""
    separators = Separators(line_break=line_break)
    for spec in specs:
        raw = build_line(spec)
        try:
            lines = service_lines(evaluation_from_line(parse_claim_line(raw)), link_number="7")
        except InvalidInput as error:
            assert error.field == "narrative"  # noqa: PT017 - only an over-long narrative is refused
            continue
        for number, line in enumerate(lines, start=1):
            pointers = (1, 2)
            assert write_professional_line(line, number, pointers, separators) == write_segments(
                professional_line_segments(line, number, pointers), separators
            )
            assert write_institutional_line(line, number, separators) == write_segments(
                institutional_line_segments(line, number), separators
            )
