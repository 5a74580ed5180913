"""Writes that follow the classifier: its label on stored mentions (those that waited for a
model, the open ones after a new version goes live), with the triage fields a label moves, and
the periodic refresh of priorities. complaints/tasks.py runs these; the person-made changes
(corrections, status, assignment) are in complaints/services.py."""

from django.db import transaction
from django.utils import timezone

from complaints.classifier.lifecycle import classify_texts
from complaints.triage import priority_apply, triage_fields_apply
from listening.choices import OPEN_STATUSES, EventKind
from listening.models import Mention
from listening.services import mention_event_add
from sla.selectors import sla_policies_by_label
from sla.services import mention_sla_refresh

RETRAIN_QUEUED = "retrain-queued"  # one retraining queued at a time; released when it has run


def mention_triage_prepare(*, mention: Mention) -> Mention:
    """Personal data, SLA due time and priority, for one mention already stored (its due time
    from its whole history: it may have waited for the customer already)."""
    now = timezone.now()
    policies = sla_policies_by_label(brand_id=mention.brand_id)
    triage_fields_apply(mention=mention, policies=policies, now=now)
    mention_sla_refresh(mention=mention, at=now, policies=policies, save=False)
    mention.save(update_fields=[
        "exposes_personal_data", "personal_data_kinds", "first_response_due_at", "resolution_due_at", "priority",
        "priority_reasons",
    ])
    return mention


@transaction.atomic
def mention_classification_record(
    *, mention: Mention, label: str, confidence: float, model_version: str, at=None,
) -> Mention:
    """Stores the model's label. A human correction, once made, stays the label in force."""
    mention.predicted_label, mention.confidence, mention.model_version = label, confidence, model_version
    if mention.label_corrected_at is None:
        mention.label = label
    mention.save(update_fields=["predicted_label", "confidence", "model_version", "label"])
    mention_event_add(
        mention=mention, kind=EventKind.CLASSIFIED, at=at,
        data={"label": label, "confidence": round(confidence, 4), "model_version": model_version},
    )
    mention_triage_prepare(mention=mention)
    return mention


def mentions_unlabelled_classify(*, batch: int = 500) -> int:
    """Mentions stored while no model was active wait unlabelled (model_version empty): once a
    model is active they get its label, SLA due time and priority, like any new mention (a label a
    person gave stays).
    Rows are claimed with SKIP LOCKED, so two runs never label the same mention twice.
    Returns how many were labelled."""
    done = last_id = 0
    while True:
        with transaction.atomic():
            chunk = list(Mention.objects.filter(model_version="", label_corrected_at__isnull=True, pk__gt=last_id)
                         .order_by("pk")
                         .select_for_update(skip_locked=True)[:batch])
            if not chunk:
                return done
            result = classify_texts([f"{m.title}\n{m.text}".strip() for m in chunk])
            if result is None:  # no active model yet
                return done
            version, labels = result
            for mention, (label, confidence) in zip(chunk, labels):
                mention_classification_record(mention=mention, label=label, confidence=confidence,
                                              model_version=version)
        done, last_id = done + len(chunk), chunk[-1].pk


def mentions_reclassify(*, since, batch: int = 500) -> int:
    """After a new version goes live, the open mentions since `since` that nobody labelled
    get its label and calibrated confidence, so the queue and "Check these" follow what it
    learnt. A mention whose label changes is recorded as classified again (event, SLA due
    time, priority); the others only get the new confidence. Returns how many changed label."""
    changed, last_id = 0, 0
    while True:
        chunk = list(Mention.objects.filter(pk__gt=last_id, posted_at__gte=since, label_corrected_at__isnull=True,
                                            status__in=[s.value for s in OPEN_STATUSES])
                     .select_related("author").order_by("pk")[:batch])
        if not chunk:
            return changed
        result = classify_texts([f"{m.title}\n{m.text}".strip() for m in chunk])
        if result is None:
            return changed
        version, labels = result
        same = []
        for mention, (label, confidence) in zip(chunk, labels):
            if label != mention.label:
                mention_classification_record(mention=mention, label=label, confidence=confidence, model_version=version)
                changed += 1
            else:
                mention.confidence, mention.predicted_label, mention.model_version = confidence, label, version
                same.append(mention)
        Mention.objects.bulk_update(same, ["confidence", "predicted_label", "model_version"], batch_size=500)
        last_id = chunk[-1].pk


def priorities_refresh(*, batch: int = 2000) -> int:
    """Recomputes the priority of every open mention (waiting time, engagement) and writes the
    ones that changed: most don't between two runs, and every row written costs its indexes and
    makes its report day stale. Returns how many changed."""
    now, changed, last_id = timezone.now(), 0, 0
    while True:
        chunk = list(Mention.objects.filter(status__in=[s.value for s in OPEN_STATUSES], pk__gt=last_id)
                     .select_related("author").order_by("pk")[:batch])
        if not chunk:
            return changed
        moved = []
        for mention in chunk:
            before = (mention.priority, mention.priority_reasons)
            priority_apply(mention=mention, now=now)
            if (mention.priority, mention.priority_reasons) != before:
                moved.append(mention)
        Mention.objects.bulk_update(moved, ["priority", "priority_reasons"], batch_size=500)
        changed, last_id = changed + len(moved), chunk[-1].pk
