"""A request quota per platform, shared by all workers through Redis (the shared cache)."""

import time
from datetime import datetime, timezone

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from platforms.errors import ErrorKind

QUOTA_USED_UP = ErrorKind("quota_used_up", _(
    "Écoute's own %(platform)s quota (%(limit)s requests per 15 minutes, shared by all workers) is used up."))

QUOTA_WINDOW_SECONDS = 15 * 60


def quota_take(platform: str, default: int | None = None) -> None:
    """Counts one request against the platform's shared 15-minute quota, or raises a
    transient PlatformError saying when the window reopens. `default`: the platform's own
    quota when settings.PLATFORM_QUOTAS doesn't set one."""
    limit = settings.PLATFORM_QUOTAS.get(platform, default)
    if not limit:
        return
    window = int(time.time()) // QUOTA_WINDOW_SECONDS
    key = f"quota:{platform}:{window}"
    cache.add(key, 0, timeout=QUOTA_WINDOW_SECONDS + 60)
    try:
        used = cache.incr(key)
    except ValueError:  # the key expired in between
        cache.set(key, 1, timeout=QUOTA_WINDOW_SECONDS + 60)
        used = 1
    if used > limit:
        reopens = datetime.fromtimestamp((window + 1) * QUOTA_WINDOW_SECONDS, tz=timezone.utc)
        raise QUOTA_USED_UP.error(permanent=False, retry_at=reopens, platform=platform, limit=limit)
