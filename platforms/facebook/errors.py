"""Graph API errors, fetching and sending, as one PlatformError in plain words. Graph error
codes decide; Facebook's own words are only shown."""

from datetime import timedelta

import facebook
import requests
from django.utils.translation import gettext_lazy as _

from platforms.errors import ErrorKind, PlatformError
from platforms.facebook.graph import PERMISSION_CODES, RATE_LIMIT_CODES, REAUTH_CODES
from platforms.http import network_error

PRIVATE_REPLY_WINDOW = timedelta(days=7)
ALREADY_REPLIED_PRIVATELY = 10900
CANNOT_REPLY_PRIVATELY = 10903
PERSON_UNAVAILABLE = 551
BLOCKED_AS_ABUSIVE = 368
OUTSIDE_WINDOW = (10, 2018278)  # code 10 is "permission denied", except with this subcode

# Reading.
NO_PAGE_TOKEN = ErrorKind("facebook.no_page_token", _(
    "This Facebook source has no Page access token. Add one to its credential in the admin."))
UNREADABLE = ErrorKind("facebook.unreadable", _("Facebook sent a response Écoute could not read. Écoute will retry."))
TOKEN_REFUSED = ErrorKind("facebook.token_refused", _(
    "Facebook refused the Page token of “%(name)s” (error %(code)s): it expired, was revoked, or the password "
    "changed. Paste a new Page access token in the admin."))
PERMISSION_DENIED = ErrorKind("facebook.permission_denied", _(
    "Facebook denied a permission (error %(code)s): %(said)s. Grant it to the app, then re-enable the source."))
PAGE_NOT_FOUND = ErrorKind("facebook.page_not_found", _(
    "Facebook says Page %(target)s does not exist or this token can't see it."))
RATE_LIMITED = ErrorKind("facebook.rate_limited", _(
    "Facebook rate limit reached (error %(code)s). Écoute will wait and retry."))
REQUEST_REJECTED = ErrorKind("facebook.request_rejected", _("Facebook rejected the request (error 100): %(said)s"))
FAILED = ErrorKind("facebook.failed", _("Facebook failed (error %(code)s): %(said)s. Écoute will retry."))

# Replying.
NO_SEND_TOKEN = ErrorKind("facebook.no_send_token", _(
    "The credential “%(name)s” has no Page access token: an admin must add one."))
TOO_LATE_FOR_PRIVATE = ErrorKind("facebook.too_late_for_private", _(
    "Facebook allows a private reply only within 7 days of the comment or post; this one is older. "
    "Reply publicly instead."))
SEND_UNREADABLE = ErrorKind("facebook.send_unreadable", _("Facebook sent an answer Écoute could not read."))
SEND_TOKEN_REFUSED = ErrorKind("facebook.send_token_refused", _(
    "Facebook refused the Page token of “%(name)s” (error %(code)s): it expired, was revoked, or the password "
    "changed. An admin must paste a new Page access token, then the reply can be retried."))
ALREADY_PRIVATE = ErrorKind("facebook.already_private", _(
    "Facebook says this comment already has its private reply: it allows only one. Look in the Page's inbox."))
CANNOT_PRIVATE = ErrorKind("facebook.cannot_private", _(
    "Facebook won't deliver a private reply to this comment (error %(code)s): %(said)s"))
UNAVAILABLE = ErrorKind("facebook.person_unavailable", _(
    "Facebook says this person isn't available right now (error 551): they may have deactivated their account, "
    "blocked the Page or turned off messages. Nothing is wrong with the Page's settings; reply publicly or "
    "another way."))
WINDOW_CLOSED = ErrorKind("facebook.window_closed", _(
    "Facebook refused this message because it is outside the allowed window (error 10/2018278): the Page may "
    "answer privately only for a limited time after the person's comment or last message. Nothing is wrong with "
    "the Page's permissions; reply publicly, or wait until the person writes to the Page again."))
