"""Scrub engines: read each work unit, check its drug lines, keep its rows; local or on Dask.

Every unit's rows are written as JSONL next to the report (the local engine: all of a run's
units one after the other in one file; Dask: a part file a unit) and recorded in a progress
file (``REPORT.progress/progress.json``, see batch/progress.py) only once they are complete, so
``--resume`` redoes exactly the units that were not finished: no line twice, none lost. The
report is then assembled from the units' rows in unit order, which is why a Dask run (units
done in any order, on any worker) writes the same report as a local one.
"""

from __future__ import annotations

import gc
import json
import logging
import shutil
import threading
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from nocrx.batch import rows
from nocrx.batch.classify import is_drug_line, skip_reason
from nocrx.batch.progress import Progress, Span, open_progress
from nocrx.batch.report import Summary, line_outcome, report_format, write_jsonl_parts, write_report
from nocrx.batch.units import WorkUnit, plan_units
from nocrx.errors import NocrxError
from nocrx.x12 import ClaimContext, Issue, PayerMap, ReadLine, load_payer_map
from nocrx.x12.reader import read_837_batches

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
    written: str | None = None  # the rows are in this file already (Dask engine), not in jsonl
    span: tuple[str, int, int] | None = None  # or in bytes [start, stop) of a run file (local engine)


def scrub_unit(
    unit: WorkUnit,
    checker: Any,
    payer_map: PayerMap,
    *,
    write_bytes: Callable[[bytes], object] | None = None,
) -> UnitResult:
    """Read one unit and return its report rows as JSONL (one row per service line and issue).

    With ``write_bytes`` the rows (UTF-8) go to it in blocks as they are made, and the result's
    jsonl is empty: the engines stream a unit to its part file instead of holding it all. Rows
    are made as UTF-8 bytes, so a binary file takes them as they are (encoding each block as a
    text file does made the process fault in fresh pages for it).
    """
    out: list[bytes] = []  # the rows, each in one or two pieces ending with its newline
    blocks: list[bytes] = []
    emit = write_bytes if write_bytes is not None else blocks.append
    lines_read = 0
    summary = Summary()
    writer = LineRows(checker, summary)
    add_row = writer.add_row
    for interchange in unit.interchanges:
        batches = read_837_batches(unit.path, payer_map=payer_map, label=unit.label, interchange=interchange)
        for records in batches:
            for record in records:
                if type(record) is ReadLine:
                    lines_read += 1
                    add_row(record, out)
                else:
                    row = rows.issue_row(record)
                    summary.add(row)
                    out.append(f"{_json(row)}\n".encode())
            if len(out) >= BLOCK_PIECES:
                emit(b"".join(out))
                out.clear()
    if out:
        emit(b"".join(out))
    writer.finish()
    logger.debug("unit %s: %d lines, %d rendered once and reused", unit.key, lines_read, writer.hits)
    jsonl = b"".join(blocks).decode("utf-8")
    return UnitResult(unit.key, unit.ordinal, jsonl, lines_read, unit.size, summary.to_dict())


def _json(row: dict[str, Any]) -> str:
    return json.dumps(row, separators=(",", ":"), ensure_ascii=False)


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


BLOCK_PIECES = 2048  # row pieces joined and written at once (about 1,000 rows, 2 MiB)
# The first column that comes from the claim line rather than from where it is in the file; it and
# every column after it (claim fields, then the check's outcome) depend on the line alone.
LINE_PART = ',"date_of_service":'
ROW_CACHE_SIZE = 16_384  # rendered rows of distinct lines, about 2 KiB each; cleared when full


