"""`nocrx rules list` (the finding catalog) and `nocrx payers list` / `nocrx payers show ID`."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

import typer

from nocrx.cli.app import app
from nocrx.errors import InvalidInput
from nocrx.payers import PayerProfile, PayerRegistry, load_payers
from nocrx.payers.schema import SETTINGS
from nocrx.rules.catalog import CATALOG
from nocrx.settings import Settings

rules_app = typer.Typer(help="The finding codes nocrx reports.", no_args_is_help=True)
payers_app = typer.Typer(
    help="Payer profiles (shipped, and your own in $NOCRX_PAYERS).", no_args_is_help=True
)
app.add_typer(rules_app, name="rules")
app.add_typer(payers_app, name="payers")


@rules_app.command("list")
def list_rules(as_json: bool = typer.Option(False, "--json", help="Print the catalog as JSON.")) -> None:
    """Print every finding code with its default severity, meaning and source."""
    if as_json:
        typer.echo(json.dumps([asdict(rule) for rule in CATALOG.values()], indent=2))
        return
    for rule in CATALOG.values():
        typer.echo(f"{rule.code:<30} {rule.severity:<8} {rule.title}")
        typer.echo(f"{'':<30} {rule.meaning}")
        typer.echo(f"{'':<30} source: {rule.source}")


@payers_app.command("list")
def list_payers(as_json: bool = typer.Option(False, "--json", help="Print the list as JSON.")) -> None:
    """Print every payer profile id with its name and the profile it extends."""
    registry = _registry()
    rows = [registry.file(payer_id) for payer_id in registry.ids()]
    if as_json:
        payload = [
            {"id": r.id, "name": r.name, "kind": r.kind, "extends": r.extends, "file": r.file} for r in rows
        ]
        typer.echo(json.dumps(payload, indent=2))
        return
    for row in rows:
        extends = f"  (extends {row.extends})" if row.extends else ""
        typer.echo(f"{row.id:<20} {row.name}{extends}")


@payers_app.command("show")
def show_payer(
    payer_id: str = typer.Argument(..., help="Profile id, e.g. medicare-palmetto (see: nocrx payers list)."),
    on: str | None = typer.Option(None, "--date", help="Date of service, YYYY-MM-DD (default: today)."),
    as_json: bool = typer.Option(False, "--json", help="Print the settings as JSON."),
) -> None:
    """Print a payer's settings in force on a date, each with where it comes from."""
    day = _day(on)
    profile = _registry().get(payer_id, day)
    if as_json:
        typer.echo(json.dumps(_profile_dict(profile, day), indent=2))
        return
    typer.echo(f"{profile.id}: {profile.name} (on {day.isoformat()}; {' -> '.join(profile.chain)})")
    for spec in SETTINGS:
        typer.echo(f"  {spec.path:<40} {_text(getattr(profile, spec.attr))}")
        typer.echo(f"  {'':<40} {profile.source(spec.path)}")
    for code, severity in sorted(profile.severities.items()):
        typer.echo(f"  severity.{code:<31} {severity}")


def _registry() -> PayerRegistry:
    return load_payers(Settings.from_env().payers_dir)


def _day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f'--date must be a date written YYYY-MM-DD; got "{text}".', field="date") from None


def _text(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) or "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if value != "" else "(none)"


def _profile_dict(profile: PayerProfile, day: date) -> dict[str, Any]:
    settings = {}
    for spec in SETTINGS:
        value = getattr(profile, spec.attr)
        if isinstance(value, Decimal):
            value = float(value)
        settings[spec.path] = {"value": list(value) if isinstance(value, tuple) else value,
                               "source": profile.source(spec.path)}  # fmt: skip
    return {
        "id": profile.id, "name": profile.name, "kind": profile.kind, "date": day.isoformat(),
        "chain": list(profile.chain), "settings": settings, "severity": dict(profile.severities),
    }  # fmt: skip
