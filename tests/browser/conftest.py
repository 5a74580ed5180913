"""Real-browser tests: Debian's Chromium driven by Playwright against a live server.

Playwright's sync API runs an event loop in the test thread, which makes Django refuse
ORM calls from it unless told that this is on purpose (the server runs in its own thread)."""

import os
from pathlib import Path

import pytest

from tests.accounts.factories import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `bash scripts/test.sh` installs it (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def screenshots() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def signed_in(browser, live_server):
    """A new browser context (its own cookies) signed in through the login form."""
    contexts = []

    def sign_in(user, *, locale: str = "en-GB", width: int = 1280, password: str = PASSWORD):
        context = browser.new_context(viewport={"width": width, "height": 860}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield sign_in
    for context in contexts:
        context.close()
