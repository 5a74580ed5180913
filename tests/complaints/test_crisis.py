"""The crisis detector on synthetic weeks of complaints (no database: the counts are given)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.utils import translation

from complaints.crisis import COUNT_THRESHOLD, HOUR, HourCounts, crisis_check, same_hour_in_past_weeks

PARIS = ZoneInfo("Europe/Paris")
# Monday 6 April 2026, 10:00 in Paris. Clocks went forward on 29 March, so the weeks
# before are compared across a change of daylight saving time.
MONDAY_10 = datetime(2026, 4, 6, 10, 0, tzinfo=PARIS)
TUESDAY_15 = datetime(2026, 4, 7, 15, 0, tzinfo=PARIS)


def usual_complaints(local: datetime) -> float:
    """Mean complaints per hour of this synthetic brand: quiet nights, busy days, and a sharp
    peak on Monday 9:00–10:00 (the weekend's problems, reported when offices open)."""
    if local.weekday() == 0 and local.hour == 9:
        return 60.0
    return 12.0 if 8 <= local.hour < 20 else 2.0


def weekly_series(*, end: datetime, weeks: int = 7, seed: int = 7, complaint_rate=usual_complaints,
                  other_per_complaint: float = 3.0) -> dict[datetime, HourCounts]:
    """Poisson counts for every hour of the `weeks` weeks before `end`: complaints at the
    brand's usual rate for the local hour, and three times as many other mentions."""
    rng = np.random.default_rng(seed)
    series, start = {}, (end - timedelta(weeks=weeks)).astimezone(UTC)
    for h in range(weeks * 168):
        bucket = start + h * HOUR
        rate = complaint_rate(bucket.astimezone(PARIS))
        complaints, others = int(rng.poisson(rate)), int(rng.poisson(rate * other_per_complaint))
        series[bucket] = HourCounts(complaints=complaints, mentions=complaints + others)
    return series


def texts(check) -> list[str]:
    with translation.override("en"):
        return check.reason_texts()


def test_an_ordinary_monday_morning_peak_raises_no_alert():
    series = weekly_series(end=MONDAY_10)
    current = series[MONDAY_10.astimezone(UTC) - HOUR]
    average = sum(c.complaints for c in series.values()) / len(series)
    assert current.complaints > 5 * average  # a fixed threshold on the average would fire here

    check = crisis_check(series=series, end=MONDAY_10, time_zone="Europe/Paris")

    assert not check.is_crisis
    assert 50 <= check.usual_complaints <= 70
    assert texts(check)[0].startswith(f"{current.complaints} complaints in the last hour; usually ")


def test_the_usual_level_is_the_same_local_hour_across_a_daylight_saving_change():
    series = weekly_series(end=MONDAY_10)
    past = same_hour_in_past_weeks(end=MONDAY_10, tz=PARIS, weeks=6)
    assert {(start.astimezone(PARIS).weekday(), start.astimezone(PARIS).hour) for start in past} == {(0, 9)}
    assert crisis_check(series=series, end=MONDAY_10, time_zone=PARIS).count_score < 2
    # Judged on UTC hours, the weeks before the change compare the peak with 8:00–9:00.
    assert crisis_check(series=series, end=MONDAY_10, time_zone="UTC").count_score > COUNT_THRESHOLD


def test_an_ordinary_week_raises_no_alert_at_any_hour():
    end_of_week = MONDAY_10 + timedelta(weeks=1)
    series = weekly_series(end=end_of_week, weeks=8, seed=11)
    ends = [(MONDAY_10.astimezone(UTC) + h * HOUR) for h in range(168)]
    alerts = [end for end in ends if crisis_check(series=series, end=end, time_zone=PARIS).is_crisis]
    assert alerts == []


@pytest.mark.parametrize("end", [TUESDAY_15, MONDAY_10], ids=["tuesday afternoon", "monday peak"])
def test_a_five_fold_complaint_burst_raises_an_alert(end):
    series = weekly_series(end=end)
    bucket = end.astimezone(UTC) - HOUR
    usual = usual_complaints(bucket.astimezone(PARIS))
    ordinary = series[bucket]
    burst = int(5 * usual)
    series[bucket] = HourCounts(complaints=burst, mentions=ordinary.mentions - ordinary.complaints + burst)

    check = crisis_check(series=series, end=end, time_zone="Europe/Paris")

    assert check.is_crisis
    assert check.complaints == burst and check.count_score >= COUNT_THRESHOLD and check.share_score >= 2
    words = texts(check)
    assert words[0].startswith(f"{burst} complaints in the last hour; usually ")
    assert words[1].startswith("Complaints were ") and "of all mentions; usually " in words[1]


def test_a_past_crisis_does_not_raise_the_usual_level():
    series = weekly_series(end=TUESDAY_15)
    last_week = TUESDAY_15.astimezone(UTC) - timedelta(weeks=1) - HOUR
    series[last_week] = HourCounts(complaints=400, mentions=500)
    now = TUESDAY_15.astimezone(UTC) - HOUR
    series[now] = HourCounts(complaints=60, mentions=series[now].mentions - series[now].complaints + 60)

    check = crisis_check(series=series, end=TUESDAY_15, time_zone=PARIS)

    assert check.usual_complaints < 20
    assert check.is_crisis


def test_a_brand_without_history_gets_no_alert_and_is_told_why():
    # Listening started nine days ago: one past Tuesday 14:00, then a burst.
    series = weekly_series(end=TUESDAY_15, weeks=1)
    series[(TUESDAY_15 - timedelta(days=9)).astimezone(UTC)] = HourCounts(complaints=1, mentions=3)
    series[TUESDAY_15.astimezone(UTC) - HOUR] = HourCounts(complaints=300, mentions=320)

    check = crisis_check(series=series, end=TUESDAY_15, time_zone=PARIS)

    assert not check.is_crisis
    assert check.weeks_of_history == 1
    assert texts(check) == [
        "No alert: only 1 past week of mentions at this hour, 3 are needed to know the usual level."
    ]


def test_a_brand_with_no_mention_at_all_gets_no_alert():
    check = crisis_check(series={}, end=TUESDAY_15, time_zone=PARIS)
    assert not check.is_crisis and check.weeks_of_history == 0
    assert texts(check)[0].startswith("No alert: only 0 past weeks")


def quiet(local: datetime) -> float:
    return 0.05  # about one complaint a month at a given hour


@pytest.mark.parametrize("complaints", [2, 5])
def test_a_quiet_brand_going_from_zero_to_a_few_complaints_raises_no_alert(complaints):
    series = weekly_series(end=TUESDAY_15, complaint_rate=quiet, other_per_complaint=20)
    series[TUESDAY_15.astimezone(UTC) - HOUR] = HourCounts(complaints=complaints, mentions=complaints)

    check = crisis_check(series=series, end=TUESDAY_15, time_zone=PARIS)

    assert not check.is_crisis
    assert check.usual_complaints == 0
    assert texts(check)[0] == f"{complaints} complaints in the last hour; usually 0 at this hour of the week."


def test_a_quiet_brand_with_a_dozen_complaints_in_an_hour_raises_an_alert():
    series = weekly_series(end=TUESDAY_15, complaint_rate=quiet, other_per_complaint=20)
    series[TUESDAY_15.astimezone(UTC) - HOUR] = HourCounts(complaints=12, mentions=13)

    assert crisis_check(series=series, end=TUESDAY_15, time_zone=PARIS).is_crisis


def test_complaints_rising_with_all_mentions_is_a_campaign_not_a_crisis():
    series = weekly_series(end=TUESDAY_15)
    bucket = TUESDAY_15.astimezone(UTC) - HOUR
    series[bucket] = HourCounts(complaints=60, mentions=240)  # five times everything, share as usual

    check = crisis_check(series=series, end=TUESDAY_15, time_zone=PARIS)

    assert not check.is_crisis
    assert check.count_score >= COUNT_THRESHOLD
    assert texts(check)[-1].startswith("No alert: all mentions rose as much as complaints")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"end": datetime(2026, 4, 7, 15, 0)}, "must carry a time zone"),
        ({"weeks": 0}, "at least one past week, not 0"),
        ({"time_zone": "Europe/Lutece"}, "Unknown time zone: 'Europe/Lutece'"),
    ],
)
def test_bad_input_is_refused_in_plain_words(kwargs, message):
    with pytest.raises(ValueError, match=message):
        crisis_check(**{"series": {}, "end": TUESDAY_15, "time_zone": PARIS, **kwargs})


def test_an_hour_with_more_complaints_than_mentions_is_refused():
    with pytest.raises(ValueError, match=r"more complaints \(3\) than mentions \(2\)"):
        HourCounts(complaints=3, mentions=2)
