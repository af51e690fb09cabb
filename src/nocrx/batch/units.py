"""Split the input into work units: a file, or a run of consecutive interchanges of a big file.

A unit is the grain of both --resume (a unit is done or not) and the Dask engine (one task per
unit). Interchanges are grouped until a unit reaches ``target_bytes`` so that a file of many
small interchanges does not become thousands of tasks; one big interchange is its own unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nocrx.x12 import Interchange, scan_interchanges

# Small enough that one unit's report rows (about 1 KiB each as JSON) stay a few MiB in a Dask result.
TARGET_UNIT_BYTES = 8 << 20


@dataclass(frozen=True, slots=True)
class WorkUnit:
    """Interchanges [first, last] of one file (byte range start..stop); ``label`` names the file in reports."""

    path: str
    label: str
    ordinal: int  # position of the unit in the whole run (report order)
    interchanges: tuple[Interchange, ...]

    @property
    def key(self) -> str:
        """Stable id for the progress file: file, first interchange and byte range."""
        first, last = self.interchanges[0], self.interchanges[-1]
        return f"{self.label}#{first.ordinal}-{last.ordinal}@{first.start}-{last.stop}"

    @property
    def size(self) -> int:
        return self.interchanges[-1].stop - self.interchanges[0].start


def plan_units(paths: list[Path], target_bytes: int = TARGET_UNIT_BYTES) -> list[WorkUnit]:
    """Return the work units of the given files, in file order then byte order."""
    units: list[WorkUnit] = []
    for path in paths:
        try:
            size = path.stat().st_size
            # A file that fits in one unit is read whole: byte ranges cut at scanned ISAs can differ
            # from a whole read when an ISA itself is corrupt, so split only files that need it.
            interchanges = scan_interchanges(path) if size > target_bytes else [Interchange(1, 0, size)]
        except OSError:
            interchanges = [Interchange(1, 0, 0)]  # the reader reports X12_CANNOT_READ for it
        for group in _group(interchanges, target_bytes):
            units.append(WorkUnit(str(path), str(path), len(units), tuple(group)))
    return units


def _group(interchanges: list[Interchange], target_bytes: int) -> list[list[Interchange]]:
    groups: list[list[Interchange]] = [[]]
    size = 0
    for interchange in interchanges:
        if groups[-1] and size + (interchange.stop - interchange.start) > target_bytes:
            groups.append([])
            size = 0
        groups[-1].append(interchange)
        size += interchange.stop - interchange.start
    return groups
