"""The Dask engine: each work unit is one task on a worker; the driver only records what is done.

The report rows of a run are about 2 KiB a line, so a unit's rows are far bigger than anything
else a task handles. A worker that sees the run's progress folder (the driver leaves a marker
file with a random name in it: a LocalCluster, or a cluster on a shared disk) writes its rows
to a temporary part file there and returns only the counts; the driver renames the file. A
worker that does not see it returns its rows zlib-compressed (about 1/20 of the text) and the
driver writes them. Either way the driver does no rendering and no JSON, and the report is
assembled from the parts in unit order, exactly as the local engine's is.

Per worker, not per task: the imports and the ICD-10-CM code set (a WorkerPlugin, as the
worker starts), the checker with its store and caches (one per worker thread), the payer map.
"""

from __future__ import annotations

import gc
import logging
import os
import tempfile
import uuid
import zlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from nocrx.batch.report import Summary, append_file
from nocrx.batch.scrub import ScrubOptions, UnitResult, _checker_for, scrub_unit
from nocrx.batch.transactions import Piece, cut, piece_unit, stand_in
from nocrx.batch.units import WorkUnit
from nocrx.errors import InvalidInput
from nocrx.x12 import PayerMap, load_payer_map

try:
    from distributed import WorkerPlugin
except ImportError:  # without Dask, dask_results says what to install
    WorkerPlugin = object

logger = logging.getLogger(__name__)

COMPRESS_LEVEL = 1  # JSONL rows repeat their column names and messages: level 1 already gives ~20x
# A unit bigger than its share (the run's bytes / (PIECES_PER_WORKER x workers)) is cut into runs of
# transaction sets when its envelope allows (batch.transactions), so that one big file keeps every
# worker busy; pieces below MIN_PIECE_BYTES would cost more in scheduling than they save.
PIECES_PER_WORKER = 3
MIN_PIECE_BYTES = 1 << 20
# Off: measured on a 20,000-claim file of 4 sets, the pieces' padding segments (the reader walks each
# one) cost 3.5 s of reading against 1.6 s for the whole, so cutting made 2 workers slower than 1.
# Worth turning on once the reader can start numbering segments at a given index (no padding).
CUT_BIG_INTERCHANGES = False


def dask_results(units: list[WorkUnit], options: ScrubOptions, folder: Path) -> Iterator[UnitResult]:
    """Scrub the units on Dask; yield each result (its rows in a file in ``folder``) as it completes."""
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
        client.register_plugin(WarmUp(), name="nocrx-warm-up")
        run = uuid.uuid4().hex[:12]  # keys and temporary files of two runs never meet
        marker = _marker(folder, run)
        marker.touch()
        workers = options.workers if cluster is not None else len(client.scheduler_info()["workers"])
        piece_bytes = max(
            MIN_PIECE_BYTES, sum(u.size for u in units) // (PIECES_PER_WORKER * max(1, workers))
        )
        task = (options.db_path, options.payer_map_path, str(folder), run)
        futures, cut_units = [], 0
        for unit in units:
            key = f"nocrx-scrub-{run}-{unit.ordinal}"
            pieces = _cut(unit, piece_bytes) if CUT_BIG_INTERCHANGES else None
            if pieces is None:
                # Biggest first: the last task to finish is a small one.
                futures.append(client.submit(scrub_task, unit, *task, key=key, priority=unit.size))
                continue
            parts = [
                client.submit(scrub_task, piece, *task, key=f"{key}.{piece.number}", priority=unit.size)
                for piece in pieces
            ]
            futures.append(
                client.submit(join_pieces, unit, str(folder), run, *parts, key=key, priority=unit.size)
            )
            cut_units += 1
        logger.info("dask: %d units (%d cut into pieces) on %d workers", len(units), cut_units, workers)
        completed = as_completed(futures, with_results=True)
        del futures  # as_completed holds each future until it is yielded, then the worker may drop it
        for _, result in completed:
            yield _written(result, folder, run)
        marker.unlink()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _cut(unit: WorkUnit, max_bytes: int) -> list[Piece] | None:
    try:
        return cut(unit, max_bytes)
    except OSError:  # gone since it was planned: the task reports X12_CANNOT_READ for it
        return None


Packed = tuple[UnitResult, list[bytes]]  # a result and its rows, zlib-compressed in one or more streams


