"""The managers' response-time report: one function per block of figures, assembled into one
Report that both the page and the CSV export render.

Volumes and times are computed from the period's mentions and stored response times
(responses.MentionTiming: business hours already applied, see responses.timing), read as arrays
(responses.report_days, packed per brand and day on Postgres) and counted with numpy
(responses.report_figures); open mentions (overdue, backlog) are counted in SQL as they are now,
overdue ones by the due times sla.state computes and sla.services stores on each mention.
Periods and their days, weeks and months are in the manager's time zone. Medians and 90th
percentiles are interpolated as Postgres's percentile_cont does.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property, reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.db import connection, transaction
from django.db.models import Count, DateTimeField, F, Func, IntegerField, Q, Value
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from listening.choices import OPEN_STATUSES, Label, Platform
from listening.models import Brand, Mention
from responses import report_figures as figures
from responses.report_days import Material, period_material
from responses.report_figures import TimeFigures
from responses.timing_sql import moment_before
from sla import business_hours
from sla.selectors import sla_policies_by_brand, sla_policy_for

GROUPINGS = {"day": _("Day"), "week": _("Week"), "month": _("Month")}
# Backlog ages, in hours of each brand's SLA clock (business hours where its policy says so).
AGE_LIMITS_HOURS = (1, 4, 8, 24, 72)
AGE_NAMES = (_("under 1 h"), _("1–4 h"), _("4–8 h"), _("8–24 h"), _("24–72 h"), _("over 72 h"))


@dataclass(frozen=True)
class ReportFilters:
    brand_ids: tuple[int, ...]  # empty: every brand
    start: date  # first day, in time_zone
    end: date  # last day, included
    grouping: str  # a key of GROUPINGS
    time_zone: str

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time(0), tzinfo=self.zone)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=self.zone)

    def buckets(self) -> list[date]:
        """The first day of each day, ISO week (Monday) or month the period touches."""
        return self._buckets

    @cached_property
    def _buckets(self) -> list[date]:  # asked for once per row of some aggregates
        first = {"day": self.start, "week": self.start - timedelta(days=self.start.weekday()),
                 "month": self.start.replace(day=1)}[self.grouping]
        result = []
        while first <= self.end:
            result.append(first)
            if self.grouping == "day":
                first += timedelta(days=1)
            elif self.grouping == "week":
                first += timedelta(days=7)
            else:
                first = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        return result


def mentions_in_period(*, filters: ReportFilters):
    """The mentions of the chosen brands posted in the period (the mentions CSV lists them)."""
    mentions = Mention.objects.filter(posted_at__gte=filters.since, posted_at__lt=filters.until)
    return mentions.filter(brand_id__in=filters.brand_ids) if filters.brand_ids else mentions


def _bucket(filters: ReportFilters):
    """Postgres: the bucket's number, by binary search of posted_at among the buckets' first
    instants (computed here in the manager's zone): converting each row's time to a zone costs
    more than the rest of the aggregate. Elsewhere: the truncated local time."""
    if connection.vendor != "postgresql":
        return Trunc("posted_at", filters.grouping, tzinfo=filters.zone)
    starts = [datetime.combine(day, time(0), tzinfo=filters.zone) for day in filters.buckets()]
    return Func(F("posted_at"), Value(starts, output_field=ArrayField(DateTimeField())), function="width_bucket",
                output_field=IntegerField())


def _day(bucket, filters: ReportFilters) -> date:
    if isinstance(bucket, int):
        return filters.buckets()[bucket - 1]
    return timezone.localtime(bucket, filters.zone).date()


def response_times_by_bucket(*, filters: ReportFilters, now: datetime,
                             material: Material) -> tuple[dict[date, TimeFigures], TimeFigures]:
    """Medians, 90th percentiles and SLA outcomes per bucket and for the whole period. Open
    mentions already past their due time count as missed (their bucket is their posting)."""
    per_bucket, total = figures.times_by_bucket(material, filters.buckets(), filters.zone)
    for day, (first_overdue, resolution_overdue) in _open_overdue(filters=filters, now=now).items():
        bucket = per_bucket.setdefault(day, TimeFigures())
        for target in (bucket, total):
            target.first_response_judged += first_overdue
            target.resolution_judged += resolution_overdue
    return per_bucket, total


def _clocks(*, brand_ids) -> list[tuple[int, list[str], object]]:
    """(brand id, labels, clock) for every label of these brands ("" = not yet classified),
    labels sharing an SLA policy together."""
    policies = sla_policies_by_brand(brand_ids=brand_ids)
    result = []
    for brand_id in brand_ids:
        by_policy: dict = {}
        for label in [*Label.values, ""]:
            policy = sla_policy_for(policies=policies.get(brand_id, {}), label=label)
            by_policy.setdefault(policy.pk if policy else None, (policy, []))[1].append(label)
        for policy, labels in by_policy.values():
            clock = policy.clock if policy is not None else business_hours.CalendarClock()
            result.append((brand_id, labels, clock))
    return result


def _brand_ids(filters: ReportFilters) -> list[int]:
    return list(filters.brand_ids) or list(Brand.objects.values_list("pk", flat=True))


def _open_overdue(*, filters: ReportFilters, now: datetime) -> dict[date, tuple[int, int]]:
    """Open mentions of the period whose first response or resolution is breached now, per
    bucket: what sla.state says of each (the mention page, the queue, the alerts), through the
    due times sla.services stores from it — past them, the mention is breached on every screen."""
    rows = (mentions_in_period(filters=filters).filter(status__in=[s.value for s in OPEN_STATUSES])
            .annotate(bucket=_bucket(filters)).values("bucket")
            .annotate(first=Count("pk", filter=Q(first_response_at__isnull=True, first_response_due_at__lt=now)),
                      resolution=Count("pk", filter=Q(resolution_due_at__lt=now)))
            .order_by())
    return {_day(row["bucket"], filters): (row["first"], row["resolution"]) for row in rows
            if row["first"] or row["resolution"]}


def backlog_by_age(*, filters: ReportFilters, now: datetime, clocks: list) -> list[int]:
    """Open mentions of the chosen brands now (whatever the period), by age in each brand's clock
    (clocks: _clocks of those brands): one count per AGE_NAMES."""
    limits = [[(brand_id, labels, moment_before(clock=clock, end=now, minutes=hours * 60))
               for brand_id, labels, clock in clocks] for hours in AGE_LIMITS_HOURS]
    open_mentions = Mention.objects.filter(status__in=[s.value for s in OPEN_STATUSES])
    if filters.brand_ids:
        open_mentions = open_mentions.filter(brand_id__in=filters.brand_ids)
    if not clocks:
        return [0] * len(AGE_NAMES)

    def older_than(index: int) -> Q:
        return reduce(or_, (Q(brand_id=b, label__in=labels, posted_at__lt=cut) for b, labels, cut in limits[index]))

    counts = open_mentions.aggregate(total=Count("pk"), **{
        f"over{i}": Count("pk", filter=older_than(i)) for i in range(len(AGE_LIMITS_HOURS))})
    over = [counts["total"]] + [counts[f"over{i}"] for i in range(len(AGE_LIMITS_HOURS))] + [0]
    return [over[i] - over[i + 1] for i in range(len(AGE_NAMES))]


@dataclass
class AgentFigures:
    name: str
    handled: int
    first_response_median: float | None
    first_response_met: int
    first_response_judged: int


def agents_table(*, material: Material) -> list[AgentFigures]:
    """Per agent (who sent the first reply, else the assignee): mentions of the period handled,
    median first response, first responses on time."""
    rows = figures.agents(material)
    users = get_user_model().objects.in_bulk([row.agent_id for row in rows])
    result = [AgentFigures(name=users[row.agent_id].get_full_name() or users[row.agent_id].get_username(),
                           handled=row.handled, first_response_median=row.first_response_median,
                           first_response_met=row.first_response_met, first_response_judged=row.first_response_judged)
              for row in rows if row.agent_id in users]
    return sorted(result, key=lambda a: (-a.handled, a.name.lower()))


@dataclass
class Table:
    """One block of figures: what the page shows under its chart and what the CSV holds.
    Cells are final (rounded) numbers, None where there is nothing to measure."""

    key: str
    title: str
    headers: list[str]
    rows: list[list]
    total: list | None = None
    unit: str = ""  # what the chart's numbers are: minutes, hours, percent, mentions
    periods: list[date] = field(default_factory=list)  # first day of each row's period, oldest first
    column_keys: list[str] = field(default_factory=list)  # the label or platform behind each header, "" if none

    def reading_rows(self) -> list[list]:
        """The rows as the page and the CSV print them: the most recent period first."""
        return self.rows[::-1] if self.periods else self.rows


@dataclass
class Report:
    filters: ReportFilters
    now: datetime
    tables: dict[str, Table]


def _rounded(value: float | None, scale: float = 1) -> float | None:
    return None if value is None else round(value / scale, 1)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _period_name(day: date, grouping: str) -> str:
    if grouping == "week":
        return str(_("week of %(day)s")) % {"day": day.isoformat()}
    return date_format(day, "YEAR_MONTH_FORMAT") if grouping == "month" else day.isoformat()


def report_build(*, filters: ReportFilters, now: datetime | None = None) -> Report:
    # The packs first, outside the transaction: rebuilt ones are stored at once (see report_days).
    material = period_material(brand_ids=filters.brand_ids, since=filters.since, until=filters.until)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # for these aggregates only: no JIT compile
                cursor.execute("SET LOCAL jit = off")
        return _report_build(filters=filters, now=now or timezone.now(), material=material)


def _report_build(*, filters: ReportFilters, now: datetime, material: Material) -> Report:
    buckets = filters.buckets()
    names = [_period_name(day, filters.grouping) for day in buckets]
    volume = figures.volume_by_bucket(material, buckets, filters.zone)
    clocks = _clocks(brand_ids=_brand_ids(filters))
    times, total = response_times_by_bucket(filters=filters, now=now, material=material)
    period = str(GROUPINGS[filters.grouping])
    tables = {}

    def counts_by(position: int, choices, key: str, title) -> Table:
        columns = list(choices) + ([("", _("Not classified"))] if position == 0 and any(
            label == "" for per in volume.values() for label, _platform in per) else [])
        rows = []
        for day, name in zip(buckets, names):
            per = volume.get(day, {})
            cells = [sum(n for pair, n in per.items() if pair[position] == value) for value, _label in columns]
            rows.append([name, *cells, sum(per.values())])
        total_row = [str(_("Total")), *[sum(col) for col in zip(*[r[1:] for r in rows])]] if rows else None
        return Table(key=key, title=str(title), headers=[period, *[str(label) for _v, label in columns], str(_("Total"))],
                     rows=rows, total=total_row, unit=str(_("mentions")), periods=buckets,
                     column_keys=["", *[str(value) or "unclassified" for value, _label in columns], ""])

    tables["volume_label"] = counts_by(0, Label.choices, "volume_label", _("Mentions by label"))
    tables["volume_platform"] = counts_by(1, Platform.choices, "volume_platform", _("Mentions by platform"))
    empty = TimeFigures()

    def time_rows(count, pair, scale):
        rows = [[name, getattr(times.get(day, empty), count), *[_rounded(v, scale) for v in
                                                                  getattr(times.get(day, empty), pair)]]
                for day, name in zip(buckets, names)]
        return rows, [str(_("Whole period")), getattr(total, count), *[_rounded(v, scale) for v in getattr(total, pair)]]

    rows, total_row = time_rows("answered", "first_response", 1)
    tables["first_response"] = Table(
        key="first_response", title=str(_("First response time")), rows=rows, total=total_row, unit=str(_("minutes")),
        periods=buckets,
        headers=[period, str(_("Answered")), str(_("Median (minutes)")), str(_("90th percentile (minutes)"))])
    rows, total_row = time_rows("resolved", "resolution", 60)
    tables["resolution"] = Table(
        key="resolution", title=str(_("Resolution time")), rows=rows, total=total_row, unit=str(_("hours")),
        periods=buckets,
        headers=[period, str(_("Resolved")), str(_("Median (hours)")), str(_("90th percentile (hours)"))])

    def sla_row(name, f):
        return [name, f.first_response_judged, _percent(f.first_response_met, f.first_response_judged),
                f.resolution_judged, _percent(f.resolution_met, f.resolution_judged)]

    tables["sla"] = Table(
        key="sla", title=str(_("SLA compliance")), unit="%", periods=buckets,
        rows=[sla_row(name, times.get(day, empty)) for day, name in zip(buckets, names)],
        total=sla_row(str(_("Whole period")), total),
        headers=[period, str(_("First responses due")), str(_("First response on time (%)")),
                 str(_("Resolutions due")), str(_("Resolved on time (%)"))])
    backlog = backlog_by_age(filters=filters, now=now, clocks=clocks)
    tables["backlog"] = Table(
        key="backlog", title=str(_("Open mentions by age")), unit=str(_("mentions")),
        rows=[[str(name), n] for name, n in zip(AGE_NAMES, backlog)], total=[str(_("Total")), sum(backlog)],
        headers=[str(_("Waiting for")), str(_("Open mentions"))])
    tables["agents"] = Table(
        key="agents", title=str(_("Agents")),
        rows=[[a.name, a.handled, _rounded(a.first_response_median), _percent(a.first_response_met,
                                                                              a.first_response_judged)]
              for a in agents_table(material=material)],
        headers=[str(_("Agent")), str(_("Handled")), str(_("Median first response (minutes)")),
                 str(_("First response on time (%)"))])
    return Report(filters=filters, now=now, tables=tables)
