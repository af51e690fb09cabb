"""API test fixtures: the app built in-process over a store (see api_helpers.Client)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from api_helpers import Client

from nocrx.api.app import create_app
from nocrx.api.config import ServiceSettings
from nocrx.data.store import Store

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
