#!/usr/bin/env python3
"""Benchmark the core decision (issue 2): decide() throughput and `nocrx code` cold start.

    python benchmarks/bench_decide.py [--store FILE] [--lines 20000] [--repeat N]

Without --store it imports ../shared/data into a temporary store first (and reports that
time too). Every figure is printed beside a baseline measured in the same run, since these
machines are shared and absolute times drift:
- decide() lines/s vs one indexed SQLite lookup per line (the least any decision must do);
- `nocrx code` wall time vs `python -c pass` (interpreter start-up).
Each decide run happens in a new interpreter on a freshly opened store, so no cache from an
earlier run (the store's memo or a module's lru_cache) helps it; --repeat N shows the best and
the median of N such runs. Goals: >= 20,000 lines/s on one core; cold start < 0.5 s.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from nocrx.contract import parse_claim_line
from nocrx.data.store import Store
from nocrx.decide import decide

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SETTINGS = ["professional", "professional", "outpatient-hospital", "asc"]


def build_store(path: Path) -> float:
    from nocrx.data.importer import import_paths

    started = time.perf_counter()
    with Store(path) as store:
        import_paths(store, [SHARED_DATA])
    return time.perf_counter() - started


def generate_lines(
    store_path: Path, count: int, seed: int = 7, *, skew: float = 0.0, days: int = 365
) -> list[dict[str, object]]:
    """Lines with real NDCs from the crosswalks and the FDA product list, dates from 2025-01-01.

    skew = 0 draws every NDC equally (the worst case: almost every line a new NDC); skew > 0
    draws them Zipf-like, as claims do (a practice's formulary repeats a few hundred drugs).
    ``days`` spreads the dates of service (a month's claims: 30; the worst case: a whole year).
    """
    db = sqlite3.connect(store_path)
    crosswalk = [
        r[0] for r in db.execute("SELECT DISTINCT ndc_11 FROM asp_crosswalk WHERE ndc_11 IS NOT NULL")
    ]
    noc = [r[0] for r in db.execute("SELECT DISTINCT ndc_11 FROM noc_crosswalk")]
    products = [r[0] + "01" for r in db.execute("SELECT product_ndc_9 FROM fda_products LIMIT 3000")]
    db.close()
    rng = random.Random(seed)
    pools = [crosswalk, products, noc]
    for pool in pools:
        rng.shuffle(pool)
    weights = [[1 / (rank + 1) ** skew for rank in range(len(pool))] for pool in pools]
    lines = []
    for _ in range(count):
        which = rng.choices(range(3), weights=[6, 3, 1])[0]
        ndc = rng.choices(pools[which], weights=weights[which])[0]
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(days))
        lines.append({
            "date_of_service": day.isoformat(),
            "payer": rng.choice(["medicare", "medicare-wps", "commercial"]),
            "setting": rng.choice(SETTINGS),
            "hcpcs": "J3490",
            "drug": {"ndc": ndc, "dose": {"value": rng.choice([1, 10, 100, 200, 500]), "unit": "mg"}},
        })  # fmt: skip
    return lines


def bench_decide_fresh(store_path: Path, lines: list[dict[str, object]]) -> tuple[float, float]:
    """bench_decide in a new interpreter: no cache an earlier run filled (lru_caches too) helps it."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(bench_decide, store_path, lines).result()


def bench_decide(store_path: Path, lines: list[dict[str, object]]) -> tuple[float, float]:
    parsed = [parse_claim_line(line) for line in lines]
    with Store(store_path) as store:
        started = time.perf_counter()
        for line in parsed:
            decide(line, store)
        decide_seconds = time.perf_counter() - started
    db = sqlite3.connect(store_path)
    started = time.perf_counter()
    for line in parsed:
        ndc = line.drug.ndc if line.drug else ""
        db.execute("SELECT hcpcs FROM asp_crosswalk WHERE ndc_11 = ?", (ndc,)).fetchall()
    baseline_seconds = time.perf_counter() - started
    db.close()
    return len(parsed) / decide_seconds, len(parsed) / baseline_seconds


def bench_cold_start(store_path: Path, runs: int = 7) -> tuple[float, float]:
    env = dict(os.environ, NOCRX_DB=str(store_path))
    command = [
        sys.executable,
        "-m",
        "nocrx",
        "code",
        "--ndc",
        "0006-3026-02",
        "--date",
        "2025-11-14",
        "--dose",
        "200mg",
    ]

    def median_seconds(argv: list[str]) -> float:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            done = subprocess.run(argv, env=env, capture_output=True, check=False)
            if done.returncode not in (0, 1):  # 1 = the line has error findings, still an answer
                raise SystemExit(f"{argv} failed: {done.stderr.decode()}")
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    return median_seconds(command), median_seconds([sys.executable, "-c", "pass"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store", type=Path, help="an already imported store (default: import ../shared/data)"
    )
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each workload, each in a new interpreter on a fresh store (best and median shown)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store_path = args.store
        if store_path is None:
            store_path = Path(tmp) / "bench.sqlite3"
            print(f"import of ../shared/data: {build_store(store_path):.1f} s (goal < 30 s)")
        workloads = (
            ("a month of claims (Zipf 1.1 NDC mix, 30 days)", 1.1, 30),
            ("worst case (every NDC equally likely, 365 days)", 0.0, 365),
        )
        for label, skew, days in workloads:
            lines = generate_lines(store_path, args.lines, skew=skew, days=days)
            runs = [bench_decide_fresh(store_path, lines) for _ in range(max(args.repeat, 1))]
            rate, baseline = max(r[0] for r in runs), max(r[1] for r in runs)
            print(f"decide, {label}: {rate:,.0f} lines/s over {len(lines):,} lines, cold store (goal >= 20,000); "
                  f"baseline one SQLite lookup per line: {baseline:,.0f} lines/s; ratio {rate / baseline:.2f}")  # fmt: skip
            if len(runs) > 1:
                rates, baselines = [r[0] for r in runs], [r[1] for r in runs]
                print(f"  best of {len(runs)} runs above; median {statistics.median(rates):,.0f} lines/s "
                      f"(baseline median {statistics.median(baselines):,.0f}); runs: "
                      + ", ".join(f"{r:,.0f}" for r in rates))  # fmt: skip
        cold, python = bench_cold_start(store_path)
        print(f"nocrx code cold start: {cold:.3f} s median (goal < 0.5 s); python -c pass: {python:.3f} s; "
              f"ratio {cold / python:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
