from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from listening.models import Mention


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
