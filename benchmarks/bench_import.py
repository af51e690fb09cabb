"""Benchmark: import all of ../shared/data into a fresh store file (goal: under 30 s).

Prints the wall and CPU time of a first import and of a second (idempotent) one, rows per
second, and the ratio to a baseline measured in the same run on the same machine: reading
and hashing every file (the I/O floor), so a loaded machine does not read as a slow importer.

    /work/venv/bin/python benchmarks/bench_import.py [DATA_FOLDER]
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from pathlib import Path

from nocrx.data.importer import import_paths
from nocrx.data.store import Store

GOAL_SECONDS = 30.0
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def timed(action):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def hash_everything(folder: Path) -> int:
    total = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        hashlib.sha256(data).hexdigest()
        total += len(data)
    return total


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    size, base_wall, base_cpu = timed(lambda: hash_everything(folder))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.sqlite3") as store:
        first, wall, cpu = timed(lambda: import_paths(store, [folder]))
        second, wall2, cpu2 = timed(lambda: import_paths(store, [folder]))
        rows = sum(r.row_count for r in store.releases())
    loaded = sum(r.status == "loaded" for r in first)
    unchanged = sum(r.status == "unchanged" for r in second)
    errors = [r for r in first + second if r.status == "error"]
    print(f"data: {folder} ({size / 1e6:.1f} MB in files)")
    print(f"baseline (read + sha256 every file): {base_wall:.2f} s wall, {base_cpu:.2f} s CPU")
    print(f"first import:  {wall:.2f} s wall, {cpu:.2f} s CPU, {loaded} releases, {rows:,} rows, "
          f"{rows / wall:,.0f} rows/s, {wall / base_wall:.0f}x baseline")  # fmt: skip
    print(
        f"second import: {wall2:.2f} s wall, {cpu2:.2f} s CPU, {unchanged} unchanged, {wall2 / base_wall:.1f}x baseline"
    )
    print(f"goal < {GOAL_SECONDS:.0f} s: {'met' if wall < GOAL_SECONDS else 'NOT met'}")
    if errors:
        print(f"{len(errors)} files failed: {errors[0].file}: {errors[0].reason}")
        sys.exit(1)


if __name__ == "__main__":
    main()
