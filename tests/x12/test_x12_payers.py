"""Payer -> profile mapping: defaults, TOML and CSV files, errors naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocrx.errors import InvalidInput
from nocrx.x12 import PayerMap, load_payer_map


@pytest.mark.parametrize(
    ("payer_id", "name", "profile"),
    [
        ("00435", "MEDICARE PART B", "medicare"),
        ("IL-MCD", "Illinois Medicaid", "medicaid"),
        ("MEDICARE-X", None, "medicare"),
        ("PLANID12345", "R&R Health Plan", "commercial"),
        (None, None, "commercial"),
    ],
    ids=["medicare-name", "medicaid-name", "medicare-id", "other", "nothing"],
)
def test_default_mapping(payer_id, name, profile):
    assert PayerMap().profile_for(payer_id, name) == profile


def test_toml_map(tmp_path: Path):
    path = tmp_path / "payers.toml"
    path.write_text(
        'default = "acme"\n[payer_ids]\n"00435" = "medicare-b"\n[payer_names]\n"R&R Health Plan" = "rr"\n'
    )
    payer_map = load_payer_map(path)
    assert payer_map.profile_for("00435", "MEDICARE PART B") == "medicare-b"
    assert payer_map.profile_for("X", "r&r health plan") == "rr"
    assert payer_map.profile_for("X", "BLUE") == "acme"


def test_csv_map(tmp_path: Path):
    path = tmp_path / "payers.csv"
    path.write_text("payer_id,payer_name,profile\n00435,,medicare-b\n,ACME HEALTH PLAN,acme\n")
    payer_map = load_payer_map(path)
    assert payer_map.profile_for("00435", None) == "medicare-b"
    assert payer_map.profile_for(None, "Acme Health Plan") == "acme"


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("bad.toml", "payer_ids = 3", "payer_ids"),
        ("bad2.toml", '[payer_ids]\n"1" = 5', "payer_ids.1"),
        ("bad3.toml", "[other]", "other"),
        ("bad4.toml", "not toml ==", "not valid TOML"),
        ("bad.csv", "id,name\n1,x\n", "payer_id,payer_name,profile"),
        ("bad2.csv", "payer_id,payer_name,profile\n1,,\n", ":2:"),
    ],
)
def test_bad_map_names_file_and_key(tmp_path: Path, name: str, text: str, where: str):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InvalidInput, match=name) as error:
        load_payer_map(path)
    assert where in str(error.value)


def test_missing_map_file(tmp_path: Path):
    with pytest.raises(InvalidInput, match="Cannot read payer map"):
        load_payer_map(tmp_path / "none.toml")
