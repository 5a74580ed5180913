"""Replies on Instagram, with the Graph API faked at the HTTP layer (facebook-sdk runs its
real code), through the same services and task as the composer."""

import json
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import requests
from django.utils import timezone

from config.celery import app as celery_app
from listening.choices import EventKind, Platform
from listening.models import Author, Credential
from platforms.errors import PlatformError
from responses.composing import composer_context
from responses.models import Response, ResponseStatus, Visibility
from responses.senders import sender_for
from responses.services import ResponseError, response_create
from tests.factories import MentionFactory, ResponseFactory, UserFactory
from tests.platforms.instagram.fakes import (
    ACCOUNT,
    GRAPH,
    JSON,
    MEDIA,
    USERNAME,
    graph_error,
)

COMMENT = "17800000000000001"
TEXT = "Bonjour Léa, un technicien passe demain matin à Lille. Nous restons joignables ici 💙"


@pytest.fixture(autouse=True)
def _retries_run_again(monkeypatch):
    """As in a worker, the send task's retry runs it again (inline) instead of raising."""
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)


@pytest.fixture
def agent(db):
    return UserFactory(username="camille")


def _mention(source, external_id=COMMENT, in_reply_to_id=MEDIA, kind="comment", **extra):
    raw = {"ig_kind": kind, "media_id": MEDIA, "from": {"id": "9001", "username": "lea_75"},
           **extra.pop("raw", {})}
    return MentionFactory(brand=source.brand, source=source, platform=Platform.INSTAGRAM, external_id=external_id,
                          in_reply_to_id=in_reply_to_id, conversation_id=MEDIA, raw=raw,
                          author=Author.objects.get_or_create(platform=Platform.INSTAGRAM, external_id="lea_75",
                                                              defaults={"handle": "lea_75"})[0],
                          **extra)


def _form(request) -> dict:
    return {key: values[0] for key, values in parse_qs(request.text).items()}


def _reply(mention, agent, capture, text=TEXT, visibility=Visibility.PUBLIC) -> Response:
    with capture(execute=True):
        response = response_create(mention=mention, author=agent, text=text, visibility=visibility)
    response.refresh_from_db()
    return response


class FakeInstagram:
    """The replies Instagram holds under one comment. A POST may reach Instagram and still
    lose its answer (a read timeout): the reply exists, the caller doesn't know."""

    def __init__(self, http, url):
        self.replies, self.lose_answers = [], 0
        http.post(url, json=self.create, headers=JSON)
        http.get(url, json=self.list, headers=JSON)

    def create(self, request, context):
        reply = {"id": f"1780000000000{len(self.replies) + 100:04d}", "text": _form(request)["message"],
                 "username": USERNAME, "from": {"id": ACCOUNT, "username": USERNAME}, "user": {"id": ACCOUNT}}
        self.replies.append(reply)
        if self.lose_answers:
            self.lose_answers -= 1
            raise requests.exceptions.ReadTimeout("Instagram took too long to answer")
        return {"id": reply["id"]}

    def list(self, request, context):
        customer = {"id": "17800000000000900", "text": TEXT, "username": "lea_75", "from": {"id": "9001"}}
        return {"data": [customer, *self.replies]}  # the customer quoting us is not our reply


def test_a_public_reply_to_a_comment_goes_under_it(http, ig_source, agent, django_capture_on_commit_callbacks):
    fake = FakeInstagram(http, f"{GRAPH}/{COMMENT}/replies")
    response = _reply(_mention(ig_source), agent, django_capture_on_commit_callbacks)
    assert (response.status, response.platform_reply_id) == (ResponseStatus.SENT, fake.replies[0]["id"])
    assert fake.replies[0]["text"] == TEXT and "access_token=EAAB-ig-page" in http.request_history[0].text


def test_a_timeout_then_a_retry_leaves_exactly_one_reply_on_instagram(http, ig_source, agent,
                                                                      django_capture_on_commit_callbacks):
    fake = FakeInstagram(http, f"{GRAPH}/{COMMENT}/replies")
    fake.lose_answers = 1
    mention = _mention(ig_source)
    response = _reply(mention, agent, django_capture_on_commit_callbacks)
    assert len(fake.replies) == 1
    assert (response.status, response.platform_reply_id, response.attempts) == ("sent", fake.replies[0]["id"], 2)
    assert [r.method for r in http.request_history] == ["POST", "GET"]  # the retry looked, found it, posted nothing
    assert mention.events.filter(kind=EventKind.REPLIED).count() == 1


def test_a_timeout_before_instagram_got_the_reply_is_posted_once_on_retry(http, ig_source, agent,
                                                                          django_capture_on_commit_callbacks):
    url = f"{GRAPH}/{COMMENT}/replies"
    fake = FakeInstagram(http, url)
    http.post(url, [{"exc": requests.exceptions.ConnectTimeout}, {"json": fake.create, "headers": JSON}])
    response = _reply(_mention(ig_source), agent, django_capture_on_commit_callbacks)
    assert response.status == "sent" and len(fake.replies) == 1
    assert [r.method for r in http.request_history] == ["POST", "GET", "POST"]


def test_a_reply_to_a_reply_goes_under_its_top_level_comment(http, ig_source):
    mention = _mention(ig_source, external_id="17800000000000002", in_reply_to_id=COMMENT)
    http.post(f"{GRAPH}/{COMMENT}/replies", json={"id": "17800000000000200"}, headers=JSON)
    assert sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT)) == "17800000000000200"


def test_a_mention_in_someone_elses_comment_is_answered_through_mentions(http, ig_source):
    mention = _mention(ig_source, external_id="17800000000000301", kind="mentioned_comment")
    http.post(f"{GRAPH}/{ACCOUNT}/mentions", json={"id": "17800000000000302"}, headers=JSON)
    assert sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT)) == "17800000000000302"
    assert _form(http.request_history[0]) | {"access_token": ""} == {
        "media_id": MEDIA, "comment_id": "17800000000000301", "message": TEXT, "access_token": ""}


