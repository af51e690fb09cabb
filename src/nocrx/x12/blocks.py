"""Read a repeated service line (loop 2400 from SV1/SV2 to the next LX) once, then recognise it by its text.

A batch sends the same drug line again and again: the same SV1, DTP*472, LIN, CTP and REF
segments, character for character, under another CLM01 and LX. The walker hands each loop 2400
that follows an LX to ``LineBlocks.walk``. The first time, its segments go through the walker's
handlers as usual, and once the next LX (or SV1/SV2, CLM, HL, ST) shows the loop is complete,
its text and the RawLine it made are kept. When the same text comes again, the RawLine's parts
are reused (they are never changed once the loop is complete) and the segments are counted,
not split. What a loop may hold to be kept: the segments whose handlers only write to the
current line (BLOCK_TAGS); anything else ends the walk and the walker goes on as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nocrx.x12.lines import RawLine, is_administration_candidate

if TYPE_CHECKING:
    from nocrx.x12.walker import Walker

# Segments that end a service line's loop (837P/837I TR3: LX starts the next 2400; CLM, HL, SE
# and the envelopes close the claim; an SV1/SV2 without LX starts another line).
LINE_ENDS = frozenset("LX SV1 SV2 CLM HL SE ST GE GS IEA ISA".split())
# Those after which the walker never writes to the line again, whatever its state (SE, GE, GS,
# IEA and ISA leave a claim open when they come outside their envelope): a loop followed by one
# of these is complete, so its RawLine's lists can be shared.
CLEARS_LINE = frozenset("LX SV1 SV2 CLM HL ST".split())
SERVICE_TAGS = frozenset({"SV1", "SV2"})
new_raw_line = object.__new__
BLOCKS_KEPT = 4096  # distinct service-line texts per file or work unit; cleared when full


class Block:
    """A complete service-line loop as read: its raw texts, segment count, separators and RawLine."""

    __slots__ = ("clearing", "component", "element", "kind", "line", "marks", "raws", "raws_read", "segments")

    def __init__(
        self, raws_read: list[str], segments: int, element: str, component: str, line: RawLine, kind: str
    ) -> None:
        self.raws_read, self.raws, self.segments, self.line = raws_read, len(raws_read), segments, line
        self.element, self.component, self.kind = element, component, kind
        self.clearing = tuple(tag + element for tag in CLEARS_LINE)  # how such a segment starts
        # (administration candidate, has a REF*VY link), or () when neither: RawClaim's flags.
        linked = any(lin[3] for lin in line.lins)
        administered = is_administration_candidate(line)
        self.marks = (administered, linked) if administered or linked else ()


class LineBlocks:
    """The service-line loops one walker has read, by the raw text of their SV1/SV2."""

    def __init__(self, walker: Walker, block_tags: frozenset[str], kind_of_tag: dict[str, str]) -> None:
        self.walker = walker
        self.block_tags = block_tags
        self.kind_of_tag = kind_of_tag
        self.kept: dict[str, Block] = {}
        self.hits = 0

    def walk(self, texts: list[str], start: int, element: str) -> int:
        """Walk the loop 2400 starting at texts[start] (just after an LX); return the raw texts used.

        Returns 0 when texts[start] is not an SV1/SV2: the walker then reads on as usual.
        """
        stop = len(texts)
        if start >= stop:
            return 0
        walker = self.walker
        block = self.kept.get(texts[start])
        if block is not None and block.element == element and block.component == walker.component:
            end = start + block.raws
            # The same raw texts (compared one by one, no join), then a segment that ends the loop
            # (its tag in CLEARS_LINE: block.clearing holds them with the element separator).
            if (
                end < stop
                and texts[start:end] == block.raws_read
                and ((following := texts[end].strip()).startswith(block.clearing) or following in CLEARS_LINE)
            ):
                self.hits += 1
                # What the walker's handlers did for the block's segments, with this LX and position.
                claim = walker.claim
                assert claim is not None  # only called after an LX inside a claim
                kept = block.line
                # Every slot set once, without __init__'s empty lists (one by one: no tuple to unpack).
                line = new_raw_line(RawLine)
                line.tag = kept.tag
                line.service = kept.service
                line.segment_index = walker.index + 1
                line.lx = walker.lx
                line.date = kept.date
                line.notes = kept.notes
                line.lins = kept.lins
                line.attachment = kept.attachment
                line.key = kept.key
                walker.lx = None
                walker.seen_kinds.add(block.kind)
                walker.line = line
                claim.lines.append(line)
                if block.marks:  # what the handlers noted on the claim for this line
                    claim.administered = claim.administered or block.marks[0]
                    claim.linked = claim.linked or block.marks[1]
                walker.index += block.segments
                return block.raws
        if texts[start].strip().split(element, 1)[0] not in SERVICE_TAGS:
            return 0
        return self._read(texts, start, element)

    def _read(self, texts: list[str], start: int, element: str) -> int:
        """Send the loop's segments through the walker's handlers; keep the loop if it is complete."""
        walker, handlers, block_tags = self.walker, self.walker.handlers, self.block_tags
        index = walker.index
        first_index = index
        position, stop = start, len(texts)
        complete = False
        while position < stop:
            text = texts[position].strip()
            if text:
                segment = text.split(element)
                tag = segment[0]
                if position > start and tag not in block_tags:
                    complete = tag in CLEARS_LINE
                    break
                index += 1
                walker.index = index
                handler = handlers.get(tag)
                if handler is not None:
                    handler(segment)
            position += 1
        line = walker.line
        if complete and line is not None and line.segment_index == first_index + 1:
            if len(self.kept) >= BLOCKS_KEPT:
                self.kept.clear()
            raws_read = texts[start:position]
            line.key = (element, tuple(raws_read))  # the texts apart: joined, two loops could read the same
            block = Block(
                raws_read, index - first_index, element, walker.component, line, self.kind_of_tag[line.tag]
            )
            self.kept[texts[start]] = block
        return position - start
