"""Failed-login counting in the shared cache (Redis in production, so every web
process sees the same counts). Both the username and the client address are counted:
guessing one account's password from many addresses, or many accounts' from one
address, are both slowed down."""

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    return [f"login-failures:user:{username.strip().lower()}", f"login-failures:ip:{address}"]


def login_locked(*, username: str, address: str) -> bool:
    counts = cache.get_many(_keys(username, address))
    return any(count >= settings.LOGIN_FAILURE_LIMIT for count in counts.values())


def login_failure_record(*, username: str, address: str) -> None:
    for key in _keys(username, address):
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def login_failures_clear(*, username: str) -> None:
    cache.delete(_keys(username, "")[0])
