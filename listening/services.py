"""Writes for listening: storing mentions once, and the mention event log."""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from listening.choices import EventKind
from listening.models import Author, Brand, Mention, MentionEvent, Source
from listening.normalized import NormalizedAuthor, NormalizedMention

logger = logging.getLogger(__name__)


@dataclass
class IngestResult:
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    skipped: int = 0


def mention_event_add(*, mention: Mention, kind: str, actor=None, data: dict | None = None, at=None) -> MentionEvent:
    return MentionEvent.objects.create(
        mention=mention, kind=kind, actor=actor, data=data or {}, at=at or timezone.now(),
    )


def author_upsert(*, platform: str, author: NormalizedAuthor) -> Author:
    """Creates the author or refreshes the profile (follower counts change)."""
    obj, _ = Author.objects.update_or_create(
        platform=platform,
        external_id=author.external_id,
        defaults={
            "handle": author.handle,
            "display_name": author.display_name,
            "followers_count": max(0, author.followers_count),
            "profile_url": author.profile_url,
        },
    )
    return obj


def mention_ingest(
    *, brand: Brand, platform: str, items: list[NormalizedMention], source: Source | None = None, fetched_at=None,
) -> IngestResult:
    """Stores each item once per brand and platform; an item seen again is counted as a
    duplicate and leaves the stored row as it was. New mentions get a `created` event,
    personal-data flags, their SLA due time and a priority."""
    from complaints.services import mention_triage_prepare  # the triage pipeline runs on every new mention

    result = IngestResult(fetched=len(items))
    for item in items:
        if not item.external_id or item.posted_at is None:
            result.skipped += 1
            logger.warning("Skipped an item without id or date from %s", source or brand)
            continue
        try:
            with transaction.atomic():
                author = author_upsert(platform=platform, author=item.author) if item.author else None
                mention = Mention.objects.create(
                    brand=brand, source=source, platform=platform, external_id=item.external_id,
                    url=item.url, author=author, title=item.title[:500], text=item.text,
                    language=item.language, posted_at=item.posted_at, in_reply_to_id=item.in_reply_to_id,
                    conversation_id=item.conversation_id, reposts_count=item.reposts_count,
                    likes_count=item.likes_count, replies_count=item.replies_count,
                    quotes_count=item.quotes_count, raw=item.raw, fetched_at=fetched_at or timezone.now(),
                )
                mention_event_add(mention=mention, kind=EventKind.CREATED, at=mention.fetched_at)
                mention_triage_prepare(mention=mention)
        except IntegrityError:
            result.duplicates += 1
            continue
        result.new += 1
    return result
