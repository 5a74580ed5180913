"""Hourly complaint counts read from real mentions in Postgres, and the crisis check on them."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from complaints.crisis import HOUR, HourCounts
from complaints.crisis_data import brand_crisis_check, complaint_hourly_counts, crisis_top_mentions
from tests.factories import BrandFactory, MentionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
END = datetime(2026, 4, 7, 15, 37, tzinfo=PARIS)  # a check at 15:37 looks at 14:37–15:37


def mention(brand, at, label="complaint", **fields):
    return MentionFactory(brand=brand, posted_at=at, label=label, author=None, **fields)


def test_counts_complaints_and_all_mentions_per_hour_ending_at_the_check(django_assert_num_queries):
    brand, other_brand = BrandFactory(), BrandFactory()
    mention(brand, END - timedelta(minutes=10))
    mention(brand, END - timedelta(minutes=59, seconds=59), label="praise")
    mention(brand, END - timedelta(minutes=50), label="")  # not classified yet: still a mention
    mention(brand, END - timedelta(minutes=61))
    mention(brand, END - timedelta(weeks=1, minutes=30), label="question")
    mention(brand, END - timedelta(weeks=1, minutes=20))
    mention(brand, END)  # the next hour's
    mention(brand, END.astimezone(UTC) - timedelta(weeks=6, hours=3))  # before the compared weeks
    mention(other_brand, END - timedelta(minutes=5))

    with django_assert_num_queries(1):
        series = complaint_hourly_counts(brand_id=brand.pk, end=END, weeks=6)

    end = END.astimezone(UTC)
    assert series == {
        end - HOUR: HourCounts(complaints=1, mentions=3),
        end - 2 * HOUR: HourCounts(complaints=1, mentions=1),
        end - timedelta(weeks=1) - HOUR: HourCounts(complaints=1, mentions=2),
    }
    assert all(start.tzinfo == UTC for start in series)


def test_a_check_on_the_hour_uses_clock_hours():
    brand = BrandFactory()
    on_the_hour = datetime(2026, 4, 7, 15, 0, tzinfo=PARIS)
    mention(brand, on_the_hour - timedelta(minutes=1))
    mention(brand, on_the_hour - timedelta(minutes=60))

    series = complaint_hourly_counts(brand_id=brand.pk, end=on_the_hour)

    assert series == {on_the_hour.astimezone(UTC) - HOUR: HourCounts(complaints=2, mentions=2)}


def test_a_new_brand_gets_no_alert_and_is_told_why():
    brand = BrandFactory(time_zone="Europe/Paris")
    for minutes in range(1, 40, 2):
        mention(brand, END - timedelta(minutes=minutes))

    check = brand_crisis_check(brand=brand, end=END)

    assert not check.is_crisis and check.complaints == 20
    with translation.override("en"):
        assert check.reason_texts() == [
            "No alert: only 0 past weeks of mentions at this hour, 3 are needed to know the usual level."
        ]


def test_a_burst_of_complaints_in_the_brands_time_zone_raises_an_alert():
    brand = BrandFactory(time_zone="Europe/Paris")
    # Four ordinary Tuesdays at the same time (across the change to summer time on 29 March)...
    for week in range(1, 5):
        past_end = END - timedelta(weeks=week)
        for i in range(8):
            mention(brand, past_end - timedelta(minutes=5 + 6 * i), label="complaint" if i < 2 else "praise")
    # ...then twenty complaints in the last hour.
    for i in range(26):
        mention(brand, END - timedelta(minutes=2 + 2 * i), label="complaint" if i < 20 else "praise")

    check = brand_crisis_check(brand=brand, end=END)

    assert check.weeks_of_history == 4
    assert (check.complaints, check.mentions, check.usual_complaints) == (20, 26, 2)
    assert check.is_crisis


def test_the_most_shared_complaints_of_the_hour_come_first():
    brand = BrandFactory()
    start = END - HOUR
    viral = mention(brand, END - timedelta(minutes=30), reposts_count=300, quotes_count=40)
    quoted = mention(brand, END - timedelta(minutes=20), reposts_count=5, quotes_count=90)
    liked = mention(brand, END - timedelta(minutes=10), likes_count=900)
    mention(brand, END - timedelta(minutes=15), label="praise", reposts_count=5000)
    mention(brand, END - timedelta(hours=2), reposts_count=5000)
    mention(BrandFactory(), END - timedelta(minutes=5), reposts_count=5000)

    top = crisis_top_mentions(brand_id=brand.pk, start=start, end=END, limit=3)

    assert top == [viral, quoted, liked]
    assert crisis_top_mentions(brand_id=brand.pk, start=start, end=END, limit=1) == [viral]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda b: complaint_hourly_counts(brand_id=b, end=datetime(2026, 4, 7, 15)), "must carry a time zone"),
        (lambda b: complaint_hourly_counts(brand_id=b, end=END, weeks=0), "at least one past week"),
        (lambda b: crisis_top_mentions(brand_id=b, start=END, end=END - HOUR), "start of the period must come before"),
        (lambda b: crisis_top_mentions(brand_id=b, start=END - HOUR, end=END, limit=0), "at least 1, not 0"),
    ],
)
def test_bad_input_is_refused_in_plain_words(call, message):
    with pytest.raises(ValueError, match=message):
        call(BrandFactory().pk)
