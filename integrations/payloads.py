"""The bodies subscribers receive: Écoute's versioned JSON, or a Slack-compatible message."""

import uuid

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.alerting import alerts_with_details, crisis_webhook_payload
from complaints.models import CrisisAlert
from core import events
from listening.models import Brand, Mention

PAYLOAD_VERSION = 1
_NAMESPACE = uuid.UUID("0d7c8a55-3b1e-4b7a-9a3c-6a1f4e0f2b11")


def event_id(event: events.Event) -> uuid.UUID:
    """Stable for an event with a key (told twice, delivered once); fresh otherwise."""
    return uuid.uuid5(_NAMESPACE, f"{event.type}:{event.key}") if event.key else uuid.uuid4()


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def mention_snapshot(mention: Mention) -> dict:
    return {
        "id": mention.pk, "link": absolute(reverse("complaints:mention", args=[mention.pk])),
        "platform": mention.platform, "external_id": mention.external_id, "url": mention.url,
        "text": mention.text, "language": mention.language, "label": mention.label,
        "confidence": mention.confidence, "status": mention.status, "priority": mention.priority,
        "assignee": mention.assignee.get_username() if mention.assignee else None,
        "author": mention.author.handle or mention.author.display_name if mention.author else None,
        "posted_at": mention.posted_at.isoformat(),
    }


def ecoute_body(*, event: events.Event, identifier: uuid.UUID, brand: Brand, mention: Mention | None) -> dict:
    return {
        "version": PAYLOAD_VERSION, "id": str(identifier), "type": event.type,
        "created_at": timezone.now().isoformat(),
        "brand": {"id": brand.pk, "slug": brand.slug, "name": brand.name},
        "mention": mention_snapshot(mention) if mention is not None else None,
        "data": event.data,
    }


SLACK_TITLES = {
    events.MENTION_CREATED: lambda: _("New mention"),
    events.MENTION_CLASSIFIED: lambda: _("Mention classified"),
    events.MENTION_LABEL_CORRECTED: lambda: _("Label corrected"),
    events.MENTION_ASSIGNED: lambda: _("Mention assigned"),
    events.MENTION_RESOLVED: lambda: _("Mention resolved"),
    events.RESPONSE_SENT: lambda: _("Reply sent"),
    events.RESPONSE_FAILED: lambda: _("Reply failed"),
    events.SLA_BREACHED: lambda: _("SLA breached"),
    events.ALERT_RAISED: lambda: _("Crisis alert"),
}


def slack_body(*, body: dict, language: str) -> dict:
    """A short message for a chat channel, in the subscription's language; a crisis alert gets
    the full alert (reasons, most shared complaints, a link to acknowledge it)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        alert = CrisisAlert.objects.select_related("brand").filter(pk=body["data"].get("alert")).first() \
            if body["type"] == events.ALERT_RAISED else None
        if alert is not None:
            alerts_with_details([alert])
            return crisis_webhook_payload(alert=alert, mentions=alert.top_mentions)
        title = SLACK_TITLES[body["type"]]()
        line = f"*{title}* · {body['brand']['name']}"
        mention = body.get("mention")
        if mention:
            text = " ".join(mention["text"].split())[:200].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            line += f"\n{text}\n<{mention['link']}|{_('Open in Écoute')}>"
        return {"text": line}