class LineRows:
    """Render line rows as JSONL text, each distinct line checked and rendered once.

    A row is ``json.dumps`` of ``rows.line_row`` and the check (the COLUMNS in order). Its text
    splits into the part that says where the line is (file, control numbers, segment, CLM01, LX,
    kind) and the part that follows from the line's segments alone: claim fields, status, code,
    findings. Batches repeat the same line (same drug, dose, diagnoses, charge), so the second
    part is kept by ``ReadLine.source_key`` (the segments less CLM01 and LX, as written) with
    what the line adds to the summary, and a repeat is neither built into a ClaimLine nor
    checked again; the first part is built per claim. A line with read warnings, or that could
    not be read, takes the plain path.
    """

    def __init__(self, checker: Any, summary: Summary) -> None:
        self.checker = checker
        self.summary = summary
        self.tails: dict[Hashable, _Tail] = {}
        self.context: ClaimContext | None = None
        # Of the current claim: the columns before "segment", clm01 and the "lx" key, the payer
        # profile of its lines and the columns kind..billing_npi for it.
        self.claim: tuple[str, str, str | None, str] = ("", "", None, "")
        self.starts: dict[tuple[Any, ...], str] = {}
        self.claimed: dict[tuple[str | None, ...], str] = {}
        self.lx: dict[str | None, str] = {}
        self.hits = 0

    def add_row(self, read: ReadLine, out: list[bytes]) -> None:
        """Append the JSONL of one line row, newline included, to ``out`` (UTF-8, in one or two pieces).

        The row is counted in the summary now if it is a line's first, by ``finish`` if a repeat.
        A repeated line's row is its where-it-is columns, then the kept text of the rest: the
        two go to ``out`` apart, so the long part is copied once, when the block is joined.
        """
        key = None if read.warnings else read.source_key()
        if key is None:
            out.append(f"{self._plain(read)}\n".encode())
            return
        tail = self.tails.get(key)
        if tail is None:
            out.append(f"{self._first(read, key)}\n".encode())
            return
        tail.count += 1
        context = read.context
        if context is not self.context:
            self._enter(context, tail.payer)
        start, claim, payer, claimed = self.claim
        if tail.payer != payer:
            claimed = self._claimed(context, tail.payer)
        lx = self.lx.get(read.lx) or self._lx(read.lx)
        out.append(f"{start}{read.segment_index}{claim}{lx}{claimed}".encode())
        out.append(tail.text)

    def finish(self) -> None:
        """Count the reused rows into the summary (each first row was counted when made)."""
        self.hits += sum(t.count for t in self.tails.values())
        for tail in self.tails.values():
            self.summary.add_line(tail.status, tail.errors, tail.money_at_risk, tail.count)
            tail.count = 0

    def _plain(self, read: ReadLine) -> str:
        row = _line_row(read, self.checker)
        self.summary.add(row)
        return _json(row)

    def _first(self, read: ReadLine, key: Hashable) -> str:
        row = _line_row(read, self.checker)
        self.summary.add(row)
        text = _json(row)
        if read.line is None:
            return text  # unreadable: the same segments would fail the same way, but it is rare
        cut = text.index(LINE_PART)  # keys and values are escaped, so the first match is the column
        status, errors, money = line_outcome(row)
        if len(self.tails) >= ROW_CACHE_SIZE:
            self.finish()
            self.tails.clear()
        self.tails[key] = _Tail(f"{text[cut:]}\n".encode(), status, errors, money, row["payer"])
        return text

    def _enter(self, context: ClaimContext, payer: str | None) -> None:
        self.context = context
        position = context.position
        where = (position.file, position.interchange, position.isa13, position.gs06, position.st02)
        start = self.starts.get(where)
        if start is None:
            _bound(self.starts)
            columns = _json({"record": "line", "file": position.file, "interchange": position.interchange,
                             "isa13": position.isa13, "gs06": position.gs06, "st02": position.st02})  # fmt: skip
            start = self.starts[where] = f'{columns[:-1]},"segment":'
        claimed = self._claimed(context, payer)
        self.claim = (start, f',"clm01":{_json_text(context.clm01)},"lx":', payer, claimed)

    def _claimed(self, context: ClaimContext, payer: str | None) -> str:
        """The columns kind..billing_npi (the payer profile comes from the line)."""
        key = (context.kind, payer, context.payer_id, context.payer_name, context.billing_npi)
        known = self.claimed.get(key)
        if known is not None:
            return known
        columns = _json({"kind": context.kind, "payer": payer, "payer_id": context.payer_id,
                         "payer_name": context.payer_name, "billing_npi": context.billing_npi})  # fmt: skip
        _bound(self.claimed)
        text = self.claimed[key] = f",{columns[1:-1]}"
        return text

    def _lx(self, lx: str | None) -> str:
        _bound(self.lx)
        text = self.lx[lx] = _json_text(lx)
        return text


