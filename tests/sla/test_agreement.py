"""One mention, seen from every place that shows its SLA — the queue's row, the mention page's
triage panel and response-times panel, the SLA alerts and the report — gives one state, under
business hours (across a shift change and a holiday) and calendar time, and after a relabel or
a pause while the customer is awaited."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from complaints.classification import mention_triage_prepare
from complaints.services import mention_label_correct, mention_status_set
from listening.choices import Status
from responses.alerts import sla_alerts_send
from responses.models import Notification, NotificationKind, SLATarget
from responses.reports import ReportFilters, report_build
from sla.models import CountedIn
from tests.factories import (BrandFactory, HolidayFactory, MentionFactory, ShiftFactory, SLAPolicyFactory,
                             UserFactory)

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def clock(monkeypatch):
    """Sets the moment every screen reads as now."""
    def set_now(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return set_now


@pytest.fixture
def people(db):
    from accounts import roles

    return UserFactory(username="nadia", email="nadia@example.com", role=roles.MANAGER)


@pytest.fixture
def business_brand(db):
    """Morning and afternoon shifts with a lunch break between them (the shift change), on week
    days; 1 May 2026 (a Friday) is a holiday. Complaints: first response within 2 business
    hours; other labels within 8."""
    brand = BrandFactory(name="Lumio", time_zone="Europe/Paris")
    for weekday in range(5):
        ShiftFactory(calendar__brand=brand, weekday=weekday, starts_at=time(8), ends_at=time(12))
        ShiftFactory(calendar__brand=brand, weekday=weekday, starts_at=time(14), ends_at=time(18))
    HolidayFactory(calendar__brand=brand, date=date(2026, 5, 1), name="Fête du Travail")
    SLAPolicyFactory(brand=brand, label="complaint", first_response_minutes=120, resolution_minutes=None,
                     near_breach_percent=80, counted_in=CountedIn.BUSINESS_HOURS)
    SLAPolicyFactory(brand=brand, label="", first_response_minutes=480, resolution_minutes=None,
                     near_breach_percent=80, counted_in=CountedIn.BUSINESS_HOURS)
    return brand


@pytest.fixture
def calendar_brand(db):
    brand = BrandFactory(name="Vélo Express", time_zone="Europe/Paris")
    SLAPolicyFactory(brand=brand, label="", first_response_minutes=60, resolution_minutes=None,
                     near_breach_percent=80, counted_in=CountedIn.CALENDAR)
    return brand


def _ingested(brand, *, posted_at, label="complaint"):
    mention = MentionFactory(brand=brand, label=label, posted_at=posted_at, text="Toujours pas de fibre")
    mention_triage_prepare(mention=mention)  # what ingestion stores: the due time among others
    return mention


def _level(html: str, pattern: str) -> str:
    found = re.search(pattern + r'.*?class="sla sla-(\w+)', html, re.S)
    return found.group(1) if found else "none"


def seen_everywhere(client, mention, at) -> dict:
    """The first response's state as each place shows it, at `at`."""
    queue = client.get("/").content.decode()
    page = client.get(f"/mentions/{mention.pk}/").content.decode()
    Notification.objects.filter(mention=mention).delete()
    sla_alerts_send(now=at)
    kinds = set(Notification.objects.filter(mention=mention, target=SLATarget.FIRST_RESPONSE)
                .values_list("kind", flat=True))
    day = timezone.localtime(mention.posted_at, PARIS).date()
    report = report_build(filters=ReportFilters(brand_ids=(mention.brand_id,), start=day, end=day, grouping="day",
                                                time_zone="Europe/Paris"), now=at)
    return {
        "queue row": _level(queue, f'id="mention-{mention.pk}"'),
        "triage panel": _level(page, r"<dt>First response</dt>"),
        "response-times panel": _level(page, r'id="response-times"'),
        "alert": {frozenset(): "quiet", frozenset({NotificationKind.NEAR_BREACH}): "near",
                  frozenset({NotificationKind.BREACH}): "breached"}.get(frozenset(kinds), str(kinds)),
        "report": "breached" if report.tables["sla"].total[1] else "not breached",
    }


def expected(level: str) -> dict:
    return {"queue row": level, "triage panel": level, "response-times panel": level,
            "alert": level if level in ("near", "breached") else "quiet",
            "report": "breached" if level == "breached" else "not breached"}


