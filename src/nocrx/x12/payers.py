"""Map the payer an 837 names (2010BB NM1*PR: NM103 name, NM109 id) to a nocrx payer profile id.

A mapping file is TOML::

    default = "commercial"            # optional
    [payer_ids]
    "00435" = "medicare"
    [payer_names]
    "R&R HEALTH PLAN" = "commercial"

or CSV with the header ``payer_id,payer_name,profile`` (either key column may be empty).
Ids match exactly, names case-insensitively. Without a match: a name or id containing
MEDICARE gives "medicare", MEDICAID gives "medicaid", anything else the default.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from nocrx.errors import InvalidInput

DEFAULT_PROFILE = "commercial"


@dataclass(frozen=True, slots=True)
class PayerMap:
    by_id: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    default: str = DEFAULT_PROFILE

    def profile_for(self, payer_id: str | None, payer_name: str | None) -> str:
        """Return the profile id for a payer.

        >>> PayerMap().profile_for("00435", "MEDICARE B")
        'medicare'
        >>> PayerMap(by_id={"PLANID12345": "acme"}).profile_for("PLANID12345", "R&R Health Plan")
        'acme'
        """
        if payer_id and payer_id in self.by_id:
            return self.by_id[payer_id]
        name = (payer_name or "").strip().upper()
        if name and name in self.by_name:
            return self.by_name[name]
        text = f"{name} {(payer_id or '').upper()}"
        if "MEDICARE" in text:
            return "medicare"
        if "MEDICAID" in text:
            return "medicaid"
        return self.default


def load_payer_map(path: Path) -> PayerMap:
    """Read a TOML or CSV payer mapping file; raise InvalidInput naming file and key."""
    try:
        if path.suffix.lower() == ".csv":
            return _load_csv(path)
        return _load_toml(path)
    except OSError as error:
        raise InvalidInput(f"Cannot read payer map {path}: {error.strerror}.", field="payer_map") from None


def _load_toml(path: Path) -> PayerMap:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: not valid TOML ({error}).", field="payer_map") from None
    unknown = set(data) - {"default", "payer_ids", "payer_names"}
    if unknown:
        raise InvalidInput(
            f"{path}: unknown key {sorted(unknown)[0]!r} (use payer_ids, payer_names, default)."
        )
    by_id = _string_table(data.get("payer_ids", {}), path, "payer_ids")
    by_name = {
        k.strip().upper(): v
        for k, v in _string_table(data.get("payer_names", {}), path, "payer_names").items()
    }
    default = data.get("default", DEFAULT_PROFILE)
    if not isinstance(default, str) or not default:
        raise InvalidInput(f"{path}:default must be a profile id string.", field="payer_map")
    return PayerMap(by_id=by_id, by_name=by_name, default=default)


def _string_table(table: object, path: Path, key: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise InvalidInput(f"{path}:{key} must be a table of payer -> profile id.", field="payer_map")
    for name, value in table.items():
        if not isinstance(value, str) or not value:
            raise InvalidInput(f"{path}:{key}.{name} must be a profile id string.", field="payer_map")
    return dict(table)


def _load_csv(path: Path) -> PayerMap:
    by_id: dict[str, str] = {}
    by_name: dict[str, str] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "profile" not in reader.fieldnames:
            raise InvalidInput(f"{path}: the header must be payer_id,payer_name,profile.", field="payer_map")
        for number, row in enumerate(reader, start=2):
            profile = (row.get("profile") or "").strip()
            if not profile:
                raise InvalidInput(f"{path}:{number}: profile is empty.", field="payer_map")
            if (row.get("payer_id") or "").strip():
                by_id[row["payer_id"].strip()] = profile
            if (row.get("payer_name") or "").strip():
                by_name[row["payer_name"].strip().upper()] = profile
    return PayerMap(by_id=by_id, by_name=by_name)
