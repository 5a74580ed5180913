"""A task enqueued through the real Redis broker, run by a real Celery worker,
writes its rows to the real Postgres database."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from config.celery import app
from listening.models import Mention
from listening.tasks import ingest_items
from tests.factories import SourceFactory


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_ingests_a_mention_sent_through_redis(settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    source = SourceFactory()
    item = {
        "external_id": "190000000000000001", "text": "Merci @LumioFR, réparé en 10 min 👏",
        "posted_at": (timezone.now() - timedelta(minutes=5)).isoformat(), "language": "fr",
        "author": {"external_id": "42", "handle": "ines_b", "followers_count": 900},
    }
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            async_result = ingest_items.delay(source.pk, [item])
            assert async_result.id
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not Mention.objects.filter(external_id=item["external_id"]).exists():
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    mention = Mention.objects.get(external_id=item["external_id"])
    assert mention.source == source and mention.author.handle == "ines_b"