@pytest.mark.parametrize("at, level", [
    (paris(2026, 4, 30, 11, 30), "ok"),  # 30 of 120 business minutes
    (paris(2026, 4, 30, 13, 30), "ok"),  # lunch break between the shifts: still 60 minutes used
    (paris(2026, 4, 30, 14, 40), "near"),  # 100 minutes, past the 80 % warning
    (paris(2026, 4, 30, 15, 5), "breached"),  # due at 15:00, after the shift change
])
def test_across_a_shift_change(cm_client, people, business_brand, clock, at, level):
    clock(paris(2026, 4, 30, 11))
    mention = _ingested(business_brand, posted_at=paris(2026, 4, 30, 11))
    clock(at)
    assert seen_everywhere(cm_client, mention, at) == expected(level)


@pytest.mark.parametrize("at, level", [
    # Posted Thursday 17:30: 30 minutes that evening, nothing on the holiday nor the weekend.
    (paris(2026, 5, 1, 12), "ok"),
    (paris(2026, 5, 4, 9), "ok"),  # 90 of 120 minutes; a calendar share would say nearly due
    (paris(2026, 5, 4, 9, 10), "near"),
    (paris(2026, 5, 4, 10), "breached"),  # due Monday 09:30
])
def test_across_a_holiday_and_a_weekend(cm_client, people, business_brand, clock, at, level):
    clock(paris(2026, 4, 30, 17, 30))
    mention = _ingested(business_brand, posted_at=paris(2026, 4, 30, 17, 30))
    clock(at)
    assert seen_everywhere(cm_client, mention, at) == expected(level)


def test_a_relabel_moves_the_deadline_everywhere(cm_client, people, business_brand, clock):
    clock(paris(2026, 4, 30, 11))
    mention = _ingested(business_brand, posted_at=paris(2026, 4, 30, 11), label="question")
    clock(paris(2026, 4, 30, 15, 30))
    assert seen_everywhere(cm_client, mention, paris(2026, 4, 30, 15, 30)) == expected("ok")  # 150 of 480
    mention_label_correct(mention=mention, label="complaint", actor=people)
    assert seen_everywhere(cm_client, mention, paris(2026, 4, 30, 15, 30)) == expected("breached")  # 150 of 120


def test_on_calendar_time_the_wait_for_the_customer_does_not_count(cm_client, people, calendar_brand, clock):
    clock(paris(2026, 5, 2, 22))  # a Saturday night: calendar time counts it
    mention = _ingested(calendar_brand, posted_at=paris(2026, 5, 2, 22))
    clock(paris(2026, 5, 2, 22, 50))
    assert seen_everywhere(cm_client, mention, paris(2026, 5, 2, 22, 50)) == expected("near")
    mention_status_set(mention=mention, status=Status.WAITING, actor=people, at=paris(2026, 5, 2, 22, 50))
    clock(paris(2026, 5, 2, 23, 30))
    mention_status_set(mention=mention, status=Status.OPEN, actor=people, at=paris(2026, 5, 2, 23, 30))
    clock(paris(2026, 5, 2, 23, 35))  # 55 minutes counted: nearly due, not breached
    assert seen_everywhere(cm_client, mention, paris(2026, 5, 2, 23, 35)) == expected("near")
    clock(paris(2026, 5, 2, 23, 45))
    assert seen_everywhere(cm_client, mention, paris(2026, 5, 2, 23, 45)) == expected("breached")


def test_the_words_follow_the_state(business_brand, clock):
    from sla.state import sla_state

    clock(paris(2026, 4, 30, 17, 30))
    mention = _ingested(business_brand, posted_at=paris(2026, 4, 30, 17, 30))
    monday_nine = sla_state(mention, at=paris(2026, 5, 4, 9)).headline
    assert (monday_nine.text, monday_nine.level) == ("due in 30 min", "ok")
    friday = sla_state(mention, at=paris(2026, 5, 1, 12)).headline
    assert (friday.text, friday.level) == ("due in 2 days 21 h", "ok")  # wall-clock time to Monday 09:30
    late = sla_state(mention, at=paris(2026, 5, 4, 16, 20)).headline
    assert (late.text, late.level) == ("breached 6 h 50 min ago", "breached")


