"""Crisis detection: is the last hour's complaint volume far above the brand's usual level
for that hour of the week?

Complaints follow the week: Monday 9:00 is busy, Sunday 4:00 is quiet. A fixed threshold
would fire every Monday morning and never at night, so each hour is compared with the same
hour of the week in past weeks, in the brand's time zone. The usual level is the median of
those hours (one past crisis doesn't raise the bar) and the score counts how far the hour is
from it in units of the usual spread (median absolute deviation, scaled to a standard
deviation). Small counts are noisy: the spread never falls below Poisson noise (√usual, at
least 1 complaint), so a quiet brand needs at least COUNT_THRESHOLD complaints more than
usual in one hour: going from 0 to 2 complaints pages no one.

The complaint share (complaints / all mentions) must rise too: when every kind of mention
rises together, it is a campaign or news, not a wave of complaints.

Where the share can't rise (complaints are usually nearly all the mentions at that hour, as at
night when the only mention of past weeks was a complaint), the number of complaints decides
alone, by a count model that handles sparse hours (complaints.crisis_counts): fifty complaints
where one is usual is a crisis even though the share stays at 100 %."""

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints.crisis_counts import BURST_CHANCE, count_baseline

HOUR = timedelta(hours=1)
DEFAULT_WEEKS = 6
MIN_WEEKS = 3  # fewer past weeks than this is no usual level at all
MAD_TO_SD = 1.4826  # MAD × this estimates the standard deviation of normal data
# Every brand is checked 168 hours a week: at 4 or 5 spreads, ordinary Poisson noise still
# paged someone every few months per brand on synthetic weeks; 6 didn't, and still catches a
# five-fold burst at any hour with a dozen usual complaints.
COUNT_THRESHOLD = 6.0
# The share only has to show that complaints outgrew the other mentions; past hours' shares
# are noisy (few mentions each), so a stricter bar would miss real bursts.
SHARE_THRESHOLD = 2.0
MIN_RATIO = 2.0  # a crisis is at least twice the usual level, however steady the brand
MIN_SHARE_SCALE = 0.02  # two points of share: below that, rounding looks like a rise


@dataclass(frozen=True)
class HourCounts:
    complaints: int = 0
    mentions: int = 0  # all mentions, complaints included

    def __post_init__(self):
        if self.complaints < 0 or self.mentions < 0:
            raise ValueError("Hourly counts cannot be negative.")
        if self.complaints > self.mentions:
            raise ValueError(
                f"An hour cannot have more complaints ({self.complaints}) than mentions ({self.mentions}): "
                "the mention count must include the complaints."
            )


@dataclass(frozen=True)
class CrisisCheck:
    hour_start: datetime
    hour_end: datetime
    is_crisis: bool
    complaints: int
    mentions: int
    weeks_of_history: int
    usual_complaints: float | None = None
    usual_share: float | None = None
    count_score: float | None = None
    share_score: float | None = None
    # The count model: complaints expected at this hour, and the chance of this many or more.
    expected_complaints: float | None = None
    burst_chance: float | None = None
    reasons: tuple[dict, ...] = ()

    @property
    def share(self) -> float:
        return self.complaints / self.mentions if self.mentions else 0.0

    def reason_texts(self) -> list[str]:
        """The reasons in the active language: what was seen against the usual level."""
        return [text for text in (reason_text(r) for r in self.reasons) if text]


def crisis_check(
    *, series: Mapping[datetime, HourCounts], end: datetime, time_zone: str | tzinfo = "UTC",
    weeks: int = DEFAULT_WEEKS,
) -> CrisisCheck:
    """Checks the hour ending at `end` against the same hour of the week in the `weeks` before.

    series: counts per one-hour bucket, keyed by the bucket's start (aware datetimes, buckets
    aligned on `end`); a missing bucket counts zero. The brand's history starts at the first
    bucket with any mention: weeks before it are not evidence of a quiet brand."""
    check_window(end=end, weeks=weeks)
    tz = _zone(time_zone)
    end = end.astimezone(UTC)
    now = series.get(end - HOUR, HourCounts())
    seen = dict(hour_start=end - HOUR, hour_end=end, complaints=now.complaints, mentions=now.mentions)

    history_start = min((start for start, c in series.items() if c.mentions), default=None)
    past = [series.get(start, HourCounts()) for start in same_hour_in_past_weeks(end=end, tz=tz, weeks=weeks)
            if history_start is not None and start >= history_start]
    if len(past) < MIN_WEEKS:
        return CrisisCheck(
            **seen, is_crisis=False, weeks_of_history=len(past),
            reasons=({"code": "no_history", "weeks": len(past), "needed": MIN_WEEKS},),
        )

    counts = [c.complaints for c in past]
    usual = statistics.median(counts)
    scale = max(MAD_TO_SD * _mad(counts, usual), math.sqrt(max(usual, 1.0)))
    count_score = (now.complaints - usual) / scale

    usual_share, share_score, share_scale = _share_score(past, now)
    baseline = count_baseline(counts)
    burst_chance = baseline.chance_of_at_least(now.complaints)
    reasons = [
        {"code": "complaints", "seen": now.complaints, "usual": usual, "score": round(count_score, 1)},
        {"code": "share", "seen": round(now.complaints / now.mentions if now.mentions else 0.0, 4),
         "usual": round(usual_share, 4), "score": round(share_score, 1)},
    ]
    count_high = count_score >= COUNT_THRESHOLD and now.complaints >= MIN_RATIO * usual
    share_high = share_score >= SHARE_THRESHOLD
    # Even if every mention of this hour were a complaint, the share couldn't show a rise.
    share_stuck = (1.0 - usual_share) / share_scale < SHARE_THRESHOLD
    burst = burst_chance < BURST_CHANCE and now.complaints >= MIN_RATIO * baseline.usual
    is_crisis = (count_high and share_high) or (burst and share_stuck)
    if share_stuck and (burst or count_high):
        reasons.append({"code": "count_alone" if burst else "within_chance", "seen": now.complaints,
                        "expected": round(baseline.usual, 1), "usual_share": round(usual_share, 4)})
    elif count_high and not share_high:
        reasons.append({"code": "with_all_mentions"})
    return CrisisCheck(
        **seen, is_crisis=is_crisis, weeks_of_history=len(past), usual_complaints=usual,
        usual_share=usual_share, count_score=count_score, share_score=share_score,
        expected_complaints=baseline.usual, burst_chance=burst_chance, reasons=tuple(reasons),
    )


