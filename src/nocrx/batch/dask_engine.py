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
import uuid
import zlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from nocrx.batch.scrub import ScrubOptions, UnitResult, _checker_for, scrub_unit
from nocrx.batch.units import WorkUnit
from nocrx.errors import InvalidInput
from nocrx.x12 import PayerMap, load_payer_map

try:
    from distributed import WorkerPlugin
except ImportError:  # without Dask, dask_results says what to install
    WorkerPlugin = object

logger = logging.getLogger(__name__)

COMPRESS_LEVEL = 1  # JSONL rows repeat their column names and messages: level 1 already gives ~20x


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
        futures = [
            client.submit(
                scrub_task,
                unit,
                options.db_path,
                options.payer_map_path,
                str(folder),
                run,
                key=f"nocrx-scrub-{run}-{unit.ordinal}",
                priority=unit.size,  # biggest first: the last task to finish is a small one
            )
            for unit in units
        ]
        completed = as_completed(futures, with_results=True)
        del futures  # as_completed holds each future until it is yielded, then the worker may drop it
        for _, result in completed:
            yield _written(result, folder, run)
        marker.unlink()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def scrub_task(
    unit: WorkUnit, db_path: str, payer_map_path: str | None, folder: str, run: str
) -> UnitResult | tuple[UnitResult, bytes]:
    """The Dask task: the local engine's work on one unit, with this worker's checker.

    When this worker sees the run's ``folder`` the rows go to a temporary part file there;
    otherwise they come back compressed with the result.
    """
    checker, payer_map = _checker_for(db_path), _payer_map(payer_map_path)
    gc.freeze()  # the store's caches live for the whole run: the collector need not walk them again
    try:
        if sees_folder(Path(folder), run):
            temporary = _temporary(Path(folder), unit.ordinal, run)
            with open(temporary, "w", encoding="utf-8") as handle:
                result = scrub_unit(unit, checker, payer_map, handle.write)
            result.written = str(temporary)
            return result
        compressor = zlib.compressobj(COMPRESS_LEVEL)
        blocks: list[bytes] = []
        result = scrub_unit(
            unit, checker, payer_map, lambda text: blocks.append(compressor.compress(text.encode("utf-8")))
        )
        blocks.append(compressor.flush())
        return result, b"".join(blocks)
    finally:
        gc.unfreeze()


def _written(result: UnitResult | tuple[UnitResult, bytes], folder: Path, run: str) -> UnitResult:
    """The result with its rows in a file of ``folder`` (written here when they came compressed)."""
    if isinstance(result, UnitResult):
        return result
    unit_result, compressed = result
    temporary = _temporary(folder, unit_result.ordinal, run)
    temporary.write_bytes(zlib.decompress(compressed))
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
