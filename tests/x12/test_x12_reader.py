"""The reader on realistic 837P/837I files we wrote (tests/fixtures/x12): what each line maps to."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from nocrx.model import Amount, Attachment, Component
from nocrx.x12 import Issue, PayerMap, ReadLine, read_837, scan_interchanges
from nocrx.x12.blocks import LineBlocks
from nocrx.x12.lines import claim_number

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "x12"
PROFESSIONAL_VARIANTS = [
    "drug_claims_837p.txt",
    "drug_claims_837p_pipe_newline.txt",
    "drug_claims_837p_bom_crlf.txt",
]


def read_lines(name: str, **options) -> list[ReadLine]:
    return [r for r in read_837(FIXTURES / name, **options) if isinstance(r, ReadLine)]


def issues(name: str) -> list[Issue]:
    return [r for r in read_837(FIXTURES / name) if isinstance(r, Issue)]


@pytest.mark.parametrize(
    "name", [*PROFESSIONAL_VARIANTS, "outpatient_837i.txt", "outpatient_837i_utf16le.txt"]
)
def test_valid_fixtures_read_without_issues(name: str):
    assert issues(name) == []
    assert all(r.line is not None for r in read_lines(name))


@pytest.mark.parametrize("name", PROFESSIONAL_VARIANTS)
def test_separators_line_endings_and_bom_do_not_change_the_lines(name: str):
    expected = [r.line for r in read_lines("drug_claims_837p.txt")]
    assert [r.line for r in read_lines(name)] == expected


def test_specific_code_with_ndc_and_pointers():
    first = read_lines("drug_claims_837p.txt")[0]
    line = first.line
    assert (line.hcpcs, line.units, line.charge) == ("J9271", Decimal(200), Decimal("3600.00"))
    assert line.date_of_service == date(2025, 11, 14)
    assert line.drug.ndc == "00006302602"
    assert line.drug.quantity == Amount(Decimal(2), "ML")
    assert line.diagnoses == ("C50911", "Z5111", "D701")  # pointers 1:2, then the rest
    assert (line.payer, line.setting) == ("medicare", "professional")
    assert line.attachment == Attachment("OZ", "EL", "INV0001")  # 2300 PWK
    assert line.line_id == "ONC-0001-1"
    context = first.context
    assert (context.kind, context.clm01, context.billing_npi) == ("837P", "ONC-0001", "1234567893")
    assert (context.payer_name, context.payer_id) == ("MEDICARE PART B", "00435")
    assert (context.position.isa13, context.position.gs06, context.position.st02) == (
        "000000101",
        "101",
        "0001",
    )


def test_noc_line_gets_sv101_7_and_nte_as_narrative():
    line = read_lines("drug_claims_837p.txt")[1].line
    assert line.hcpcs == "J3490"
    assert line.narrative == "Fosaprepitant 150 mg inj NDC 12345678901 fosaprepitant 150 mg IV"
    assert line.drug.quantity == Amount(Decimal(150), "ME")


def test_line_without_ndc_has_no_drug():
    line = read_lines("drug_claims_837p.txt")[2].line
    assert (line.hcpcs, line.drug) == ("96413", None)


def test_compound_with_two_lins_becomes_components_and_trial_number_is_read():
    line = read_lines("drug_claims_837p.txt")[3].line
    assert (line.hcpcs, line.modifiers) == ("J7999", ("KX",))
    assert line.drug.ndc is None
    assert line.drug.components == (
        Component(ndc="00409930012", quantity=Amount(Decimal(20), "ML")),
        Component(ndc="00641612525", quantity=Amount(Decimal(1), "ML")),
    )
    assert line.drug.investigational.study_id == "12345678"  # 2300 REF*P4
    assert line.payer == "commercial"


def test_lines_linked_by_ref_vy_share_their_components():
    second, third = (r.line for r in read_lines("drug_claims_837p.txt")[4:6])
    assert second.modifiers == ("JW",)
    assert [c.ndc for c in second.drug.components] == ["00409930012", "00641612525"]
    assert second.drug.components == third.drug.components
    assert second.diagnoses == ("G8929", "Z006")  # pointer 2 first


def test_institutional_lines():
    lines = read_lines("outpatient_837i.txt")
    first = lines[0].line
    assert (first.hcpcs, first.revenue_code, first.setting) == ("C9399", "0636", "outpatient-hospital")
    assert first.payer == "medicaid"
    assert first.condition_codes == ("30",)
    assert first.value_codes == (("D4", "87654321"),)
    assert first.drug.ndc == "50242014201"
    assert lines[0].context.facility_type == "13"
    # No DTP*472 on the line: the claim's statement date (DTP*434) is used.
    assert lines[1].line.date_of_service == date(2025, 11, 1)
    assert lines[2].line.hcpcs is None  # revenue code only
    inpatient = lines[3]
    assert (inpatient.line.setting, inpatient.context.facility_type) == (None, "11")
    assert inpatient.line.payer == "medicare"


def test_payer_map_decides_the_profile():
    payer_map = PayerMap(by_id={"ACME01": "acme-commercial"})
    lines = read_lines("drug_claims_837p.txt", payer_map=payer_map)
    assert [r.line.payer for r in lines] == ["medicare"] * 3 + ["acme-commercial"] * 3


def test_no_patient_data_in_any_record():
    for name in [*PROFESSIONAL_VARIANTS, "outpatient_837i.txt"]:
        for record in read_837(FIXTURES / name):
            assert "SENTINEL" not in repr(record)
            assert "1EG4TE5MK73" not in repr(record)


def test_scan_interchanges_splits_a_file_and_each_range_reads_the_same(tmp_path: Path):
    both = tmp_path / "two.txt"
    both.write_bytes(
        (FIXTURES / "drug_claims_837p.txt").read_bytes() + (FIXTURES / "outpatient_837i.txt").read_bytes()
    )
    ranges = scan_interchanges(both)
    assert [(r.ordinal, r.start) for r in ranges] == [
        (1, 0),
        (2, (FIXTURES / "drug_claims_837p.txt").stat().st_size),
    ]
    whole = list(read_837(both))
    pieces = [record for r in ranges for record in read_837(both, interchange=r)]
    assert pieces == whole
    assert [r.context.position.interchange for r in whole if isinstance(r, ReadLine)] == [1] * 6 + [2] * 4


def test_source_key_is_equal_exactly_when_the_line_is_equal_but_for_its_id(tmp_path: Path):
    text = (FIXTURES / "drug_claims_837p.txt").read_text()
    start, stop = text.index("CLM*"), text.index("SE*")
    claims = text[start:stop]
    # The same claims again under other CLM01s, then once more with one charge written as 3600.0.
    again = claims.replace("CLM*", "CLM*B")
    other = claims.replace("CLM*", "CLM*C").replace("*3600.00*", "*3600.0*", 1)
    twice = tmp_path / "twice.txt"
    twice.write_text(text[:stop] + again + other + text[stop:])
    by_claim: dict[str, list[ReadLine]] = {}
    for read in read_837(twice):
        if isinstance(read, ReadLine):
            by_claim.setdefault(read.context.clm01, []).append(read)
    firsts = [c for c in by_claim if not c.startswith(("B", "C"))]
    keys = {(c, n): r.source_key() for c in by_claim for n, r in enumerate(by_claim[c])}
    lines = {(c, n): replace(r.line, line_id=None) for c in by_claim for n, r in enumerate(by_claim[c])}
    for one in keys:  # equal keys, equal lines: the key may hold more than the line needs, never less
        for other in keys:
            if keys[one] == keys[other]:
                assert lines[one] == lines[other]
    same = [(c, n) for c in firsts for n in range(len(by_claim[c])) if keys[c, n] == keys["B" + c, n]]
    # The last line of a transaction set ends at SE, so LineBlocks does not keep it: its key is
    # made from its segments instead, equally sound, but unlike the kept loops' keys.
    assert len(same) >= len(keys) // 3 - 1
    assert keys["ONC-0001", 0] != keys["CONC-0001", 0]  # 3600.0 == 3600.00, but written otherwise
    assert all(r.source_key() is None for reads in by_claim.values() for r in reads)  # built: no key


def test_a_claim_number_never_stands_for_two_claim_keys():
    """Line keys hold a number for their claim's key: equal keys share one, and a key evicted from
    the cache and seen again gets a new number, never one another key had."""
    first = claim_number(("claim key", 1))
    assert claim_number(("claim key", 1)) == first
    claim_number.cache_clear()  # as when the cache is full
    again = claim_number(("claim key", 1))
    other = claim_number(("another claim key", 1))
    assert len({first, again, other}) == 3


SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "x12-samples"


def test_repeated_service_lines_read_the_same_as_without_line_blocks(tmp_path: Path, monkeypatch):
    """LineBlocks replays a service-line loop seen before: records must equal a plain walk's."""
    batch = tmp_path / "batch.837"
    template = SAMPLES / "linuxforhealth" / "837_005010X222A2__demo.drug.example10.3.837"
    generator = SAMPLES.parent / "bench" / "gen_837_batch.py"
    command = [sys.executable, str(generator), str(template), str(batch), "--claims", "60", "--newline"]
    subprocess.run(command, check=True, capture_output=True)
    paths = [batch, *sorted(FIXTURES.iterdir()), *sorted(p for p in SAMPLES.rglob("*.*") if p.is_file())]
    replayed = {p: list(read_837(p)) for p in paths}
    monkeypatch.setattr(LineBlocks, "walk", lambda self, texts, start, element: 0)
    for path in paths:
        assert list(read_837(path)) == replayed[path], path


