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


class TeamRole(models.TextChoices):
    """A person's role on one brand's team (the same three roles as the site-wide ones)."""

    COMMUNITY_MANAGER = "Community manager", _("Community manager")
    MANAGER = "Manager", _("Manager")
    ADMIN = "Admin", _("Admin")


class TeamMembership(models.Model):
    """A person on a brand's team. Someone with a site-wide role (a role group) works on every
    brand; someone without one sees only the brands whose teams they are on, with the role
    given here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships",
                             verbose_name=_("person"))
    brand = models.ForeignKey("listening.Brand", on_delete=models.CASCADE, related_name="team_memberships",
                              verbose_name=_("brand"))
    role = models.CharField(_("role"), max_length=32, choices=TeamRole.choices, default=TeamRole.COMMUNITY_MANAGER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "brand"], name="one_membership_per_brand")]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")

    def __str__(self):
        return f"{self.user} · {self.brand} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored: the token itself is shown once, when it
    is created. It acts as its owner (their brands and role) until it is revoked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("person"))
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “helpdesk sync”."))
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
