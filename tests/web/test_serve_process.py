"""`nocrx serve` as a real process: the page and its headers, loopback by default, no PHI in its log."""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from server_process import Server, free_port

pytestmark = pytest.mark.slow

SENTINEL = "ZZ-PHI-SENTINEL"
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "fhir-samples"


class FormControls(HTMLParser):
    """Collects input/select ids and the ids the labels point at."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[str] = []
        self.labelled: list[str] = []
        self.live_regions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("input", "select", "textarea"):
            self.controls.append(values.get("id") or "")
        if tag == "label" and values.get("for"):
            self.labelled.append(values["for"] or "")
        if values.get("aria-live"):
            self.live_regions.append(values.get("id") or "")


def test_page_is_served_with_labels_a_live_region_and_a_strict_csp(server: Server) -> None:
    response = httpx.get(server.url + "/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    parsed = FormControls()
    parsed.feed(response.text)
    assert parsed.controls
    assert sorted(parsed.controls) == sorted(parsed.labelled)
    assert parsed.live_regions == ["result"]
    for asset, kind in (("/static/app.js", "javascript"), ("/static/style.css", "text/css")):
        served = httpx.get(server.url + asset)
        assert served.status_code == 200
        assert kind in served.headers["content-type"]


def test_binds_to_loopback_and_uses_no_server_header(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert "server" not in httpx.get(server.url + "/healthz").headers


def test_refuses_to_listen_on_all_interfaces_without_keys(loaded_store_path: Path) -> None:
    command = [sys.executable, "-m", "nocrx", "serve", "--host", "0.0.0.0", "--port", str(free_port()),
               "--db", str(loaded_store_path)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "Error [INVALID_INPUT]: refusing to serve on 0.0.0.0 without API keys" in done.stderr


def test_server_log_and_access_log_hold_no_phi(server: Server) -> None:
    patient = {"resourceType": "Patient", "id": "p1", "name": [{"family": SENTINEL, "given": [SENTINEL]}]}
    order = json.loads((SAMPLES / "fhir-r4" / "medicationadministration0301.json").read_text("utf-8"))
    order["subject"] = {"reference": "Patient/p1", "display": SENTINEL}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": order}, {"resource": patient}],
    }
    hook = json.loads((SAMPLES / "davinci-crd-test-kit" / "order_sign_hook_request.json").read_text("utf-8"))
    hook["prefetch"] = {"patient": patient}
    with httpx.Client(base_url=server.url) as client:
        assert client.post("/v1/fhir/check", json=bundle).status_code == 200
        assert client.post("/cds-services/nocrx-order-sign", json=hook).status_code == 200
        assert client.post("/v1/check", content=f'{{"x": "{SENTINEL}'.encode()).status_code == 400
        assert client.post("/v1/fhir/check", json={"resourceType": SENTINEL}).status_code == 422
        assert (
            client.post("/v1/check", json={"date_of_service": "2025-11-14", "patient": SENTINEL}).status_code
            == 422
        )
    log = server.log_text()
    assert "POST /v1/fhir/check" in log  # uvicorn's access log is on
    assert "POST /cds-services/nocrx-order-sign" in log
    assert SENTINEL not in log
