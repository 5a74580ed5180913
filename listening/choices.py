from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    TWITTER = "twitter", _("X (Twitter)")
    FACEBOOK = "facebook", _("Facebook")
    BLOG = "blog", _("Blog / RSS")
    OTHER = "other", _("Other channel (imported)")


class SourceKind(models.TextChoices):
    X_SEARCH = "x_search", _("X: search query")
    X_MENTIONS = "x_mentions", _("X: mentions of an account")
    FACEBOOK_PAGE = "facebook_page", _("Facebook: Page feed and comments")
    FEED = "feed", _("Blog: RSS or Atom feed")
    FILE_IMPORT = "file_import", _("File import (e-mail, call centre, other tools)")


KIND_PLATFORM = {
    SourceKind.X_SEARCH: Platform.TWITTER,
    SourceKind.X_MENTIONS: Platform.TWITTER,
    SourceKind.FACEBOOK_PAGE: Platform.FACEBOOK,
    SourceKind.FEED: Platform.BLOG,
    SourceKind.FILE_IMPORT: Platform.OTHER,
}


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
