"""Arithmetic the report needs over stored response times: the percentile aggregate (in SQL on
Postgres, the same interpolation in Python for the SQLite demo), and moving back along a
brand's clock to turn "older than N business hours" into a plain posted_at comparison."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Aggregate, FloatField

from responses import business_hours


class Percentiles(Aggregate):
    """[median, 90th percentile] of a column, interpolated, nulls ignored (Postgres): one sort
    gives both."""

    function = "percentile_cont"
    template = "%(function)s(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, **extra):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(expression, output_field=ArrayField(FloatField()), **extra)


def percentile_cont(values, fraction: float) -> float | None:
    """The same interpolation as Postgres's percentile_cont."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    rank = fraction * (len(values) - 1)
    low = int(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def figures_in_python(rows) -> dict:
    """rows: (key, first response minutes, resolution minutes, first response met, resolution met).
    {key: the figures the SQL path computes}, for databases without percentile_cont."""
    groups: dict = {}
    for key, *values in rows:
        groups.setdefault(key, []).append(values)
    result = {}
    for key, items in groups.items():
        firsts = [i[0] for i in items if i[0] is not None]
        resolutions = [i[1] for i in items if i[1] is not None]
        result[key] = {
            "n_answered": len(firsts), "n_resolved": len(resolutions),
            "first_response": [percentile_cont(firsts, 0.5), percentile_cont(firsts, 0.9)],
            "resolution": [percentile_cont(resolutions, 0.5), percentile_cont(resolutions, 0.9)],
            "n_first_response_met": sum(i[2] is True for i in items),
            "n_first_response_judged": sum(i[2] is not None for i in items),
            "n_resolution_met": sum(i[3] is True for i in items),
            "n_resolution_judged": sum(i[3] is not None for i in items),
        }
    return result


def moment_before(*, clock, end: datetime, minutes: float) -> datetime:
    """The moment from which `minutes` of the clock have passed at `end`: exact in calendar time,
    by bisection on minutes_between (to the second) in business hours."""
    if isinstance(clock, business_hours.CalendarClock):
        return end - timedelta(minutes=minutes)
    low, high = end - timedelta(minutes=minutes), end
    while clock.minutes_between(start=low, end=end) < minutes:
        high, low = low, end - (end - low) * 2
        if end - low > timedelta(days=3660):
            return low  # a calendar with (almost) no working time: nothing is that old
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if clock.minutes_between(start=middle, end=end) >= minutes:
            low = middle
        else:
            high = middle
    return low
