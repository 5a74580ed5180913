"""HTTP helpers shared by the platform packages."""

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import requests
from django.utils.translation import gettext_lazy as _

from platforms.errors import ErrorKind, PlatformError

UNREACHABLE = ErrorKind("unreachable", _("%(platform)s could not be reached (%(error)s). Écoute will retry."))

HTTP_TIMEOUT = (5, 30)  # connect, read: a platform that hangs must not hang a worker


class TimeoutSession(requests.Session):
    """A requests session that always has a timeout, for clients that set none."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(*args, **kwargs)


def network_error(error: Exception, platform: str) -> PlatformError:
    """A request that got no answer. For a reply, whether it reached the platform is unknown,
    so the next attempt first looks for the reply there (see response_send)."""
    return UNREACHABLE.error(permanent=False, platform=platform, error=error.__class__.__name__)


def retry_after(response) -> datetime | None:
    """The time a Retry-After header (seconds or an HTTP date) points to."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.isdigit():
        return datetime.now(timezone.utc) + timedelta(seconds=int(value))
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
