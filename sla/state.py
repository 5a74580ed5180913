"""The SLA state of a mention — on time, nearly due, breached, met — in one place for every
screen: the queue's rows, the mention page's triage and response-times panels, the SLA alerts
and the report (which counts open mentions by the due times sla.services stores from here).

The state is counted in the clock of the brand's policy for the mention's label *now* (a
relabel changes the policy), from the mention's event log (time waiting for the customer, or
resolved before a reopening, doesn't count)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from listening.models import Mention, MentionEvent
from sla.selectors import sla_policies_by_brand, sla_policies_by_label, sla_policy_for
from sla.tracking import ResponseTimes, response_times


def sla_state(mention: Mention, *, at: datetime | None = None, events: list | None = None,
              policies: dict | None = None) -> ResponseTimes:
    """Both SLAs of one mention at `at` (now by default). `events` (the mention's log in time
    order) and `policies` (the brand's, from sla.selectors) are loaded when not given."""
    if policies is None:
        policies = sla_policies_by_label(brand_id=mention.brand_id)
    if events is None:
        events = list(MentionEvent.objects.filter(mention_id=mention.pk).order_by("at", "id"))
    policy = sla_policy_for(policies=policies, label=mention.label)
    return response_times(mention=mention, events=events, policy=policy, now=at or timezone.now())


def sla_states(*, mentions: list[Mention], at: datetime | None = None) -> dict[int, ResponseTimes]:
    """sla_state of many mentions with two queries: their brands' policies and their events."""
    if not mentions:
        return {}
    at = at or timezone.now()
    policies = sla_policies_by_brand(brand_ids={m.brand_id for m in mentions})
    events: dict[int, list] = {m.pk: [] for m in mentions}
    for event in (MentionEvent.objects.filter(mention_id__in=list(events)).only("id", "mention_id", "kind", "at", "data")
                  .order_by("at", "id")):
        events[event.mention_id].append(event)
    return {m.pk: sla_state(m, at=at, events=events[m.pk], policies=policies.get(m.brand_id, {}))
            for m in mentions}


def sla_states_attach(*, mentions: list[Mention], at: datetime | None = None) -> list[Mention]:
    """Sets `mention.sla` (sla_states) on each mention, for the queue's rows."""
    states = sla_states(mentions=mentions, at=at)
    for mention in mentions:
        mention.sla = states[mention.pk]
    return mentions


def first_response_due_at(*, policies: dict, label: str, posted_at: datetime) -> datetime | None:
    """The first response's due time of a mention with no history yet (just ingested): what
    sla_state gives it, without reading an event log. Ingestion sets it on whole batches."""
    return _due_at(policies=policies, label=label, posted_at=posted_at, target="first_response_minutes")


def resolution_due_at(*, policies: dict, label: str, posted_at: datetime) -> datetime | None:
    """The resolution's due time of a mention with no history yet, as first_response_due_at."""
    return _due_at(policies=policies, label=label, posted_at=posted_at, target="resolution_minutes")


def _due_at(*, policies: dict, label: str, posted_at: datetime, target: str) -> datetime | None:
    policy = sla_policy_for(policies=policies, label=label)
    if policy is None or not getattr(policy, target):
        return None
    return policy.clock.add(start=posted_at, minutes=getattr(policy, target))
