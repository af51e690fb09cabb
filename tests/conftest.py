"""Shared fixtures: a fresh in-memory store, the path of ../shared/data, and one store with
all of ../shared/data imported (built once per test session)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from nocrx.data.store import Store

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="rewrite tests/golden files from the output"
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def fresh_store() -> Iterator[Store]:
    with Store(":memory:") as store:
        yield store


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"{SHARED_DATA} is missing: the tests read the shared reference data from there")
    return SHARED_DATA


@pytest.fixture(scope="session")
def loaded_store_path(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A store file with every official-format file of ../shared/data imported.

    NOCRX_TEST_STORE names an already imported store to reuse (saves the import while developing).
    """
    reuse = os.environ.get("NOCRX_TEST_STORE")
    if reuse:
        return Path(reuse)
    from nocrx.data.importer import import_paths

    path = tmp_path_factory.mktemp("store") / "nocrx.sqlite3"
    with Store(path) as store:
        import_paths(store, [shared_data])
    return path


@pytest.fixture(scope="session")
def loaded_store(loaded_store_path: Path) -> Iterator[Store]:
    with Store(loaded_store_path) as store:
        yield store
