import pytest
import requests_mock
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from accounts import roles
from listening.choices import Platform, SourceKind
from listening.models import Credential
from tests.factories import BrandFactory, SourceFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """The cache is the real Redis: login counters must not leak between tests. Nor must the
    language a request activated for its user (middleware activates it for the thread)."""
    cache.clear()
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def community_manager(db):
    return UserFactory(username="camille", role=roles.COMMUNITY_MANAGER)


@pytest.fixture
def manager(db):
    return UserFactory(username="nadia", role=roles.MANAGER)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="alex", role=roles.ADMIN)


@pytest.fixture
def cm_client(client, community_manager):
    client.force_login(community_manager)
    return client


@pytest.fixture
def beat_schedules(db):
    """The beat rows the migrations create. Tests with real transactions flush the database
    afterwards, which removes them; the migrations' own functions put them back (they are
    idempotent), so this checks what the migrations schedule whatever ran before."""
    from importlib import import_module

    from django.apps import apps

    for name in ("complaints.migrations.0003_periodic_tasks", "responses.migrations.0003_sla_alerts_schedule"):
        import_module(name).create(apps, None)
    import_module("complaints.migrations.0005_crisis_alerts").schedule(apps, None)


@pytest.fixture
def http():
    """The platforms' HTTP APIs, faked at the HTTP layer: tweepy, facebook-sdk and
    requests run their real code up to the socket."""
    with requests_mock.Mocker() as mock:
        yield mock


def _credential(brand, platform, **secrets):
    credential = Credential(brand=brand, platform=platform, name=f"{platform} access")
    credential.set_secrets(secrets)
    credential.save()
    return credential


@pytest.fixture
def x_source(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@LumioFR")
    return SourceFactory(brand=brand, kind=SourceKind.X_SEARCH, target="Lumio OR @LumioFR",
                         credential=_credential(brand, Platform.TWITTER, bearer_token="bearer-xyz"))


@pytest.fixture
def fb_source(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="104857600000001")
    return SourceFactory(brand=brand, kind=SourceKind.FACEBOOK_PAGE, target="104857600000001",
                         credential=_credential(brand, Platform.FACEBOOK, page_access_token="EAAB-page", app_secret="s3cret"))


@pytest.fixture
def feed_source(db):
    return SourceFactory(kind=SourceKind.FEED, target="https://blog.example/feed.xml", keywords="")
