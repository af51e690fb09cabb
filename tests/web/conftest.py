"""Web and server-process fixtures: one `nocrx serve` over the loaded store for the module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from server_process import Server, nocrx_serve


@pytest.fixture(scope="module")
def server(loaded_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with nocrx_serve(loaded_store_path, log) as running:
        yield running
