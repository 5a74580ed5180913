"""Reads for the queue and the mention page."""

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Subquery
from django.utils import timezone

from accounts import roles
from complaints.classifier.lifecycle import classify_probabilities
from listening.choices import OPEN_STATUSES, Label, Platform, Status
from listening.models import Brand, Mention

PAGE_SIZE = 50
PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}

# Postgres full-text search: each mention is indexed in its own language's configuration
# (French stemming for French mentions, English otherwise); a query is matched in both, so
# "retards" finds "retard" and "delays" finds "delayed". The GIN index in
# listening/migrations/0005_mention_search.py is built on exactly this expression.
SEARCH_VECTOR = ("to_tsvector(CASE WHEN listening_mention.language = 'fr' THEN 'french'::regconfig "
                 "ELSE 'english'::regconfig END, listening_mention.title || ' ' || listening_mention.text)")
SEARCH_MATCH = f"{SEARCH_VECTOR} @@ (websearch_to_tsquery('french', %s) || websearch_to_tsquery('english', %s))"


@dataclass
class QueueFilters:
    brand: int | None = None
    platform: str = ""
    label: str = ""
    status: str = ""  # empty: every open status
    language: str = ""
    assignee: str = ""  # "me", "none" or empty for anyone
    period: str = ""  # "24h", "7d", "30d" or empty for any time
    q: str = ""  # full-text search
    order: str = "priority"  # or "age"
    after: str = ""  # keyset cursor: "priority:id" or "timestamp:id"

    @property
    def active(self) -> bool:
        return any([self.brand, self.platform, self.label, self.status, self.language, self.assignee, self.period,
                    self.q])


def _valid_cursor(raw: str, order: str) -> str:
    head, _sep, pk = raw.rpartition(":")
    try:
        int(pk)
        datetime.fromisoformat(head) if order == "age" else int(head)
    except ValueError:
        return ""
    return raw


MAX_ID = 2**63 - 1  # the largest id the database stores


def row_id(text: str) -> int | None:
    """A row id from a form or a link, or None: only ASCII digits ("²" is a digit to
    str.isdigit() but not to int()), and no larger than the database stores."""
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_ID else None


def queue_filters_from(query) -> QueueFilters:
    """The queue's filters from a query string (the page, its live bar, the API); unknown values are dropped."""
    order = "age" if query.get("order") == "age" else "priority"
    brand = query.get("brand", "")
    return QueueFilters(
        brand=row_id(brand),
        platform=query.get("platform") if query.get("platform") in Platform.values else "",
        label=query.get("label") if query.get("label") in Label.values else "",
        status=query.get("status") if query.get("status") in Status.values else "",
        language=query.get("language") if query.get("language") in dict(settings.LANGUAGES) else "",
        assignee=query.get("assignee") if query.get("assignee") in ("me", "none") else "",
        period=query.get("period") if query.get("period") in PERIODS else "",
        q=query.get("q", "").strip()[:200],
        order=order,
        after=_valid_cursor(query.get("after", ""), order),
    )


def search_filter(qs: QuerySet[Mention], text: str) -> QuerySet[Mention]:
    if connection.vendor == "postgresql":
        return qs.extra(where=[SEARCH_MATCH], params=[text, text])
    return qs.filter(Q(text__icontains=text) | Q(title__icontains=text))  # SQLite demo: a simple match


