from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import validate_time_zone
from listening.choices import (
    CredentialPlatform, KIND_PLATFORM, OPEN_STATUSES, OWN_ACCOUNT_HELP, TARGET_HELP, EventKind, Label, Platform,
    SourceKind, SourceState, Status,
)
from listening.crypto import decrypt_secrets, encrypt_secrets
from core.text import web_url
from platforms.errors import error_text


class Brand(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True, help_text=_("Used in links and exports."))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validate_time_zone],
        help_text=_("The brand's business hours and reports use this time zone."),
    )
    own_accounts = models.TextField(
        _("the brand's own accounts"), blank=True,
        help_text=format_lazy("{} " * len(OWN_ACCOUNT_HELP) + "{}", *OWN_ACCOUNT_HELP, _(
            "One per line. Their posts and replies are recorded as responses, never queued as mentions.")),
    )
    auto_assign_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="auto_assigned_brands",
        verbose_name=_("assign new mentions in turn to"),
        help_text=_(
            "Each new mention of the brand goes to the next person of this list, highest priority first; people "
            "who are no longer active are skipped. Leave empty to let community managers take mentions themselves."
        ),
    )
    auto_assign_last = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False,
        verbose_name=_("last assigned in turn"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self):
        return self.name

    def own_account_ids(self) -> set[str]:
        return {line.strip().lstrip("@").lower() for line in self.own_accounts.splitlines() if line.strip()}


