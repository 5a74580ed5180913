"""Failed-login counting in the shared cache (Redis in production, so every web
process sees the same counts). Both the username and the client address are counted:
guessing one account's password from many addresses, or many accounts' from one
address, are both slowed down.

Behind a reverse proxy every request comes from the proxy's address, so the client's is
read from X-Forwarded-For, but only when the request comes from a proxy listed in
TRUSTED_PROXIES: anyone else could write any address there. Usernames are counted in
their NFKC, case-folded form, the spelling-insensitive form of the name Django signs in."""

import ipaddress
import unicodedata

from django.conf import settings
from django.core.cache import cache


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in settings.TRUSTED_PROXIES)


def client_address(request) -> str:
    """The address the request really came from: each trusted proxy appends the address it
    saw to X-Forwarded-For, so the last address not of a trusted proxy is the client's."""
    address = request.META.get("REMOTE_ADDR", "")
    if not _trusted(address):
        return address
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = hop.strip()
        if not hop:
            continue
        if not _trusted(hop):
            return hop
        address = hop
    return address


def account_key(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip().casefold()


def _keys(username: str, address: str) -> list[str]:
    return [f"login-failures:user:{account_key(username)}", f"login-failures:ip:{address}"]


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
