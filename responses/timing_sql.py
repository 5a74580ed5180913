"""Moving back along a brand's clock to turn "older than N business hours" into a plain
posted_at comparison, for the report's counts of open mentions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sla import business_hours


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
