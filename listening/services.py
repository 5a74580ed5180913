"""Writes for listening: the mention event log. Storing mentions is in listening/ingestion.py."""

from django.utils import timezone

from listening.models import Mention, MentionEvent


def mention_event_add(*, mention: Mention, kind: str, actor=None, data: dict | None = None, at=None) -> MentionEvent:
    return MentionEvent.objects.create(
        mention=mention, kind=kind, actor=actor, data=data or {}, at=at or timezone.now(),
    )
