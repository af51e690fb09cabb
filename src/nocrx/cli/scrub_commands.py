"""`nocrx scrub PATH... --report OUT`: check every drug line of 837 files; write a report."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from nocrx.batch import ScrubOptions, run_scrub
from nocrx.batch.report import Summary
from nocrx.cli.app import app
from nocrx.cli.common import DB_OPTION, store_path
from nocrx.errors import InvalidInput

ENGINES = ("local", "dask")


PATHS_ARGUMENT = typer.Argument(..., help="837P/837I files, or folders (every file inside, sorted).")
REPORT_OPTION = typer.Option(..., "--report", help="Report file: .jsonl, .csv or .html (written atomically).")
PAYER_MAP_OPTION = typer.Option(None, "--payer-map", help="TOML or CSV: payer id/name -> profile id.")


@app.command()
def scrub(
    paths: list[Path] = PATHS_ARGUMENT,
    report: Path = REPORT_OPTION,
    payer_map: Path | None = PAYER_MAP_OPTION,
    engine: str = typer.Option(
        "local", "--engine", help="local, or dask to spread files over a Dask cluster."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address (default: a local cluster)."
    ),
    workers: int = typer.Option(2, "--workers", help="Workers of the local Dask cluster."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run with the same inputs."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
    db: Path | None = DB_OPTION,
) -> None:
    """Check every drug line of 837 files; exit 0 when no line has an error, 1 when one has."""
    if engine not in ENGINES:
        raise InvalidInput(f'Unknown engine "{engine}". Use local or dask.', field="engine")
    files = _expand(paths)
    options = ScrubOptions(
        db_path=str(store_path(db)), payer_map_path=str(payer_map) if payer_map else None,
        engine=engine, scheduler=scheduler, workers=workers, resume=resume,
    )  # fmt: skip
    show_progress = not quiet and sys.stderr.isatty()
    if show_progress:
        summary = _run_with_progress(files, report, options)
    else:
        summary = run_scrub(files, report, options)
    typer.echo(_format_summary(summary, report))
    raise typer.Exit(1 if summary.statuses.get("errors") or not summary.is_complete else 0)


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise InvalidInput(f"{path}: no such file or folder.", field="paths")
    return files


def _run_with_progress(files: list[Path], report: Path, options: ScrubOptions) -> Summary:
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    total = sum(f.stat().st_size for f in files)
    columns = (
        TextColumn("scrub"),
        BarColumn(),
        TextColumn("{task.fields[lines]:,} lines"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task("scrub", total=total, lines=0)
        lines = 0

        def advance(size: int, lines_read: int) -> None:
            nonlocal lines
            lines += lines_read
            progress.update(task, advance=size, lines=lines)

        return run_scrub(files, report, options, on_unit_done=advance)


def _format_summary(summary: Summary, report: Path) -> str:
    data = summary.to_dict()
    statuses = ", ".join(f"{k} {v}" for k, v in data["statuses"].items()) or "none"
    errors = ", ".join(f"{k} {v}" for k, v in data["errors_by_code"].items()) or "none"
    check = "lines in = lines out" if summary.is_complete else "LINES MISSING"
    return (
        f"{data['lines_read']} service lines read, {data['lines_out']} in the report ({check})\n"
        f"statuses: {statuses}\nerrors by finding code: {errors}\n"
        f"money at risk: {data['money_at_risk']}\nreport: {report}"
    )
