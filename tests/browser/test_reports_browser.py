"""A manager reads the response-time report in a real browser, changes the period, and downloads
the figures: the CSV holds the numbers the page shows."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from responses.sending import response_record_sent
from tests.factories import BrandFactory, MentionFactory, SLAPolicyFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def answered_mentions():
    brand = BrandFactory(name="Lumio")
    SLAPolicyFactory(brand=brand, first_response_minutes=60, resolution_minutes=24 * 60)
    camille = UserFactory(username="camille", first_name="Camille", role=roles.COMMUNITY_MANAGER)
    now = timezone.now()
    for days_ago, minutes in ((2, 30), (3, 50), (4, 90), (20, 10)):
        mention = MentionFactory(brand=brand, posted_at=now - timedelta(days=days_ago))
        response_record_sent(mention=mention, text="On regarde", author=camille,
                             sent_at=mention.posted_at + timedelta(minutes=minutes))
    MentionFactory(brand=brand, label="praise", posted_at=now - timedelta(days=1))
    return brand


def test_manager_changes_the_period_and_downloads_the_figures(signed_in, answered_mentions, live_server, screenshots):
    page = signed_in(UserFactory(username="nadia", first_name="Nadia", role=roles.MANAGER))
    page.goto(f"{live_server.url}/reports/")
    assert page.locator("#chart-volume_label[role=img]").is_visible()
    assert page.locator("[data-table=volume_label] tfoot td").last.inner_text() == "5"

    page.fill("#r-start", (timezone.localdate() - timedelta(days=6)).isoformat())
    page.click("#report-apply")
    page.wait_for_url(re.compile(r"start="))
    assert page.locator("[data-table=volume_label] tfoot td").last.inner_text() == "4"  # 20 days ago is out
    median = page.locator("[data-table=first_response] tfoot td").nth(1).inner_text()
    assert median == "50 min"  # 30, 50 and 90 minutes, written as people read them
    page.screenshot(path=str(screenshots / "report.png"), full_page=True)

    with page.expect_download() as download_info:
        page.click("#download-figures")
    download = download_info.value
    assert re.fullmatch(r"ecoute-report-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    first_response = rows[rows.index(["First response time"]) + 1:]
    whole_period = next(row for row in first_response if row and row[0] == "Whole period")
    assert whole_period == ["Whole period", "3", "50.0", "82.0"]  # the CSV keeps the numbers
