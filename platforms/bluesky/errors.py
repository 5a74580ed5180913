"""Bluesky's XRPC answers, fetching and sending, as one PlatformError in plain words. The
HTTP status and the XRPC error name ({"error": "ExpiredToken", "message": "..."}) decide;
Bluesky's own message is only shown."""

from datetime import datetime, timezone

import requests
from django.utils.translation import gettext as _

from platforms.errors import PlatformError
from platforms.http import network_error, retry_after

SESSION_ERRORS = ("ExpiredToken", "InvalidToken")


def error_name(answer: requests.Response) -> tuple[str, str]:
    try:
        body = answer.json()
    except ValueError:
        return "", (answer.reason or "")[:300]
    if not isinstance(body, dict):
        return "", ""
    return str(body.get("error") or ""), str(body.get("message") or body.get("error") or answer.reason or "")[:300]


def reset_time(answer: requests.Response) -> datetime | None:
    """RateLimit-Reset is a Unix time in seconds."""
    value = answer.headers.get("RateLimit-Reset", "")
    if value.isdigit():
        return datetime.fromtimestamp(int(value), tz=timezone.utc)
    return retry_after(answer)


def request_error(error: requests.RequestException) -> PlatformError:
    return network_error(error, "Bluesky")


def login_error(answer: requests.Response, credential_name: str) -> PlatformError:
    """createSession refused: the handle or the app password is wrong, revoked, or the account is down."""
    name, said = error_name(answer)
    if answer.status_code == 429:
        return rate_limited(answer)
    if name in ("AccountTakedown", "AccountDeactivated"):
        return PlatformError(_("Bluesky says the brand's account is taken down or deactivated (%(said)s). "
                               "Nothing can be read or sent until it is restored.") % {"said": said}, permanent=True)
    if answer.status_code in (400, 401):
        return PlatformError(
            _("Bluesky refused to sign in with “%(name)s”: the handle or the app password is wrong, or the app "
              "password was revoked. An admin must create a new app password (Settings → Privacy and security → "
              "App passwords) and paste it in the admin.") % {"name": credential_name},
            permanent=True, needs_reauth=True)
    return answer_error(answer, sending=False)


def rate_limited(answer: requests.Response) -> PlatformError:
    return PlatformError(_("Bluesky's rate limit is reached (429): Écoute waits until it resets."),
                         permanent=False, retry_at=reset_time(answer))


def answer_error(answer: requests.Response, *, sending: bool) -> PlatformError:
    status = answer.status_code
    name, said = error_name(answer)
    values = {"status": status, "said": said, "name": name}
    if status == 429:
        return rate_limited(answer)
    if status == 401 or name in SESSION_ERRORS:
        return PlatformError(_("Bluesky refused the brand's session (%(name)s) even after signing in again. "
                               "An admin must check the app password.") % values, permanent=True, needs_reauth=True)
    if name in ("NotFound", "RecordNotFound") or status == 404:
        return PlatformError(_("Bluesky says the post no longer exists: it was deleted.") if sending else
                             _("Bluesky has no such account or post (%(said)s). Check what the source watches.") % values,
                             permanent=True)
    if name in ("BlockedActor", "BlockedByActor"):
        return PlatformError(_("Bluesky refused: the author has blocked the brand's account, or the brand blocks them."),
                             permanent=True)
    if status == 403:
        return PlatformError(_("Bluesky refused (403): %(said)s") % values, permanent=True)
    if status == 400:
        if sending:
            return PlatformError(_("Bluesky rejected this reply (%(said)s).") % values, permanent=True)
        return PlatformError(_("Bluesky rejected the request (%(said)s). Check the source's search query.") % values,
                             permanent=True)
    if status >= 500:
        return PlatformError(_("Bluesky had a server error (%(status)s). Écoute will retry.") % values, permanent=False)
    return PlatformError(_("Bluesky answered %(status)s: %(said)s") % values, permanent=False)
