"""The reply row is the outbox: leases, the sweeper, takeover by a redelivered task, errors
nobody foresaw, a queue that can't be reached, and inline tasks (the demo's mode). Real
Postgres, Redis and Celery task code; X's and Facebook's HTTP APIs faked."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from config.celery import app as celery_app
from listening.choices import EventKind, Platform, SourceKind
from listening.models import Mention
from responses.models import Response, ResponseStatus, Visibility
from responses.services import response_create
from responses.sending import response_send, responses_sweep
from responses.tasks import response_enqueue
from tests.factories import (
    AuthorFactory, BrandFactory, CredentialFactory, MentionFactory, ResponseFactory, SourceFactory, UserFactory,
)

TWEETS = "https://api.twitter.com/2/tweets"
BRAND_TWEETS = "https://api.twitter.com/2/users/1500000000000000001/tweets"
GRAPH = "https://graph.facebook.com/v23.0"
COMMENT = "104857600000001_1_9"
TEXT = "Bonjour Léa, un technicien passe demain matin. Nous restons joignables ici."
CREATED = {"status_code": 201, "json": {"data": {"id": "1900000000000000001", "text": f"@lea_75 {TEXT}"}}}
ON_X = {"data": [{"id": "1900000000000000001", "text": f"@lea_75 {TEXT}",
                  "referenced_tweets": [{"type": "replied_to", "id": "1800000000000000001"}]}], "meta": {}}


@pytest.fixture
def agent(db):
    return UserFactory(username="camille", role="Community manager")


@pytest.fixture
def x_mention(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@LumioFR")
    source = SourceFactory(brand=brand, kind=SourceKind.X_MENTIONS, target="@LumioFR",
                           credential=CredentialFactory(brand=brand, platform=Platform.TWITTER, name="@LumioFR"))
    return MentionFactory(brand=brand, source=source, external_id="1800000000000000001",
                          author=AuthorFactory(external_id="100", handle="lea_75"))


def _posts(http, url=TWEETS):
    return [r for r in http.request_history if r.method == "POST" and r.url == url]


def _stale(**fields) -> dict:
    return {"lease_until": timezone.now() - timedelta(seconds=1), **fields}


def test_a_reply_whose_task_was_lost_is_sent_by_the_sweeper(http, x_mention, agent):
    http.post(TWEETS, **CREATED)
    waiting = ResponseFactory(mention=x_mention, author=agent, text=TEXT, **_stale())
    fresh = ResponseFactory(mention=MentionFactory(brand=x_mention.brand, source=x_mention.source), author=agent,
                            text="Autre", lease_until=timezone.now() + timedelta(minutes=1))
    assert responses_sweep(enqueue=response_enqueue) == 1
    assert Response.objects.get(pk=waiting.pk).status == ResponseStatus.SENT
    assert Response.objects.get(pk=fresh.pk).status == ResponseStatus.QUEUED  # its task may still come
    assert len(_posts(http)) == 1
    assert responses_sweep(enqueue=response_enqueue) == 0


def test_a_reply_left_sending_by_a_dead_worker_is_found_on_x_not_posted_again(http, x_mention, agent):
    # The worker counted its attempt, posted, and died before recording the answer.
    response = ResponseFactory(mention=x_mention, author=agent, text=TEXT, status=ResponseStatus.SENDING,
                               attempts=1, claimed_by="task-of-the-dead-worker", **_stale())
    http.get(BRAND_TWEETS, json=ON_X)
    http.post(TWEETS, **CREATED)
    assert responses_sweep(enqueue=response_enqueue) == 1
    response.refresh_from_db()
    assert (response.status, response.platform_reply_id) == ("sent", "1900000000000000001")
    assert _posts(http) == [] and x_mention.events.filter(kind=EventKind.REPLIED).count() == 1


def test_a_live_claim_holds_until_its_lease_runs_out_but_not_against_its_own_redelivery(http, x_mention, agent):
    http.get(BRAND_TWEETS, json=ON_X)
    response = ResponseFactory(mention=x_mention, author=agent, text=TEXT, status=ResponseStatus.SENDING, attempts=1,
                               claimed_by="task-1", lease_until=timezone.now() + timedelta(minutes=4))
    assert responses_sweep(enqueue=response_enqueue) == 0
    assert response_send(response=response, claim="task-2").status == ResponseStatus.SENDING  # a duplicate
    assert http.call_count == 0
    # The same task delivered again means its first run is gone: it takes over at once.
    assert response_send(response=response, claim="task-1").status == ResponseStatus.SENT
    assert _posts(http) == []


# Real commits in the view tests: the reply is sent when response_create commits, before the
# redirect is followed, as in production.
@pytest.mark.django_db(transaction=True)
def test_an_error_nobody_foresaw_ends_in_failed_with_a_reason_and_retry(client, http, x_mention, agent):
    http.post(TWEETS, exc=ZeroDivisionError("a bug"))
    client.force_login(agent)
    page = client.post(f"/mentions/{x_mention.pk}/reply/", {"text": TEXT, "visibility": "public"}, follow=True)
    assert page.status_code == 200
    response = Response.objects.get(mention=x_mention)
    assert response.status == ResponseStatus.FAILED and response.lease_until is None
    assert "something unexpected went wrong (ZeroDivisionError)" in response.error_message
    html = page.content.decode()
    assert "something unexpected went wrong" in html and f"/responses/{response.pk}/retry/" in html

    # It may have reached X: Retry looks there first.
    http.get(BRAND_TWEETS, json=ON_X)
    http.post(TWEETS, **CREATED)
    client.post(f"/responses/{response.pk}/retry/")
    response.refresh_from_db()
    assert response.status == ResponseStatus.SENT and _posts(http) == [_posts(http)[0]]


def test_redis_gone_while_sending_queues_the_reply_again(http, x_mention, agent, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)  # as in a worker
    from platforms.x import send as x_send

    def redis_down(platform):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(x_send, "quota_take", redis_down)
    response = ResponseFactory(mention=x_mention, author=agent, text=TEXT, **_stale())
    from responses.sending import ResponseSendLater

    with pytest.raises(ResponseSendLater):
        response_send(response=response)
    response.refresh_from_db()
    assert response.status == ResponseStatus.QUEUED and "Redis" in response.error_message
    assert response.lease_until > timezone.now()  # the sweeper takes it after the task's retry time
    assert http.call_count == 0


@pytest.mark.django_db(transaction=True)
def test_a_queue_that_cannot_be_reached_never_makes_a_server_error(client, http, x_mention, agent, monkeypatch):
    http.post(TWEETS, **CREATED)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:6395/0")  # nothing listens there
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    client.force_login(agent)
    page = client.post(f"/mentions/{x_mention.pk}/reply/", {"text": TEXT, "visibility": "public"}, follow=True)
    assert page.status_code == 200
    assert "Reply queued, will be sent when the queue is back" in page.content.decode()
    response = Response.objects.get(mention=x_mention)
    assert response.status == ResponseStatus.QUEUED and http.call_count == 0
    monkeypatch.undo()  # the queue is back
    celery_app._pool, celery_app.amqp._producer_pool = None, None
    Response.objects.filter(pk=response.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert responses_sweep(enqueue=response_enqueue) == 1
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.SENT and len(_posts(http)) == 1


@pytest.mark.django_db(transaction=True)
def test_inline_tasks_never_show_a_retry_as_a_page_error(client, http, agent, fb_source):
    """The demo's mode (no Redis): tasks run inline and errors reach the caller. A transient
    failure ends the reply as failed with its reason, and the private channel stays free."""
    assert celery_app.conf.task_eager_propagates
    http.post(f"{GRAPH}/104857600000001/messages", status_code=503, json={"error": {"message": "Service down"}})
    mention = MentionFactory(brand=fb_source.brand, source=fb_source, platform=Platform.FACEBOOK, external_id=COMMENT,
                             in_reply_to_id="104857600000001_1", conversation_id="104857600000001_1")
    client.force_login(agent)
    page = client.post(f"/mentions/{mention.pk}/reply/", {"text": TEXT, "visibility": "private"}, follow=True)
    assert page.status_code == 200
    response = Response.objects.get(mention=mention)
    assert response.status == ResponseStatus.FAILED and "use Retry" in response.error_message
    html = page.content.decode()
    assert "Retry" in html and "already has a private reply" not in html
    assert Mention.objects.get(pk=mention.pk).first_response_at is None


def test_a_reply_queued_before_the_outbox_existed_is_picked_up(http, x_mention, agent):
    http.post(TWEETS, **CREATED)
    response = ResponseFactory(mention=x_mention, author=agent, text=TEXT, lease_until=None)
    assert responses_sweep(enqueue=response_enqueue) == 1
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.SENT


def test_creating_a_reply_gives_it_a_lease(x_mention, agent):
    before = timezone.now()
    response = response_create(mention=x_mention, author=agent, text=TEXT, visibility=Visibility.PUBLIC)
    assert response.lease_until >= before + timedelta(seconds=60)
