"""The README's screenshots, taken from the demo data in Chromium at 1280 px: the inbox with a
mention open beside the list (English and French) and a mention's own page.

They are saved as test artifacts; `bash scripts/screenshots.sh` runs this file with
SCREENSHOTS_DIR=docs/screenshots to refresh the README's pictures."""

import os
import re
from pathlib import Path

import pytest

from listening.models import Mention
from pipeline.demo import load_demo
from tests.accounts.factories import role_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    for role in ("Community manager", "Manager", "Admin"):  # an earlier live-server test's flush removed them
        role_group(role)
    return load_demo(seed=7)


def test_inbox_and_mention_screenshots_from_the_demo(browser, live_server, screenshots, demo, settings):
    settings.SANDBOX_ALLOWED = True  # as in the demo: replies go to its sandbox
    target = Path(os.environ.get("SCREENSHOTS_DIR") or screenshots)
    target.mkdir(parents=True, exist_ok=True)
    for locale, name in (("en-GB", "queue.png"), ("fr-FR", "queue-fr.png")):
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale=locale)
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "camille")
        page.fill("input[name=password]", demo["password"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        first = page.locator("tr[data-mention]").first
        pk = first.get_attribute("data-pk")
        first.locator(".mention-link").click()
        page.wait_for_url(re.compile(rf"open={pk}$"))
        page.wait_for_selector("#pane .mention-text")
        page.screenshot(path=str(target / name))
        if locale == "en-GB":
            mention = Mention.objects.get(pk=pk)
            page.goto(f"{live_server.url}/mentions/{mention.pk}/")
            page.screenshot(path=str(target / "mention.png"), full_page=True)
        context.close()
