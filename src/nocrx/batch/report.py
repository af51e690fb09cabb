"""Write the scrub report (JSONL, CSV or HTML, by extension) atomically, and count its summary.

The summary proves nothing was lost: ``lines_read`` (service lines the reader produced) must
equal ``lines_out`` (line rows written). Money at risk is the sum of the charges of lines whose
check found an error.
"""

from __future__ import annotations

import csv
import html
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from nocrx.batch.progress import Span
from nocrx.batch.rows import COLUMNS
from nocrx.errors import InvalidInput
from nocrx.model import format_number

FORMATS = (".jsonl", ".csv", ".html")
COPY_BYTES = 4 << 20


def line_outcome(row: dict[str, Any]) -> tuple[str, tuple[str, ...], Decimal | None]:
    """What a line row adds to the summary: its status, its error codes, and its charge when it has errors."""
    errors = tuple(f["code"] for f in row["findings"] if f["severity"] == "error")
    # The charge is written by format_number: always a number.
    money_at_risk = Decimal(row["charge"]) if row["status"] == "errors" and row["charge"] else None
    return row["status"], errors, money_at_risk


@dataclass(slots=True)
class Summary:
    lines_read: int = 0
    lines_out: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    errors_by_code: Counter[str] = field(default_factory=Counter)
    issues_by_code: Counter[str] = field(default_factory=Counter)
    money_at_risk: Decimal = Decimal(0)

    def add(self, row: dict[str, Any]) -> None:
        if row["record"] == "issue":
            self.issues_by_code[row["finding_codes"]] += 1
            return
        self.add_line(*line_outcome(row))

    def add_line(
        self, status: str, error_codes: tuple[str, ...], money_at_risk: Decimal | None, times: int = 1
    ) -> None:
        """Count ``times`` line rows with this ``line_outcome`` (status, error codes, charge if errors)."""
        if not times:
            return
        self.lines_out += times
        self.statuses[status] += times
        for code in error_codes:
            self.errors_by_code[code] += times
        if money_at_risk is not None:
            self.money_at_risk += money_at_risk * times

    def merge(self, counts: dict[str, Any]) -> None:
        """Add a unit's ``to_dict()`` counts (kept in the progress file) to this summary."""
        self.lines_out += counts["lines_out"]
        self.statuses.update(counts["statuses"])
        self.errors_by_code.update(counts["errors_by_code"])
        self.issues_by_code.update(counts["issues_by_code"])
        self.money_at_risk += Decimal(counts["money_at_risk"])

    @property
    def is_complete(self) -> bool:
        return self.lines_read == self.lines_out

    def to_dict(self) -> dict[str, Any]:
        return {
            "record": "summary",
            "lines_read": self.lines_read,
            "lines_out": self.lines_out,
            "lines_in_equal_lines_out": self.is_complete,
            "statuses": dict(sorted(self.statuses.items())),
            "errors_by_code": dict(sorted(self.errors_by_code.items())),
            "issues_by_code": dict(sorted(self.issues_by_code.items())),
            "money_at_risk": format_number(self.money_at_risk),
        }


def report_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(
            f"Report {path.name}: the extension must be one of {', '.join(FORMATS)}.", field="report"
        )
    return suffix


def write_report(path: Path, rows: Iterable[dict[str, Any]], lines_read: int) -> Summary:
    """Write rows to path atomically (temporary file in the same folder, then rename)."""
    suffix = report_format(path)
    summary = Summary(lines_read=lines_read)
    counted = _counting(rows, summary)
    handle = _temporary_for(path)
    try:
        with handle:
            if suffix == ".jsonl":
                _write_jsonl(handle, counted, summary)
            elif suffix == ".csv":
                _write_csv(handle, counted)
            else:
                _write_html(handle, counted, summary)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return summary


