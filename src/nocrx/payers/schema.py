"""What a payer profile may say: every setting, its type, its allowed values and its default.

A profile file sets some of these (each with a ``source``); a profile that ``extends`` another
inherits the rest; a setting no profile in the chain sets takes the default below, which is the
"no payer rule found" value. The settings follow the places where the research found payers to
disagree (noc-rules.md, "Conflicts and unknowns the design must handle").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

SettingType = Literal["enum", "bool", "int", "decimal", "code", "codes", "enum-list", "text-list"]

NARRATIVE_ELEMENTS = ("name", "strength", "dose", "route", "ndc", "quantity", "doses_per_vial")
PLACEMENTS = ("sv101-7", "nte-overflow", "nte", "item19", "attachment")
WASTE_POLICIES = ("none", "jw-when-wasted", "jz-required", "jw-jz-required")
NOC_UNIT_RULES = ("one", "per-container")
WASTE_REPORTING = ("jw-line", "notes")
ATTACHMENT_METHODS = ("pwk", "paper")
SEVERITIES = ("error", "warning", "info")
KINDS = ("medicare", "medicaid", "commercial")
SKIN_SUBSTITUTE_WASTE = ("subject", "excluded")


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One setting a profile may carry: where it lives in the TOML, its type and default."""

    path: str
    type: SettingType
    default: Any
    help: str
    choices: tuple[str, ...] = ()

    @property
    def attr(self) -> str:
        """The PayerProfile attribute that holds the value (``narrative.max_length`` -> ``narrative_max_length``)."""
        return self.path.replace(".", "_")


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("narrative.placement", "enum", "sv101-7",
                "where the NOC description goes: sv101-7 (837P 2400 SV101-7 only), nte-overflow (SV101-7, "
                "the rest in 2400 NTE02), nte (2400 NTE02), item19 (CMS-1500 item 19 or its electronic "
                "equivalent), attachment (80 characters, the rest on an attachment / PWK)", PLACEMENTS),
    SettingSpec("narrative.max_length", "int", 80, "characters the narrative field holds (SV101-7: 80)"),
    SettingSpec("narrative.elements", "enum-list", ("name", "dose"),
                "what the narrative holds, in order, when known", NARRATIVE_ELEMENTS),
    SettingSpec("narrative.required_elements", "enum-list", ("name", "dose"),
                "elements whose absence makes the line unprocessable", NARRATIVE_ELEMENTS),
    SettingSpec("narrative.extra_elements_harmful", "bool", False,
                "whether information beyond the required elements can get the line rejected"),
    SettingSpec("narrative.per_ml_banned", "bool", False,
                'whether amounts written "mg/mL" are rejected outside compounded drugs'),
    SettingSpec("narrative.required_for_noc", "bool", True, "whether a NOC code line needs a narrative"),
    SettingSpec("identification.ndc_required", "bool", True, "whether the line must carry the 11-digit NDC"),
    SettingSpec("identification.route_required", "bool", False, "whether the route must be given"),
    SettingSpec("identification.strength_required", "bool", False, "whether the strength must be given"),
    SettingSpec("identification.doses_per_vial_required", "bool", False,
                "whether doses per vial must be given for multi-dose containers"),
    SettingSpec("units.noc", "enum", "one",
                "NOC code units: one (Medicare: 1 unit, priced from the narrative) or per-container",
                NOC_UNIT_RULES),
    SettingSpec("modifiers.allowed", "codes", (), "drug-line modifiers the payer accepts (empty: any)"),
    SettingSpec("modifiers.required", "codes", (), "modifiers every drug line must carry"),
    SettingSpec("modifiers.require_340b", "bool", False, "whether 340B-acquired drugs need JG or TB"),
    SettingSpec("waste.policy", "enum", "none",
                "JW/JZ for single-dose containers: none, jw-when-wasted, jz-required (JZ when nothing "
                "is discarded), jw-jz-required (a line without either is unprocessable)", WASTE_POLICIES),
    SettingSpec("waste.noc_waste", "enum", "jw-line",
                "how discarded NOC drug is reported: a JW line or in the notes", WASTE_REPORTING),
    SettingSpec("waste.c9399_waste", "enum", "notes", "how discarded C9399 drug is reported", WASTE_REPORTING),
    SettingSpec("waste.skin_substitutes", "enum", "subject",
                "whether skin substitutes (Q41xx-Q43xx) are subject to JW/JZ", SKIN_SUBSTITUTE_WASTE),
    SettingSpec("compound.code", "code", "J7999", "the NOC code for a compounded drug"),
    SettingSpec("compound.pump_code", "code", "", "the code for a compounded drug in an implanted pump (empty: compound.code)"),
    SettingSpec("compound.pump_modifier", "code", "", "the modifier a pump compound line carries (e.g. KD)"),
    SettingSpec("pricing.by_invoice", "codes", (), "codes the payer prices from the invoice"),
    SettingSpec("pricing.invoice_when_unpriced", "bool", True,
                "whether a NOC drug with no published price needs an invoice"),
    SettingSpec("pricing.invoice_threshold", "decimal", Decimal(0),
                "line charge from which an invoice must be attached (0: no threshold)"),
    SettingSpec("pricing.attachment", "enum", "pwk",
                "how an invoice is sent: pwk (2300 PWK with a control number) or paper", ATTACHMENT_METHODS),
    SettingSpec("diagnosis.required", "bool", True, "whether the line needs at least one ICD-10-CM code"),
    SettingSpec("diagnosis.neoplasm_codes", "codes", ("J9999", "J8999"),
                "codes that need a neoplasm diagnosis (C00-D49)"),
    SettingSpec("diagnosis.neoplasm_severity", "enum", "warning",
                "severity when such a code has no neoplasm diagnosis", SEVERITIES),
    SettingSpec("diagnosis.label_match", "bool", False,
                "whether an oncology NOC drug's diagnosis must match the FDA label (or the narrative state "
                "the label criteria)"),
    SettingSpec("diagnosis.compendia", "text-list", (),
                "compendia the payer accepts for off-label use"),
    SettingSpec("trial.nct_required", "bool", True, "whether trial lines need the 8-digit NCT number"),
    SettingSpec("trial.modifier_required", "bool", True, "whether trial lines need Q0 or Q1"),
    SettingSpec("trial.z006_required", "bool", True, "whether trial claims need ICD-10-CM Z00.6"),
    SettingSpec("trial.institutional_codes_required", "bool", True,
                "whether institutional trial claims need condition code 30 and value code D4"),
)  # fmt: skip

SETTINGS_BY_PATH = {spec.path: spec for spec in SETTINGS}
SECTIONS = tuple(dict.fromkeys(spec.path.split(".")[0] for spec in SETTINGS))
TOP_LEVEL_KEYS = ("id", "name", "kind", "extends", "description", "jurisdiction")
PERIOD_KEYS = ("value", "from", "to", "source", "note")
