"""The FDA NDC Directory layouts: the 2025-07-11 fragment, the 2018 unfinished zip, the reduced list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nocrx.data.fda import PACKAGE_COLUMNS, PRODUCT_COLUMNS, product_ndc_9, restore_product_ndc
from nocrx.errors import DataFileError

PRODUCT_KEYS = {*PRODUCT_COLUMNS, "product_ndc_9", "is_unfinished"}
PACKAGE_KEYS = {*PACKAGE_COLUMNS, "ndc_11"}
ZIP = "fda_ndc_unfinished_2018-06-25_original.zip"


@pytest.fixture(scope="module")
def original(shared_data: Path) -> Path:
    return shared_data / "fda_ndc" / "original"


def test_fragment_products(original: Path, parse: Callable) -> None:
    parsed, rows = parse(original / "ndc_fragment_2025-07-11_product_original.txt")
    assert (parsed.kind, parsed.release, parsed.effective_from) == (
        "fda_products",
        "2025-07-11",
        date(2025, 7, 11),
    )
    assert len(rows) == 72
    assert all(set(r) == PRODUCT_KEYS and r["is_unfinished"] == 0 for r in rows)
    zepbound = rows[0]
    assert (zepbound["product_ndc"], zepbound["product_ndc_9"]) == ("0002-0152", "000020152")
    assert (zepbound["proprietary_name"], zepbound["route"], zepbound["start_marketing_date"]) == (
        "Zepbound", "SUBCUTANEOUS", "2023-11-08")  # fmt: skip
    categories = [r["marketing_category"] for r in rows]
    assert (categories.count("NDA"), categories.count("BLA")) == (61, 11)


def test_fragment_packages(original: Path, parse: Callable) -> None:
    parsed, rows = parse(original / "ndc_fragment_2025-07-11_package_original.txt")
    assert (parsed.kind, parsed.release, len(rows)) == ("fda_packages", "2025-07-11", 100)
    assert all(set(r) == PACKAGE_KEYS for r in rows)
    assert (rows[0]["package_ndc"], rows[0]["ndc_11"]) == ("0002-0152-01", "00002015201")


def test_fragment_csv_copy_is_a_copy_of_the_same_release(shared_data: Path, detect: Callable) -> None:
    found = detect(shared_data / "fda_ndc" / "ndc_fragment_2025-07-11_product.csv")
    assert not found.is_official
    parsed = found.parse()
    assert parsed.release == "2025-07-11"
    assert len(list(parsed.rows)) == 72


@pytest.mark.parametrize(("member", "kind", "count"), [
    ("unfinished_product.txt", "fda_products", 21478),
    ("unfinished_package.txt", "fda_packages", 35321),
])  # fmt: skip
def test_unfinished_zip_members(member: str, kind: str, count: int, original: Path, parse: Callable) -> None:
    parsed, rows = parse(original / ZIP, member)
    # Dated by the zip member's timestamp (2018-06-25 09:45), and kept apart from finished releases.
    assert (parsed.kind, parsed.release, parsed.effective_from) == (
        kind,
        "2018-06-25-unfinished",
        date(2018, 6, 25),
    )
    assert len(rows) == count
    if kind == "fda_products":
        assert all(r["is_unfinished"] == 1 and r["proprietary_name"] is None for r in rows)
        assert rows[0]["nonproprietary_name"] == "Insulin human"
        assert any(
            r["labeler"] == "Guang\u2019an Kingday Pharma & Chem Co., Ltd." for r in rows
        )  # cp1252 0x92
    else:
        # Two package codes in FDA's file are no NDC: kept as published, without an 11-digit form.
        assert sorted(r["package_ndc"] for r in rows if r["ndc_11"] == "") == ["02", "47848-026-XX"]


def test_rows_stream_again_on_each_pass(original: Path, detect: Callable) -> None:
    parsed = detect(original / "ndc_fragment_2025-07-11_package_original.txt").parse()
    assert list(parsed.rows) == list(parsed.rows)


REDUCED = (
    "original/ndc_products_reduced_2025-12_original.csv.gz",
    "finished_product_ndc_reduced_2025-12.csv.gz",
)


@pytest.fixture(scope="module")
def reduced(shared_data: Path, parse: Callable) -> dict[str, tuple]:
    return {name: parse(shared_data / "fda_ndc" / name) for name in REDUCED}


def test_restored_ndcs_match_the_cleaned_copy(reduced: dict[str, tuple]) -> None:
    original, cleaned = (reduced[name][1] for name in REDUCED)
    assert [r["product_ndc"] for r in original] == [r["product_ndc"] for r in cleaned]
    assert original == cleaned


@pytest.mark.parametrize("name", REDUCED)
def test_reduced_product_list(name: str, reduced: dict[str, tuple]) -> None:
    parsed, rows = reduced[name]
    assert (parsed.kind, parsed.release, parsed.effective_from) == ("fda_products", "2025-12-reduced", None)
    assert "third-party reduced derivative of FDA product.txt" in (parsed.notes or "")
    assert len(rows) == 114362
    by_ndc = {r["product_ndc"]: r for r in rows}
    names = {ndc: (by_ndc[ndc]["proprietary_name"], by_ndc[ndc]["nonproprietary_name"], by_ndc[ndc]["route"])
             for ndc in ("0006-3026", "59572-0730")}  # fmt: skip
    assert names["0006-3026"] == ("KEYTRUDA", "pembrolizumab", "INTRAVENOUS")
    assert names["59572-0730"][0].upper() == "ONUREG"
    assert names["59572-0730"][2] == "ORAL"
    assert by_ndc["0006-3026"]["product_ndc_9"] == "000063026"
    assert "EMRELIS" in {r["proprietary_name"].upper() for r in rows if r["product_ndc_9"] == "000741044"}
    layouts = [tuple(len(p) for p in r["product_ndc"].split("-")) for r in rows]
    assert (layouts.count((5, 4)), layouts.count((4, 4)), layouts.count((5, 3))) == (101942, 12395, 25)


@pytest.mark.parametrize(("digits", "expected"), [
    ("63026", "0006-3026"), ("20152", "0002-0152"), ("123456789", "12345-6789"), ("50242060", "50242-060"),
    ("1234567", "0123-4567"),
])  # fmt: skip
def test_restore_product_ndc(digits: str, expected: str) -> None:
    assert restore_product_ndc(digits) == expected


@given(st.integers(min_value=1, max_value=99999), st.integers(min_value=0, max_value=9999))
def test_restored_5_4_round_trips(labeler: int, product: int) -> None:
    ndc = f"{labeler:05d}-{product:04d}"
    if labeler >= 10000:  # a 5-digit labeler keeps all 9 digits when cast to an integer
        assert restore_product_ndc(str(int(ndc.replace("-", "")))) == ndc
    assert product_ndc_9(ndc) == ndc.replace("-", "")


@pytest.mark.parametrize("bad", ["0006-30261", "6-3026", "00006-3026-02", "", "ABCD-1234"])
def test_product_ndc_9_rejects_other_shapes(bad: str) -> None:
    with pytest.raises(DataFileError):
        product_ndc_9(bad)


def test_bad_row_names_file_and_line(tmp_path: Path, original: Path, detect: Callable) -> None:
    lines = (original / "ndc_fragment_2025-07-11_product_original.txt").read_text().splitlines()
    cells = lines[2].split("\t")
    cells[1] = "2-152"
    path = tmp_path / "product_2025-07-11.txt"
    path.write_text("\r\n".join([lines[0], lines[1], "\t".join(cells)]) + "\r\n")
    with pytest.raises(DataFileError, match=r"product_2025-07-11.txt line 3: product NDC \"2-152\""):
        list(detect(path).parse().rows)


def test_undated_product_file_uses_latest_marketing_start(
    tmp_path: Path, original: Path, parse: Callable
) -> None:
    path = tmp_path / "product.txt"
    path.write_bytes((original / "ndc_fragment_2025-07-11_product_original.txt").read_bytes())
    parsed, rows = parse(path)
    latest = max(r["start_marketing_date"] for r in rows)
    assert parsed.release == latest
    assert "latest marketing start date" in (parsed.notes or "")


def _synthetic_product_file(path: Path, template: list[str], count: int) -> Path:
    """``count`` products in the fragment's exact layout, each with its own product NDC."""
    header, row = template[0], template[1].split("\t")
    with path.open("w", newline="") as out:
        out.write(header + "\r\n")
        for n in range(count):
            row[1] = f"{10000 + n // 10000:05d}-{n % 10000:04d}"
            row[0] = f"{row[1]}_{n:08d}"
            out.write("\t".join(row) + "\r\n")
    return path


def test_product_rows_stream_in_constant_memory(tmp_path: Path, original: Path, detect: Callable) -> None:
    import tracemalloc

    template = (original / "ndc_fragment_2025-07-11_product_original.txt").read_text().splitlines()
    peaks = []
    for count in (1_000, 10_000):
        parsed = detect(
            _synthetic_product_file(tmp_path / f"product_2025-07-11_{count}.txt", template, count)
        ).parse()
        tracemalloc.start()
        seen = sum(1 for _ in parsed.rows)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert seen == count
    assert peaks[1] < 2 * peaks[0]  # ten times the rows, not ten times the memory
