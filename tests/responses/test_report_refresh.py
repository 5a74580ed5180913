"""The report is never cold: the days an ingest made stale are rebuilt in the background right
after it commits, once per burst, so the next report reads packs only."""

import time
from datetime import UTC, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from config.celery import app
from listening.ingestion import mention_ingest
from platforms.normalized import NormalizedMention
from responses import report_days
from responses.models import ReportDay
from responses.report_refresh import PENDING_KEY
from tests.factories import SourceFactory

TASK = "responses.tasks.refresh_report_days"


def _items(prefix: str, count: int, *, days_ago: int = 3) -> list[NormalizedMention]:
    posted = timezone.now() - timedelta(days=days_ago)
    return [NormalizedMention(external_id=f"{prefix}-{i}", text=f"Toujours pas de fibre ({prefix} {i})",
                              posted_at=posted - timedelta(days=i % 3, minutes=i)) for i in range(count)]


def _days(items) -> int:
    return len({item.posted_at.astimezone(UTC).date() for item in items})


def _stale_days(brand) -> int:
    return ReportDay.objects.filter(brand_id=brand.pk).exclude(built_version=F("version")).count()


def _warm(brand) -> None:
    """Every day of the brand packed, as a report or the beat task leaves them."""
    report_days.report_days_refresh()
    assert _stale_days(brand) == 0


@pytest.fixture
def published():
    """Names of the tasks sent to the broker during the test."""
    sent = []

    def count(sender=None, **kwargs):
        sent.append(sender)

    before_task_publish.connect(count, weak=False)
    cache.delete(PENDING_KEY)
    yield sent
    before_task_publish.disconnect(count)
    cache.delete(PENDING_KEY)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_ingests_enqueues_one_rebuild_and_a_worker_makes_the_report_warm(published):
    source = SourceFactory()
    brand = source.brand
    mention_ingest(brand=brand, platform=source.platform, source=source, items=_items("before", 6))
    _warm(brand)
    app.conf.task_always_eager = False
    try:
        burst = [_items(f"b{batch}", 6) for batch in range(3)]
        for items in burst:  # three batches, each committed on its own, as a poll or an import hands them over
            mention_ingest(brand=brand, platform=source.platform, source=source, items=items)
        assert _stale_days(brand) == _days(sum(burst, []))  # the ingest made its days stale...
        assert published.count(TASK) == 1  # ...and asked for one rebuild, not one per batch
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and _stale_days(brand):
                time.sleep(0.2)
        assert _stale_days(brand) == 0  # the next report reads packs only
        assert not cache.get(PENDING_KEY)  # and the next ingest asks again
        mention_ingest(brand=brand, platform=source.platform, source=source, items=_items("after", 2))
        assert published.count(TASK) == 2
    finally:
        app.conf.task_always_eager = True
        app.control.purge()  # the last rebuild asked for: no worker left to run it


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_the_rebuild_runs_right_after_the_ingest_commits(published):
    """The demo, with no Redis: tasks run inline, so the ingest leaves no stale day behind."""
    source = SourceFactory()
    mention_ingest(brand=source.brand, platform=source.platform, source=source, items=_items("demo", 9))
    assert ReportDay.objects.filter(brand_id=source.brand.pk).count() == _days(_items("demo", 9))
    assert _stale_days(source.brand) == 0


@pytest.mark.django_db(transaction=True)
def test_ingesting_nothing_new_asks_for_no_rebuild(published):
    source = SourceFactory()
    items = _items("again", 4)
    mention_ingest(brand=source.brand, platform=source.platform, source=source, items=items)
    count = published.count(TASK)
    app.conf.task_always_eager = False
    try:
        mention_ingest(brand=source.brand, platform=source.platform, source=source, items=items)  # all seen before
    finally:
        app.conf.task_always_eager = True
    assert published.count(TASK) == count
