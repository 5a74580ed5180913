"""Poll → store → classify → triage, in one place.

Listening fetches mentions and stores them in bulk (listening/ingestion.py); while it does,
it calls these steps, which bring in the apps above it: the active model's label
(complaints.classifier), the triage fields — personal data, SLA due time from the brand's
policy, priority — (complaints.triage with sla.selectors), the brand's own replies recorded as
responses (responses.services) and the round-robin assignment of new mentions
(pipeline/tasks.py). pipeline/apps.py installs them when Django starts, so every path that
stores mentions — a poll, a webhook delivery, a CSV import, the demo — goes through them."""

from django.db import transaction

from complaints.classifier.lifecycle import classify_texts
from pipeline.tasks import auto_assign_mentions
from complaints.triage import priority_apply, triage_fields_apply
from core.text import storable
from listening.steps import Classification, IngestSteps
from platforms.normalized import NormalizedMention
from responses.sending import response_record_external
from sla.selectors import sla_policies_by_label


class TriageSteps(IngestSteps):
    def batch_context(self, *, brand) -> dict:
        return sla_policies_by_label(brand_id=brand.pk)

    def classify(self, items: list[NormalizedMention]) -> list[Classification]:
        """The active model's (label, confidence, version) per item, in one batch; Nones when
        no model is active yet (the mentions then wait unlabelled; see complaints.tasks)."""
        result = classify_texts([f"{item.title}\n{item.text}".strip() for item in items])
        if result is None:
            return [None] * len(items)
        version, labels = result
        return [(label, confidence, version) for label, confidence in labels]

    def triage(self, *, mention, context, now, followers: int) -> None:
        triage_fields_apply(mention=mention, policies=context, now=now, followers=followers)

    def reprioritize(self, *, mention, now) -> None:
        priority_apply(mention=mention, now=now)

    def own_replies(self, *, replies) -> None:
        """The brand answered on the platform itself: recorded as the mention's response."""
        for mention, item in replies:
            response_record_external(mention=mention, text=storable(item.text), platform_reply_id=item.external_id,
                                     sent_at=item.posted_at)

    def stored(self, *, brand, mention_ids: list[int]) -> None:
        if brand.auto_assign_to.exists():
            transaction.on_commit(lambda: auto_assign_mentions.delay(brand.pk, mention_ids))
