"""Downloads from a mirror: a local http.server on 127.0.0.1 serving ../shared/data (never the internet)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from nocrx.data.download import download, plan
from nocrx.data.importer import import_paths
from nocrx.data.sources import SOURCES, DataSource
from nocrx.data.store import Store

SMALL = tuple(
    s for s in SOURCES if s.id in ("noc-crosswalk-2025q4", "noc-pricing-2025q4", "asp-pricing-2025q4")
)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # the test output stays clean
        pass


@pytest.fixture(scope="module")
def mirror(shared_data: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(shared_data))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_every_source_is_on_the_mirror_with_its_sha256(shared_data: Path) -> None:
    import hashlib

    for source in SOURCES:
        data = (shared_data / source.mirror_path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == source.mirror_sha256, source.id


def test_mirror_download_then_import(mirror: str, shared_data: Path, tmp_path: Path) -> None:
    results = download(tmp_path / "dl", mirror=mirror, sources=SMALL)
    assert [r.status for r in results] == ["downloaded"] * 3
    for source, result in zip(SMALL, results, strict=True):
        assert result.path == tmp_path / "dl" / source.mirror_path
        assert result.path.read_bytes() == (shared_data / source.mirror_path).read_bytes()
    with Store(tmp_path / "store.sqlite3") as store:
        imported = import_paths(store, [r.path for r in results if r.path])
        assert {(r.status, r.kind, r.release) for r in imported} == {
            ("loaded", "asp_pricing", "2025q4"), ("loaded", "noc_pricing", "2025q4"),
            ("loaded", "noc_crosswalk", "2025q4")}  # fmt: skip


def test_wrong_sha256_keeps_nothing(mirror: str, tmp_path: Path) -> None:
    wrong = DataSource(
        "x", "noc_pricing", "x", "noc/original/noc_pricing_2025q4_original.csv", "0" * 64, "p", "l"
    )
    [result] = download(tmp_path, mirror=mirror, sources=[wrong])
    assert result.status == "failed"
    assert "sha256" in result.reason
    assert list(tmp_path.rglob("*.csv")) == []
    assert list(tmp_path.rglob("*.part")) == []


def test_missing_file_is_a_failed_result(mirror: str, tmp_path: Path) -> None:
    missing = DataSource("gone", "noc_pricing", "x", "noc/nothing_here.csv", None, "p", "l")
    [result] = download(tmp_path, mirror=mirror, sources=[missing])
    assert (result.status, "HTTP 404" in result.reason) == ("failed", True)


def test_unreachable_mirror_is_a_failed_result(tmp_path: Path) -> None:
    [result] = download(tmp_path, mirror="http://127.0.0.1:9", sources=SMALL[:1])
    assert result.status == "failed"
    assert "127.0.0.1:9" in result.reason


def test_without_mirror_only_known_official_urls_are_planned() -> None:
    planned = plan(None)
    urls = [url for _, url, _ in planned if url]
    assert all(url.startswith(("https://www.cms.gov/", "https://www.accessdata.fda.gov/")) for url in urls)
    unknown = [source.id for source, url, _ in planned if url is None]
    assert "fda-ndc-reduced-2025-12" in unknown  # third-party: mirror only


def test_fetch_seam_replaces_http(tmp_path: Path) -> None:
    seen = []

    def fake_fetch(url: str, out: object) -> None:
        seen.append(url)
        out.write(b"HCPCS Code,HCPCS Code Dosage,Payment Limit\n")  # type: ignore[attr-defined]

    [result] = download(tmp_path, mirror="http://mirror.invalid/base/", fetch=fake_fetch, sources=SMALL[:1])
    assert seen == ["http://mirror.invalid/base/" + SMALL[0].mirror_path]
    assert result.status == "failed"  # the fake bytes do not have the mirror file's sha256
