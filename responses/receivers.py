"""Listens to what the apps publish (core/events.py)."""

from django.db import transaction

from responses.report_refresh import REFRESH_DELAY, STALING, report_refresh_claim
from responses.tasks import refresh_report_days


def _refresh_soon() -> None:
    if report_refresh_claim():
        refresh_report_days.apply_async(countdown=REFRESH_DELAY)


def on_published(sender, events, **kwargs) -> None:
    """Writes that change what the report reads: its stale days are rebuilt once they commit."""
    if any(event.type in STALING for event in events):
        transaction.on_commit(_refresh_soon)
