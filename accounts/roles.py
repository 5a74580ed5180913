"""The three roles of Écoute, each including the one before it.

- Community manager: triage the queue and reply.
- Manager: everything a community manager does, plus reports.
- Admin: everything a manager does, plus brands, sources, credentials and users.

Roles are Django groups (created by a migration); a superuser counts as Admin.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

COMMUNITY_MANAGER = "Community manager"
MANAGER = "Manager"
ADMIN = "Admin"

RANK = {COMMUNITY_MANAGER: 1, MANAGER: 2, ADMIN: 3}
LABELS = {COMMUNITY_MANAGER: _("Community manager"), MANAGER: _("Manager"), ADMIN: _("Admin")}


def user_rank(user) -> int:
    if not user.is_authenticated or not user.is_active:
        return 0
    if user.is_superuser:
        return RANK[ADMIN]
    cached = getattr(user, "_ecoute_rank", None)
    if cached is None:
        names = user.groups.filter(name__in=RANK).values_list("name", flat=True)
        cached = max((RANK[name] for name in names), default=0)
        user._ecoute_rank = cached
    return cached


def has_role(user, role: str) -> bool:
    return user_rank(user) >= RANK[role]


def role_required(role: str):
    """View decorator: the login is already required by LoginRequiredMiddleware;
    a logged-in user without the role gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
