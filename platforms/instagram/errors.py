"""Instagram's Graph API errors, fetching and sending, as one PlatformError in plain words.
Graph error codes decide (the same codes as Facebook's, plus Instagram's own); Meta's words
are only shown. A rate limit says when access comes back: Meta puts it in the
X-Business-Use-Case-Usage header of the refused response, which the client keeps."""

import json
from datetime import datetime, timedelta, timezone

import facebook
import requests
from django.utils.translation import gettext as _

from platforms.errors import PlatformError
from platforms.facebook.errors import (
    ALREADY_REPLIED_PRIVATELY,
    BLOCKED_AS_ABUSIVE,
    CANNOT_REPLY_PRIVATELY,
    PERSON_UNAVAILABLE,
)
from platforms.facebook.graph import (
    PERMISSION_CODES,
    RATE_LIMIT_CODES,
    REAUTH_CODES,
    graph_client,
)
from platforms.http import TimeoutSession, network_error, retry_after

INSTAGRAM_RATE_LIMIT = 80002  # Instagram's Business Use Case limit
RATE_LIMITS = RATE_LIMIT_CODES | {INSTAGRAM_RATE_LIMIT}
DOES_NOT_EXIST = 33  # subcode of 100: the comment or media was deleted, or the token can't see it
OUTSIDE_WINDOW = 2534022  # subcode of 10: a private reply after its 7 days


class RememberingSession(TimeoutSession):
    """facebook-sdk drops the response of a failed request; its headers say when a rate
    limit ends, so the session keeps the last one."""

    last_response = None

    def request(self, *args, **kwargs):
        self.last_response = super().request(*args, **kwargs)
        return self.last_response


def instagram_client(token: str) -> facebook.GraphAPI:
    graph = graph_client(token)
    graph.session = RememberingSession()
    return graph


def regain_at(response) -> datetime | None:
    """When Meta says the account may call again: the longest estimated_time_to_regain_access
    (minutes) in X-Business-Use-Case-Usage, else Retry-After."""
    if response is None:
        return None
    try:
        usage = json.loads(response.headers.get("X-Business-Use-Case-Usage") or "{}")
        minutes = max((int(entry.get("estimated_time_to_regain_access") or 0)
                       for entries in usage.values() for entry in entries), default=0)
    except (ValueError, TypeError, AttributeError):
        minutes = 0
    if minutes:
        return datetime.now(timezone.utc) + timedelta(minutes=minutes)
    return retry_after(response)


def _details(error) -> tuple[int | None, int | None, str]:
    details = error.result.get("error", {}) if isinstance(error.result, dict) else {}
    return error.code, details.get("error_subcode"), str(error.message)[:300]


def _common(error: Exception) -> PlatformError | None:
    """Failures that read the same fetching or sending."""
    if isinstance(error, PlatformError):  # Écoute's shared request quota
        return error
    if isinstance(error, requests.RequestException):
        return network_error(error, "Instagram")
    if isinstance(error, (KeyError, ValueError, TypeError)):  # facebook-sdk choking on an odd response
        return PlatformError(_("Instagram sent an answer Écoute could not read. Écoute will retry."), permanent=False)
    if not isinstance(error, facebook.GraphAPIError):
        raise error
    return None


def fetch_error(error: Exception, source, response=None) -> PlatformError:
    common = _common(error)
    if common is not None:
        return common
    code, subcode, said = _details(error)
    name = source.credential.name if source.credential else "?"
    if code in REAUTH_CODES:
        return PlatformError(
            _("Instagram refused the access token of “%(name)s” (error %(code)s): it expired, was revoked, or the "
              "password changed. An admin must paste a new Page access token in the admin.")
            % {"name": name, "code": f"{code}/{subcode}" if subcode else code},
            permanent=True, needs_reauth=True)
    if code in PERMISSION_CODES:
        return PlatformError(
            _("Instagram denied a permission (error %(code)s): %(said)s. The token needs instagram_basic, "
              "instagram_manage_comments and pages_read_engagement; grant them, then resume the source.")
            % {"code": code, "said": said}, permanent=True)
    if code in RATE_LIMITS:
        return PlatformError(_("Instagram's rate limit is reached (error %(code)s). Écoute will wait and retry.")
                             % {"code": code}, permanent=False, retry_at=regain_at(response))
    if code == 100 and subcode == DOES_NOT_EXIST:
        return PlatformError(
            _("Instagram says account %(account)s does not exist or this token can't see it: check that it is a "
              "professional account linked to the token's Page.") % {"account": source.target}, permanent=True)
    if code == 100:
        return PlatformError(_("Instagram rejected the request (error 100): %(said)s") % {"said": said},
                             permanent=True)
    return PlatformError(_("Instagram failed (error %(code)s): %(said)s. Écoute will retry.")
                         % {"code": code or "?", "said": said}, permanent=False)


def send_error(error: Exception, credential, response=None) -> PlatformError:
    common = _common(error)
    if common is not None:
        return common
    code, subcode, said = _details(error)
    if code in REAUTH_CODES:
        return PlatformError(
            _("Instagram refused the access token of “%(name)s” (error %(code)s): it expired, was revoked, or the "
              "password changed. An admin must paste a new Page access token, then the reply can be retried.")
            % {"name": credential.name, "code": f"{code}/{subcode}" if subcode else code},
            permanent=True, needs_reauth=True)
    if code == ALREADY_REPLIED_PRIVATELY:
        return PlatformError(_("Instagram says this comment already has its private reply: it allows only one. "
                               "Look in the account's Instagram inbox."), permanent=True)
    if code == 10 and subcode == OUTSIDE_WINDOW:
        return PlatformError(_("Instagram allows a private reply only within 7 days of the comment; this one is "
                               "older. Reply publicly instead."), permanent=True)
    if code in (CANNOT_REPLY_PRIVATELY, PERSON_UNAVAILABLE):
        return PlatformError(_("Instagram won't deliver a private reply to this person (error %(code)s): %(said)s")
                             % {"code": code, "said": said}, permanent=True)
    if code == BLOCKED_AS_ABUSIVE:
        return PlatformError(_("Instagram blocked this reply as unwanted (error 368): %(said)s") % {"said": said},
                             permanent=True)
    if code in PERMISSION_CODES:
        return PlatformError(
            _("Instagram denied a permission (error %(code)s): %(said)s. Public replies need "
              "instagram_manage_comments and private ones instagram_manage_messages on the token.")
            % {"code": code, "said": said}, permanent=True)
    if code in RATE_LIMITS:
        return PlatformError(_("Instagram's rate limit is reached (error %(code)s).") % {"code": code},
                             permanent=False, retry_at=regain_at(response))
    if code == 100 and subcode == DOES_NOT_EXIST:
        return PlatformError(_("Instagram says this comment or post no longer exists: it was deleted, or its "
                               "author's account was closed. Nothing was sent."), permanent=True)
    if code == 100:
        return PlatformError(_("Instagram rejected this reply (error 100): %(said)s. The comment may have been "
                               "deleted or hidden.") % {"said": said}, permanent=True)
    return PlatformError(_("Instagram failed (error %(code)s): %(said)s") % {"code": code or "?", "said": said},
                         permanent=False)
