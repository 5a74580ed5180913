"""Cross-worker coordination in Redis (the shared cache): a lock per source and a
request quota per platform. Without REDIS_URL (the demo) the in-memory cache does
the same job for the single process there is."""

import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

from django.conf import settings
from django.core.cache import cache

QUOTA_WINDOW_SECONDS = 15 * 60


@contextmanager
def exclusive(name: str, seconds: int):
    """Yields True when this process holds the lock, False when someone else does.
    The lock expires by itself, so a worker killed mid-poll doesn't block the source."""
    key, token = f"lock:{name}", uuid.uuid4().hex
    acquired = cache.add(key, token, timeout=seconds)
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)


def quota_take(platform: str) -> None:
    """Counts one request against the platform's shared 15-minute quota, or raises a
    transient ConnectorError saying when the window reopens."""
    from listening.connectors.base import ConnectorError  # the connectors import this module

    limit = settings.PLATFORM_QUOTAS.get(platform)
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
        raise ConnectorError(
            f"Écoute's own {platform} quota ({limit} requests per 15 minutes, shared by all workers) is used up.",
            permanent=False, retry_at=reopens)
