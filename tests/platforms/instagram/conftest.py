"""The Instagram account the tests poll and answer for, with its credential."""

import pytest

from listening.choices import Platform, SourceKind
from listening.models import Credential
from tests.factories import BrandFactory, SourceFactory
from tests.platforms.instagram.fakes import ACCOUNT, USERNAME


@pytest.fixture
def ig_source(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts=f"@{USERNAME}")
    credential = Credential(brand=brand, platform=Platform.INSTAGRAM, name="Instagram @lumio.fr")
    credential.set_secrets({"ig_access_token": "EAAB-ig-page", "ig_app_secret": "ig-s3cret"})
    credential.save()
    return SourceFactory(brand=brand, kind=SourceKind.INSTAGRAM_ACCOUNT, target=ACCOUNT, credential=credential,
                         keywords="")
