"""Listens to what the apps publish (core/events.py)."""

from django.db import transaction

from integrations.services import deliveries_record
from integrations.tasks import send_due_deliveries


def on_published(sender, events, **kwargs) -> None:
    if deliveries_record(events=events):
        transaction.on_commit(send_due_deliveries.delay)
