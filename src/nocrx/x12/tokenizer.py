"""Stream an X12 file into segments: encoding, the separators ISA declares, 1 MiB chunks.

The tokenizer never holds more than one chunk plus one partial segment. It yields *batches*
(one list of raw segment texts per chunk) because a Python generator step per segment
would cost as much as the split itself.

Separators come from the ISA of each interchange (X12.5 / 005010 TR3 appendix B.1.1.2.5):
ISA04 position gives the element separator, ISA11 the repetition separator, ISA16 the
component separator and the character after ISA16 the segment terminator. We find ISA16 by
counting 16 element separators rather than at the fixed offset 104, because real files
(x12-samples imsweb/x12_bad_first_line.txt) carry an ISA02 one space short.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK_BYTES = 1 << 20
ISA_SEPARATOR_COUNT = 16
# An ISA is 106 characters; allow generous slack for short or padded elements.
ISA_SEARCH_CHARS = 400
WHITESPACE = " \t\r\n"


@dataclass(frozen=True, slots=True)
class Separators:
    element: str
    component: str
    segment: str
    repetition: str | None = None


class TokenizeProblem(Exception):
    """Raised inside the tokenizer for an unreadable envelope; the reader turns it into an issue."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def detect_encoding(head: bytes) -> tuple[str, int]:
    """Return (codec, BOM length) for the first bytes of a file.

    >>> detect_encoding(b"\\xef\\xbb\\xbfISA*")
    ('utf-8', 3)
    >>> detect_encoding(b"I\\x00S\\x00A\\x00")
    ('utf-16-le', 0)
    >>> detect_encoding(b"ISA*00*")
    ('latin-1', 0)
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] and head[2]:
        return "utf-16-le", 0
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] and head[3]:
        return "utf-16-be", 0
    # X12 is ASCII; latin-1 maps every byte to one character and never fails.
    return "latin-1", 0


def text_chunks(path: Path, start: int = 0, stop: int | None = None) -> Iterator[str]:
    """Yield the decoded text of path[start:stop] in chunks of about 1 MiB."""
    with open(path, "rb") as handle:
        encoding, bom = detect_encoding(handle.read(4))
        handle.seek(max(start, bom))
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        remaining = None if stop is None else stop - max(start, bom)
        while remaining is None or remaining > 0:
            size = CHUNK_BYTES if remaining is None else min(CHUNK_BYTES, remaining)
            data = handle.read(size)
            if not data:
                break
            if remaining is not None:
                remaining -= len(data)
            yield decoder.decode(data)
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail


def read_isa_separators(text: str, position: int) -> Separators:
    """Read the separators of the ISA starting at text[position]; raise TokenizeProblem if unusable.

    >>> read_isa_separators("ISA*00*" + "*" * 14 + ":~GS", 0).segment
    '~'
    """
    element = text[position + 3 : position + 4]
    if not element or element.isalnum() or element in WHITESPACE:
        raise TokenizeProblem("X12_BAD_SEPARATORS", f"ISA element separator {element!r} is not usable")
    cursor = position + 3
    limit = min(len(text), position + ISA_SEARCH_CHARS)
    for _ in range(ISA_SEPARATOR_COUNT - 1):
        cursor = text.find(element, cursor + 1, limit)
        if cursor < 0:
            raise TokenizeProblem("X12_BAD_SEPARATORS", "ISA does not have 16 elements")
    component = text[cursor + 1 : cursor + 2]
    segment = text[cursor + 2 : cursor + 3]
    isa11 = text[position:cursor].split(element)[11:12]
    repetition = isa11[0] if isa11 and len(isa11[0]) == 1 and not isa11[0].isalnum() else None
    if repetition in (element, component, segment):
        # Seen in real files (x12-samples oopfactory 837I_5010_Spec_3.1.1: ISA11 = ISA16 = "^"):
        # 837s do not use repetition, so keep the component separator and drop the repetition one.
        repetition = None
    _check_distinct(element, component, segment, repetition)
    return Separators(element, component, segment, repetition)


def _check_distinct(element: str, component: str, segment: str, repetition: str | None) -> None:
    chosen = [element, component, segment] + ([repetition] if repetition else [])
    if not component or not segment:
        raise TokenizeProblem("X12_BAD_SEPARATORS", "the ISA ends before its segment terminator")
    if len(set(chosen)) != len(chosen):
        raise TokenizeProblem("X12_BAD_SEPARATORS", f"ISA separators are not distinct: {chosen!r}")
    if component.isalnum() or (segment.isalnum()) or component in WHITESPACE:
        raise TokenizeProblem("X12_BAD_SEPARATORS", f"ISA separators are letters or digits: {chosen!r}")


def read_gs_separators(text: str, position: int) -> Separators:
    """Guess separators for a file that starts at GS (no ISA): GS has 8 elements then the terminator."""
    element = text[position + 2 : position + 3]
    if not element or element.isalnum() or element in WHITESPACE:
        raise TokenizeProblem("X12_NO_ISA", "no ISA and no readable GS header")
    cursor = position + 2
    for _ in range(7):
        cursor = text.find(element, cursor + 1, position + ISA_SEARCH_CHARS)
        if cursor < 0:
            raise TokenizeProblem("X12_NO_ISA", "no ISA and no readable GS header")
    end = cursor + 1
    while end < len(text) and text[end].isalnum():
        end += 1
    segment = text[end : end + 1]
    component = next(c for c in ":^>\\" if c not in (element, segment))
    _check_distinct(element, component, segment, None)
    return Separators(element, component, segment, None)


def _parts_holding(text: str, word: str, terminator: str) -> list[int]:
    """The indexes of the pieces of ``text.split(terminator)`` that may hold ``word``, in order.

    Found with str.find and str.count, not by testing every segment in Python: the first chunk
    of every file holds its ISA. Each piece that holds the word is listed (maybe a few more).

    >>> _parts_holding("ISA*1~GS*2~LISA~ISA*3~IEA", "ISA", "~")
    [0, 2, 3]
    """
    found: list[int] = []
    index = counted = 0
    position = text.find(word)
    while position >= 0:
        index += text.count(terminator, counted, position)
        counted = position
        if not found or found[-1] != index:
            found.append(index)
        position = text.find(word, position + 1)
    return found


def find_envelope_start(text: str) -> tuple[int, str]:
    """Return (position, "ISA" | "GS" | "") of the first ISA (or, failing that, GS) segment."""
    position = _find_segment_start(text, "ISA")
    if position >= 0:
        return position, "ISA"
    position = _find_segment_start(text, "GS")
    return (position, "GS") if position >= 0 else (-1, "")


def _find_segment_start(text: str, tag: str) -> int:
    position = text.find(tag)
    while position >= 0:
        after = text[position + len(tag) : position + len(tag) + 1]
        if after and not after.isalnum() and after not in WHITESPACE:
            return position
        position = text.find(tag, position + 1)
    return -1


class SegmentBatches:
    """Iterate over (separators, raw segment texts) of one text stream, switching at each ISA.

    The texts are not stripped or split into elements: the walker does that one segment at a
    time, which keeps the working set in the CPU cache (holding a chunk's worth of split
    segments made the whole read three times slower).

    ``problems`` collects (code, message) for text that could not be tokenized (it is skipped
    up to the next ISA); the reader reports them.
    """

    def __init__(self, chunks: Iterator[str]) -> None:
        self.chunks = chunks
        self.separators: Separators | None = None
        self.started_at = ""
        self.leading_garbage = 0  # characters skipped before the first ISA
        self.restarted = False
        self.problems: list[tuple[str, str]] = []

    def __iter__(self) -> Iterator[tuple[Separators, list[str]]]:
        buffer = self._start()
        if buffer is None:
            return
        while True:
            separators = self.separators
            assert separators is not None
            chunk = next(self.chunks, None)
            if chunk is not None:
                buffer += chunk
            holding_isa = _parts_holding(buffer, "ISA", separators.segment) if "ISA" in buffer else None
            parts = buffer.split(separators.segment)
            buffer = parts.pop() if chunk is not None else ""
            if holding_isa:
                rest = buffer if chunk is not None else None
                parts, restart = self._cut_at_new_isa(parts, holding_isa, rest)
                if restart is not None:
                    yield separators, parts
                    buffer = restart
                    continue
            yield separators, parts
            if chunk is None:
                return

    def _start(self) -> str | None:
        buffer = ""
        for chunk in self.chunks:
            buffer += chunk
            if len(buffer) >= 2 * ISA_SEARCH_CHARS:
                break
        position, kind = find_envelope_start(buffer)
        if position < 0:
            self.problems.append(("X12_NO_ISA", "no ISA (or GS) segment: not an X12 file"))
            return None
        self.started_at = kind
        self.leading_garbage = len(buffer[:position].strip(WHITESPACE))
        buffer = buffer[position:]
        try:
            if kind == "GS":
                self.separators = read_gs_separators(buffer, 0)
            else:
                self.separators = read_isa_separators(buffer, 0)
            self.restarted = True
        except TokenizeProblem as problem:
            self.problems.append((problem.code, problem.message))
            return self._resync(buffer, 3)
        return buffer

    def _resync(self, buffer: str, offset: int) -> str | None:
        """Skip text up to the next ISA with usable separators; None when the stream ends."""
        while True:
            position = _find_segment_start(buffer[offset:], "ISA")
            if position >= 0:
                buffer = buffer[offset + position :]
                if len(buffer) < ISA_SEARCH_CHARS:
                    buffer += next(self.chunks, "")
                try:
                    self.separators = read_isa_separators(buffer, 0)
                    self.restarted = True
                    return buffer
                except TokenizeProblem as problem:
                    self.problems.append((problem.code, problem.message))
                    offset = 3
                    continue
            chunk = next(self.chunks, None)
            if chunk is None:
                return None
            buffer, offset = buffer[-3:] + chunk, 0

    def _cut_at_new_isa(
        self, parts: list[str], holding_isa: list[int], rest: str | None
    ) -> tuple[list[str], str | None]:
        """Return the parts before an ISA that declares other separators, and the text from it on.

        ``holding_isa``: the indexes of the parts that may hold "ISA" (_parts_holding), in order.
        """
        separators = self.separators
        assert separators is not None
        for index in holding_isa:
            raw = parts[index] if index < len(parts) else ""
            if "ISA" not in raw:
                continue
            text = raw.strip(WHITESPACE)
            if not text.startswith("ISA"):
                continue
            if self.restarted:
                # The ISA we just restarted at: its separators are in force even if its own text is
                # odd (a terminator inside an element); re-checking it would restart forever.
                self.restarted = False
                continue
            if not self._declares_current(text):
                # Rejoining with the terminator restores the text exactly (rest is None at the end).
                remaining = separators.segment.join([*parts[index:], *([rest] if rest is not None else [])])
                restart = self._restart_at_isa(remaining[remaining.find("ISA") :])
                return parts[:index], restart if restart is not None else ""
        return parts, None

    def _declares_current(self, isa_text: str) -> bool:
        """True when an ISA split with the current separators declares those same separators."""
        try:
            return read_isa_separators(isa_text + self.separators.segment, 0) == self.separators  # type: ignore[union-attr]
        except TokenizeProblem:
            return False

    def _restart_at_isa(self, text: str) -> str | None:
        self.restarted = True
        if len(text) < ISA_SEARCH_CHARS:
            text += next(self.chunks, "")
        try:
            self.separators = read_isa_separators(text, 0)
        except TokenizeProblem as problem:
            self.problems.append((problem.code, problem.message))
            return self._resync(text, 3)
        return text
