"""`nocrx check FILE|-` and `nocrx code --ndc ... --date ...`: the decision and the verdict."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from nocrx.cli.app import app
from nocrx.cli.common import DB_OPTION, open_store
from nocrx.cli.verdict import format_verdict
from nocrx.contract import evaluation_to_dict, parse_claim_line
from nocrx.errors import InvalidInput
from nocrx.model import Evaluation

if TYPE_CHECKING:
    from nocrx.checker import Checker
    from nocrx.data.store import Store


@app.command()
def check(
    file: str = typer.Argument(
        ..., help="A JSON line (object), a JSON list of lines, or JSON Lines; - reads stdin."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the output contract as JSON."),
    db: Path | None = DB_OPTION,
) -> None:
    """Decide and check drug lines; exit 0 when no line has an error finding, 1 when one has."""
    lines = [parse_claim_line(item) for item in _read_lines(file)]
    with open_store(db) as store:
        checker = _checker(store)
        evaluations = [checker.check(line) for line in lines]
    if as_json:
        payload: Any = [evaluation_to_dict(e) for e in evaluations]
        typer.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2))
    else:
        typer.echo("\n\n".join(_verdict_with_claim_output(e) for e in evaluations))
    raise typer.Exit(1 if any(_has_errors(e) for e in evaluations) else 0)


@app.command()
def code(
    ndc: str | None = typer.Option(
        None, "--ndc", help="NDC in any form: 0006-3026-02, 00006302602, N400006302602."
    ),
    date_of_service: str = typer.Option(..., "--date", help="Date of service, YYYY-MM-DD."),
    dose: str | None = typer.Option(None, "--dose", help="Dose given, e.g. 200mg, 1.5 mL, 40 units."),
    name: str | None = typer.Option(
        None, "--name", help='Drug name, e.g. "Emrelis (telisotuzumab vedotin-tllv)".'
    ),
    route: str | None = typer.Option(None, "--route", help="Route, e.g. intravenous, oral."),
    setting: str = typer.Option(
        "professional", "--setting", help="professional, outpatient-hospital, asc or dme."
    ),
    payer: str = typer.Option("medicare", "--payer", help="Payer profile id (see nocrx payers list)."),
    hcpcs: str | None = typer.Option(None, "--hcpcs", help="The code on the line now, if any (e.g. J3490)."),
    as_json: bool = typer.Option(False, "--json", help="Print the output contract as JSON."),
    db: Path | None = DB_OPTION,
) -> None:
    """Which HCPCS code for this drug on this date, and how many units (the decision alone).

    Exit 0 when a code is decided, 1 when the decision itself has an error (e.g. an NDC listed
    under several codes). `nocrx check` runs every claim-line rule on top.
    """
    drug: dict[str, Any] = {"ndc": ndc, "name": name, "route": route}
    if dose:
        drug["dose"] = _parse_dose(dose)
    line = parse_claim_line(
        {
            "date_of_service": date_of_service,
            "payer": payer,
            "setting": setting,
            "hcpcs": hcpcs,
            "drug": {k: v for k, v in drug.items() if v is not None},
        }
    )
    with open_store(db) as store:
        evaluation = _checker(store).code_only(line)
    typer.echo(
        json.dumps(evaluation_to_dict(evaluation), indent=2) if as_json else format_verdict(evaluation)
    )
    raise typer.Exit(1 if _has_errors(evaluation) else 0)


def _verdict_with_claim_output(evaluation: Evaluation) -> str:
    """The verdict, then the 837P segments and CMS-1500 24A line a biller can submit."""
    from nocrx.render.preview import claim_preview

    preview = "\n".join(f"  {row}" for row in claim_preview(evaluation).splitlines())
    return f"{format_verdict(evaluation)}\n  claim output (as decided):\n{preview}"


def _checker(store: Store) -> Checker:
    # Imported here: the rules and payer profiles load only for the commands that use them.
    from nocrx.checker import Checker

    return Checker(store)


def _has_errors(evaluation: Evaluation) -> bool:
    return any(f.severity == "error" for f in evaluation.findings)


def _read_lines(file: str) -> list[Any]:
    """Read a JSON object, a JSON list, or JSON Lines from a file or stdin."""
    if file == "-":
        text = sys.stdin.read()
    else:
        path = Path(file)
        if not path.is_file():
            raise InvalidInput(f'Cannot read "{file}": no such file.', field="file")
        text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        try:
            return [json.loads(row) for row in text.splitlines() if row.strip()]
        except json.JSONDecodeError as error:
            raise InvalidInput(
                f"{file}: not JSON or JSON Lines (line {error.lineno}, column {error.colno}: {error.msg}).",
                field="file",
            ) from None
    items = data if isinstance(data, list) else [data]
    if not items:
        raise InvalidInput(f"{file}: no lines to check.", field="file")
    return items


def _parse_dose(text: str) -> dict[str, str]:
    """Split "190mg" or "1.5 mL" into the contract's {"value", "unit"}."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*([A-Za-zµ]+)\s*", text)
    if not match:
        raise InvalidInput(
            f'--dose: "{text}" is not a dose; write it like 200mg or 1.5mL.', field="drug.dose"
        )
    return {"value": match.group(1), "unit": match.group(2)}
