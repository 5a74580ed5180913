"""Fixtures shared by every test, and the split of the suite into three kinds, each runnable
alone with `bash scripts/test.sh -m unit` (or `integration`, `browser`):

- browser: under tests/browser/ or marked `browser` — Chromium against a live server;
- integration: uses the database (the `db`, `transactional_db` or `live_server` fixture, or the
  `django_db` mark) or is marked `integration` (Redis, a Celery worker, other processes);
- unit: everything else. A unit test may reach neither Postgres nor Redis: both refuse it, so
  a test that needs them fails at once until it says so (a fixture, or the `integration` mark).
"""

import psycopg2
import pytest
import redis.connection
import requests_mock
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from accounts import roles
from listening.choices import Platform, SourceKind
from listening.models import Credential
from tests.accounts.factories import UserFactory
from tests.listening.factories import BrandFactory, SourceFactory


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                     "live_server"}
BROWSER_DIR = "browser"


def kind_of_test(item) -> str:
    """"browser", "integration" or "unit": what the test needs to run, read from its path,
    marks and fixtures."""
    if item.get_closest_marker("browser") or BROWSER_DIR in item.path.relative_to(item.config.rootpath).parts[1:-1]:
        return "browser"
    if (item.get_closest_marker("integration") or item.get_closest_marker("django_db")
            or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))):
        return "integration"
    return "unit"




def pytest_collection_modifyitems(config, items):
    for item in items:
        kind = kind_of_test(item)
        if not item.get_closest_marker(kind):
            item.add_marker(kind)


class UnitTestReachedAService(RuntimeError):
    """A test classified as unit opened a connection to Postgres or Redis."""


def _refuse(service):
    def refuse(*args, **kwargs):
        raise UnitTestReachedAService(
            f"A unit test may not use {service}: give it the `db` fixture or mark it "
            "`@pytest.mark.integration` (see tests/conftest.py).")
    return refuse


@pytest.fixture(autouse=True)
def _unit_tests_stay_unit(request, monkeypatch):
    """Django already refuses the database to a test that did not ask for it; this also refuses
    Redis (cache, locks, broker) and direct Postgres connections to unit tests."""
    if request.node.get_closest_marker("unit"):
        monkeypatch.setattr(redis.connection.AbstractConnection, "connect", _refuse("Redis"))
        monkeypatch.setattr(psycopg2, "connect", _refuse("Postgres"))


@pytest.fixture(autouse=True)
def _clear_cache(request, _unit_tests_stay_unit):
    """The cache is the real Redis: login counters must not leak between tests (unit tests
    cannot reach it). Nor must the language a request activated for its user (middleware
    activates it for the thread)."""
    uses_redis = not request.node.get_closest_marker("unit")
    if uses_redis:
        cache.clear()
    yield
    if uses_redis:
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
