"""Factories for accounts: people and their roles."""

import importlib

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from accounts.apps import ADMIN_APPS
from accounts.models import TeamMembership

PASSWORD = "pass-word-123"
_ROLES = importlib.import_module("accounts.migrations.0002_roles")
# Models that changed app after the roles migration (their permissions moved with them).
_MOVED = {("responses", model): "sla" for model in ("slapolicy", "businesscalendar", "shift", "holiday")}


def _permission(code: str) -> Permission:
    app_label, codename = code.split(".")
    app_label = _MOVED.get((app_label, codename.split("_", 1)[1]), app_label)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def role_group(name: str) -> Group:
    """The role's group. Tests with real transactions (live server, threads) flush the
    database afterwards, which removes the groups the roles migration created: they are
    put back with the same permissions."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        codes = {"Community manager": _ROLES.COMMUNITY_MANAGER_PERMS, "Manager": _ROLES.MANAGER_PERMS}.get(name)
        perms = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS) if codes is None else [
            _permission(c) for c in codes]
        group.permissions.set(perms)
    return group


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(role_group(extracted))
        self.save()

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        """teams={brand: role}: memberships of brands' teams."""
        for brand, role in (extracted or {}).items():
            TeamMembership.objects.create(user=self, brand=brand, role=role)
