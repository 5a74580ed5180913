"""In the browser: take next within the filters; bulk actions that ask first and keep the selection."""

import re

import pytest

from listening.models import Mention
from tests.factories import BrandFactory, MentionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_take_next_follows_the_filters_and_bulk_asks_before_taking(signed_in, live_server):
    brand = BrandFactory(name="Lumio")
    french_x = MentionFactory(brand=brand, platform="twitter", language="fr", priority=99, text="Panne fibre à Lille")
    english_fb = MentionFactory(brand=brand, platform="facebook", language="en", priority=10, text="Card declined")
    sam = UserFactory(username="sam", first_name="Sam", role="Community manager")
    page = signed_in(UserFactory(username="camille", role="Community manager"))

    page.goto(f"{live_server.url}/?platform=facebook&language=en")
    page.click("#take-next")
    page.wait_for_url(re.compile(rf"open={english_fb.pk}"))
    assert "Card declined" in page.locator("#pane").inner_text()
    assert Mention.objects.get(pk=french_x.pk).assignee is None

    Mention.objects.filter(pk=french_x.pk).update(assignee=sam)
    page.goto(f"{live_server.url}/")
    # Relabel without a label: said at once, the selection stays.
    page.check(f"#mention-{french_x.pk} input[name=mention]")
    page.select_option("#bulk-action", "relabel")
    page.click("text=Apply to selected")
    assert page.locator("[data-bulk-problem]").is_visible()
    assert page.is_checked(f"#mention-{french_x.pk} input[name=mention]")
    # Assign to me on Sam's mention asks first; saying no changes nothing.
    page.select_option("#bulk-action", "assign_me")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("text=Apply to selected")
    assert asked and "Sam" in asked[0]
    assert Mention.objects.get(pk=french_x.pk).assignee == sam
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Apply to selected")
    page.wait_for_selector("text=1 mention updated.")
    assert Mention.objects.get(pk=french_x.pk).assignee.username == "camille"


def test_bulk_actions_change_the_rows_in_place_and_keep_the_position(signed_in, live_server):
    brand = BrandFactory(name="Lumio")
    first, second, third = (MentionFactory(brand=brand, priority=p, text=t, label="question") for p, t in [
        (90, "Fibre down since Monday"), (60, "How do I move my contract?"), (30, "Thanks to the Lyon shop!")])
    page = signed_in(UserFactory(username="camille", role="Community manager"))
    loads = []
    page.on("load", lambda _page: loads.append(1))
    page.keyboard.press("j")
    page.keyboard.press("j")  # the second row, current and open
    page.wait_for_url(re.compile(rf"open={second.pk}$"))
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")  # second and third ticked, the third current
    page.select_option("#bulk-action", "relabel")
    page.select_option("#bulk-label", "complaint")
    page.click("text=Apply to selected")
    page.wait_for_selector(".toast:has-text('2 mentions updated.')")
    assert page.locator(".mention-row.label-complaint").count() == 2
    assert page.locator("tr.is-current").get_attribute("id") == f"mention-{third.pk}"
    assert page.locator("#queue-rows input[name=mention]:checked").count() == 0

    page.check(f"#mention-{first.pk} input[name=mention]")
    page.select_option("#bulk-action", "resolve")
    page.click("text=Apply to selected")
    page.wait_for_selector(f"#mention-{first.pk}", state="detached")
    assert page.locator("tr[data-mention]").count() == 2
    assert Mention.objects.get(pk=first.pk).status == "resolved"
    assert loads == []
