"""Durations as people read them: "45 min", "6 h 50 min", "3 days 4 h", "12 days" — never
"410.5". Every screen that shows how long something took or has waited writes it this way."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Beyond a week the hours are noise next to the days.
DAYS_ONLY_FROM = 7


def duration_text(minutes: float | None) -> str:
    """Rounded down to the minute; negative durations are read as their size."""
    if minutes is None:
        return ""
    minutes = int(abs(minutes))
    if minutes < 1:
        return _("under 1 min")
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        day_words = ngettext("%(d)d day", "%(d)d days", days) % {"d": days}
        if days >= DAYS_ONLY_FROM or not hours:
            return day_words
        return _("%(days)s %(h)d h") % {"days": day_words, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": mins} if mins else _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": mins}
