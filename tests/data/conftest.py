"""Helpers for the importer tests: read a file the way the importer does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nocrx.data.formats import Detected, identify
from nocrx.data.reading import Source
from nocrx.data.records import ParsedFile

FIXTURES = Path(__file__).parent / "fixtures"


def _detect(path: Path, member: str | None = None) -> Detected:
    found = identify(Source(path, member))
    assert isinstance(found, Detected), f"{path} was not recognised: {found}"
    return found


def _parse(path: Path, member: str | None = None) -> tuple[ParsedFile, list[dict[str, Any]]]:
    """The parsed file and its rows as a list (FDA parsers stream them)."""
    parsed = _detect(path, member).parse()
    return parsed, list(parsed.rows)


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def detect() -> Callable[..., Detected]:
    """detect(path, member=None): what the importer recognises the file as."""
    return _detect


@pytest.fixture(scope="session")
def parse() -> Callable[..., tuple[ParsedFile, list[dict[str, Any]]]]:
    """parse(path, member=None): (ParsedFile, its rows as a list)."""
    return _parse
