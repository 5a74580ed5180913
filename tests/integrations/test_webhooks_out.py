"""Outgoing webhooks against a real HTTP receiver on 127.0.0.1: signed bodies, retries with one
delivery per event id, turning off after repeated failures, and the events the services publish."""

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from accounts import roles
from complaints.services import mention_assign, mention_label_correct, mention_status_set
from core import events
from integrations import services
from integrations.models import Delivery, DeliveryStatus, Subscription, SubscriptionFormat
from listening.ingestion import mention_ingest
from platforms.normalized import NormalizedMention
from tests.accounts.factories import UserFactory
from tests.integrations.factories import SubscriptionFactory
from tests.listening.factories import BrandFactory, MentionFactory

SECRET = "whsec-test-0123456789"


class Receiver:
    """A webhook receiver on 127.0.0.1 that records what it gets; `slow` event ids make it hang
    (past Écoute's timeout) the first time they arrive, `status` is what it answers."""

    def __init__(self):
        self.received, self.slow, self.status, self.seen = [], set(), 200, set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                delivery = self.headers.get("X-Ecoute-Delivery")
                outer.received.append({"headers": dict(self.headers), "body": body})
                if delivery in outer.slow and delivery not in outer.seen:
                    outer.seen.add(delivery)
                    time.sleep(1.5)
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def quick_timeout(monkeypatch):
    monkeypatch.setattr(services, "TIMEOUT", (1, 0.5))


@pytest.fixture
def brand(db):
    return BrandFactory(name="Lumio", slug="lumio")


def _subscribe(brand, receiver, event_types, **extra):
    return SubscriptionFactory(brand=brand, url=receiver.url, events=list(event_types), secret=SECRET, **extra)


def _send_all():
    for delivery_id in services.deliveries_due():
        services.delivery_send(delivery_id=delivery_id)


