"""The README's screenshots, taken from the demo data in Chromium at 1280 and 800 px: the inbox
with a mention open beside the list (English and French), the reply flow (a canned response
sent through the demo's sandbox, with the keyboard), a mention's own page, and the manager's
report.

They are saved as test artifacts; `bash scripts/screenshots.sh` runs this file with
SCREENSHOTS_DIR=docs/screenshots to refresh the README's pictures."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from listening.models import Mention
from pipeline.demo import load_demo
from tests.accounts.factories import role_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    for role in ("Community manager", "Manager", "Admin"):  # an earlier live-server test's flush removed them
        role_group(role)
    return load_demo(seed=7)


@pytest.fixture
def target(screenshots) -> Path:
    target = Path(os.environ.get("SCREENSHOTS_DIR") or screenshots)
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def sign_in(signed_in, demo):
    """Signs a demo person in, with the demo's password."""
    def open_as(username: str, *, width: int = 1280, locale: str = "en-GB"):
        return signed_in(get_user_model().objects.get(username=username), locale=locale, width=width,
                         password=demo["password"])
    return open_as


def test_inbox_and_reply_flow_screenshots_from_the_demo(live_server, sign_in, target, settings):
    settings.SANDBOX_ALLOWED = True  # as in the demo: replies go to its sandbox
    for locale, name in (("en-GB", "queue.png"), ("fr-FR", "queue-fr.png")):
        page = sign_in("camille", locale=locale)
        first = page.locator("tr[data-mention]").first
        pk = first.get_attribute("data-pk")
        first.locator(".mention-link").click()
        page.wait_for_url(re.compile(rf"open={pk}$"))
        page.wait_for_selector("#pane .mention-text")
        # The list never runs under the pane, whatever the language's words.
        assert page.evaluate("() => document.querySelector('.queue-table').getBoundingClientRect().right"
                             " <= document.getElementById('pane').getBoundingClientRect().left"), locale
        page.screenshot(path=str(target / name))
    # The reply flow, in French, with the keyboard: r, c, Enter (the first canned response), Ctrl+Enter.
    page.keyboard.press("r")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'reply-text'")
    page.keyboard.press("Escape")
    page.keyboard.press("c")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#pane #reply .response[data-response-state=sent]")
    page.locator("#pane #reply").scroll_into_view_if_needed()
    page.screenshot(path=str(target / "reply.png"))

    narrow = sign_in("camille", width=800)
    narrow.screenshot(path=str(target / "queue-800.png"))
    mention = Mention.objects.filter(status="new").order_by("-priority").first()
    narrow.goto(f"{live_server.url}/mentions/{mention.pk}/")
    narrow.screenshot(path=str(target / "mention.png"), full_page=True)


def test_report_screenshots_from_the_demo(live_server, sign_in, target):
    for width, locale, name in ((1280, "en-GB", "report.png"), (800, "fr-FR", "report-fr-800.png")):
        page = sign_in("manager", width=width, locale=locale)
        page.goto(f"{live_server.url}/reports/")
        page.wait_for_selector("table")
        page.screenshot(path=str(target / name))