def same_hour_in_past_weeks(*, end: datetime, tz: tzinfo, weeks: int) -> list[datetime]:
    """Bucket starts (UTC) of the same local hour of the week, 1 to `weeks` weeks before.
    Arithmetic on local wall-clock time, so Monday 9:00 stays Monday 9:00 across a change
    of daylight saving time (the gap is then 167 or 169 hours, not 168)."""
    local_end = end.astimezone(tz)
    return [(local_end - timedelta(weeks=k)).astimezone(UTC) - HOUR for k in range(1, weeks + 1)]


def check_window(*, end: datetime, weeks: int) -> None:
    if end.tzinfo is None or end.utcoffset() is None:
        raise ValueError("The end of the checked hour must carry a time zone (an aware datetime).")
    if weeks < 1:
        raise ValueError(f"The comparison needs at least one past week, not {weeks}.")


def _share_score(past: list[HourCounts], now: HourCounts) -> tuple[float, float, float]:
    """Usual complaint share at this hour, how far the hour is above it, and the unit of that
    distance. Past hours without any mention say nothing about the share: with too few of
    them, the share over all the compared hours together stands in."""
    shares = [c.complaints / c.mentions for c in past if c.mentions]
    if len(shares) >= MIN_WEEKS:
        usual = statistics.median(shares)
        spread = MAD_TO_SD * _mad(shares, usual)
    else:
        total = sum(c.mentions for c in past)
        usual = sum(c.complaints for c in past) / total if total else 0.0
        spread = 0.0
    if not now.mentions:
        return usual, 0.0, max(spread, MIN_SHARE_SCALE)
    # Binomial noise of a share measured on this hour's mentions.
    scale = max(spread, math.sqrt(usual * (1 - usual) / now.mentions), MIN_SHARE_SCALE)
    return usual, (now.complaints / now.mentions - usual) / scale, scale


def _mad(values: list[float], center: float) -> float:
    return statistics.median(abs(v - center) for v in values)


def _zone(time_zone: str | tzinfo) -> tzinfo:
    if not isinstance(time_zone, str):
        return time_zone
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Unknown time zone: {time_zone!r}.") from None


def _number(value: float) -> str:
    return formats.number_format(value, decimal_pos=0 if float(value).is_integer() else 1)


def _percent(value: float) -> str:
    return _("%(percent)d%%") % {"percent": round(value * 100)}


def reason_text(reason: dict) -> str:
    code = reason.get("code")
    if code == "no_history":
        return ngettext(
            "No alert: only %(weeks)d past week of mentions at this hour, %(needed)d are needed to know "
            "the usual level.",
            "No alert: only %(weeks)d past weeks of mentions at this hour, %(needed)d are needed to know "
            "the usual level.",
            reason["weeks"],
        ) % {"weeks": reason["weeks"], "needed": reason["needed"]}
    if code == "complaints":
        return ngettext(
            "%(seen)d complaint in the last hour; usually %(usual)s at this hour of the week.",
            "%(seen)d complaints in the last hour; usually %(usual)s at this hour of the week.",
            reason["seen"],
        ) % {"seen": reason["seen"], "usual": _number(reason["usual"])}
    if code == "share":
        return _("Complaints were %(seen)s of all mentions; usually %(usual)s.") % {
            "seen": _percent(reason["seen"]), "usual": _percent(reason["usual"]),
        }
    if code == "count_alone":
        return _(
            "Complaints are usually %(share)s of the mentions at this hour, so their share cannot rise: "
            "the alert is on their number alone, far more than the %(expected)s expected at this hour "
            "would reach by chance."
        ) % {"share": _percent(reason["usual_share"]), "expected": _number(reason["expected"])}
    if code == "within_chance":
        return _(
            "No alert: complaints are usually %(share)s of the mentions at this hour, so only their number "
            "can tell, and %(seen)d against the %(expected)s expected is still within chance."
        ) % {"share": _percent(reason["usual_share"]), "seen": reason["seen"], "expected": _number(reason["expected"])}
    if code == "with_all_mentions":
        return _(
            "No alert: all mentions rose as much as complaints (a campaign or news?), so the share of "
            "complaints is as usual."
        )
    return ""