def _verified(request) -> dict:
    """What a receiver does: check the timestamp is fresh and the HMAC matches, then read."""
    parts = dict(item.split("=", 1) for item in request["headers"]["X-Ecoute-Signature"].split(","))
    assert abs(time.time() - int(parts["t"])) < 300
    expected = hmac.new(SECRET.encode(), f"{parts['t']}.".encode() + request["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, parts["v1"])
    return json.loads(request["body"])


def test_a_label_correction_is_delivered_signed_with_a_versioned_body(brand, receiver):
    _subscribe(brand, receiver, [events.MENTION_LABEL_CORRECTED])
    mention = MentionFactory(brand=brand, text="Still no signal in Lille")
    mention_label_correct(mention=mention, label="question", actor=UserFactory(role=roles.COMMUNITY_MANAGER))
    _send_all()
    assert len(receiver.received) == 1
    body = _verified(receiver.received[0])
    assert body["version"] == 1 and body["type"] == "mention.label_corrected"
    assert body["brand"]["slug"] == "lumio" and body["mention"]["id"] == mention.pk
    assert body["mention"]["label"] == "question"
    assert receiver.received[0]["headers"]["X-Ecoute-Delivery"] == body["id"]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == (DeliveryStatus.DELIVERED, 200, 1)
    tampered = dict(receiver.received[0], body=receiver.received[0]["body"].replace(b"question", b"praise"))
    with pytest.raises(AssertionError):
        _verified(tampered)


def test_a_receiver_that_times_out_gets_a_retry_and_one_delivery_per_event(brand, receiver):
    _subscribe(brand, receiver, [events.MENTION_RESOLVED])
    mention = MentionFactory(brand=brand)
    mention_status_set(mention=mention, status="resolved", actor=None)
    delivery = Delivery.objects.get()
    receiver.slow.add(str(delivery.event_id))
    _send_all()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING and "did not answer" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    _send_all()
    _send_all()  # nothing left to send
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert {r["headers"]["X-Ecoute-Delivery"] for r in receiver.received} == {str(delivery.event_id)}
    assert Delivery.objects.count() == 1


def test_an_event_told_twice_is_delivered_once(brand, receiver):
    _subscribe(brand, receiver, [events.SLA_BREACHED])
    mention = MentionFactory(brand=brand)
    event = events.Event(type=events.SLA_BREACHED, brand_id=brand.pk, mention_id=mention.pk,
                         key=f"sla-breach:{mention.pk}:first_response")
    events.publish([event])
    events.publish([event])
    _send_all()
    assert Delivery.objects.count() == 1 and len(receiver.received) == 1


def test_a_failing_receiver_is_turned_off_and_the_brand_admins_are_told(brand, receiver, monkeypatch, settings):
    monkeypatch.setattr(services, "DISABLE_AFTER_FAILURES", 3)
    receiver.status = 500
    admin = UserFactory(email="alex@lumio.example", teams={brand: roles.ADMIN})
    UserFactory(email="other@brand.example", teams={BrandFactory(): roles.ADMIN})
    subscription = _subscribe(brand, receiver, [events.MENTION_ASSIGNED])
    agent = UserFactory(role=roles.COMMUNITY_MANAGER)
    for _ in range(3):
        mention_assign(mention=MentionFactory(brand=brand), assignee=agent, actor=agent)
    _send_all()
    subscription.refresh_from_db()
    assert not subscription.is_active and "HTTP 500" in subscription.disabled_reason
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "Webhook turned off" in mail.outbox[0].subject
    mention_assign(mention=MentionFactory(brand=brand), assignee=agent, actor=agent)
    assert Delivery.objects.count() == 3  # an inactive subscription records nothing new


def test_deliveries_give_up_after_the_last_attempt(brand, receiver, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTEMPTS", 2)
    receiver.status = 503
    _subscribe(brand, receiver, [events.MENTION_CREATED])
    events.publish([events.Event(type=events.MENTION_CREATED, brand_id=brand.pk,
                                 mention_id=MentionFactory(brand=brand).pk)])
    for _ in range(3):
        Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        _send_all()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.GAVE_UP, 2, 503)
    assert len(receiver.received) == 2


def test_a_sending_left_by_a_dead_worker_is_sent_again_after_its_lease(brand, receiver):
    _subscribe(brand, receiver, [events.MENTION_CREATED])
    events.publish([events.Event(type=events.MENTION_CREATED, brand_id=brand.pk,
                                 mention_id=MentionFactory(brand=brand).pk)])
    Delivery.objects.update(status=DeliveryStatus.SENDING, attempts=1,
                            next_attempt_at=timezone.now() + services.LEASE)
    _send_all()
    assert receiver.received == []  # still leased to the worker
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    _send_all()
    assert len(receiver.received) == 1 and Delivery.objects.get().status == DeliveryStatus.DELIVERED


def test_ingestion_tells_created_and_classified_and_only_subscribed_brands(brand, receiver):
    _subscribe(brand, receiver, [events.MENTION_CREATED])
    other = BrandFactory()
    items = [NormalizedMention(external_id=f"t{i}", text=f"Where is my parcel {i}?", posted_at=timezone.now())
             for i in range(3)]
    mention_ingest(brand=brand, platform="twitter", items=items)
    mention_ingest(brand=other, platform="twitter", items=items)
    assert sorted(d.payload["mention"]["external_id"] for d in Delivery.objects.all()) == ["t0", "t1", "t2"]
    assert {d.event_type for d in Delivery.objects.all()} == {events.MENTION_CREATED}


def test_a_slack_subscription_gets_a_message_in_its_language(brand, receiver):
    _subscribe(brand, receiver, [events.MENTION_RESOLVED], format=SubscriptionFormat.SLACK, language="fr")
    mention_status_set(mention=MentionFactory(brand=brand, text="Colis <perdu> & abîmé"), status="resolved",
                       actor=None)
    _send_all()
    body = json.loads(receiver.received[0]["body"])
    assert body["text"].startswith("*Mention résolue* · Lumio")
    assert "&lt;perdu&gt; &amp; abîmé" in body["text"] and "X-Ecoute-Signature" not in receiver.received[0]["headers"]


def test_only_http_urls_can_be_subscribed(brand):
    from django.core.exceptions import ValidationError

    subscription = Subscription(brand=brand, name="x", url="javascript:alert(1)", events=[events.MENTION_CREATED])
    with pytest.raises(ValidationError):
        subscription.full_clean()
