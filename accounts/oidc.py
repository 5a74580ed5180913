"""Single sign-on through OpenID Connect (mozilla-django-oidc), on when OIDC_RP_CLIENT_ID is set.

People are matched by e-mail; a new one gets an account. When the provider sends the roles
claim (OIDC_ROLES_CLAIM, a list), it decides the person's roles at every sign-in:
"admin", "manager" or "community_manager" for a site-wide role, "<brand slug>:<role>" for a
role on one brand's team. Without the claim, roles are left to Écoute's admins."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts import roles
from accounts.models import TeamMembership

CLAIM_ROLES = {"community_manager": roles.COMMUNITY_MANAGER, "manager": roles.MANAGER, "admin": roles.ADMIN}


def username_from(email: str, claims: dict) -> str:
    name = claims.get("preferred_username") or (email or "").split("@")[0] or claims.get("sub", "")
    return name[:150]


@transaction.atomic
def user_roles_from_claims(*, user, claims: dict) -> None:
    """Site-wide role groups and team memberships as the provider states them."""
    values = claims.get(settings.OIDC_ROLES_CLAIM)
    if not isinstance(values, list):
        return  # the provider doesn't manage roles: Écoute's admins do
    site, teams = [], {}
    for value in (v for v in values if isinstance(v, str)):
        slug, _sep, name = value.rpartition(":")
        role = CLAIM_ROLES.get(name.strip().lower())
        if role is None:
            continue
        if slug:
            teams[slug] = max(teams.get(slug, role), role, key=roles.RANK.get)
        else:
            site.append(role)
    user.groups.remove(*Group.objects.filter(name__in=roles.RANK))
    if site:
        user.groups.add(Group.objects.get_or_create(name=max(site, key=roles.RANK.get))[0])
    Brand = TeamMembership._meta.get_field("brand").related_model
    brands = dict(Brand.objects.filter(slug__in=teams).values_list("slug", "pk"))
    TeamMembership.objects.filter(user=user).exclude(brand_id__in=brands.values()).delete()
    for slug, role in teams.items():
        if slug in brands:
            TeamMembership.objects.update_or_create(user=user, brand_id=brands[slug], defaults={"role": role})
    for cached in ("_ecoute_rank", "_ecoute_team_ranks"):
        user.__dict__.pop(cached, None)


class EcouteOIDCBackend(OIDCAuthenticationBackend):
    def create_user(self, claims):
        user = super().create_user(claims)
        user.first_name = (claims.get("given_name") or "")[:150]
        user.last_name = (claims.get("family_name") or "")[:150]
        user.save(update_fields=["first_name", "last_name"])
        user_roles_from_claims(user=user, claims=claims)
        return user

    def update_user(self, user, claims):
        user_roles_from_claims(user=user, claims=claims)
        return user
