"""The Dask engine writes the local engine's report, whether its workers share the disk or not."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from scrub_inputs import INPUTS

from nocrx.batch import ScrubOptions, dask_engine, run_scrub
from nocrx.batch.units import plan_units

distributed = pytest.importorskip("distributed")


def options_for(tmp_path: Path, **changes: object) -> ScrubOptions:
    # An empty store: the checker runs for real and says which reference data is missing.
    fields = {"db_path": str(tmp_path / "store.sqlite3"), "target_unit_bytes": 1, **changes}
    return ScrubOptions(**fields)  # type: ignore[arg-type]


@pytest.fixture
def local_report(tmp_path: Path) -> bytes:
    report = tmp_path / "local.jsonl"
    run_scrub(INPUTS, report, options_for(tmp_path))
    return report.read_bytes()


@pytest.mark.parametrize("extension", [".jsonl", ".csv"])
def test_workers_on_this_machine_write_their_parts(tmp_path: Path, extension: str):
    local = tmp_path / f"local{extension}"
    run_scrub(INPUTS, local, options_for(tmp_path))
    report = tmp_path / f"dask{extension}"
    # Threads (processes=False): the engine's code path without paying process start-up per test.
    run_scrub(INPUTS, report, options_for(tmp_path, engine="dask", workers=2, processes=False))
    assert report.read_bytes() == local.read_bytes()
    assert {p.name for p in tmp_path.iterdir()} == {local.name, report.name, "store.sqlite3"}  # no .tmp left


def test_workers_on_another_disk_send_the_rows_back_compressed(
    tmp_path: Path, local_report: bytes, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(dask_engine, "sees_folder", lambda folder, run: False)
    sizes: list[tuple[int, int]] = []
    real = dask_engine._written

    def measured(result, folder, run):
        if isinstance(result, tuple):
            streams = result[1]
            sizes.append((sum(map(len, streams)), sum(len(zlib.decompress(s)) for s in streams)))
        return real(result, folder, run)

    monkeypatch.setattr(dask_engine, "_written", measured)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        report = tmp_path / "dask.jsonl"
        run_scrub(INPUTS, report, options_for(tmp_path, engine="dask", scheduler=cluster.scheduler_address))
    assert report.read_bytes() == local_report
    assert len(sizes) == len(plan_units(INPUTS, 1))
    assert sum(packed for packed, _ in sizes) * 3 < sum(plain for _, plain in sizes)


def test_a_worker_task_is_the_local_work(tmp_path: Path, local_report: bytes):
    units = plan_units(INPUTS, 1)
    folder = tmp_path / "parts"
    folder.mkdir()
    texts = []
    for unit in units:
        packed = dask_engine.scrub_task(unit, str(tmp_path / "store.sqlite3"), None, str(folder), "run")
        (folder / ".dask-run-run").touch()  # the driver's marker: this worker shares its disk
        shared = dask_engine.scrub_task(unit, str(tmp_path / "store.sqlite3"), None, str(folder), "run")
        (folder / ".dask-run-run").unlink()
        assert isinstance(shared, dask_engine.UnitResult)
        assert isinstance(packed, tuple)
        assert (shared.key, shared.lines_read, shared.counts) == (
            unit.key,
            packed[0].lines_read,
            packed[0].counts,
        )
        text = Path(shared.written or "").read_bytes()
        assert b"".join(map(zlib.decompress, packed[1])) == text
        texts.append(text)
    assert local_report.startswith(b"".join(texts))  # then the summary row