def _filtered(*, filters: QueueFilters, user, now=None) -> QuerySet[Mention]:
    qs: QuerySet[Mention] = roles.limit_to_brands(Mention.objects.all(), user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.filter(status__in=[s.value for s in OPEN_STATUSES])
    if filters.brand:
        qs = qs.filter(brand_id=filters.brand)
    if filters.platform:
        qs = qs.filter(platform=filters.platform)
    if filters.label:
        qs = qs.filter(label=filters.label)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.assignee == "me":
        qs = qs.filter(assignee=user)
    elif filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    if filters.period in PERIODS:
        qs = qs.filter(posted_at__gte=(now or timezone.now()) - PERIODS[filters.period])
    if filters.q:
        qs = search_filter(qs, filters.q)
    return qs


# A search first reads this many of the queue's top rows (in its order, through its index) and
# keeps the matches; a rarer word, with fewer matches there than a page, is then looked up in
# the open mentions' full-text index and its matches sorted. Each way stays cheap where the
# other is slow: Postgres, which can't know that a word lives at the bottom of the queue, would
# otherwise walk the whole priority index computing every row's words.
SEARCH_WALK = 200


def _ordered(qs: QuerySet[Mention], filters: QueueFilters, *, through_index: bool = True) -> QuerySet[Mention]:
    """The queue's order with its keyset cursor. Not through_index: the same order on
    expressions no index provides, so that Postgres takes the matches from the search index."""
    if filters.order == "age":
        if filters.after:
            stamp, _, pk = filters.after.rpartition(":")
            qs = qs.filter(Q(posted_at__gt=stamp) | Q(posted_at=stamp, id__gt=pk))
        keys = ("posted_at", "id") if through_index else (F("posted_at") + timedelta(0), F("id") + 0)
        return qs.order_by(*keys)
    if filters.after:
        score, _, pk = filters.after.partition(":")
        qs = qs.filter(Q(priority__lt=score) | Q(priority=score, id__lt=pk))
    if through_index:
        return qs.order_by("-priority", "-id")
    return qs.order_by((F("priority") + 0).desc(), (F("id") + 0).desc())


def _page_rows(*, filters: QueueFilters, user, limit: int) -> list[Mention]:
    related = ("author", "brand", "assignee")
    closed = filters.status and filters.status not in [s.value for s in OPEN_STATUSES]  # outside both indexes
    if not filters.q or connection.vendor != "postgresql" or closed:
        ordered = _ordered(_filtered(filters=filters, user=user), filters)
        if filters.order == "age" and not closed and connection.vendor == "postgresql":
            # The page's ids first, sorted from the age index alone (what the filters read is
            # included in it), then their rows: sorting whole rows fetched from the table took
            # 57 ms at 1M mentions for one label across brands.
            ordered = _ordered(Mention.objects.filter(pk__in=Subquery(ordered.values("pk")[: limit + 1])), filters)
        return list(ordered.select_related(*related)[: limit + 1])
    unsearched = _filtered(filters=replace(filters, q=""), user=user)
    top = _ordered(unsearched, filters).values("pk")[:SEARCH_WALK]
    walked = list(_ordered(search_filter(Mention.objects.filter(pk__in=Subquery(top)), filters.q), filters)
                  .select_related(*related)[: limit + 1])
    if len(walked) > limit:
        return walked
    searched = _filtered(filters=filters, user=user)
    return list(_ordered(searched, filters, through_index=False).select_related(*related)[: limit + 1])


def queue_mentions(*, filters: QueueFilters, user, limit: int = PAGE_SIZE) -> tuple[list[Mention], str]:
    """One page of the queue and the cursor of the next page ("" when it is the last).
    Keyset pagination: the page after a row is found from the row, never by OFFSET."""
    rows = _page_rows(filters=filters, user=user, limit=limit)
    next_cursor = ""
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = f"{last.posted_at.isoformat()}:{last.pk}" if filters.order == "age" else f"{last.priority}:{last.pk}"
    return rows, next_cursor


def queue_new_count(*, filters: QueueFilters, user, since_id: int) -> int:
    """How many mentions matching the filters arrived after the newest one on screen. Ids
    grow with arrival, so "new" is id > the highest id the page was rendered with."""
    return _filtered(filters=filters, user=user).filter(pk__gt=since_id).count()


def queue_tab_counts(*, filters: QueueFilters, user) -> dict[str, int]:
    """Open mentions under the Mine ("me"), Unassigned ("none") and All ("") tabs: the same
    brands and filters as the queue, whatever tab is showing. One query."""
    qs = _filtered(filters=replace(filters, assignee="", after=""), user=user)
    counts = qs.aggregate(all=Count("pk"), me=Count("pk", filter=Q(assignee=user)),
                          none=Count("pk", filter=Q(assignee__isnull=True)))
    return {"me": counts["me"], "none": counts["none"], "": counts["all"]}


def latest_mention_id() -> int:
    return Mention.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def brands_for_filters(*, user) -> QuerySet[Brand]:
    return roles.limit_to_brands(Brand.objects.only("id", "name"), user, field="pk")


def next_mention_for(*, user, after: Mention, preferred: int | None = None) -> Mention | None:
    """The mention to open after resolving one: `preferred` (the next row of the person's list,
    sent by the inbox) while it is open in one of their brands; otherwise the top of the open
    queue among mentions nobody else has."""
    open_mentions = roles.limit_to_brands(Mention.objects.filter(status__in=[s.value for s in OPEN_STATUSES]),
                                          user).exclude(pk=after.pk)
    chosen = open_mentions.filter(pk=preferred).only("pk").first() if preferred is not None else None
    return chosen or (open_mentions.filter(Q(assignee__isnull=True) | Q(assignee=user))
                      .order_by("-priority", "-id").only("pk").first())


def mention_for_page(*, pk: int) -> Mention:
    return (
        Mention.objects.select_related("author", "brand", "assignee", "source", "label_corrected_by")
        .prefetch_related("events__actor", "responses__author", "notes__author")
        .get(pk=pk)
    )


@dataclass
class Conversation:
    thread: list[Mention]  # the same conversation on the platform, oldest first
    earlier: list[Mention]  # the author's mentions of the brand posted before this one, newest first


def mention_conversation(*, mention: Mention, limit: int = 20) -> Conversation:
    """What a community manager reads before answering: the thread the mention belongs to,
    and what this customer told the brand before (with our replies, prefetched)."""
    related = Mention.objects.filter(brand_id=mention.brand_id).exclude(pk=mention.pk).select_related("author") \
        .prefetch_related("responses")
    thread: list[Mention] = []
    if mention.conversation_id:
        thread = list(related.filter(platform=mention.platform, conversation_id=mention.conversation_id)
                      .order_by("posted_at")[:limit])
    earlier: list[Mention] = []
    if mention.author_id:
        seen = {m.pk for m in thread}
        earlier = [m for m in related.filter(author_id=mention.author_id, posted_at__lt=mention.posted_at)
                   .order_by("-posted_at")[:limit] if m.pk not in seen]
    return Conversation(thread=thread, earlier=earlier)


# --- "Check these": the mentions whose label the model is least sure of (issue 22) ---
REVIEW_POOL = 200  # least confident stored mentions re-scored by the active version
REVIEW_DAYS = 30
# Every fifth row is a spot check: a mention drawn at random from the same recent stream. The
# least-sure rows are the hardest mentions, so a confidence fitted on them alone would be
# too low for the ordinary stream; the spot checks are the unbiased sample calibration needs.
SPOT_CHECK_EVERY = 5
SPOT_CHECK_FROM = 20_000  # the newest unlabelled mentions a spot check is drawn from


@dataclass
class ReviewItem:
    mention: Mention
    first: str  # the active version's label and calibrated confidence
    first_confidence: float
    second: str  # its runner-up
    second_confidence: float
    spot_check: bool = False  # drawn at random, not for being unsure (see SPOT_CHECK_EVERY)

    @property
    def margin(self) -> float:
        return self.first_confidence - self.second_confidence

    @property
    def first_label(self) -> str:
        return dict(Label.choices).get(self.first, self.first)

    @property
    def second_label(self) -> str:
        return dict(Label.choices).get(self.second, self.second)

    @property
    def second_percent(self) -> int:
        return round(100 * self.second_confidence)


def brands_worked_on(*, user) -> QuerySet[Brand]:
    """The brands a person works on: every brand with a site-wide role, else their teams' brands."""
    return roles.limit_to_brands(Brand.objects.all(), user, field="pk")


def review_items(*, user, limit: int = 20, now=None, rng: random.Random | None = None) -> list[ReviewItem] | None:
    """Recent mentions nobody has labelled, across the person's brands, that the active
    version is least sure of (smallest gap between its top two labels), scored now: after a
    retraining the order follows the new version. Every SPOT_CHECK_EVERY-th row is instead a
    mention drawn at random from the same stream (`rng`, seeded in benchmarks). None when no
    version is active."""
    since = (now or timezone.now()) - timedelta(days=REVIEW_DAYS)
    unlabelled = Mention.objects.filter(brand__in=brands_worked_on(user=user), posted_at__gte=since,
                                        label_corrected_at__isnull=True, confidence__isnull=False)
    pool = list(unlabelled.select_related("brand", "author").order_by("confidence", "-id")[:REVIEW_POOL])
    unsure = _review_scored(pool, spot_check=False)
    if unsure is None:
        return None
    unsure.sort(key=lambda item: (item.margin, -item.mention.pk))
    spots = limit // SPOT_CHECK_EVERY
    ids = list(unlabelled.order_by("-id").values_list("pk", flat=True)[:SPOT_CHECK_FROM]) if spots else []
    if len(ids) <= limit:  # the whole stream fits on the page: nothing to draw from
        return unsure[:limit]
    unsure = unsure[:limit - spots]
    shown = {item.mention.pk for item in unsure}
    picked = (rng or random.Random()).sample([pk for pk in ids if pk not in shown], spots)
    drawn = _review_scored(list(unlabelled.filter(pk__in=picked).select_related("brand", "author").order_by("-id")),
                           spot_check=True) or []
    result = []
    for item in drawn:  # each spot check after SPOT_CHECK_EVERY - 1 unsure rows
        result += unsure[:SPOT_CHECK_EVERY - 1] + [item]
        unsure = unsure[SPOT_CHECK_EVERY - 1:]
    return result + unsure


def _review_scored(mentions: list[Mention], *, spot_check: bool) -> list[ReviewItem] | None:
    """The mentions with the active version's top two labels, scored now (None: no version)."""
    scored = classify_probabilities([f"{m.title}\n{m.text}".strip() for m in mentions])
    if scored is None:
        return None
    _version, classes, probabilities = scored
    items = []
    for mention, row in zip(mentions, probabilities):
        first, second = row.argsort()[::-1][:2]
        items.append(ReviewItem(mention, str(classes[first]), float(row[first]), str(classes[second]),
                                float(row[second]), spot_check=spot_check))
    return items
