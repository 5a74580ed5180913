"""What happened, told to whoever listens (outgoing webhooks), without the app where it
happened knowing who that is. The services publish after writing; receivers (integrations/)
record what to deliver in the same transaction."""

from dataclasses import dataclass, field

from django.dispatch import Signal

# The events other tools can subscribe to.
MENTION_CREATED = "mention.created"
MENTION_CLASSIFIED = "mention.classified"
MENTION_LABEL_CORRECTED = "mention.label_corrected"
MENTION_ASSIGNED = "mention.assigned"
MENTION_RESOLVED = "mention.resolved"
RESPONSE_SENT = "response.sent"
RESPONSE_FAILED = "response.failed"
SLA_BREACHED = "sla.breached"
ALERT_RAISED = "alert.raised"
EVENT_TYPES = (MENTION_CREATED, MENTION_CLASSIFIED, MENTION_LABEL_CORRECTED, MENTION_ASSIGNED, MENTION_RESOLVED,
               RESPONSE_SENT, RESPONSE_FAILED, SLA_BREACHED, ALERT_RAISED)

published = Signal()


@dataclass(frozen=True)
class Event:
    type: str
    brand_id: int
    mention_id: int | None = None
    data: dict = field(default_factory=dict)
    key: str = ""  # names the event for good, so telling it twice delivers it once

def publish(events: list[Event]) -> None:
    if events:
        published.send(sender=Event, events=events)