def scrub_task(
    work: WorkUnit | Piece, db_path: str, payer_map_path: str | None, folder: str, run: str
) -> UnitResult | Packed:
    """The Dask task: the local engine's work on one unit (or piece of one), with this worker's checker.

    When this worker sees the run's ``folder`` the rows go to a temporary part file there;
    otherwise they come back compressed with the result.
    """
    if isinstance(work, Piece):
        handle, name = tempfile.mkstemp(prefix="nocrx-piece-", suffix=".x12")
        with os.fdopen(handle, "wb") as stand_in_file:
            stand_in_file.write(stand_in(work))
        try:
            return _scrub(
                piece_unit(work, Path(name)), db_path, payer_map_path, folder, run, f".{work.number}"
            )
        finally:
            os.unlink(name)
    return _scrub(work, db_path, payer_map_path, folder, run, "")


def _scrub(
    unit: WorkUnit, db_path: str, payer_map_path: str | None, folder: str, run: str, piece: str
) -> UnitResult | Packed:
    checker, payer_map = _checker_for(db_path), _payer_map(payer_map_path)
    gc.freeze()  # the store's caches live for the whole run: the collector need not walk them again
    try:
        if sees_folder(Path(folder), run):
            temporary = _temporary(Path(folder), unit.ordinal, run + piece)
            with open(temporary, "wb") as handle:
                result = scrub_unit(unit, checker, payer_map, write_bytes=handle.write)
            result.written = str(temporary)
            return result
        compressor = zlib.compressobj(COMPRESS_LEVEL)
        blocks: list[bytes] = []
        result = scrub_unit(
            unit, checker, payer_map, write_bytes=lambda rows: blocks.append(compressor.compress(rows))
        )
        blocks.append(compressor.flush())
        return result, [b"".join(blocks)]
    finally:
        gc.unfreeze()


def join_pieces(unit: WorkUnit, folder: str, run: str, *results: UnitResult | Packed) -> UnitResult | Packed:
    """The unit's result from its pieces' (in order): counts added, rows one after the other."""
    summary = Summary()
    plain = [r for r in results if isinstance(r, UnitResult)]
    for result in results:
        summary.merge((result if isinstance(result, UnitResult) else result[0]).counts)
    lines_read = sum((r if isinstance(r, UnitResult) else r[0]).lines_read for r in results)
    joined = UnitResult(unit.key, unit.ordinal, "", lines_read, unit.size, summary.to_dict())
    if len(plain) == len(results):  # every piece's rows are in a file here: one file of them all
        # Append the others to the first piece's file, copied by the kernel where it can.
        first, rest = plain[0].written or "", [r.written or "" for r in plain[1:]]
        with open(first, "r+b") as handle:
            handle.seek(0, os.SEEK_END)  # not "ab": copy_file_range refuses a file opened to append
            for name in rest:
                append_file(name, handle)
                os.unlink(name)
        temporary = _temporary(Path(folder), unit.ordinal, run)
        os.replace(first, temporary)
        joined.written = str(temporary)
        return joined
    streams: list[bytes] = []
    for result in results:
        if isinstance(result, UnitResult):
            streams.append(zlib.compress(Path(result.written or "").read_bytes(), COMPRESS_LEVEL))
            os.unlink(result.written or "")
        else:
            streams.extend(result[1])
    return joined, streams


def _written(result: UnitResult | Packed, folder: Path, run: str) -> UnitResult:
    """The result with its rows in a file of ``folder`` (written here when they came compressed)."""
    if isinstance(result, UnitResult):
        return result
    unit_result, streams = result
    temporary = _temporary(folder, unit_result.ordinal, run)
    with open(temporary, "wb") as handle:
        for stream in streams:
            handle.write(zlib.decompress(stream))
    unit_result.written = str(temporary)
    return unit_result


def sees_folder(folder: Path, run: str) -> bool:
    """Whether this worker shares the driver's disk: the run's marker (a random name) is there."""
    return _marker(folder, run).exists()


def _marker(folder: Path, run: str) -> Path:
    return folder / f".dask-run-{run}"


def _temporary(folder: Path, ordinal: int, run: str) -> Path:
    return folder / f"unit-{ordinal:06d}.jsonl.{run}.tmp"


@lru_cache(maxsize=8)
def _payer_map(path: str | None) -> PayerMap:
    return load_payer_map(Path(path)) if path else PayerMap()


class WarmUp(WorkerPlugin):  # type: ignore[misc, valid-type]
    """A Dask WorkerPlugin: import the checker and load the ICD-10-CM code set as the worker starts."""

    name = "nocrx-warm-up"

    def setup(self, worker: Any) -> None:
        import nocrx.checker  # noqa: F401  (the rules, decide and data modules come with it)
        from nocrx.rules import icd10

        icd10.warm()
        logger.debug("worker %s warmed up", getattr(worker, "address", "?"))
