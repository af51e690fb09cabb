"""The domain model: frozen dataclasses with no I/O.

``ClaimLine`` is the input contract (one drug line and the claim facts it needs), ``Decision``
is what ``nocrx.decide`` answers (which code, how many units, why), ``Finding`` is one
problem with a line, and ``Evaluation`` is a decided and checked line, the thing renderers
turn into 837 segments and form fields. Imports nothing from nocrx but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Severity = Literal["error", "warning", "info"]
Status = Literal["ok", "warnings", "errors", "review"]

SETTINGS = ("professional", "outpatient-hospital", "asc", "dme")
CATEGORIES = (
    "antineoplastic",
    "biologic",
    "compounded",
    "immunosuppressive",
    "clotting-factor",
    "radiopharmaceutical-diagnostic",
    "radiopharmaceutical-therapeutic",
    "contrast",
    "vaccine",
    "inhalation",
    "esrd",
)
# 837P TR3 loop 2410 CTP05-1 and NUCC 24A: the only NDC unit-of-measure qualifiers.
NDC_UNIT_CODES = ("F2", "GR", "ME", "ML", "UN")


@dataclass(frozen=True, slots=True)
class Amount:
    """A number with its unit as written: 190 mg, 2 UN, 1.5 ML."""

    value: Decimal
    unit: str

    def __str__(self) -> str:
        return f"{format_number(self.value)} {self.unit}"


@dataclass(frozen=True, slots=True)
class Component:
    """One ingredient of a compounded drug."""

    ndc: str | None = None
    name: str | None = None
    quantity: Amount | None = None


@dataclass(frozen=True, slots=True)
class Investigational:
    study_id: str | None = None
    emergency: bool = False


@dataclass(frozen=True, slots=True)
class Drug:
    ndc: str | None = None
    name: str | None = None
    strength: str | None = None
    dose: Amount | None = None
    wasted: Amount | None = None
    quantity: Amount | None = None
    doses_per_vial: Decimal | None = None
    route: str | None = None
    container: str | None = None
    category: tuple[str, ...] = ()
    components: tuple[Component, ...] = ()
    investigational: Investigational | None = None
    fda_approval_date: date | None = None


@dataclass(frozen=True, slots=True)
class Administration:
    cpt: str
    units: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class Attachment:
    """2300 PWK: a document sent with or after the claim (e.g. an invoice)."""

    report_type: str = "OZ"
    transmission: str = "EL"
    control_number: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """One drug line with the claim facts the decision and the rules need (the input contract)."""

    date_of_service: date
    payer: str | None = None
    setting: str | None = None
    hcpcs: str | None = None
    modifiers: tuple[str, ...] = ()
    units: Decimal | None = None
    charge: Decimal | None = None
    diagnoses: tuple[str, ...] = ()
    narrative: str | None = None
    is_340b: bool = False
    drug: Drug | None = None
    administration: tuple[Administration, ...] = ()
    # Claim-level facts an 837 carries (batch reader, renderers); all optional.
    line_id: str | None = None
    revenue_code: str | None = None
    condition_codes: tuple[str, ...] = ()
    value_codes: tuple[tuple[str, str], ...] = ()
    attachment: Attachment | None = None

    def __repr__(self) -> str:
        # No patient data lives here, but narratives are free text: keep them out of logs.
        return (
            f"ClaimLine(dos={self.date_of_service}, payer={self.payer!r}, hcpcs={self.hcpcs!r}, "
            f"ndc={self.drug.ndc if self.drug else None!r}, narrative=<masked>)"
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with a line: what, where, why and how to fix it, with its source."""

    code: str
    severity: Severity
    field: str
    message: str
    fix: str
    source: str


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One step of the decision: what was looked at, what came out, and on what authority."""

    step: str
    result: str
    reason: str
    source: str


@dataclass(frozen=True, slots=True)
class Product:
    """What the loaded FDA directory (or formulary) says about an NDC's product."""

    product_ndc: str
    proprietary_name: str | None = None
    nonproprietary_name: str | None = None
    dosage_form: str | None = None
    route: str | None = None
    marketing_category: str | None = None
    application_number: str | None = None
    start_marketing_date: date | None = None
    end_marketing_date: date | None = None
    package_start_marketing_date: date | None = None
    package_end_marketing_date: date | None = None
    package_description: str | None = None
    pharm_classes: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class Decision:
    """Which HCPCS code, how many units, and why (``nocrx.decide.decide``).

    kind "specific": a specific code exists for this NDC/ingredient on the DOS (``code``; when
    the NDC maps to several codes, ``code`` is None and ``candidates`` lists them). kind "noc":
    no specific code was found, ``code`` is the NOC code to use, and ``candidates`` holds
    probable specific codes a person should look at (descriptor matches that were not exact
    and unique). kind "unknown": not enough input or data to decide. ``units`` are the billing
    units for the dose given; ``waste_units`` the discarded amount for a JW line.
    """

    code: str | None
    kind: Literal["specific", "noc", "unknown"]
    units: Decimal | None
    ndc_11: str | None
    modifiers: tuple[str, ...] = ()
    waste_units: Decimal | None = None
    nature: tuple[str, ...] = ()
    nature_is_guessed: bool = False
    hcpcs_dosage: str | None = None
    candidates: tuple[str, ...] = ()
    product: Product | None = None
    trace: tuple[TraceStep, ...] = ()
    findings: tuple[Finding, ...] = ()
    data_release: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PriceEstimate:
    amount: Decimal
    basis: str
    source: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A decided and checked line: what ``nocrx check`` prints and the renderers draw."""

    line: ClaimLine
    decision: Decision
    payer_id: str
    findings: tuple[Finding, ...]
    status: Status
    narrative: str | None = None
    narrative_overflow: str | None = None
    price: PriceEstimate | None = None

    @property
    def code(self) -> str | None:
        return self.decision.code

    @property
    def units(self) -> Decimal | None:
        return self.decision.units

    @property
    def modifiers(self) -> tuple[str, ...]:
        return self.decision.modifiers


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def sort_findings(findings: list[Finding] | tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Return findings errors first, then warnings, then info; stable within a severity."""
    return tuple(sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity]))


def format_number(value: Decimal) -> str:
    """Write a number the way claims do: no exponent, no trailing zeros, no commas.

    >>> format_number(Decimal("200.000"))
    '200'
    >>> format_number(Decimal("0.50"))
    '0.5'
    """
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