def test_a_mention_in_a_caption_is_answered_with_a_comment_on_the_media(http, ig_source):
    mention = _mention(ig_source, external_id=MEDIA, in_reply_to_id="", kind="mentioned_media")
    http.post(f"{GRAPH}/{ACCOUNT}/mentions", json={"id": "17800000000000303"}, headers=JSON)
    sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT))
    assert "comment_id" not in _form(http.request_history[0]) and _form(http.request_history[0])["media_id"] == MEDIA


def test_a_private_reply_is_one_instagram_message_to_the_commenter(http, ig_source, agent,
                                                                   django_capture_on_commit_callbacks):
    http.post(f"{GRAPH}/me/messages", json={"recipient_id": "9001", "message_id": "aWdfZAG06MTpJR01lc3NhZA"},
              headers=JSON)
    mention = _mention(ig_source)
    response = _reply(mention, agent, django_capture_on_commit_callbacks, visibility=Visibility.PRIVATE)
    assert (response.status, response.platform_reply_id) == ("sent", "aWdfZAG06MTpJR01lc3NhZA")
    form = _form(http.request_history[0])
    assert json.loads(form["recipient"]) == {"comment_id": COMMENT} and json.loads(form["message"]) == {"text": TEXT}
    with pytest.raises(ResponseError, match="only one"):
        response_create(mention=mention, author=agent, text="Autre chose", visibility=Visibility.PRIVATE)


def test_a_private_reply_lost_in_a_timeout_is_found_in_the_conversation(http, ig_source, agent,
                                                                        django_capture_on_commit_callbacks):
    http.post(f"{GRAPH}/me/messages", exc=requests.exceptions.ReadTimeout)
    http.get(f"{GRAPH}/me/conversations", json={"data": [{"id": "aWdfZAG06MTpJR0NvbnZl", "updated_time": "x"}]},
             headers=JSON)
    http.get(f"{GRAPH}/aWdfZAG06MTpJR0NvbnZl/messages", headers=JSON, json={"data": [
        {"id": "m_2", "message": "Merci", "from": {"id": "9001", "username": "lea_75"}},
        {"id": "m_1", "message": TEXT, "from": {"id": ACCOUNT, "username": USERNAME}}]})
    response = _reply(_mention(ig_source), agent, django_capture_on_commit_callbacks, visibility=Visibility.PRIVATE)
    assert (response.status, response.platform_reply_id) == ("sent", "m_1")
    assert len([r for r in http.request_history if r.method == "POST"]) == 1
    assert http.request_history[1].qs["user_id"] == ["9001"] and http.request_history[1].qs["platform"] == ["instagram"]


def test_where_instagram_accepts_no_reply_the_composer_says_why(db, ig_source, agent):
    def blocked(mention):
        return {v["value"]: v["blocked"] for v in composer_context(mention=mention, agent=agent)["visibilities"]}

    old = blocked(_mention(ig_source, posted_at=timezone.now() - timedelta(days=8)))
    assert old["public"] == "" and "within 7 days" in old["private"]
    tagged = blocked(_mention(ig_source, external_id="17900000000000201", in_reply_to_id="", kind="tagged_media"))
    assert "only tagged in" in tagged["public"] and "comment under the account's own posts" in tagged["private"]
    hidden = blocked(_mention(ig_source, external_id="17800000000000401", raw={"hidden": True}))
    assert "hidden on Instagram" in hidden["public"] and hidden["private"] == ""
    limits = {v["value"]: v["limit"] for v in composer_context(mention=_mention(ig_source, external_id="5"),
                                                               agent=agent)["visibilities"]}
    assert limits == {"public": 2200, "private": 1000}


def test_a_reply_longer_than_instagram_allows_is_refused_before_sending(http, ig_source, agent):
    with pytest.raises(ResponseError, match="2200"):
        response_create(mention=_mention(ig_source), author=agent, text="é" * 2201, visibility=Visibility.PUBLIC)
    assert http.call_count == 0


def test_a_deleted_comment_fails_the_reply_in_plain_words(http, ig_source, agent, django_capture_on_commit_callbacks):
    http.post(f"{GRAPH}/{COMMENT}/replies", status_code=400, headers=JSON,
              json=graph_error(100, 33, message="Unsupported post request. Object with ID does not exist"))
    response = _reply(_mention(ig_source), agent, django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.FAILED and "no longer exists" in response.error_message


def test_an_expired_token_fails_the_reply_and_invalidates_the_credential(http, ig_source, agent,
                                                                          django_capture_on_commit_callbacks):
    http.post(f"{GRAPH}/{COMMENT}/replies", status_code=400, headers=JSON, json=graph_error(190, 460))
    response = _reply(_mention(ig_source), agent, django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.FAILED and "(error 190/460)" in response.error_message
    assert not Credential.objects.get(pk=ig_source.credential_id).is_valid


def test_a_rate_limited_send_is_transient_and_says_when_access_returns(http, ig_source):
    usage = {ACCOUNT: [{"type": "instagram", "call_count": 100, "estimated_time_to_regain_access": 5}]}
    http.post(f"{GRAPH}/{COMMENT}/replies", status_code=400, json=graph_error(80002),
              headers={**JSON, "X-Business-Use-Case-Usage": json.dumps(usage)})
    mention = _mention(ig_source)
    with pytest.raises(PlatformError) as caught:
        sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT))
    assert not caught.value.permanent
    assert timedelta(minutes=4) < caught.value.retry_at - timezone.now() <= timedelta(minutes=5)
