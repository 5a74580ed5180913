"""Storing fetched mentions: once, in bulk, with their triage fields already set.

One batch = authors upserted in one statement, mentions inserted in chunks with
INSERT ... ON CONFLICT DO NOTHING RETURNING (the rows that come back are exactly the new
ones, even when another worker stores the same items at the same moment), then their
`created` events. Items posted by the brand's own accounts are not mentions: replies to
a stored mention are recorded as responses made on the platform."""

import logging
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from complaints.triage import triage_fields_apply
from listening.choices import EventKind
from listening.models import Author, Brand, Mention, MentionEvent, Source
from listening.normalized import NormalizedMention
from listening.text import storable

logger = logging.getLogger(__name__)
CHUNK = 500
AUTHOR_FIELDS = ["handle", "display_name", "followers_count", "profile_url", "updated_at"]


@dataclass
class IngestResult:
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    skipped: int = 0
    own: int = 0
    new_ids: list[int] = field(default_factory=list)

    def add(self, other: "IngestResult") -> None:
        for name in ("fetched", "new", "duplicates", "skipped", "own"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.new_ids += other.new_ids


def _valid(item: NormalizedMention) -> str:
    """Why an item can't be stored, or "" when it can."""
    if not item.external_id or not str(item.external_id).strip():
        return "no platform id"
    if item.posted_at is None or timezone.is_naive(item.posted_at):
        return "no date with a time zone"
    if not isinstance(item.text, str):
        return "text is not a string"
    return ""


def _is_own(item: NormalizedMention, own_ids: set[str]) -> bool:
    author = item.author
    return bool(author) and (author.handle.lower().lstrip("@") in own_ids or author.external_id.lower() in own_ids)


def _authors_upsert(platform: str, items: list[NormalizedMention]) -> dict[str, int]:
    latest = {item.author.external_id: item.author for item in items if item.author and item.author.external_id}
    if not latest:
        return {}
    now = timezone.now()
    rows = [Author(platform=platform, external_id=a.external_id, handle=storable(a.handle)[:200],
                   display_name=storable(a.display_name)[:300], followers_count=max(0, int(a.followers_count or 0)),
                   profile_url=a.profile_url[:500], updated_at=now) for a in latest.values()]
    Author.objects.bulk_create(rows, update_conflicts=True, unique_fields=["platform", "external_id"],
                               update_fields=AUTHOR_FIELDS, batch_size=CHUNK)
    return dict(Author.objects.filter(platform=platform, external_id__in=list(latest)).values_list("external_id", "id"))


def _insert_new(mentions: list[Mention]) -> list[tuple[int, str]]:
    """Inserts the mentions that aren't stored yet; returns (id, external_id) of those."""
    fields = [f for f in Mention._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(Mention._meta.db_table)
    inserted = []
    with connection.cursor() as cursor:
        for start in range(0, len(mentions), CHUNK):
            chunk = mentions[start:start + CHUNK]
            row = "(" + ", ".join(["%s"] * len(fields)) + ")"
            params = [f.get_db_prep_save(getattr(m, f.attname), connection) for m in chunk for f in fields]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk))} "
                "ON CONFLICT (brand_id, platform, external_id) DO NOTHING RETURNING id, external_id",
                params,
            )
            inserted += cursor.fetchall()
    return inserted


def _own_replies_record(brand: Brand, platform: str, items: list[NormalizedMention]) -> None:
    """The brand answered on the platform itself: record it as the mention's response."""
    from responses.services import response_record_external

    parents = {m.external_id: m for m in Mention.objects.filter(
        brand=brand, platform=platform, external_id__in=[i.in_reply_to_id for i in items if i.in_reply_to_id])}
    for item in items:
        parent = parents.get(item.in_reply_to_id)
        if parent is not None:
            response_record_external(mention=parent, text=storable(item.text), platform_reply_id=item.external_id,
                                     sent_at=item.posted_at)


def mention_ingest(
    *, brand: Brand, platform: str, items: list[NormalizedMention], source: Source | None = None, fetched_at=None,
) -> IngestResult:
    from responses.selectors import sla_policies_by_label

    result = IngestResult(fetched=len(items))
    own_ids = brand.own_account_ids()
    candidates, own, seen = [], [], set()
    for item in items:
        reason = _valid(item)
        if reason:
            result.skipped += 1
            logger.warning("Skipped an item from %s: %s", source or brand, reason)
        elif _is_own(item, own_ids):
            own.append(item)
        elif item.external_id in seen:
            result.duplicates += 1
        else:
            seen.add(item.external_id)
            candidates.append(item)
    result.own = len(own)

    now = timezone.now()
    fetched_at = fetched_at or now
    policies = sla_policies_by_label(brand_id=brand.pk)
    with transaction.atomic():
        author_ids = _authors_upsert(platform, candidates)
        followers = {i.author.external_id: i.author.followers_count for i in candidates if i.author}
        mentions = []
        for item in candidates:
            author_key = item.author.external_id if item.author else None
            mention = Mention(
                brand=brand, source=source, platform=platform, external_id=str(item.external_id),
                url=item.url[:1000], author_id=author_ids.get(author_key), title=storable(item.title)[:500],
                text=storable(item.text), language=(item.language or "")[:8], posted_at=item.posted_at,
                fetched_at=fetched_at, in_reply_to_id=str(item.in_reply_to_id)[:128],
                conversation_id=str(item.conversation_id)[:128], reposts_count=max(0, item.reposts_count),
                likes_count=max(0, item.likes_count), replies_count=max(0, item.replies_count),
                quotes_count=max(0, item.quotes_count), raw=storable(item.raw),
            )
            triage_fields_apply(mention=mention, policies=policies, now=now, followers=followers.get(author_key, 0))
            mentions.append(mention)
        inserted = _insert_new(mentions) if mentions else []
        MentionEvent.objects.bulk_create(
            [MentionEvent(mention_id=pk, kind=EventKind.CREATED, at=fetched_at) for pk, _ in inserted], batch_size=CHUNK)
        if own:
            _own_replies_record(brand, platform, own)
    result.new = len(inserted)
    result.duplicates += len(candidates) - len(inserted)
    result.new_ids = [pk for pk, _ in inserted]
    return result
