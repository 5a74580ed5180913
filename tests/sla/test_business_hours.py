"""Business-hours arithmetic, and SLA due times counted in the policy's clock."""

import random
import time as clock_time
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from listening.choices import Platform
from listening.ingestion import mention_ingest
from listening.models import Mention
from platforms.normalized import NormalizedAuthor, NormalizedMention
from sla.business_hours import BusinessCalendar, CalendarClock, CalendarError, Shift
from sla.models import CountedIn
from sla.selectors import sla_policies_by_label
from sla.state import sla_state
from tests.factories import BrandFactory, HolidayFactory, ShiftFactory, SLAPolicyFactory

PARIS = ZoneInfo("Europe/Paris")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def office_hours(**extra) -> BusinessCalendar:
    """Monday to Friday, 9:00–17:00, Paris."""
    return BusinessCalendar(time_zone="Europe/Paris", shifts=[Shift(day, time(9), time(17)) for day in range(5)],
                            **extra)


def friday_night() -> BusinessCalendar:
    return BusinessCalendar(time_zone="Europe/Paris", shifts=[Shift(FRI, time(22), time(6))])


# 2026: Friday 27 March, clocks go forward on Sunday 29 March; back on Sunday 25 October.


def test_the_weekend_without_shifts_does_not_count():
    cal = office_hours()
    assert cal.add(start=paris(2026, 3, 27, 16), minutes=120) == paris(2026, 3, 30, 10)
    assert cal.minutes_between(start=paris(2026, 3, 27, 16), end=paris(2026, 3, 30, 10)) == 120


def test_time_outside_shifts_starts_at_the_next_opening():
    cal = office_hours()
    assert cal.add(start=paris(2026, 3, 24, 20), minutes=30) == paris(2026, 3, 25, 9, 30)
    assert cal.add(start=paris(2026, 3, 24, 7), minutes=0) == paris(2026, 3, 24, 7)


def test_an_overnight_shift_runs_from_friday_22_00_to_saturday_06_00():
    cal = friday_night()
    assert cal.add(start=paris(2026, 3, 13, 21), minutes=60) == paris(2026, 3, 13, 23)
    assert cal.add(start=paris(2026, 3, 13, 22), minutes=8 * 60) == paris(2026, 3, 14, 6)
    assert cal.minutes_between(start=paris(2026, 3, 13, 20), end=paris(2026, 3, 14, 12)) == 8 * 60
    # Started on Friday, the shift is still running early on Saturday.
    assert cal.add(start=paris(2026, 3, 14, 3), minutes=60) == paris(2026, 3, 14, 4)
    # Past Saturday 06:00 the next business minute is the following Friday night.
    assert cal.add(start=paris(2026, 3, 14, 5), minutes=120) == paris(2026, 3, 20, 23)


def test_overlapping_shifts_are_counted_once():
    cal = BusinessCalendar(time_zone="Europe/Paris",
                           shifts=[Shift(MON, time(8), time(14)), Shift(MON, time(12), time(20))])
    assert cal.minutes_between(start=paris(2026, 3, 23, 0), end=paris(2026, 3, 24, 0)) == 12 * 60
    assert cal.add(start=paris(2026, 3, 23, 7), minutes=11 * 60) == paris(2026, 3, 23, 19)


def test_no_shift_starts_on_a_holiday():
    cal = office_hours(holidays=[date(2026, 5, 1)])  # Friday 1 May
    assert cal.add(start=paris(2026, 4, 30, 16, 30), minutes=60) == paris(2026, 5, 4, 9, 30)
    assert cal.minutes_between(start=paris(2026, 4, 30, 0), end=paris(2026, 5, 5, 0)) == 2 * 8 * 60


def test_a_night_shift_started_the_evening_before_a_holiday_runs_to_its_end():
    cal = BusinessCalendar(time_zone="Europe/Paris",
                           shifts=[Shift(THU, time(22), time(6)), Shift(FRI, time(22), time(6))],
                           holidays=[date(2026, 5, 1)])
    # Thursday night runs into the holiday; no shift starts on the holiday evening.
    assert cal.minutes_between(start=paris(2026, 4, 30, 12), end=paris(2026, 5, 7, 12)) == 8 * 60
    assert cal.add(start=paris(2026, 5, 1, 5), minutes=120) == paris(2026, 5, 7, 23)


