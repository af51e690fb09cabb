"""Walk the segments of an 837: envelopes (ISA/GS/ST), claims (2300) and service lines (2400).

One pass, no lookahead beyond the current claim: a claim's lines are buffered until the
claim ends (next CLM, HL, SE ...) so that REF*VY links between lines can be resolved. The
walker never raises on content: what it cannot read becomes an Issue with its position.
Loops per 005010X222A1 / 005010X223A2: 2010AA billing provider (NM1*85), 2010BB payer
(NM1*PR, before CLM), 2300 claim (CLM, DTP, PWK, REF, HI), 2400 line (LX, SV1/SV2, DTP,
PWK, NTE), 2410 drug (LIN, CTP, REF*VY/XZ).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import fields

from nocrx.x12.blocks import LINE_ENDS, LineBlocks
from nocrx.x12.construct import fast_constructor
from nocrx.x12.lines import (
    KIND_OF_TAG,
    ClaimLines,
    LineProblem,
    RawClaim,
    RawLine,
    add_hi,
    administrations,
    is_administration_candidate,
    linked_components,
    read_attachment,
)
from nocrx.x12.payers import PayerMap
from nocrx.x12.records import ClaimContext, Issue, IssueSeverity, Kind, Position, ReadLine
from nocrx.x12.tokenizer import Separators

Record = ReadLine | Issue

# Segment ids of the 837P/837I TR3s; anything else is checked against the X12 id syntax.
KNOWN_TAGS = frozenset(
    "ISA IEA GS GE ST SE BHT NM1 N2 N3 N4 PER REF HL PRV SBR PAT DMG CLM DTP CL1 PWK CN1 AMT K3 NTE CR1 "
    "CR2 CR3 CR4 CR5 CR6 CR7 CR8 CRC HI HCP LX SV1 SV2 SV3 SV4 SV5 SV6 SV7 TOO PS1 MEA QTY LIN CTP SVD CAS "
    "LQ FRM MOA MIA OI CUR HSD LUI TA1".split()
)
SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
# What a service line's loop may hold for LineBlocks to keep it: segments whose handlers only
# write to the current line (or, like NM1 inside a claim, do nothing).
BLOCK_TAGS = KNOWN_TAGS - LINE_ENDS
new_context = fast_constructor(ClaimContext)
# _context passes these positionally: a change to ClaimContext's field order must fail here, loudly.
if tuple(f.name for f in fields(ClaimContext)) != (
    "position", "kind", "clm01", "payer_name", "payer_id", "billing_npi", "facility_type"
):  # fmt: skip
    raise RuntimeError("nocrx.x12.records.ClaimContext fields changed: update Walker._context")
new_position = fast_constructor(Position)
new_read_line = object.__new__


def kind_from_version(version: str | None) -> Kind | None:
    """GS08/ST03 implementation guide -> 837 kind (X222 professional, X223 institutional)."""
    if version and "X222" in version:
        return "837P"
    if version and "X223" in version:
        return "837I"
    return None


class Walker:
    """Consume segment batches; collect ReadLine and Issue records in ``out``."""

    def __init__(self, file_label: str, payer_map: PayerMap, first_interchange: int = 0) -> None:
        self.file = file_label
        self.payer_map = payer_map
        self.profiles: dict[tuple[str | None, str | None], str] = {}
        self.out: list[Record] = []
        self.index = 0
        self.component = ":"
        self.component_override: str | None = None
        self.interchange = first_interchange
        self.isa13: str | None = None
        self.gs06: str | None = None
        self.st02: str | None = None
        self.in_isa = self.in_gs = self.in_st = False
        self.group_count = self.transaction_count = self.st_index = 0
        # Positions count segments from the ISA (= 1) so a byte range read alone gives the same numbers.
        self.isa_index = 1
        self.version_kind: Kind | None = None
        self.seen_kinds: set[str] = set()
        self.outside_reported = False
        self._reset_hierarchy()
        self.handlers: dict[str, Callable[[list[str]], None]] = {
            "ISA": self._isa, "IEA": self._iea, "GS": self._gs, "GE": self._ge, "ST": self._st,
            "SE": self._se, "HL": self._hl, "NM1": self._nm1, "CLM": self._clm, "HI": self._hi,
            "DTP": self._dtp, "REF": self._ref, "PWK": self._pwk, "LX": self._lx, "SV1": self._service,
            "SV2": self._service, "NTE": self._nte, "LIN": self._lin, "CTP": self._ctp,
        }  # fmt: skip
        self.blocks = LineBlocks(self, BLOCK_TAGS, KIND_OF_TAG)  # type: ignore[arg-type]

    def _reset_hierarchy(self) -> None:
        self.billing_npi: str | None = None
        self.payer_name: str | None = None
        self.payer_id: str | None = None
        self.claim: RawClaim | None = None
        self.claim_index = 0
        self.line: RawLine | None = None
        self.lx: str | None = None

    # -- driving ---------------------------------------------------------------------------

    def feed(self, texts: list[str], separators: Separators) -> Iterator[list[Record]]:
        """Strip, split and walk raw segment texts (one chunk's worth), yielding records as they close.

        Records leave as soon as their claim ends rather than once per chunk: objects the
        consumer drops at once never reach the older garbage-collector generations, which
        otherwise cost a third of the read. They leave as a list (a claim's lines, or an
        issue), which is the walker's own and emptied when the consumer asks for the next:
        handing over a list rather than each record saves a generator step per line.
        """
        self.component = self.component_override or separators.component
        element = separators.element
        get = self.handlers.get
        known = KNOWN_TAGS
        out = self.out
        walk_line = self.blocks.walk
        lx_start = "LX" + element
        index = self.index
        position, stop = 0, len(texts)
        while position < stop:
            text = texts[position].strip()
            position += 1
            if not text:
                continue
            index += 1
            # _lx, inline and unsplit: once a line; then its loop 2400. (Slices, not startswith: its
            # call parses its arguments at a cost of twice a slice and compare, for every segment.)
            if text[0] == "L" and text[:3] == lx_start:
                self.index = index
                self.line = None
                lx = text[3:]  # LX01, the only element of LX
                if element in lx:
                    lx = lx.split(element, 1)[0]
                self.lx = lx.strip() or None
                if self.claim is not None:
                    used = walk_line(texts, position, element)
                    if used:
                        position += used  # the segments walk_line read
                        index = self.index
                continue
            segment = text.split(element)
            tag = segment[0]
            handler = get(tag)
            if handler is None:
                if tag not in known:
                    self.index = index
                    self._other(segment)
                continue
            self.index = index
            handler(segment)  # (an LX without its element, too: its lines are read segment by segment)
            if out:
                yield out
                out.clear()
        self.index = index

    def finish(self) -> None:
        """Close whatever is still open at the end of the input."""
        if self.in_st:
            self._issue(
                "X12_TRANSACTION_TRUNCATED", "error", "the input ends inside a transaction set (no SE)"
            )
            self._close_claim(truncated=True)
        if self.in_gs:
            self._issue("X12_GROUP_TRUNCATED", "warning", "the input ends inside a functional group (no GE)")
        if self.in_isa:
            self._issue(
                "X12_INTERCHANGE_TRUNCATED", "warning", "the input ends inside an interchange (no IEA)"
            )
        self.in_st = self.in_gs = self.in_isa = False

    def position(self, index: int | None = None) -> Position:
        absolute = self.index if index is None else index
        return new_position(
            self.file, self.interchange, self.isa13, self.gs06, self.st02, absolute - self.isa_index + 1
        )

    def _issue(self, code: str, severity: IssueSeverity, message: str) -> Issue:
        issue = Issue(code, severity, message, self.position())
        self.out.append(issue)
        return issue

    # -- envelopes -------------------------------------------------------------------------

    def _isa(self, segment: list[str]) -> None:
        if self.in_isa:
            self._close_open_envelopes("the next ISA")
            self._issue(
                "X12_INTERCHANGE_TRUNCATED", "warning", "an ISA starts before the IEA of the last one"
            )
        self.interchange += 1
        self.isa_index = self.index
        self.component_override = None
        self.isa13 = segment[13].strip() if len(segment) > 13 else None
        self.gs06 = self.st02 = None
        self.in_isa, self.group_count = True, 0

    def _iea(self, segment: list[str]) -> None:
        self._close_open_envelopes("IEA")
        if not self.in_isa:
            self._outside()
            return
        self._compare("X12_IEA_COUNT", _field(segment, 1), str(self.group_count), "IEA01", "groups")
        self._compare("X12_IEA_CONTROL", _field(segment, 2), self.isa13, "IEA02", "ISA13")
        self.in_isa = False

    def _gs(self, segment: list[str]) -> None:
        if self.in_gs:
            self._close_open_envelopes("the next GS")
            self._issue("X12_GROUP_TRUNCATED", "warning", "a GS starts before the GE of the last one")
        self.gs06 = _field(segment, 6)
        self.st02 = None
        self.version_kind = kind_from_version(_field(segment, 8))
        self.in_gs, self.transaction_count = True, 0
        self.group_count += 1

    def _ge(self, segment: list[str]) -> None:
        if self.in_st:
            self._truncate_transaction("GE")
        if not self.in_gs:
            self._outside()
            return
        self._compare(
            "X12_GE_COUNT", _field(segment, 1), str(self.transaction_count), "GE01", "transaction sets"
        )
        self._compare("X12_GE_CONTROL", _field(segment, 2), self.gs06, "GE02", "GS06")
        self.in_gs = False

    def _st(self, segment: list[str]) -> None:
        if self.in_st:
            self._truncate_transaction("the next ST")
        self.st02 = _field(segment, 2)
        self.in_st, self.st_index = True, self.index
        self.transaction_count += 1
        self.seen_kinds = set()
        self.version_kind = kind_from_version(_field(segment, 3)) or self.version_kind
        self._reset_hierarchy()
        if _field(segment, 1) != "837":
            self._issue("X12_NOT_837", "warning", f"ST01 is {_field(segment, 1)!r}, not 837")

    def _se(self, segment: list[str]) -> None:
        if not self.in_st:
            self._outside()
            return
        self._close_claim()
        count = str(self.index - self.st_index + 1)
        self._compare("X12_SE_COUNT", _field(segment, 1), count, "SE01", "segments")
        self._compare("X12_SE_CONTROL", _field(segment, 2), self.st02, "SE02", "ST02")
        expected = self.version_kind
        if expected and self.seen_kinds and self.seen_kinds != {expected}:
            found = "/".join(sorted(self.seen_kinds))
            self._issue(
                "X12_KIND_MISMATCH", "warning", f"GS08/ST03 name {expected} but the lines are {found}"
            )
        self.in_st = False

    def _close_open_envelopes(self, reason: str) -> None:
        if self.in_st:
            self._truncate_transaction(reason)
        if self.in_gs:
            self._issue("X12_GROUP_TRUNCATED", "warning", f"{reason} comes before the GE")
            self.in_gs = False

    def _truncate_transaction(self, reason: str) -> None:
        self._issue(
            "X12_TRANSACTION_TRUNCATED", "error", f"{reason} comes before the SE of this transaction set"
        )
        self._close_claim(truncated=True)
        self.in_st = False

    def _compare(self, code: str, found: str | None, expected: str | None, element: str, what: str) -> None:
        if _normalize(found) != _normalize(expected):
            self._issue(code, "warning", f"{element} is {found!r}; the {what} say {expected!r}")

    def _outside(self) -> None:
        if not self.outside_reported:
            self.outside_reported = True
            self._issue("X12_SEGMENT_OUTSIDE_ENVELOPE", "warning", "segments appear outside ISA/GS/ST")

    def _other(self, segment: list[str]) -> None:
        if not SEGMENT_ID.fullmatch(segment[0]):
            self._issue("X12_BAD_SEGMENT_ID", "warning", f"segment id {segment[0][:3]!r}... is not valid X12")

    # -- hierarchy and claim ---------------------------------------------------------------

    def _hl(self, segment: list[str]) -> None:
        self._close_claim()
        level = segment[3].strip() if len(segment) > 3 else None  # _field, inline: once a claim
        if level == "20":  # 2000A billing provider
            self.billing_npi = None
            self.payer_name = self.payer_id = None
        elif level == "22":  # 2000B subscriber: the payer (2010BB) follows
            self.payer_name = self.payer_id = None

    def _nm1(self, segment: list[str]) -> None:
        if self.claim is not None or len(segment) < 2:
            return  # 2310x/2330x/2420x names: not needed
        entity = segment[1]
        if entity == "85" and _field(segment, 8) == "XX":
            self.billing_npi = _field(segment, 9)
        elif entity == "PR":
            self.payer_name, self.payer_id = _field(segment, 3), _field(segment, 9)

    def _clm(self, segment: list[str]) -> None:
        self._close_claim()
        if not self.in_st:
            self._outside()
        self.claim = RawClaim(clm=segment)
        self.claim_index = self.index
        clm05 = _field(segment, 5)
        if clm05 and self.component not in clm05 and ":" in clm05 and ":" not in segment[0]:
            # Real files declare one ISA16 and use ":" (x12-samples oopfactory 837I_5010_Spec_3.1.1,
            # ISA16 "^"); CLM05 is always a composite, so it shows which one the sender meant.
            self.component = self.component_override = ":"
            self._issue(
                "X12_COMPONENT_SEPARATOR", "warning", "composites use ':' although ISA16 declares another"
            )

    def _hi(self, segment: list[str]) -> None:
        if self.claim is not None and self.line is None:
            add_hi(self.claim, segment, self.component)

    def _dtp(self, segment: list[str]) -> None:
        qualifier = segment[1] if len(segment) > 1 else None
        if self.line is not None:
            if qualifier == "472":
                self.line.date = segment
        elif self.claim is not None and qualifier in ("434", "472") and self.lx is None:
            self.claim.date = segment

    def _ref(self, segment: list[str]) -> None:
        qualifier = segment[1] if len(segment) > 1 else None
        line = self.line
        if line is not None and line.lins and qualifier in ("VY", "XZ"):
            if qualifier == "VY":
                link = line.lins[-1][3] = _field(segment, 2)
                if link and self.claim is not None:
                    self.claim.linked = True
        elif line is None and self.claim is not None and qualifier == "P4":
            self.claim.study_id = _field(segment, 2)

    def _pwk(self, segment: list[str]) -> None:
        if self.line is not None:
            self.line.attachment = read_attachment(segment)
        elif self.claim is not None:
            self.claim.attachment = read_attachment(segment)

    # -- service lines ---------------------------------------------------------------------

    def _lx(self, segment: list[str]) -> None:
        self.line = None
        self.lx = (segment[1].strip() or None) if len(segment) > 1 else None  # _field, inline: once a line

    def _service(self, segment: list[str]) -> None:
        line = RawLine(tag=segment[0], service=segment, segment_index=self.index, lx=self.lx)
        self.lx = None
        self.seen_kinds.add(KIND_OF_TAG[segment[0]])
        if self.claim is None:
            self.line = None
            context = self._context(None, self.index)
            message = "a service line before any CLM (or outside ST): no claim context"
            error = Issue("X12_LINE_OUTSIDE_CLAIM", "error", message, self.position())
            self.out.append(ReadLine(context, line.lx, error.position.segment_index, None, error))
            return
        self.line = line
        self.claim.lines.append(line)
        if is_administration_candidate(line):
            self.claim.administered = True

    def _nte(self, segment: list[str]) -> None:
        # 2400 NTE02: line note (free text; it goes into the narrative, never into a log).
        if self.line is not None and len(segment) > 2:
            self.line.notes.append(segment[2])

    def _lin(self, segment: list[str]) -> None:
        # 2410 LIN02 N4: LIN03 is the 11-digit NDC (837P TR3 2410 LIN03 note).
        if self.line is not None and len(segment) > 3 and segment[2] == "N4":
            self.line.lins.append([segment[3].strip() or None, None, None, None])

    def _ctp(self, segment: list[str]) -> None:
        # 2410 CTP04 quantity, CTP05-1 unit of measure (F2, GR, ME, ML, UN).
        if self.line is not None and self.line.lins:
            lin = self.line.lins[-1]
            size = len(segment)
            lin[1] = segment[4].strip() or None if size > 4 else None
            lin[2] = segment[5].split(self.component)[0].strip() or None if size > 5 else None

    def _close_claim(self, truncated: bool = False) -> None:
        claim = self.claim
        self.claim, self.line, self.lx = None, None, None
        if claim is None or not claim.lines:
            return
        context = self._context(claim, self.claim_index)
        warnings: tuple[Issue, ...] = ()
        if truncated:
            message = "the transaction set is cut inside this claim: the line may be incomplete"
            warnings = (Issue("X12_TRANSACTION_TRUNCATED", "warning", message, self.position()),)
        try:
            links = linked_components(claim)
        except LineProblem:
            links = {}
        administration = administrations(claim, self.component)
        pending = ClaimLines(
            claim, self.component, self._profile(), context.facility_type, links, administration
        )
        append, first = self.out.append, 1 - self.isa_index
        for raw in claim.lines:
            # The ReadLine of one SV1/SV2; its ClaimLine is built on first access (ClaimLines.build).
            # ReadLine.__init__'s slots, set here (one by one: a tuple to unpack costs more): once a line.
            read = new_read_line(ReadLine)
            read.context = context
            read.lx = raw.lx
            read.segment_index = raw.segment_index + first
            read.warnings = warnings
            read._line = read._error = None
            read._pending = pending
            read._raw = raw
            append(read)

    def _context(self, claim: RawClaim | None, index: int) -> ClaimContext:
        clm = claim.clm if claim else []
        clm05 = (clm[5].strip() if len(clm) > 5 else "").split(self.component) if claim else []
        kind: Kind | None = None
        if claim and claim.lines:
            kind = KIND_OF_TAG[claim.lines[0].tag]
        elif len(clm05) > 1 and clm05[1] in ("A", "B"):
            kind = "837I" if clm05[1] == "A" else "837P"
        # ClaimContext's fields in order (position, kind, clm01, payer_name, payer_id, billing_npi,
        # facility_type), positionally: once a claim.
        return new_context(
            self.position(index),
            kind or self.version_kind,
            (clm[1].strip() or None) if len(clm) > 1 else None,
            self.payer_name,
            self.payer_id,
            self.billing_npi,
            clm05[0] if clm05 and clm05[0] else None,
        )

    def _profile(self) -> str:
        key = (self.payer_id, self.payer_name)
        profile = self.profiles.get(key)
        if profile is None:
            profile = self.profiles[key] = self.payer_map.profile_for(*key)
        return profile


def _field(segment: list[str], index: int) -> str | None:
    if len(segment) > index:
        value = segment[index].strip()
        return value or None
    return None


def _normalize(value: str | None) -> str | None:
    # Control numbers and counts compare as numbers when both are digits ("000000905" == "905").
    if value is not None and value.isdigit():
        return str(int(value))
    return value
