"""A manager's view of a crisis in a real browser: the open alert, acknowledged in place;
then what customers complain about on the topics page, with its filters in the URL."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import CrisisAlert
from tests.factories import BrandFactory, CrisisAlertFactory, MentionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_sees_an_open_alert_and_acknowledges_it(signed_in, live_server, screenshots):
    brand = BrandFactory(name="Lumio")
    viral = MentionFactory(brand=brand, text="Panne générale chez Lumio <b>depuis 9h</b>", reposts_count=300)
    alert = CrisisAlertFactory(brand=brand, top_mention_ids=[viral.pk])
    page = signed_in(UserFactory(username="nadia", first_name="Nadia", role="Manager"))

    page.goto(f"{live_server.url}/alerts/")
    card = page.locator(f"#alert-{alert.pk}")
    assert "60 complaints in the last hour; usually 12 at this hour of the week." in card.inner_text()
    assert "Panne générale chez Lumio <b>depuis 9h</b>" in card.locator(".mention-link").inner_text()
    page.screenshot(path=str(screenshots / "crisis-alerts.png"), full_page=True)

    card.get_by_role("button", name="Acknowledge").click()
    page.wait_for_selector(f"#alert-{alert.pk} [data-acknowledged]:has-text('Acknowledged by Nadia')")
    assert page.locator(f"#alert-{alert.pk} [data-alert-state]").inner_text() == "Acknowledged"
    assert page.locator(f"#alert-{alert.pk}").get_by_role("button", name="Acknowledge").count() == 0
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by.username) == ("acknowledged", "nadia")

    page.locator(f"#alert-{alert.pk} .mention-link").click()
    page.wait_for_url(f"{live_server.url}/mentions/{viral.pk}/")


def test_a_manager_reads_the_complaint_topics_and_filters_them(signed_in, live_server, screenshots):
    brand = BrandFactory(name="Lumio")
    now = timezone.now()
    for day in range(1, 5):
        MentionFactory(brand=brand, text=f"Encore une coupure d'électricité à Lyon, jour {day}", language="fr",
                       posted_at=now - timedelta(days=day, hours=1))
        MentionFactory(brand=brand, text=f"Double billing on my account again ({day})", language="en",
                       posted_at=now - timedelta(days=day, hours=2))
    page = signed_in(UserFactory(username="nadia", role="Manager"))

    page.goto(f"{live_server.url}/insights/")
    phrase = page.get_by_role("rowheader", name="coupure d'électricité", exact=True)
    row = page.locator("tr[data-topic]").filter(has=phrase)
    assert row.locator("td").first.inner_text() == "4"
    assert "new" in row.inner_text() and "Encore une coupure" in row.inner_text()
    page.screenshot(path=str(screenshots / "complaint-topics.png"), full_page=True)

    page.select_option("#i-language", "en")  # the filter goes into the URL: the page can be shared
    page.wait_for_url(re.compile(r"language=en"))
    page.get_by_role("rowheader", name="double billing", exact=True).wait_for()
    assert page.locator("tr[data-topic]", has_text="coupure").count() == 0
    assert CrisisAlert.objects.count() == 0
