from django.db import models
from django.utils.translation import gettext_lazy as _

from platforms.registry import PLATFORMS

# Platforms and source kinds come from the platform registry: adding a platform package
# adds its choices here (and a migration for the new choices).
_OTHER = ("OTHER", ("other", _("Other channel (imported)")))
# Where mentions come from. A platform that answers any platform's mentions (the demo's
# sandbox) has none of its own: it is only a kind of credential.
Platform = models.TextChoices("Platform", [(p.constant, (p.key, p.label)) for p in PLATFORMS.values()
                                           if not p.answers_any_platform] + [_OTHER])
CredentialPlatform = models.TextChoices(
    "CredentialPlatform", [(p.constant, (p.key, p.label)) for p in PLATFORMS.values()] + [_OTHER])

SourceKind = models.TextChoices(
    "SourceKind", [(k.constant, (k.value, k.label)) for p in PLATFORMS.values() for k in p.source_kinds]
    + [("FILE_IMPORT", ("file_import", _("File import (e-mail, call centre, other tools)")))])

# The admin's help for "watched" and for the brand's own accounts, each platform's own words.
TARGET_HELP = [k.target_help for p in PLATFORMS.values() for k in p.source_kinds if k.target_help]
OWN_ACCOUNT_HELP = [p.own_account_help for p in PLATFORMS.values() if p.own_account_help]

KIND_PLATFORM = {kind.value: p.key for p in PLATFORMS.values() for kind in p.source_kinds} | {
    SourceKind.FILE_IMPORT: Platform.OTHER}


class SourceState(models.TextChoices):
    HEALTHY = "healthy", _("Healthy")
    FAILING = "failing", _("Failing (retrying)")
    NEEDS_REAUTH = "needs_reauth", _("Needs re-authorization")
    PAUSED = "paused", _("Paused")


class Visibility(models.TextChoices):
    """Where a reply is posted; a REPLIED event of the log records it."""

    PUBLIC = "public", _("Public reply")
    PRIVATE = "private", _("Private message")


class Label(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    QUESTION = "question", _("Question")
    PRAISE = "praise", _("Praise")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    IGNORED = "ignored", _("Ignored")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)


class EventKind(models.TextChoices):
    CREATED = "created", _("Received")
    CLASSIFIED = "classified", _("Classified")
    ASSIGNED = "assigned", _("Assigned")
    UNASSIGNED = "unassigned", _("Unassigned")
    STATUS_CHANGED = "status_changed", _("Status changed")
    REPLIED = "replied", _("Replied")
    LABEL_CORRECTED = "label_corrected", _("Label corrected")
    NOTE_ADDED = "note_added", _("Note added")
