"""Keeps each mention's stored response times (MentionTiming) in step with its event log.

The report aggregates these rows in SQL; computing business hours there for a million mentions
would be far too slow, so the arithmetic is done here, once, when a time becomes known: a reply
is recorded (responses.sending._reply_recorded) or the status changes (the mention's log says
so: mention_logged, connected in responses/apps.py). The numbers are those of
the mention page: sla.state.sla_state with the brand's SLA policy and clock.
`manage.py timings_backfill` fills them for mentions stored before, or after a policy change.
"""

from django.db import transaction
from django.utils import timezone

from listening.choices import EventKind
from listening.models import Mention
from responses.models import MentionTiming
from responses.selectors import mentions_with_events
from sla import business_hours
from sla.models import CountedIn
from sla.selectors import sla_policies_by_brand, sla_policy_for
from sla.state import sla_state

BATCH = 500
# What the report counts as an outcome: a met or missed target. Other states have none yet.
_MET = {"met": True, "missed": False}


def _timing_row(*, mention: Mention, events: list, policies: dict, now) -> MentionTiming | None:
    """None when nothing is known yet: no reply, not resolved."""
    times = sla_state(mention, at=now, events=events, policies=policies)
    policy = sla_policy_for(policies=policies, label=mention.label)
    first, resolution = times.first_response, times.resolution
    if first.end_at is None and resolution.end_at is None and mention.assignee_id is None:
        return None
    reply = next((e for e in events if e.kind == EventKind.REPLIED), None)
    clock = policy.clock if policy is not None else None
    business = isinstance(clock, business_hours.BusinessCalendar)
    return MentionTiming(
        mention_id=mention.pk, brand_id=mention.brand_id, posted_at=mention.posted_at,
        agent_id=(reply.actor_id if reply is not None and reply.actor_id else mention.assignee_id),
        counted_in=CountedIn.BUSINESS_HOURS if business else CountedIn.CALENDAR,
        first_response_minutes=first.elapsed_minutes if first.end_at is not None else None,
        first_response_met=_MET.get(first.state),
        resolution_minutes=resolution.elapsed_minutes if resolution.end_at is not None else None,
        resolution_met=_MET.get(resolution.state),
    )


def _store(rows: list[MentionTiming], *, forget_ids: list[int]) -> None:
    if forget_ids:
        MentionTiming.objects.filter(mention_id__in=forget_ids).delete()
    MentionTiming.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["mention"],
        update_fields=["agent", "counted_in", "first_response_minutes", "first_response_met",
                       "resolution_minutes", "resolution_met", "computed_at"],
    )


def on_mention_logged(*, mention: Mention, event, **_signal) -> None:
    """A status change moves the resolution time and what the report counts as open."""
    if event.kind == EventKind.STATUS_CHANGED:
        mention_timing_refresh(mention=mention)


def mention_timing_refresh(*, mention: Mention, now=None) -> MentionTiming | None:
    """Recomputes one mention's stored times from its event log (after a reply or a status change)."""
    return mention_timings_refresh(mention_ids=[mention.pk], now=now).get(mention.pk)


@transaction.atomic
def mention_timings_refresh(*, mention_ids: list[int], now=None) -> dict[int, MentionTiming]:
    now = now or timezone.now()
    mentions = mentions_with_events(mention_ids=mention_ids)
    policies_by_brand = sla_policies_by_brand(brand_ids={m.brand_id for m in mentions})
    rows, forget = {}, []
    for mention in mentions:
        row = _timing_row(mention=mention, events=list(mention.events.all()),
                          policies=policies_by_brand.get(mention.brand_id, {}), now=now)
        if row is None:
            forget.append(mention.pk)
        else:
            rows[mention.pk] = row
    _store(list(rows.values()), forget_ids=forget)
    return rows


def timings_backfill(*, brand_ids=None, batch: int = BATCH, progress=None) -> int:
    """Recomputes the stored times of every mention that has a reply, a resolution or an
    assignee (all brands, or these). Safe to run again: each row is replaced."""
    mentions = Mention.objects.filter(
        first_response_at__isnull=False) | Mention.objects.filter(resolved_at__isnull=False) | \
        Mention.objects.filter(assignee__isnull=False)
    if brand_ids:
        mentions = mentions.filter(brand_id__in=brand_ids)
    done, last_id = 0, 0
    while True:
        ids = list(mentions.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        mention_timings_refresh(mention_ids=ids)
        done, last_id = done + len(ids), ids[-1]
        if progress:
            progress(done)
