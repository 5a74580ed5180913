"""The count model beside the share: a burst at a sparse hour alerts even though the share of
complaints can't move, while ordinary peaks and ordinary noise still page no one."""

import math
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from complaints.crisis import HOUR, HourCounts, crisis_check
from complaints.crisis_counts import BASELINE_FLOOR, CountBaseline, count_baseline
from tests.complaints.test_crisis import (
    MONDAY_10,
    PARIS,
    usual_complaints,
    weekly_series,
)

# Tuesday 7 April 2026, 3:00–4:00 in Paris: at night, one complaint a week and nothing else.
TUESDAY_4 = datetime(2026, 4, 7, 4, 0, tzinfo=PARIS)


def _night_of_one_complaint(seed: int = 7) -> dict:
    series = weekly_series(end=TUESDAY_4, seed=seed)
    for week in range(1, 7):
        series[(TUESDAY_4 - timedelta(weeks=week)).astimezone(UTC) - HOUR] = HourCounts(complaints=1, mentions=1)
    return series


@pytest.mark.parametrize("complaints", [10, 50])
def test_ten_or_fifty_complaints_where_one_is_usual_alert_though_the_share_cannot_move(complaints):
    series = _night_of_one_complaint()
    series[TUESDAY_4.astimezone(UTC) - HOUR] = HourCounts(complaints=complaints, mentions=complaints)

    check = crisis_check(series=series, end=TUESDAY_4, time_zone=PARIS)

    assert check.usual_share == 1.0 and check.share == 1.0  # the share says nothing here
    assert check.is_crisis
    assert check.expected_complaints == 1.0 and check.burst_chance < (1e-6 if complaints == 10 else 1e-50)
    with translation.override("en"):
        assert check.reason_texts()[-1] == (
            "Complaints are usually 100% of the mentions at this hour, so their share cannot rise: the alert is "
            "on their number alone, far more than the 1 expected at this hour would reach by chance.")
    with translation.override("fr"):
        assert check.reason_texts()[-1].startswith("Les réclamations font d’habitude 100")


@pytest.mark.parametrize("complaints", [2, 7, 9])
def test_a_few_complaints_where_one_is_usual_is_still_chance(complaints):
    series = _night_of_one_complaint()
    series[TUESDAY_4.astimezone(UTC) - HOUR] = HourCounts(complaints=complaints, mentions=complaints)

    check = crisis_check(series=series, end=TUESDAY_4, time_zone=PARIS)

    assert not check.is_crisis
    if complaints >= 7:  # far enough for the spread test of the share model, not for the count model
        with translation.override("en"):
            assert check.reason_texts()[-1] == (
                "No alert: complaints are usually 100% of the mentions at this hour, so only their number can "
                f"tell, and {complaints} against the 1 expected is still within chance.")


def test_an_ordinary_monday_morning_peak_still_raises_no_alert_when_mentions_are_all_complaints():
    # A brand whose every mention is a complaint: the share never moves, the count model decides alone.
    series = weekly_series(end=MONDAY_10, other_per_complaint=0)
    current = series[MONDAY_10.astimezone(UTC) - HOUR]
    assert current.complaints > 40  # the Monday 9:00 peak: five times the daytime level

    check = crisis_check(series=series, end=MONDAY_10, time_zone=PARIS)

    assert check.share == check.usual_share == 1.0
    assert not check.is_crisis
    assert 50 <= check.expected_complaints <= 70
    # A peak a third above the usual Monday is still no crisis; three times it is.
    series[MONDAY_10.astimezone(UTC) - HOUR] = HourCounts(complaints=80, mentions=80)
    assert not crisis_check(series=series, end=MONDAY_10, time_zone=PARIS).is_crisis
    series[MONDAY_10.astimezone(UTC) - HOUR] = HourCounts(complaints=180, mentions=180)
    assert crisis_check(series=series, end=MONDAY_10, time_zone=PARIS).is_crisis


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_ordinary_weeks_of_complaints_only_raise_no_alert_at_any_hour(seed):
    end_of_week = MONDAY_10 + timedelta(weeks=1)
    series = weekly_series(end=end_of_week, weeks=8, seed=seed, other_per_complaint=0)
    ends = [MONDAY_10.astimezone(UTC) + h * HOUR for h in range(168)]
    assert [end for end in ends if crisis_check(series=series, end=end, time_zone=PARIS).is_crisis] == []


def test_an_hour_that_swings_from_week_to_week_is_not_surprised_by_its_swings():
    series = weekly_series(end=TUESDAY_4)
    for week, n in zip(range(1, 7), [0, 7, 1, 9, 0, 8]):
        series[(TUESDAY_4 - timedelta(weeks=week)).astimezone(UTC) - HOUR] = HourCounts(complaints=n, mentions=n)
    series[TUESDAY_4.astimezone(UTC) - HOUR] = HourCounts(complaints=14, mentions=14)
    check = crisis_check(series=series, end=TUESDAY_4, time_zone=PARIS)
    assert not check.is_crisis  # a Poisson model around the mean (3.2 without the busiest week) would fire
    assert CountBaseline(usual=3.2).chance_of_at_least(14) < 1e-5


def test_the_baseline_has_a_floor_and_ignores_the_busiest_week():
    assert count_baseline([0, 0, 0, 0, 0, 0]) == CountBaseline(usual=BASELINE_FLOOR)
    assert count_baseline([1, 1, 1, 1, 1, 400]).usual == 1.0  # one past crisis doesn't raise the bar
    assert count_baseline([1, 400, 1]).usual > 100  # with three weeks, each one counts
    assert count_baseline([0, 7, 1, 9, 0, 8]).size is not None  # wider than Poisson: negative binomial


def test_tail_chances_match_the_textbook_sums():
    # Poisson(1): P(X ≥ 3) = 1 − e⁻¹ (1 + 1 + 1/2).
    assert CountBaseline(usual=1.0).chance_of_at_least(3) == pytest.approx(1 - math.exp(-1) * 2.5, rel=1e-9)
    # Negative binomial, mean 4, size 2: the tail is one minus the sum of the first terms.
    mu, k = 4.0, 2.0
    pmf = [math.exp(math.lgamma(x + k) - math.lgamma(k) - math.lgamma(x + 1) + k * math.log(k / (k + mu))
                    + x * math.log(mu / (k + mu))) for x in range(10)]
    assert CountBaseline(usual=mu, size=k).chance_of_at_least(10) == pytest.approx(1 - sum(pmf), rel=1e-9)
    assert CountBaseline(usual=5.0).chance_of_at_least(5) == 1.0  # at the usual level: no surprise
    assert 0 < CountBaseline(usual=1.0).chance_of_at_least(2000) < 1e-300 or \
        CountBaseline(usual=1.0).chance_of_at_least(2000) == 0.0


def test_the_ordinary_monday_peak_of_the_share_model_is_unchanged():
    series = weekly_series(end=MONDAY_10)
    check = crisis_check(series=series, end=MONDAY_10, time_zone=PARIS)
    assert not check.is_crisis
    assert check.expected_complaints == pytest.approx(usual_complaints(datetime(2026, 3, 30, 9, tzinfo=PARIS)), rel=0.2)
