"""Round trip: every 837 nocrx writes is read back by nocrx's own reader into the same lines."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from render_helpers import example_claim

from nocrx.codes.ndc import parse_ndc
from nocrx.model import ClaimLine
from nocrx.render.claim import parse_claim
from nocrx.render.interchange import write_interchange
from nocrx.render.lines import evaluation_from_line, unit_qualifier

x12_reader = pytest.importorskip("nocrx.x12.reader", reason="the 837 reader (nocrx.x12) is not in this tree")

EXAMPLE_FILES = ("claim-offlabel-iv.json", "claim-compounded.json", "claim-investigational.json")
EXTRA_LINES = [
    {"date_of_service": "2025-11-13", "hcpcs": "J1745", "modifiers": ["JW"], "units": 5, "charge": 50,
     "diagnoses": ["C16.0"], "drug": {"ndc": "0469-3425-10", "quantity": {"value": "2.5", "unit": "ML"}}},
    {"date_of_service": "2025-11-14", "hcpcs": "J9999", "units": 1, "charge": 10, "diagnoses": ["C78.6"],
     "narrative": "A narrative longer than eighty characters so that its tail must travel in the NTE overflow"},
]  # fmt: skip


def read_back(text: str, tmp_path: Path) -> list[Any]:
    path = tmp_path / "claim.837"
    path.write_text(text, encoding="ascii")
    records = list(x12_reader.read_837(path))
    issues = [r for r in records if not hasattr(r, "line")]
    assert issues == []
    return records


def ndc_facts(line: ClaimLine) -> list[tuple[str, Decimal, str]]:
    drug = line.drug
    if drug is None:
        return []
    parts = [c for c in drug.components if c.ndc] or ([drug] if drug.ndc and drug.quantity else [])
    return [(parse_ndc(p.ndc).ndc_11, p.quantity.value, unit_qualifier(p.quantity, "q")) for p in parts]


SEPARATORS = {
    "default": None,
    "pipes": {"element": "|", "component": ">", "repetition": "!", "segment": "~"},
    "newline-terminated": {"element": "*", "component": ":", "repetition": "^", "segment": "\n"},
}


@pytest.mark.parametrize("separators", sorted(SEPARATORS))
@pytest.mark.parametrize("kind", ["professional", "institutional"])
@pytest.mark.parametrize("name", [*EXAMPLE_FILES, "mixed"])
def test_written_837_reads_back_into_the_same_lines(name, kind, separators, tmp_path):
    data = copy.deepcopy(example_claim("claim-offlabel-iv.json" if name == "mixed" else name))
    if name == "mixed":
        data["claim"]["lines"] += EXTRA_LINES
    if SEPARATORS[separators]:
        data["separators"] = SEPARATORS[separators]
    claim = parse_claim({**data, "type": kind})
    text = write_interchange(claim, [evaluation_from_line(line) for line in claim.lines])
    records = read_back(text, tmp_path)
    assert all(r.error is None for r in records)
    read_lines = iter(r.line for r in records)
    for given in claim.lines:
        first = next(read_lines)
        components = len([c for c in (given.drug.components if given.drug else ()) if c.ndc])
        for _ in range(max(components - 1, 0)):
            next(read_lines)  # the other component lines of a compound
        assert (first.hcpcs, first.modifiers, first.units, first.charge, first.date_of_service) == (
            given.hcpcs, given.modifiers, given.units, given.charge, given.date_of_service,
        )  # fmt: skip
        assert ndc_facts(first) == ndc_facts(given)
        if kind == "professional":
            # The reader lists the pointed diagnoses first (SV107 order), then the claim's others.
            pointed = [d.replace(".", "") for d in given.diagnoses]
            assert list(first.diagnoses[: len(pointed)]) == pointed
            assert first.narrative == (
                " ".join(given.narrative.replace(":", " ").split()) if given.narrative else None
            )
    assert next(read_lines, None) is None
