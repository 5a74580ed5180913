"""Cross-worker locks in Redis (the shared cache). Without REDIS_URL (the demo) the
in-memory cache does the same job for the single process there is."""

import uuid
from contextlib import contextmanager

from django.core.cache import cache


@contextmanager
def exclusive(name: str, seconds: int):
    """Yields True when this process holds the lock, False when someone else does.
    The lock expires by itself, so a worker killed mid-task doesn't block the work."""
    key, token = f"lock:{name}", uuid.uuid4().hex
    acquired = cache.add(key, token, timeout=seconds)
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)
