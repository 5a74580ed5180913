"""Writes for triage. Every change a person makes to a mention's label, status or assignee
goes through here, and each writes its event to the mention's log in the same transaction.
The classifier's own labels are written by complaints/classification.py."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from complaints.classification import RETRAIN_QUEUED
from complaints.models import ClassifierModel, Note
from complaints.tasks import retrain_classifier
from complaints.triage import priority_apply
from listening.choices import OPEN_STATUSES, EventKind, Label, Status
from listening.models import Mention
from listening.services import mention_event_add
from sla.services import mention_sla_refresh


class TriageError(ValueError):
    """A triage action that can't be done, with a message for the person who tried."""


def mention_priority_refresh(*, mention: Mention, now=None, save: bool = True) -> Mention:
    priority_apply(mention=mention, now=now or timezone.now())
    if save:
        Mention.objects.filter(pk=mention.pk).update(priority=mention.priority, priority_reasons=mention.priority_reasons)
    return mention


@transaction.atomic
def mention_label_correct(*, mention: Mention, label: str, actor, spot_check: bool = False,
                          unsure: bool = False) -> Mention:
    """The person's label wins over the model's from now on, feeds the next training, and
    enough corrections since the active model was trained start a retraining. Giving the
    label the mention already has is a confirmation: it counts as a correction too.
    spot_check: the mention was drawn at random in "Check these" (an unbiased sample for
    calibration, see complaints.selectors.SPOT_CHECK_EVERY); unsure: "Check these" showed it for
    being among the active version's least sure (such answers train but never judge a version,
    see lifecycle.heldout_split)."""
    if label not in Label.values:
        raise TriageError(_("Unknown label: %(label)s") % {"label": label})
    previous = mention.label
    mention.label, mention.label_corrected_by, mention.label_corrected_at = label, actor, timezone.now()
    mention.save(update_fields=["label", "label_corrected_by", "label_corrected_at"])
    data = {"from": previous, "to": label, **({"confirmed": True} if previous == label else {}),
            **({"spot_check": True} if spot_check else {}), **({"unsure": True} if unsure else {})}
    mention_event_add(mention=mention, kind=EventKind.LABEL_CORRECTED, actor=actor, data=data)
    mention_priority_refresh(mention=mention)
    mention_sla_refresh(mention=mention)  # the new label may have another policy
    transaction.on_commit(_retrain_if_enough_corrections)
    return mention


def _retrain_if_enough_corrections() -> None:
    active = ClassifierModel.objects.filter(is_active=True).only("created_at").first()
    since = Mention.objects.filter(label_corrected_at__isnull=False)
    if active is not None:
        since = since.filter(label_corrected_at__gt=active.created_at)
    if since.count() >= settings.CLASSIFIER_RETRAIN_AFTER_CORRECTIONS and cache.add(RETRAIN_QUEUED, 1, timeout=3600):
        retrain_classifier.delay("label corrections")


@transaction.atomic
def mention_assign(*, mention: Mention, assignee, actor, at=None) -> Mention:
    """Assigns (or, with assignee=None, unassigns) the mention. A new mention becomes open."""
    if mention.assignee_id == (assignee.pk if assignee else None):
        return mention
    mention.assignee = assignee
    mention.save(update_fields=["assignee"])
    mention_assignment_record(mention=mention, assignee=assignee, actor=actor, at=at)
    return mention


def mention_assignment_record(*, mention: Mention, assignee, actor, at=None, in_turn: bool = False) -> None:
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
            mention_assignment_record(mention=mention, assignee=user, actor=user)
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
    return mention
