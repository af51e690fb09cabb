"""API test fixtures: the app built in-process over a store, and a small synchronous client.

The client drives the ASGI app through httpx's ASGITransport on a private event loop (the
Starlette TestClient warns that its httpx use is deprecated, and warnings are errors here).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from nocrx.api.app import create_app
from nocrx.api.config import ServiceSettings
from nocrx.data.store import Store

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "fhir-samples"
BASE_URL = "http://nocrx.test"


class Client:
    """Synchronous calls into an ASGI app (one event loop per client)."""

    def __init__(self, app: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._loop.run_until_complete(self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


AppFactory = Callable[..., Client]


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[AppFactory]:
    """Build an app (fresh in-memory store unless one is given) and a client for it."""
    clients: list[Client] = []
    stores: list[Store] = []

    def build(store: Store | None = None, **settings: Any) -> Client:
        if store is None:
            store = Store(":memory:")
            stores.append(store)
        service_settings = ServiceSettings(db_path=tmp_path / "unused.sqlite3", **settings)
        client = Client(create_app(service_settings, store))
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
    for store in stores:
        store.close()


@pytest.fixture
def client(make_client: AppFactory) -> Client:
    """An app over an empty in-memory store, keys and JWT off."""
    return make_client()


@pytest.fixture(scope="session")
def loaded_read_store(loaded_store_path: Path) -> Iterator[Store]:
    """The session's loaded store, opened separately for the API tests."""
    with Store(loaded_store_path) as store:
        yield store


@pytest.fixture
def loaded_client(make_client: AppFactory, loaded_read_store: Store) -> Client:
    """An app over the store with ../shared/data imported."""
    return make_client(store=loaded_read_store)


def sample(relative: str) -> Any:
    """A file of ../shared/fhir-samples, decoded."""
    return json.loads((SAMPLES / relative).read_text("utf-8"))
