"""A reply is never lost or stuck, under real faults: a real Celery worker process killed
with SIGKILL mid-send, our own Redis server stopped mid-send. Postgres, Redis and Celery are
real; X's API is a fake HTTP server on 127.0.0.1 that counts the replies posted to it."""

import pytest
from django.test import Client

from listening.choices import Platform, SourceKind
from responses.models import Response, ResponseStatus, Visibility
from responses.services import response_create
from responses.tasks import sweep_replies
from tests.factories import AuthorFactory, BrandFactory, CredentialFactory, MentionFactory, SourceFactory, UserFactory
from tests.responses.faults import FakeX, RedisServer, Worker, wait_for, web_uses

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
TEXT = "Bonjour Léa, un technicien passe demain matin. Nous restons joignables ici."


@pytest.fixture
def fake_x():
    fake = FakeX()
    yield fake
    fake.close()


def _redis(port):
    redis = RedisServer(port)
    redis.start()
    return redis


@pytest.fixture
def mentions(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@LumioFR")
    source = SourceFactory(brand=brand, kind=SourceKind.X_MENTIONS, target="@LumioFR",
                           credential=CredentialFactory(brand=brand, platform=Platform.TWITTER, name="@LumioFR"))
    return [MentionFactory(brand=brand, source=source, external_id=f"18000000000000000{n:02d}",
                           author=AuthorFactory(external_id=f"10{n}", handle=f"lea_{n}")) for n in range(2)]


def _status(response) -> str:
    return Response.objects.get(pk=response.pk).status


def test_a_worker_killed_mid_send_leaves_one_reply_on_x(mentions, fake_x, tmp_path):
    """The pool process dies after X stored the reply but before the answer came back: the
    task is redelivered, takes over the dead run's claim at once, finds the reply on X."""
    redis = _redis(6394)
    worker = Worker(redis=redis, fake_x=fake_x, log=tmp_path / "worker.log")
    try:
        with web_uses(redis):
            worker.start()
            fake_x.hold_next_post()
            response = response_create(mention=mentions[0], author=UserFactory(), text=TEXT,
                                       visibility=Visibility.PUBLIC)
            assert not response.queue_down
            wait_for(fake_x.holding.is_set, 60, "the reply to reach X")
            assert _status(response) == ResponseStatus.SENDING
            worker.kill_child()
            wait_for(lambda: _status(response) == ResponseStatus.SENT, 60, "the redelivered task")
    finally:
        worker.stop()
        redis.stop()
    sent = Response.objects.get(pk=response.pk)
    assert len(fake_x.replies_to(mentions[0].external_id)) == 1 == fake_x.posts
    assert sent.platform_reply_id == fake_x.tweets[0]["id"] and sent.attempts == 2


def test_a_whole_worker_killed_mid_send_is_resent_by_the_sweeper(mentions, fake_x, tmp_path, settings):
    """Main process and child killed: the message waits in Redis for an hour, but the reply's
    lease runs out and the sweeper queues it again; a new worker looks on X first."""
    redis = _redis(6394)
    lease = {"REPLY_SEND_LEASE_SECONDS": "3"}
    first = Worker(redis=redis, fake_x=fake_x, log=tmp_path / "first.log", env=lease)
    second = Worker(redis=redis, fake_x=fake_x, log=tmp_path / "second.log", env=lease)
    try:
        with web_uses(redis):
            first.start()
            fake_x.hold_next_post()
            response = response_create(mention=mentions[0], author=UserFactory(), text=TEXT,
                                       visibility=Visibility.PUBLIC)
            wait_for(fake_x.holding.is_set, 60, "the reply to reach X")
            first.kill()
            assert _status(response) == ResponseStatus.SENDING
            assert sweep_replies() == 0  # its lease still runs: the worker might only be slow
            second.start()
            wait_for(lambda: sweep_replies() == 1, 20, "the lease to run out")
            wait_for(lambda: _status(response) == ResponseStatus.SENT, 60, "the second worker")
    finally:
        first.kill()
        second.stop()
        redis.stop()
    assert len(fake_x.replies_to(mentions[0].external_id)) == 1 == fake_x.posts


def test_redis_stopped_mid_send_loses_no_reply_and_shows_no_error(mentions, fake_x, tmp_path, settings):
    """Redis dies while the worker posts a reply, and is still down when the agent sends the
    next one: the page says it will go when the queue is back; once Redis is back (empty),
    the sweeper sends it. Each mention gets exactly one reply on X."""
    settings.REPLY_QUEUE_GRACE_SECONDS = 2
    redis = _redis(6395)
    worker = Worker(redis=redis, fake_x=fake_x, log=tmp_path / "worker.log")
    agent = UserFactory(username="camille", role="Community manager")
    client = Client()
    client.force_login(agent)
    try:
        with web_uses(redis):
            worker.start()
            fake_x.hold_next_post()
            page = client.post(f"/mentions/{mentions[0].pk}/reply/", {"text": TEXT, "visibility": "public"},
                               follow=True)
            assert "Reply queued: it is being sent." in page.content.decode()
            wait_for(fake_x.holding.is_set, 60, "the reply to reach X")
            redis.stop()
            page = client.post(f"/mentions/{mentions[1].pk}/reply/", {"text": TEXT, "visibility": "public"},
                               follow=True)
            assert page.status_code == 200
            assert "will be sent when the queue is back" in page.content.decode()
            second = Response.objects.get(mention=mentions[1])
            assert second.status == ResponseStatus.QUEUED
            fake_x.release()  # X answers the first post; Redis is still down
            first = Response.objects.get(mention=mentions[0])
            wait_for(lambda: _status(first) == ResponseStatus.SENT, 30, "the first reply to be recorded")
            redis.start()  # back, empty: the queued task was lost with it
            wait_for(lambda: sweep_replies() == 1, 20, "the sweeper to queue the reply again")
            wait_for(lambda: _status(second) == ResponseStatus.SENT, 90, "the worker to reconnect and send it")
    finally:
        worker.stop()
        redis.stop()
    assert len(fake_x.replies_to(mentions[0].external_id)) == 1
    assert len(fake_x.replies_to(mentions[1].external_id)) == 1
