"""The FDA NDC Directory: product.txt (20 columns) and package.txt (8 columns), tab-delimited,
and the "unfinished" drugs file (unfinished_product.txt, 14 columns; unfinished_package.txt,
4 columns), as FDA publishes them in ndctext.zip / unfinished.zip. Also read: CSV copies of
those tables, and a third-party reduced product list (product NDC, names, route).

The full directory holds ~130,000 products, so rows are streamed from the file while the
store inserts them: memory stays constant whatever the file size.

Release: the directory date. FDA states it nowhere in the tables, so it is taken from, in
order, the zip member's timestamp (FDA writes the files on the directory date), a date in
the file or folder name (mirrors file each directory under its date), or else the latest
marketing start date in the product file (a lower bound, said so in the notes).
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from nocrx.codes.ndc import LABEL_LAYOUTS, pad_segments, parse_ndc
from nocrx.data.formats import Detected, Sample
from nocrx.data.reading import Source, compact_date, find_header, norm, text_lines
from nocrx.data.records import ParsedFile
from nocrx.errors import DataFileError, InvalidNDC, NocrxError

PRODUCT_COLUMNS = {
    "product_id": "PRODUCTID",
    "product_ndc": "PRODUCTNDC",
    "product_type": "PRODUCTTYPENAME",
    "proprietary_name": "PROPRIETARYNAME",
    "proprietary_name_suffix": "PROPRIETARYNAMESUFFIX",
    "nonproprietary_name": "NONPROPRIETARYNAME",
    "dosage_form": "DOSAGEFORMNAME",
    "route": "ROUTENAME",
    "start_marketing_date": "STARTMARKETINGDATE",
    "end_marketing_date": "ENDMARKETINGDATE",
    "marketing_category": "MARKETINGCATEGORYNAME",
    "application_number": "APPLICATIONNUMBER",
    "labeler": "LABELERNAME",
    "substance_name": "SUBSTANCENAME",
    "strength": "ACTIVE_NUMERATOR_STRENGTH",
    "strength_unit": "ACTIVE_INGRED_UNIT",
    "pharm_classes": "PHARM_CLASSES",
    "dea_schedule": "DEASCHEDULE",
    "ndc_exclude_flag": "NDC_EXCLUDE_FLAG",
}
PACKAGE_COLUMNS = {
    "product_id": "PRODUCTID",
    "product_ndc": "PRODUCTNDC",
    "package_ndc": "NDCPACKAGECODE",
    "description": "PACKAGEDESCRIPTION",
    "start_marketing_date": "STARTMARKETINGDATE",
    "end_marketing_date": "ENDMARKETINGDATE",
    "ndc_exclude_flag": "NDC_EXCLUDE_FLAG",
    "sample_package": "SAMPLE_PACKAGE",
}
REDUCED_NOTE = "third-party reduced derivative of FDA product.txt (product NDC, names and route only)"
_PRODUCT_KEYS = ("PRODUCTID", "PRODUCTNDC", "PRODUCTTYPENAME", "NONPROPRIETARYNAME")
_PACKAGE_KEYS = ("PRODUCTID", "PRODUCTNDC", "NDCPACKAGECODE", "PACKAGEDESCRIPTION")
_REDUCED_ORIGINAL = ("NDC11", "BRAND_NAME", "GENERIC_NAME", "ROUTE")
_REDUCED_CLEAN = ("PRODUCTNDC", "PRODUCTNDC_5_4", "BRAND_NAME", "GENERIC_NAME", "ROUTE")
_DATES = ("start_marketing_date", "end_marketing_date")
_DAY_IN_NAME = re.compile(r"(?<!\d)(20\d\d)-?(\d\d)-?(\d\d)(?!\d)")
_MONTH_IN_NAME = re.compile(r"(?<!\d)(20\d\d)-(\d\d)(?![\d])")


def detect(sample: Sample) -> Detected | None:
    if sample.is_xlsx:
        return None
    source = sample.source
    tabbed = bool(sample.lines) and "\t" in sample.lines[0]
    header = [norm(c) for c in (sample.tab_rows[0] if tabbed else sample.rows[0] if sample.rows else [])]
    how = "tab-delimited" if tabbed else "CSV copy"
    if set(_PRODUCT_KEYS) <= set(header):
        unfinished = "PROPRIETARYNAME" not in header  # the unfinished layout has no proprietary name
        what = f"FDA NDC {'unfinished ' if unfinished else ''}product file ({how})"
        return Detected(what, "fda_products", tabbed, lambda: parse_products(source, tabbed=tabbed))
    if set(_PACKAGE_KEYS) <= set(header):
        unfinished = "STARTMARKETINGDATE" not in header
        what = f"FDA NDC {'unfinished ' if unfinished else ''}package file ({how})"
        return Detected(what, "fda_packages", tabbed, lambda: parse_packages(source, tabbed=tabbed))
    if find_header(sample.rows[:1], _REDUCED_ORIGINAL) is not None:
        return Detected("reduced FDA product list (third-party)", "fda_products", True,
                        lambda: parse_reduced(source))  # fmt: skip
    if find_header(sample.rows[:1], _REDUCED_CLEAN) is not None:
        return Detected("reduced FDA product list (cleaned copy)", "fda_products", False,
                        lambda: parse_reduced(source))  # fmt: skip
    return None


# ---- reading rows -----------------------------------------------------------------------------


class RowStream:
    """Rows of a large table, read from the file each time it is iterated (constant memory)."""

    def __init__(
        self, source: Source, tabbed: bool, build: Callable[[dict[str, str | None]], dict[str, Any]]
    ) -> None:
        self.source, self.tabbed, self.build = source, tabbed, build

    def __iter__(self) -> Iterator[dict[str, Any]]:
        with self.source.open() as stream:
            lines = text_lines(stream, keep_ends=not self.tabbed)
            cells = (line.split("\t") for line in lines) if self.tabbed else csv.reader(lines)
            header = [norm(c) for c in next(cells, [])]
            for number, row in enumerate(cells, 2):
                if not any(c.strip() for c in row):
                    continue
                values = {name: (row[i].strip() or None) if i < len(row) else None
                          for i, name in enumerate(header)}  # fmt: skip
                try:
                    yield self.build(values)
                except NocrxError as error:
                    raise DataFileError(f"{self.source.label} line {number}: {error.message}") from error


def _mapped(values: dict[str, str | None], columns: dict[str, str]) -> dict[str, Any]:
    row = {ours: values.get(theirs) for ours, theirs in columns.items()}
    for name in _DATES:
        row[name] = compact_date(row[name], what=columns[name])
    return row


def product_ndc_9(product_ndc: str | None) -> str:
    """The 9-digit 5-4 form of an FDA product NDC (4-4, 5-3 or 5-4 with a hyphen).

    >>> product_ndc_9("0006-3026"), product_ndc_9("50242-060")
    ('000063026', '502420060')
    """
    parts = (product_ndc or "").split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or (len(parts[0]), len(parts[1])) not in (
        (4, 4), (5, 3), (5, 4),
    ):  # fmt: skip
        raise DataFileError(f'product NDC "{product_ndc}" is not 4-4, 5-3 or 5-4 digits.')
    return parts[0].zfill(5) + parts[1].zfill(4)


def _product(values: dict[str, str | None], unfinished: bool) -> dict[str, Any]:
    row = _mapped(values, PRODUCT_COLUMNS)
    row["product_ndc_9"] = product_ndc_9(row["product_ndc"])
    row["is_unfinished"] = int(unfinished)
    return row


def _package(values: dict[str, str | None]) -> dict[str, Any]:
    row = _mapped(values, PACKAGE_COLUMNS)
    if not row["package_ndc"]:
        raise DataFileError("NDCPACKAGECODE is empty.")
    parts = row["package_ndc"].split("-")
    if tuple(len(p) for p in parts) in LABEL_LAYOUTS and all(p.isdigit() for p in parts):
        row["ndc_11"] = pad_segments(parts)  # FDA's hyphenated 10-digit form: the fast, common case
        return row
    try:
        row["ndc_11"] = parse_ndc(row["package_ndc"]).ndc_11
    except InvalidNDC:
        # FDA's own files hold a few package codes that are no NDC ("47848-026-XX", "02" in the
        # 2018 unfinished file): the row is kept as published, with no 11-digit form to match.
        row["ndc_11"] = ""
    return row


# ---- parsers ----------------------------------------------------------------------------------


def parse_products(source: Source, *, tabbed: bool = True) -> ParsedFile:
    header = _header(source, tabbed)
    unfinished = "PROPRIETARYNAME" not in header
    rows = RowStream(source, tabbed, lambda values: _product(values, unfinished))
    return _parsed(source, "fda_products", rows, unfinished)


def parse_packages(source: Source, *, tabbed: bool = True) -> ParsedFile:
    unfinished = "STARTMARKETINGDATE" not in _header(source, tabbed)
    return _parsed(source, "fda_packages", RowStream(source, tabbed, _package), unfinished)


def _header(source: Source, tabbed: bool) -> list[str]:
    with source.open() as stream:
        first = next(text_lines(stream), "")
    cells = first.split("\t") if tabbed else next(csv.reader([first]), [])
    return [norm(c) for c in cells]


def _parsed(source: Source, kind: str, rows: RowStream, unfinished: bool) -> ParsedFile:
    day, how = directory_date(source, rows if kind == "fda_products" else None)
    release = day.isoformat() + ("-unfinished" if unfinished else "")
    what = "FDA NDC Directory, unfinished drugs" if unfinished else "FDA NDC Directory"
    return ParsedFile(kind, release, day, None, rows, notes=f"{what}; directory date {how}")


def directory_date(source: Source, products: RowStream | None) -> tuple[date, str]:
    """The directory date and how it was found (see the module docstring)."""
    if source.member is not None:
        with zipfile.ZipFile(source.path) as archive:
            stamp = archive.getinfo(source.member).date_time
        return date(*stamp[:3]), "from the zip member's timestamp"
    for name in (source.name, source.path.parent.name):
        match = _DAY_IN_NAME.search(name)
        if match:
            try:
                return date(*map(int, match.groups())), "from the file or folder name"
            except ValueError:
                continue
    if products is not None:
        starts = [row["start_marketing_date"] for row in products if row["start_marketing_date"]]
        if starts:
            return date.fromisoformat(max(starts)), "not stated: the latest marketing start date in the file"
    raise DataFileError(f"{source.label}: cannot tell the release (directory date not in the name or zip).")


# ---- the third-party reduced product list -----------------------------------------------------


def restore_product_ndc(digits: str) -> str:
    """The hyphenated product NDC of a reduced-list NDC11 that lost its leading zeros.

    shared/data/PROVENANCE.md section 6: 9 digits -> 5-4; 8 digits not starting with 0 -> 5-3;
    fewer -> zero-pad to 8, then 4-4 (4-digit labeler codes all start with 0).

    >>> restore_product_ndc("63026"), restore_product_ndc("50242060"), restore_product_ndc("123456789")
    ('0006-3026', '50242-060', '12345-6789')
    """
    text = digits.strip()
    if not text.isdigit() or len(text) > 9:
        raise DataFileError(f'NDC11 "{digits}" is not a product NDC of at most 9 digits.')
    if len(text) == 9:
        return f"{text[:5]}-{text[5:]}"
    if len(text) == 8 and not text.startswith("0"):
        return f"{text[:5]}-{text[5:]}"
    padded = text.zfill(8)
    return f"{padded[:4]}-{padded[4:]}"


def _reduced(values: dict[str, str | None]) -> dict[str, Any]:
    if values.get("PRODUCTNDC"):
        product_ndc = values["PRODUCTNDC"]
    else:
        product_ndc = restore_product_ndc(values.get("NDC11") or "")
    row: dict[str, Any] = dict.fromkeys(PRODUCT_COLUMNS)
    row |= {"product_ndc": product_ndc, "product_ndc_9": product_ndc_9(product_ndc),
            "proprietary_name": values.get("BRAND_NAME"), "nonproprietary_name": values.get("GENERIC_NAME"),
            "route": values.get("ROUTE"), "is_unfinished": 0}  # fmt: skip
    return row


def parse_reduced(source: Source) -> ParsedFile:
    """Its own release, named after the month in its file name (it states no date)."""
    match = _MONTH_IN_NAME.search(source.name)
    if match is None:
        raise DataFileError(f"{source.label}: cannot tell the release (no YYYY-MM in the file name).")
    month = f"{match.group(1)}-{match.group(2)}"
    notes = f"{REDUCED_NOTE}; directory date not stated (file name says {month})"
    rows = RowStream(source, False, _reduced)
    return ParsedFile("fda_products", f"{month}-reduced", None, None, rows, notes=notes)