def resolution_seen_everywhere(client, mention, at) -> dict:
    """The resolution's state as each place that shows it does, at `at`."""
    page = client.get(f"/mentions/{mention.pk}/").content.decode()
    Notification.objects.filter(mention=mention).delete()
    sla_alerts_send(now=at)
    kinds = set(Notification.objects.filter(mention=mention, target=SLATarget.RESOLUTION)
                .values_list("kind", flat=True))
    day = timezone.localtime(mention.posted_at, PARIS).date()
    report = report_build(filters=ReportFilters(brand_ids=(mention.brand_id,), start=day, end=day, grouping="day",
                                                time_zone="Europe/Paris"), now=at)
    return {
        "response-times panel": _level(page, r"<h3>Resolution"),
        "alert": {frozenset(): "quiet", frozenset({NotificationKind.NEAR_BREACH}): "near",
                  frozenset({NotificationKind.BREACH}): "breached"}.get(frozenset(kinds), str(kinds)),
        "report": "breached" if report.tables["sla"].total[3] else "not breached",
    }


def resolution_expected(level: str) -> dict:
    return {"response-times panel": level, "alert": level if level in ("near", "breached") else "quiet",
            "report": "breached" if level == "breached" else "not breached"}


@pytest.mark.parametrize("counted_in, times", [
    # Posted 10:00, answered 10:10, waiting for the customer 10:30-12:00: 90 minutes not counted.
    (CountedIn.CALENDAR, [(paris(2026, 4, 30, 12, 30), "ok"),  # 60 of 120 counted, 150 since posting
                          (paris(2026, 4, 30, 13, 20), "near"),  # 110
                          (paris(2026, 4, 30, 13, 35), "breached")]),  # 125
    # Business hours, and the shift change at lunch on top of the pause.
    (CountedIn.BUSINESS_HOURS, [(paris(2026, 4, 30, 14, 30), "ok"),  # 30 + 30 of 120
                                (paris(2026, 4, 30, 15, 20), "near"),  # 110
                                (paris(2026, 4, 30, 15, 35), "breached")]),  # 125
])
def test_the_resolution_after_a_wait_for_the_customer_is_one_state(cm_client, people, business_brand, clock,
                                                                    counted_in, times):
    from responses.sending import response_record_sent

    business_brand.sla_policies.all().delete()
    SLAPolicyFactory(brand=business_brand, label="", first_response_minutes=60, resolution_minutes=120,
                     near_breach_percent=90, counted_in=counted_in)
    clock(paris(2026, 4, 30, 10))
    mention = _ingested(business_brand, posted_at=paris(2026, 4, 30, 10))
    response_record_sent(mention=mention, text="Nous regardons", author=people, sent_at=paris(2026, 4, 30, 10, 10))
    mention_status_set(mention=mention, status=Status.WAITING, actor=people, at=paris(2026, 4, 30, 10, 30))
    clock(paris(2026, 4, 30, 12))
    mention_status_set(mention=mention, status=Status.OPEN, actor=people, at=paris(2026, 4, 30, 12))
    for at, level in times:
        clock(at)
        assert resolution_seen_everywhere(cm_client, mention, at) == resolution_expected(level), at


@pytest.mark.parametrize("waiting_from, level", [
    (paris(2026, 4, 30, 11), "done"),  # paused (not coloured): 60 of 120 minutes used when the wait began: time left
    (paris(2026, 4, 30, 12, 30), "breached"),  # 150 of 120 used: the wait doesn't undo the breach
])
def test_a_mention_waiting_for_the_customer_is_overdue_in_the_report_only_if_its_time_ran_out(
        cm_client, business_brand, people, clock, waiting_from, level):
    business_brand.sla_policies.all().delete()
    SLAPolicyFactory(brand=business_brand, label="", first_response_minutes=60, resolution_minutes=120,
                     near_breach_percent=90, counted_in=CountedIn.CALENDAR)
    clock(paris(2026, 4, 30, 10))
    mention = _ingested(business_brand, posted_at=paris(2026, 4, 30, 10))
    clock(waiting_from)
    mention_status_set(mention=mention, status=Status.WAITING, actor=people, at=waiting_from)
    at = paris(2026, 5, 2, 9)
    clock(at)
    seen = resolution_seen_everywhere(cm_client, mention, at)
    assert seen["response-times panel"] == level
    assert seen["report"] == ("breached" if level == "breached" else "not breached")
