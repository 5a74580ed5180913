"""Keeps each mention's stored due times (first response, resolution) equal to what sla.state
says, so that SQL (the report's overdue counts, the alerts' candidates) reads the same deadlines
as the screens. For an open mention a due time in the past is a breach; none is stored while the
clock is stopped with time left (waiting for the customer).
Called after anything that moves the deadline: a relabel, a status change (the clock pauses
while the customer is awaited), a new or edited SLA policy or business calendar."""

from django.utils import timezone

from listening.choices import OPEN_STATUSES
from listening.models import Mention
from sla.state import sla_state, sla_states
from sla.tracking import ResponseTimes

BATCH = 500


def mention_sla_refresh(*, mention: Mention, at=None, policies: dict | None = None,
                        save: bool = True) -> ResponseTimes:
    state = sla_state(mention, at=at, policies=policies)
    due = _due_times(state)
    if save and due != _stored(mention):
        Mention.objects.filter(pk=mention.pk).update(**due)
    _store(mention, due)
    return state


def _due_times(state: ResponseTimes) -> dict:
    return {"first_response_due_at": state.first_response.due_at, "resolution_due_at": state.resolution.due_at}


def _stored(mention: Mention) -> dict:
    return {"first_response_due_at": mention.first_response_due_at, "resolution_due_at": mention.resolution_due_at}


def _store(mention: Mention, due: dict) -> None:
    mention.first_response_due_at, mention.resolution_due_at = due["first_response_due_at"], due["resolution_due_at"]


def mentions_sla_refresh(*, brand_id: int, batch: int = BATCH) -> int:
    """Every open mention of the brand (after its policies or calendar changed, or once after the
    resolution due time was first stored); returns how many mentions' due times moved."""
    now, moved, last_id = timezone.now(), 0, 0
    # Only what sla.state reads: also what lets migration sla 0002 run this on a later schema.
    open_mentions = Mention.objects.filter(brand_id=brand_id, status__in=[s.value for s in OPEN_STATUSES]).only(
        "id", "brand_id", "label", "status", "posted_at", "resolved_at", "first_response_due_at", "resolution_due_at")
    while True:
        mentions = list(open_mentions.filter(pk__gt=last_id).order_by("pk")[:batch])
        if not mentions:
            return moved
        changed = []
        states = sla_states(mentions=mentions, at=now)
        for mention in mentions:
            due = _due_times(states[mention.pk])
            if due != _stored(mention):
                _store(mention, due)
                changed.append(mention)
        Mention.objects.bulk_update(changed, ["first_response_due_at", "resolution_due_at"])
        moved, last_id = moved + len(changed), mentions[-1].pk
