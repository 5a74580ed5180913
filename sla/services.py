"""Keeps each mention's stored first-response due time equal to what sla.state says, so that
SQL (the report's overdue counts, the alerts' candidates) reads the same deadline as the screens.
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
    due = state.first_response.due_at
    if save and due != mention.first_response_due_at:
        Mention.objects.filter(pk=mention.pk).update(first_response_due_at=due)
    mention.first_response_due_at = due
    return state


def mentions_sla_refresh(*, brand_id: int, batch: int = BATCH) -> int:
    """Every open mention of the brand (after its policies or calendar changed); returns how
    many due times moved."""
    now, moved, last_id = timezone.now(), 0, 0
    open_mentions = Mention.objects.filter(brand_id=brand_id, status__in=[s.value for s in OPEN_STATUSES])
    while True:
        mentions = list(open_mentions.filter(pk__gt=last_id).order_by("pk")[:batch])
        if not mentions:
            return moved
        changed = []
        states = sla_states(mentions=mentions, at=now)
        for mention in mentions:
            due = states[mention.pk].first_response.due_at
            if due != mention.first_response_due_at:
                mention.first_response_due_at = due
                changed.append(mention)
        Mention.objects.bulk_update(changed, ["first_response_due_at"])
        moved, last_id = moved + len(changed), mentions[-1].pk
