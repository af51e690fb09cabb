"""Read the files CMS and FDA publish: bytes from a file, a zip member or a gzip; text in
UTF-8 or Windows-1252; CSV with title lines above the header; xlsx; dates and quarters.

No database access here: parsers use these helpers to turn a file into rows.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from nocrx.errors import DataFileError

# How much of a file detection looks at: CMS puts 8-12 title lines above the header row.
HEAD_BYTES = 256 * 1024
HEAD_LINES = 60
# What reading a damaged file can raise (a truncated gzip, a zip with a bad member ...).
READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error)
_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_SPAN = re.compile(
    r"([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})\s+(?:through|thru|to|-|–)\s+([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})"
)
_QUARTER_IN_NAME = re.compile(r"(?<!\d)(20\d\d)[ _-]?q([1-4])(?![0-9])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Source:
    """One readable file: a file on disk, or a member of a zip on disk (``member``)."""

    path: Path
    member: str | None = None

    @property
    def label(self) -> str:
        """How results and data_sources name the file (``archive.zip!member.txt`` for members)."""
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def name(self) -> str:
        """The bare file name (used only as a last resort for a release, never for the format)."""
        return Path(self.member).name if self.member else self.path.name

    def open_raw(self) -> IO[bytes]:
        """The stored bytes (a zip member's own bytes; a .gz file as compressed), buffered."""
        if self.member is None:
            return self.path.open("rb")
        return _MemberReader(zipfile.ZipFile(self.path), self.member)

    def open(self) -> IO[bytes]:
        """The content bytes: gzip is undone here, detected by its magic number."""
        raw = self.open_raw()
        assert isinstance(raw, io.BufferedReader)
        if raw.peek(2)[:2] == _GZIP_MAGIC:
            return _GzipWithFile(raw)  # type: ignore[return-value]  # GzipFile is a binary file object
        return raw

    def seekable_copy(self) -> IO[bytes] | Path:
        """Something zipfile can seek in: the path itself, or the content in memory."""
        if self.member is None and self.head(2) != _GZIP_MAGIC:
            return self.path
        with self.open() as stream:
            return io.BytesIO(stream.read())

    def head(self, size: int = HEAD_BYTES) -> bytes:
        try:
            with self.open() as stream:
                return stream.read(size)
        except READ_ERRORS as error:
            raise DataFileError(f"{self.label}: cannot be read ({error}).") from error

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.open_raw() as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


class _GzipWithFile(gzip.GzipFile):
    """GzipFile leaves the file object it reads open; this one closes it too."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__(fileobj=raw, mode="rb")
        self._raw = raw

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


class _MemberReader(io.BufferedReader):
    """A buffered zip member that closes its archive when it is closed."""

    def __init__(self, archive: zipfile.ZipFile, member: str) -> None:
        self._archive = archive
        super().__init__(archive.open(member), buffer_size=1 << 16)  # type: ignore[arg-type]

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._archive.close()


def is_zip(head: bytes) -> bool:
    return head.startswith(_ZIP_MAGIC)


def is_xlsx(source: Source) -> bool:
    """An Office Open XML workbook is a zip with xl/workbook.xml (ECMA-376 part 2)."""
    try:
        with zipfile.ZipFile(source.seekable_copy()) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def zip_members(path: Path) -> tuple[list[Source], list[tuple[str, str]]]:
    """The members of a zip worth reading, and (member, reason) for those left out.

    FDA's NDC zips hold each table twice (``.txt`` and an ``.xls`` that is the same tab text),
    so a member with the same CRC-32 and size as an earlier one is left out.
    """
    sources: list[Source] = []
    skipped: list[tuple[str, str]] = []
    seen: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            infos = sorted(archive.infolist(), key=lambda i: (not i.filename.endswith(".txt"), i.filename))
    except zipfile.BadZipFile as error:
        raise DataFileError(f"{path}: not a readable zip file ({error}).") from error
    for info in infos:
        if info.is_dir():
            continue
        twin = seen.get((info.CRC, info.file_size))
        if twin is not None:
            skipped.append((info.filename, f"same bytes as {twin} in the same zip"))
            continue
        seen[(info.CRC, info.file_size)] = info.filename
        sources.append(Source(path, info.filename))
    return sources, skipped


# ---- text -------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """Decode CMS/FDA text: UTF-8 (with or without BOM) when valid, else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # cp1252 leaves 5 bytes undefined; latin-1 maps every byte, so nothing is lost.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def decode_head(data: bytes) -> str:
    """Decode the first bytes of a file, dropping a character cut at the end."""
    for cut in range(4):
        try:
            return data[: len(data) - cut].decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
    return decode(data)


def read_text(source: Source) -> str:
    with source.open() as stream:
        return decode(stream.read())


def text_lines(stream: IO[bytes], *, keep_ends: bool = False) -> Iterator[str]:
    """Lines of a large text file, decoded one at a time (UTF-8, else cp1252): constant memory."""
    for raw in stream:
        try:
            line = raw.decode("utf-8")  # a BOM on the first line is dropped by norm() with the header
        except UnicodeDecodeError:
            line = decode(raw)
        yield line if keep_ends else line.rstrip("\r\n")


def csv_rows(text: str) -> list[list[str]]:
    """Rows of a CSV text. CMS rows end in hundreds of empty cells (``,,,``); they are left in
    place (trimming 8,000 rows of 250 cells costs more than it saves: only mapped columns are read).
    """
    return list(csv.reader(io.StringIO(text, newline="")))


def trim(row: Iterable[Any]) -> list[str]:
    cells = ["" if cell is None else str(cell) for cell in row]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def norm(cell: str) -> str:
    """A header cell as compared: spaces collapsed, upper case (``"HCPCS dosage "`` -> ``HCPCS DOSAGE``)."""
    return " ".join(cell.replace("\ufeff", "").split()).upper()


def find_header(rows: Iterable[Sequence[str]], required: Iterable[str]) -> int | None:
    """The index of the first row whose cells include every required column name."""
    wanted = {norm(name) for name in required}
    for index, row in enumerate(rows):
        if wanted <= {norm(cell) for cell in row}:
            return index
    return None


@dataclass(slots=True)
class Table:
    """A table read from a file: the header row's position and the rows under it."""

    preamble: list[list[str]]
    header: list[str]
    body: list[list[str]] = field(default_factory=list)

    def column(self, name: str) -> int:
        wanted = norm(name)
        for index, cell in enumerate(self.header):
            if norm(cell) == wanted:
                return index
        raise DataFileError(f'the header has no "{name}" column')

    def has(self, name: str) -> bool:
        return any(norm(cell) == norm(name) for cell in self.header)

    def records(
        self, columns: dict[str, str], optional: Iterable[str] = ()
    ) -> Iterator[tuple[int, dict[str, str | None]]]:
        """(line number, {our column: cell or None}) for each non-empty row under the header.

        Columns named in ``optional`` may be missing from the header (their cells are None).
        """
        missing = {ours for ours in optional if not self.has(columns[ours])}
        positions = {ours: self.column(theirs) for ours, theirs in columns.items() if ours not in missing}
        first_line = len(self.preamble) + 2
        for offset, row in enumerate(self.body):
            if not any(cell.strip() for cell in row):
                continue
            record = {ours: cell(row, at) for ours, at in positions.items()}
            yield first_line + offset, record | dict.fromkeys(missing)

    @property
    def preamble_text(self) -> str:
        return " ".join(c.strip() for row in self.preamble for c in row if c.strip())


def table_from_rows(rows: list[list[str]], required: Iterable[str], label: str) -> Table:
    index = find_header(rows, required)
    if index is None:
        raise DataFileError(f"{label}: no header row with the columns {', '.join(required)}.")
    return Table(preamble=rows[:index], header=rows[index], body=rows[index + 1 :])


def cell(row: Sequence[str], at: int) -> str | None:
    """A cell stripped of spaces (CMS pads some, e.g. ``"   A1"``); empty -> None."""
    if at >= len(row):
        return None
    value = row[at].strip()
    return value or None


# ---- xlsx -------------------------------------------------------------------------------------


def xlsx_rows(source: Source, limit: int | None = None) -> Iterator[list[str]]:
    """Rows of the first worksheet as text (see ``nocrx.data.xlsx``), empty trailing cells dropped."""
    from nocrx.data.xlsx import sheet_rows

    workbook = source.seekable_copy()
    rows = sheet_rows(str(workbook) if isinstance(workbook, Path) else workbook, source.label)
    try:
        for count, row in enumerate(rows):
            if limit is not None and count >= limit:
                break
            yield trim(row)
    finally:
        rows.close()


def table_rows(source: Source) -> list[list[str]]:
    """All rows of a CMS table, whichever form CMS published it in: xlsx (zip magic) or CSV text."""
    if is_zip(source.head(4)):
        return list(xlsx_rows(source))
    return csv_rows(read_text(source))


# ---- dates and releases -----------------------------------------------------------------------


def compact_date(value: str | None, *, what: str = "date") -> str | None:
    """A CMS/FDA YYYYMMDD date as ISO YYYY-MM-DD; empty -> None.

    >>> compact_date("20251001")
    '2025-10-01'
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
        return date.fromisoformat(text).isoformat()
    except ValueError as error:
        raise DataFileError(f'{what} "{text}" is not a date (expected YYYYMMDD).') from error


def quarter_of(day: date) -> tuple[str, date, date]:
    """The quarter a day falls in: (release, first day, last day).

    >>> quarter_of(date(2025, 11, 14))
    ('2025q4', datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
    """
    number = (day.month - 1) // 3 + 1
    start = date(day.year, 3 * number - 2, 1)
    end = (date(day.year + 1, 1, 1) if number == 4 else date(day.year, 3 * number + 1, 1)) - timedelta(days=1)
    return f"{day.year}q{number}", start, end


def quarter_release(year: int, number: int) -> tuple[str, date, date]:
    return quarter_of(date(year, 3 * number - 2, 1))


def effective_span(text: str) -> tuple[date, date] | None:
    """The dates of a CMS preamble line such as "Effective October 1, 2025 through December 31, 2025"."""
    match = _SPAN.search(text)
    if not match:
        return None
    try:
        first = _month_day(match.group(1), match.group(2), match.group(3))
        last = _month_day(match.group(4), match.group(5), match.group(6))
    except ValueError:
        return None
    return (first, last) if first <= last else None


def _month_day(month: str, day: str, year: str) -> date:
    return date(int(year), _MONTHS.index(month.lower()) + 1, int(day))


def quarter_in_name(name: str) -> tuple[int, int] | None:
    """(year, quarter) from a name such as ``asp_payment_limits_2025q4.csv``."""
    match = _QUARTER_IN_NAME.search(name)
    return (int(match.group(1)), int(match.group(2))) if match else None


def number(value: str | None, *, what: str) -> float | None:
    """A CMS money or percent cell as a number: ``$2.462`` -> 2.462; empty or "." -> None."""
    if value is None:
        return None
    text = value.replace("$", "").replace(",", "").replace("%", "").strip()
    if text in ("", ".", "-", "N/A"):
        return None
    try:
        return float(text)
    except ValueError as error:
        raise DataFileError(f'{what} "{value}" is not a number.') from error


def quarterly_release(
    preamble: str, source: Source, *, year_hint: int | None = None
) -> tuple[str, date, date]:
    """The quarter of a CMS quarterly file: (release, effective from, effective to).

    The title lines say it ("Effective October 1, 2025 through December 31, 2025"). A converted
    copy without them is dated, as a last resort, by a ``YYYYqN`` in its file name, which must
    agree with the year the file names itself by (the ``_2025_CODE`` column), when it has one.
    """
    span = effective_span(preamble)
    if span is not None:
        return quarter_of(span[0])[0], span[0], span[1]
    named = quarter_in_name(source.name)
    if named is None or (year_hint is not None and named[0] != year_hint):
        raise DataFileError(
            f'{source.label}: cannot tell the release (no "Effective <date> through <date>" line above '
            "the header, and no matching YYYYqN in the file name)."
        )
    return quarter_release(*named)
