"""The due times stored on each mention are sla.state's: the report counts overdue mentions by
them in SQL."""

import importlib
from datetime import UTC, datetime, timedelta

from django.apps import apps as django_apps

from complaints.services import mention_status_set
from listening.choices import Status
from listening.models import Mention
from sla.models import CountedIn
from sla.services import mentions_sla_refresh
from sla.state import sla_state
from tests.factories import BrandFactory, MentionFactory, SLAPolicyFactory, UserFactory

POSTED = datetime(2026, 4, 30, 8, tzinfo=UTC)


def _brand():
    brand = BrandFactory()
    SLAPolicyFactory(brand=brand, label="", first_response_minutes=60, resolution_minutes=240,
                     counted_in=CountedIn.CALENDAR)
    return brand


def test_a_brand_refresh_stores_each_open_mentions_resolution_due_time(db):
    brand = _brand()
    running = MentionFactory(brand=brand, posted_at=POSTED, status=Status.NEW)
    resolved = MentionFactory(brand=brand, posted_at=POSTED, status=Status.RESOLVED, resolved_at=POSTED)
    Mention.objects.update(resolution_due_at=None, first_response_due_at=None)  # as stored before the column

    assert mentions_sla_refresh(brand_id=brand.pk) == 1

    running.refresh_from_db()
    assert running.resolution_due_at == POSTED + timedelta(minutes=240) == sla_state(running).resolution.due_at
    assert running.first_response_due_at == POSTED + timedelta(minutes=60)
    resolved.refresh_from_db()
    assert resolved.resolution_due_at is None  # closed: not refreshed, not counted


def test_waiting_with_time_left_stores_no_resolution_due_time_and_resuming_sets_a_later_one(db):
    brand, person = _brand(), UserFactory()
    mention = MentionFactory(brand=brand, posted_at=POSTED, status=Status.NEW)
    mention_status_set(mention=mention, status=Status.WAITING, actor=person, at=POSTED + timedelta(minutes=60))
    assert Mention.objects.get(pk=mention.pk).resolution_due_at is None

    mention_status_set(mention=mention, status=Status.OPEN, actor=person, at=POSTED + timedelta(minutes=180))
    mention.refresh_from_db()
    # 60 of 240 minutes used before the wait; the remaining 180 run from the reopening.
    assert mention.resolution_due_at == POSTED + timedelta(minutes=360) == sla_state(mention).resolution.due_at


def test_the_upgrade_migration_fills_the_due_times_of_existing_open_mentions(db):
    brand = _brand()
    mention = MentionFactory(brand=brand, posted_at=POSTED, status=Status.OPEN)
    Mention.objects.update(resolution_due_at=None)
    migration = importlib.import_module("sla.migrations.0002_resolution_due_times_backfill")

    migration.backfill(django_apps, None)

    mention.refresh_from_db()
    assert mention.resolution_due_at == POSTED + timedelta(minutes=240)
