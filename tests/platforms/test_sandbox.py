"""The sandbox: the demo's built-in platform. It answers X and Facebook mentions without
network, under their platform's rules, and production settings refuse it."""

import pytest

from listening.choices import CredentialPlatform, Platform, SourceKind, Status
from listening.models import Credential, Mention
from responses.composing import composer_context
from responses.models import Response, ResponseStatus, Visibility
from responses.services import ResponseError, response_create
from tests.factories import AuthorFactory, BrandFactory, MentionFactory, SourceFactory, UserFactory

TEXT = "Bonjour, nous regardons votre ligne tout de suite."


@pytest.fixture
def sandbox_brand(db):
    brand = BrandFactory(name="Lumio", slug="lumio")
    Credential.objects.create(brand=brand, platform=CredentialPlatform.SANDBOX, name="Lumio sandbox")
    return brand


def _mention(brand, platform=Platform.TWITTER, **fields):
    kind = SourceKind.X_MENTIONS if platform == Platform.TWITTER else SourceKind.FACEBOOK_PAGE
    return MentionFactory(brand=brand, platform=platform, source=SourceFactory(brand=brand, kind=kind, credential=None),
                          author=AuthorFactory(platform=platform), **fields)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("platform, visibility", [(Platform.TWITTER, Visibility.PUBLIC),
                                                  (Platform.FACEBOOK, Visibility.PRIVATE)])
def test_the_sandbox_accepts_a_reply_and_it_counts_as_the_first_response(settings, http, sandbox_brand, platform,
                                                                         visibility):
    settings.SANDBOX_ALLOWED = True
    mention = _mention(sandbox_brand, platform)
    response = response_create(mention=mention, author=UserFactory(), text=TEXT, visibility=visibility)
    response.refresh_from_db()
    assert response.status == ResponseStatus.SENT
    assert response.platform_reply_id == f"sandbox-{response.idempotency_key}"
    mention = Mention.objects.get(pk=mention.pk)
    assert mention.first_response_at == response.sent_at and mention.status == Status.OPEN
    assert http.call_count == 0  # no network


def test_the_mention_platforms_rules_still_apply(settings, sandbox_brand):
    settings.SANDBOX_ALLOWED = True
    mention = _mention(sandbox_brand, Platform.FACEBOOK)
    response_create(mention=mention, author=UserFactory(), text=TEXT, visibility=Visibility.PRIVATE)
    with pytest.raises(ResponseError, match="only one per comment"):
        response_create(mention=mention, author=UserFactory(), text="Autre", visibility=Visibility.PRIVATE)
    with pytest.raises(ResponseError, match="limit is 280"):
        response_create(mention=_mention(sandbox_brand), author=UserFactory(), text="x" * 281,
                        visibility=Visibility.PUBLIC)


def test_the_composer_says_replies_go_to_the_sandbox(settings, sandbox_brand):
    settings.SANDBOX_ALLOWED = True
    assert composer_context(mention=_mention(sandbox_brand), agent=UserFactory())["stand_in"] is True


def test_production_settings_refuse_the_sandbox_with_a_clear_message(settings, sandbox_brand):
    settings.SANDBOX_ALLOWED = False
    mention = _mention(sandbox_brand)
    with pytest.raises(ResponseError, match="refused with production settings"):
        response_create(mention=mention, author=UserFactory(), text=TEXT, visibility=Visibility.PUBLIC)
    assert not Response.objects.exists()
    blocked = {v["value"]: v["blocked"] for v in composer_context(mention=mention, agent=UserFactory())["visibilities"]}
    assert "ALLOW_SANDBOX" in blocked[Visibility.PUBLIC]


def test_a_brands_own_credential_wins_over_the_sandbox(settings, sandbox_brand, http):
    settings.SANDBOX_ALLOWED = True
    mention = _mention(sandbox_brand)
    Credential.objects.create(brand=sandbox_brand, platform=Platform.TWITTER, name="@LumioFR")  # no sending tokens
    with pytest.raises(ResponseError, match="can read X but not reply"):
        response_create(mention=mention, author=UserFactory(), text=TEXT, visibility=Visibility.PUBLIC)


@pytest.mark.parametrize("env, allowed", [({}, "False"), ({"ALLOW_SANDBOX": "true"}, "True"),
                                          ({"DEBUG": "true"}, "True")])
def test_production_settings_allow_the_sandbox_only_when_asked(env, allowed):
    from tests.config.test_settings import _manage

    run = _manage("shell", "-c", "from django.conf import settings; print(settings.SANDBOX_ALLOWED)", **env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == allowed
