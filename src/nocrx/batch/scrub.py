"""Scrub engines: read each work unit, check its drug lines, keep its rows; local or on Dask.

Every unit's rows are written as one JSONL part file next to the report and recorded in a
progress file (``REPORT.progress/progress.json``) only once the part is complete, so
``--resume`` redoes exactly the units that were not finished: no line twice, none lost. The
report is then assembled from the parts in unit order, which is why a Dask run (units done in
any order, on any worker) writes the same report as a local one.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nocrx.batch import rows
from nocrx.batch.classify import is_drug_line, skip_reason
from nocrx.batch.report import Summary, report_format, write_jsonl_parts, write_report
from nocrx.batch.units import WorkUnit, plan_units
from nocrx.errors import InvalidInput, NocrxError
from nocrx.x12 import Issue, PayerMap, ReadLine, load_payer_map, read_837

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ScrubOptions:
    db_path: str
    payer_map_path: str | None = None
    engine: str = "local"  # or "dask"
    scheduler: str | None = None
    workers: int = 2
    processes: bool = True  # Dask LocalCluster workers as processes (False: threads, for tests)
    resume: bool = False
    target_unit_bytes: int = 8 << 20


@dataclass(slots=True)
class UnitResult:
    key: str
    ordinal: int
    jsonl: str
    lines_read: int
    size: int = 0
    counts: dict[str, Any] = field(default_factory=dict)  # Summary.to_dict() of the unit's rows


@dataclass(slots=True)
class Progress:
    """The sidecar state of an interrupted run: which units are done and where their rows are."""

    folder: Path
    keys: list[str]
    done: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def file(self) -> Path:
        return self.folder / "progress.json"

    def record(self, result: UnitResult) -> None:
        part = self.folder / f"unit-{result.ordinal:06d}.jsonl"
        _write_atomic(part, result.jsonl)
        self.done[result.key] = {"part": part.name, "lines_read": result.lines_read, "counts": result.counts}
        self.save()

    def save(self) -> None:
        _write_atomic(self.file, json.dumps({"keys": self.keys, "done": self.done}, indent=1))


def scrub_unit(unit: WorkUnit, checker: Any, payer_map: PayerMap) -> UnitResult:
    """Read one unit and return its report rows as JSONL (one row per service line and issue)."""
    out: list[str] = []
    lines_read = 0
    summary = Summary()
    for interchange in unit.interchanges:
        for record in read_837(unit.path, payer_map=payer_map, label=unit.label, interchange=interchange):
            if isinstance(record, ReadLine):
                lines_read += 1
                row = _line_row(record, checker)
            else:
                row = rows.issue_row(record)
            summary.add(row)
            out.append(json.dumps(row, separators=(",", ":"), ensure_ascii=False))
    jsonl = "".join(line + "\n" for line in out)
    return UnitResult(unit.key, unit.ordinal, jsonl, lines_read, unit.size, summary.to_dict())


def _line_row(read: ReadLine, checker: Any) -> dict[str, Any]:
    row = rows.line_row(read)
    line = read.line
    if line is None:
        assert isinstance(read.error, Issue)
        return rows.unreadable(row, read.error)
    if not is_drug_line(line):
        return rows.skipped(row, skip_reason(line))
    try:
        return rows.checked(row, checker.check(line))
    except NocrxError as error:
        logger.info("line not checked: %s", error.code)
        return rows.failed(row, error)


def run_scrub(
    paths: list[Path],
    report: Path,
    options: ScrubOptions,
    *,
    on_unit_done: Callable[[int, int], None] | None = None,
) -> Summary:
    """Scrub the files into the report (format from its extension); return the summary."""
    report_format(report)  # refuse an unknown extension before any work
    payer_map = load_payer_map(Path(options.payer_map_path)) if options.payer_map_path else PayerMap()
    units = plan_units(paths, options.target_unit_bytes)
    progress = _open_progress(report, units, options.resume)
    todo = [u for u in units if u.key not in progress.done]
    logger.info("scrub: %d units, %d to do, engine %s", len(units), len(todo), options.engine)
    results = (
        _dask_results(todo, options) if options.engine == "dask" else _local_results(todo, options, payer_map)
    )
    for result in results:
        progress.record(result)
        if on_unit_done:
            on_unit_done(result.size, result.lines_read)
    parts = [progress.folder / progress.done[u.key]["part"] for u in units]
    lines_read = sum(progress.done[u.key]["lines_read"] for u in units)
    if report_format(report) == ".jsonl":
        # The parts are the report's rows already: copy them, and add up the units' counts.
        summary = Summary(lines_read=lines_read)
        for unit in units:
            summary.merge(progress.done[unit.key]["counts"])
        write_jsonl_parts(report, parts, summary)
    else:
        summary = write_report(report, _rows_of(parts), lines_read)
    shutil.rmtree(progress.folder, ignore_errors=True)
    return summary


def _rows_of(parts: list[Path]) -> Iterator[dict[str, Any]]:
    for part in parts:
        with open(part, encoding="utf-8") as handle:
            for text in handle:
                yield json.loads(text)


def _open_progress(report: Path, units: list[WorkUnit], resume: bool) -> Progress:
    folder = report.with_name(report.name + ".progress")
    keys = [u.key for u in units]
    if resume and (folder / "progress.json").exists():
        state = json.loads((folder / "progress.json").read_text(encoding="utf-8"))
        if state.get("keys") != keys:
            raise InvalidInput(
                "--resume: the input files changed since the interrupted run.",
                hint=f"run again without --resume, or delete {folder}",
            )
        return Progress(folder, keys, dict(state.get("done", {})))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    progress = Progress(folder, keys)
    progress.save()
    return progress


def _local_results(units: list[WorkUnit], options: ScrubOptions, payer_map: PayerMap) -> Iterator[UnitResult]:
    checker = _checker_for(options.db_path)
    for unit in units:
        yield scrub_unit(unit, checker, payer_map)


_local = threading.local()


def _checker_for(db_path: str) -> Any:
    """One Checker per thread and store (a Dask worker thread reuses its own across tasks)."""
    cache = getattr(_local, "checkers", None)
    if cache is None:
        cache = _local.checkers = {}
    if db_path not in cache:
        from nocrx.checker import Checker
        from nocrx.data.store import Store

        cache[db_path] = Checker(Store(db_path))
    return cache[db_path]


def dask_scrub_unit(unit: WorkUnit, db_path: str, payer_map_path: str | None) -> UnitResult:
    """The Dask task: the same work as the local engine, with this worker's checker."""
    payer_map = load_payer_map(Path(payer_map_path)) if payer_map_path else PayerMap()
    return scrub_unit(unit, _checker_for(db_path), payer_map)


def _dask_results(units: list[WorkUnit], options: ScrubOptions) -> Iterator[UnitResult]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InvalidInput(
            "--engine dask needs Dask: pip install 'nocrx[dask]' (dask[distributed]).", field="engine"
        ) from None

    cluster = None
    if options.scheduler:
        client = Client(options.scheduler)
    else:
        cluster = LocalCluster(
            n_workers=options.workers,
            threads_per_worker=1,
            processes=options.processes,
            dashboard_address=":0",  # a random port: never collides with another cluster
        )
        client = Client(cluster)
    try:
        futures = [
            client.submit(
                dask_scrub_unit, unit, options.db_path, options.payer_map_path, key=f"scrub-{unit.key}"
            )
            for unit in units
        ]
        for _, result in as_completed(futures, with_results=True):
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
