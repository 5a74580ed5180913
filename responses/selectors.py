from responses.models import SLAPolicy


def sla_policy_for(*, brand_id: int, label: str) -> SLAPolicy | None:
    """The brand's policy for this label, else its catch-all policy (empty label)."""
    policies = {p.label: p for p in SLAPolicy.objects.filter(brand_id=brand_id, label__in=[label, ""])}
    return policies.get(label) or policies.get("")
