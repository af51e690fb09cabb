"""ASP NDC-HCPCS crosswalks (six quarters, originals and clean copies) and the NOC crosswalk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nocrx.data.crosswalks import ASP_COLUMNS, ndc_11_of
from nocrx.errors import DataFileError

QUARTERS = {  # release: (rows, distinct NDC2, distinct codes) from shared/data/PROVENANCE.md section 2
    "2024q4": (7429, 7295, 827),
    "2025q1": (7172, 6993, 842),
    "2025q2": (7585, 7417, 907),
    "2025q3": (7873, 7701, 935),
    "2025q4": (8245, 8073, 974),
    "2026q1": (7125, 6946, 843),
}
ASP_KEYS = {"hcpcs", "ndc_11", *ASP_COLUMNS}


@pytest.mark.parametrize("release", QUARTERS)
def test_original_quarter(release: str, shared_data: Path, detect: Callable) -> None:
    found = detect(
        shared_data / "asp_crosswalk" / "original" / f"asp_ndc_hcpcs_crosswalk_{release}_original.csv"
    )
    assert found.is_official
    parsed = found.parse()
    rows, ndcs, codes = QUARTERS[release]
    assert (parsed.kind, parsed.release) == ("asp_crosswalk", release)
    assert len(parsed.rows) == rows
    assert len({r["ndc_id"] for r in parsed.rows}) == ndcs
    assert len({r["hcpcs"] for r in parsed.rows}) == codes
    assert all(set(row) == ASP_KEYS for row in parsed.rows)


@pytest.mark.parametrize("release", QUARTERS)
def test_clean_copy_gives_the_same_rows(release: str, shared_data: Path, detect: Callable) -> None:
    copy = detect(shared_data / "asp_crosswalk" / f"asp_ndc_hcpcs_crosswalk_{release}.csv")
    original = detect(
        shared_data / "asp_crosswalk" / "original" / f"asp_ndc_hcpcs_crosswalk_{release}_original.csv"
    )
    assert not copy.is_official
    parsed = copy.parse()
    assert parsed.release == release  # from _YYYY_CODE and the YYYYqN in the name
    assert parsed.rows == original.parse().rows


def test_keytruda_and_alternate_ids_2025q4(shared_data: Path, parse: Callable) -> None:
    parsed, rows = parse(
        shared_data / "asp_crosswalk" / "original" / "asp_ndc_hcpcs_crosswalk_2025q4_original.csv"
    )
    keytruda = [r for r in rows if r["ndc_11"] == "00006302602"]
    assert [(r["hcpcs"], r["hcpcs_dosage"], r["billing_units_per_package"]) for r in keytruda] == [
        ("J9271", "1 MG", "100")
    ]
    assert (parsed.effective_from, parsed.effective_to) == (date(2025, 10, 1), date(2025, 12, 31))
    assert sum(1 for r in rows if r["ndc_11"] is None) == 1284  # skin-substitute product IDs such as GG100


def test_cp1252_file_with_title_lines(fixtures: Path, parse: Callable) -> None:
    parsed, rows = parse(fixtures / "crosswalk_cp1252_with_title_lines.csv")
    assert (parsed.release, parsed.effective_from) == (
        "2025q4",
        date(2025, 10, 1),
    )  # from the title, not the name
    assert [r["hcpcs"] for r in rows] == ["J9271", "J2596", "Q4100"]
    assert rows[0]["drug_name"] == "Keytruda"  # the no-break space CMS leaves is stripped
    assert rows[2]["labeler"] == "Guang\u2019an Kingday"  # cp1252 0x92
    assert (rows[1]["ndc_11"], rows[2]["ndc_11"]) == ("42023016425", None)


def test_copy_without_title_or_quarter_in_name(tmp_path: Path, shared_data: Path, detect: Callable) -> None:
    path = tmp_path / "crosswalk.csv"
    path.write_bytes((shared_data / "asp_crosswalk" / "asp_ndc_hcpcs_crosswalk_2025q4.csv").read_bytes())
    with pytest.raises(DataFileError, match="cannot tell the release"):
        detect(path).parse()


def test_name_quarter_must_match_the_code_column_year(
    tmp_path: Path, shared_data: Path, detect: Callable
) -> None:
    path = tmp_path / "crosswalk_2024q1.csv"  # the file's column is _2025_CODE
    path.write_bytes((shared_data / "asp_crosswalk" / "asp_ndc_hcpcs_crosswalk_2025q4.csv").read_bytes())
    with pytest.raises(DataFileError, match="cannot tell the release"):
        detect(path).parse()


def test_noc_crosswalk(shared_data: Path, parse: Callable) -> None:
    parsed, rows = parse(shared_data / "noc" / "original" / "noc_ndc_hcpcs_crosswalk_2025q4_original.csv")
    assert (parsed.kind, parsed.release, parsed.effective_to) == (
        "noc_crosswalk",
        "2025q4",
        date(2025, 12, 31),
    )
    assert [(r["ndc_11"], r["billing_units_per_package"]) for r in rows] == [("81298855203", "200"),
                                                                             ("81298855403", "400")]  # fmt: skip


@given(st.tuples(st.text("0123456789", min_size=5, max_size=5), st.text("0123456789", min_size=4, max_size=4),
                 st.text("0123456789", min_size=2, max_size=2)))  # fmt: skip
def test_ndc_11_of_a_542_ndc_is_its_digits(parts: tuple[str, str, str]) -> None:
    assert ndc_11_of("-".join(parts)) == "".join(parts)


@given(st.text(max_size=14))
def test_ndc_11_of_anything_else_is_none_or_11_digits(text: str) -> None:
    result = ndc_11_of(text)
    assert result is None or (len(result) == 11 and result.isdigit())


def test_other_cms_crosswalks_are_skipped_with_a_reason(tmp_path: Path, fixtures: Path) -> None:
    from nocrx.data.formats import Skip, identify
    from nocrx.data.reading import Source

    text = (fixtures / "crosswalk_cp1252_with_title_lines.csv").read_bytes().decode("cp1252")
    path = tmp_path / "awp.csv"
    path.write_text(text.replace("ASP NDC - HCPCS Crosswalk", "AWP NDC-HCPCS Crosswalk"))
    found = identify(Source(path))
    assert isinstance(found, Skip)
    assert found.reason.startswith("CMS AWP NDC-HCPCS crosswalk: not loaded")
