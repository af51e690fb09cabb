"""A scrub run's progress folder (``REPORT.progress``): which units are done, where their rows are.

A unit is recorded in ``progress.json`` only once its rows are complete, with the file that
holds them and their byte range there, so ``--resume`` redoes exactly the units that were not
finished: no line twice, none lost. The local engine writes the units of one run into one file,
one after the other, so the report is that file renamed (nothing copied); the Dask engine gives
each unit a part file of its own.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nocrx.errors import InvalidInput

if TYPE_CHECKING:
    from nocrx.batch.scrub import UnitResult
    from nocrx.batch.units import WorkUnit


@dataclass(frozen=True, slots=True)
class Span:
    """A unit's rows: bytes [start, stop) of a file (stop None: to the end of the file)."""

    path: Path
    start: int = 0
    stop: int | None = None


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
        if result.span is not None:  # rows already in a run file of this folder
            name, start, stop = result.span
            entry: dict[str, Any] = {"part": name, "start": start, "stop": stop}
        else:
            part = self.part(result.ordinal)
            if result.written:
                os.replace(result.written, part)
            else:
                write_atomic(part, result.jsonl)
            entry = {"part": part.name}
        self.done[result.key] = {**entry, "lines_read": result.lines_read, "counts": result.counts}
        self.save()

    def part(self, ordinal: int) -> Path:
        return self.folder / f"unit-{ordinal:06d}.jsonl"

    def run_file(self, ordinal: int) -> Path:
        """Where a local run that starts at this unit writes its units' rows (the pid keeps runs apart)."""
        return self.folder / f"run-{ordinal:06d}-{os.getpid()}.jsonl"

    def span(self, key: str) -> Span:
        entry = self.done[key]
        return Span(self.folder / entry["part"], entry.get("start", 0), entry.get("stop"))

    def save(self) -> None:
        write_atomic(self.file, json.dumps({"keys": self.keys, "done": self.done}, indent=1))


def open_progress(report: Path, units: list[WorkUnit], resume: bool) -> Progress:
    """The report's progress folder: as the interrupted run left it (``resume``) or new and empty."""
    folder = report.with_name(report.name + ".progress")
    keys = [u.key for u in units]
    if resume and (folder / "progress.json").exists():
        state = json.loads((folder / "progress.json").read_text(encoding="utf-8"))
        if state.get("keys") != keys:
            raise InvalidInput(
                "--resume: the input files changed since the interrupted run.",
                hint=f"run again without --resume, or delete {folder}",
            )
        # A unit whose rows are gone (moved into a report that was never finished) is done again.
        done = {key: entry for key, entry in state.get("done", {}).items() if _is_intact(folder, entry)}
        return Progress(folder, keys, done)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    progress = Progress(folder, keys)
    progress.save()
    return progress


def _is_intact(folder: Path, entry: dict[str, Any]) -> bool:
    try:
        size = (folder / entry["part"]).stat().st_size
    except OSError:
        return False
    return size >= (entry.get("stop") or 0)


def write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
