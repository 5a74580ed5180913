"""Writes for responses: recording a reply, sending it exactly once, and keeping response
times in step.

Sending exactly once. response_create records the reply (queued) before anything is sent.
response_send claims it under a per-reply Redis lock with a conditional update, and counts
the attempt in the database before the first request leaves: a later attempt that sees an
earlier one first asks the platform whether the reply is already there (a timeout, a reset
connection or a worker killed mid-request leaves that unknown). Marking it sent is itself a
conditional update, so a poll that sees the reply on the platform and the worker that posted
it can't record it twice."""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import events
from core.locks import exclusive
from listening.choices import EventKind, Status
from listening.models import Credential, Mention
from listening.services import mention_event_add
from platforms.errors import PlatformError
from platforms.replies import same_text
from responses.composing import length_problem, one_private_reply_message
from responses.models import GAVE_UP, Response, ResponseChannel, ResponseStatus, Visibility
from responses.selectors import private_reply_taken
from responses.senders import sender_for
from responses.timing import mention_timing_refresh

logger = logging.getLogger(__name__)
SEND_LOCK_SECONDS = 10 * 60  # far longer than an attempt: a few requests with 30-second timeouts
PENDING = (ResponseStatus.QUEUED, ResponseStatus.SENDING, ResponseStatus.FAILED)


class ResponseError(ValueError):
    """A reply that can't be queued or retried, with a message for the person who tried."""


class ResponseSendLater(Exception):
    """A transient failure: the reply is queued again and the task retries it later."""

    def __init__(self, message: str, *, retry_at=None):
        super().__init__(message)
        self.message = message
        self.retry_at = retry_at


def _reply_recorded(*, response: Response, mention: Mention) -> None:
    """What a reply that exists means for its mention: the `replied` event, the first response
    time, an open status and a new priority. Called once per response."""
    from complaints.services import mention_priority_refresh, mention_status_set

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
        status=ResponseStatus.SENT, platform_reply_id=platform_reply_id, sent_at=sent_at, error_message="")
    if won:
        response.refresh_from_db()
        _reply_recorded(response=response, mention=mention)
    return bool(won)


def _sendable_check(*, mention: Mention, visibility: str) -> None:
    try:
        sender_for(mention).check(mention=mention, visibility=visibility)
    except PlatformError as error:
        raise ResponseError(error.shown()) from error


@transaction.atomic
def response_create(*, mention: Mention, author, text: str, visibility: str, client_key: str = "") -> Response:
    """Records a reply to send (queued) and sends it once the transaction commits. With a
    client_key (an API client's Idempotency-Key), the same key from the same person returns the
    reply it created the first time instead of queuing another."""
    from responses.tasks import send_response

    text = (text or "").strip()
    if not text:
        raise ResponseError(_("Write the reply before sending it."))
    if visibility not in Visibility.values:
        raise ResponseError(_("Unknown visibility: %(visibility)s") % {"visibility": visibility})
    # Locking the mention makes a double click, or two agents at once, queue one reply, not two.
    mention = Mention.objects.select_for_update(of=("self",)).select_related("source__credential", "author").get(
        pk=mention.pk)
    if client_key:
        earlier_same_key = Response.objects.filter(author=author, client_key=client_key).first()
        if earlier_same_key is not None:
            if earlier_same_key.mention_id != mention.pk or earlier_same_key.text != text:
                raise ResponseError(_("This Idempotency-Key was already used for another reply."))
            return earlier_same_key
    _sendable_check(mention=mention, visibility=visibility)
    too_long = length_problem(mention=mention, text=text, visibility=visibility)
    if too_long:
        raise ResponseError(too_long)
    earlier = Response.objects.filter(mention=mention, channel=ResponseChannel.ECOUTE, visibility=visibility,
                                      status__in=[ResponseStatus.QUEUED, ResponseStatus.SENDING, ResponseStatus.SENT])
    if any(same_text(text, other.text) for other in earlier):
        raise ResponseError(_("This reply to this mention is already queued or sent."))
    if visibility == Visibility.PRIVATE and private_reply_taken(mention=mention):
        raise ResponseError(one_private_reply_message(mention=mention))
    response = Response.objects.create(mention=mention, author=author, text=text, visibility=visibility,
                                       channel=ResponseChannel.ECOUTE, status=ResponseStatus.QUEUED,
                                       client_key=client_key[:200])
    transaction.on_commit(lambda: send_response.delay(response.pk))
    return response


