from accounts import roles
from responses.models import Notification


def unread_notifications(request):
    """The count shown next to "Notifications" in the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not roles.has_role(user, roles.COMMUNITY_MANAGER):
        return {}
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    return {"unread_notifications": roles.limit_to_brands(unread, user, field="mention__brand_id").count()}
