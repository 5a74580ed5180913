from django.db.models import Prefetch

from listening.models import Mention, MentionEvent
from responses.models import Notification


def mentions_with_events(*, mention_ids) -> list[Mention]:
    events = Prefetch("events", queryset=MentionEvent.objects.order_by("at", "id"))
    return list(Mention.objects.filter(pk__in=mention_ids).select_related("assignee", "author", "brand")
                .prefetch_related(events).order_by("pk"))


def notifications_unread(*, user, limit: int = 20) -> list[Notification]:
    return list(Notification.objects.filter(user=user, read_at__isnull=True).select_related("mention")[:limit])


def facebook_private_reply_taken(*, mention) -> bool:
    """Facebook allows one private reply per comment: is there one from Écoute already
    (queued, being sent or sent)?"""
    from listening.choices import Platform
    from responses.models import Response, ResponseChannel, ResponseStatus, Visibility

    return mention.platform == Platform.FACEBOOK and Response.objects.filter(
        mention=mention, channel=ResponseChannel.ECOUTE, visibility=Visibility.PRIVATE,
        status__in=[ResponseStatus.QUEUED, ResponseStatus.SENDING, ResponseStatus.SENT]).exists()
