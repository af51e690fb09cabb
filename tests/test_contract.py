"""The JSON input contract: every field but date_of_service optional, bad values named by field."""

import pytest

from nocrx.contract import parse_claim_line
from nocrx.errors import InvalidInput

SEED = {
    "date_of_service": "2025-11-14", "payer": "medicare", "setting": "professional", "hcpcs": "J3490",
    "modifiers": ["jz"], "units": 1, "charge": 2500.00, "diagnoses": ["C34.90"],
    "narrative": "Emrelis 190 mg IV NDC 00074104401", "340b": False,
    "drug": {"ndc": "0074-1044-01", "name": "Emrelis (telisotuzumab vedotin-tllv)", "strength": "100 mg/vial",
             "dose": {"value": 190, "unit": "mg"}, "wasted": {"value": 10, "unit": "mg"},
             "quantity": {"value": 2, "unit": "UN"}, "doses_per_vial": 1, "route": "intravenous",
             "container": "single-dose", "category": ["antineoplastic", "biologic"],
             "components": [{"ndc": "0409-4888-02", "name": "sodium chloride", "quantity": {"value": 1, "unit": "ML"}}],
             "investigational": {"study_id": "NCT01234567", "emergency": False}},
    "administration": [{"cpt": "96413", "units": 1}],
}  # fmt: skip


def test_the_issue_example_reads_completely() -> None:
    line = parse_claim_line(SEED)
    assert line.modifiers == ("JZ",)
    assert line.drug is not None
    assert line.drug.dose is not None
    assert str(line.drug.dose) == "190 mg"
    assert line.drug.components[0].quantity is not None
    assert line.drug.investigational is not None
    assert line.drug.investigational.study_id == "NCT01234567"
    assert line.administration[0].cpt == "96413"


def test_only_the_date_is_required() -> None:
    line = parse_claim_line({"date_of_service": "2025-11-14"})
    assert line.drug is None
    assert line.modifiers == ()


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        pytest.param({"date_of_service": None}, "date_of_service", id="missing date"),
        pytest.param({"date_of_service": "11/14/2025"}, "date_of_service", id="US date"),
        pytest.param({"setting": "hospital"}, "setting", id="unknown setting"),
        pytest.param({"units": "two"}, "units", id="units not a number"),
        pytest.param({"units": -1}, "units", id="negative units"),
        pytest.param({"340b": "yes"}, "340b", id="340b not boolean"),
        pytest.param({"modifiers": "JZ"}, "modifiers", id="modifiers not a list"),
        pytest.param({"drug": {"category": ["chemo"]}}, "drug.category", id="unknown category"),
        pytest.param({"drug": {"dose": {"value": 190}}}, "drug.dose", id="dose without unit"),
        pytest.param({"drug": {"container": "vial"}}, "drug.container", id="unknown container"),
        pytest.param({"drug": {"nda": "x"}}, "drug.nda", id="misspelled drug field"),
        pytest.param(
            {"administration": [{"units": 1}]}, "administration[0]", id="administration without cpt"
        ),
        pytest.param({"surprise": 1}, "surprise", id="unknown top-level field"),
    ],
)
def test_bad_values_name_their_field(patch: dict[str, object], field: str) -> None:
    data = {"date_of_service": "2025-11-14"} | patch
    with pytest.raises(InvalidInput) as caught:
        parse_claim_line(data)
    assert caught.value.field == field
    assert field.split("[")[0].split(".")[-1] in caught.value.message


def test_a_line_must_be_an_object() -> None:
    with pytest.raises(InvalidInput, match="JSON object"):
        parse_claim_line(["2025-11-14"])
