"""Sending a reply exactly once: the services and the task together, on the real database,
Redis and Celery task code, with X's and Facebook's HTTP APIs faked."""

import threading

import pytest
import requests
import requests_mock
from django.db import connection

from config.celery import app as celery_app

from listening.choices import EventKind, Platform, SourceKind, SourceState, Status
from listening.models import Credential, Mention
from responses.models import Response, ResponseChannel, ResponseStatus, Visibility
from responses.services import ResponseError, response_create, response_retry
from responses.sending import response_record_external, response_send
from responses.tasks import SEND_MAX_RETRIES, send_response
from tests.factories import (
    AuthorFactory, BrandFactory, CredentialFactory, MentionFactory, ResponseFactory, SourceFactory, UserFactory,
)

TWEETS = "https://api.twitter.com/2/tweets"
BRAND_TWEETS = "https://api.twitter.com/2/users/1500000000000000001/tweets"
GRAPH = "https://graph.facebook.com/v23.0"
COMMENT = "104857600000001_1_9"
JSON = {"Content-Type": "application/json; charset=UTF-8"}
TEXT = "Bonjour Léa, un technicien passe demain matin. Nous restons joignables ici."
CREATED = {"status_code": 201, "json": {"data": {"id": "1900000000000000001", "text": f"@lea_75 {TEXT}"}}}


@pytest.fixture
def http():
    with requests_mock.Mocker() as mock:
        yield mock


@pytest.fixture(autouse=True)
def _retries_run_again(monkeypatch):
    """As in a worker, a task's retry runs the task again (here at once, inline) instead of
    reaching the caller as an exception."""
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)


@pytest.fixture
def agent(db):
    return UserFactory(username="camille")


