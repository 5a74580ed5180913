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
