"""`manage.py bench reports --mentions 1000000`: the report page's server time over a 30-day and a
365-day period, with N synthetic mentions (and their stored response times) written by COPY.

Three brands over 400 days, one counted in business hours; about 85 % answered, 70 % resolved,
a few percent still open; twenty agents. The report covers all three brands, the worst case.
The page is requested through Django's test client (the whole middleware stack, rendering
included, no network), several times after a warm-up: p50 and p95 in milliseconds. The warm-up
builds the packed days (responses.report_days) from the rows — its time is given too — and
before each timed request the last two days' packs are made stale, as the day's new mentions and
replies would make them, so every timed request reads those days from the rows again."""

import gc
import math
import random
import statistics
import time as clock
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from celery.signals import before_task_publish

from accounts import roles
from listening.choices import Platform
from listening.ingestion import mention_ingest
from listening.models import Brand, Mention
from listening.pgcopy import copy_rows, formatters_for
from platforms.normalized import NormalizedMention
from responses.models import MentionTiming, ReportDay
from responses.report_refresh import PENDING_KEY, report_days_refresh_due
from sla.models import BusinessCalendar, CountedIn, Shift, SLAPolicy
from sla.selectors import sla_policies_by_brand
from sla.state import resolution_due_at

BRANDS = (("bench-report-a", "Bench reports A", True), ("bench-report-b", "Bench reports B", False),
          ("bench-report-c", "Bench reports C", False))
DAYS = 400
AGENTS = 20
CHUNK = 50_000
LABELS = ("complaint", "complaint", "question", "question", "praise", "other", "")
PLATFORMS = ("twitter", "twitter", "twitter", "facebook", "blog", "other")
FIRST_RESPONSE_TARGET, RESOLUTION_TARGET = 60, 8 * 60


def _brands() -> list[Brand]:
    brands = []
    for slug, name, business in BRANDS:
        brand, _created = Brand.objects.get_or_create(slug=slug, defaults={"name": name})
        SLAPolicy.objects.get_or_create(brand=brand, label="", defaults={
            "first_response_minutes": FIRST_RESPONSE_TARGET, "resolution_minutes": RESOLUTION_TARGET,
            "counted_in": CountedIn.BUSINESS_HOURS if business else CountedIn.CALENDAR})
        if business:
            calendar, _created = BusinessCalendar.objects.get_or_create(brand=brand)
            for weekday in range(5):
                Shift.objects.get_or_create(calendar=calendar, weekday=weekday, starts_at=time(9), ends_at=time(18))
        brands.append(brand)
    return brands


def _agents() -> list:
    group, _created = Group.objects.get_or_create(name=roles.COMMUNITY_MANAGER)
    agents = []
    for i in range(AGENTS):
        user, created = get_user_model().objects.get_or_create(username=f"bench-agent-{i}",
                                                               defaults={"first_name": f"Agent {i}"})
        if created:
            user.groups.add(group)
        agents.append(user)
    return agents


def _delete(brands) -> None:
    ids = [b.pk for b in brands]
    with connection.cursor() as cursor:  # the ORM would load a million rows to cascade
        cursor.execute("DELETE FROM responses_mentiontiming WHERE brand_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM listening_mentionevent WHERE mention_id IN "
                       "(SELECT id FROM listening_mention WHERE brand_id = ANY(%s))", [ids])  # imported ones have events
        cursor.execute("DELETE FROM listening_mention WHERE brand_id = ANY(%s)", [ids])


