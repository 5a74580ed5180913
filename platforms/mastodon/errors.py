"""Mastodon's answers, fetching and sending, as one PlatformError in plain words. The HTTP
status decides; the instance's own words ({"error": "..."}) are only shown."""

from datetime import datetime

import requests
from django.utils.translation import gettext as _

from platforms.errors import PlatformError
from platforms.http import network_error, retry_after


def reset_time(answer: requests.Response) -> datetime | None:
    """When the instance accepts requests again: X-RateLimit-Reset is an ISO 8601 time."""
    value = answer.headers.get("X-RateLimit-Reset")
    if value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
    return retry_after(answer)


def _said(answer: requests.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return (answer.reason or "")[:300]
    said = body.get("error") if isinstance(body, dict) else ""
    return str(said or answer.reason or "")[:300]


def request_error(error: requests.RequestException) -> PlatformError:
    return network_error(error, "Mastodon")


def answer_error(answer: requests.Response, *, credential_name: str, sending: bool) -> PlatformError:
    status, said = answer.status_code, _said(answer)
    values = {"name": credential_name, "status": status, "said": said}
    if status == 429:
        return PlatformError(_("The Mastodon instance's rate limit is reached (429): Écoute waits until it resets."),
                             permanent=False, retry_at=reset_time(answer))
    if status == 401:
        return PlatformError(
            _("The Mastodon instance refused the access token of “%(name)s” (401): it is invalid or was revoked. "
              "An admin must paste a new access token of the brand's account.") % values,
            permanent=True, needs_reauth=True)
    if status == 403:
        return PlatformError(
            _("The Mastodon instance refused (403): the brand's account may be suspended or limited, or the "
              "token of “%(name)s” lacks the read or write scope. The instance says: %(said)s") % values,
            permanent=True)
    if status == 404:
        message = (_("Mastodon says the post no longer exists (404): it was deleted or is hidden from the brand.")
                   if sending else _("The Mastodon instance has no such account, hashtag or page (404). "
                                     "Check what the source watches."))
        return PlatformError(message, permanent=True)
    if status == 410:
        return PlatformError(_("Mastodon says this account or post is gone (410): it was deleted or suspended."),
                             permanent=True)
    if status == 422:
        return PlatformError(_("Mastodon rejected this reply (422): %(said)s") % values, permanent=True)
    if status >= 500:
        return PlatformError(_("The Mastodon instance had a server error (%(status)s). Écoute will retry.") % values,
                             permanent=False)
    return PlatformError(_("The Mastodon instance answered %(status)s: %(said)s") % values, permanent=False)
