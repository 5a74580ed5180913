"""Replies on Bluesky, exactly once, with the AT Protocol server faked at the HTTP layer."""

import pytest
import requests

from config.celery import app as celery_app
from listening.choices import EventKind
from listening.models import Credential
from platforms.bluesky.send import tid
from platforms.errors import PlatformError
from responses.composing import composer_context
from responses.models import ResponseStatus, Visibility
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
from tests.platforms.bluesky_fakes import (
    BRAND_DID,
    LEA_DID,
    XRPC,
    FakeBluesky,
    author,
    calls,
    post,
    ref,
)

TEXT = "Bonjour Léa, la fibre revient à 14h. Suivi : https://lumio.example/incidents/42 — merci !"
ROOT = post("3kroot", "Panne à Lille ?", who=author("did:plc:hugopetit000000000000", "hugo.bsky.social"))
MENTION_POST = post("3kmention", "@lumio.bsky.social pareil chez moi", reply={"root": ref(ROOT), "parent": ref(ROOT)})


@pytest.fixture(autouse=True)
def _retries_run_again(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)


@pytest.fixture
def agent(db):
    return UserFactory(username="camille")


@pytest.fixture
def mention(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="lumio.bsky.social")
    credential = CredentialFactory(brand=brand, platform="bluesky", name="lumio.bsky.social", secrets={
        "bluesky_handle": "lumio.bsky.social", "bluesky_app_password": "app-pass-word"})
    source = SourceFactory(brand=brand, kind="bluesky_mentions", target="lumio.bsky.social", credential=credential)
    return MentionFactory(brand=brand, source=source, platform="bluesky", external_id=MENTION_POST["uri"],
                          author=AuthorFactory(platform="bluesky", external_id=LEA_DID, handle="lea.bsky.social"))


def _reply(mention, agent, capture, text=TEXT):
    with capture(execute=True):
        response = response_create(mention=mention, author=agent, text=text, visibility=Visibility.PUBLIC)
    response.refresh_from_db()
    return response


def test_a_reply_names_the_threads_root_and_the_mention_as_parent(http, mention):
    fake = FakeBluesky(http, posts=[ROOT, MENTION_POST])
    reply = ResponseFactory(mention=mention, text=TEXT)
    uri = sender_for(mention).send(reply)
    (record,) = fake.records.values()
    assert uri == record["uri"] and uri.startswith(f"at://{BRAND_DID}/app.bsky.feed.post/")
    body = calls(http, "com.atproto.repo.createRecord")[0].json()
    assert body["repo"] == BRAND_DID and body["collection"] == "app.bsky.feed.post"
    assert body["record"]["reply"] == {"root": ref(ROOT), "parent": ref(MENTION_POST)}
    assert body["record"]["text"] == TEXT and body["record"]["langs"] == ["fr"]
    link = body["record"]["facets"][0]
    start, end = link["index"]["byteStart"], link["index"]["byteEnd"]
    assert TEXT.encode()[start:end].decode() == "https://lumio.example/incidents/42"


def test_a_reply_to_a_post_that_starts_a_thread_uses_it_as_root_and_parent(http, mention):
    FakeBluesky(http, posts=[ROOT])
    mention.external_id = ROOT["uri"]
    mention.save()
    sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT))
    body = calls(http, "com.atproto.repo.createRecord")[0].json()
    assert body["record"]["reply"] == {"root": ref(ROOT), "parent": ref(ROOT)}


def test_the_composer_says_bluesky_has_no_private_replies_and_counts_300_graphemes(db, mention, agent):
    choices = {v["value"]: v for v in composer_context(mention=mention, agent=agent)["visibilities"]}
    assert "no private replies" in choices["private"]["blocked"] and not choices["public"]["blocked"]
    assert (choices["public"]["limit"], choices["public"]["counting"]) == (300, "graphemes")
    with pytest.raises(ResponseError, match="no private replies"):
        response_create(mention=mention, author=agent, text="en privé", visibility=Visibility.PRIVATE)
    family = "👨‍👩‍👧"  # one grapheme, 5 code points
    response_create(mention=mention, author=agent, text=family * 300, visibility=Visibility.PUBLIC)
    with pytest.raises(ResponseError, match="the limit is 300"):
        response_create(mention=mention, author=agent, text="x" * 301, visibility=Visibility.PUBLIC)