def write_jsonl_parts(path: Path, spans: list[Span], summary: Summary) -> None:
    """Write a .jsonl report from the units' rows (``spans`` of files, JSONL already), then the summary.

    The spans at the start that lie end to end in one file from its first byte (a local run's
    units) are that file, moved (not copied) to become the report and cut after them; the other
    spans are appended to it as bytes. The files are used up either way.
    """
    temporary = _temporary_path(path)
    try:
        taken = _take_leading_file(spans, temporary)
        with open(temporary, "r+b" if taken else "wb") as handle:  # not "ab": see append_file
            handle.seek(0, os.SEEK_END)
            for span in spans[taken:]:
                append_file(span.path, handle, span.start, span.stop)  # bytes: the rows are UTF-8 already
            handle.write((json.dumps(summary.to_dict(), separators=(",", ":")) + "\n").encode("utf-8"))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _take_leading_file(spans: list[Span], temporary: Path) -> int:
    """Move the file of the leading end-to-end spans to ``temporary``, cut after them; how many spans."""
    if not spans or spans[0].start != 0:
        return 0
    first, end, taken = spans[0].path, spans[0].stop, 1
    while taken < len(spans) and end is not None and spans[taken].path == first and spans[taken].start == end:
        end, taken = spans[taken].stop, taken + 1
    if any(span.path == first for span in spans[taken:]):
        return 0  # the file holds later rows too: copy them all
    os.replace(first, temporary)  # same folder as the report, so a rename
    if end is not None:
        os.truncate(temporary, end)  # rows of a unit left unfinished may follow
    return taken


def append_file(name: str | Path, handle: BinaryIO, start: int = 0, stop: int | None = None) -> None:
    """Append bytes [start, stop) of the file ``name`` (stop None: to its end) to ``handle``.

    os.copy_file_range: no copy through this process. ``handle`` is opened "r+b" and at its
    end: copy_file_range refuses a file opened to append.
    """
    with open(name, "rb") as source:
        size = (os.fstat(source.fileno()).st_size if stop is None else stop) - start
        copied = 0
        try:
            while copied < size:
                step = os.copy_file_range(source.fileno(), handle.fileno(), size - copied, start + copied)
                if step == 0:
                    break
                copied += step
        except (AttributeError, OSError):  # not Linux, or file systems that refuse it
            source.seek(start + copied)
            handle.seek(0, os.SEEK_END)
            _copy_bytes(source, handle, size - copied)
            handle.flush()
    handle.seek(0, os.SEEK_END)  # the kernel moved the file's offset: later writes follow the copy


def _copy_bytes(source: BinaryIO, handle: BinaryIO, size: int) -> None:
    while size > 0:
        block = source.read(min(COPY_BYTES, size))
        if not block:
            return
        handle.write(block)
        size -= len(block)


def _temporary_for(path: Path) -> TextIO:
    """A temporary file beside the report (same file system, so os.replace is atomic; umask applies)."""
    return open(_temporary_path(path), "w", encoding="utf-8", newline="")


def _temporary_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _counting(rows: Iterable[dict[str, Any]], summary: Summary) -> Iterator[dict[str, Any]]:
    for row in rows:
        summary.add(row)
        yield row


def _write_jsonl(handle: TextIO, rows: Iterable[dict[str, Any]], summary: Summary) -> None:
    for row in rows:
        handle.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False) + "\n")
    handle.write(json.dumps(summary.to_dict(), separators=(",", ":")) + "\n")


def _write_csv(handle: TextIO, rows: Iterable[dict[str, Any]]) -> None:
    writer = csv.DictWriter(handle, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "findings": json.dumps(row["findings"], ensure_ascii=False)})


