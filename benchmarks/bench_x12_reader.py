#!/usr/bin/env python3
"""Benchmark the streaming 837 reader (issue 5) against the shared baselines, in the same run.

    python benchmarks/bench_x12_reader.py [--claims 100000] [--pyx12-claims 300] [--rounds 3]
                                          [--big-claims 0] [--workdir DIR]

Generates files with ../shared/bench/gen_837_batch.py from the drug template
(linuxforhealth 837_005010X222A2__demo.drug.example10.3.837: 6 service lines per claim, 5 with
NDCs), then runs each reader in its own process (so peak RSS is its own), alternating rounds
and keeping each one's best time because the machines are shared:

- ``split_stream`` (../shared/bench/bench_x12.py): plain streaming split, the pure-Python floor;
- ``nocrx`` : ``read_837`` building one ClaimLine per service line (goal >= 1/3 of split_stream);
- ``pyx12_validate`` on a smaller file with GS08 005010X222A1 (the only map pyx12 ships)
  (goal: nocrx >= 100x faster);
- peak RSS of nocrx on the main file and, with --big-claims, on a bigger one (goal < 200 MiB,
  flat as the file grows).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_BENCH = REPO.parent / "shared" / "bench"
TEMPLATE = (
    REPO.parent / "shared" / "x12-samples" / "linuxforhealth" / "837_005010X222A2__demo.drug.example10.3.837"
)


def run_nocrx(path: str, build: bool) -> None:
    """Child mode: read the file with nocrx and print one JSON line like bench_x12.py does.

    With ``build`` every ReadLine's ClaimLine is built (what scrub does); without, the records
    are only walked (ClaimLines are built on first access).
    """
    from nocrx.x12 import ReadLine, read_837

    start = time.perf_counter()
    lines = claims = errors = 0
    last_claim = None
    for record in read_837(path):
        if isinstance(record, ReadLine):
            lines += 1
            if build:
                errors += record.line is None
            if record.context is not last_claim:
                last_claim = record.context
                claims += 1
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"mode": "nocrx", "claims": claims, "lines": lines, "errors": errors,
                      "seconds": round(seconds, 3), "peak_rss_mib": round(peak, 1)}))  # fmt: skip


def generate(out: Path, claims: int, version: str | None = None) -> Path:
    if not out.exists():
        command = [sys.executable, str(SHARED_BENCH / "gen_837_batch.py"), str(TEMPLATE), str(out)]
        command += ["--claims", str(claims), "--newline"] + (["--version", version] if version else [])
        subprocess.run(command, check=True, capture_output=True)
    return out


def measure(mode: str, path: Path) -> dict[str, float]:
    if mode.startswith("nocrx"):
        command = [sys.executable, __file__, "--child", str(path)] + (
            ["--build"] if mode == "nocrx_build" else []
        )
    else:
        command = [sys.executable, str(SHARED_BENCH / "bench_x12.py"), mode, str(path)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def best(mode: str, path: Path, rounds: int) -> dict[str, float]:
    results = [measure(mode, path) for _ in range(rounds)]
    return min(results, key=lambda r: r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--pyx12-claims", type=int, default=300)
    parser.add_argument("--big-claims", type=int, default=0, help="also measure RSS on a file this big")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        run_nocrx(arguments.child, arguments.build)
        return
    workdir = arguments.workdir or Path(tempfile.mkdtemp(prefix="nocrx-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    main_file = generate(workdir / f"drug_{arguments.claims}.837", arguments.claims)
    small = generate(
        workdir / f"drug_{arguments.pyx12_claims}_a1.837", arguments.pyx12_claims, "005010X222A1"
    )
    print(f"files in {workdir}; main file {main_file.stat().st_size / 2**20:.0f} MiB")

    split, ours, built = {}, {}, {}
    for _ in range(arguments.rounds):  # alternate so all see the same machine load
        for mode, slot in (("split_stream", split), ("nocrx", ours), ("nocrx_build", built)):
            result = measure(mode, main_file)
            if not slot or result["seconds"] < slot["seconds"]:
                slot.update(result)
    split_rate = split["claims"] / split["seconds"]
    our_rate = ours["claims"] / ours["seconds"]
    built_rate = built["claims"] / built["seconds"]
    print(f"split_stream          : {split_rate:10,.0f} claims/s  peak {split['peak_rss_mib']} MiB")
    print(
        f"nocrx records         : {our_rate:10,.0f} claims/s  ({ours['lines']:,} lines)  peak {ours['peak_rss_mib']} MiB"
    )
    print(
        f"nocrx + ClaimLine each: {built_rate:10,.0f} claims/s  ({built['errors']} unreadable)"
        f"  peak {built['peak_rss_mib']} MiB"
    )
    print(
        f"ratio records / split_stream = {our_rate / split_rate:.2f}; "
        f"with ClaimLines = {built_rate / split_rate:.2f}  (goal >= 0.33)"
    )

    pyx12 = best("pyx12_validate", small, 1)
    ours_small = best("nocrx_build", small, arguments.rounds)
    pyx12_rate = arguments.pyx12_claims / pyx12["seconds"]
    small_rate = ours_small["claims"] / ours_small["seconds"]
    print(
        f"pyx12_validate: {pyx12_rate:10,.0f} claims/s on {arguments.pyx12_claims} claims "
        f"(nocrx {small_rate:,.0f}/s on that file, {built_rate:,.0f}/s on the big one)"
    )
    print(f"ratio nocrx (with ClaimLines) / pyx12_validate = {built_rate / pyx12_rate:.0f}x  (goal >= 100x)")

    if arguments.big_claims:
        big = generate(workdir / f"drug_{arguments.big_claims}.837", arguments.big_claims)
        result = measure("nocrx", big)
        print(
            f"peak RSS: {ours['peak_rss_mib']} MiB at {main_file.stat().st_size / 2**20:.0f} MiB of input, "
            f"{result['peak_rss_mib']} MiB at {big.stat().st_size / 2**20:.0f} MiB (goal < 200 MiB, flat)"
        )


if __name__ == "__main__":
    main()
