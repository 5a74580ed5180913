import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a time zone name such as Europe/Paris."), params={"value": value})


class Profile(models.Model):
    """A user's own preferences: interface language and time zone."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True,
        help_text=_("Leave empty to follow the browser's language."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone],
        help_text=_("For example Europe/Paris. Leave empty to use the server's time zone."),
    )
    after_resolving = models.CharField(
        _("after resolving a mention"), max_length=8, default="next",
        choices=[("next", _("Open the next mention")), ("stay", _("Stay on the mention"))],
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)
