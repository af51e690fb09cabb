"""Cut one big interchange into runs of transaction sets that Dask tasks read separately.

A generated or payer batch is often one ISA with one GS and many ST (at most 5,000 claims each,
as the TR3 recommends), so cutting by interchange leaves the whole file to one task. A run of
transaction sets cannot be read alone: the reader needs the envelope (separators, ISA13, GS06,
GS08) and numbers segments from the ISA. So a piece is read as a small stand-in interchange,
built from bytes of the file:

    the real ISA and GS segments
    + k empty transaction sets (k = the ST before the piece), the first padded with unknown
      "ZZZ" segments, so that segment numbers and the GE count come out as in the whole file
    + the piece's own bytes (whole ST..SE sets)
    + GE and IEA with the counts the stand-in has (the last piece has the file's own instead).

Only interchanges whose envelope the reader walks the same way in pieces as whole are cut:
one GS; only ST/SE pairs between GS and GE, nothing between them; IEA last; no empty segment;
":" as the component separator (ISA16), so no claim can switch it for the claims after it;
the same ST03 on every set. Anything else stays one piece, read as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nocrx.batch.units import WorkUnit
from nocrx.x12 import Interchange

ISA_LENGTH = 106  # ISA is fixed-length: element separator at 3, ISA16 at 104, terminator at 105
# What str.strip() removes from a latin-1 segment (the reader strips each one): \s and more.
WHITESPACE = b"[" + re.escape(bytes(i for i in range(256) if chr(i).isspace())) + b"]*"
FILLER = b"ZZZ"  # a syntactically valid segment id that no 837 loop uses: the reader passes over it


@dataclass(frozen=True, slots=True)
class Piece:
    """Bytes [start, stop) of ``unit``'s interchange, read as a stand-in interchange (see module doc)."""

    unit: WorkUnit
    number: int  # 0, 1, ... within the unit
    start: int
    stop: int
    header: tuple[int, int]  # the ISA and GS segments (with the whitespace after them)
    transactions_before: int
    segments_before: int  # segments from the ISA to start
    trailer: bytes  # GE and IEA for all but the last piece; b"" for the last


def cut(unit: WorkUnit, max_bytes: int) -> list[Piece] | None:
    """Cut a one-interchange unit into pieces of whole transaction sets of about max_bytes; None if not."""
    if len(unit.interchanges) != 1 or unit.size <= max_bytes:
        return None
    interchange = unit.interchanges[0]
    with open(unit.path, "rb") as handle:
        handle.seek(interchange.start)
        data = handle.read(interchange.stop - interchange.start)
    envelope = _envelope(data)
    if envelope is None:
        return None
    (element, terminator), starts = envelope
    cuts = _group(starts, max_bytes)
    if len(cuts) < 2:
        return None
    header = (0, starts[0])
    gs = data[data.index(terminator) + 1 : starts[0]].strip().rstrip(terminator).split(element)
    isa = data[:ISA_LENGTH].rstrip(terminator).split(element)
    pieces = []
    for number, (start, stop) in enumerate(zip(cuts, [*cuts[1:], len(data)], strict=True)):
        before = sum(1 for s in starts if s < start)
        last = stop == len(data)
        trailer = (
            b"" if last else _trailer(element, terminator, before + _count(starts, start, stop), gs, isa)
        )
        pieces.append(
            Piece(
                unit,
                number,
                interchange.start + (0 if number == 0 else start),
                interchange.start + stop,
                (interchange.start + header[0], interchange.start + header[1]),
                before,
                data.count(terminator, 0, start) if number else 0,
                trailer,
            )
        )
    return pieces


def stand_in(piece: Piece) -> bytes:
    """The bytes the reader reads for this piece: envelope, filler, the piece, closing segments."""
    with open(piece.unit.path, "rb") as handle:
        handle.seek(piece.start)
        body = handle.read(piece.stop - piece.start)
        if piece.number == 0:
            return body + piece.trailer
        handle.seek(piece.header[0])
        header = handle.read(piece.header[1] - piece.header[0])
    element, terminator = chr(header[3]).encode("latin-1"), chr(header[105]).encode("latin-1")
    return header + _filler(piece, element, terminator) + body + piece.trailer


