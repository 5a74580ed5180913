from django.db.models import Prefetch

from listening.models import Mention, MentionEvent
from platforms.registry import PLATFORMS
from responses.models import Response, ResponseChannel, ResponseStatus, Visibility


def mentions_with_events(*, mention_ids) -> list[Mention]:
    events = Prefetch("events", queryset=MentionEvent.objects.order_by("at", "id"))
    return list(Mention.objects.filter(pk__in=mention_ids).select_related("assignee", "author", "brand")
                .prefetch_related(events).order_by("pk"))


def private_reply_taken(*, mention) -> bool:
    """Platforms such as Facebook allow one private reply per comment: is there one from
    Écoute already (queued, being sent or sent)?"""
    rules = PLATFORMS.get(mention.platform)
    return bool(rules and rules.one_private_reply) and Response.objects.filter(
        mention=mention, channel=ResponseChannel.ECOUTE, visibility=Visibility.PRIVATE,
        status__in=[ResponseStatus.QUEUED, ResponseStatus.SENDING, ResponseStatus.SENT]).exists()