HTML_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nocrx scrub report</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3;cursor:pointer;position:sticky;top:0}tr.errors td,tr.unreadable td,tr.failed td{background:#fde8e8}
tr.warnings td,tr.review td{background:#fff6dd}tr.skipped td{color:#666}.summary td{border:none;padding:.1rem .6rem}
</style></head><body>
<h1>nocrx scrub report</h1>
"""
HTML_SCRIPT = """<script>
// Sort by a column (click its header); filter rows by any text (the box) and by status.
const table=document.getElementById('lines'),body=table.tBodies[0],box=document.getElementById('filter'),
status=document.getElementById('status');
function filterRows(){const q=box.value.toLowerCase(),s=status.value;for(const r of body.rows){
r.hidden=!(r.textContent.toLowerCase().includes(q)&&(!s||r.dataset.status===s));}}
box.addEventListener('input',filterRows);status.addEventListener('change',filterRows);
table.tHead.addEventListener('click',e=>{const th=e.target.closest('th');if(!th)return;const i=th.cellIndex,
dir=th.dataset.dir==='asc'?-1:1;th.dataset.dir=dir===1?'asc':'desc';const rows=[...body.rows];
rows.sort((a,b)=>{const x=a.cells[i].textContent,y=b.cells[i].textContent,nx=parseFloat(x),ny=parseFloat(y);
return dir*(!isNaN(nx)&&!isNaN(ny)?nx-ny:x.localeCompare(y));});body.append(...rows);});
</script></body></html>
"""
HTML_COLUMNS = ("file", "isa13", "st02", "segment", "clm01", "lx", "payer", "date_of_service", "hcpcs",
                "modifiers", "units", "charge", "ndc", "status", "code", "code_units", "finding_codes", "reason")  # fmt: skip


def _write_html(handle: TextIO, rows: Iterable[dict[str, Any]], summary: Summary) -> None:
    """Rows first into the table, then the summary (known only at the end) in a second pass."""
    handle.write(HTML_HEAD)
    body = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed below
    issues: list[dict[str, Any]] = []
    with body:
        for row in rows:
            if row["record"] == "issue":
                issues.append(row)
                continue
            cells = "".join(f"<td>{_cell(row[c])}</td>" for c in HTML_COLUMNS)
            body.write(
                f'<tr class="{_cell(row["status"])}" data-status="{_cell(row["status"])}">{cells}</tr>\n'
            )
        handle.write(_summary_html(summary))
        handle.write(_issues_html(issues))
        handle.write('<p><input id="filter" placeholder="Filter rows" size="40"> <select id="status">'
                     '<option value="">all statuses</option>'
                     + "".join(f"<option>{s}</option>" for s in sorted(summary.statuses)) + "</select></p>\n")  # fmt: skip
        handle.write('<table id="lines"><thead><tr>')
        handle.write("".join(f"<th>{c}</th>" for c in HTML_COLUMNS) + "</tr></thead><tbody>\n")
        body.seek(0)
        for text in body:
            handle.write(text)
    handle.write("</tbody></table>\n" + HTML_SCRIPT)


def _summary_html(summary: Summary) -> str:
    data = summary.to_dict()
    items = [
        ("Service lines read", data["lines_read"]),
        ("Lines in the report", data["lines_out"]),
        ("Lines in = lines out", "yes" if data["lines_in_equal_lines_out"] else "NO"),
        ("Money at risk (charges of lines with errors)", data["money_at_risk"]),
        *((f"Status {k}", v) for k, v in data["statuses"].items()),
        *((f"Error {k}", v) for k, v in data["errors_by_code"].items()),
    ]
    body = "".join(f"<tr><td>{_cell(k)}</td><td>{_cell(v)}</td></tr>" for k, v in items)
    return f'<h2>Summary</h2><table class="summary" id="summary">{body}</table>\n'


def _issues_html(issues: list[dict[str, Any]]) -> str:
    if not issues:
        return ""
    head = "".join(
        f"<th>{c}</th>" for c in ("file", "isa13", "st02", "segment", "status", "finding_codes", "reason")
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(i[c])}</td>" for c in ("file", "isa13", "st02", "segment", "status",
                                                              "finding_codes", "reason")) + "</tr>"
        for i in issues
    )  # fmt: skip
    return f'<h2>File and envelope issues</h2><table id="issues"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n'


def _cell(value: Any) -> str:
    return "" if value is None else html.escape(str(value))