class _Tail:
    """A line's row from LINE_PART on (UTF-8, newline included), what it adds to the summary, and how often it was reused."""

    __slots__ = ("count", "errors", "money_at_risk", "payer", "status", "text")

    def __init__(
        self,
        text: bytes,
        status: str,
        errors: tuple[str, ...],
        money_at_risk: Decimal | None,
        payer: str | None,
    ) -> None:
        self.text, self.status, self.errors = text, status, errors
        self.money_at_risk, self.payer, self.count = money_at_risk, payer, 0


def _bound(cache: dict[Any, str]) -> None:
    if len(cache) >= 4096:  # many payers, transaction sets or LX numbers: start again
        cache.clear()


def _json_text(value: str | None) -> str:
    """A string as json.dumps writes it with ensure_ascii=False."""
    return "null" if value is None else encode_basestring(value)


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
    progress = open_progress(report, units, options.resume)
    todo = [u for u in units if u.key not in progress.done]
    logger.info("scrub: %d units, %d to do, engine %s", len(units), len(todo), options.engine)
    results = (
        _dask_results(todo, options, progress)
        if options.engine == "dask"
        else _local_results(todo, options, payer_map, progress)
    )
    for result in results:
        progress.record(result)
        if on_unit_done:
            on_unit_done(result.size, result.lines_read)
    spans = [progress.span(u.key) for u in units]
    lines_read = sum(progress.done[u.key]["lines_read"] for u in units)
    if report_format(report) == ".jsonl":
        # The spans are the report's rows already: join them, and add up the units' counts.
        summary = Summary(lines_read=lines_read)
        for unit in units:
            summary.merge(progress.done[unit.key]["counts"])
        write_jsonl_parts(report, spans, summary)
    else:
        summary = write_report(report, _rows_of(spans), lines_read)
    shutil.rmtree(progress.folder, ignore_errors=True)
    return summary


def _rows_of(spans: list[Span]) -> Iterator[dict[str, Any]]:
    for span in spans:
        with open(span.path, "rb") as handle:
            handle.seek(span.start)
            left = span.stop - span.start if span.stop is not None else None
            for text in handle:
                if left is not None:
                    if left <= 0:
                        break
                    left -= len(text)
                yield json.loads(text)


def _local_results(
    units: list[WorkUnit], options: ScrubOptions, payer_map: PayerMap, progress: Progress
) -> Iterator[UnitResult]:
    """Scrub each unit in this process, streaming the rows of all of them into one run file.

    Each unit's rows follow the last one's, and the progress records their byte range once they
    are complete (flushed): the run file becomes the report by a rename, with no copy of the
    rows (a copy of each part cost as much CPU as a tenth of the scrub).
    """
    if not units:
        return
    checker = _checker_for(options.db_path)
    run = progress.run_file(units[0].ordinal)
    try:
        with open(run, "wb") as handle:
            for unit in units:
                # The reference data and caches a run builds stay for the whole run: keep the garbage
                # collector from walking them again and again (it cost 15 % of a scrub).
                gc.freeze()
                start = handle.tell()
                result = scrub_unit(unit, checker, payer_map, write_bytes=handle.write)
                handle.flush()
                result.span = (run.name, start, handle.tell())
                yield result
    finally:
        gc.unfreeze()


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


def drop_checkers() -> None:
    """Forget this thread's Checkers: the next scrub opens the store again, with cold caches.

    For benchmarks whose repeats must each do the work of a fresh process.
    """
    _local.checkers = {}


def _dask_results(units: list[WorkUnit], options: ScrubOptions, progress: Progress) -> Iterator[UnitResult]:
    from nocrx.batch.dask_engine import dask_results  # imports Dask only when it is used

    return dask_results(units, options, progress.folder)
