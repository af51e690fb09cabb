"""Payer profiles: every shipped file loads and cites its sources; a typo names file and key;
settings are picked by date of service; a user folder adds or replaces payers."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from nocrx.errors import InvalidPayerProfile, UnknownPayer
from nocrx.payers import PayerProfile, load_payers
from nocrx.payers.loader import read_profile
from nocrx.payers.registry import shipped_profiles
from nocrx.payers.schema import SETTINGS

SHIPPED = [
    "medicare", "medicare-wps", "medicare-cgs", "medicare-palmetto", "medicare-noridian", "medicare-fcso",
    "medicare-novitas", "medicare-ngs", "medicaid", "commercial",
]  # fmt: skip


@pytest.fixture(scope="module")
def registry():
    return load_payers()


@pytest.mark.parametrize("payer_id", SHIPPED)
@pytest.mark.parametrize("day", [date(2015, 3, 1), date(2023, 8, 1), date(2025, 11, 14)], ids=str)
def test_shipped_profile_loads(registry, payer_id, day):
    profile = registry.get(payer_id, day)
    assert profile.id == payer_id
    assert profile.narrative_max_length == 80


@pytest.mark.parametrize(("path", "text"), shipped_profiles(), ids=lambda v: str(v)[:30])
def test_every_shipped_setting_cites_a_page(path, text):
    profile = read_profile(path, text)
    periods = [p for ps in (*profile.settings.values(), *profile.severities.values()) for p in ps]
    assert periods
    assert all("http" in p.source or "noc-rules.md" in p.source for p in periods), path


def test_profile_model_matches_the_schema():
    names = {f.name for f in fields(PayerProfile)}
    assert {spec.attr for spec in SETTINGS} <= names
    assert names - {spec.attr for spec in SETTINGS} == {
        "id",
        "name",
        "kind",
        "valid_from",
        "valid_to",
        "chain",
        "sources",
        "severities",
        "memo",
    }


HEADER = 'id = "medicare-wps"\nname = "WPS"\nkind = "medicare"\n'
TYPOS = [
    pytest.param('[narrative]\nplacement = { value = "SV1017", source = "https://x" }',
                 "medicare-wps.toml: narrative.placement: unknown value 'SV1017'", id="unknown-value"),
    pytest.param('[narrative]\nplacment = { value = "sv101-7", source = "https://x" }',
                 "medicare-wps.toml: narrative.placment: unknown setting", id="misspelt-setting"),
    pytest.param('[narative]\nplacement = { value = "sv101-7", source = "https://x" }',
                 "medicare-wps.toml: narative: unknown key", id="misspelt-section"),
    pytest.param('[narrative]\nplacement = { value = "sv101-7" }',
                 "medicare-wps.toml: narrative.placement: has no source", id="no-source"),
    pytest.param('[narrative]\nmax_length = { value = "eighty", source = "https://x" }',
                 "medicare-wps.toml: narrative.max_length: must be a whole number", id="wrong-type"),
    pytest.param('[narrative]\nelements = { value = ["name", "dosage"], source = "https://x" }',
                 "medicare-wps.toml: narrative.elements[1]: unknown value 'dosage'", id="list-item"),
    pytest.param('[waste]\npolicy = [{ value = "none", to = 2023-13-01, source = "https://x" }]',
                 "medicare-wps.toml: not valid TOML", id="bad-toml-date"),
    pytest.param('[waste]\npolicy = [{ value = "none", to = "July 2023", source = "https://x" }]',
                 "medicare-wps.toml: waste.policy[0].to: 'July 2023' is not a date", id="text-date"),
    pytest.param('[waste]\npolicy = [{ value = "none", source = "https://x" },\n'
                 '  { value = "jz-required", from = 2023-07-01, source = "https://x" }]',
                 "medicare-wps.toml: waste.policy: has periods that overlap", id="overlap"),
    pytest.param('[waste]\npolicy = [{ value = "none", frm = 2023-07-01, source = "https://x" }]',
                 "medicare-wps.toml: waste.policy[0].frm: unknown key", id="misspelt-from"),
    pytest.param('[compound]\ncode = { value = "j7999!", source = "https://x" }',
                 "medicare-wps.toml: compound.code: 'j7999!' is not a code", id="bad-code"),
    pytest.param('[severity]\nNARRATIVE_EXTRA = { value = "error", source = "https://x" }',
                 "medicare-wps.toml: severity.NARRATIVE_EXTRA: unknown finding code", id="unknown-finding"),
    pytest.param('[severity]\nNARRATIVE_EXTRA_INFO = { value = "fatal", source = "https://x" }',
                 "medicare-wps.toml: severity.NARRATIVE_EXTRA_INFO: unknown value 'fatal'", id="bad-severity"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "message"), TYPOS)
def test_typo_names_file_and_key(tmp_path, body, message):
    path = tmp_path / "medicare-wps.toml"
    path.write_text(HEADER + body, "utf-8")
    with pytest.raises(InvalidPayerProfile) as error:
        load_payers(tmp_path)
    assert str(error.value).startswith(message), str(error.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('id = "acme"\nname = "Acme"\nkind = "commercial"\nextends = "medicare-xyz"\n',
                     "acme.toml: extends: no payer profile 'medicare-xyz'", id="unknown-parent"),
        pytest.param('id = "other"\nname = "Acme"\nkind = "commercial"\n',
                     "acme.toml: id: 'other' must be", id="id-not-file-name"),
        pytest.param('id = "acme"\nname = "Acme"\nkind = "hmo"\n', "acme.toml: kind: unknown value 'hmo'",
                     id="unknown-kind"),
        pytest.param('id = "acme"\nkind = "commercial"\n', "acme.toml: name: is required", id="no-name"),
    ],
)  # fmt: skip
def test_profile_header_errors(tmp_path, text, message):
    (tmp_path / "acme.toml").write_text(text, "utf-8")
    with pytest.raises(InvalidPayerProfile, match="^" + message.replace("(", r"\(")):
        load_payers(tmp_path)


def test_extends_cycle_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text('id = "a"\nname = "A"\nkind = "commercial"\nextends = "b"\n', "utf-8")
    (tmp_path / "b.toml").write_text('id = "b"\nname = "B"\nkind = "commercial"\nextends = "a"\n', "utf-8")
    with pytest.raises(InvalidPayerProfile, match="makes a cycle"):
        load_payers(tmp_path)


@pytest.mark.parametrize(
    ("day", "policy"),
    [
        pytest.param(date(2016, 6, 1), "none", id="before-jw"),
        pytest.param(date(2023, 3, 1), "jw-when-wasted", id="jw-only"),
        pytest.param(date(2023, 7, 1), "jz-required", id="jz-required-first-day"),
        pytest.param(date(2023, 9, 30), "jz-required", id="jz-required-last-day"),
        pytest.param(date(2023, 10, 1), "jw-jz-required", id="unprocessable-without"),
    ],
)
def test_waste_policy_follows_the_date(registry, day, policy):
    # Noridian JF: JW from 2017-01-01, JZ required 2023-07-01, unprocessable without either from 2023-10-01.
    profile = registry.get("medicare-palmetto", day)
    assert profile.waste_policy == policy
    assert "noridianmedicare.com" in profile.source("waste.policy")


@pytest.mark.parametrize(
    ("day", "code"),
    [(date(2014, 5, 1), "J3490"), (date(2015, 9, 1), "Q9977"), (date(2016, 1, 1), "J7999")],
    ids=str,
)
def test_medicare_compound_code_by_date(registry, day, code):
    assert registry.get("medicare-cgs", day).compound_code == code


def test_values_hold_over_the_span_between_changes(registry):
    jz_required = registry.get("medicare", date(2023, 8, 15))
    assert (jz_required.valid_from, jz_required.valid_to) == (date(2023, 7, 1), date(2023, 9, 30))
    assert registry.get("medicare", date(2023, 9, 1)) is jz_required


def test_340b_modifiers_from_2024(registry):
    assert not registry.get("medicare", date(2023, 12, 31)).modifiers_require_340b
    assert registry.get("medicare", date(2024, 1, 1)).modifiers_require_340b


def test_contractor_inherits_and_overrides(registry):
    wps = registry.get("medicare-wps", date(2025, 11, 14))
    assert wps.chain == ("medicare-wps", "medicare")
    assert wps.narrative_elements == ("name", "strength", "dose", "route")
    assert wps.units_noc == "one"
    assert wps.source("units.noc").startswith("medicare units.noc:")


def test_unknown_payer_lists_known_ids(registry):
    with pytest.raises(UnknownPayer) as error:
        registry.get("medicare-d", date(2025, 1, 1))
    assert "medicare-palmetto" in str(error.value)
    assert "nocrx payers list" in str(error.value)


def test_user_folder_adds_and_replaces_payers(tmp_path: Path):
    (tmp_path / "bcbs-tx.toml").write_text(
        'id = "bcbs-tx"\nname = "BCBS Texas"\nkind = "commercial"\nextends = "commercial"\n'
        '[units]\nnoc = { value = "one", source = "plan manual https://example.org/bcbs" }\n', "utf-8")  # fmt: skip
    (tmp_path / "medicaid.toml").write_text(
        'id = "medicaid"\nname = "Texas Medicaid"\nkind = "medicaid"\n', "utf-8")  # fmt: skip
    registry = load_payers(tmp_path)
    plan = registry.get("bcbs-tx", date(2025, 11, 14))
    assert plan.units_noc == "one"
    assert plan.compound_code == "J3490"
    assert registry.get("medicaid", date(2025, 11, 14)).name == "Texas Medicaid"


def test_missing_user_folder_is_an_error(tmp_path):
    with pytest.raises(InvalidPayerProfile, match="does not exist"):
        load_payers(tmp_path / "nowhere")


def test_severity_override_changes_a_findings_severity(tmp_path: Path):
    (tmp_path / "strict-plan.toml").write_text(
        'id = "strict-plan"\nname = "Strict plan"\nkind = "commercial"\nextends = "commercial"\n[severity]\n'
        'ADMINISTRATION_MISSING = { value = "error", source = "plan manual https://example.org/strict" }\n', "utf-8")  # fmt: skip
    registry = load_payers(tmp_path)
    assert registry.get("strict-plan", date(2025, 11, 14)).severities == {"ADMINISTRATION_MISSING": "error"}


def test_readme_example_profile_loads(tmp_path: Path):
    readme = (Path(__file__).resolve().parents[2] / "src" / "nocrx" / "payers" / "README.md").read_text(
        "utf-8"
    )
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "bcbs-tx.toml").write_text(example, "utf-8")
    registry = load_payers(tmp_path)
    assert registry.get("bcbs-tx", date(2024, 6, 30)).waste_policy == "jw-when-wasted"
    assert registry.get("bcbs-tx", date(2024, 7, 1)).waste_policy == "jw-jz-required"
    assert registry.get("bcbs-tx", date(2024, 7, 1)).compound_code == "J3490"  # inherited from commercial
