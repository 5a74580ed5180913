"""The three roles of Écoute, each including the one before it.

- Community manager: triage the queue and reply.
- Manager: everything a community manager does, plus reports.
- Admin: everything a manager does, plus brands, sources, credentials and users.

A site-wide role is a Django group (created by a migration) and covers every brand; a
superuser counts as Admin. A team membership (accounts.models.TeamMembership) gives a role on
one brand only: someone without a site-wide role sees only their teams' brands.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

COMMUNITY_MANAGER = "Community manager"
MANAGER = "Manager"
ADMIN = "Admin"

RANK = {COMMUNITY_MANAGER: 1, MANAGER: 2, ADMIN: 3}
LABELS = {COMMUNITY_MANAGER: _("Community manager"), MANAGER: _("Manager"), ADMIN: _("Admin")}


def site_rank(user) -> int:
    """The rank of the person's site-wide role, which holds on every brand."""
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


def team_ranks(user) -> dict[int, int]:
    """{brand id: rank} from the person's team memberships."""
    if not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, "_ecoute_team_ranks", None)
    if cached is None:
        cached = {brand_id: RANK.get(role, 0) for brand_id, role in
                  user.team_memberships.values_list("brand_id", "role")}
        user._ecoute_team_ranks = cached
    return cached


def user_rank(user) -> int:
    """The highest role the person holds anywhere: what kinds of page they may open at all."""
    return max([site_rank(user), *team_ranks(user).values()])


def has_role(user, role: str) -> bool:
    return user_rank(user) >= RANK[role]


def brand_ids_for(user, role: str = COMMUNITY_MANAGER) -> set[int] | None:
    """The brands on which the person holds at least this role: None means every brand (a
    site-wide role), otherwise the ids of their teams' brands with that role."""
    if site_rank(user) >= RANK[role]:
        return None
    return {brand_id for brand_id, rank in team_ranks(user).items() if rank >= RANK[role]}


def has_brand_role(user, brand_id: int, role: str = COMMUNITY_MANAGER) -> bool:
    brand_ids = brand_ids_for(user, role)
    return brand_ids is None or brand_id in brand_ids


def limit_to_brands(queryset, user, role: str = COMMUNITY_MANAGER, field: str = "brand_id"):
    """The queryset narrowed to the rows of brands the person works on with this role."""
    brand_ids = brand_ids_for(user, role)
    return queryset if brand_ids is None else queryset.filter(**{f"{field}__in": brand_ids})


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


def people_with_brand_role(brand_id: int, role: str):
    """A Q over users: active people holding at least this role on the brand, site-wide or on its
    team (who to tell about the brand's alerts, and who may be given its mentions)."""
    names = [name for name, rank in RANK.items() if rank >= RANK[role]]
    return Q(is_active=True) & (Q(is_superuser=True) | Q(groups__name__in=names) | Q(
        team_memberships__brand_id=brand_id, team_memberships__role__in=names))
