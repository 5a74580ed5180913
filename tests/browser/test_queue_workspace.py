"""A community manager's day in a real browser: filter, open, relabel, assign, resolve;
two people pressing "take next" together; the keyboard; the French interface."""

import re

import pytest

from listening.models import Mention
from tests.factories import BrandFactory, MentionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue_data():
    brand = BrandFactory(name="Lumio")
    MentionFactory(brand=brand, text="Toujours pas de fibre depuis lundi, inadmissible", label="complaint", priority=80)
    MentionFactory(brand=brand, text="Comment activer la 5G sur mon forfait ?", label="question", priority=40)
    MentionFactory(brand=brand, text="Merci à l'équipe de la boutique de Lyon !", label="praise", priority=20)
    return brand


def test_filter_open_relabel_assign_resolve(signed_in, queue_data, screenshots, live_server):
    camille = UserFactory(username="camille", first_name="Camille", role="Community manager")
    page = signed_in(camille)
    page.screenshot(path=str(screenshots / "queue.png"), full_page=True)

    page.select_option("#f-label", "complaint")  # filters submit themselves and live in the URL
    page.wait_for_url(re.compile(r"label=complaint"))
    assert page.locator("tr[data-mention]").count() == 1
    page.go_back()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("tr[data-mention]").count() == 3

    page.click("text=Comment activer la 5G")
    page.wait_for_url(re.compile(r"/\?open=\d+$"))  # beside the list
    page.screenshot(path=str(screenshots / "mention.png"), full_page=True)
    page.select_option("#label-select", "complaint")
    page.click("text=Save label")
    page.wait_for_selector("text=The classifier will learn from it")
    page.click("#assign-me")
    page.wait_for_selector("#current-assignee:has-text('Camille')")
    page.select_option("#status-select", "resolved")
    page.click("text=Save status")
    page.wait_for_selector("#undo")  # the next mention opened, offering to undo

    mention = Mention.objects.get(text__startswith="Comment activer")
    assert (mention.label, mention.assignee_id, mention.status) == ("complaint", camille.pk, "resolved")
    assert mention.label_corrected_by_id == camille.pk


def test_two_people_pressing_take_next_together_get_different_mentions(signed_in, queue_data, live_server):
    first = signed_in(UserFactory(username="camille", role="Community manager"))
    second = signed_in(UserFactory(username="sam", role="Community manager"))
    first.click("#take-next", no_wait_after=True)
    second.click("#take-next", no_wait_after=True)
    first.wait_for_url(re.compile(r"open=\d+$"))
    second.wait_for_url(re.compile(r"open=\d+$"))
    assert first.url != second.url
    assert Mention.objects.filter(assignee__isnull=False).count() == 2


def test_keyboard_moves_assigns_and_lists_shortcuts(signed_in, queue_data):
    page = signed_in(UserFactory(username="camille", role="Community manager"))
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert "is-current" in page.locator("tr[data-mention]").nth(1).get_attribute("class")
    page.keyboard.press("a")  # changed in place: the row shows its new assignee, the position stays
    page.wait_for_selector("tr[data-mention]:has-text('Comment activer') .row-assignee:has-text('Camille')")
    assert "is-current" in page.locator("tr[data-mention]").nth(1).get_attribute("class")
    assert Mention.objects.get(text__startswith="Comment activer").assignee.username == "camille"


def test_keyboard_up_relabel_open_reply_and_resolve(signed_in, queue_data, live_server):
    page = signed_in(UserFactory(username="camille", role="Community manager"))
    rows = page.locator("tr[data-mention]")
    second = Mention.objects.get(text__startswith="Comment activer")
    third = Mention.objects.get(text__startswith="Merci")
    for key in ("j", "j", "j", "k"):
        page.keyboard.press(key)
    assert "is-current" in rows.nth(1).get_attribute("class")
    page.wait_for_url(re.compile(rf"open={second.pk}$"))  # j / k open the row they rest on
    page.wait_for_selector("#pane .mention-text:has-text('Comment activer la 5G')")
    page.keyboard.press("l")  # the open mention's label
    assert page.evaluate("document.activeElement.id") == "label-select"
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") in ("reply-text", "reply")
    page.keyboard.press("Escape")
    page.keyboard.press("e")  # resolved in place: the next mention opens beside the list, with Undo
    page.wait_for_selector(f"#mention-{second.pk}", state="detached")
    page.wait_for_url(re.compile(rf"open={third.pk}$"))
    page.wait_for_selector("#pane .mention-text:has-text('Merci')")
    assert Mention.objects.get(pk=second.pk).status == "resolved"
    page.click(".toast >> text=Undo")
    page.wait_for_url(re.compile(rf"open={second.pk}$"))
    page.wait_for_selector("#pane #current-status:has-text('New')")
    assert Mention.objects.get(pk=second.pk).status == "new"

    # Without room for the pane: l ticks the row for a relabel, o opens the mention's page.
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(f"{live_server.url}/")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("l")
    assert rows.nth(1).locator("input[name=mention]").is_checked()
    assert page.evaluate("document.activeElement.id") == "bulk-label"
    page.keyboard.press("Escape")
    opened = rows.nth(1).get_attribute("data-open-url")
    with page.expect_navigation():
        page.keyboard.press("o")
    assert page.url.endswith(opened) and page.locator(".mention-text").is_visible()


def test_switching_the_interface_to_french(signed_in, queue_data, screenshots):
    page = signed_in(UserFactory(username="camille", role="Community manager"))
    page.select_option("#lang-select", "fr")
    page.wait_for_selector("html[lang=fr]")
    assert page.locator("#take-next").inner_text() == "Prendre la suivante"
    assert page.locator("label[for=f-label]").inner_text() == "Étiquette"
    page.screenshot(path=str(screenshots / "queue-fr.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 800])
def test_the_queue_fits_a_laptop_and_a_tablet(signed_in, queue_data, screenshots, width):
    page = signed_in(UserFactory(username="camille", role="Community manager"))
    page.set_viewport_size({"width": width, "height": 1000})
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    page.keyboard.press("Tab")  # the first stop is the skip link, and focus is visible
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.screenshot(path=str(screenshots / f"queue-{width}.png"), full_page=True)