@pytest.fixture
def x_mention(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@LumioFR")
    source = SourceFactory(brand=brand, kind=SourceKind.X_MENTIONS, target="@LumioFR",
                           credential=CredentialFactory(brand=brand, platform=Platform.TWITTER, name="@LumioFR"))
    return MentionFactory(brand=brand, source=source, external_id="1800000000000000001",
                          author=AuthorFactory(external_id="100", handle="lea_75"))


@pytest.fixture
def fb_mention(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="104857600000001")
    source = SourceFactory(brand=brand, kind=SourceKind.FACEBOOK_PAGE, target="104857600000001",
                           credential=CredentialFactory(brand=brand, platform=Platform.FACEBOOK, name="Page Lumio"))
    return MentionFactory(brand=brand, source=source, platform=Platform.FACEBOOK, external_id=COMMENT,
                          in_reply_to_id="104857600000001_1", conversation_id="104857600000001_1")


def _reply(mention, agent, text=TEXT, visibility=Visibility.PUBLIC, capture=None) -> Response:
    """What the composer does: record the reply; the send task runs when the transaction commits."""
    with capture(execute=True):
        response = response_create(mention=mention, author=agent, text=text, visibility=visibility)
    response.refresh_from_db()
    return response


def _posts(http, url=TWEETS):
    return [r for r in http.request_history if r.method == "POST" and r.url == url]


def test_a_reply_is_sent_once_and_counts_as_the_first_response(http, x_mention, agent,
                                                               django_capture_on_commit_callbacks):
    http.post(TWEETS, **CREATED)
    response = _reply(x_mention, agent, capture=django_capture_on_commit_callbacks)
    assert (response.status, response.platform_reply_id, response.attempts) == ("sent", "1900000000000000001", 1)
    assert len(_posts(http)) == 1
    mention = Mention.objects.get(pk=x_mention.pk)
    assert mention.first_response_at == response.sent_at and mention.status == Status.OPEN
    replied = mention.events.filter(kind=EventKind.REPLIED).get()
    assert replied.actor == agent and replied.data["response"] == response.pk


def test_a_timeout_then_a_retry_that_finds_the_reply_posts_it_once(http, x_mention, agent,
                                                                   django_capture_on_commit_callbacks):
    # The POST reached X but the answer never came back; the retry finds the reply on X.
    http.post(TWEETS, exc=requests.exceptions.ReadTimeout)
    http.get(BRAND_TWEETS, json={"data": [{"id": "1900000000000000001", "text": f"@lea_75 {TEXT}", "referenced_tweets": [
        {"type": "replied_to", "id": "1800000000000000001"}]}], "meta": {"result_count": 1}})
    response = _reply(x_mention, agent, capture=django_capture_on_commit_callbacks)
    assert (response.status, response.platform_reply_id, response.attempts) == ("sent", "1900000000000000001", 2)
    assert len(_posts(http)) == 1
    assert Response.objects.filter(mention=x_mention).count() == 1
    assert x_mention.events.filter(kind=EventKind.REPLIED).count() == 1


def test_a_timeout_that_never_reached_x_is_posted_on_retry(http, x_mention, agent, django_capture_on_commit_callbacks):
    http.post(TWEETS, [{"exc": requests.exceptions.ConnectTimeout}, CREATED])
    http.get(BRAND_TWEETS, json={"meta": {"result_count": 0}})
    response = _reply(x_mention, agent, capture=django_capture_on_commit_callbacks)
    assert response.status == "sent" and len(_posts(http)) == 2
    assert [r.method for r in http.request_history] == ["POST", "GET", "POST"]  # it looked before posting again


def test_a_reply_x_forbids_fails_with_xs_reason_and_can_be_retried(http, x_mention, agent,
                                                                   django_capture_on_commit_callbacks):
    http.post(TWEETS, status_code=403, json={"title": "Forbidden", "status": 403, "detail": (
        "Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by "
        "the author of the post you are replying to.")})
    response = _reply(x_mention, agent, capture=django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.FAILED
    assert "limited replies to people they mentioned" in response.error_message
    assert "you have not been mentioned" in response.error_message
    assert Mention.objects.get(pk=x_mention.pk).first_response_at is None

    http.post(TWEETS, **CREATED)
    http.get(BRAND_TWEETS, json={"meta": {"result_count": 0}})
    with django_capture_on_commit_callbacks(execute=True):
        response_retry(response=response, actor=agent)
    response.refresh_from_db()
    assert (response.status, response.error_message) == ("sent", "")


def test_an_expired_x_token_fails_the_reply_and_blocks_the_next_one(http, x_mention, agent,
                                                                     django_capture_on_commit_callbacks):
    http.post(TWEETS, status_code=401, json={"title": "Unauthorized", "status": 401, "detail": "Unauthorized"})
    response = _reply(x_mention, agent, capture=django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.FAILED and "new access tokens" in response.error_message
    credential = Credential.objects.get(pk=x_mention.source.credential_id)
    assert not credential.is_valid and credential.invalid_reason == response.error_message
    calls = http.call_count
    with pytest.raises(ResponseError, match="needs to be re-authorized"):
        response_create(mention=x_mention, author=agent, text="Autre réponse", visibility=Visibility.PUBLIC)
    with pytest.raises(ResponseError, match="needs to be re-authorized"):
        response_retry(response=response, actor=agent)
    assert http.call_count == calls


def test_an_expired_page_token_fails_the_reply(http, fb_mention, agent, django_capture_on_commit_callbacks):
    http.post(f"{GRAPH}/{COMMENT}/comments", status_code=400, headers=JSON, json={"error": {
        "message": "Error validating access token", "type": "OAuthException", "code": 190, "error_subcode": 463}})
    response = _reply(fb_mention, agent, capture=django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.FAILED and "new Page access token" in response.error_message
    assert not Credential.objects.get(pk=fb_mention.source.credential_id).is_valid


def test_a_facebook_reply_is_sent(http, fb_mention, agent, django_capture_on_commit_callbacks):
    http.post(f"{GRAPH}/{COMMENT}/comments", headers=JSON, json={"id": f"{COMMENT}_20"})
    response = _reply(fb_mention, agent, capture=django_capture_on_commit_callbacks)
    assert (response.status, response.platform_reply_id) == ("sent", f"{COMMENT}_20")


def test_a_facebook_timeout_then_a_retry_that_finds_the_comment_posts_it_once(http, fb_mention, agent,
                                                                              django_capture_on_commit_callbacks):
    # The comment was made but Facebook's answer was lost; the retry reads the comments first.
    http.post(f"{GRAPH}/{COMMENT}/comments", exc=requests.exceptions.ReadTimeout)
    http.get(f"{GRAPH}/{COMMENT}/comments", headers=JSON, json={"data": [
        {"id": f"{COMMENT}_5", "message": "Un autre client", "from": {"id": "555"}},
        {"id": f"{COMMENT}_20", "message": TEXT, "from": {"id": "104857600000001"}}]})
    response = _reply(fb_mention, agent, capture=django_capture_on_commit_callbacks)
    assert (response.status, response.platform_reply_id, response.attempts) == ("sent", f"{COMMENT}_20", 2)
    assert len(_posts(http, f"{GRAPH}/{COMMENT}/comments")) == 1
    assert fb_mention.events.filter(kind=EventKind.REPLIED).count() == 1


def test_a_facebook_private_reply_lost_in_a_timeout_is_found_not_sent_again(http, fb_mention, agent,
                                                                           django_capture_on_commit_callbacks):
    page = "104857600000001"
    http.post(f"{GRAPH}/{page}/messages", exc=requests.exceptions.ReadTimeout)
    http.get(f"{GRAPH}/{COMMENT}", headers=JSON, json={"id": COMMENT, "private_reply_conversation": {"id": "t_7"}})
    http.get(f"{GRAPH}/t_7/messages", headers=JSON, json={"data": [
        {"id": "m_1", "message": TEXT, "from": {"id": page}}]})
    response = _reply(fb_mention, agent, visibility=Visibility.PRIVATE, capture=django_capture_on_commit_callbacks)
    assert (response.status, response.platform_reply_id) == ("sent", "m_1")
    assert len(_posts(http, f"{GRAPH}/{page}/messages")) == 1


def test_the_composer_says_why_a_second_private_facebook_reply_is_blocked(fb_mention, agent):
    from responses.composing import composer_context

    private = lambda: next(v for v in composer_context(mention=fb_mention, agent=agent)["visibilities"]  # noqa: E731
                           if v["value"] == Visibility.PRIVATE)
    assert private()["blocked"] == ""
    response_create(mention=fb_mention, author=agent, text=TEXT, visibility=Visibility.PRIVATE)
    assert "only one per comment" in private()["blocked"]


def test_an_invalid_credential_blocks_sending_before_any_request(http, x_mention, agent):
    Credential.objects.filter(pk=x_mention.source.credential_id).update(
        is_valid=False, invalid_reason="X refused the credential (401).")
    with pytest.raises(ResponseError) as caught:
        response_create(mention=x_mention, author=agent, text=TEXT, visibility=Visibility.PUBLIC)
    assert "“@LumioFR” needs to be re-authorized" in str(caught.value) and "(401)" in str(caught.value)
    # A reply queued before the credential broke fails with the same reason, without a request.
    response = ResponseFactory(mention=x_mention, author=agent, text=TEXT)
    assert response_send(response=response).status == ResponseStatus.FAILED
    assert "needs to be re-authorized" in Response.objects.get(pk=response.pk).error_message
    assert http.call_count == 0


def test_a_source_waiting_for_reauthorization_blocks_sending(http, x_mention, agent):
    x_mention.source.state, x_mention.source.last_error = SourceState.NEEDS_REAUTH, "X refused the token (401)."
    x_mention.source.save()
    with pytest.raises(ResponseError, match="needs to be re-authorized"):
        response_create(mention=x_mention, author=agent, text=TEXT, visibility=Visibility.PUBLIC)
    assert http.call_count == 0


def test_blog_posts_cannot_be_answered_from_ecoute(db, agent):
    mention = MentionFactory(platform=Platform.BLOG, external_id="https://blog.example/p/1", author=None)
    with pytest.raises(ResponseError, match="reply on the blog itself"):
        response_create(mention=mention, author=agent, text=TEXT, visibility=Visibility.PUBLIC)


def test_bad_input_gets_a_clear_error(x_mention, agent):
    with pytest.raises(ResponseError, match="Write the reply"):
        response_create(mention=x_mention, author=agent, text="   ", visibility=Visibility.PUBLIC)
    with pytest.raises(ResponseError, match="Unknown visibility: shout"):
        response_create(mention=x_mention, author=agent, text=TEXT, visibility="shout")


def test_a_double_click_queues_one_reply(x_mention, agent):
    response_create(mention=x_mention, author=agent, text=TEXT, visibility=Visibility.PUBLIC)
    with pytest.raises(ResponseError, match="already queued or sent"):
        response_create(mention=x_mention, author=agent, text=f" {TEXT} ", visibility=Visibility.PUBLIC)
    assert Response.objects.filter(mention=x_mention).count() == 1


def test_facebook_allows_one_private_reply_per_comment(fb_mention, agent):
    response_create(mention=fb_mention, author=agent, text=TEXT, visibility=Visibility.PRIVATE)
    with pytest.raises(ResponseError, match="only one per comment"):
        response_create(mention=fb_mention, author=agent, text="Autre texte", visibility=Visibility.PRIVATE)


def test_the_task_delivered_twice_posts_once(http, x_mention, agent):
    http.post(TWEETS, **CREATED)
    response = ResponseFactory(mention=x_mention, author=agent, text=TEXT)
    assert send_response.delay(response.pk).get() == "sent"
    assert send_response.delay(response.pk).get() == "sent"
    assert len(_posts(http)) == 1 and x_mention.events.filter(kind=EventKind.REPLIED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_task_delivered_twice_at_the_same_time_posts_once(http, x_mention, agent):
    posting, release = threading.Event(), threading.Event()

    def slow_x(request, context):
        posting.set()
        release.wait(10)
        context.status_code = 201
        return CREATED["json"]

    http.post(TWEETS, json=slow_x)
    response = ResponseFactory(mention=x_mention, author=agent, text=TEXT)
    results = []

    def worker():
        try:
            results.append(send_response.delay(response.pk).get(disable_sync_subtasks=False))
        finally:
            connection.close()

    first = threading.Thread(target=worker)
    first.start()
    assert posting.wait(10)
    second = send_response.delay(response.pk).get(disable_sync_subtasks=False)  # while the first is mid-request
    release.set()
    first.join(10)
    assert (results, second) == (["sent"], "sending")
    assert len(_posts(http)) == 1
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.SENT


def test_redelivered_after_the_worker_died_mid_request_it_looks_first(http, x_mention, agent):
    # The worker counted its attempt, posted, and died before recording the result.
    response = ResponseFactory(mention=x_mention, author=agent, text=TEXT, status=ResponseStatus.SENDING, attempts=1)
    http.get(BRAND_TWEETS, json={"data": [{"id": "1900000000000000001", "text": TEXT, "referenced_tweets": [
        {"type": "replied_to", "id": "1800000000000000001"}]}], "meta": {}})
    http.post(TWEETS, **CREATED)
    assert send_response.delay(response.pk).get() == "sent"
    assert _posts(http) == []


def test_transient_failures_end_in_failed_with_the_reason(http, x_mention, agent, django_capture_on_commit_callbacks):
    http.post(TWEETS, status_code=503, json={"title": "Service Unavailable"})
    http.get(BRAND_TWEETS, json={"meta": {"result_count": 0}})
    response = _reply(x_mention, agent, capture=django_capture_on_commit_callbacks)
    assert response.status == ResponseStatus.FAILED
    assert len(_posts(http)) == SEND_MAX_RETRIES + 1 == response.attempts
    assert "X had a server error (503)." in response.error_message and "use Retry" in response.error_message


def test_a_poll_seeing_the_reply_first_records_it_once(http, x_mention, agent):
    # The POST timed out; before the retry, a poll sees the brand's reply on X.
    response = ResponseFactory(mention=x_mention, author=agent, text=TEXT, status=ResponseStatus.QUEUED, attempts=1)
    recorded = response_record_external(mention=x_mention, text=f"@lea_75 {TEXT}",
                                        platform_reply_id="1900000000000000001", sent_at=x_mention.posted_at)
    assert recorded.pk == response.pk and recorded.channel == ResponseChannel.ECOUTE
    assert send_response.delay(response.pk).get() == "sent"  # the late task changes nothing
    assert http.call_count == 0
    assert Response.objects.filter(mention=x_mention).count() == 1
    assert x_mention.events.filter(kind=EventKind.REPLIED).count() == 1


def test_a_reply_posted_directly_on_x_is_still_recorded_as_its_own_response(x_mention):
    recorded = response_record_external(mention=x_mention, text="Réponse écrite sur X", platform_reply_id="1901",
                                        sent_at=x_mention.posted_at)
    assert recorded.channel == ResponseChannel.PLATFORM and recorded.status == ResponseStatus.SENT
    assert response_record_external(mention=x_mention, text="Réponse écrite sur X", platform_reply_id="1901",
                                    sent_at=x_mention.posted_at) is None
