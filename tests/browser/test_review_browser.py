""""Check these" in a real browser: j/k to move, y to confirm, 1–4 to correct, no reload."""

import pytest

from complaints.classifier import lifecycle
from listening.models import Mention
from tests.complaints.conftest import mini_corpus  # noqa: F401 - a small corpus trains in seconds
from tests.factories import BrandFactory, MentionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("mini_corpus")]


def test_keys_confirm_and_correct_the_least_sure_mentions(signed_in, screenshots):
    lifecycle.model_train()
    brand = BrandFactory(name="Lumio")
    for text in ["Toujours pas de fibre depuis lundi", "Comment activer la 5G ?", "Merci à l'équipe de Lyon"]:
        MentionFactory(brand=brand, text=text, confidence=0.5, label="other")
    page = signed_in(UserFactory(username="camille", role="Community manager"))
    page.click("nav >> text=Check these")
    page.wait_for_selector("tr.review-row.is-current")
    page.screenshot(path=str(screenshots / "check-these.png"), full_page=True)
    order = [int(row.get_attribute("id").split("-")[1]) for row in page.locator("tr.review-row").all()]
    proposed = page.locator("tr.review-row").first.locator("[data-key=y]").get_attribute("value")

    page.keyboard.press("y")  # confirms the first, moves to the second
    page.wait_for_selector(f"#review-{order[0]}.is-answered")
    page.keyboard.press("3")  # the second is praise
    page.wait_for_selector(f"#review-{order[1]}.is-answered")
    page.keyboard.press("k")  # back up one, then down past the answered rows
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("2")
    page.wait_for_selector(f"#review-{order[2]}.is-answered")
    assert "Confirmed" in page.inner_text(f"#review-{order[0]}")

    labels = {m.pk: (m.label, m.label_corrected_at is not None) for m in Mention.objects.all()}
    assert labels == {order[0]: (proposed, True), order[1]: ("praise", True), order[2]: ("question", True)}
