"""Writing to one person outside a request (e-mails, notifications): in their language and
time zone, from their profile, or the site's when they never chose."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone, translation


def _language_and_zone(user) -> tuple[str, str]:
    try:
        profile = user.profile
    except ObjectDoesNotExist:  # a user who never saved preferences
        profile = None
    return ((profile.language if profile and profile.language else settings.LANGUAGE_CODE),
            (profile.time_zone if profile and profile.time_zone else settings.TIME_ZONE))


def in_language_of(user, render):
    language, zone = _language_and_zone(user)
    with translation.override(language), timezone.override(zone):
        return render()