def test_a_loop_left_open_by_an_envelope_segment_is_not_shared(tmp_path: Path, monkeypatch):
    """GE outside its transaction leaves the claim and its last line open: an NTE after it belongs
    to that line alone, never to the loop LineBlocks keeps for later copies of the same text."""
    text = (FIXTURES / "drug_claims_837p.txt").read_text()
    claim = text[text.index("CLM*") : text.index("SE*")]
    tail = text.index("GE*")
    odd = tmp_path / "odd.txt"
    odd.write_text(text[:tail] + claim + "GE*2*101~\nNTE*ADD*EXTRA NOTE~\n" + claim + claim + text[tail:])
    replayed = list(read_837(odd))
    monkeypatch.setattr(LineBlocks, "walk", lambda self, texts, start, element: 0)
    assert list(read_837(odd)) == replayed
    narratives = [r.line.narrative or "" for r in replayed if isinstance(r, ReadLine) and r.line]
    assert sum("EXTRA NOTE" in n for n in narratives) == 1


def test_loops_whose_segments_join_to_the_same_text_get_different_keys(tmp_path: Path):
    """Without newlines, SV1 then DTP and an SV1 whose last element runs into "DTP…" join to the
    same characters: a line's key must hold its segments apart, or the second would reuse the first's row."""
    text = (FIXTURES / "drug_claims_837p.txt").read_text().replace("~\n", "~")
    start, stop = text.index("CLM*"), text.index("SE*")
    claim = text[start:stop]
    sv1 = "SV1*HC:J3490:::::Fosaprepitant 150 mg inj*450.00*UN*1*11**1~DTP*472*D8*20251114~"
    assert sv1 in claim
    merged = claim.replace("CLM*", "CLM*M").replace(sv1, sv1.replace("1~DTP", "1DTP", 1))
    joined = tmp_path / "joined.txt"
    joined.write_text(text[:stop] + merged + text[stop:])
    reads = [r for r in read_837(joined) if isinstance(r, ReadLine)]
    keys = [r.source_key() for r in reads]  # before the lines are built (building drops the key)
    outcomes = [(r.error.code if r.error else None, r.line and replace(r.line, line_id=None)) for r in reads]
    assert outcomes[1][0] is None  # the first claim's J3490
    assert outcomes[4][0] == "X12_NO_DATE_OF_SERVICE"  # the second's: its DTP*472 ran into SV107
    assert None not in keys
    for one, key in enumerate(keys):
        for other, other_key in enumerate(keys):
            if key == other_key:
                assert outcomes[one] == outcomes[other]