def test_the_march_night_shift_is_an_hour_shorter():
    cal = BusinessCalendar(time_zone="Europe/Paris", shifts=[Shift(SAT, time(22), time(6))])
    assert cal.minutes_between(start=paris(2026, 3, 28, 20), end=paris(2026, 3, 29, 12)) == 7 * 60
    assert cal.add(start=paris(2026, 3, 28, 22), minutes=7 * 60) == paris(2026, 3, 29, 6)
    # 02:30 never happens that night: 4 real hours after 22:00 the clocks read 03:00.
    assert cal.add(start=paris(2026, 3, 28, 22), minutes=4 * 60) == datetime(2026, 3, 29, 1, tzinfo=UTC)


def test_the_october_night_shift_is_an_hour_longer():
    cal = BusinessCalendar(time_zone="Europe/Paris", shifts=[Shift(SAT, time(22), time(6))])
    assert cal.minutes_between(start=paris(2026, 10, 24, 20), end=paris(2026, 10, 25, 12)) == 9 * 60
    assert cal.add(start=paris(2026, 10, 24, 22), minutes=8 * 60) == paris(2026, 10, 25, 5)


def test_a_shift_edge_in_the_skipped_hour_moves_to_when_the_clocks_jump():
    cal = BusinessCalendar(time_zone="Europe/Paris", shifts=[Shift(SUN, time(2, 30), time(4))])
    assert cal.minutes_between(start=paris(2026, 3, 28, 0), end=paris(2026, 3, 30, 0)) == 60
    assert cal.add(start=paris(2026, 3, 28, 12), minutes=1) == datetime(2026, 3, 29, 1, 1, tzinfo=UTC)


def test_a_shift_in_the_repeated_hour_covers_both_of_its_occurrences():
    cal = BusinessCalendar(time_zone="Europe/Paris", shifts=[Shift(SUN, time(2), time(2, 30))])
    # From the first 02:00 (00:00 UTC) to the second 02:30 (01:30 UTC).
    assert cal.minutes_between(start=paris(2026, 10, 24, 0), end=paris(2026, 10, 26, 0)) == 90
    assert cal.add(start=paris(2026, 10, 24, 0), minutes=90) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_calendar_time_counts_every_real_minute():
    clock = CalendarClock()
    start = paris(2026, 3, 28, 23)
    assert clock.add(start=start, minutes=4 * 60) == paris(2026, 3, 29, 4)  # 02:00–03:00 doesn't exist
    assert clock.minutes_between(start=start, end=paris(2026, 3, 29, 4)) == 4 * 60
    assert clock.add(start=start, minutes=90) == start + timedelta(minutes=90)


def test_minutes_between_is_negative_when_the_end_comes_first():
    cal = office_hours()
    assert cal.minutes_between(start=paris(2026, 3, 30, 10), end=paris(2026, 3, 27, 16)) == -120


def test_adding_then_measuring_gives_back_the_same_minutes():
    """Over a year of random starts, with DST changes, a holiday and a night shift."""
    cal = BusinessCalendar(
        time_zone="Europe/Paris",
        shifts=[Shift(day, time(8, 30), time(18)) for day in range(5)] + [Shift(FRI, time(22), time(6)),
                                                                        Shift(SUN, time(1, 30), time(3, 15))],
        holidays=[date(2026, 5, 1), date(2026, 12, 25)],
    )
    rng = random.Random(6)
    for _ in range(500):
        start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(365 * 24 * 60))
        minutes = rng.randrange(1, 5000)
        due = cal.add(start=start, minutes=minutes)
        assert cal.minutes_between(start=start, end=due) == pytest.approx(minutes), (start, minutes)
        assert due >= start + timedelta(minutes=minutes)


def test_fast_enough_to_run_for_each_mention():
    cal = office_hours(holidays=[date(2026, 5, 1)])
    start = paris(2026, 4, 27, 16)
    began = clock_time.perf_counter()
    for i in range(2000):
        cal.add(start=start + timedelta(minutes=i), minutes=24 * 60)
    assert clock_time.perf_counter() - began < 2  # about 0.1 s on a laptop


