"""The keyboard keeps my place: a and e change the selected row in place, j / k stays where it
was, and Undo brings a resolved mention back where it stood."""

import pytest

from listening.models import Mention
from tests.factories import BrandFactory, MentionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_assign_resolve_and_undo_without_losing_the_position(signed_in, live_server):
    brand = BrandFactory(name="Lumio")
    first, second, third = (MentionFactory(brand=brand, priority=p, text=t) for p, t in [
        (90, "Fibre down since Monday"), (60, "How do I move my contract?"), (30, "Thanks to the Lyon shop!")])
    page = signed_in(UserFactory(username="camille", first_name="Camille", role="Community manager"))
    reloads = []
    page.on("load", lambda _page: reloads.append(1))

    page.keyboard.press("j")
    page.keyboard.press("j")  # the second row
    page.keyboard.press("a")
    page.wait_for_selector(f"#mention-{second.pk} >> text=Camille")
    assert page.locator("tr.is-current").get_attribute("id") == f"mention-{second.pk}"
    assert Mention.objects.get(pk=second.pk).assignee.username == "camille"

    page.keyboard.press("e")  # resolve it: the row leaves, the next one is selected
    page.wait_for_selector(f"#mention-{second.pk}", state="detached")
    assert page.locator("tr.is-current").get_attribute("id") == f"mention-{third.pk}"
    assert Mention.objects.get(pk=second.pk).status == "resolved"
    page.click(".toast >> text=Undo")
    page.wait_for_selector(f"#mention-{second.pk}")
    ids = page.eval_on_selector_all("tr[data-mention]", "rows => rows.map(r => r.id)")
    assert ids == [f"mention-{first.pk}", f"mention-{second.pk}", f"mention-{third.pk}"]
    assert Mention.objects.get(pk=second.pk).status != "resolved"
    assert reloads == []  # all of it without a page load


def test_r_from_the_queue_lands_in_the_composer_and_the_list_names_every_key(signed_in):
    MentionFactory(brand=BrandFactory(name="Lumio"), text="Where is my refund?")
    page = signed_in(UserFactory(username="camille", role="Community manager"))
    page.keyboard.press("?")
    listed = page.locator("#shortcuts").inner_text()
    assert all(key in listed for key in ("t", "j", "k", "o", "a", "r", "c", "Ctrl", "e", "z", "l", "x", "/", "?"))
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("r")  # opens it in the reading pane, the cursor in its composer
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'reply-text'")
    assert "Where is my refund?" in page.locator("#pane").inner_text()
