"""`nocrx render FILE --format ...`: a claim JSON out as 837P, 837I, CMS-1500, UB-04, FHIR or PDF."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer

from nocrx.cli.app import app
from nocrx.cli.common import DB_OPTION, store_path
from nocrx.errors import InvalidInput
from nocrx.model import ClaimLine, Evaluation
from nocrx.render.claim import parse_claim
from nocrx.render.formats import FORMATS, render_claim
from nocrx.render.lines import evaluation_from_line

OUTPUT_OPTION = typer.Option(None, "--output", "-o", help="Write here (atomically) instead of stdout.")


@app.command()
def render(
    file: str = typer.Argument(..., help="A claim JSON file (see README: Claim JSON); - reads stdin."),
    output_format: str = typer.Option(
        ..., "--format", "-f", help="837p, 837i, cms1500, ub04, fhir or cms1500-pdf."
    ),
    output: Path | None = OUTPUT_OPTION,
    implementation: str | None = typer.Option(
        None, "--implementation", help="837I version: 005010X223A2 (default) or 005010X223A1."
    ),
    db: Path | None = DB_OPTION,
) -> None:
    """Render a claim: each line is decided and checked when a store is loaded, else sent as given."""
    chosen = output_format.lower()
    if chosen not in FORMATS:
        raise InvalidInput(
            f'--format must be one of {", ".join(FORMATS)}; got "{output_format}".', field="format"
        )
    claim = parse_claim(_read_json(file))
    evaluations = _evaluate(claim.lines, db)
    _warn_about_errors(evaluations)
    content = render_claim(claim, evaluations, chosen, implementation=implementation)
    if output is None:
        if isinstance(content, bytes):
            raise InvalidInput("--format cms1500-pdf writes a PDF: give -o FILE.pdf.", field="output")
        typer.echo(content, nl=not content.endswith("\n"))
        return
    write_atomically(output, content if isinstance(content, bytes) else content.encode("utf-8"))
    typer.echo(f"wrote {output} ({chosen})", err=True)


def _evaluate(lines: Sequence[ClaimLine], db: Path | None) -> list[Evaluation]:
    # With a loaded store, each line goes through Checker (decide + rules: code, units, modifiers,
    # narrative). With no store file, or an empty one, the line is rendered as given.
    path = store_path(db)
    if not path.exists():
        return [evaluation_from_line(line) for line in lines]
    from nocrx.checker import Checker
    from nocrx.data.store import Store

    with Store(path) as store:
        if not store.releases():
            return [evaluation_from_line(line) for line in lines]
        checker = Checker(store)
        return [checker.check(line) for line in lines]


def _warn_about_errors(evaluations: Sequence[Evaluation]) -> None:
    # The output is still written (the biller asked for it), but not silently: name the line and
    # the finding codes (never the claim's content, which may hold PHI).
    for index, evaluation in enumerate(evaluations):
        codes = sorted({f.code for f in evaluation.findings if f.severity == "error"})
        if codes:
            typer.echo(
                f"warning: claim.lines[{index}] has error findings: {', '.join(codes)} (see nocrx check).",
                err=True,
            )


def _read_json(file: str) -> Any:
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"Cannot read {file}: {error.strerror}.", field="file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{file} is not JSON: {error.msg} at line {error.lineno}.", field="file") from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it over ``path``."""
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
