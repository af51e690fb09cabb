"""Choose the not-otherwise-classified code by the drug's nature and the care setting.

"Unlisted codes are not interchangeable" (Palmetto JM; noc-rules.md 1.1): the NOC code is
chosen by therapeutic class (Novitas), route (oral J8499/J8999), how it is given (DME J7699/
J7799) and setting (C9399 only under OPPS or in an ASC, for drugs approved on or after
2004-01-01, MMA §621(a); noc-rules.md 1.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from nocrx.decide.descriptors import OPPS_SETTINGS
from nocrx.decide.nature import Nature
from nocrx.model import ClaimLine

C9399_FIRST_APPROVAL = date(2004, 1, 1)
# The CMS NOC code list (HCPCS 2019 NOC codes) and the MAC lists of unlisted drug codes
# (noc-rules.md 1.1), with Q9977, the compounded-drug code J7999 replaced on 2016-01-01.
NOC_CODES = frozenset(
    "J3490 J3590 J3591 J9999 C9399 J7999 J8499 J8999 J7599 J7699 J7799 J7199 A9699 A4641 A9698 J1599 "
    "J3535 J8498 J8597 Q0181 Q9977 90399 90749".split()
)


@dataclass(frozen=True, slots=True)
class NOCChoice:
    code: str
    reason: str
    source: str


def is_noc_code(code: str | None) -> bool:
    return code is not None and code.upper() in NOC_CODES


def choose_noc_code(
    line: ClaimLine,
    nature: Nature,
    *,
    compounded_code: str,
    approval_date: date | None,
) -> NOCChoice:
    """Pick the NOC code for a drug with no specific code on the date of service."""
    categories = set(nature.categories)
    if "compounded" in categories:
        return NOCChoice(
            compounded_code,
            "a compounded drug is billed under the payer's compounded-drug code",
            "CMS CR 9167 (Q9977), J7999 from 2016-01-01; payer profile (noc-rules.md 4)",
        )
    for category, code, why in _A_CODES:
        if category in categories:
            return NOCChoice(code, why, "HCPCS Level II descriptors of A4641/A9699/A9698; noc-rules.md 1.5")
    if line.setting in OPPS_SETTINGS and is_medicare_payer(line.payer):
        choice = _c9399(approval_date)
        if choice:
            return choice
    return _by_category(categories, nature.route, line.setting)


def _by_category(categories: set[str], route: str | None, setting: str | None) -> NOCChoice:
    noc = "CMS NOC code list (HCPCS 2019 NOC codes) and HCPCS Level II descriptors"
    if "esrd" in categories:
        return NOCChoice("J3591", "a drug for a patient with ESRD on dialysis", noc)
    if "clotting-factor" in categories:
        return NOCChoice("J7199", "a clotting factor (hemophilia clotting factor, NOC)", noc)
    if "antineoplastic" in categories:
        if route == "oral":
            return NOCChoice(
                "J8999",
                "an oral antineoplastic (prescription drug, oral, chemotherapeutic, NOS)",
                "Novitas: J8999 for an oral chemotherapy drug (noc-rules.md 1.1)",
            )
        return NOCChoice(
            "J9999",
            "an antineoplastic drug (not otherwise classified, antineoplastic drugs)",
            "Palmetto JM: J9999 for antineoplastics (noc-rules.md 1.1)",
        )
    if "immunosuppressive" in categories:
        return NOCChoice("J7599", "an immunosuppressive drug, not otherwise classified", noc)
    if "inhalation" in categories or (route == "inhalation" and setting == "dme"):
        return NOCChoice("J7699", "an inhalation solution given through DME", noc)
    if setting == "dme":
        return NOCChoice("J7799", "a drug given through DME, other than inhalation", noc)
    if route == "oral":
        return NOCChoice("J8499", "an oral drug that is not a chemotherapy drug", noc)
    if "biologic" in categories:
        return NOCChoice(
            "J3590",
            "a biologic (unclassified biologics)",
            "Palmetto JM: J3590 for biologicals (noc-rules.md 1.1)",
        )
    return NOCChoice(
        "J3490",
        "a drug with no more specific NOC code (unclassified drugs)",
        "Palmetto JM: J3490 for drugs (noc-rules.md 1.1)",
    )


def _c9399(approval_date: date | None) -> NOCChoice | None:
    source = "MMA §621(a); CMS Pub. 100-04 ch.17 §90.3 (C9399 under OPPS/ASC; noc-rules.md 1.5)"
    if approval_date is not None and approval_date < C9399_FIRST_APPROVAL:
        return None
    if approval_date is None:
        reason = (
            "a new drug on a Medicare OPPS/ASC claim; its FDA approval date is not in the loaded data, "
            "so C9399 assumes approval on or after 2004-01-01: confirm it"
        )
    else:
        reason = f"a drug approved {approval_date.isoformat()} (on or after 2004-01-01) on a Medicare OPPS/ASC claim"
    return NOCChoice("C9399", reason, source)


def is_medicare_payer(payer: str | None) -> bool:
    """Medicare national defaults and every Medicare contractor profile (no payer means Medicare)."""
    return payer is None or payer.lower().startswith("medicare")


_A_CODES = (
    ("radiopharmaceutical-diagnostic", "A4641", "a diagnostic radiopharmaceutical not otherwise classified"),
    (
        "radiopharmaceutical-therapeutic",
        "A9699",
        "a therapeutic radiopharmaceutical not otherwise classified",
    ),
    ("contrast", "A9698", "a non-radioactive contrast imaging material not otherwise classified"),
)