@pytest.mark.parametrize("build, words", [
    (lambda: BusinessCalendar(time_zone="Europe/Paris", shifts=[]), "no shifts"),
    (lambda: BusinessCalendar(time_zone="Paris/Nowhere", shifts=[Shift(MON, time(9), time(17))]), "not a time zone"),
    (lambda: BusinessCalendar(time_zone="Europe/Paris", shifts=[Shift(7, time(9), time(17))]), "weekday"),
    (lambda: office_hours().add(start=datetime(2026, 3, 2, 9), minutes=10), "time zone"),
    (lambda: office_hours().add(start=paris(2026, 3, 2, 9), minutes=-5), "negative"),
    (lambda: office_hours().minutes_between(start=paris(2026, 3, 2, 9), end="tomorrow"), "time zone"),
])
def test_bad_input_is_refused_in_plain_words(build, words):
    with pytest.raises(CalendarError, match=words):
        build()


# --- the SLA due time of new mentions uses the policy's clock ---


def _item(external_id, posted_at):
    return NormalizedMention(external_id=external_id, text="Toujours pas de réseau", posted_at=posted_at,
                             author=NormalizedAuthor(external_id="u1", handle="lea_75", followers_count=10))


def test_ingested_mentions_are_due_in_business_hours_when_the_policy_says_so(db):
    brand = BrandFactory(time_zone="Europe/Paris")
    for day in range(5):
        ShiftFactory(calendar__brand=brand, weekday=day, starts_at=time(9), ends_at=time(17))
    HolidayFactory(calendar__brand=brand, date=date(2026, 5, 1))
    SLAPolicyFactory(brand=brand, label="", first_response_minutes=60, counted_in=CountedIn.BUSINESS_HOURS)
    mention_ingest(brand=brand, platform=Platform.TWITTER,
                   items=[_item("thu", paris(2026, 4, 30, 16, 30)), _item("sat", paris(2026, 5, 2, 11))])
    assert Mention.objects.get(external_id="thu").first_response_due_at == paris(2026, 5, 4, 9, 30)
    assert Mention.objects.get(external_id="sat").first_response_due_at == paris(2026, 5, 4, 10)
    for mention in Mention.objects.all():  # what ingestion stores is what every screen reads
        assert sla_state(mention, at=paris(2026, 5, 2, 12)).first_response.due_at == mention.first_response_due_at


def test_calendar_time_policies_keep_counting_nights_and_weekends(db):
    brand = BrandFactory()
    ShiftFactory(calendar__brand=brand, weekday=MON)
    SLAPolicyFactory(brand=brand, label="", first_response_minutes=60, counted_in=CountedIn.CALENDAR)
    mention_ingest(brand=brand, platform=Platform.TWITTER, items=[_item("sat", paris(2026, 5, 2, 11))])
    assert Mention.objects.get(external_id="sat").first_response_due_at == paris(2026, 5, 2, 12)


def test_a_brand_calendar_is_loaded_once_for_all_its_policies(db, django_assert_num_queries):
    brand = BrandFactory()
    ShiftFactory(calendar__brand=brand, weekday=MON)
    for label in ("", "complaint", "question"):
        SLAPolicyFactory(brand=brand, label=label, counted_in=CountedIn.BUSINESS_HOURS)
    with django_assert_num_queries(4):  # policies, calendar, its shifts, its holidays
        policies = sla_policies_by_label(brand_id=brand.pk)
        clocks = {id(policy.clock) for policy in policies.values()}
    assert len(clocks) == 1 and isinstance(policies[""].clock, BusinessCalendar)


def test_business_hours_without_shifts_fall_back_to_calendar_time(db):
    brand = BrandFactory()
    SLAPolicyFactory(brand=brand, label="", counted_in=CountedIn.BUSINESS_HOURS)
    assert isinstance(sla_policies_by_label(brand_id=brand.pk)[""].clock, CalendarClock)


def test_a_policy_in_business_hours_needs_the_brand_to_have_shifts(db):
    from django.core.exceptions import ValidationError

    brand = BrandFactory()
    policy = SLAPolicyFactory.build(brand=brand, counted_in=CountedIn.BUSINESS_HOURS)
    with pytest.raises(ValidationError, match="no business hours yet"):
        policy.full_clean()
    ShiftFactory(calendar__brand=brand, weekday=MON)
    policy.full_clean()
