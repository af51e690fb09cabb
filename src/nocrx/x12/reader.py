"""Read an 837 file (or one byte range of it) into ReadLine and Issue records, streaming.

``read_837(path)`` is the entry point; ``scan_interchanges(path)`` finds the byte range of
each interchange so that a large file can be split (Dask) or resumed at an interchange.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from nocrx.x12.payers import PayerMap
from nocrx.x12.records import Issue, Position
from nocrx.x12.tokenizer import (
    CHUNK_BYTES,
    ISA_SEARCH_CHARS,
    WHITESPACE,
    SegmentBatches,
    TokenizeProblem,
    detect_encoding,
    read_isa_separators,
    text_chunks,
)
from nocrx.x12.walker import Record, Walker


@dataclass(frozen=True, slots=True)
class Interchange:
    """The byte range [start, stop) of one interchange; ``ordinal`` counts ISAs from 1."""

    ordinal: int
    start: int
    stop: int


def read_837(
    path: Path | str,
    *,
    payer_map: PayerMap | None = None,
    label: str | None = None,
    interchange: Interchange | None = None,
) -> Iterator[Record]:
    """Yield a ReadLine per service line and an Issue per envelope problem, in file order.

    Never raises on file content; an unreadable file gives one X12_CANNOT_READ issue.
    With ``interchange``, read only that byte range (positions match a whole-file read).
    """
    for records in read_837_batches(path, payer_map=payer_map, label=label, interchange=interchange):
        yield from records


def read_837_batches(
    path: Path | str,
    *,
    payer_map: PayerMap | None = None,
    label: str | None = None,
    interchange: Interchange | None = None,
) -> Iterator[list[Record]]:
    """``read_837``'s records in lists (a claim's lines, or issues), each valid until the next is asked for.

    For consumers that go through every record (scrub): a loop over a list costs less a line
    than a step of a generator. The lists are reused: copy one to keep it.
    """
    path = Path(path)
    label = label or str(path)
    first = interchange.ordinal - 1 if interchange else 0
    walker = Walker(label, payer_map or PayerMap(), first_interchange=first)
    start, stop = (interchange.start, interchange.stop) if interchange else (0, None)
    try:
        tokens = SegmentBatches(text_chunks(path, start, stop))
        started = False
        for separators, batch in tokens:
            if not started:
                started = True
                yield from _start_issues(tokens, label)
            yield from walker.feed(batch, separators)
            yield from _drain(walker, tokens)
        if not started:
            yield from _start_issues(tokens, label)
    except OSError as error:
        yield [Issue("X12_CANNOT_READ", "error", f"cannot read the file: {error.strerror}", Position(label))]
        return
    walker.finish()
    yield from _drain(walker, tokens)


def _start_issues(tokens: SegmentBatches, label: str) -> Iterator[list[Record]]:
    issues: list[Record] = list(_start_problems(tokens, label))
    if issues:
        yield issues


def _start_problems(tokens: SegmentBatches, label: str) -> Iterator[Issue]:
    position = Position(label)
    if tokens.started_at == "GS":
        message = "no ISA: the file starts at GS; lines are read with separators guessed from GS"
        yield Issue("X12_NO_ISA", "error", message, position)
    elif tokens.leading_garbage:
        # Error, not warning: the skipped text may hold service lines nobody will see.
        message = f"{tokens.leading_garbage} characters before the first ISA were skipped"
        yield Issue("X12_LEADING_GARBAGE", "error", message, position)
    for code, message in tokens.problems:
        code = "X12_NOT_X12" if code == "X12_NO_ISA" else code
        yield Issue(code, "error", message, position)
    tokens.problems.clear()


def _drain(walker: Walker, tokens: SegmentBatches) -> Iterator[list[Record]]:
    if walker.out:
        yield walker.out
        walker.out.clear()
    if tokens.problems:
        position = walker.position()
        yield [
            Issue(code, "error", message + "; skipped to the next ISA", position)
            for code, message in tokens.problems
        ]
        tokens.problems.clear()


def scan_interchanges(path: Path | str) -> list[Interchange]:
    """Return the byte range of each interchange (one range for a file without ISA or in UTF-16).

    An ISA counts when the last non-blank byte before it is the previous interchange's
    segment terminator, so "ISA" inside an element (a name like "LISA*") does not.
    """
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as handle:
        encoding, _ = detect_encoding(handle.read(4))
        if encoding.startswith("utf-16"):
            return [Interchange(1, 0, size)]
        starts = _isa_starts(handle)
    if not starts:
        return [Interchange(1, 0, size)]
    bounds = [0, *starts[1:], size]
    return [Interchange(n + 1, bounds[n], bounds[n + 1]) for n in range(len(starts))]


def _isa_starts(handle: BinaryIO) -> list[int]:
    handle.seek(0)
    starts: list[int] = []
    terminator: bytes | None = None
    carry, carry_base = b"", 0
    while True:
        chunk = handle.read(CHUNK_BYTES)
        final = not chunk
        data, base = carry + chunk, carry_base
        position = data.find(b"ISA")
        while position >= 0 and (final or position <= len(data) - ISA_SEARCH_CHARS):
            absolute = base + position
            if (not starts or absolute > starts[-1]) and _is_isa_start(data, position, terminator, starts):
                try:
                    separators = read_isa_separators(
                        data[position : position + ISA_SEARCH_CHARS].decode("latin-1"), 0
                    )
                except TokenizeProblem:
                    separators = None
                if separators is not None:
                    starts.append(absolute)
                    terminator = separators.segment.encode("latin-1")
            position = data.find(b"ISA", position + 1)
        if final:
            return starts
        keep = min(len(data), ISA_SEARCH_CHARS + 3)
        carry, carry_base = data[-keep:], base + len(data) - keep


def _is_isa_start(data: bytes, position: int, terminator: bytes | None, starts: list[int]) -> bool:
    after = data[position + 3 : position + 4]
    if not after or after.isalnum() or after.decode("latin-1") in WHITESPACE:
        return False
    if not starts:
        return True
    before = data[:position].rstrip(WHITESPACE.encode())
    return bool(before) and before[-1:] == terminator
