"""Business-hours arithmetic: how many minutes of business time lie between two moments,
and when a number of business minutes will have passed.

A calendar is the brand's time zone, weekly shifts and holidays. A shift whose end is at or
before its start runs into the next day (a night shift: Friday 22:00 → Saturday 06:00). A
holiday is a date on which no shift starts; a night shift that started the evening before
still runs to its end.

Only real elapsed time counts: a night shift over the March daylight-saving change lasts an
hour less than its wall-clock length, over the October change an hour more. A shift edge that
falls in the skipped hour moves to the moment the clocks jump; in the repeated hour, a shift
starts at the first occurrence and ends at the second (the agents are at work for all of it).

Calendar time (24/7) has a clock with the same two methods, so callers never branch.
Both work day by day, not minute by minute: fast enough to run for each mention on ingestion.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


class CalendarError(ValueError):
    """A calendar that can't be used, with a message in plain words."""


@dataclass(frozen=True)
class Shift:
    weekday: int  # Monday = 0 … Sunday = 6, like date.weekday()
    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise CalendarError(f"{name} must be a date and time with its time zone (got {value!r}).")


def _require_minutes(minutes) -> float:
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes != minutes:
        raise CalendarError(f"The number of minutes must be a number (got {minutes!r}).")
    if minutes < 0:
        raise CalendarError(f"The number of minutes can't be negative (got {minutes}).")
    return minutes


class CalendarClock:
    """Calendar time: every minute counts, nights and weekends included."""

    kind = "calendar"

    def add(self, *, start: datetime, minutes: float) -> datetime:
        _require_aware(start, "The start")
        # In UTC: Python adds to a Paris datetime in wall-clock time, which is off by an hour
        # across a daylight-saving change.
        return start.astimezone(UTC) + timedelta(minutes=_require_minutes(minutes))

    def minutes_between(self, *, start: datetime, end: datetime) -> float:
        _require_aware(start, "The start")
        _require_aware(end, "The end")
        return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 60


class BusinessCalendar:
    """Business hours: only the minutes inside a shift count."""

    kind = "business"

    def __init__(self, *, time_zone: str, shifts: Iterable[Shift], holidays: Iterable[date] = ()):
        try:
            self.zone = zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            raise CalendarError(f"“{time_zone}” is not a time zone name such as Europe/Paris.") from None
        self.time_zone = time_zone
        self.shifts = tuple(shifts)
        if not self.shifts:
            raise CalendarError(
                "This business calendar has no shifts, so business time never passes: add at least one shift."
            )
        for shift in self.shifts:
            if not 0 <= shift.weekday <= 6:
                raise CalendarError(f"A shift's weekday must be 0 (Monday) to 6 (Sunday), not {shift.weekday}.")
        self.holidays = frozenset(holidays)
        self._by_weekday = {day: sorted((s for s in self.shifts if s.weekday == day), key=lambda s: s.start)
                            for day in range(7)}
        # Without shifts on a week day or on holidays, no business time passes; beyond this many
        # such days in a row something is wrong, and we stop instead of searching forever.
        self._max_empty_days = 8 + len(self.holidays)
        self._day_cache: dict[date, tuple[tuple[datetime, datetime], ...]] = {}

    def add(self, *, start: datetime, minutes: float) -> datetime:
        """The moment (UTC) when `minutes` business minutes have passed after `start`."""
        _require_aware(start, "The start")
        remaining = timedelta(minutes=_require_minutes(minutes))
        start = start.astimezone(UTC)
        if not remaining:
            return start
        cursor = start
        for opens, closes in self._intervals_from(start):
            opens = max(opens, cursor)
            if closes <= opens:
                continue
            if closes - opens >= remaining:
                return opens + remaining
            remaining -= closes - opens
            cursor = closes
        raise AssertionError("unreachable: _intervals_from never ends")  # pragma: no cover

    def minutes_between(self, *, start: datetime, end: datetime) -> float:
        """Business minutes from `start` to `end`; negative when `end` comes first."""
        _require_aware(start, "The start")
        _require_aware(end, "The end")
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end < start:
            return -self.minutes_between(start=end, end=start)
        total, cursor = timedelta(0), start
        for opens, closes in self._intervals_from(start):
            if opens >= end:
                break
            opens, closes = max(opens, cursor), min(closes, end)
            if closes > opens:
                total += closes - opens
                cursor = closes
        return total.total_seconds() / 60

    # --- shifts as UTC intervals, in order of their start, one local day at a time.

    def _intervals_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        # A night shift from the day before may still be running at `moment`.
        day = moment.astimezone(self.zone).date() - timedelta(days=1)
        empty_days = 0
        while True:
            intervals = self._day_intervals(day)
            if any(closes > moment for _, closes in intervals):
                empty_days = 0
            else:
                empty_days += 1
                if empty_days > self._max_empty_days:
                    raise CalendarError(
                        "This business calendar has no working time left: every day with a shift is a holiday."
                    )
            yield from intervals
            day += timedelta(days=1)

    def _day_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The shifts starting on this local date, as UTC (opens, closes), sorted by opening."""
        cached = self._day_cache.get(day)
        if cached is None:
            cached = () if day in self.holidays else tuple(sorted(
                (self._to_utc(day, shift.start, edge="start"),
                 self._to_utc(day + timedelta(days=1) if shift.crosses_midnight else day, shift.end, edge="end"))
                for shift in self._by_weekday[day.weekday()]
            ))
            self._day_cache[day] = cached
        return cached

    def _to_utc(self, day: date, at: time, *, edge: str) -> datetime:
        wall = datetime.combine(day, at)
        first = wall.replace(tzinfo=self.zone, fold=0).astimezone(UTC)
        second = wall.replace(tzinfo=self.zone, fold=1).astimezone(UTC)
        if first.astimezone(self.zone).replace(tzinfo=None) != wall:
            return self._jump_moment(min(first, second), max(first, second))  # skipped hour
        return first if edge == "start" else second  # equal unless in the repeated hour

    def _jump_moment(self, before: datetime, after: datetime) -> datetime:
        """The instant the clocks jump forward, between two UTC moments that straddle it."""
        old_offset = before.astimezone(self.zone).utcoffset()
        low, high = before, after
        while high - low > timedelta(seconds=1):
            middle = low + (high - low) / 2
            if middle.astimezone(self.zone).utcoffset() == old_offset:
                low = middle
            else:
                high = middle
        return high.replace(microsecond=0)  # offsets change on whole seconds
