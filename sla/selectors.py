"""Reads of SLA policies, each with its clock, loaded once per brand for a whole batch."""

from sla.models import BusinessCalendar, SLAPolicy, policy_clock


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
