#!/usr/bin/env python3
"""Benchmark claim output (issue 4): 837P/837I segments, CMS-1500 fields and whole interchanges.

    python benchmarks/bench_render.py [--lines 20000] [--repeat 3]

Builds a mix of decided lines (NOC lines with an NDC and a narrative, JW/JZ lines, NTE
overflow, compounds with two component NDCs, trial lines) and renders each one. Every figure
is printed beside a baseline measured in the same run, since these machines are shared and
absolute times drift: rates are lines per CPU-second of this process (wall rates beside them), and the baseline writes the same number of ready-made segments with one
str.join per segment (the least any 837 writer must do). Goal: >= 20,000 lines/s on one core.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from nocrx.model import Amount, ClaimLine, Component, Decision, Drug, Evaluation, Investigational
from nocrx.render import x12_syntax
from nocrx.render.claim import parse_claim
from nocrx.render.cms1500 import render_cms1500
from nocrx.render.interchange import write_interchange
from nocrx.render.lines import service_lines
from nocrx.render.x12_837 import professional_line_segments, write_institutional_line, write_professional_line
from nocrx.render.x12_syntax import Separators, write_segments

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "claim-offlabel-iv.json"
NDCS = ("00006302602", "00469342510", "00641612725", "00409116219", "63323024910")


def make_evaluations(count: int) -> list[Evaluation]:
    """A deterministic mix of decided lines, like a day of drug claims."""
    evaluations = []
    for i in range(count):
        kind = i % 5
        day = date(2025, 1, 1) + timedelta(days=i % 300)
        drug: Drug | None = Drug(ndc=NDCS[i % len(NDCS)], quantity=Amount(Decimal(i % 40 + 1), "ML"))
        narrative = f"Drug {i} {i % 900 + 10} mg IV NDC {NDCS[i % len(NDCS)]}"
        code, modifiers = "J3490", ()
        if kind == 1:
            code, modifiers, narrative = "J9045", ("JZ",), ""
        elif kind == 2:
            narrative += " given over 90 minutes from two single-dose vials with the remainder discarded"
        elif kind == 3:
            code = "J7999"
            drug = Drug(components=(Component(ndc=NDCS[2], quantity=Amount(Decimal(500), "mg")),
                                    Component(ndc=NDCS[3], quantity=Amount(Decimal(400), "mg"))))  # fmt: skip
        elif kind == 4:
            modifiers = ("Q0",)
            drug = Drug(
                ndc=NDCS[0], quantity=Amount(Decimal(4), "ML"), investigational=Investigational("NCT0456789")
            )
        line = ClaimLine(date_of_service=day, hcpcs=code, modifiers=modifiers, units=Decimal(1),
                         charge=Decimal(100 + i % 5000), diagnoses=("C50.911", "Z00.6"), narrative=narrative or None,
                         drug=drug)  # fmt: skip
        decision = Decision(code=code, kind="noc" if code[1:] in ("3490", "7999") else "specific",
                            units=Decimal(1), ndc_11=None, modifiers=modifiers)  # fmt: skip
        evaluations.append(Evaluation(line, decision, "medicare", (), "ok"))
    return evaluations


def render_837p_lines(evaluations: list[Evaluation]) -> int:
    separators, written = Separators(), 0
    for evaluation in evaluations:
        for number, line in enumerate(service_lines(evaluation), start=1):
            written += len(write_professional_line(line, number, (1, 2), separators))
    return written


def render_837i_lines(evaluations: list[Evaluation]) -> int:
    separators, written = Separators(), 0
    for evaluation in evaluations:
        for number, line in enumerate(service_lines(evaluation), start=1):
            written += len(write_institutional_line(line, number, separators))
    return written


def render_837p_segments(evaluations: list[Evaluation]) -> int:
    # The general path (segments as data, then written), used for non-default separators.
    separators, written = Separators(element="|", component=">", repetition="!", segment="~"), 0
    for evaluation in evaluations:
        segments = []
        for number, line in enumerate(service_lines(evaluation), start=1):
            segments += professional_line_segments(line, number, (1, 2))
        written += len(write_segments(segments, separators))
    return written


def render_cms1500_fields(evaluations: list[Evaluation]) -> int:
    return sum(len(render_cms1500([e]).item_24) for e in evaluations)


def render_interchanges(evaluations: list[Evaluation], lines_per_claim: int = 5) -> int:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    template = copy.deepcopy(data)
    template["claim"]["lines"] = [data["claim"]["lines"][0]] * lines_per_claim
    claim = parse_claim(template)
    written = 0
    for start in range(0, len(evaluations), lines_per_claim):
        chunk = evaluations[start : start + lines_per_claim]
        if len(chunk) == lines_per_claim:
            written += len(write_interchange(claim, chunk))
    return written


def baseline(segment_count: int) -> int:
    # The floor: join ready-made element lists, one per segment, with the terminator.
    ready = ["SV1", "HC:J3490:::::DRUG 190 MG IV", "100", "UN", "1", "", "", "1:2"]
    written = 0
    for _ in range(segment_count):
        written += len("*".join(ready) + "~\n")
    return written


def clear_caches() -> None:
    # Each run starts cold: the segment and number caches only help within one batch.
    for cached in (
        x12_syntax._write_segment,
        x12_syntax.x12_number,
        x12_syntax.x12_amount,
        x12_syntax.x12_date,
    ):
        cached.cache_clear()


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of this process (the machine is shared:
    CPU time is what the work costs, wall time what a user waited)."""
    walls, cpus = [], []
    for _ in range(repeat):
        clear_caches()
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    evaluations = make_evaluations(max(args.lines, 10_000))
    count = len(evaluations)
    segments_per_line = sum(len(service_lines(e)) for e in evaluations) * 4 / count  # LX SV1 DTP + 2410 ~ 4-6
    floor_wall, floor_cpu = timed(lambda: baseline(int(count * segments_per_line)), args.repeat)
    print(f"decided lines: {count} (mix: NDC+narrative, JZ, NTE overflow, 2-NDC compound, trial)")
    print(
        f"baseline (str.join of ~{segments_per_line:.1f} ready segments per line): "
        f"{count / floor_cpu:,.0f} lines per CPU-second ({count / floor_wall:,.0f} lines/s wall)"
    )
    for label, function in (
        ("837P loop 2400/2410 segments", render_837p_lines),
        ("837I loop 2400/2410 segments", render_837i_lines),
        ("837P segments with other separators (general path)", render_837p_segments),
        ("CMS-1500 item 24 fields", render_cms1500_fields),
        ("whole 837P interchanges (5 lines/claim)", render_interchanges),
    ):
        wall, cpu = timed(lambda f=function: f(evaluations), args.repeat)  # type: ignore[misc]
        rate = count / cpu
        verdict = "meets" if rate >= 20_000 else "BELOW"
        print(
            f"{label}: {rate:,.0f} lines per CPU-second ({count / wall:,.0f} lines/s wall; "
            f"{floor_cpu / cpu:.3f}x the baseline's speed; {verdict} the 20,000 goal)"
        )


if __name__ == "__main__":
    main()
