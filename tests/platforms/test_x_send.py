"""Replies on X, with X's HTTP API faked at the HTTP layer: tweepy runs its real code."""

import json
import time

import pytest
import requests
import requests_mock

from listening.choices import Platform, SourceKind
from platforms.errors import PlatformError
from platforms.x.send import XSender
from responses.models import Visibility
from responses.senders import sender_for
from tests.factories import (
    AuthorFactory,
    BrandFactory,
    CredentialFactory,
    MentionFactory,
    ResponseFactory,
    SourceFactory,
)

TWEETS = "https://api.twitter.com/2/tweets"
BRAND_TWEETS = "https://api.twitter.com/2/users/1500000000000000001/tweets"
DM_TO_AUTHOR = "https://api.twitter.com/2/dm_conversations/with/100/messages"
DM_EVENTS = "https://api.twitter.com/2/dm_conversations/with/100/dm_events"
TEXT = "Bonjour Léa, la fibre revient à 14h à Lille. Suivi : https://lumio.example/incidents/42 & merci !"


@pytest.fixture
def http():
    with requests_mock.Mocker() as mock:
        yield mock


@pytest.fixture
def mention(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@LumioFR")
    source = SourceFactory(brand=brand, kind=SourceKind.X_MENTIONS, target="@LumioFR",
                           credential=CredentialFactory(brand=brand, platform=Platform.TWITTER, name="@LumioFR"))
    return MentionFactory(brand=brand, source=source, external_id="1800000000000000001",
                          author=AuthorFactory(external_id="100", handle="lea_75"))


def _sender(mention) -> XSender:
    return sender_for(mention)


def test_a_public_reply_is_a_post_in_reply_to_the_mention(http, mention):
    http.post(TWEETS, status_code=201, json={"data": {"id": "1900000000000000001", "text": f"@lea_75 {TEXT}"}})
    reply = ResponseFactory(mention=mention, text=TEXT)
    assert _sender(mention).send(reply) == "1900000000000000001"
    request = http.request_history[0]
    assert request.json() == {"text": TEXT, "reply": {"in_reply_to_tweet_id": "1800000000000000001"}}
    # Posted as the brand's account (OAuth 1.0a user context), not with the app's bearer token.
    assert request.headers["Authorization"].startswith("OAuth ") and 'oauth_consumer_key="ck"' in request.headers["Authorization"]


def test_a_private_reply_is_a_direct_message_to_the_author(http, mention):
    http.post(DM_TO_AUTHOR, status_code=201, json={"data": {"dm_conversation_id": "100-1500", "dm_event_id": "555"}})
    reply = ResponseFactory(mention=mention, text=TEXT, visibility=Visibility.PRIVATE)
    assert _sender(mention).send(reply) == "555"
    assert http.request_history[0].json() == {"text": TEXT}


def test_a_reply_x_forbids_says_why_in_plain_words(http, mention):
    detail = ("Reply to this conversation is not allowed because you have not been mentioned or otherwise "
              "engaged by the author of the post you are replying to.")
    http.post(TWEETS, status_code=403, json={"detail": detail, "type": "about:blank", "title": "Forbidden", "status": 403})
    with pytest.raises(PlatformError) as caught:
        _sender(mention).send(ResponseFactory(mention=mention, text=TEXT))
    error = caught.value
    assert error.permanent and not error.needs_reauth
    assert "limited replies to people they mentioned or follow" in error.message
    assert detail in error.message  # X's own reason is shown too


def test_a_revoked_token_needs_reauthorization(http, mention):
    http.post(TWEETS, status_code=401, json={"title": "Unauthorized", "type": "about:blank", "status": 401,
                                             "detail": "Unauthorized"})
    with pytest.raises(PlatformError) as caught:
        _sender(mention).send(ResponseFactory(mention=mention, text=TEXT))
    assert caught.value.permanent and caught.value.needs_reauth
    assert "“@LumioFR” (401)" in caught.value.message and "new access tokens" in caught.value.message


def test_a_timeout_is_transient(http, mention):
    http.post(TWEETS, exc=requests.exceptions.ReadTimeout)
    with pytest.raises(PlatformError) as caught:
        _sender(mention).send(ResponseFactory(mention=mention, text=TEXT))
    assert not caught.value.permanent and "ReadTimeout" in caught.value.message


def test_a_rate_limit_says_when_to_come_back(http, mention):
    reset = int(time.time()) + 600
    http.post(TWEETS, status_code=429, json={"title": "Too Many Requests"}, headers={"x-rate-limit-reset": str(reset)})
    with pytest.raises(PlatformError) as caught:
        _sender(mention).send(ResponseFactory(mention=mention, text=TEXT))
    assert not caught.value.permanent and int(caught.value.retry_at.timestamp()) == reset


def test_a_reading_only_credential_cannot_reply(db):
    credential = CredentialFactory(secrets={"bearer_token": "bearer-xyz"}, name="Lecture seule")
    with pytest.raises(PlatformError) as caught:
        XSender(credential)
    assert caught.value.permanent and "can read X but not reply" in caught.value.message


def _brand_tweet(tweet_id, text, replied_to="1800000000000000001"):
    return {"id": tweet_id, "text": text, "referenced_tweets": [{"type": "replied_to", "id": replied_to}]}


def test_find_existing_recognizes_the_reply_as_x_shows_it(http, mention):
    # X prefixes the handle, escapes "&" and rewrites links to t.co.
    as_shown = f"@lea_75 {TEXT.replace('https://lumio.example/incidents/42', 'https://t.co/AbC123').replace('&', '&amp;')}"
    http.get(BRAND_TWEETS, json={"data": [
        _brand_tweet("1900000000000000009", as_shown, replied_to="1800000000000000777"),  # another conversation
        _brand_tweet("1900000000000000005", "@lea_75 Un autre message"),
        _brand_tweet("1900000000000000003", as_shown),
    ], "meta": {"result_count": 3}})
    found = _sender(mention).find_existing(ResponseFactory(mention=mention, text=TEXT), exclude=set())
    assert found == "1900000000000000003"
    assert http.request_history[0].qs["since_id"] == ["1800000000000000001"]


def test_find_existing_skips_replies_recorded_for_other_responses(http, mention):
    http.get(BRAND_TWEETS, json={"data": [_brand_tweet("1900000000000000003", TEXT)], "meta": {"result_count": 1}})
    reply = ResponseFactory(mention=mention, text=TEXT)
    assert _sender(mention).find_existing(reply, exclude={"1900000000000000003"}) is None


def test_find_existing_follows_pages_of_the_brands_posts(http, mention):
    http.get(BRAND_TWEETS, [
        {"json": {"data": [_brand_tweet("1900000000000000008", "Autre chose")], "meta": {"next_token": "P2"}}},
        {"json": {"data": [_brand_tweet("1900000000000000002", TEXT)], "meta": {}}},
    ])
    assert _sender(mention).find_existing(ResponseFactory(mention=mention, text=TEXT), exclude=set()) == "1900000000000000002"
    assert http.request_history[1].qs["pagination_token"] == ["p2"]


def test_find_existing_looks_for_a_direct_message_sent_by_the_brand(http, mention):
    http.get(DM_EVENTS, json={"data": [
        {"id": "700", "event_type": "MessageCreate", "text": TEXT, "sender_id": "100"},  # the customer, quoting us
        {"id": "701", "event_type": "MessageCreate", "text": TEXT, "sender_id": "1500000000000000001"},
    ], "meta": {"result_count": 2}})
    reply = ResponseFactory(mention=mention, text=TEXT, visibility=Visibility.PRIVATE)
    assert _sender(mention).find_existing(reply, exclude=set()) == "701"
    assert "sender_id" in http.request_history[0].qs["dm_event.fields"][0]


def test_a_direct_message_needs_to_know_the_author(db, mention):
    mention.author = None
    with pytest.raises(PlatformError, match="who wrote this post"):
        _sender(mention).check(mention=mention, visibility=Visibility.PRIVATE)
    _sender(mention).check(mention=mention, visibility=Visibility.PUBLIC)  # a public reply needs no author


def test_the_reply_text_is_sent_as_json_unchanged(http, mention):
    http.post(TWEETS, status_code=201, json={"data": {"id": "1", "text": "x"}})
    text = "Désolés 🙏 — on s'en occupe <maintenant>"
    _sender(mention).send(ResponseFactory(mention=mention, text=text))
    assert json.loads(http.request_history[0].body)["text"] == text
