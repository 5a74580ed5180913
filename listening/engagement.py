"""A mention seen again: engagement that keeps moving after it is stored (reposts, likes,
replies and quotes), and fields one path lacked that another brings.

A mention seen again — Facebook's overlapping re-read, a webhook delivery, a feed, or X's
lookup of recent open posts (connectors' refresh) — updates its counts, and an open mention's
priority is computed again (by the triage step, listening.steps), so a complaint that starts to spread climbs the queue."""

from django.utils import timezone

from core.text import storable
from listening.choices import OPEN_STATUSES
from listening.models import Mention
from listening.steps import ingest_steps
from platforms.normalized import NormalizedMention

COUNTS = ("reposts_count", "likes_count", "replies_count", "quotes_count")
_OPEN = {s.value for s in OPEN_STATUSES}


def _counts(item: NormalizedMention) -> tuple[int, ...]:
    return tuple(max(0, int(getattr(item, name) or 0)) for name in COUNTS)


def mentions_engagement_update(*, brand, platform: str, items: list[NormalizedMention]) -> list[int]:
    """Stores the new counts of these already-stored items; returns the ids that changed."""
    latest = {str(item.external_id): item for item in items}
    if not latest:
        return []
    now, changed, steps = timezone.now(), [], ingest_steps()
    for mention in Mention.objects.filter(brand=brand, platform=platform, external_id__in=list(latest)) \
            .select_related("author").only("id", "external_id", "label", "status", "posted_at", "first_response_at",
                                           "personal_data_kinds", "author__followers_count", *COUNTS):
        counts = _counts(latest[mention.external_id])
        if counts == tuple(getattr(mention, name) for name in COUNTS):
            continue
        for name, value in zip(COUNTS, counts):
            setattr(mention, name, value)
        if mention.status in _OPEN:
            steps.reprioritize(mention=mention, now=now)
        changed.append(mention)
    Mention.objects.bulk_update(changed, [*COUNTS, "priority", "priority_reasons"], batch_size=500)
    return [m.pk for m in changed]


# What one path may lack and another brings: a webhook delivery without a link or an author
# (Graph hides it without the right permission), a row imported with less than the platform has.
GAP_FIELDS = ("url", "title", "language", "in_reply_to_id", "conversation_id")


def mentions_gaps_fill(*, brand, platform: str, items: list[NormalizedMention], author_ids: dict[str, int]) -> list[int]:
    """Fills the fields these already-stored mentions lack from the items seen again (never
    overwrites what is stored); returns the ids that changed."""
    latest = {str(item.external_id): item for item in items}
    if not latest:
        return []
    changed = []
    for mention in Mention.objects.filter(brand=brand, platform=platform, external_id__in=list(latest)).only(
            "id", "external_id", "text", "author_id", *GAP_FIELDS):
        item, filled = latest[mention.external_id], False
        for name in GAP_FIELDS:
            value = str(getattr(item, name) or "")[:Mention._meta.get_field(name).max_length]
            if value and not getattr(mention, name):
                setattr(mention, name, value)
                filled = True
        author_id = author_ids.get(item.author.external_id) if item.author else None
        if author_id and not mention.author_id:
            mention.author_id, filled = author_id, True
        if item.text and not mention.text.strip():
            mention.text, filled = storable(item.text), True
        if filled:
            changed.append(mention)
    Mention.objects.bulk_update(changed, [*GAP_FIELDS, "author_id", "text"], batch_size=500)
    return [m.pk for m in changed]