def _seed(*, n: int, brands, agents, now: datetime, seed: int = 7) -> None:
    rng = random.Random(seed)
    mention_fields = [f for f in Mention._meta.concrete_fields if not f.primary_key]
    timing_fields = list(MentionTiming._meta.concrete_fields)
    start = now - timedelta(days=DAYS)
    policies = sla_policies_by_brand(brand_ids=[b.pk for b in brands])
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('listening_mention', 'id')) FROM generate_series(1, 1)")
        first_id = cursor.fetchone()[0]
        cursor.execute("SELECT setval(pg_get_serial_sequence('listening_mention', 'id'), %s)", [first_id + n])
        for offset in range(0, n, CHUNK):
            mentions, timings = [], []
            for i in range(offset, min(n, offset + CHUNK)):
                brand = brands[i % len(brands)]
                posted = start + timedelta(seconds=DAYS * 86400 * i / n + rng.random() * 60)
                first = rng.lognormvariate(math.log(40), 1.0) if rng.random() < 0.85 else None
                resolution = first + rng.lognormvariate(math.log(300), 1.1) if first and rng.random() < 0.97 else None
                if posted + timedelta(minutes=resolution or first or 0) > now:
                    first = resolution = None  # the last hours' mentions are still waiting
                if resolution:
                    status = "resolved"
                elif first:
                    status = "waiting"  # answered, the customer never wrote back
                else:
                    status = "new" if now - posted < timedelta(days=3) else "ignored"
                agent = agents[rng.randrange(len(agents))].pk if first or resolution else None
                row_label = LABELS[i % len(LABELS)]
                row = {
                    "brand_id": brand.pk, "source_id": None, "platform": PLATFORMS[i % len(PLATFORMS)], "external_id": f"bench-{i}",
                    "url": "", "author_id": None, "title": "", "text": f"Bench mention {i}: toujours pas de fibre",
                    "language": "fr", "posted_at": posted, "fetched_at": posted, "in_reply_to_id": "",
                    "conversation_id": "", "reposts_count": 0, "likes_count": 0, "replies_count": 0,
                    "quotes_count": 0, "raw": {"id": f"bench-{i}", "lang": "fr", "metrics": {"likes": i % 50}},
                    "label": row_label, "predicted_label": "", "confidence": None,
                    "model_version": "", "label_corrected_by_id": None, "label_corrected_at": None,
                    "status": status, "assignee_id": agent, "priority": 0, "priority_reasons": [],
                    "exposes_personal_data": False, "personal_data_kinds": [],
                    "first_response_at": posted + timedelta(minutes=first) if first else None,
                    "first_response_due_at": posted + timedelta(minutes=FIRST_RESPONSE_TARGET),
                    "resolved_at": posted + timedelta(minutes=resolution) if resolution else None,
                    # sla.state's, as ingestion stores it: none while waiting (from the posting) or closed
                    "resolution_due_at": resolution_due_at(policies=policies[brand.pk], label=row_label,
                                                           posted_at=posted) if status == "new" else None,
                }
                mentions.append(tuple(row[f.attname] for f in mention_fields))
                if agent:
                    timings.append((first_id + i, brand.pk, posted, agent, CountedIn.CALENDAR, first,
                                    None if first is None else first <= FIRST_RESPONSE_TARGET, resolution,
                                    None if resolution is None else resolution <= RESOLUTION_TARGET, now))
            copy_rows(cursor, "listening_mention", ["id"] + [f.column for f in mention_fields],
                      [(first_id + offset + k, *row) for k, row in enumerate(mentions)],
                      formatters_for([Mention._meta.pk] + mention_fields))
            copy_rows(cursor, "responses_mentiontiming", [f.column for f in timing_fields], timings,
                      formatters_for(timing_fields))
        # As autovacuum would have done by then: statistics, and the visibility map for index-only scans.
        tables = ["listening_mention", "responses_mentiontiming"]
        for table in tables if not connection.in_atomic_block else []:
            cursor.execute(f"VACUUM ANALYZE {table}")


def _live_writes(brands) -> None:
    """As on a working day: mentions keep arriving and being answered, so the last two days'
    packs are out of date at every request and read from the rows again."""
    today = timezone.now().astimezone(UTC).date()
    ReportDay.objects.filter(brand_id__in=[b.pk for b in brands], day__gte=today - timedelta(days=1)).update(
        version=F("version") + 1)


def _time_page(client: Client, url: str, *, runs: int, brands) -> dict:
    started = clock.perf_counter()
    client.get(url, secure=True)  # warm-up: caches, first plans, and the packs built from the rows
    cold = (clock.perf_counter() - started) * 1000
    times = []
    for _run in range(runs):
        _live_writes(brands)
        started = clock.perf_counter()
        response = client.get(url, secure=True)
        times.append((clock.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"The report answered {response.status_code}.")
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)], 1), "runs": runs,
            "first_request_ms": round(cold, 1)}


IMPORT_BATCH = 5000  # mentions per ingestion call, as an import hands them over


