"""Replies on Mastodon, exactly once, with the instance faked at the HTTP layer."""

import pytest
import requests
from django.core.cache import cache

from config.celery import app as celery_app
from listening.choices import EventKind
from listening.models import Credential
from platforms.errors import PlatformError
from responses.composing import composer_context
from responses.models import Response, ResponseStatus, Visibility
from responses.senders import sender_for
from responses.services import ResponseError, response_create
from tests.factories import (
    AuthorFactory,
    BrandFactory,
    CredentialFactory,
    MentionFactory,
    ResponseFactory,
    SourceFactory,
    UserFactory,
)
from tests.platforms.mastodon_fakes import INSTANCE_V2, STATUSES, FakeInstance, instance

TEXT = "Bonjour Léa, la fibre revient à 14h à Lille. Suivi : https://lumio.example/incidents/42 & merci !"


@pytest.fixture(autouse=True)
def _retries_run_again(monkeypatch):
    """As in a worker, a task's retry runs the task again (inline) instead of reaching the caller."""
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)


@pytest.fixture
def agent(db):
    return UserFactory(username="camille")


@pytest.fixture
def mention(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@Lumio@mastodon.example")
    credential = CredentialFactory(brand=brand, platform="mastodon", name="@Lumio", secrets={
        "mastodon_instance": "https://mastodon.example", "mastodon_access_token": "masto-token"})
    source = SourceFactory(brand=brand, kind="mastodon_mentions", target="@Lumio", credential=credential)
    return MentionFactory(brand=brand, source=source, platform="mastodon", external_id="302",
                          author=AuthorFactory(platform="mastodon", external_id="109000000000000100@mastodon.example",
                                               handle="lea@mamot.example"))


def _reply(mention, agent, capture, text=TEXT, visibility=Visibility.PUBLIC) -> Response:
    with capture(execute=True):
        response = response_create(mention=mention, author=agent, text=text, visibility=visibility)
    response.refresh_from_db()
    return response


def _posts(http):
    return [r for r in http.request_history if r.method == "POST" and r.url == STATUSES]


def test_a_public_reply_answers_the_status_and_names_its_author(http, mention):
    fake = FakeInstance(http)
    reply = ResponseFactory(mention=mention, text=TEXT)
    assert sender_for(mention).send(reply) == fake.posted[0]["id"]
    request = _posts(http)[0]
    assert request.json() == {"status": f"@lea@mamot.example {TEXT}", "in_reply_to_id": "302",
                              "visibility": "public", "language": "fr"}
    assert request.headers["Authorization"] == "Bearer masto-token"
    assert request.headers["Idempotency-Key"] == f"ecoute-response-{reply.pk}"


def test_a_private_reply_is_a_direct_status(http, mention):
    fake = FakeInstance(http)
    reply = ResponseFactory(mention=mention, text="Écrivez-nous votre numéro de client ici.", visibility=Visibility.PRIVATE)
    sender_for(mention).send(reply)
    assert fake.posted[0]["visibility"] == "direct"
    assert _posts(http)[0].json()["status"].startswith("@lea@mamot.example ")


def test_a_private_reply_needs_to_know_the_author(db, mention):
    mention.author = None
    mention.save()
    with pytest.raises(PlatformError) as caught:
        sender_for(mention).check(mention=mention, visibility=Visibility.PRIVATE)
    assert caught.value.permanent and "who wrote this post" in caught.value.message


def test_a_timeout_then_a_retry_posts_exactly_one_reply(http, mention, agent, django_capture_on_commit_callbacks):
    fake = FakeInstance(http, lose_answers=1)  # the status is created, its answer lost
    response = _reply(mention, agent, django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.SENT and response.attempts == 2
    assert len(fake.posted) == 1 and response.platform_reply_id == fake.posted[0]["id"]
    assert len(_posts(http)) == 1  # the retry found it among the mention's replies
    assert mention.events.filter(kind=EventKind.REPLIED).count() == 1


def test_when_the_reply_is_not_visible_yet_the_idempotency_key_keeps_it_single(http, mention, agent,
                                                                              django_capture_on_commit_callbacks):
    fake = FakeInstance(http, lose_answers=1, context_lags=True)
    response = _reply(mention, agent, django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.SENT
    assert len(_posts(http)) == 2 and len(fake.posted) == 1  # posted again, created once
    assert response.platform_reply_id == fake.posted[0]["id"]


def test_a_timeout_before_the_instance_got_it_is_posted_on_retry(http, mention, agent,
                                                                 django_capture_on_commit_callbacks):
    fake = FakeInstance(http)
    http.post(STATUSES, [{"exc": requests.exceptions.ConnectTimeout}, {"json": fake._post}])
    response = _reply(mention, agent, django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.SENT and len(fake.posted) == 1
    assert [r.method for r in http.request_history if "/statuses" in r.url] == ["POST", "GET", "POST"]


def test_a_deleted_status_fails_the_reply_in_plain_words(http, mention, agent, django_capture_on_commit_callbacks):
    http.get(INSTANCE_V2, json=instance())
    http.post(STATUSES, status_code=404, json={"error": "Record not found"})
    response = _reply(mention, agent, django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.FAILED and "deleted" in response.error_message


def test_a_revoked_token_fails_the_reply_and_blocks_the_next(http, mention, agent, django_capture_on_commit_callbacks):
    http.get(INSTANCE_V2, json=instance())
    http.post(STATUSES, status_code=401, json={"error": "The access token was revoked"})
    response = _reply(mention, agent, django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.FAILED and "new access token" in response.error_message
    assert not Credential.objects.get(name="@Lumio").is_valid
    with pytest.raises(ResponseError):
        response_create(mention=mention, author=agent, text="autre chose", visibility=Visibility.PUBLIC)


def test_the_rate_limit_queues_the_reply_again_until_the_reset(http, mention):
    http.post(STATUSES, status_code=429, json={"error": "Too many requests"},
              headers={"X-RateLimit-Reset": "2030-01-01T10:05:00.000Z"})
    with pytest.raises(PlatformError) as caught:
        sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT))
    assert not caught.value.permanent and caught.value.retry_at.isoformat() == "2030-01-01T10:05:00+00:00"


def test_the_length_limit_is_the_instances_less_the_authors_name(http, mention, agent):
    http.get(INSTANCE_V2, json=instance(max_characters=1000))
    context = composer_context(mention=mention, agent=agent)
    limits = {v["value"]: v["limit"] for v in context["visibilities"]}
    assert limits == {"public": 1000 - len("@lea "), "private": 1000 - len("@lea ")}
    assert {v["counting"] for v in context["visibilities"]} == {"graphemes_links"}
    composer_context(mention=mention, agent=agent)
    assert http.call_count == 1  # cached
    with pytest.raises(ResponseError, match="the limit is 995"):
        response_create(mention=mention, author=agent, text="x" * 996, visibility=Visibility.PUBLIC)
    # Links count 23 whatever their length, as the instance counts them.
    response_create(mention=mention, author=agent, text="x" * 960 + " https://lumio.example/" + "a" * 200,
                    visibility=Visibility.PUBLIC)


def test_an_instance_that_does_not_answer_gets_mastodons_default_limit(http, mention, agent):
    cache.clear()
    http.get(INSTANCE_V2, exc=requests.exceptions.ConnectTimeout)
    limits = {v["limit"] for v in composer_context(mention=mention, agent=agent)["visibilities"]}
    assert limits == {500 - len("@lea ")}


def test_hostile_reply_text_is_sent_as_written(http, mention):
    fake = FakeInstance(http)
    text = "مرحبا <b>Léa</b> 👨‍👩‍👧 & <script>x</script>"
    sender_for(mention).send(ResponseFactory(mention=mention, text=text))
    assert _posts(http)[0].json()["status"] == f"@lea@mamot.example {text}"
    assert len(fake.posted) == 1


def test_a_post_written_privately_to_the_brand_is_answered_privately(http, mention, agent):
    http.get(INSTANCE_V2, json=instance())
    mention.raw = {"status": {"id": "302", "visibility": "direct"}}
    mention.save()
    choices = {v["value"]: v for v in composer_context(mention=mention, agent=agent)["visibilities"]}
    assert "would expose it" in choices["public"]["blocked"] and not choices["private"]["blocked"]
    assert composer_context(mention=mention, agent=agent)["default"] == "private"
    with pytest.raises(ResponseError, match="would expose it"):
        response_create(mention=mention, author=agent, text=TEXT, visibility=Visibility.PUBLIC)
