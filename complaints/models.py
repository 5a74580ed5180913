from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import roles
from listening.models import Brand, Mention


class Note(models.Model):
    """An internal note on a mention, visible to the team only."""

    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="notes", verbose_name=_("mention"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"),
    )
    text = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")


class ClassifierModel(models.Model):
    """A trained version of the mention classifier, with the figures it was judged on."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("trained"), auto_now_add=True)
    is_active = models.BooleanField(_("active"), default=False)
    artifact = models.BinaryField(_("model file"), editable=False)
    metrics = models.JSONField(_("cross-validated metrics"), default=dict)
    examples = models.PositiveIntegerField(_("training examples"), default=0)
    corrections = models.PositiveIntegerField(_("of which corrections"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("classifier version")
        verbose_name_plural = _("classifier versions")
        constraints = [models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True),
                                               name="one_active_classifier")]

    def __str__(self):
        return self.version

    @property
    def macro_f1(self) -> float:
        return float(self.metrics.get("macro_f1", 0.0))


# --- Crisis alerts


class CrisisAlertState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


ACTIVE_ALERT_STATES = (CrisisAlertState.OPEN, CrisisAlertState.ACKNOWLEDGED)


class CrisisAlert(models.Model):
    """A brand's complaint burst, from its first hour in crisis until someone resolves it.
    While it is open or acknowledged, later checks update its figures instead of opening
    another alert: one crisis pages people once."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="crisis_alerts", verbose_name=_("brand"))
    state = models.CharField(_("state"), max_length=16, choices=CrisisAlertState.choices,
                             default=CrisisAlertState.OPEN)
    opened_at = models.DateTimeField(_("opened"))
    window_start = models.DateTimeField(_("crisis from"), help_text=_("Start of the first hour found in crisis."))
    window_end = models.DateTimeField(_("crisis until"), help_text=_("End of the last hour found in crisis."))
    last_seen_at = models.DateTimeField(_("last found in crisis"))
    # The last check's figures (complaints, mentions, usual level, scores, peak) and its
    # reasons as codes, so they are rendered in each reader's language.
    figures = models.JSONField(_("figures"), default=dict)
    reasons = models.JSONField(_("reasons"), default=list)
    top_mention_ids = models.JSONField(_("most shared complaints"), default=list)

    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("acknowledged by"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("resolved by"),
    )

    notified_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    emailed_user_ids = models.JSONField(_("e-mailed to"), default=list, blank=True)  # each person once

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("crisis alert")
        verbose_name_plural = _("crisis alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["brand"], condition=models.Q(state__in=[s.value for s in ACTIVE_ALERT_STATES]),
                name="one_active_crisis_alert_per_brand",
            ),
        ]
        indexes = [models.Index(fields=["state", "-opened_at"], name="crisis_alert_state_opened")]

    def __str__(self):
        return f"{self.brand} · {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_ALERT_STATES


class CrisisSettings(models.Model):
    """How a brand's crisis alerts are delivered by e-mail. A brand without settings is checked,
    and its alerts e-mailed to every manager and admin. Chat channels and other tools subscribe to
    `alert.raised` (integrations' webhook subscriptions)."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="crisis_settings",
                                 verbose_name=_("brand"))
    enabled = models.BooleanField(_("check this brand for crises"), default=True)
    email_recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("e-mail recipients"),
        limit_choices_to=models.Q(is_superuser=True) | models.Q(groups__name__in=[roles.MANAGER, roles.ADMIN]),
        help_text=_("Leave empty to e-mail every manager and admin."),
    )

    class Meta:
        verbose_name = _("crisis alert settings")
        verbose_name_plural = _("crisis alert settings")

    def __str__(self):
        return str(self.brand)

