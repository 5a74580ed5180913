"""The inbox in Chromium: the selected mention opens beside the list without a page load, the
address follows it (a shared link opens the same mention, Back returns to the previous one), the
Mine / Unassigned / All counts follow the work, and below 900 px the list links to each
mention's own page."""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone

from listening.models import Mention
from sla.models import CountedIn
from tests.factories import (
    BrandFactory, MentionFactory, ShiftFactory, SLAPolicyFactory, UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def inbox():
    brand = BrandFactory(name="Lumio")
    return [MentionFactory(brand=brand, priority=p, text=t) for p, t in [
        (90, "Fibre down since Monday"), (60, "How do I move my contract?"), (30, "Thanks to the Lyon shop!")]]


def test_selection_opens_beside_the_list_and_back_returns_to_it(signed_in, live_server, inbox, screenshots):
    first, second, third = inbox
    page = signed_in(UserFactory(username="camille", first_name="Camille", role="Community manager"))
    loads = []
    page.on("load", lambda _page: loads.append(1))

    page.click("text=Fibre down since Monday")
    page.wait_for_url(re.compile(rf"/\?open={first.pk}$"))
    page.wait_for_selector("#pane .mention-text:has-text('Fibre down since Monday')")
    assert page.locator("tr.is-current").get_attribute("id") == f"mention-{first.pk}"
    page.click("text=How do I move my contract?")
    page.wait_for_url(re.compile(rf"open={second.pk}$"))
    page.wait_for_selector("#pane .mention-text:has-text('How do I move my contract?')")
    assert loads == []  # swapped in place
    page.screenshot(path=str(screenshots / "inbox.png"))

    page.go_back()  # the previous mention, in the pane, its row selected
    page.wait_for_url(re.compile(rf"open={first.pk}$"))
    page.wait_for_selector("#pane .mention-text:has-text('Fibre down since Monday')")
    assert page.locator("tr.is-current").get_attribute("id") == f"mention-{first.pk}"
    page.go_back()  # the inbox with nothing open
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_selector("#pane .pane-empty")
    page.go_forward()
    page.wait_for_selector("#pane .mention-text:has-text('Fibre down since Monday')")

    # j moves to the next row and opens it; r puts the cursor in its composer.
    page.keyboard.press("j")
    page.wait_for_url(re.compile(rf"open={second.pk}$"))
    page.wait_for_selector("#pane .mention-text:has-text('How do I move my contract?')")
    page.keyboard.press("r")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'reply-text'")

    # The address is a link to the same selection.
    shared = page.url
    other = signed_in(UserFactory(username="sam", role="Community manager"))
    other.goto(shared)
    assert "How do I move my contract?" in other.locator("#pane .mention-text").inner_text()
    assert other.locator("tr.is-current").get_attribute("id") == f"mention-{second.pk}"
    assert third.pk  # still in the list
    assert other.locator(f"#mention-{third.pk}").is_visible()


def test_resolving_from_the_pane_opens_the_next_mention_with_undo(signed_in, live_server, inbox):
    first, second, third = inbox
    page = signed_in(UserFactory(username="camille", role="Community manager"))
    loads = []
    page.on("load", lambda _page: loads.append(1))
    page.click("text=Fibre down since Monday")
    page.wait_for_selector("#pane .mention-text:has-text('Fibre down since Monday')")
    page.select_option("#pane #status-select", "resolved")
    page.click("#pane >> text=Save status")
    page.wait_for_url(re.compile(rf"open={second.pk}$"))
    page.wait_for_selector("#pane .mention-text:has-text('How do I move my contract?')")
    assert page.locator(f"#mention-{first.pk}").count() == 0  # it left the list
    assert page.locator("tr.is-current").get_attribute("id") == f"mention-{second.pk}"
    page.click("#undo")
    page.wait_for_url(re.compile(rf"open={first.pk}$"))
    page.wait_for_selector("#pane .mention-text:has-text('Fibre down since Monday')")
    assert Mention.objects.get(pk=first.pk).status != "resolved"
    # Back in the list where it was, and current.
    ids = page.locator("tr[data-mention]").evaluate_all("rows => rows.map(r => r.dataset.pk)")
    assert ids == [str(first.pk), str(second.pk), str(third.pk)]
    assert page.locator("tr.is-current").get_attribute("id") == f"mention-{first.pk}"
    assert loads == []  # all of it in place


def test_the_panes_forms_answer_in_place_and_the_list_keeps_its_place(signed_in, live_server, inbox):
    first, second, third = inbox
    page = signed_in(UserFactory(username="camille", role="Community manager"))
    loads = []
    page.on("load", lambda _page: loads.append(1))
    page.keyboard.press("j")
    page.keyboard.press("j")  # the second row, open in the pane
    page.wait_for_url(re.compile(rf"open={second.pk}$"))
    page.wait_for_selector("#pane .mention-text:has-text('How do I move my contract?')")

    page.select_option("#pane #label-select", "complaint")
    page.click("#pane >> text=Save label")
    page.wait_for_selector(f"#mention-{second.pk}.label-complaint")  # the row, swapped in place
    page.wait_for_selector(".toast:has-text('Label saved')")
    page.fill("#pane #note-text", "Call back after 14:00")
    page.click("#pane >> text=Add note")
    page.wait_for_selector("#pane .note:has-text('Call back after 14:00')")
    page.click("#pane #assign-me")
    page.wait_for_selector("#pane #current-assignee:has-text('camille')")
    assert page.url.endswith(f"open={second.pk}")
    assert page.locator("tr.is-current").get_attribute("id") == f"mention-{second.pk}"
    page.keyboard.press("j")  # the keyboard goes on from the same row
    page.wait_for_url(re.compile(rf"open={third.pk}$"))
    assert loads == []


def test_tab_counts_follow_the_work(signed_in, live_server, inbox):
    camille = UserFactory(username="camille", first_name="Camille", role="Community manager")
    Mention.objects.filter(pk=inbox[2].pk).update(assignee=camille)
    MentionFactory(brand=inbox[0].brand, priority=10, text="Sam has this one",
                   assignee=UserFactory(username="sam", role="Community manager"))
    page = signed_in(camille)

    def counts():
        return dict(zip(page.locator(".queue-tab").evaluate_all("tabs => tabs.map(t => t.firstChild.textContent.trim())"),
                        map(int, page.locator("[data-tab-count]").all_inner_texts())))

    assert counts() == {"Mine": 1, "Unassigned": 2, "All": 4}
    page.keyboard.press("j")
    page.keyboard.press("a")  # the first row becomes Camille's: the counts follow without a reload
    page.wait_for_function("() => document.querySelector('[data-tab-count]').textContent.trim() === '2'")
    assert counts() == {"Mine": 2, "Unassigned": 1, "All": 4}

    page.click(".queue-tab >> text=Mine")
    page.wait_for_url(re.compile(r"assignee=me"))
    assert page.locator("tr[data-mention]").count() == 2
    assert page.locator(".queue-tab[aria-current]").inner_text().startswith("Mine")


def test_below_900_px_the_list_links_to_each_mention_page(signed_in, live_server, inbox, screenshots):
    first = inbox[0]
    page = signed_in(UserFactory(username="camille", role="Community manager"))
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(f"{live_server.url}/")
    assert not page.locator("#pane").is_visible()
    assert page.locator("th.col-author").count() == 1
    page.screenshot(path=str(screenshots / "queue-800.png"), full_page=True)
    page.click("text=Fibre down since Monday")
    page.wait_for_url(re.compile(rf"/mentions/{first.pk}/$"))
    assert page.locator(".mention-text").inner_text().startswith("Fibre down")

    # A shared link with a mention open shows that mention alone, with the way back to the list.
    page.goto(f"{live_server.url}/?open={first.pk}")
    assert page.locator("#pane").is_visible() and not page.locator(".queue").is_visible()
    page.click("#pane .back-to-list")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("tr[data-mention]").count() == 3


def test_the_row_and_the_panels_agree_on_the_sla_under_business_hours(signed_in, live_server):
    """Every day open round the clock in UTC: business time runs with the clock, so the states
    are known; the row, the triage panel and the response-times panel must say the same."""
    brand = BrandFactory(name="Lumio", time_zone="UTC")
    for weekday in range(7):
        ShiftFactory(calendar__brand=brand, weekday=weekday, starts_at=time(0), ends_at=time(23, 59))
    SLAPolicyFactory(brand=brand, label="", first_response_minutes=60, resolution_minutes=None,
                     near_breach_percent=80, counted_in=CountedIn.BUSINESS_HOURS)
    now = timezone.now()
    ages = {"ok": 10, "near": 52, "breached": 180}
    mentions = {level: MentionFactory(brand=brand, label="question", posted_at=now - timedelta(minutes=minutes),
                                      text=f"Question asked {minutes} minutes ago")
                for level, minutes in ages.items()}
    page = signed_in(UserFactory(username="camille", role="Community manager"))
    for level, mention in mentions.items():
        row = page.locator(f"#mention-{mention.pk} .sla")
        page.click(f"#mention-{mention.pk} .mention-link")
        page.wait_for_url(re.compile(rf"open={mention.pk}$"))
        page.wait_for_selector(f"#pane .mention-text:has-text('{mention.text}')")
        triage = page.locator("#pane .facts .sla")
        times = page.locator("#pane #response-times h3 .sla").first
        classes = [f"sla-{level}" in (el.get_attribute("class") or "") for el in (row, triage, times)]
        assert classes == [True, True, True], level
        assert re.sub(r"\d+", "n", row.inner_text()) == re.sub(r"\d+", "n", triage.inner_text())
