"""Storing fetched mentions: once, in bulk, with their label and triage fields already set
by the steps the layer above installs (listening/steps.py, pipeline/ingestion.py).

One batch = authors upserted in one statement, new mentions inserted with
INSERT ... ON CONFLICT DO NOTHING RETURNING (the rows that come back are exactly the new
ones, even when another worker stores the same items at the same moment), then their
`created` events. On Postgres the rows travel by COPY into a per-connection staging table
and only the columns that differ per mention are sent; the batch's constants are filled
in by the INSERT ... SELECT. Items posted by the brand's own accounts are not mentions:
their replies to a stored mention are recorded as responses made on the platform."""

import logging
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone
from psycopg2.extras import execute_values

from core.text import storable
from listening.choices import EventKind
from listening.engagement import mentions_engagement_update, mentions_gaps_fill
from listening.models import Author, Brand, Mention, MentionEvent, Source
from listening.pgcopy import copy_rows, formatters_for
from listening.services import mention_events_publish
from listening.steps import Classification, ingest_steps
from platforms.normalized import NormalizedMention, normalized_from_dict
from platforms.registry import platform_of_kind

logger = logging.getLogger(__name__)
CHUNK = 500
AUTHOR_FIELDS = ["handle", "display_name", "followers_count", "profile_url", "updated_at"]

_FIELDS = [f for f in Mention._meta.concrete_fields if not f.primary_key]
_DEFAULTS = {f.attname: f.get_default() for f in _FIELDS}
# Columns whose value differs from one mention to the next; the rest are the batch's constants.
PER_ROW = ["external_id", "url", "author_id", "title", "text", "language", "posted_at", "in_reply_to_id",
           "conversation_id", "reposts_count", "likes_count", "replies_count", "quotes_count", "raw",
           "exposes_personal_data", "personal_data_kinds", "first_response_due_at", "resolution_due_at", "priority",
           "priority_reasons", "label", "predicted_label", "confidence", "model_version"]
# Set by the triage step (listening.steps); their defaults when no step sets them.
_TRIAGE_COLUMNS = ["exposes_personal_data", "personal_data_kinds", "first_response_due_at", "resolution_due_at",
                   "priority", "priority_reasons"]
_PER_ROW_FIELDS = [Mention._meta.get_field(name) for name in PER_ROW]
_PER_ROW_FORMATTERS = formatters_for(_PER_ROW_FIELDS)
_EVENT_FORMATTERS = [str, str, lambda at: at.isoformat(), formatters_for([MentionEvent._meta.get_field("data")])[0]]


@dataclass
class IngestResult:
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    skipped: int = 0
    own: int = 0
    engagement_updated: int = 0  # stored mentions seen again with new counts
    new_ids: list[int] = field(default_factory=list)

    def add(self, other: "IngestResult") -> None:
        for name in ("fetched", "new", "duplicates", "skipped", "own", "engagement_updated"):
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
    """Creates new authors and refreshes known ones (follower counts change); returns ids."""
    latest = {item.author.external_id: item.author for item in items if item.author and item.author.external_id}
    if not latest:
        return {}
    now = timezone.now()
    values = [(platform, a.external_id, storable(a.handle)[:200], storable(a.display_name)[:300],
               max(0, int(a.followers_count or 0)), a.profile_url[:500], now) for a in latest.values()]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            return dict(execute_values(cursor.cursor, (
                "INSERT INTO listening_author (platform, external_id, handle, display_name, followers_count, "
                "profile_url, updated_at) VALUES %s ON CONFLICT (platform, external_id) DO UPDATE SET "
                "handle = EXCLUDED.handle, display_name = EXCLUDED.display_name, followers_count = "
                "EXCLUDED.followers_count, profile_url = EXCLUDED.profile_url, updated_at = EXCLUDED.updated_at "
                "RETURNING external_id, id"), values, page_size=CHUNK, fetch=True))
    Author.objects.bulk_create(
        [Author(platform=v[0], external_id=v[1], handle=v[2], display_name=v[3], followers_count=v[4],
                profile_url=v[5], updated_at=v[6]) for v in values],
        update_conflicts=True, unique_fields=["platform", "external_id"], update_fields=AUTHOR_FIELDS, batch_size=CHUNK)
    return dict(Author.objects.filter(platform=platform, external_id__in=list(latest)).values_list("external_id", "id"))


