"""Writes for a user's own preferences."""

from accounts.models import Profile


def profile_preferences_set(*, user, **changes) -> Profile:
    """Saves the given preferences (language, time_zone) on the user's profile, creating it."""
    profile, _created = Profile.objects.get_or_create(user=user)
    for name, value in changes.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save(update_fields=list(changes))
    return profile
