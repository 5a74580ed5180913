import zoneinfo

from django.utils import timezone, translation

from accounts.models import Profile


class UserPreferencesMiddleware:
    """Applies the logged-in user's language and time zone, when they chose one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        profile = None
        if request.user.is_authenticated:
            profile = Profile.objects.filter(user=request.user).first()
        if profile and profile.language:
            translation.activate(profile.language)
            request.LANGUAGE_CODE = profile.language
        if profile and profile.time_zone:
            timezone.activate(zoneinfo.ZoneInfo(profile.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)
