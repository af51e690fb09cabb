"""Read payer profile files (TOML) into frozen models, failing on the first bad key with its path.

A setting is a table ``{ value = ..., source = "..." }`` or a list of such tables with ``from`` /
``to`` dates (inclusive), so one profile can say "JZ required from 2023-07-01". A load error
names the file and the key path, the way jsonschema gives every error a path:
``medicare-wps.toml: narrative.placement: unknown value 'SV1017' (one of: sv101-7, ...)``.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

from nocrx.errors import InvalidPayerProfile
from nocrx.payers.schema import (
    KINDS,
    PERIOD_KEYS,
    SECTIONS,
    SETTINGS_BY_PATH,
    SEVERITIES,
    TOP_LEVEL_KEYS,
    SettingSpec,
)
from nocrx.rules.catalog import CATALOG

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CODE = re.compile(r"^[A-Z0-9]{2,5}$")


@dataclass(frozen=True, slots=True)
class Period:
    """One value of a setting and the dates it holds (both ends inclusive; None = open)."""

    value: Any
    source: str
    starts: date | None = None
    ends: date | None = None
    note: str | None = None

    def covers(self, day: date) -> bool:
        return (self.starts is None or self.starts <= day) and (self.ends is None or day <= self.ends)


@dataclass(frozen=True, slots=True)
class ProfileFile:
    """A profile as written: its own settings (each a tuple of dated periods), before inheritance."""

    id: str
    name: str
    kind: str
    file: str
    extends: str | None = None
    description: str = ""
    jurisdiction: str = ""
    settings: dict[str, tuple[Period, ...]] = field(default_factory=dict)
    severities: dict[str, tuple[Period, ...]] = field(default_factory=dict)


def read_profile(path: Path, text: str | None = None) -> ProfileFile:
    """Read and validate one profile file; raise InvalidPayerProfile naming the file and key."""
    name = path.name
    try:
        data = tomllib.loads(path.read_text("utf-8") if text is None else text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidPayerProfile(f"{name}: not valid TOML: {error}") from None
    except OSError as error:
        raise InvalidPayerProfile(f"{name}: cannot be read: {error.strerror}") from None
    return _profile(data, name, path.stem)


def _profile(data: dict[str, Any], name: str, stem: str) -> ProfileFile:
    for key in data:
        if key not in TOP_LEVEL_KEYS and key not in SECTIONS and key != "severity":
            _fail(name, key, f"unknown key (known: {', '.join((*TOP_LEVEL_KEYS, *SECTIONS, 'severity'))})")
    payer_id = _text(data, "id", name, required=True)
    if not _ID.match(payer_id) or payer_id != stem:
        _fail(
            name,
            "id",
            f"'{payer_id}' must be lower-case letters, digits and hyphens, and match the file name",
        )
    kind = _text(data, "kind", name, required=True)
    if kind not in KINDS:
        _fail(name, "kind", f"unknown value '{kind}' (one of: {', '.join(KINDS)})")
    settings: dict[str, tuple[Period, ...]] = {}
    for section in SECTIONS:
        settings.update(_section(data.get(section), section, name))
    return ProfileFile(
        id=payer_id,
        name=_text(data, "name", name, required=True),
        kind=kind,
        file=name,
        extends=_text(data, "extends", name) or None,
        description=_text(data, "description", name),
        jurisdiction=_text(data, "jurisdiction", name),
        settings=settings,
        severities=_severities(data.get("severity"), name),
    )


def _section(raw: Any, section: str, name: str) -> dict[str, tuple[Period, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        _fail(name, section, "must be a table ([" + section + "])")
    out = {}
    for key, value in raw.items():
        path = f"{section}.{key}"
        spec = SETTINGS_BY_PATH.get(path)
        if spec is None:
            known = sorted(p.split(".", 1)[1] for p in SETTINGS_BY_PATH if p.startswith(section + "."))
            _fail(name, path, f"unknown setting (known in [{section}]: {', '.join(known)})")
        out[path] = _periods(value, path, name, lambda v, where, s=spec: _coerce(s, v, where, name))
    return out


def _severities(raw: Any, name: str) -> dict[str, tuple[Period, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        _fail(name, "severity", "must be a table ([severity])")
    out = {}
    for code, value in raw.items():
        path = f"severity.{code}"
        if code not in CATALOG:
            _fail(name, path, "unknown finding code (see: nocrx rules list)")
        out[code] = _periods(value, path, name, lambda v, where: _choice(v, SEVERITIES, where, name))
    return out


def _periods(raw: Any, path: str, name: str, coerce: Any) -> tuple[Period, ...]:
    items = raw if isinstance(raw, list) else [raw]
    periods = []
    for i, item in enumerate(items):
        where = f"{path}[{i}]" if isinstance(raw, list) else path
        if not isinstance(item, dict):
            _fail(name, where, 'must be a table { value = ..., source = "..." }')
        for key in item:
            if key not in PERIOD_KEYS:
                _fail(name, f"{where}.{key}", f"unknown key (known: {', '.join(PERIOD_KEYS)})")
        if "value" not in item:
            _fail(name, where, "has no value")
        source = item.get("source")
        if not isinstance(source, str) or not source.strip():
            _fail(name, where, 'has no source: cite the page the rule comes from (source = "https://...")')
        period = Period(
            value=coerce(item["value"], where),
            source=source.strip(),
            starts=_date(item.get("from"), f"{where}.from", name),
            ends=_date(item.get("to"), f"{where}.to", name),
            note=item.get("note") if isinstance(item.get("note"), str) else None,
        )
        if period.starts and period.ends and period.ends < period.starts:
            _fail(name, where, "ends before it starts")
        periods.append(period)
    _no_overlap(periods, path, name)
    return tuple(periods)


def _no_overlap(periods: list[Period], path: str, name: str) -> None:
    ordered = sorted(periods, key=lambda p: p.starts or date.min)
    for before, after in itertools.pairwise(ordered):
        if before.ends is None or (after.starts or date.min) <= before.ends:
            _fail(name, path, "has periods that overlap: give each value a from/to range of its own")


def _coerce(spec: SettingSpec, value: Any, where: str, name: str) -> Any:
    match spec.type:
        case "enum":
            return _choice(value, spec.choices, where, name)
        case "bool":
            if not isinstance(value, bool):
                _fail(name, where, f"must be true or false, not {value!r}")
            return value
        case "int":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                _fail(name, where, f"must be a whole number above 0, not {value!r}")
            return value
        case "decimal":
            return _decimal(value, where, name)
        case "code":
            return "" if value == "" else _hcpcs(value, where, name)
        case "codes":
            return tuple(_hcpcs(v, f"{where}[{i}]", name) for i, v in enumerate(_list(value, where, name)))
        case "enum-list":
            items = _list(value, where, name)
            return tuple(_choice(v, spec.choices, f"{where}[{i}]", name) for i, v in enumerate(items))
        case "text-list":
            items = _list(value, where, name)
            if not all(isinstance(v, str) and v.strip() for v in items):
                _fail(name, where, "must be a list of non-empty text")
            return tuple(v.strip() for v in items)
    raise AssertionError(spec.type)  # pragma: no cover - every SettingType is handled above


def _choice(value: Any, choices: tuple[str, ...], where: str, name: str) -> str:
    if not isinstance(value, str) or value not in choices:
        _fail(name, where, f"unknown value {value!r} (one of: {', '.join(choices)})")
    return value


def _hcpcs(value: Any, where: str, name: str) -> str:
    if not isinstance(value, str) or not _CODE.match(value):
        _fail(name, where, f"{value!r} is not a code (2-5 capital letters or digits, e.g. J7999 or KD)")
    return value


def _decimal(value: Any, where: str, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        _fail(name, where, f"must be a number, not {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        _fail(name, where, f"must be a number, not {value!r}")
    if not number.is_finite() or number < 0:
        _fail(name, where, f"must be a number of zero or more, not {value!r}")
    return number


def _list(value: Any, where: str, name: str) -> list[Any]:
    if not isinstance(value, list):
        _fail(name, where, f"must be a list, not {value!r}")
    return value


def _date(value: Any, where: str, name: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):  # TOML local dates arrive as datetime.date
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    _fail(name, where, f"{value!r} is not a date (write 2023-07-01)")


def _text(data: dict[str, Any], key: str, name: str, *, required: bool = False) -> str:
    value = data.get(key)
    if value is None:
        if required:
            _fail(name, key, "is required")
        return ""
    if not isinstance(value, str):
        _fail(name, key, "must be text")
    return value.strip()


def _fail(name: str, path: str, problem: str) -> NoReturn:
    raise InvalidPayerProfile(f"{name}: {path}: {problem}")
