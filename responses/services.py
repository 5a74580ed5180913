"""Writes for responses: recording a reply and keeping response times in step."""

from django.db import transaction
from django.utils import timezone

from listening.choices import EventKind, Status
from listening.models import Mention
from listening.services import mention_event_add
from responses.models import Response, ResponseChannel, ResponseStatus, Visibility


@transaction.atomic
def response_record_sent(
    *, mention: Mention, text: str, author=None, visibility: str = Visibility.PUBLIC,
    channel: str = ResponseChannel.ECOUTE, platform_reply_id: str = "", sent_at=None,
) -> Response:
    """Records a reply that exists on the platform (or was given elsewhere): the response
    row, the `replied` event, and the mention's first response time."""
    from complaints.services import mention_priority_refresh, mention_status_set

    sent_at = sent_at or timezone.now()
    response = Response.objects.create(
        mention=mention, author=author, text=text, visibility=visibility, channel=channel,
        status=ResponseStatus.SENT, platform_reply_id=platform_reply_id, sent_at=sent_at, attempts=1,
    )
    mention_event_add(
        mention=mention, kind=EventKind.REPLIED, actor=author, at=sent_at,
        data={"response": response.pk, "visibility": visibility, "channel": channel},
    )
    if mention.first_response_at is None or sent_at < mention.first_response_at:
        mention.first_response_at = sent_at
        mention.save(update_fields=["first_response_at"])
    if mention.status == Status.NEW:
        mention_status_set(mention=mention, status=Status.OPEN, actor=author, at=sent_at)
    mention_priority_refresh(mention=mention)
    return response


def response_record_external(*, mention: Mention, text: str, platform_reply_id: str, sent_at) -> Response | None:
    """A reply the brand posted directly on the platform, seen while polling. Recorded
    once: seeing the same reply again (next poll, webhook) changes nothing."""
    if Response.objects.filter(mention=mention, platform_reply_id=platform_reply_id).exists():
        return None
    return response_record_sent(mention=mention, text=text, channel=ResponseChannel.PLATFORM,
                                platform_reply_id=platform_reply_id, sent_at=sent_at)
