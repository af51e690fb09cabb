#!/usr/bin/env python3
"""Benchmark `check` (issue 3): decision + every rule, lines per second on one core.

    python benchmarks/bench_check.py [--store FILE] [--lines 20000]

Without --store it imports ../shared/data into a temporary store first. Lines carry real NDCs
(the crosswalks and the FDA product list, drawn Zipf-like as claims are), every shipped payer,
dates across 2025, diagnoses, modifiers, narratives and administration lines, so every check
runs. Printed beside a baseline measured in the same run (decide alone), since these machines
are shared and absolute times drift. Goal: check >= 10,000 lines/s over >= 10,000 lines.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_decide import build_store, generate_lines

from nocrx.checker import Checker
from nocrx.contract import parse_claim_line
from nocrx.data.store import Store
from nocrx.decide import decide
from nocrx.model import ClaimLine
from nocrx.payers import load_payers
from nocrx.rules import icd10
from nocrx.rules.engine import evaluate

DIAGNOSES = [["C34.90"], ["C50.911", "Z51.11"], ["M06.9"], ["E11.9"], ["C34"], [], ["G35"], ["C61", "Z00.6"]]
MODIFIERS = [[], ["JZ"], ["JW"], ["JW", "JZ"], ["JG", "JZ"], ["Q0"], ["GA", "JZ"]]
NARRATIVES = [None, "Drug 190 mg IV NDC 00074104401", "Drug 200 mg", "Drug 10 mg/mL 2 mL given intravenously"]


def enrich(lines: list[dict[str, object]], seed: int = 11) -> list[dict[str, object]]:
    """Give each generated line the fields the rules read, across every shipped payer."""
    rng = random.Random(seed)
    payers = list(load_payers().ids())
    for line in lines:
        drug = dict(line["drug"])  # type: ignore[call-overload]
        drug.update({
            "name": rng.choice(["Emrelis", "Keytruda", None, "baclofen"]),
            "route": rng.choice(["intravenous", "subcutaneous", None, "oral"]),
            "container": rng.choice(["single-dose", "multi-dose", None]),
            "quantity": rng.choice([{"value": 2, "unit": "UN"}, {"value": 10, "unit": "ML"}, None]),
            "wasted": rng.choice([{"value": 0, "unit": "mg"}, {"value": 10, "unit": "mg"}, None]),
        })  # fmt: skip
        line.update({
            "payer": rng.choice(payers),
            "hcpcs": rng.choice(["J3490", "J9999", "J3590", None]),
            "units": rng.choice([1, 2, None]),
            "diagnoses": rng.choice(DIAGNOSES),
            "modifiers": rng.choice(MODIFIERS),
            "narrative": rng.choice(NARRATIVES),
            "340b": rng.random() < 0.1,
            "administration": rng.choice([[{"cpt": "96413"}], [{"cpt": "96372"}], []]),
            "drug": drug,
        })  # fmt: skip
    return lines


def bench(store_path: Path, count: int) -> None:
    lines = [parse_claim_line(item) for item in enrich(generate_lines(store_path, count, skew=1.1))]
    icd10.warm()  # the ICD-10-CM code set loads once per process (its cache file: milliseconds), not per line
    payers = load_payers()
    decide_rate(store_path, lines)  # warm the OS file cache, so the runs below start equal
    baseline = decide_rate(store_path, lines)
    with Store(store_path) as store:
        checker = Checker(store, payers)
        _freeze_input()
        started, cpu = time.perf_counter(), time.process_time()
        findings = sum(len(checker.check(line).findings) for line in lines)
        check_rate = len(lines) / (time.perf_counter() - started)
        check_cpu_rate = len(lines) / (time.process_time() - cpu)
    with Store(store_path) as store:
        # Rules alone, as cold as the check above: a fresh store and fresh profiles (no remembered findings).
        fresh = Checker(store, load_payers())
        work = [(line, fresh.decide(line), fresh.profile(line)) for line in lines]
        _freeze_input()
        started, cpu = time.perf_counter(), time.process_time()
        for line, decision, profile in work:
            evaluate(line, decision, profile, store=store)
        rules_rate = len(lines) / (time.perf_counter() - started)
        rules_cpu_rate = len(lines) / (time.process_time() - cpu)
    print(f"check (decide + all rules): {check_rate:,.0f} lines/s over {len(lines):,} lines, cold store, one core "
          f"(goal >= 10,000); {findings / len(lines):.1f} findings per line")  # fmt: skip
    print(f"baseline decide alone, same lines, cold store: {baseline:,.0f} lines/s (check / decide time: "
          f"{baseline / check_rate:.2f}x)")  # fmt: skip
    print(f"rules alone (evaluate, decisions made): {rules_rate:,.0f} lines/s")
    # On a shared machine the wall clock also counts the time other processes held the core.
    print(
        f"by this process's CPU time: check {check_cpu_rate:,.0f} lines/s, rules alone {rules_cpu_rate:,.0f} lines/s"
    )
    print("(the input lines, and for rules alone their decisions, are gc.freeze()d before each timed loop: "
          "the garbage collector does not rescan the benchmark's input, which is not the work measured)")  # fmt: skip


def _freeze_input() -> None:
    """Move every object alive now (the parsed input) out of the collector's generations.

    A batch's lines are built once and held: without this, each full collection during the timed
    loop walks the ~20,000 lines (and their decisions) again, which a streaming scrub never holds.
    """
    gc.collect()
    gc.freeze()


def decide_rate(store_path: Path, lines: list[ClaimLine]) -> float:
    with Store(store_path) as store:
        started = time.perf_counter()
        for line in lines:
            decide(line, store)
        return len(lines) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store", type=Path, help="an already imported store (default: import ../shared/data)"
    )
    parser.add_argument("--lines", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store_path = args.store
        if store_path is None:
            store_path = Path(tmp) / "bench.sqlite3"
            print(f"import of ../shared/data: {build_store(store_path):.1f} s")
        bench(store_path, max(args.lines, 10_000))


if __name__ == "__main__":
    main()
