"""Writes for listening: the mention event log. Storing mentions is in listening/ingestion.py."""

from django.dispatch import Signal
from django.utils import timezone

from core import events
from listening.choices import EventKind, Status
from listening.models import Mention, MentionEvent

# Which entries of the event log other tools hear of (core/events.py), and under what name.
_PUBLISHED = {EventKind.CREATED: events.MENTION_CREATED, EventKind.CLASSIFIED: events.MENTION_CLASSIFIED,
              EventKind.LABEL_CORRECTED: events.MENTION_LABEL_CORRECTED, EventKind.ASSIGNED: events.MENTION_ASSIGNED}

# Sent after mention_event_add wrote an entry (the mention row is saved before). What the apps
# above listening derive from the log follows it from here — the report's stored times
# (responses/timing.py) — without the app that changed the mention knowing them.
mention_logged = Signal()


def mention_event_add(*, mention: Mention, kind: str, actor=None, data: dict | None = None, at=None) -> MentionEvent:
    event = MentionEvent.objects.create(
        mention=mention, kind=kind, actor=actor, data=data or {}, at=at or timezone.now(),
    )
    mention_events_publish(brand_id=mention.brand_id, entries=[(mention.pk, kind, event.data)])
    mention_logged.send(sender=MentionEvent, mention=mention, event=event)
    return event


def mention_events_publish(*, brand_id: int, entries: list[tuple[int, str, dict]]) -> None:
    """Tells subscribers of the log entries (mention id, kind, data) they asked for."""
    found = []
    for mention_id, kind, data in entries:
        name = _PUBLISHED.get(kind)
        if kind == EventKind.STATUS_CHANGED and (data or {}).get("to") == Status.RESOLVED:
            name = events.MENTION_RESOLVED
        if name:
            found.append(events.Event(type=name, brand_id=brand_id, mention_id=mention_id, data=dict(data or {})))
    events.publish(found)
