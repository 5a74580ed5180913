import importlib
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import TeamMembership
from listening.choices import Platform, SourceKind
from listening.models import Author, Brand, Mention, Source

_ROLES = importlib.import_module("accounts.migrations.0002_roles")
# Models that changed app after the roles migration (their permissions moved with them).
_MOVED = {("responses", model): "sla" for model in ("slapolicy", "businesscalendar", "shift", "holiday")}


def _permission(code: str):
    from django.contrib.auth.models import Permission

    app_label, codename = code.split(".")
    app_label = _MOVED.get((app_label, codename.split("_", 1)[1]), app_label)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _role_group(name: str) -> Group:
    """The role's group. Tests with real transactions (live server, threads) flush the
    database afterwards, which removes the groups the roles migration created: they are
    put back with the same permissions."""
    from django.contrib.auth.models import Permission

    from accounts.apps import ADMIN_APPS

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
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(_role_group(extracted))
        self.save()

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        """teams={brand: role}: memberships of brands' teams."""
        for brand, role in (extracted or {}).items():
            TeamMembership.objects.create(user=self, brand=brand, role=role)


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    brand = factory.SubFactory(BrandFactory)
    kind = SourceKind.X_SEARCH
    target = factory.Sequence(lambda n: f"query {n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    platform = Platform.TWITTER
    external_id = factory.Sequence(lambda n: f"author-{n}")
    handle = factory.Sequence(lambda n: f"customer{n}")
    followers_count = 150


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention

    brand = factory.SubFactory(BrandFactory)
    platform = Platform.TWITTER
    external_id = factory.Sequence(lambda n: f"tweet-{n}")
    author = factory.SubFactory(AuthorFactory)
    text = "Toujours pas de fibre depuis lundi @LumioFR"
    language = "fr"
    label = "complaint"
    posted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))


# --- sla: SLA policies and business calendars ---
from datetime import time as _time  # noqa: E402

from sla.models import BusinessCalendar, Holiday, Shift, SLAPolicy  # noqa: E402


class SLAPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SLAPolicy

    brand = factory.SubFactory(BrandFactory)
    label = ""
    first_response_minutes = 60
    resolution_minutes = 24 * 60
    near_breach_percent = 80


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCalendar
        django_get_or_create = ("brand",)

    brand = factory.SubFactory(BrandFactory)


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    calendar = factory.SubFactory(BusinessCalendarFactory)
    weekday = 0
    starts_at = _time(9)
    ends_at = _time(17)


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    calendar = factory.SubFactory(BusinessCalendarFactory)
    date = factory.Sequence(lambda n: timezone.localdate() + timedelta(days=400 + n))
    name = "Holiday"


# --- responses: sending replies (h_send) ---
from listening.crypto import encrypt_secrets  # noqa: E402
from listening.models import Credential  # noqa: E402
from responses.models import Response  # noqa: E402

X_SENDING_SECRETS = {
    "bearer_token": "bearer-xyz", "consumer_key": "ck", "consumer_secret": "cs",
    # OAuth 1.0a access tokens start with the account's X id.
    "access_token": "1500000000000000001-at", "access_token_secret": "ats",
}
FACEBOOK_PAGE_SECRETS = {"page_access_token": "EAAB-page", "app_secret": "s3cret"}


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential

    class Params:
        secrets = factory.LazyAttribute(
            lambda o: X_SENDING_SECRETS if o.platform == Platform.TWITTER else FACEBOOK_PAGE_SECRETS)

    brand = factory.SubFactory(BrandFactory)
    platform = Platform.TWITTER
    name = factory.Sequence(lambda n: f"Brand account {n}")
    secrets_encrypted = factory.LazyAttribute(lambda o: encrypt_secrets(o.secrets))


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    mention = factory.SubFactory(MentionFactory)
    text = "Bonjour, nous regardons tout de suite. Pouvez-vous nous écrire en privé ?"


# --- complaints: crisis alerts (h_alerts) ---
from complaints.models import CrisisAlert, CrisisSettings  # noqa: E402


class CrisisSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrisisSettings
        django_get_or_create = ("brand",)

    brand = factory.SubFactory(BrandFactory)


class CrisisAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrisisAlert

    brand = factory.SubFactory(BrandFactory)
    opened_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=20))
    window_start = factory.LazyAttribute(lambda o: o.opened_at - timedelta(hours=1))
    window_end = factory.LazyAttribute(lambda o: o.opened_at)
    last_seen_at = factory.LazyAttribute(lambda o: o.opened_at)
    figures = factory.LazyFunction(lambda: {"complaints": 60, "mentions": 80, "usual_complaints": 12,
                                            "peak_complaints": 60})
    reasons = factory.LazyFunction(lambda: [
        {"code": "complaints", "seen": 60, "usual": 12, "score": 13.9},
        {"code": "share", "seen": 0.75, "usual": 0.25, "score": 9.5},
    ])
