"""Reads for crisis detection: a brand's hourly complaint and mention counts, its crisis
check for the last hour, and the complaints of that hour that were shared most."""

from datetime import UTC, datetime, timedelta

from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from complaints.crisis import DEFAULT_WEEKS, HOUR, CrisisCheck, HourCounts, check_window, crisis_check
from listening.choices import Label
from listening.models import Brand, Mention


def complaint_hourly_counts(*, brand_id: int, end: datetime, weeks: int = DEFAULT_WEEKS) -> dict[datetime, HourCounts]:
    """Complaints and all mentions of a brand per one-hour bucket, keyed by the bucket's start
    (UTC), over the `weeks` weeks before `end`. One aggregate query; hours without any
    mention are absent.

    Buckets end on `end`, not on the clock: a check at 10:37 looks at 9:37–10:37, so an alert
    doesn't wait for the hour to close. Moving every time forward by the minutes up to the next
    whole hour lets TruncHour cut those buckets (on Postgres and on the SQLite demo alike)."""
    check_window(end=end, weeks=weeks)
    end = end.astimezone(UTC)
    shift = (end.replace(minute=0, second=0, microsecond=0) + HOUR - end) % HOUR
    posted = F("posted_at") + shift if shift else F("posted_at")
    # Two hours more than the weeks: across a daylight saving change a week is 169 hours.
    start = end - timedelta(weeks=weeks, hours=2)
    rows = (
        Mention.objects.filter(brand_id=brand_id, posted_at__gte=start, posted_at__lt=end)
        .annotate(bucket=TruncHour(ExpressionWrapper(posted, output_field=DateTimeField()), tzinfo=UTC))
        .values("bucket")
        .annotate(mentions=Count("id"), complaints=Count("id", filter=Q(label=Label.COMPLAINT)))
        .order_by()
    )
    return {
        row["bucket"].astimezone(UTC) - shift: HourCounts(complaints=row["complaints"], mentions=row["mentions"])
        for row in rows
    }


def brand_crisis_check(*, brand: Brand, end: datetime | None = None, weeks: int = DEFAULT_WEEKS) -> CrisisCheck:
    """The crisis check of the hour before `end` (now by default), in the brand's time zone."""
    end = end or timezone.now()
    series = complaint_hourly_counts(brand_id=brand.pk, end=end, weeks=weeks)
    return crisis_check(series=series, end=end, time_zone=brand.time_zone, weeks=weeks)


def crisis_top_mentions(*, brand_id: int, start: datetime, end: datetime, limit: int = 5) -> list[Mention]:
    """The brand's complaints posted in [start, end) that were shared most (reposts and
    quotes), for the alert: they are what the crisis is about and what spreads it."""
    if limit < 1:
        raise ValueError(f"The number of mentions to show must be at least 1, not {limit}.")
    if start >= end:
        raise ValueError("The start of the period must come before its end.")
    return list(
        Mention.objects.filter(brand_id=brand_id, label=Label.COMPLAINT, posted_at__gte=start, posted_at__lt=end)
        .select_related("author")
        .annotate(shares=F("reposts_count") + F("quotes_count"))
        .order_by("-shares", "-likes_count", "-posted_at", "-id")[:limit]
    )

