"""Recording replies and sending them exactly once (the worker's side of the outbox).

Sending exactly once. response_create records the reply (queued) before anything is sent.
response_send claims it with a conditional update that takes a lease, and counts the
attempt in the database before the first request leaves: a later attempt that sees an
earlier one first asks the platform whether the reply is already there (a timeout, a reset
connection or a worker killed mid-request leaves that unknown). Marking it sent is itself a
conditional update, so a poll that sees the reply on the platform and the worker that posted
it can't record it twice.

Never lost, never stuck. The reply row is the outbox: a queued reply whose task never ran
(the broker was down, or lost its queue) and a sending one whose worker died are past their
lease, and responses_sweep (beat, every minute) queues them again. A redelivered task (same
task id) takes over the claim of its dead run at once. Whatever else goes wrong while sending
ends in "failed" with a plain reason and the Retry button."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from complaints.services import mention_priority_refresh, mention_status_set
from core import events
from core.backoff import backoff_seconds
from listening.choices import EventKind, Status
from listening.models import Credential, Mention
from listening.services import mention_event_add
from platforms.errors import PlatformError
from platforms.replies import same_text
from responses.models import (
    GAVE_UP, REDIS_UNREACHABLE, UNEXPECTED, Response, ResponseChannel, ResponseStatus, Visibility,
)
from responses.senders import sender_for
from responses.timing import mention_timing_refresh

logger = logging.getLogger(__name__)
PENDING = (ResponseStatus.QUEUED, ResponseStatus.SENDING, ResponseStatus.FAILED)
SHARED_STORE_ERRORS = (RedisConnectionError, RedisTimeoutError)  # the shared request quota lives in Redis


class ResponseSendLater(Exception):
    """A transient failure: the reply is queued again and the task retries it later."""

    def __init__(self, message: str, *, retry_at=None):
        super().__init__(message)
        self.message = message
        self.retry_at = retry_at


def _reply_recorded(*, response: Response, mention: Mention) -> None:
    """What a reply that exists means for its mention: the `replied` event, the first response
    time, an open status and a new priority. Called once per response."""
    sent_at = response.sent_at
    events.publish([events.Event(type=events.RESPONSE_SENT, brand_id=mention.brand_id, mention_id=mention.pk,
                                 data=_reply_data(response), key=f"response-sent:{response.pk}")])
    mention_event_add(
        mention=mention, kind=EventKind.REPLIED, actor=response.author, at=sent_at,
        data={"response": response.pk, "visibility": response.visibility, "channel": response.channel},
    )
    if mention.first_response_at is None or sent_at < mention.first_response_at:
        mention.first_response_at = sent_at
        mention.save(update_fields=["first_response_at"])
    if mention.status == Status.NEW:
        mention_status_set(mention=mention, status=Status.OPEN, actor=response.author, at=sent_at)
    mention_priority_refresh(mention=mention)
    mention_timing_refresh(mention=mention)  # the report's stored times


@transaction.atomic
def response_record_sent(
    *, mention: Mention, text: str, author=None, visibility: str = Visibility.PUBLIC,
    channel: str = ResponseChannel.ECOUTE, platform_reply_id: str = "", sent_at=None,
) -> Response:
    """Records a reply that exists on the platform (or was given elsewhere): the response
    row, the `replied` event, and the mention's first response time."""
    response = Response.objects.create(
        mention=mention, author=author, text=text, visibility=visibility, channel=channel,
        status=ResponseStatus.SENT, platform_reply_id=platform_reply_id, sent_at=sent_at or timezone.now(), attempts=1,
    )
    _reply_recorded(response=response, mention=mention)
    return response


def response_record_external(*, mention: Mention, text: str, platform_reply_id: str, sent_at) -> Response | None:
    """A reply the brand posted on the platform, seen while polling. Recorded once: seeing
    the same reply again (next poll, webhook) changes nothing, and a reply Écoute is sending
    (or failed to confirm) with the same text is that reply, not a second one."""
    if Response.objects.filter(mention=mention, platform_reply_id=platform_reply_id).exists():
        return None
    pending = Response.objects.filter(mention=mention, channel=ResponseChannel.ECOUTE, visibility=Visibility.PUBLIC,
                                      status__in=PENDING, platform_reply_id="").order_by("pk")
    for response in pending:
        if same_text(response.text, text) and _response_mark_sent(
                response=response, platform_reply_id=platform_reply_id, sent_at=sent_at, from_statuses=PENDING):
            return response
    return response_record_sent(mention=mention, text=text, channel=ResponseChannel.PLATFORM,
                                platform_reply_id=platform_reply_id, sent_at=sent_at)