def _after_import(client: Client, url: str, *, brands, imported: int, now: datetime) -> dict:
    """A year of history imported (`imported` mentions over the last 365 days, all three brands)
    through the real ingestion path; the rebuild its commits asked for, run as a worker runs it;
    then the first manager's 365-day report."""
    asked = []

    def count(sender=None, **kwargs):
        if sender == "responses.tasks.refresh_report_days":
            asked.append(sender)

    cache.delete(PENDING_KEY)  # a flag left by another run with no worker to clear it would hide this one's request
    stale_days = ReportDay.objects.filter(brand_id__in=[b.pk for b in brands]).exclude(built_version=F("version"))
    stale_before = stale_days.count()
    before_task_publish.connect(count, weak=False)
    try:
        started = clock.perf_counter()
        for offset in range(0, imported, IMPORT_BATCH):
            items = [NormalizedMention(external_id=f"bench-import-{i}", text=f"Imported mention {i}: encore une panne",
                                       language="fr", posted_at=now - timedelta(days=365 * (1 - i / imported)))
                     for i in range(offset, min(imported, offset + IMPORT_BATCH))]
            mention_ingest(brand=brands[(offset // IMPORT_BATCH) % len(brands)], platform=Platform.TWITTER,
                           items=items)
        import_seconds = clock.perf_counter() - started
    finally:
        before_task_publish.disconnect(count)
    stale = stale_days.count() - stale_before
    started = clock.perf_counter()
    rebuilt = report_days_refresh_due()  # what the worker runs REFRESH_DELAY seconds after the burst
    rebuild_seconds = clock.perf_counter() - started
    started = clock.perf_counter()
    response = client.get(url, secure=True)
    first = (clock.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"The report answered {response.status_code}.")
    return {"imported": imported, "import_seconds": round(import_seconds, 1), "days_made_stale": stale,
            "rebuilds_enqueued": len(asked) if not settings.CELERY_TASK_ALWAYS_EAGER else None,
            "days_rebuilt_in_background": rebuilt, "background_rebuild_seconds": round(rebuild_seconds, 2),
            "first_request_ms": round(first, 1), "target_first_request_ms": 1000}


def _delete_imported(brands) -> None:
    imported = "SELECT id FROM listening_mention WHERE brand_id = ANY(%s) AND external_id LIKE 'bench-import-%%'"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM listening_mentionevent WHERE mention_id IN ({imported})", [[b.pk for b in brands]])
        cursor.execute(f"DELETE FROM listening_mention WHERE id IN ({imported})", [[b.pk for b in brands]])


def bench_reports(*, n: int, runs: int = 9, keep: bool = False, imported: int = 100_000) -> dict:
    if connection.vendor != "postgresql":
        return {"benchmark": "reports", "error": "This benchmark needs PostgreSQL (it writes with COPY)."}
    now = timezone.now()
    brands, agents = _brands(), _agents()
    existing = Mention.objects.filter(brand__in=brands).count()
    seed_seconds = None
    if existing != n:  # a kept run of the same size is measured again as it is
        _delete(brands)
        started = clock.perf_counter()
        _seed(n=n, brands=brands, agents=agents, now=now)
        seed_seconds = round(clock.perf_counter() - started, 1)
    manager, _created = get_user_model().objects.get_or_create(username="bench-manager")
    manager.groups.add(Group.objects.get_or_create(name=roles.MANAGER)[0])
    client = Client()
    client.force_login(manager)
    result = {"benchmark": "reports", "mentions": n, "database": connection.vendor, "seed_seconds": seed_seconds,
              "target_ms": 300}
    today = timezone.localdate()
    brand_query = "&".join(f"brand={b.pk}" for b in brands)
    # The test client's host, and static URLs without a collectstatic manifest (same cost per link).
    plain_static = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    gc.freeze()  # as config/wsgi.py does once the app is loaded in each web worker
    with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=plain_static):
        for days in (30, 365):
            url = (f"{reverse('responses:report')}?{brand_query}&start={(today - timedelta(days=days - 1)).isoformat()}"
                   f"&end={today.isoformat()}")
            figures = _time_page(client, url, runs=runs, brands=brands)
            figures["mentions_in_period"] = Mention.objects.filter(
                brand__in=brands, posted_at__gte=datetime.combine(today - timedelta(days=days - 1), time(0),
                                                                  tzinfo=timezone.get_current_timezone())).count()
            result[f"days_{days}"] = figures
        if imported:
            _delete_imported(brands)  # a kept run's earlier import
            result["after_import"] = _after_import(client, url, brands=brands, imported=imported, now=now)
            _delete_imported(brands)
    result["meets_target"] = all(result[f"days_{d}"]["p95_ms"] <= 300 for d in (30, 365))
    if not keep:
        _delete(brands)
    return result
