"""docs/render.md stays true: its example output and its claim JSON table match the code."""

from __future__ import annotations

import re
from pathlib import Path

from render_helpers import example_claim

from nocrx.render.claim import TOP_FIELDS, parse_claim
from nocrx.render.formats import render_claim
from nocrx.render.lines import evaluation_from_line

README = Path(__file__).resolve().parents[2] / "docs" / "render.md"


def test_readme_example_output_is_what_render_prints():
    text = README.read_text(encoding="utf-8")
    shown = [line.strip() for line in text.splitlines() if re.match(r"    [A-Z][A-Z0-9]{1,2}\*", line)]
    claim = parse_claim(example_claim("claim-offlabel-iv.json"))
    output = render_claim(claim, [evaluation_from_line(line) for line in claim.lines], "837p")
    assert len(shown) >= 8
    for segment in shown:
        assert segment in output.splitlines()


def test_readme_documents_every_top_level_claim_field():
    text = README.read_text(encoding="utf-8")
    for field in TOP_FIELDS:
        assert f"`{field}" in text, field
