"""The page in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Each test types into the form of a running `nocrx serve`, submits, and reads the result.
The screenshot is saved in the test's tmp folder (and to NOCRX_SCREENSHOT when set, for a
person to look at).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_process import Server

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: apt-get install -y chromium (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(server.url + "/")
    opened.wait_for_selector("body[data-ready=true]")
    yield opened
    context.close()
    assert errors == []  # no JavaScript errors (the CSP forbids inline script and style)


def fill_keytruda(page: Any) -> None:
    page.get_by_label("Drug: NDC or name").fill("0006-3026-02")
    page.get_by_label("Dose given").fill("200")
    page.get_by_label("Dose unit").select_option("mg")
    page.get_by_label("NDC quantity").fill("8")
    page.get_by_label("NDC unit").select_option("ML")
    page.get_by_label("Route").select_option("intravenous")
    page.get_by_label("Payer").select_option("medicare")
    page.get_by_label("Setting").select_option("professional")
    page.get_by_label("Date of service").fill("2025-11-14")
    page.get_by_label("Diagnoses (ICD-10-CM)").fill("C34.90")


def test_keytruda_is_checked_and_shown_with_snippets(page: Any, tmp_path: Path) -> None:
    fill_keytruda(page)
    page.get_by_role("button", name="Check the line").click()
    page.wait_for_selector("#out-code")
    assert page.inner_text("#out-code") == "J9271"
    assert page.inner_text("#out-units") == "200"
    assert page.inner_text("#out-ndc") == "00006302602"
    assert "LIN**N4*00006302602~" in page.inner_text("#out-837p")
    assert page.inner_text("#out-cms1500") == "N400006302602 ML8"
    assert page.get_by_role("button", name="Copy 837P loop 2400/2410").is_visible()
    assert page.locator("#result").get_attribute("aria-live") == "polite"
    shot = tmp_path / "nocrx-page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("NOCRX_SCREENSHOT"):
        shutil.copy(shot, os.environ["NOCRX_SCREENSHOT"])


def test_a_noc_drug_shows_the_narrative_and_each_finding_with_its_fix(page: Any) -> None:
    page.get_by_label("Drug: NDC or name").fill("81298-8552-03")
    page.get_by_label("Dose given").fill("20")
    page.get_by_label("Dose unit").select_option("units")
    page.get_by_label("NDC quantity").fill("1")
    page.get_by_label("Route").select_option("intravenous")
    page.get_by_label("Date of service").fill("2025-11-20")
    page.get_by_label("Diagnoses (ICD-10-CM)").fill("R57.9")
    page.get_by_label("Diagnoses (ICD-10-CM)").press("Enter")  # the keyboard submits the form
    page.wait_for_selector("#out-code")
    assert page.inner_text("#out-code") == "J3490"
    assert "81298855203" in page.inner_text("#out-narrative")
    findings = page.locator("#findings li")
    assert findings.count() >= 1
    assert all(text.count("Fix: ") == 1 for text in findings.all_inner_texts())


def test_bad_input_shows_a_coded_problem_in_an_alert(page: Any) -> None:
    page.get_by_label("Drug: NDC or name").fill("0006-3026-02")
    page.get_by_label("Date of service").fill("")
    page.get_by_role("button", name="Check the line").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "INVALID_INPUT" in alert.inner_text()


def test_the_form_is_usable_from_the_keyboard(page: Any) -> None:
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "drug"
    labelled = page.evaluate(
        "[...document.querySelectorAll('input, select')].every(e => e.labels && e.labels.length === 1)"
    )
    assert labelled


def test_no_key_field_when_keys_are_off(page: Any) -> None:
    assert not page.get_by_label("API key").is_visible()


@pytest.fixture(scope="module")
def keyed_server(loaded_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from server_process import nocrx_serve

    log = tmp_path_factory.mktemp("keyed") / "serve.log"
    with nocrx_serve(loaded_store_path, log, {"NOCRX_API_KEYS": "page-test-key"}) as running:
        yield running


def test_with_keys_on_the_page_asks_for_one_and_sends_it(browser: Any, keyed_server: Server) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(keyed_server.url + "/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_by_label("API key").is_visible()
    fill_keytruda(page)
    page.get_by_role("button", name="Check the line").click()
    assert "API_KEY_MISSING" in page.get_by_role("alert").inner_text()
    page.get_by_label("API key").fill("page-test-key")
    page.get_by_role("button", name="Check the line").click()
    page.wait_for_selector("#out-code")
    assert page.inner_text("#out-code") == "J9271"
    context.close()
    assert "page-test-key" not in keyed_server.log_text()