BLOCKED = ErrorKind("facebook.blocked", _("Facebook blocked this reply as unwanted (error 368): %(said)s"))
SEND_PERMISSION_DENIED = ErrorKind("facebook.send_permission_denied", _(
    "Facebook denied a permission (error %(code)s): %(said)s. Public replies need pages_manage_engagement and "
    "private ones pages_messaging on the Page token."))
SEND_RATE_LIMITED = ErrorKind("facebook.send_rate_limited", _("Facebook's rate limit is reached (error %(code)s)."))
REPLY_REJECTED = ErrorKind("facebook.reply_rejected", _(
    "Facebook rejected this reply (error 100): %(said)s. The post or comment may have been deleted."))
SEND_FAILED = ErrorKind("facebook.send_failed", _("Facebook failed (error %(code)s): %(said)s"))


def _graph_error(error: Exception) -> tuple[int | None, int | None, str]:
    details = error.result.get("error", {}) if isinstance(error.result, dict) else {}
    return error.code, details.get("error_subcode"), str(error.message)[:300]


def fetch_error(error: Exception, source) -> PlatformError:
    """Graph error codes decide; the message is only shown to the admin."""
    if isinstance(error, requests.RequestException):
        return network_error(error, "Facebook")
    if isinstance(error, (KeyError, ValueError, TypeError)):  # facebook-sdk choking on an odd response
        return UNREADABLE.error(permanent=False)
    if not isinstance(error, facebook.GraphAPIError):
        raise error
    code, subcode, said = _graph_error(error)
    name = source.credential.name if source.credential else "?"
    if code in REAUTH_CODES:
        return TOKEN_REFUSED.error(permanent=True, needs_reauth=True, name=name,
                                   code=f"{code}/{subcode}" if subcode else code)
    if code in PERMISSION_CODES:
        return PERMISSION_DENIED.error(permanent=True, code=code, said=said)
    if code == 100 and subcode == 33:
        return PAGE_NOT_FOUND.error(permanent=True, target=source.target)
    if code in RATE_LIMIT_CODES:
        return RATE_LIMITED.error(permanent=False, code=code)
    if code == 100:
        return REQUEST_REJECTED.error(permanent=True, said=said)
    return FAILED.error(permanent=False, code=code or "?", said=said)


def send_error(error: Exception, credential) -> PlatformError:
    """Graph error codes decide; Facebook's own words are only shown."""
    if isinstance(error, PlatformError):  # Écoute's shared request quota
        return error
    if isinstance(error, requests.RequestException):
        return network_error(error, "Facebook")
    if isinstance(error, (KeyError, ValueError, TypeError)):
        return SEND_UNREADABLE.error(permanent=False)
    if not isinstance(error, facebook.GraphAPIError):
        raise error
    code, subcode, said = _graph_error(error)
    if code in REAUTH_CODES:
        return SEND_TOKEN_REFUSED.error(permanent=True, needs_reauth=True, name=credential.name,
                                        code=f"{code}/{subcode}" if subcode else code)
    if code == ALREADY_REPLIED_PRIVATELY:
        return ALREADY_PRIVATE.error(permanent=True)
    if code == PERSON_UNAVAILABLE:
        return UNAVAILABLE.error(permanent=True)
    if (code, subcode) == OUTSIDE_WINDOW:
        return WINDOW_CLOSED.error(permanent=True)
    if code == CANNOT_REPLY_PRIVATELY:
        return CANNOT_PRIVATE.error(permanent=True, code=code, said=said)
    if code == BLOCKED_AS_ABUSIVE:
        return BLOCKED.error(permanent=True, said=said)
    if code in PERMISSION_CODES:
        return SEND_PERMISSION_DENIED.error(permanent=True, code=code, said=said)
    if code in RATE_LIMIT_CODES:
        return SEND_RATE_LIMITED.error(permanent=False, code=code)
    if code == 100:
        return REPLY_REJECTED.error(permanent=True, said=said)
    return SEND_FAILED.error(permanent=False, code=code or "?", said=said)
