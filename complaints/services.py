"""Writes for triage. Every change to a mention's label, status or assignee goes through
here, and each writes its event to the mention's log in the same transaction."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from complaints.classifier.lifecycle import classify_texts
from complaints.triage import priority_apply, triage_fields_apply
from listening.choices import OPEN_STATUSES, EventKind, Label, Status
from listening.models import Mention
from listening.services import mention_event_add
from responses.timing import mention_timing_refresh
from sla.selectors import sla_policies_by_label
from sla.services import mention_sla_refresh


class TriageError(ValueError):
    """A triage action that can't be done, with a message for the person who tried."""


def mention_priority_refresh(*, mention: Mention, now=None, save: bool = True) -> Mention:
    priority_apply(mention=mention, now=now or timezone.now())
    if save:
        Mention.objects.filter(pk=mention.pk).update(priority=mention.priority, priority_reasons=mention.priority_reasons)
    return mention


def mention_triage_prepare(*, mention: Mention) -> Mention:
    """Personal data, SLA due time and priority, for one mention already stored (its due time
    from its whole history: it may have waited for the customer already)."""
    now = timezone.now()
    policies = sla_policies_by_label(brand_id=mention.brand_id)
    triage_fields_apply(mention=mention, policies=policies, now=now)
    mention_sla_refresh(mention=mention, at=now, policies=policies, save=False)
    mention.save(update_fields=[
        "exposes_personal_data", "personal_data_kinds", "first_response_due_at", "priority", "priority_reasons",
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


@transaction.atomic
def mention_label_correct(*, mention: Mention, label: str, actor, spot_check: bool = False) -> Mention:
    """The person's label wins over the model's from now on, feeds the next training, and
    enough corrections since the active model was trained start a retraining. Giving the
    label the mention already has is a confirmation: it counts as a correction too.
    spot_check: the mention was drawn at random in "Check these" (an unbiased sample for
    calibration, see complaints.selectors.SPOT_CHECK_EVERY)."""
    if label not in Label.values:
        raise TriageError(_("Unknown label: %(label)s") % {"label": label})
    previous = mention.label
    mention.label, mention.label_corrected_by, mention.label_corrected_at = label, actor, timezone.now()
    mention.save(update_fields=["label", "label_corrected_by", "label_corrected_at"])
    data = {"from": previous, "to": label, **({"confirmed": True} if previous == label else {}),
            **({"spot_check": True} if spot_check else {})}
    mention_event_add(mention=mention, kind=EventKind.LABEL_CORRECTED, actor=actor, data=data)
    mention_priority_refresh(mention=mention)
    mention_sla_refresh(mention=mention)  # the new label may have another policy
    transaction.on_commit(_retrain_if_enough_corrections)
    return mention


RETRAIN_QUEUED = "retrain-queued"  # one retraining queued at a time; released when it has run


def _retrain_if_enough_corrections() -> None:
    from complaints.models import ClassifierModel
    from complaints.tasks import retrain_classifier

    active = ClassifierModel.objects.filter(is_active=True).only("created_at").first()
    since = Mention.objects.filter(label_corrected_at__isnull=False)
    if active is not None:
        since = since.filter(label_corrected_at__gt=active.created_at)
    if since.count() >= settings.CLASSIFIER_RETRAIN_AFTER_CORRECTIONS and cache.add(RETRAIN_QUEUED, 1, timeout=3600):
        retrain_classifier.delay("label corrections")


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
    """Recomputes the priority of every open mention (waiting time, engagement)."""
    from listening.choices import OPEN_STATUSES

    now, done, last_id = timezone.now(), 0, 0
    while True:
        chunk = list(Mention.objects.filter(status__in=[s.value for s in OPEN_STATUSES], pk__gt=last_id)
                     .select_related("author").order_by("pk")[:batch])
        if not chunk:
            return done
        for mention in chunk:
            priority_apply(mention=mention, now=now)
        Mention.objects.bulk_update(chunk, ["priority", "priority_reasons"], batch_size=500)
        done, last_id = done + len(chunk), chunk[-1].pk


@transaction.atomic
def mention_assign(*, mention: Mention, assignee, actor, at=None) -> Mention:
    """Assigns (or, with assignee=None, unassigns) the mention. A new mention becomes open."""
    if mention.assignee_id == (assignee.pk if assignee else None):
        return mention
    mention.assignee = assignee
    mention.save(update_fields=["assignee"])
    _assignment_record(mention=mention, assignee=assignee, actor=actor, at=at)
    return mention


def _assignment_record(*, mention: Mention, assignee, actor, at=None, in_turn: bool = False) -> None:
    if assignee and mention.status == Status.NEW:
        mention_status_set(mention=mention, status=Status.OPEN, actor=actor, at=at)
    if assignee:
        data = {"to": assignee.get_username(), **({"in_turn": True} if in_turn else {})}
        mention_event_add(mention=mention, kind=EventKind.ASSIGNED, actor=actor, at=at, data=data)
    else:
        mention_event_add(mention=mention, kind=EventKind.UNASSIGNED, actor=actor, at=at)


def mention_take_next(*, user, brand_id: int | None = None, platform: str = "", label: str = "",
                      language: str = "") -> Mention | None:
    """Claims the highest-priority unassigned open mention for the user, within the filters the
    person is working with (brand, platform, label, language). Two people pressing
    "take next" at the same moment get different mentions: on Postgres the candidate row is
    locked with SKIP LOCKED (the other transaction moves on to the next row), and the claim
    itself is a conditional update, so even without row locks (SQLite) nobody takes a
    mention someone else already took."""
    from listening.choices import OPEN_STATUSES

    for _attempt in range(5):
        with transaction.atomic():
            candidates = roles.limit_to_brands(Mention.objects.filter(
                status__in=[s.value for s in OPEN_STATUSES], assignee__isnull=True), user)
            if brand_id:
                candidates = candidates.filter(brand_id=brand_id)
            for field, value in (("platform", platform), ("label", label), ("language", language)):
                if value:
                    candidates = candidates.filter(**{field: value})
            candidates = candidates.order_by("-priority", "-id")
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True, of=("self",))
            pk = candidates.values_list("pk", flat=True).first()
            if pk is None:
                return None
            if Mention.objects.filter(pk=pk, assignee__isnull=True).update(assignee=user) == 0:
                continue  # taken between our read and our write: try the next one
            mention = Mention.objects.get(pk=pk)
            _assignment_record(mention=mention, assignee=user, actor=user)
            return mention
    return None


BULK_ACTIONS = ("assign_me", "unassign", "resolve", "ignore", "relabel")


@transaction.atomic
def mentions_bulk_apply(*, mention_ids: list[int], action: str, actor, label: str = "",
                        take_from_others: bool = False) -> int:
    """One action on many mentions, each through the same service (and event) as one by one.
    "Assign to me" leaves mentions someone else has unless take_from_others (the person was
    asked first)."""
    if action not in BULK_ACTIONS:
        raise TriageError(_("Unknown action: %(action)s") % {"action": action})
    if action == "relabel" and label not in Label.values:
        raise TriageError(_("Choose the label to give these mentions."))
    done = 0
    mentions = roles.limit_to_brands(Mention.objects.filter(pk__in=mention_ids[:500]), actor)
    for mention in mentions.select_related("author").order_by("pk"):
        if action == "assign_me":
            if mention.assignee_id == actor.pk or (mention.assignee_id and not take_from_others):
                continue
            mention_assign(mention=mention, assignee=actor, actor=actor)
        elif action == "unassign":
            mention_assign(mention=mention, assignee=None, actor=actor)
        elif action == "resolve":
            mention_status_set(mention=mention, status=Status.RESOLVED, actor=actor)
        elif action == "ignore":
            mention_status_set(mention=mention, status=Status.IGNORED, actor=actor)
        elif mention.label != label:
            mention_label_correct(mention=mention, label=label, actor=actor)
        done += 1
    return done


@transaction.atomic
def note_add(*, mention: Mention, author, text: str):
    from complaints.models import Note

    text = text.strip()
    if not text:
        raise TriageError(_("The note is empty."))
    if len(text) > 5000:
        raise TriageError(_("A note can be at most 5,000 characters long."))
    note = Note.objects.create(mention=mention, author=author, text=text)
    mention_event_add(mention=mention, kind=EventKind.NOTE_ADDED, actor=author, data={"note": note.pk})
    return note


@transaction.atomic
def mention_status_set(*, mention: Mention, status: str, actor, at=None) -> Mention:
    if status not in Status.values:
        raise TriageError(_("Unknown status: %(status)s") % {"status": status})
    previous = mention.status
    if previous == status:
        return mention
    mention.status = status
    mention.resolved_at = (at or timezone.now()) if status == Status.RESOLVED else None
    mention.save(update_fields=["status", "resolved_at"])
    mention_event_add(
        mention=mention, kind=EventKind.STATUS_CHANGED, actor=actor, at=at, data={"from": previous, "to": status},
    )
    mention_priority_refresh(mention=mention)
    mention_sla_refresh(mention=mention)  # the clock pauses while the customer is awaited
    mention_timing_refresh(mention=mention)  # the report's stored times
    return mention
