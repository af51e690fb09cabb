"""Golden files: each seed scenario in every text format, byte for byte.

Rewrite them only with `pytest --update-goldens`, and review the diff like code.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from render_helpers import EXAMPLES, example_claim

from nocrx.render.claim import parse_claim
from nocrx.render.formats import render_claim
from nocrx.render.lines import evaluation_from_line

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SCENARIOS = ("claim-offlabel-iv", "claim-compounded", "claim-investigational")
FORMATS = {
    "837p": "837p.txt",
    "837i": "837i.txt",
    "cms1500": "cms1500.json",
    "ub04": "ub04.json",
    "fhir": "fhir.json",
}


@pytest.mark.parametrize("chosen", sorted(FORMATS))
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_golden(scenario, chosen, update_goldens):
    claim = parse_claim(example_claim(f"{scenario}.json"))
    output = render_claim(claim, [evaluation_from_line(line) for line in claim.lines], chosen)
    assert isinstance(output, str)
    path = GOLDEN / f"{scenario}.{FORMATS[chosen]}"
    if update_goldens:
        path.write_bytes(output.encode("utf-8"))
    assert path.exists(), f"{path} is missing: run pytest --update-goldens and review it"
    assert output == path.read_bytes().decode("utf-8")


def test_every_example_has_goldens():
    assert sorted(p.stem for p in EXAMPLES.glob("claim-*.json")) == sorted(SCENARIOS)