@transaction.atomic
def _response_mark_sent(*, response: Response, platform_reply_id: str, sent_at, from_statuses) -> bool:
    """Sent, if it was still in one of from_statuses; False when someone else recorded it first."""
    mention = Mention.objects.select_for_update().get(pk=response.mention_id)
    won = Response.objects.filter(pk=response.pk, status__in=from_statuses).update(
        status=ResponseStatus.SENT, platform_reply_id=platform_reply_id, sent_at=sent_at, error_message="",
        lease_until=None, claimed_by="")
    if won:
        response.refresh_from_db()
        _reply_recorded(response=response, mention=mention)
    return bool(won)


def queue_lease(*, after=None):
    """Until when a queued reply waits for its task before the sweeper queues it again."""
    return (after or timezone.now()) + timedelta(seconds=settings.REPLY_QUEUE_GRACE_SECONDS)


def responses_sweep(*, enqueue, now=None, limit: int = 500) -> int:
    """Queues again the replies past their lease: queued ones whose task never ran, sending
    ones whose worker died. Each is put back to queued with a fresh lease by a conditional
    update, so two sweeps at once queue it once; its next attempt looks on the platform
    first (it counted an attempt if any request may have left). `enqueue` hands one to the task
queue (responses.tasks.response_enqueue). Returns how many."""
    now = now or timezone.now()
    stale = Q(status__in=[ResponseStatus.QUEUED, ResponseStatus.SENDING]) & (
        Q(lease_until__lt=now) | Q(lease_until__isnull=True))
    queued = 0
    for pk in Response.objects.filter(stale).order_by("lease_until").values_list("pk", flat=True)[:limit]:
        if not Response.objects.filter(stale, pk=pk).update(status=ResponseStatus.QUEUED, claimed_by="",
                                                            lease_until=queue_lease(after=now)):
            continue  # sent, or taken over, in between
        logger.warning("Reply %s was past its lease: queued again", pk)
        if not enqueue(response=Response(pk=pk)):
            break  # the queue is down: the next sweep tries again
        queued += 1
    return queued


def _language_of(user) -> str:
    """Failure reasons are stored in the language of the agent who wrote the reply."""
    profile = getattr(user, "profile", None) if user is not None else None
    return getattr(profile, "language", "") or translation.get_language() or "en"


def response_send(*, response: Response, claim: str = "") -> Response:
    """Sends a queued reply, at most once. Runs in the worker, outside any transaction: the
    attempt must be committed before the request leaves. `claim` is the task's id: a task
    redelivered because its worker died takes over that worker's claim at once; any other
    claim holds until its lease runs out. Raises ResponseSendLater on a transient failure
    (the reply is queued again); a permanent one, or an unexpected error, marks it failed."""
    now = timezone.now()
    abandoned = Q(lease_until__lt=now) | Q(lease_until__isnull=True)
    if claim:
        abandoned |= Q(claimed_by=claim)
    claimed = Response.objects.filter(Q(status=ResponseStatus.QUEUED) | (Q(status=ResponseStatus.SENDING) & abandoned),
                                      pk=response.pk).update(
        status=ResponseStatus.SENDING, claimed_by=claim,
        lease_until=now + timedelta(seconds=settings.REPLY_SEND_LEASE_SECONDS))
    if not claimed:  # sending elsewhere, sent already, failed (waits for the retry button) or deleted
        return Response.objects.filter(pk=response.pk).first() or response
    response = Response.objects.select_related("author", "mention__author", "mention__source__credential").get(
        pk=response.pk)
    with translation.override(_language_of(response.author)):
        try:
            return _attempt(response)
        except (ResponseSendLater, DatabaseError):
            raise  # queued again / the lease brings it back once the database answers
        except Exception as error:  # noqa: BLE001 - anything the platform's translation doesn't know
            logger.exception("Reply %s failed with an unexpected error", response.pk)
            return _failed(response, UNEXPECTED.error(permanent=True, error=error.__class__.__name__))