def piece_unit(piece: Piece, path: Path) -> WorkUnit:
    """A unit reading the stand-in at ``path`` under the real file's label and interchange number."""
    ordinal = piece.unit.interchanges[0].ordinal
    return WorkUnit(
        str(path), piece.unit.label, piece.unit.ordinal, (Interchange(ordinal, 0, path.stat().st_size),)
    )


def _envelope(data: bytes) -> tuple[tuple[bytes, bytes], list[int]] | None:
    """(element, terminator) and each ST's offset, if the envelope qualifies (see the module doc)."""
    if len(data) < ISA_LENGTH or not data.startswith(b"ISA"):
        return None
    element, component, terminator = data[3:4], data[104:105], data[105:106]
    if component != b":" or terminator.isspace() or terminator.isalnum() or element.isalnum():
        return None
    if data.count(b"ST" + element + b"837" + element) < 2:
        return None  # one transaction set (a quick count, before the slower checks): nothing to cut
    if re.search(re.escape(terminator) + WHITESPACE + re.escape(terminator), data):
        return None  # an empty segment: the reader would not count it
    pattern = re.escape(terminator) + WHITESPACE + rb"(ISA|GS|GE|ST|SE|IEA)" + re.escape(element)
    tags, offsets, ends = [], [], []
    for match in re.finditer(pattern, data):
        tags.append(match.group(1))
        offsets.append(match.start(1))
        ends.append(match.start())  # the terminator of the segment before
    expected = [b"GS", *[b"ST", b"SE"] * ((len(tags) - 3) // 2), b"GE", b"IEA"]
    if tags != expected or len(tags) < 5:
        return None
    # Nothing but the tagged segments between GS and IEA, apart from what is inside each ST..SE.
    for index in range(len(tags) - 1):
        if tags[index] != b"ST" and data.count(terminator, offsets[index], ends[index + 1] + 1) != 1:
            return None
    if data.count(terminator, 0, ends[0] + 1) != 1 or data[data.index(terminator, offsets[-1]) + 1 :].strip():
        return None
    starts = offsets[1:-2:2]
    if len({tuple(_segment(data, at, terminator).split(element)[3:4]) for at in starts}) != 1:
        return None  # ST03 differs: a set without one takes the kind of the set before it
    return (element, terminator), starts


def _segment(data: bytes, at: int, terminator: bytes) -> bytes:
    return data[at : data.index(terminator, at)].strip()


def _group(starts: list[int], max_bytes: int) -> list[int]:
    """Piece starts: 0, then the first ST after each max_bytes (whole transaction sets per piece)."""
    cuts = [0]
    for start in starts[1:]:
        if start - cuts[-1] >= max_bytes:
            cuts.append(start)
    return cuts


def _count(starts: list[int], start: int, stop: int) -> int:
    return sum(1 for s in starts if start <= s < stop)


def _trailer(
    element: bytes, terminator: bytes, transactions: int, gs: list[bytes], isa: list[bytes]
) -> bytes:
    gs06 = gs[6] if len(gs) > 6 else b""
    isa13 = isa[13] if len(isa) > 13 else b""
    return (
        element.join([b"GE", str(transactions).encode(), gs06])
        + terminator
        + element.join([b"IEA", b"1", isa13])
        + terminator
    )


def _filler(piece: Piece, element: bytes, terminator: bytes) -> bytes:
    padding = piece.segments_before - 2 - 2 * piece.transactions_before  # ISA, GS, each ST and SE
    first = element.join([b"ST", b"837", b"F"]) + terminator + (FILLER + terminator) * padding
    first += element.join([b"SE", str(padding + 2).encode(), b"F"]) + terminator
    empty = element.join([b"ST", b"837", b"F"]) + terminator + element.join([b"SE", b"2", b"F"]) + terminator
    return first + empty * (piece.transactions_before - 1)
