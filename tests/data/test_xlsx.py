"""The expat xlsx reader returns what openpyxl (read-only) returns, on the shared workbooks."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from nocrx.data.reading import Source, xlsx_rows
from nocrx.data.xlsx import sheet_rows
from nocrx.errors import DataFileError


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _openpyxl_rows(path: Path, limit: int) -> list[list[str]]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0].iter_rows(values_only=True, max_row=limit)
        rows = [[_text(v) for v in row] for row in sheet]
    finally:
        workbook.close()
    for row in rows:
        while row and not row[-1].strip():
            row.pop()
    return rows


def test_same_rows_as_openpyxl(shared_data: Path) -> None:
    # The HCPCS workbook is checked whole against its CSV conversion in test_hcpcs.py (openpyxl
    # needs 5 s just to load its shared strings); the NOC list has numeric date cells.
    path = shared_data / "hcpcs" / "NOC_Codes_2019.xlsx"
    assert list(xlsx_rows(Source(path))) == _openpyxl_rows(path, 1000)


def _workbook(sheet_xml: str, strings: str | None = None) -> io.BytesIO:
    """A minimal workbook whose first sheet is not sheet1.xml (the reader must follow the rels)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                         '<sheet name="Codes" sheetId="1" r:id="rId7"/><sheet name="Other" sheetId="2" r:id="rId1"/>'
                         "</sheets></workbook>")  # fmt: skip
        archive.writestr("xl/_rels/workbook.xml.rels",
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="x"/>'
                         '<Relationship Id="rId7" Target="worksheets/sheet9.xml" Type="x"/></Relationships>')  # fmt: skip
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData/></worksheet>')
        archive.writestr(
            "xl/worksheets/sheet9.xml",
            f'<worksheet xmlns="{main}"><sheetData>{sheet_xml}</sheetData></worksheet>',
        )
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{strings}</sst>')
    buffer.seek(0)
    return buffer


def test_cell_kinds_gaps_and_first_sheet() -> None:
    sheet = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>in line</t></is></c></row>'
             '<row r="3"><c r="B3"><v>19870101</v></c><c r="C3" t="b"><v>1</v></c>'
             '<c r="D3" t="str"><f>A1</f><v>cached</v></c></row>')  # fmt: skip
    strings = "<si><r><t>rich </t></r><r><t>text</t></r><rPh><t>yomi</t></rPh></si>"
    rows = list(sheet_rows(_workbook(sheet, strings), "test.xlsx"))
    assert rows == [["rich text", "", "in line"], [], ["", "19870101", "TRUE", "cached"]]


def test_damaged_workbook_is_a_data_file_error() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook")
    buffer.seek(0)
    with pytest.raises(DataFileError, match=r"test\.xlsx: not a readable xlsx workbook"):
        list(sheet_rows(buffer, "test.xlsx"))
