import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from listening.choices import Label, Visibility  # noqa: F401 (Visibility: where replies live)
from listening.models import Brand, Mention
from platforms.errors import ErrorKind, error_text
from sla.models import CountedIn, SLATarget


class ResponseStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ResponseChannel(models.TextChoices):
    ECOUTE = "ecoute", _("Sent from Écoute")
    PLATFORM = "platform", _("Posted directly on the platform")
    ELSEWHERE = "elsewhere", _("Handled elsewhere (phone, e-mail)")


# Redis (the shared request quota) went away while sending: not the platform's fault, tried again.
REDIS_UNREACHABLE = ErrorKind("responses.redis_unreachable", _(
    "Écoute's queue and cache (Redis) could not be reached. Écoute will retry."))
# An exception no platform's translation knows: the reply fails with the Retry button.
UNEXPECTED = ErrorKind("responses.unexpected", _(
    "Écoute could not send this reply: something unexpected went wrong (%(error)s). It may have reached the "
    "platform: Retry looks there before sending it again. If it fails again, tell your administrator."))
# A reply whose automatic retries are used up; `reason` is the last failure (a stored error).
GAVE_UP = ErrorKind("responses.gave_up", ngettext_lazy(
    "%(reason)s Écoute tried %(count)d time and stopped: use Retry to try again.",
    "%(reason)s Écoute tried %(count)d times and stopped: use Retry to try again.", "count"))


class Response(models.Model):
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="responses", verbose_name=_("mention"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses",
        verbose_name=_("written by"),
    )
    text = models.TextField(_("text"))
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    channel = models.CharField(_("channel"), max_length=12, choices=ResponseChannel.choices, default=ResponseChannel.ECOUTE)
    status = models.CharField(_("status"), max_length=8, choices=ResponseStatus.choices, default=ResponseStatus.QUEUED)
    # Recorded before sending; a retry uses it to check whether the platform already has the reply.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The Idempotency-Key an API client sent: the same key from the same person is the same reply.
    client_key = models.CharField(max_length=200, blank=True, editable=False)
    platform_reply_id = models.CharField(_("platform reply id"), max_length=128, blank=True)
    error_message = models.TextField(_("why it failed"), blank=True)
    # The failure's code and parameters, to show it in the reader's language (see platforms/errors.py).
    error_detail = models.JSONField(default=dict, blank=True, editable=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The outbox (responses/outbox.py): a queued or sending reply belongs to its task or worker
    # until lease_until; past it, the sweeper sends it again. claimed_by is the task sending it.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_by = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            models.Index(fields=["mention", "sent_at"], name="response_mention_sent"),
            models.Index(fields=["lease_until"], name="response_outbox",
                         condition=models.Q(status__in=["queued", "sending"])),
        ]
        constraints = [models.UniqueConstraint(fields=["author", "client_key"], condition=~models.Q(client_key=""),
                                               name="response_one_per_client_key")]

    def __str__(self):
        return f"{self.get_visibility_display()} · {self.get_status_display()}"

    @property
    def error_shown(self) -> str:
        """Why it failed, in the reader's language (rows stored before codes show their text)."""
        return error_text(self.error_detail, self.error_message)


class CannedResponse(models.Model):
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="canned_responses",
        verbose_name=_("brand"), help_text=_("Leave empty to offer it for every brand."),
    )
    title = models.CharField(_("title"), max_length=120)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    label = models.CharField(
        _("for label"), max_length=16, choices=Label.choices, blank=True,
        help_text=_("Leave empty to offer it for every label."),
    )
    text = models.TextField(
        _("text"), help_text=_("Variables: {author}, {brand}, {agent_first_name}."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["language", "title"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self):
        return self.title


class NotificationKind(models.TextChoices):
    NEAR_BREACH = "near_breach", _("SLA nearly breached")
    BREACH = "breach", _("SLA breached")


class Notification(models.Model):
    """An in-app notice to one person, also sent by e-mail. Each person hears about each
    SLA of a mention once per kind: the unique constraint makes a repeated or concurrent
    alert run harmless."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient"),
        db_index=False,  # served by the (user, read_at) index
    )
    mention = models.ForeignKey(
        Mention, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("mention"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    target = models.CharField(_("SLA"), max_length=16, choices=SLATarget.choices)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "mention", "kind", "target"], name="notification_once"),
        ]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_unread")]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.mention_id}"


class MentionTiming(models.Model):
    """A mention's response times as the report aggregates them, stored when they become known
    (a reply, a status change) so that medians and SLA rates over a million mentions are plain
    SQL aggregates over one narrow table, with the business-hours arithmetic already done.
    Computed by responses.timing from the event log, exactly as the mention page shows them."""

    mention = models.OneToOneField(
        Mention, on_delete=models.CASCADE, primary_key=True, related_name="timing", verbose_name=_("mention"),
    )
    # Copied from the mention (they never change) so the report reads this table alone.
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", verbose_name=_("brand"),
                              db_index=False)  # served by the (brand, posted_at) index
    posted_at = models.DateTimeField(_("posted"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("agent"), help_text=_("Who sent the first reply; without a reply, the assignee."),
    )
    counted_in = models.CharField(_("counted in"), max_length=16, choices=CountedIn.choices)
    first_response_minutes = models.FloatField(_("first response (minutes)"), null=True, blank=True)
    first_response_met = models.BooleanField(_("first response on time"), null=True, blank=True)
    resolution_minutes = models.FloatField(_("resolution (minutes)"), null=True, blank=True)
    resolution_met = models.BooleanField(_("resolved on time"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("mention response times")
        verbose_name_plural = _("mention response times")
        indexes = [models.Index(fields=["brand", "posted_at"], name="timing_brand_posted")]

    def __str__(self):
        return f"{self.mention_id}: {self.first_response_minutes} / {self.resolution_minutes}"


class ReportDay(models.Model):
    """One brand's mentions and response times of one UTC day, packed as arrays for the report
    (responses.report_days): a year of figures is then ~1,000 rows read, not a million.

    Postgres triggers (migrations 0005 and 0006) bump `version` whenever a mention or stored time
    of that day is written; a pack is used only while `built_version` equals `version` (and it was
    written in today's `pack_format`), and rebuilt from the rows otherwise, so the report's figures
    are always those of the rows themselves."""

    # A plain id, not a foreign key: the triggers write these rows while a brand's mentions are
    # being deleted with it, and a constraint would then refuse the brand's deletion.
    brand_id = models.BigIntegerField()
    day = models.DateField()  # UTC
    version = models.BigIntegerField(default=0)
    built_version = models.BigIntegerField(null=True)
    built_at = models.DateTimeField(null=True)
    pack_format = models.CharField(max_length=64, blank=True, db_default="")  # report_days.PACK_FORMAT
    # Mentions posted that day: minute of the day (uint16), label and platform codes (uint8).
    mention_minutes = models.BinaryField(null=True)
    mention_labels = models.BinaryField(null=True)
    mention_platforms = models.BinaryField(null=True)
    # Their stored response times: minute of the day, agent id (int64, 0 = none), first response
    # and resolution minutes (float64, NaN = none), and whether each met its target (int8: 1 met,
    # 0 missed, -1 no verdict).
    timing_minutes = models.BinaryField(null=True)
    timing_agents = models.BinaryField(null=True)
    first_response = models.BinaryField(null=True)
    first_response_met = models.BinaryField(null=True)
    resolution = models.BinaryField(null=True)
    resolution_met = models.BinaryField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand_id", "day"], name="report_day_unique")]

    def __str__(self):
        return f"{self.brand_id} {self.day} v{self.version}"
