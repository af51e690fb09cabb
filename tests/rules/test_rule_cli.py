"""`nocrx rules list`, `nocrx payers list` and `nocrx payers show` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import nocrx.cli.rules_commands  # noqa: F401 - registers the commands on the app
from nocrx.cli.app import app
from nocrx.rules.catalog import CATALOG

runner = CliRunner()


def test_rules_list_prints_every_code():
    done = runner.invoke(app, ["rules", "list"])
    assert done.exit_code == 0
    for code in CATALOG:
        assert code in done.stdout


def test_rules_list_json_has_source_and_meaning():
    rules = json.loads(runner.invoke(app, ["rules", "list", "--json"]).stdout)
    assert {r["code"] for r in rules} == set(CATALOG)
    assert all(r["source"] and r["meaning"] and r["severity"] in ("error", "warning", "info") for r in rules)


def test_payers_list_names_the_shipped_profiles():
    done = runner.invoke(app, ["payers", "list"])
    assert done.exit_code == 0
    assert "medicare-palmetto" in done.stdout
    assert "(extends medicare)" in done.stdout


def test_payers_list_includes_the_users_folder(tmp_path, monkeypatch):
    (tmp_path / "acme.toml").write_text('id = "acme"\nname = "Acme Health"\nkind = "commercial"\n', "utf-8")
    monkeypatch.setenv("NOCRX_PAYERS", str(tmp_path))
    payers = json.loads(runner.invoke(app, ["payers", "list", "--json"]).stdout)
    assert {
        "id": "acme",
        "name": "Acme Health",
        "kind": "commercial",
        "extends": None,
        "file": "acme.toml",
    } in payers


@pytest.mark.parametrize(
    ("day", "policy"),
    [
        pytest.param("2023-08-01", "jz-required", id="aug-2023"),
        pytest.param("2024-02-01", "jw-jz-required", id="2024"),
    ],
)
def test_payers_show_on_a_date(day, policy):
    done = runner.invoke(app, ["payers", "show", "medicare-palmetto", "--date", day, "--json"])
    shown = json.loads(done.stdout)
    assert shown["settings"]["waste.policy"]["value"] == policy
    assert "noridianmedicare.com" in shown["settings"]["waste.policy"]["source"]
    assert shown["chain"] == ["medicare-palmetto", "medicare"]


def test_payers_show_text_cites_each_setting():
    done = runner.invoke(app, ["payers", "show", "medicare-wps", "--date", "2025-11-14"])
    assert "narrative.elements" in done.stdout
    assert "wpsmedicare.com" in done.stdout


def test_unknown_payer_exits_2_with_the_known_ids():
    done = subprocess.run([sys.executable, "-m", "nocrx", "payers", "show", "medicare-b"], capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith(
        'Error [UNKNOWN_PAYER]: Unknown payer "medicare-b". Known payers: commercial'
    )


def test_profile_typo_exits_2_naming_file_and_key(tmp_path):
    (tmp_path / "acme.toml").write_text(
        'id = "acme"\nname = "Acme"\nkind = "commercial"\n[narrative]\nplacement = { value = "SV1017", '
        'source = "https://example.org" }\n', "utf-8")  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "nocrx", "payers", "list"], capture_output=True, text=True,
                          timeout=120, check=False, env={"NOCRX_PAYERS": str(tmp_path), "PATH": ""})  # fmt: skip
    assert done.returncode == 2
    assert "acme.toml: narrative.placement: unknown value 'SV1017'" in done.stderr
