"""Fetch the reference-data files over HTTP: from the official URLs, or from a mirror laid out
like ../shared/data. Every file is written atomically (a temporary file in the same folder,
then ``os.replace``); a mirror file whose sha256 differs from the one in ``sources`` is not kept.

The network is touched in one function, ``http_fetch``; ``download`` takes any function of
the same shape, so tests and callers can point it elsewhere. Tests serve ../shared/data from
a local ``http.server`` on 127.0.0.1, never the internet.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import urlsplit

from nocrx.data.sources import SOURCES, DataSource
from nocrx.errors import DataFileError

logger = logging.getLogger(__name__)


class Sink(Protocol):
    """Where a fetch writes the bytes it receives."""

    def write(self, data: bytes, /) -> int: ...


# (url, sink) -> None; raises DataFileError when the fetch fails.
Fetch = Callable[[str, Sink], None]
DownloadStatus = Literal["downloaded", "failed", "skipped"]
TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True, slots=True)
class DownloadResult:
    source_id: str
    status: DownloadStatus
    url: str | None = None
    path: Path | None = None
    reason: str = ""


def http_fetch(url: str, out: Sink) -> None:
    """GET ``url`` into ``out``, streaming; any HTTP or network failure is a DataFileError."""
    import httpx  # a core dependency, imported here so other commands start without it

    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=TIMEOUT_SECONDS) as response:
            if response.status_code != 200:
                raise DataFileError(f"{url}: HTTP {response.status_code}.")
            for block in response.iter_bytes(1 << 20):
                out.write(block)
    except httpx.HTTPError as error:
        raise DataFileError(f"{url}: {type(error).__name__}: {error}.") from error


def plan(
    mirror: str | None, sources: Iterable[DataSource] = SOURCES
) -> list[tuple[DataSource, str | None, str]]:
    """(source, URL or None, path under the destination) for each source.

    With a mirror, paths mirror the shared-data layout. Without one, each official zip or file
    is saved under ``official/`` by its own name; a source with no known official URL gets None.
    """
    planned: list[tuple[DataSource, str | None, str]] = []
    for source in sources:
        if mirror:
            planned.append((source, f"{mirror.rstrip('/')}/{source.mirror_path}", source.mirror_path))
        elif source.url:
            planned.append((source, source.url, f"official/{Path(urlsplit(source.url).path).name}"))
        else:
            planned.append((source, None, ""))
    return planned


def download(
    dest: Path,
    *,
    mirror: str | None = None,
    fetch: Fetch = http_fetch,
    sources: Iterable[DataSource] = SOURCES,
) -> list[DownloadResult]:
    """Download every source into ``dest``; one result per source, failures do not stop the rest."""
    results = []
    seen: set[str] = set()
    for source, url, relative in plan(mirror, sources):
        if url is None:
            reason = f"no known official URL; download it from {source.page} or use --mirror"
            results.append(DownloadResult(source.id, "skipped", reason=reason))
            continue
        if url in seen:  # one official zip can hold several sources (FDA ndctext.zip)
            results.append(DownloadResult(source.id, "skipped", url, reason="same file as an earlier source"))
            continue
        seen.add(url)
        target = dest / relative
        expected = source.mirror_sha256 if mirror else None
        try:
            fetch_atomically(url, target, fetch=fetch, expected_sha256=expected)
        except (DataFileError, OSError) as error:
            logger.warning("download of %s failed: %s", source.id, error)
            results.append(DownloadResult(source.id, "failed", url, target, str(error)))
            continue
        results.append(DownloadResult(source.id, "downloaded", url, target))
    return results


def fetch_atomically(
    url: str, target: Path, *, fetch: Fetch = http_fetch, expected_sha256: str | None = None
) -> None:
    """Fetch into a temporary file beside ``target``, check the sha256, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out:
            fetch(url, _Hashing(out, digest))
        if expected_sha256 and digest.hexdigest() != expected_sha256:
            raise DataFileError(f"{url}: sha256 {digest.hexdigest()[:12]}... is not the expected "
                                f"{expected_sha256[:12]}... (file not kept).")  # fmt: skip
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


class _Hashing:
    """A write-only file that hashes what passes through it."""

    def __init__(self, out: Sink, digest: hashlib._Hash) -> None:
        self._out, self._digest = out, digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return self._out.write(data)