def test_a_timeout_then_a_retry_posts_exactly_one_reply(http, mention, agent, django_capture_on_commit_callbacks):
    fake = FakeBluesky(http, posts=[ROOT, MENTION_POST], lose_answers=1)  # written, answer lost
    response = _reply(mention, agent, django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.SENT and response.attempts == 2
    assert len(fake.records) == 1 and response.platform_reply_id == next(iter(fake.records.values()))["uri"]
    assert len(calls(http, "com.atproto.repo.createRecord")) == 1  # the retry read the record instead
    assert mention.events.filter(kind=EventKind.REPLIED).count() == 1


def test_a_timeout_before_bluesky_got_it_is_posted_on_retry(http, mention, agent, django_capture_on_commit_callbacks):
    fake = FakeBluesky(http, posts=[ROOT, MENTION_POST])
    http.post(f"{XRPC}/com.atproto.repo.createRecord",
              [{"exc": requests.exceptions.ConnectTimeout}, {"json": fake._authed(fake._create_record)}])
    response = _reply(mention, agent, django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.SENT and len(fake.records) == 1
    assert len(calls(http, "com.atproto.repo.getRecord")) == 1


def test_every_attempt_of_a_reply_writes_the_same_record_key(http, mention):
    FakeBluesky(http, posts=[ROOT, MENTION_POST])
    reply = ResponseFactory(mention=mention, text=TEXT)
    sender = sender_for(mention)
    sender.send(reply)
    with pytest.raises(PlatformError):  # the same key again: Bluesky refuses a second record
        sender.send(reply)
    keys = {r.json()["rkey"] for r in calls(http, "com.atproto.repo.createRecord")}
    assert len(keys) == 1 and len(next(iter(keys))) == 13


def test_record_keys_are_valid_tids():
    key = tid(1_764_000_000_000_000, 5)
    assert len(key) == 13 and key[0] in "234567abcdefghij" and set(key) <= set("234567abcdefghijklmnopqrstuvwxyz")
    assert tid(1_764_000_000_000_001, 5) > key  # they sort by time


def test_a_deleted_post_fails_the_reply_in_plain_words(http, mention, agent, django_capture_on_commit_callbacks):
    FakeBluesky(http, posts=[ROOT])  # the mention was deleted
    response = _reply(mention, agent, django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.FAILED and "deleted" in response.error_message
    assert not calls(http, "com.atproto.repo.createRecord")


def test_an_expired_session_while_sending_refreshes_by_itself(http, mention, agent, django_capture_on_commit_callbacks):
    fake = FakeBluesky(http, posts=[ROOT, MENTION_POST])
    assert sender_for(mention).client.session["did"] == BRAND_DID  # signed in earlier (a poll)
    fake.expire_access()
    response = _reply(mention, agent, django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.SENT and fake.created_sessions == 1
    assert len(calls(http, "com.atproto.server.refreshSession")) == 1


def test_a_revoked_app_password_fails_the_reply_and_blocks_the_next(http, mention, agent,
                                                                   django_capture_on_commit_callbacks):
    fake = FakeBluesky(http, posts=[ROOT, MENTION_POST])
    fake.password = "revoked"
    response = _reply(mention, agent, django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.FAILED and "app password" in response.error_message
    assert not Credential.objects.get(name="lumio.bsky.social").is_valid
    with pytest.raises(ResponseError):
        response_create(mention=mention, author=agent, text="autre", visibility=Visibility.PUBLIC)


def test_a_blocked_reply_says_why(http, mention):
    FakeBluesky(http, posts=[ROOT, MENTION_POST])
    http.post(f"{XRPC}/com.atproto.repo.createRecord", status_code=400,
              json={"error": "BlockedByActor", "message": "blocked"})
    with pytest.raises(PlatformError) as caught:
        sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT))
    assert caught.value.permanent and "blocked" in caught.value.message


def test_hostile_reply_text_is_sent_as_written(http, mention):
    fake = FakeBluesky(http, posts=[ROOT, MENTION_POST])
    text = "مرحبا <b>Léa</b> 👨‍👩‍👧 & <script>x</script> https://lumio.example/é"
    sender_for(mention).send(ResponseFactory(mention=mention, text=text))
    (record,) = fake.records.values()
    assert record["value"]["text"] == text
    link = record["value"]["facets"][0]["index"]
    assert text.encode()[link["byteStart"]:link["byteEnd"]].decode() == "https://lumio.example/é"
