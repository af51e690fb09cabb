"""Benchmark: import all of ../shared/data into a fresh store file (goal: under 30 s).

Prints the wall and CPU time of a first import and of a second (idempotent) one, rows per
second, and the ratio to a baseline measured in the same run on the same machine: reading
and hashing every file (the I/O floor), so a loaded machine does not read as a slow importer.
It first imports a synthetic full-size FDA directory (130,000 products in the real layout) and
prints its time and how much the peak RSS grew (rows are streamed, so it stays small).

    /work/venv/bin/python benchmarks/bench_import.py [DATA_FOLDER]
"""

from __future__ import annotations

import hashlib
import resource
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


def synthetic_fda_directory(folder: Path, data: Path, products: int, packages_each: int) -> Path:
    """A full-size FDA directory in the 2025-07-11 fragment's exact layout (real files are ~130k products)."""
    original = data / "fda_ndc" / "original"
    product_lines = (original / "ndc_fragment_2025-07-11_product_original.txt").read_text().splitlines()
    package_lines = (original / "ndc_fragment_2025-07-11_package_original.txt").read_text().splitlines()
    target = folder / "2025-07-11"
    target.mkdir(parents=True)
    product, package = product_lines[1].split("\t"), package_lines[1].split("\t")
    with (
        (target / "product.txt").open("w", newline="") as p_out,
        (target / "package.txt").open("w", newline="") as k_out,
    ):
        p_out.write(product_lines[0] + "\r\n")
        k_out.write(package_lines[0] + "\r\n")
        for n in range(products):
            ndc = f"{10000 + n // 10000:05d}-{n % 10000:04d}"
            product[0], product[1] = f"{ndc}_{n:08d}", ndc
            p_out.write("\t".join(product) + "\r\n")
            for k in range(packages_each):
                package[0], package[1], package[2] = product[0], ndc, f"{ndc}-{k:02d}"
                k_out.write("\t".join(package) + "\r\n")
    return target


def bench_full_size_fda(data: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "fda.sqlite3") as store:
        folder = synthetic_fda_directory(Path(tmp) / "fda", data, 130_000, 2)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        results, wall, cpu = timed(lambda: import_paths(store, [folder]))
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rows = sum(r.rows or 0 for r in results)
    print(f"FDA full size (synthetic, 130,000 products + 260,000 packages): {wall:.2f} s wall, {cpu:.2f} s CPU, "
          f"{rows:,} rows, peak RSS grew {(rss_after - rss_before) / 1024:.0f} MB")  # fmt: skip


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    bench_full_size_fda(folder)  # first, so the peak RSS it reports is its own
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
