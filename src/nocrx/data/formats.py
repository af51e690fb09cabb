"""Recognise a reference-data file by its content: the header row's column names, the sheet
header of an xlsx, the record layout of a fixed-width file. File names are never used to
decide the format (only, as a last resort, to date a converted copy that lost its title lines).

Each parser module offers ``detect(sample)`` functions; ``identify`` asks them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nocrx.data.reading import HEAD_LINES, Source, csv_rows, decode_head, is_xlsx, is_zip, xlsx_rows
from nocrx.data.records import ParsedFile


@dataclass(frozen=True, slots=True)
class Sample:
    """The first rows of a file, as every detector sees them."""

    source: Source
    is_xlsx: bool
    lines: list[str]  # decoded text lines (empty for xlsx)
    rows: list[list[str]]  # CSV cells of those lines, or the first sheet rows of an xlsx

    @property
    def tab_rows(self) -> list[list[str]]:
        return [line.split("\t") for line in self.lines]


@dataclass(frozen=True, slots=True)
class Detected:
    """A recognised file: what it is, whether it is the publisher's own form, and how to parse it.

    ``is_official`` is False for converted copies (a UTF-8 CSV made from a CMS file); when a run
    holds both, the official file is loaded first and the copy is then skipped as a duplicate.
    """

    description: str
    kind: str
    is_official: bool
    parse: Callable[[], ParsedFile]
    is_complete: bool = True  # False for a form that cuts values (the NOC .prn cuts descriptions)


@dataclass(frozen=True, slots=True)
class Skip:
    """A file deliberately not loaded, with the one-line reason."""

    reason: str


Detector = Callable[[Sample], "Detected | Skip | None"]


def sample_of(source: Source) -> Sample:
    head = source.head()
    if is_zip(head) and is_xlsx(source):
        return Sample(source, True, [], list(xlsx_rows(source, limit=HEAD_LINES)))
    text = decode_head(head)
    lines = text.splitlines()
    if len(head) >= 2 and len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line was cut by the head size
    lines = lines[:HEAD_LINES]
    return Sample(source, False, lines, csv_rows("\n".join(lines)))


def identify(source: Source) -> Detected | Skip:
    """What a file is, by content; a Skip with the reason when it is nothing we load."""
    sample = sample_of(source)
    for detector in _detectors():
        found = detector(sample)
        if found is not None:
            return found
    if not sample.is_xlsx and "\x00" in "".join(sample.lines[:5]):
        return Skip("binary file of no known data format")
    return Skip("not a recognised reference-data file (no known header row in its first lines)")


def _detectors() -> tuple[Detector, ...]:
    # Imported here: the parser modules import this one for Sample/Detected.
    from nocrx.data import crosswalks, fda, formulary, hcpcs, noc_codes, pricing

    # Order matters only where headers overlap: the loose formulary header comes last.
    return (
        hcpcs.detect,
        noc_codes.detect,
        crosswalks.detect,
        pricing.detect,
        fda.detect,
        _detect_not_data,
        formulary.detect,
    )


def _detect_not_data(sample: Sample) -> Skip | None:
    """Files that sit beside the data but are not a data table (shared/data/PROVENANCE.md)."""
    head = " ".join(sample.lines[:3]).lower()
    if "spl_product_ndc" in head or "spl_set_id" in head:
        return Skip("openFDA harmonization sample (annotation records), not an official data table")
    text = " ".join(sample.lines).lower()
    if "asp crosswalks are maintained" in text or "crosswalk introduction" in text:
        return Skip("CMS crosswalk introduction text (field definitions), not a data table")
    return None