@transaction.atomic
def response_retry(*, response: Response, actor) -> Response:
    """The agent's retry button on a failed reply. Refused, with the reason, while the
    reply still can't be sent (for example while its credential waits for new tokens)."""
    from responses.tasks import send_response

    if response.status != ResponseStatus.FAILED:
        raise ResponseError(_("Only a reply that failed can be retried."))
    _sendable_check(mention=response.mention, visibility=response.visibility)
    if not Response.objects.filter(pk=response.pk, status=ResponseStatus.FAILED).update(
            status=ResponseStatus.QUEUED, error_message=""):
        raise ResponseError(_("Only a reply that failed can be retried."))
    logger.info("Reply %s retried by %s", response.pk, actor)
    transaction.on_commit(lambda: send_response.delay(response.pk))
    response.refresh_from_db()
    return response


def _language_of(user) -> str:
    """Failure reasons are stored in the language of the agent who wrote the reply."""
    profile = getattr(user, "profile", None) if user is not None else None
    return getattr(profile, "language", "") or translation.get_language() or "en"


def response_send(*, response: Response) -> Response:
    """Sends a queued reply, at most once. Runs in the worker, outside any transaction: the
    attempt must be committed before the request leaves. Raises ResponseSendLater on a
    transient failure (the reply is queued again); a permanent one marks it failed."""
    with exclusive(f"response-send:{response.pk}", SEND_LOCK_SECONDS) as mine:
        if not mine:  # another worker is sending it right now
            return response
        # `sending` is claimable too: holding the lock means whoever set it has died.
        claimed = Response.objects.filter(
            pk=response.pk, status__in=[ResponseStatus.QUEUED, ResponseStatus.SENDING]).update(
            status=ResponseStatus.SENDING)
        if not claimed:  # sent already, failed (waits for the retry button) or deleted
            return response
        response = Response.objects.select_related("author", "mention__author", "mention__source__credential").get(
            pk=response.pk)
        with translation.override(_language_of(response.author)):
            return _attempt(response)


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
        Response.objects.filter(pk=response.pk, status=ResponseStatus.SENDING).update(
            status=ResponseStatus.QUEUED, error_message=error.message, error_detail=error.detail())
        raise ResponseSendLater(error.message, retry_at=error.retry_at) from error
    if not _response_mark_sent(response=response, platform_reply_id=reply_id, sent_at=timezone.now(),
                               from_statuses=[ResponseStatus.SENDING]):
        logger.info("Reply %s was recorded from the platform before its send finished", response.pk)
    response.refresh_from_db()
    return response


def _failed(response: Response, error: PlatformError) -> Response:
    if Response.objects.filter(pk=response.pk, status=ResponseStatus.SENDING).update(
            status=ResponseStatus.FAILED, error_message=error.message, error_detail=error.detail()):
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
    """The task's automatic retries are used up: the reply waits for the retry button."""
    response.refresh_from_db()
    # The last failure, as stored when the reply was queued again, nested in the explanation.
    last = {**response.error_detail, "text": response.error_message or reason}
    gave_up = GAVE_UP.error(permanent=True, reason=last, count=response.attempts)
    if Response.objects.filter(pk=response.pk, status=ResponseStatus.QUEUED).update(
            status=ResponseStatus.FAILED, error_message=gave_up.message, error_detail=gave_up.detail()):
        _failure_publish(response=response, reason=gave_up.message)
    response.refresh_from_db()
    return response
