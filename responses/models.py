import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from listening.choices import Label
from listening.models import Brand, Mention


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public reply")
    PRIVATE = "private", _("Private message")


class ResponseStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ResponseChannel(models.TextChoices):
    ECOUTE = "ecoute", _("Sent from Écoute")
    PLATFORM = "platform", _("Posted directly on the platform")
    ELSEWHERE = "elsewhere", _("Handled elsewhere (phone, e-mail)")


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
    platform_reply_id = models.CharField(_("platform reply id"), max_length=128, blank=True)
    error_message = models.TextField(_("why it failed"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["mention", "sent_at"], name="response_mention_sent")]

    def __str__(self):
        return f"{self.get_visibility_display()} · {self.get_status_display()}"


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


class SLAPolicy(models.Model):
    """How fast a brand promises to answer, per label (empty label = every other label)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="sla_policies", verbose_name=_("brand"))
    label = models.CharField(
        _("label"), max_length=16, choices=Label.choices, blank=True,
        help_text=_("Leave empty for the policy that applies to labels without their own."),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (minutes)"), validators=[MinValueValidator(1)],
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)],
    )
    near_breach_percent = models.PositiveIntegerField(
        _("near-breach warning at (% of the time used)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [models.UniqueConstraint(fields=["brand", "label"], name="sla_policy_unique_per_label")]

    def __str__(self):
        return f"{self.brand} · {self.get_label_display() or _('all labels')}"
