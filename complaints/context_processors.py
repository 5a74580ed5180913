from accounts import roles
from complaints.models import ACTIVE_ALERT_STATES, CrisisAlert


def active_crisis_alerts(request):
    """The crisis banner under the top bar: everyone who triages a brand hears of its crisis under way,
    not only the managers who receive the e-mail."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not roles.has_role(user, roles.COMMUNITY_MANAGER):
        return {}
    alerts = list(roles.limit_to_brands(CrisisAlert.objects.all(), user)
                  .filter(state__in=[s.value for s in ACTIVE_ALERT_STATES])
                  .select_related("brand", "acknowledged_by").order_by("opened_at"))
    return {"active_crisis_alerts": alerts} if alerts else {}
