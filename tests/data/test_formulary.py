"""A practice formulary / chargemaster CSV: flexible headers, NDC in any label form."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nocrx.data.formulary import columns_of
from nocrx.errors import DataFileError


def test_fixture_formulary(fixtures: Path, parse: Callable) -> None:
    parsed, rows = parse(fixtures / "practice_formulary.csv")
    assert (parsed.kind, parsed.release, parsed.effective_from) == ("formulary", "practice_formulary", None)
    assert rows[0] == {"ndc_11": "00074104401", "drug_name": "Emrelis (telisotuzumab vedotin-tllv)",
                       "strength": "100 mg/vial", "route": "intravenous", "hcpcs": "J3590",
                       "category": "antineoplastic", "container": "single-dose"}  # fmt: skip
    assert [r["ndc_11"] for r in rows] == ["00074104401", "00006302602", "59572073021"]
    assert rows[2]["hcpcs"] is None
    assert rows[2]["container"] is None


@pytest.mark.parametrize(("header", "expected"), [
    (["ndc", "name"], {"ndc_11": 0, "drug_name": 1}),
    (["NDC_11", "Drug_Name", "HCPCS"], {"ndc_11": 0, "drug_name": 1, "hcpcs": 2}),
    (["Item Description", "National Drug Code", "Route of Administration"], {"drug_name": 0, "ndc_11": 1, "route": 2}),
    (["NDC", "description", "Name"], {"ndc_11": 0, "drug_name": 1}),  # the first alias wins
])  # fmt: skip
def test_header_aliases(header: list[str], expected: dict[str, int]) -> None:
    assert columns_of(header) == expected


def test_only_ndc_and_name_are_required(tmp_path: Path, parse: Callable) -> None:
    path = tmp_path / "stock.csv"
    path.write_text("NDC,Name\n0006-3026-02,Keytruda\n\n")
    _, rows = parse(path)
    assert rows == [{"ndc_11": "00006302602", "drug_name": "Keytruda", "strength": None, "route": None,
                     "hcpcs": None, "category": None, "container": None}]  # fmt: skip


def test_a_bad_ndc_names_the_line(tmp_path: Path, detect: Callable) -> None:
    path = tmp_path / "stock.csv"
    path.write_text("NDC,Name\n0006-3026-02,Keytruda\n0006302602,Ambiguous ten digits\n")
    with pytest.raises(DataFileError, match=r"stock.csv line 3: .*10-digit NDC without hyphens"):
        detect(path).parse()
