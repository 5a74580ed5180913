"""Response times from the event log: first response, resolution, waiting time left out."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from complaints.services import mention_status_set
from listening.choices import Status, Visibility
from responses.sending import response_record_sent
from sla.models import CountedIn
from sla.state import sla_state
from tests.factories import BrandFactory, MentionFactory, ShiftFactory, SLAPolicyFactory

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _mention(posted_at, **policy):
    brand = BrandFactory(name="Lumio")
    SLAPolicyFactory(brand=brand, label="", **{"first_response_minutes": 60, "resolution_minutes": 8 * 60, **policy})
    return MentionFactory(brand=brand, posted_at=posted_at, label="complaint")


def test_first_response_runs_from_posting_to_the_first_reply():
    mention = _mention(paris(2026, 3, 2, 10))
    response_record_sent(mention=mention, text="Bonjour, nous regardons.", sent_at=paris(2026, 3, 2, 10, 40))
    response_record_sent(mention=mention, text="C'est réparé.", sent_at=paris(2026, 3, 2, 11, 30))
    first = sla_state(mention, at=paris(2026, 3, 2, 12)).first_response
    assert (first.elapsed_minutes, first.state, first.elapsed_text) == (40, "met", "40 min")
    assert (first.start_at, first.end_at) == (paris(2026, 3, 2, 10), paris(2026, 3, 2, 10, 40))
    assert first.end_event == "Public reply"
    assert first.due_at == paris(2026, 3, 2, 11)


def test_a_private_message_is_a_first_response_too():
    mention = _mention(paris(2026, 3, 2, 10))
    response_record_sent(mention=mention, text="Écrivez-nous en privé", visibility=Visibility.PRIVATE,
                         sent_at=paris(2026, 3, 2, 11, 15))
    first = sla_state(mention, at=paris(2026, 3, 2, 12)).first_response
    assert (first.elapsed_minutes, first.state, first.end_event) == (75, "missed", "Private message")


def test_time_waiting_for_the_customer_is_not_counted():
    mention = _mention(paris(2026, 3, 2, 9))
    response_record_sent(mention=mention, text="Votre numéro de client ?", sent_at=paris(2026, 3, 2, 9, 30))
    mention_status_set(mention=mention, status=Status.WAITING, actor=None, at=paris(2026, 3, 2, 9, 30))
    mention_status_set(mention=mention, status=Status.OPEN, actor=None, at=paris(2026, 3, 2, 13, 30))
    mention_status_set(mention=mention, status=Status.RESOLVED, actor=None, at=paris(2026, 3, 2, 15))
    resolution = sla_state(mention, at=paris(2026, 3, 3, 9)).resolution
    assert (resolution.elapsed_minutes, resolution.elapsed_text, resolution.state) == (120, "2 h", "met")
    assert resolution.end_at == paris(2026, 3, 2, 15)
    [waiting] = resolution.excluded
    assert (waiting.status_label, waiting.start, waiting.end) == (
        "Waiting for customer", paris(2026, 3, 2, 9, 30), paris(2026, 3, 2, 13, 30))


def test_time_resolved_before_a_reopening_is_not_counted():
    mention = _mention(paris(2026, 3, 2, 9))
    mention_status_set(mention=mention, status=Status.RESOLVED, actor=None, at=paris(2026, 3, 2, 10))
    mention_status_set(mention=mention, status=Status.OPEN, actor=None, at=paris(2026, 3, 3, 10))
    mention_status_set(mention=mention, status=Status.RESOLVED, actor=None, at=paris(2026, 3, 3, 10, 30))
    resolution = sla_state(mention, at=paris(2026, 3, 4, 9)).resolution
    assert resolution.elapsed_minutes == 90 and resolution.end_at == paris(2026, 3, 3, 10, 30)
    assert [s.status for s in resolution.excluded] == [Status.RESOLVED]


def test_business_hours_count_only_time_inside_shifts():
    mention = _mention(paris(2026, 3, 27, 16), counted_in=CountedIn.BUSINESS_HOURS)
    for day in range(5):
        ShiftFactory(calendar__brand=mention.brand, weekday=day, starts_at=time(9), ends_at=time(17))
    response_record_sent(mention=mention, text="Bonjour", sent_at=paris(2026, 3, 30, 9, 30))
    times = sla_state(mention, at=paris(2026, 3, 30, 12))
    assert (times.first_response.elapsed_minutes, times.first_response.state) == (90, "missed")
    assert times.first_response.due_at == paris(2026, 3, 27, 17)
    assert "Business hours of Lumio (Europe/Paris)" in times.clock_text


@pytest.mark.parametrize("minutes_ago, state", [(30, "ok"), (50, "near"), (61, "breached")])
def test_an_open_mention_is_on_time_nearly_due_or_breached(minutes_ago, state):
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    mention = _mention(now - timedelta(minutes=minutes_ago), near_breach_percent=80)
    first = sla_state(mention, at=now).first_response
    assert first.state == state
    assert first.due_at == mention.posted_at + timedelta(minutes=60)


def test_the_clock_is_paused_while_waiting_for_the_customer():
    mention = _mention(paris(2026, 3, 2, 9))
    mention_status_set(mention=mention, status=Status.WAITING, actor=None, at=paris(2026, 3, 2, 9, 20))
    times = sla_state(mention, at=paris(2026, 3, 2, 15))
    assert (times.first_response.state, times.first_response.elapsed_minutes) == ("paused", 20)
    assert times.first_response.due_at is None
    assert times.first_response.excluded[-1].end is None  # still waiting


def test_a_breach_before_waiting_stays_a_breach_with_its_due_time():
    mention = _mention(paris(2026, 3, 2, 9))
    mention_status_set(mention=mention, status=Status.WAITING, actor=None, at=paris(2026, 3, 2, 10, 30))
    first = sla_state(mention, at=paris(2026, 3, 2, 15)).first_response
    assert (first.state, first.elapsed_minutes, first.due_at) == ("breached", 90, paris(2026, 3, 2, 10))


def test_the_page_explains_how_the_times_were_counted():
    mention = _mention(paris(2026, 3, 2, 9))
    mention.brand.name = "<b>Lumio</b>"
    response_record_sent(mention=mention, text="Bonjour", sent_at=paris(2026, 3, 2, 9, 30))
    mention_status_set(mention=mention, status=Status.WAITING, actor=None, at=paris(2026, 3, 2, 9, 30))
    mention_status_set(mention=mention, status=Status.OPEN, actor=None, at=paris(2026, 3, 2, 10, 30))
    mention.brand.sla_policies.update(counted_in=CountedIn.BUSINESS_HOURS)
    ShiftFactory(calendar__brand=mention.brand, weekday=0, starts_at=time(8), ends_at=time(18))
    html = render_to_string("responses/partials/response_times.html", {
        "response_times": sla_state(mention, at=paris(2026, 3, 2, 11))})
    assert "&lt;b&gt;Lumio&lt;/b&gt;" in html and "<b>Lumio" not in html
    assert "First response" in html and "Resolution" in html and "Posted" in html and "Public reply" in html
    assert "30 min of 1 h allowed" in html
    assert "Waiting for customer" in html and "Not counted" in html
    assert "1 h of 8 h allowed" in html  # resolution: 2 h since posting, less 1 h waiting
