"""Outgoing webhooks: a brand's subscriptions to events, and the log of each delivery."""

import uuid

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.events import EVENT_TYPES
from listening.crypto import decrypt_secrets, encrypt_secrets
from listening.models import Brand


class SubscriptionFormat(models.TextChoices):
    ECOUTE = "ecoute", _("Écoute JSON, signed (X-Ecoute-Signature)")
    SLACK = "slack", _("Slack-compatible message (incoming webhook)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Failed, will retry")
    DELIVERED = "delivered", _("Delivered")
    GAVE_UP = "gave_up", _("Gave up")


class Subscription(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("brand"))
    name = models.CharField(_("name"), max_length=120, help_text=_("For example: helpdesk, CRM, #care-alerts."))
    url = models.URLField(_("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    events = models.JSONField(_("events"), default=list, help_text=_("The events sent to this URL."))
    format = models.CharField(_("format"), max_length=8, choices=SubscriptionFormat.choices,
                              default=SubscriptionFormat.ECOUTE)
    language = models.CharField(_("language of messages"), max_length=8, blank=True,
                                help_text=_("For Slack messages. Leave empty for the site's language."))
    secret_encrypted = models.TextField(editable=False, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    disabled_reason = models.TextField(_("why it was turned off"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["brand__name", "name"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self):
        return f"{self.brand} · {self.name}"

    @property
    def secret(self) -> str:
        return decrypt_secrets(self.secret_encrypted).get("signing_secret", "")

    def set_secret(self, value: str) -> None:
        self.secret_encrypted = encrypt_secrets({"signing_secret": value})

    def wants(self, event_type: str) -> bool:
        return event_type in (self.events or [])


class Delivery(models.Model):
    """One event for one subscription: sent until the receiver answers 2xx, or given up."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries",
                                     verbose_name=_("subscription"))
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4)
    event_type = models.CharField(_("event"), max_length=40, choices=[(e, e) for e in EVENT_TYPES])
    payload = models.JSONField(_("body"))
    status = models.CharField(_("status"), max_length=12, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    response_code = models.PositiveIntegerField(_("answer"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("took (ms)"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["subscription", "event_id"], name="one_delivery_per_event")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.event_type} → {self.subscription}"