def _attempt(response: Response) -> Response:
    try:
        sender = sender_for(response.mention)
        sender.check(mention=response.mention, visibility=response.visibility)
    except PlatformError as error:  # nothing was sent: no request was made
        return _failed(response, error)
    earlier_attempts = response.attempts
    Response.objects.filter(pk=response.pk).update(attempts=F("attempts") + 1)
    try:
        reply_id = None
        if earlier_attempts:
            others = set(Response.objects.filter(mention_id=response.mention_id).exclude(pk=response.pk)
                         .exclude(platform_reply_id="").values_list("platform_reply_id", flat=True))
            reply_id = sender.find_existing(response, exclude=others)
        if reply_id is None:
            reply_id = sender.send(response)
    except PlatformError as error:
        if error.needs_reauth:
            Credential.objects.filter(pk=sender.credential.pk).update(
                is_valid=False, invalid_reason=error.message, invalid_detail=error.detail())
        if error.permanent:
            return _failed(response, error)
        raise _later(response, error, retry_at=error.retry_at) from error
    except SHARED_STORE_ERRORS as error:  # Redis (the request quota) went away: not the platform's fault
        raise _later(response, REDIS_UNREACHABLE.error(permanent=False), retry_at=None) from error
    if not _response_mark_sent(response=response, platform_reply_id=reply_id, sent_at=timezone.now(),
                               from_statuses=[ResponseStatus.SENDING]):
        logger.info("Reply %s was recorded from the platform before its send finished", response.pk)
    response.refresh_from_db()
    return response


def _later(response: Response, error: PlatformError, *, retry_at) -> ResponseSendLater:
    """Queued again until the next try: when the platform accepts requests again, and not
    before the backoff. The lease runs past that time, so if the retry is lost with the queue,
    the sweeper sends the reply after it."""
    now = timezone.now()
    next_try = max(retry_at or now, now + timedelta(seconds=backoff_seconds(response.attempts + 1)))
    Response.objects.filter(pk=response.pk, status=ResponseStatus.SENDING).update(
        status=ResponseStatus.QUEUED, error_message=error.message, error_detail=error.detail(), claimed_by="",
        lease_until=queue_lease(after=next_try))
    return ResponseSendLater(error.message, retry_at=next_try)


def _failed(response: Response, error: PlatformError) -> Response:
    if Response.objects.filter(pk=response.pk, status=ResponseStatus.SENDING).update(
            status=ResponseStatus.FAILED, error_message=error.message, error_detail=error.detail(),
            lease_until=None, claimed_by=""):
        _failure_publish(response=response, reason=error.message)
    logger.warning("Reply %s failed: %s", response.pk, error.message)
    response.refresh_from_db()
    return response


def _reply_data(response: Response) -> dict:
    return {"response": response.pk, "visibility": response.visibility, "channel": response.channel,
            "platform_reply_id": response.platform_reply_id, "text": response.text}


def _failure_publish(*, response: Response, reason: str) -> None:
    events.publish([events.Event(type=events.RESPONSE_FAILED, brand_id=response.mention.brand_id,
                                 mention_id=response.mention_id, data={**_reply_data(response), "reason": reason})])


def response_give_up(*, response: Response, reason: str) -> Response:
    """Retries are used up, or nothing would run them (inline tasks): the reply waits for the
    retry button, with the reason."""
    response.refresh_from_db()
    # The last failure, as stored when the reply was queued again, nested in the explanation.
    last = {**response.error_detail, "text": response.error_message or reason}
    gave_up = GAVE_UP.error(permanent=True, reason=last, count=response.attempts)
    if Response.objects.filter(pk=response.pk, status=ResponseStatus.QUEUED).update(
            status=ResponseStatus.FAILED, error_message=gave_up.message, error_detail=gave_up.detail(),
            lease_until=None, claimed_by=""):
        _failure_publish(response=response, reason=gave_up.message)
    response.refresh_from_db()
    return response
