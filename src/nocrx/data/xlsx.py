"""Read the first worksheet of an xlsx workbook as rows of text, fast.

CMS publishes the HCPCS file as a 14 MB sheet of 8,846 x 48 cells; openpyxl's read-only mode
took 7.5 s of CPU for it, about half of a full import. This reader streams the sheet XML through
expat and keeps only cell text (2.4 s); tests check it returns what openpyxl returns for the
shared files. It follows ECMA-376 Part 1 (SpreadsheetML): the first ``<sheet>`` of
``xl/workbook.xml``, its target in ``xl/_rels/workbook.xml.rels``, shared strings in
``xl/sharedStrings.xml`` (``<si>`` with ``<t>`` or rich-text ``<r><t>`` runs; phonetic ``<rPh>``
runs are not text), cells ``<c r="B7" t="s|str|inlineStr|b|n">`` with ``<v>`` or ``<is><t>``.
Values come back as the text stored: numbers as written (``19870101``), no date conversion.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Generator, Iterator
from typing import IO
from xml.parsers import expat

from nocrx.errors import DataFileError

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def sheet_rows(workbook: str | IO[bytes], label: str) -> Generator[list[str], None, None]:
    """Rows of the first worksheet; missing cells are empty strings."""
    try:
        archive = zipfile.ZipFile(workbook)
    except zipfile.BadZipFile as error:
        raise DataFileError(f"{label}: not a readable xlsx workbook ({error}).") from error
    with archive:
        try:
            strings = _shared_strings(archive)
            with archive.open(_first_sheet(archive)) as sheet:
                yield from _SheetReader(strings).rows(sheet)
        except (KeyError, expat.ExpatError, ValueError, IndexError) as error:
            raise DataFileError(f"{label}: not a readable xlsx workbook ({error}).") from error


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    return parser


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The part name of the workbook's first sheet (not always xl/worksheets/sheet1.xml)."""
    first: dict[str, str] = {}
    targets: dict[str, str] = {}

    def workbook_start(name: str, attrs: dict[str, str]) -> None:
        if name == f"{_MAIN} sheet" and not first:
            first["id"] = attrs[f"{_REL} id"]

    def rels_start(name: str, attrs: dict[str, str]) -> None:
        if name == f"{_PKG_REL} Relationship":
            targets[attrs["Id"]] = attrs["Target"]

    for part, handler in (("xl/workbook.xml", workbook_start), ("xl/_rels/workbook.xml.rels", rels_start)):
        parser = _parser()
        parser.StartElementHandler = handler
        parser.Parse(archive.read(part), True)
    target = targets[first["id"]]
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        data = archive.read("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings: list[str] = []
    text: list[str] = []
    state = {"in_text": False, "phonetic": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == f"{_MAIN} si":
            text.clear()
        elif name == f"{_MAIN} rPh":
            state["phonetic"] += 1
        elif name == f"{_MAIN} t" and not state["phonetic"]:
            state["in_text"] = True

    def end(name: str) -> None:
        if name == f"{_MAIN} si":
            strings.append("".join(text))
        elif name == f"{_MAIN} rPh":
            state["phonetic"] -= 1
        elif name == f"{_MAIN} t":
            state["in_text"] = False

    def characters(data: str) -> None:
        if state["in_text"]:
            text.append(data)

    parser = _parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = characters
    parser.Parse(data, True)
    return strings


class _SheetReader:
    """expat handlers that collect one row at a time."""

    def __init__(self, strings: list[str]) -> None:
        self.strings = strings
        self.done: list[list[str]] = []
        self.row: list[str] = []
        self.text: list[str] = []
        self.cell_type: str | None = None
        self.column = 0
        self.in_value = False
        self.count = 0  # rows handed out so far

    def rows(self, sheet: IO[bytes]) -> Iterator[list[str]]:
        parser = _parser()
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.CharacterDataHandler = self.characters
        for block in iter(lambda: sheet.read(1 << 16), b""):
            parser.Parse(block, False)
            yield from self._flush()
        parser.Parse(b"", True)
        yield from self._flush()

    def _flush(self) -> list[list[str]]:
        rows, self.done = self.done, []
        self.count += len(rows)
        return rows

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == f"{_MAIN} c":
            self.cell_type = attrs.get("t")
            reference = attrs.get("r")
            self.column = _column(reference) if reference else len(self.row)
            self.text = []
        elif name in (f"{_MAIN} v", f"{_MAIN} t"):
            self.in_value = True
        elif name == f"{_MAIN} row":
            number = attrs.get("r")  # rows without cells may be left out of the XML: keep line numbers
            while number and number.isdigit() and self.count + len(self.done) < int(number) - 1:
                self.done.append([])
            self.row = []

    def end(self, name: str) -> None:
        if name in (f"{_MAIN} v", f"{_MAIN} t"):
            self.in_value = False
        elif name == f"{_MAIN} c":
            value = "".join(self.text)
            if self.cell_type == "s" and value:
                value = self.strings[int(value)]
            elif self.cell_type == "b":
                value = "TRUE" if value == "1" else "FALSE"
            self.row.extend([""] * (self.column - len(self.row)))
            self.row.append(value)
        elif name == f"{_MAIN} row":
            self.done.append(self.row)

    def characters(self, data: str) -> None:
        if self.in_value:
            self.text.append(data)


def _column(reference: str) -> int:
    """0-based column of a cell reference: "A7" -> 0, "AB12" -> 27."""
    number = 0
    for char in reference:
        if not char.isalpha():
            break
        number = number * 26 + ord(char.upper()) - 64
    return number - 1
