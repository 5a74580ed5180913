"""Recording and sending outgoing webhook deliveries.

A published event becomes one delivery row per subscription that wants it, in the same
transaction as the change it tells of (nothing is told of a change that was rolled back, and
nothing is lost if the broker is down: the beat sends what is due). Each delivery is signed,
retried with backoff until the receiver answers 2xx, and given up after MAX_ATTEMPTS; a
subscription whose deliveries keep failing is turned off and the brand's admins are told."""

import hashlib
import hmac
import json
import logging
import random
import time
from datetime import timedelta

import requests
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.language import in_language_of
from core import events
from integrations.models import Delivery, DeliveryStatus, Subscription, SubscriptionFormat
from integrations.payloads import ecoute_body, event_id, slack_body
from listening.models import Brand, Mention

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
DISABLE_AFTER_FAILURES = 20  # failed attempts in a row, across deliveries
TIMEOUT = (5, 10)
LEASE = timedelta(minutes=2)  # a delivery being sent by a worker that died is sent again after this


def deliveries_record(*, events: list[events.Event]) -> int:
    """Writes the deliveries these events mean, in the caller's transaction; returns how many."""
    brand_ids = {event.brand_id for event in events}
    subscriptions = [s for s in Subscription.objects.filter(brand_id__in=brand_ids, is_active=True)
                     if any(s.wants(event.type) for event in events)]
    if not subscriptions:
        return 0
    brands = Brand.objects.in_bulk(brand_ids)
    mentions = Mention.objects.select_related("author", "assignee").in_bulk(
        {event.mention_id for event in events if event.mention_id})
    rows = []
    for event in events:
        wanting = [s for s in subscriptions if s.brand_id == event.brand_id and s.wants(event.type)]
        if not wanting:
            continue
        identifier = event_id(event)
        body = ecoute_body(event=event, identifier=identifier, brand=brands[event.brand_id],
                           mention=mentions.get(event.mention_id))
        rows += [Delivery(subscription=s, event_id=identifier, event_type=event.type, payload=body,
                          next_attempt_at=timezone.now()) for s in wanting]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """X-Ecoute-Signature: t=<unix time>,v1=<HMAC-SHA256 of "<t>.<body>" with the secret, hex>."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _request(delivery: Delivery) -> tuple[bytes, dict]:
    subscription = delivery.subscription
    if subscription.format == SubscriptionFormat.SLACK:
        return json.dumps(slack_body(body=delivery.payload, language=subscription.language)).encode(), {}
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    return body, {"X-Ecoute-Event": delivery.event_type, "X-Ecoute-Delivery": str(delivery.event_id),
                  "X-Ecoute-Signature": signature(secret=subscription.secret, timestamp=int(time.time()), body=body)}


def _backoff(attempts: int) -> timedelta:
    ceiling = min(6 * 3600, 30 * 2 ** max(0, attempts - 1))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def delivery_send(*, delivery_id: int) -> str:
    """Sends one due delivery if this worker can claim it; returns its status."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING, DeliveryStatus.SENDING]),
        pk=delivery_id, next_attempt_at__lte=now,
    ).update(status=DeliveryStatus.SENDING, next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("subscription__brand").get(pk=delivery_id)
    body, headers = _request(delivery)
    started = time.monotonic()
    code, error = None, ""
    try:
        answer = requests.post(delivery.subscription.url, data=body, timeout=TIMEOUT, allow_redirects=False,
                               headers={"Content-Type": "application/json", "User-Agent": "Ecoute-Webhooks/1",
                                        **headers})
        code = answer.status_code
        if not 200 <= code < 300:
            error = _("The receiver answered HTTP %(code)s.") % {"code": code}
    except requests.Timeout:
        error = _("The receiver did not answer within %(seconds)d seconds.") % {"seconds": TIMEOUT[1]}
    except requests.RequestException as problem:
        error = _("The receiver could not be reached (%(error)s).") % {"error": problem.__class__.__name__}
    took = int((time.monotonic() - started) * 1000)
    if not error:
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.DELIVERED, response_code=code,
                                                        duration_ms=took, delivered_at=timezone.now(),
                                                        last_error="", next_attempt_at=None)
        Subscription.objects.filter(pk=delivery.subscription_id).update(consecutive_failures=0)
        return DeliveryStatus.DELIVERED
    final = delivery.attempts >= MAX_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.GAVE_UP if final else DeliveryStatus.RETRYING, response_code=code, duration_ms=took,
        last_error=error, next_attempt_at=None if final else timezone.now() + _backoff(delivery.attempts))
    _failure_count(subscription=delivery.subscription, error=error)
    return DeliveryStatus.GAVE_UP if final else DeliveryStatus.RETRYING


def _failure_count(*, subscription: Subscription, error: str) -> None:
    Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    subscription.refresh_from_db(fields=["consecutive_failures", "is_active"])
    if subscription.consecutive_failures < DISABLE_AFTER_FAILURES:
        return
    if Subscription.objects.filter(pk=subscription.pk, is_active=True).update(
            is_active=False, disabled_reason=error):
        _admins_tell(subscription=subscription, error=error)


def _admins_tell(*, subscription: Subscription, error: str) -> None:
    admins = get_user_model().objects.filter(roles.people_with_brand_role(subscription.brand_id, roles.ADMIN)) \
        .exclude(email="").distinct()
    for admin in admins:
        subject, text = in_language_of(admin, lambda: (
            _("[Écoute] Webhook turned off: %(name)s") % {"name": subscription.name},
            _("Écoute stopped sending events of %(brand)s to %(url)s after %(count)d failed attempts in a row. "
              "Last error: %(error)s\n\nFix the receiver, then turn the subscription on again in the admin: "
              "the deliveries that were given up can be sent again from its delivery log.")
            % {"brand": subscription.brand.name, "url": subscription.url, "count": DISABLE_AFTER_FAILURES,
               "error": error}))
        send_mail(subject, text, None, [admin.email], fail_silently=True)


def deliveries_due(*, limit: int = 200) -> list[int]:
    now = timezone.now()
    return list(Delivery.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING, DeliveryStatus.SENDING],
        next_attempt_at__lte=now, subscription__is_active=True).order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit])


def delivery_resend(*, delivery: Delivery) -> None:
    """An admin asks for a delivery that was given up to be sent again."""
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING, attempts=0,
                                                    next_attempt_at=timezone.now())
