"""Writes an agent makes on replies: queue one to send, retry one that failed. The outbox
itself — recording replies, sending each exactly once, sweeping lost ones — is in
responses/sending.py; the queue side in responses/tasks.py."""

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from listening.models import Mention
from platforms.errors import PlatformError
from platforms.replies import same_text
from responses.composing import length_problem, one_private_reply_message
from responses.models import Response, ResponseChannel, ResponseStatus, Visibility
from responses.selectors import private_reply_taken
from responses.senders import sender_for
from responses.sending import queue_lease
from responses.tasks import response_enqueue

logger = logging.getLogger(__name__)


class ResponseError(ValueError):
    """A reply that can't be queued or retried, with a message for the person who tried."""


def _sendable_check(*, mention: Mention, visibility: str) -> None:
    try:
        sender_for(mention).check(mention=mention, visibility=visibility)
    except PlatformError as error:
        raise ResponseError(error.shown()) from error


@transaction.atomic
def response_create(*, mention: Mention, author, text: str, visibility: str, client_key: str = "") -> Response:
    """Records a reply to send (queued) and queues it once the transaction commits. After the
    commit, `queue_down` on the returned reply says whether the queue was unreachable. With a
    client_key (an API client's Idempotency-Key), the same key from the same person returns the
    reply it created the first time instead of queuing another."""
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
                                       client_key=client_key[:200], lease_until=queue_lease())
    response.queue_down = False
    transaction.on_commit(lambda: response_enqueue(response=response))
    return response


@transaction.atomic
def response_retry(*, response: Response, actor) -> Response:
    """The agent's retry button on a failed reply. Refused, with the reason, while the
    reply still can't be sent (for example while its credential waits for new tokens)."""
    if response.status != ResponseStatus.FAILED:
        raise ResponseError(_("Only a reply that failed can be retried."))
    _sendable_check(mention=response.mention, visibility=response.visibility)
    if not Response.objects.filter(pk=response.pk, status=ResponseStatus.FAILED).update(
            status=ResponseStatus.QUEUED, error_message="", lease_until=queue_lease(), claimed_by=""):
        raise ResponseError(_("Only a reply that failed can be retried."))
    logger.info("Reply %s retried by %s", response.pk, actor)
    response.refresh_from_db()
    response.queue_down = False
    transaction.on_commit(lambda: response_enqueue(response=response))
    return response
