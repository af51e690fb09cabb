"""Helpers for the API tests: a synchronous client for the in-process app, and the samples.

The client drives the ASGI app through httpx's ASGITransport on a private event loop (the
Starlette TestClient warns that its httpx use is deprecated, and warnings are errors here).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx

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


def sample(relative: str) -> Any:
    """A file of ../shared/fhir-samples, decoded."""
    return json.loads((SAMPLES / relative).read_text("utf-8"))


INDICATORS = {"info", "warning", "critical"}
ACTION_TYPES = {"create", "update", "delete"}


def assert_valid_cards(body: Any) -> list[dict[str, Any]]:
    """Check a CDS Hooks 2.0 response: {"cards": [...]} with spec-shaped cards (spec "Card Attributes")."""
    assert isinstance(body, dict)
    assert set(body) <= {"cards", "systemActions"}
    assert isinstance(body["cards"], list)
    for card in body["cards"]:
        assert isinstance(card["summary"], str)
        assert 0 < len(card["summary"]) < 140
        assert card["indicator"] in INDICATORS
        assert isinstance(card["source"]["label"], str)
        assert card["source"]["label"]
        assert card["source"].get("url", "http").startswith("http")
        assert isinstance(card.get("detail", ""), str)
        for link in card.get("links", []):
            assert link["type"] in {"absolute", "smart"}
            assert link["label"]
            assert link["url"]
        if card.get("suggestions"):
            assert card["selectionBehavior"] in {"at-most-one", "any"}
            for suggestion in card["suggestions"]:
                assert suggestion["label"]
                assert all(
                    a["type"] in ACTION_TYPES and a["description"] for a in suggestion.get("actions", [])
                )
    return body["cards"]
