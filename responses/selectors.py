from django.db.models import Prefetch
from django.utils import timezone

from listening.models import Mention, MentionEvent
from platforms.registry import PLATFORMS
from responses.models import (
    BusinessCalendar, Notification, Response, ResponseChannel, ResponseStatus, SLAPolicy, Visibility, policy_clock,
)


def sla_policies_by_label(*, brand_id: int) -> dict[str, SLAPolicy]:
    """The brand's SLA policies by label; "" is the policy for labels without their own.
    Each policy comes with its clock, the brand's calendar loaded once for all of them."""
    return sla_policies_by_brand(brand_ids=[brand_id]).get(brand_id, {})


def sla_policies_by_brand(*, brand_ids=None) -> dict[int, dict[str, SLAPolicy]]:
    """{brand id: {label: policy}} for these brands (all brands when None), clocks attached."""
    policies = SLAPolicy.objects.all()
    calendars = BusinessCalendar.objects.select_related("brand").prefetch_related("shifts", "holidays")
    if brand_ids is not None:
        policies, calendars = policies.filter(brand_id__in=brand_ids), calendars.filter(brand_id__in=brand_ids)
    policies = list(policies)
    calendar_by_brand = {c.brand_id: c for c in calendars} if policies else {}
    clocks: dict[tuple[int, str], object] = {}
    result: dict[int, dict[str, SLAPolicy]] = {}
    for policy in policies:
        key = (policy.brand_id, policy.counted_in)  # one clock object per brand and mode: it caches days
        if key not in clocks:
            clocks[key] = policy_clock(policy=policy, calendar=calendar_by_brand.get(policy.brand_id))
        policy.clock = clocks[key]
        result.setdefault(policy.brand_id, {})[policy.label] = policy
    return result


def sla_policy_for(*, policies: dict[str, SLAPolicy], label: str) -> SLAPolicy | None:
    return policies.get(label) or policies.get("")


def mention_response_times(*, mention: Mention, now=None):
    """What the mention page shows under "Response times": both SLAs, how they were counted."""
    from responses.tracking import response_times

    policy = sla_policy_for(policies=sla_policies_by_label(brand_id=mention.brand_id), label=mention.label)
    events = list(MentionEvent.objects.filter(mention=mention).order_by("at", "id"))
    return response_times(mention=mention, events=events, policy=policy, now=now or timezone.now())


def mentions_with_events(*, mention_ids) -> list[Mention]:
    events = Prefetch("events", queryset=MentionEvent.objects.order_by("at", "id"))
    return list(Mention.objects.filter(pk__in=mention_ids).select_related("assignee", "author", "brand")
                .prefetch_related(events).order_by("pk"))


def notifications_unread(*, user, limit: int = 20) -> list[Notification]:
    return list(Notification.objects.filter(user=user, read_at__isnull=True).select_related("mention")[:limit])


def near_breach_percent_attach(*, mentions: list[Mention]) -> None:
    """Sets `near_breach_percent` on each mention from its brand's policy for its label, so
    the queue's countdown turns amber at the threshold the brand chose (default 80 %)."""
    rows = SLAPolicy.objects.filter(brand_id__in={m.brand_id for m in mentions}).values_list(
        "brand_id", "label", "near_breach_percent")
    by_brand: dict[int, dict[str, int]] = {}
    for brand_id, label, percent in rows:
        by_brand.setdefault(brand_id, {})[label] = percent
    for mention in mentions:
        policies = by_brand.get(mention.brand_id, {})
        mention.near_breach_percent = policies.get(mention.label, policies.get("", 80))


def private_reply_taken(*, mention) -> bool:
    """Platforms such as Facebook allow one private reply per comment: is there one from
    Écoute already (queued, being sent or sent)?"""
    rules = PLATFORMS.get(mention.platform)
    return bool(rules and rules.one_private_reply) and Response.objects.filter(
        mention=mention, channel=ResponseChannel.ECOUTE, visibility=Visibility.PRIVATE,
        status__in=[ResponseStatus.QUEUED, ResponseStatus.SENDING, ResponseStatus.SENT]).exists()