def _insert_new(rows: list[tuple], constants: dict) -> list[tuple[int, str]]:
    """Inserts the mentions not stored yet; returns (id, external_id) of those.
    rows hold the PER_ROW columns; constants hold every other column's value."""
    conflict = " ON CONFLICT (brand_id, platform, external_id) DO NOTHING RETURNING id, external_id"
    columns = [f.column for f in _FIELDS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            per_row_columns = [f.column for f in _PER_ROW_FIELDS]
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS mention_staging AS "
                           f"SELECT {', '.join(per_row_columns)} FROM listening_mention WITH NO DATA")
            cursor.execute("TRUNCATE mention_staging")
            copy_rows(cursor.cursor, "mention_staging", per_row_columns, rows, _PER_ROW_FORMATTERS)
            selected = [f.column if f.attname in PER_ROW else "%s" for f in _FIELDS]
            params = [f.get_db_prep_save(constants[f.attname], connection) for f in _FIELDS if f.attname not in PER_ROW]
            cursor.execute(f"INSERT INTO listening_mention ({', '.join(columns)}) "
                           f"SELECT {', '.join(selected)} FROM mention_staging" + conflict, params)
            inserted = cursor.fetchall()
            cursor.execute("TRUNCATE mention_staging")
            return inserted
        inserted = []
        head = f"INSERT INTO listening_mention ({', '.join(columns)}) VALUES "
        placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), CHUNK):
            chunk = [{**constants, **dict(zip(PER_ROW, row))} for row in rows[start:start + CHUNK]]
            params = [f.get_db_prep_save(values[f.attname], connection) for values in chunk for f in _FIELDS]
            cursor.execute(head + ", ".join([placeholder] * len(chunk)) + conflict, params)
            inserted += cursor.fetchall()
        return inserted


def _events_created(inserted: list[tuple[int, str]], at, classified: dict[str, dict], brand_id: int) -> None:
    """`created` for every new mention, and `classified` for those the model labelled."""
    events = [(pk, EventKind.CREATED, at, {}) for pk, _ in inserted]
    events += [(pk, EventKind.CLASSIFIED, at, classified[key]) for pk, key in inserted if key in classified]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_rows(cursor.cursor, "listening_mentionevent", ["mention_id", "kind", "at", "data"], events,
                      _EVENT_FORMATTERS)
    else:
        MentionEvent.objects.bulk_create(
            [MentionEvent(mention_id=pk, kind=kind, at=when, data=data) for pk, kind, when, data in events],
            batch_size=CHUNK)
    mention_events_publish(brand_id=brand_id, entries=[(pk, kind, data) for pk, kind, _at, data in events])


def _own_replies(brand: Brand, platform: str, items: list[NormalizedMention]) -> list[tuple[Mention, NormalizedMention]]:
    """The brand's posts that answer a stored mention, with that mention."""
    parents = {m.external_id: m for m in Mention.objects.filter(
        brand=brand, platform=platform, external_id__in=[i.in_reply_to_id for i in items if i.in_reply_to_id])}
    return [(parents[item.in_reply_to_id], item) for item in items if item.in_reply_to_id in parents]


def _per_row_values(item: NormalizedMention, author_id, followers: int, context, now,
                    classification: Classification) -> tuple:
    label, confidence, version = classification or ("", None, "")
    mention = SimpleNamespace(
        external_id=str(item.external_id), url=item.url[:1000], author_id=author_id,
        title=storable(item.title)[:500], text=storable(item.text), language=(item.language or "")[:8],
        posted_at=item.posted_at, in_reply_to_id=str(item.in_reply_to_id)[:128],
        conversation_id=str(item.conversation_id)[:128], reposts_count=max(0, item.reposts_count),
        likes_count=max(0, item.likes_count), replies_count=max(0, item.replies_count),
        quotes_count=max(0, item.quotes_count),
        raw=item.raw if connection.vendor == "postgresql" else storable(item.raw),  # pgcopy handles NUL
        label=label, predicted_label=label, confidence=confidence, model_version=version,
        status=_DEFAULTS["status"], first_response_at=None,
        **{name: _DEFAULTS[name] for name in _TRIAGE_COLUMNS},
    )
    ingest_steps().triage(mention=mention, context=context, now=now, followers=followers)
    values = mention.__dict__
    return tuple(values[name] for name in PER_ROW)


