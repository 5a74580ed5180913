"""Reads for the queue and the mention page."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from listening.choices import OPEN_STATUSES
from listening.models import Brand, Mention

PAGE_SIZE = 50


@dataclass
class QueueFilters:
    brand: int | None = None
    platform: str = ""
    label: str = ""
    status: str = ""  # empty: every open status
    assignee: str = ""  # "me", "none" or empty for anyone
    order: str = "priority"  # or "age"
    after: str = ""  # keyset cursor: "priority:id" or "timestamp:id"


def queue_mentions(*, filters: QueueFilters, user, limit: int = PAGE_SIZE) -> tuple[list[Mention], str]:
    """One page of the queue and the cursor of the next page ("" when it is the last).
    Keyset pagination: the page after a row is found from the row, never by OFFSET."""
    qs: QuerySet[Mention] = Mention.objects.select_related("author", "brand", "assignee")
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
    if filters.assignee == "me":
        qs = qs.filter(assignee=user)
    elif filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)

    if filters.order == "age":
        qs = qs.order_by("posted_at", "id")
        if filters.after:
            stamp, _, pk = filters.after.rpartition(":")
            qs = qs.filter(Q(posted_at__gt=stamp) | Q(posted_at=stamp, id__gt=pk))
    else:
        qs = qs.order_by("-priority", "-id")
        if filters.after:
            score, _, pk = filters.after.partition(":")
            qs = qs.filter(Q(priority__lt=score) | Q(priority=score, id__lt=pk))

    rows = list(qs[: limit + 1])
    next_cursor = ""
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = f"{last.posted_at.isoformat()}:{last.pk}" if filters.order == "age" else f"{last.priority}:{last.pk}"
    return rows, next_cursor


def brands_for_filters() -> QuerySet[Brand]:
    return Brand.objects.only("id", "name")


def mention_for_page(*, pk: int) -> Mention:
    return (
        Mention.objects.select_related("author", "brand", "assignee", "source", "label_corrected_by")
        .prefetch_related("events__actor", "responses__author", "notes__author")
        .get(pk=pk)
    )
