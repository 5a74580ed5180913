from responses.models import SLAPolicy


def sla_policies_by_label(*, brand_id: int) -> dict[str, SLAPolicy]:
    """The brand's SLA policies by label; "" is the policy for labels without their own."""
    return {policy.label: policy for policy in SLAPolicy.objects.filter(brand_id=brand_id)}