def _classify(items: list[NormalizedMention]) -> list[Classification]:
    return ingest_steps().classify(items) if items else []


def _sort_out(items, own_ids, result, source):
    """Valid, distinct items of others, and the brand's own posts."""
    candidates, own, seen = [], [], set()
    for item in items:
        reason = _valid(item)
        if reason:
            result.skipped += 1
            logger.warning("Skipped an item from %s: %s", source, reason)
        elif _is_own(item, own_ids):
            own.append(item)
        elif item.external_id in seen:
            result.duplicates += 1
        else:
            seen.add(item.external_id)
            candidates.append(item)
    return candidates, own


def mention_ingest(
    *, brand: Brand, platform: str, items: list[NormalizedMention], source: Source | None = None, fetched_at=None,
    flushed_by_next_commit: bool = False,
) -> IngestResult:
    """flushed_by_next_commit: the caller commits synchronously right after (a poll saving its
    cursor). That commit flushes this transaction's WAL too, so this one need not wait for
    the disk: if the database crashed in between, the cursor would not have moved either."""
    steps = ingest_steps()
    result = IngestResult(fetched=len(items))
    candidates, own = _sort_out(items, brand.own_account_ids(), result, source or brand)
    result.own = len(own)
    now = timezone.now()
    fetched_at = fetched_at or now
    context = steps.batch_context(brand=brand)
    constants = {**_DEFAULTS, "brand_id": brand.pk, "source_id": source.pk if source else None,
                 "platform": platform, "fetched_at": fetched_at}
    with transaction.atomic():
        if flushed_by_next_commit and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        author_ids = _authors_upsert(platform, candidates)
        classifications = _classify(candidates)
        rows = []
        for item, classification in zip(candidates, classifications):
            key = item.author.external_id if item.author else None
            followers = item.author.followers_count if item.author else 0
            rows.append(_per_row_values(item, author_ids.get(key), followers, context, now, classification))
        inserted = _insert_new(rows, constants) if rows else []
        classified = {item.external_id: {"label": c[0], "confidence": round(c[1], 4), "model_version": c[2]}
                      for item, c in zip(candidates, classifications) if c}
        _events_created(inserted, fetched_at, classified, brand.pk)
        new_keys = {key for _pk, key in inserted}
        seen_again = [item for item in candidates if str(item.external_id) not in new_keys]
        if seen_again:
            result.engagement_updated = len(mentions_engagement_update(brand=brand, platform=platform,
                                                                       items=seen_again))
            mentions_gaps_fill(brand=brand, platform=platform, items=seen_again, author_ids=author_ids)
        if own:
            steps.own_replies(replies=_own_replies(brand, platform, own))
        result.new_ids = [pk for pk, _ in inserted]
        if result.new_ids:
            steps.stored(brand=brand, mention_ids=result.new_ids)
    result.new = len(inserted)
    result.duplicates += len(candidates) - len(inserted)
    return result


def delivered_items_ingest(*, source: Source, items: list[dict]) -> IngestResult:
    """Mentions a webhook delivered for a source (their JSON form). A platform whose
    deliveries carry only ids completes them first, with the source's credential; its
    PlatformError reaches the caller, which retries the delivery or drops it."""
    normalized = [normalized_from_dict(item) for item in items]
    found = platform_of_kind(source.kind)
    if found is not None:
        normalized = found.connector_for(source.kind).complete(source, normalized)
    return mention_ingest(brand=source.brand, platform=source.platform, source=source, items=normalized)
