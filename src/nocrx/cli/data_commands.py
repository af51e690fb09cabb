"""`nocrx data import|status|download`: load the official reference files and show what is loaded."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import typer

from nocrx.cli.app import app
from nocrx.cli.common import DB_OPTION, open_store
from nocrx.data.download import download as download_sources
from nocrx.data.importer import ImportResult, import_paths
from nocrx.settings import Settings

data_app = typer.Typer(help="Load the CMS and FDA reference files (import, download) and show them (status).",
                       no_args_is_help=True)  # fmt: skip
app.add_typer(data_app, name="data")

PATHS_ARGUMENT = typer.Argument(..., help="Files or folders (searched recursively), e.g. ../shared/data.")
DEST_OPTION = typer.Option(Path("nocrx-data"), "--dest", help="Folder to save the files in.")


@data_app.command("import")
def import_command(
    paths: list[Path] = PATHS_ARGUMENT,
    replace: bool = typer.Option(
        False, "--replace", help="Load a different file over a release already loaded."
    ),
    db: Path | None = DB_OPTION,
) -> None:
    """Import reference-data files, recognised by content; exit 1 if a file could not be read."""
    with open_store(db) as store:
        results = import_paths(store, paths, replace=replace)
    for result in results:
        typer.echo(_import_line(result))
    counts = {status: sum(r.status == status for r in results)
              for status in ("loaded", "replaced", "unchanged", "skipped", "error")}  # fmt: skip
    typer.echo(", ".join(f"{n} {status}" for status, n in counts.items() if n) or "no files")
    raise typer.Exit(1 if counts["error"] else 0)


def _import_line(result: ImportResult) -> str:
    what = f" {result.kind} {result.release}" if result.kind and result.release else ""
    rows = f" ({result.rows:,} row{'' if result.rows == 1 else 's'})" if result.rows is not None else ""
    reason = f": {result.reason}" if result.reason else ""
    return f"{result.status:9} {result.file}{what}{rows}{reason}"


@data_app.command("status")
def status_command(
    as_json: bool = typer.Option(False, "--json", help="Print the loaded releases as JSON."),
    db: Path | None = DB_OPTION,
) -> None:
    """List every loaded release: kind, release, effective dates, rows, file, sha256, load time."""
    with open_store(db) as store:
        releases = store.releases()
    if as_json:
        payload = [_jsonable(asdict(r)) for r in releases]
        typer.echo(json.dumps(payload, indent=2))
        return
    if not releases:
        typer.echo(
            "No reference data loaded. Run: nocrx data import ../shared/data (or nocrx data download --import)."
        )
        return
    _print_table(releases)


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}


def _print_table(releases: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("kind", "release", "effective", "rows", "file", "sha256", "loaded at", "notes")
    for r in releases:
        span = f"{r.effective_from or '…'} – {r.effective_to or 'open'}"
        table.add_row(r.kind, r.release, span, f"{r.row_count:,}", Path(r.source_file).name, r.sha256[:12],
                      r.loaded_at, r.notes or "")  # fmt: skip
    Console(width=None if sys.stdout.isatty() else 200).print(table)


@data_app.command("download")
def download_command(
    mirror: str | None = typer.Option(
        None,
        "--mirror",
        help="Base URL of a mirror laid out like ../shared/data "
        "(default: $NOCRX_DATA_MIRROR, else the official CMS/FDA URLs).",
    ),
    dest: Path = DEST_OPTION,
    then_import: bool = typer.Option(False, "--import", help="Import the downloaded files into the store."),
    db: Path | None = DB_OPTION,
) -> None:
    """Download the official reference files (or a mirror's copies); exit 1 if one failed."""
    mirror = mirror or Settings.from_env().data_mirror
    results = download_sources(dest, mirror=mirror)
    for result in results:
        where = f" -> {result.path}" if result.status == "downloaded" else ""
        reason = f": {result.reason}" if result.reason else ""
        typer.echo(f"{result.status:10} {result.source_id}{where}{reason}")
    failed = any(r.status == "failed" for r in results)
    if then_import:
        files = [r.path for r in results if r.status == "downloaded" and r.path is not None]
        with open_store(db) as store:
            imported = import_paths(store, files)
        for item in imported:
            typer.echo(_import_line(item))
        failed = failed or any(r.status == "error" for r in imported)
    raise typer.Exit(1 if failed else 0)
