import pytest
import requests_mock

from listening.choices import Platform, SourceKind
from listening.models import Credential
from tests.factories import BrandFactory, SourceFactory


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
