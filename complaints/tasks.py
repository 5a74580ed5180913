from dataclasses import asdict
from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from complaints.alerting import crisis_alerts_check
from complaints.classification import (
    RETRAIN_QUEUED, mentions_reclassify, mentions_unlabelled_classify, priorities_refresh,
)
from complaints.classifier.lifecycle import model_train

RECLASSIFY_DAYS = 30


@shared_task
def retrain_classifier(reason: str = "nightly") -> dict:
    """Nightly (beat) and after enough label corrections (complaints.services)."""
    try:
        outcome = model_train(note=f"automatic: {reason}")
    finally:
        cache.delete(RETRAIN_QUEUED)  # the next batch of corrections may queue the next one
    if outcome.activated:
        transaction.on_commit(lambda: reclassify_open_mentions.delay())
    return {"version": outcome.model.version, "activated": outcome.activated, "message": outcome.message,
            "labelled": mentions_unlabelled_classify()}


@shared_task
def reclassify_open_mentions(days: int = RECLASSIFY_DAYS) -> int:
    """After a new version is activated: open mentions nobody labelled follow it."""
    return mentions_reclassify(since=timezone.now() - timedelta(days=days))


@shared_task
def refresh_priorities() -> int:
    """Waiting time keeps growing: every few minutes, open mentions get their priority again.
    Mentions that arrived before any model was active are labelled first, whichever way the
    first model came (command, demo, nightly training)."""
    mentions_unlabelled_classify()
    return priorities_refresh()


@shared_task
def check_crisis_alerts() -> dict:
    """Every 5 minutes (beat): each brand's last hour against its usual level; alerts and their
    e-mails, each once (a failed e-mail waits for the next run). Webhook subscriptions hear of a
    new alert through alert.raised."""
    return asdict(crisis_alerts_check())
