"""Import reference-data files into the store: files or folders in, one result per file out.

Each file is recognised by its content (``formats.identify``), parsed, and loaded as one
release with its sha256. A run that holds both CMS's own file and a converted copy of the
same release (as ../shared/data does) loads the official file first and skips the copy, so
each release is loaded once, and importing the same folder twice changes nothing. A bad file
becomes an ``error`` result naming the file and the reason; the other files still load.

    >>> from nocrx.data.store import Store
    >>> with Store() as store:
    ...     import_paths(store, [])
    []
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from nocrx.data.formats import Detected, Skip, identify
from nocrx.data.reading import READ_ERRORS, Source, is_xlsx, is_zip, zip_members
from nocrx.data.sources import landing_page
from nocrx.data.store import Store
from nocrx.errors import DataFileError

logger = logging.getLogger(__name__)

ImportStatus = Literal["loaded", "replaced", "unchanged", "skipped", "error"]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What became of one file (or zip member)."""

    file: str
    status: ImportStatus
    reason: str = ""
    kind: str | None = None
    release: str | None = None
    rows: int | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class _Planned:
    source: Source
    detected: Detected

    @property
    def order(self) -> tuple[bool, bool, str]:
        # Official files first, complete forms before cut ones, then by name: deterministic.
        return (not self.detected.is_official, not self.detected.is_complete, self.source.label)


def import_paths(store: Store, paths: Iterable[str | Path], *, replace: bool = False) -> list[ImportResult]:
    """Import every file under ``paths`` (files or folders, recursive, sorted)."""
    planned: list[_Planned] = []
    results: list[ImportResult] = []
    for source in _sources(list_files(paths), results):
        try:
            found = identify(source)
        except DataFileError as error:
            results.append(ImportResult(source.label, "error", str(error)))
            continue
        if isinstance(found, Skip):
            results.append(ImportResult(source.label, "skipped", found.reason))
        else:
            planned.append(_Planned(source, found))
    done: dict[tuple[str, str], str] = {}
    loads = [_import_one(store, item, replace, done) for item in sorted(planned, key=lambda p: p.order)]
    # Once per import, not per file: choosing each NDC's product reads every FDA release.
    store.index_fda_products()
    store.index_hcpcs_words()
    return loads + results


def list_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, and those under the folders named (hidden files left out), in order."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path)))
        elif path.is_file():
            files.append(path)
        else:
            raise DataFileError(f'"{path}" is neither a file nor a folder.', hint="check the path")
    return list(dict.fromkeys(files))


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _sources(files: list[Path], results: list[ImportResult]) -> Iterator[Source]:
    """Each file as a Source; a zip (not an xlsx) stands for its members."""
    for path in files:
        try:
            with path.open("rb") as stream:
                head = stream.read(4)
            if not is_zip(head) or is_xlsx(Source(path)):
                yield Source(path)
                continue
            members, skipped = zip_members(path)
        except (DataFileError, *READ_ERRORS) as error:
            results.append(ImportResult(str(path), "error", _one_line(error, str(path))))
            continue
        results.extend(ImportResult(f"{path}!{name}", "skipped", reason) for name, reason in skipped)
        yield from members


def _import_one(
    store: Store, item: _Planned, replace: bool, done: dict[tuple[str, str], str]
) -> ImportResult:
    source, detected = item.source, item.detected
    label = source.label
    try:
        sha256 = source.sha256()
        known = store.release_with_sha256(sha256)
        if known is not None:
            done[(known.kind, known.release)] = label
            return ImportResult(label, "unchanged", f"already loaded from {known.source_file}", known.kind,
                                known.release, known.row_count, detected.description)  # fmt: skip
        parsed = detected.parse()
        key = (parsed.kind, parsed.release)
        if key in done:
            why = "a converted copy of" if not detected.is_official else "another file for"
            return ImportResult(label, "skipped", f"{why} {parsed.kind} {parsed.release}, loaded from {done[key]}",
                                parsed.kind, parsed.release, None, detected.description)  # fmt: skip
        parsed.source_url = parsed.source_url or landing_page(parsed.kind)
        loaded = store.load(parsed, source_file=label, sha256=sha256, replace=replace)
    except (DataFileError, *READ_ERRORS) as error:
        logger.warning("could not import %s: %s", label, error)
        return ImportResult(label, "error", _one_line(error, label), description=detected.description)
    release = loaded.release
    if loaded.status != "skipped":
        done[key] = label
    reason = loaded.reason
    if loaded.status == "skipped" and not detected.is_official:
        reason = (
            f"a converted copy of {parsed.kind} {parsed.release}, already loaded from {release.source_file}"
        )
    rows = release.row_count if loaded.status != "skipped" else None
    return ImportResult(label, loaded.status, reason, parsed.kind, parsed.release, rows, detected.description)


def _one_line(error: Exception, label: str) -> str:
    text = " ".join(str(error).split())
    return text if label in text else f"{label}: {text}"
