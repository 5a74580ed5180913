import pytest
from django.core.cache import cache

from accounts import roles
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """The cache is the real Redis: login counters must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


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