class Credential(models.Model):
    """A platform access token set, encrypted at rest. Never rendered back: the admin
    form only accepts new values and shows which ones are stored, not what they are."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="credentials", verbose_name=_("brand"))
    platform = models.CharField(_("platform"), max_length=16, choices=CredentialPlatform.choices)
    name = models.CharField(_("name"), max_length=120, help_text=_("For example: @LumioFR API access."))
    secrets_encrypted = models.TextField(editable=False, blank=True)
    is_valid = models.BooleanField(
        _("valid"), default=True,
        help_text=_("Turned off automatically when the platform rejects these credentials."),
    )
    invalid_reason = models.TextField(_("why it is invalid"), blank=True)
    # The reason's code and parameters, to show it in the reader's language (see platforms/errors.py).
    invalid_detail = models.JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")

    def __str__(self):
        return f"{self.name} ({self.get_platform_display()})"

    @property
    def secrets(self) -> dict[str, str]:
        return decrypt_secrets(self.secrets_encrypted)

    def set_secrets(self, values: dict[str, str]) -> None:
        self.secrets_encrypted = encrypt_secrets({k: v for k, v in values.items() if v})

    def stored_secret_names(self) -> list[str]:
        return sorted(self.secrets)

    @property
    def invalid_reason_shown(self) -> str:
        return error_text(self.invalid_detail, self.invalid_reason)


class Source(models.Model):
    """One thing a brand watches on one platform, polled on a schedule."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="sources", verbose_name=_("brand"))
    kind = models.CharField(_("what to watch"), max_length=20, choices=SourceKind.choices)
    target = models.CharField(
        _("watched"), max_length=500,
        help_text=format_lazy(" ".join(["{}"] * len(TARGET_HELP)), *TARGET_HELP),
    )
    credential = models.ForeignKey(
        Credential, on_delete=models.SET_NULL, null=True, blank=True, related_name="sources",
        verbose_name=_("credential"), help_text=_("Not needed for blog feeds."),
    )
    keywords = models.CharField(
        _("keyword filter"), max_length=500, blank=True,
        help_text=_("Optional, comma-separated: only items containing one of these words are kept."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    poll_every_minutes = models.PositiveIntegerField(
        _("poll every (minutes)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    cursor = models.JSONField(_("cursor"), default=dict, blank=True, editable=False)
    # Health, updated by every poll.
    state = models.CharField(_("state"), max_length=16, choices=SourceState.choices, default=SourceState.HEALTHY)
    last_polled_at = models.DateTimeField(_("last poll"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_detail = models.JSONField(default=dict, blank=True, editable=False)  # code and parameters
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)
    # What a poll that worked wants the admin to know (e.g. posts X could no longer serve were skipped).
    notice = models.TextField(_("last notice"), blank=True, editable=False)
    notice_detail = models.JSONField(default=dict, blank=True, editable=False)
    notice_at = models.DateTimeField(_("last notice at"), null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0, editable=False)
    retry_not_before = models.DateTimeField(
        _("waiting until"), null=True, blank=True, editable=False,
        help_text=_("After a rate limit, the source waits until the platform's reset time."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["brand", "kind", "target"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["brand", "kind", "target"], name="source_unique_per_brand"),
        ]

    def __str__(self):
        return f"{self.brand} · {self.get_kind_display()} · {self.target}"

    @property
    def platform(self) -> str:
        return KIND_PLATFORM[self.kind]

    @property
    def last_error_shown(self) -> str:
        return error_text(self.last_error_detail, self.last_error)

    @property
    def notice_shown(self) -> str:
        return error_text(self.notice_detail, self.notice)

    @property
    def never_polled(self) -> bool:
        return self.last_polled_at is None

    def get_health_display(self) -> str:
        """The state as people read it: a source no poll has reached yet isn't "healthy"."""
        if self.never_polled and self.state == SourceState.HEALTHY:
            return str(_("Waiting for first poll"))
        return self.get_state_display()


class Author(models.Model):
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    external_id = models.CharField(_("platform id"), max_length=128)
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    display_name = models.CharField(_("display name"), max_length=300, blank=True)
    followers_count = models.PositiveIntegerField(_("followers"), default=0)
    profile_url = models.URLField(_("profile"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="author_unique_per_platform"),
        ]

    def __str__(self):
        return f"@{self.handle}" if self.handle else self.display_name or self.external_id


OPEN_Q = Q(status__in=[s.value for s in OPEN_STATUSES])


class Mention(models.Model):
    # Foreign keys whose lookups the composite indexes below already serve carry no index
    # of their own: every index costs time on each of the millions of inserts.
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="mentions", verbose_name=_("brand"), db_index=False,
    )
    source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentions", verbose_name=_("source"),
        db_index=False,
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    external_id = models.CharField(_("platform id"), max_length=128)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    author = models.ForeignKey(
        Author, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentions", verbose_name=_("author"),
        db_index=False,
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    posted_at = models.DateTimeField(_("posted"))
    fetched_at = models.DateTimeField(_("fetched"), default=timezone.now)
    in_reply_to_id = models.CharField(_("in reply to"), max_length=128, blank=True)
    conversation_id = models.CharField(_("conversation"), max_length=128, blank=True)  # indexed below
    reposts_count = models.PositiveIntegerField(_("reposts"), default=0)
    likes_count = models.PositiveIntegerField(_("likes"), default=0)
    replies_count = models.PositiveIntegerField(_("replies"), default=0)
    quotes_count = models.PositiveIntegerField(_("quotes"), default=0)
    raw = models.JSONField(_("raw payload"), default=dict, blank=True)

    # Classification: the model's guess, and the label in force (a human correction wins).
    label = models.CharField(_("label"), max_length=16, choices=Label.choices, blank=True)
    predicted_label = models.CharField(_("predicted label"), max_length=16, choices=Label.choices, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    model_version = models.CharField(_("model version"), max_length=40, blank=True)
    label_corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("label corrected by"), db_index=False,
    )
    label_corrected_at = models.DateTimeField(_("label corrected at"), null=True, blank=True)

    # Triage.
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_mentions",
        verbose_name=_("assignee"), db_index=False,
    )
    priority = models.IntegerField(_("priority"), default=0)
    priority_reasons = models.JSONField(_("priority reasons"), default=list, blank=True)
    exposes_personal_data = models.BooleanField(_("exposes personal data"), default=False)
    personal_data_kinds = models.JSONField(_("personal data found"), default=list, blank=True)

    # Response tracking, kept in step with the event log by the services that write it.
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(fields=["brand", "platform", "external_id"], name="mention_unique_per_brand"),
        ]
        indexes = [
            # The queue: open mentions of a brand, highest priority first (keyset on priority, id).
            models.Index(fields=["brand", "-priority", "-id"], condition=OPEN_Q, name="mention_queue_by_priority"),
            # The queue by age, the report's open mentions (overdue, backlog), the inbox's Mine /
            # Unassigned / All counts and the live bar's count read from the index alone: what
            # they filter and count on is included (the table's autovacuum keeps that true, 0014).
            models.Index(fields=["brand", "posted_at", "id"], condition=OPEN_Q, name="mention_queue_by_age",
                         include=["status", "label", "platform", "language", "assignee", "first_response_at",
                                  "first_response_due_at", "resolution_due_at"]),
            models.Index(fields=["-priority", "-id"], condition=OPEN_Q, name="mention_queue_all_brands"),
            # "Assigned to me": only assigned rows are in it, so new mentions don't touch it.
            models.Index(fields=["assignee", "-priority", "-id"], condition=Q(assignee__isnull=False),
                         name="mention_by_assignee"),
            # Reports and history over all statuses.
            models.Index(fields=["brand", "posted_at"], name="mention_brand_posted"),
            models.Index(fields=["author", "posted_at"], name="mention_author_posted"),
            # People's corrections: counted after each one (is a retraining due?) and read by the
            # training. Only corrected rows are in it, so new mentions don't touch it.
            models.Index(fields=["label_corrected_at"], condition=Q(label_corrected_at__isnull=False),
                         name="mention_corrected"),
            # A thread is looked up by equality only: no second, pattern-matching copy of it.
            models.Index(fields=["conversation_id"], name="mention_conversation"),
        ]

    def __str__(self):
        return f"{self.get_platform_display()} {self.external_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def link(self) -> str:
        """The original's address when it is safe to show as a link (rows stored before links
        were checked may hold a javascript: or data: one)."""
        return web_url(self.url)


class MentionEvent(models.Model):
    """Append-only history of a mention. Response times are computed from it, so a row
    is never changed once written (a database trigger refuses UPDATE on Postgres)."""

    mention = models.ForeignKey(
        Mention, on_delete=models.CASCADE, related_name="events", verbose_name=_("mention"), db_index=False,
    )  # served by the (mention, at) index
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"), db_index=False,
    )  # indexed below where set
    at = models.DateTimeField(_("at"), default=timezone.now)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("mention event")
        verbose_name_plural = _("mention events")
        indexes = [
            models.Index(fields=["mention", "at"], name="event_mention_at"),
            # Events made by people, for when one is deleted; the machine's (every mention's
            # "created" and "classified") stay out of it, which spares two index writes per mention.
            models.Index(fields=["actor"], condition=Q(actor__isnull=False), name="event_by_actor"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Mention events are append-only.")
        super().save(*args, **kwargs)
