"""Graph API errors, fetching and sending, as one PlatformError in plain words. Graph error
codes decide; Facebook's own words are only shown."""

from datetime import timedelta

import facebook
import requests
from django.utils.translation import gettext as _

from platforms.errors import PlatformError
from platforms.facebook.graph import PERMISSION_CODES, RATE_LIMIT_CODES, REAUTH_CODES
from platforms.http import network_error

PRIVATE_REPLY_WINDOW = timedelta(days=7)
ALREADY_REPLIED_PRIVATELY = 10900
CANNOT_REPLY_PRIVATELY = 10903
PERSON_UNAVAILABLE = 551
BLOCKED_AS_ABUSIVE = 368


def fetch_error(error: Exception, source) -> PlatformError:
    """Graph error codes decide; the message is only shown to the admin."""
    if isinstance(error, requests.RequestException):
        return network_error(error, "Facebook")
    if isinstance(error, (KeyError, ValueError, TypeError)):  # facebook-sdk choking on an odd response
        return PlatformError(f"Facebook sent a response Écoute could not read ({error!r:.100}). Écoute will retry.",
                              permanent=False)
    if not isinstance(error, facebook.GraphAPIError):
        raise error
    details = error.result.get("error", {}) if isinstance(error.result, dict) else {}
    code, subcode = error.code, details.get("error_subcode")
    name = source.credential.name if source.credential else "?"
    said = str(error.message)[:300]
    if code in REAUTH_CODES:
        return PlatformError(
            f"Facebook refused the Page token of “{name}” (error {code}{f'/{subcode}' if subcode else ''}): "
            "it expired, was revoked, or the password changed. Paste a new Page access token in the admin.",
            permanent=True, needs_reauth=True)
    if code in PERMISSION_CODES:
        return PlatformError(f"Facebook denied a permission (error {code}): {said}. Grant it to the app, then re-enable the source.",
                              permanent=True)
    if code == 100 and subcode == 33:
        return PlatformError(f"Facebook says Page {source.target} does not exist or this token can't see it.", permanent=True)
    if code in RATE_LIMIT_CODES:
        return PlatformError(f"Facebook rate limit reached (error {code}). Écoute will wait and retry.", permanent=False)
    if code == 100:
        return PlatformError(f"Facebook rejected the request (error 100): {said}", permanent=True)
    return PlatformError(f"Facebook failed{f' (error {code})' if code else ''}: {said}. Écoute will retry.", permanent=False)


def send_error(error: Exception, credential) -> PlatformError:
    """Graph error codes decide; Facebook's own words are only shown."""
    if isinstance(error, PlatformError):  # Écoute's shared request quota
        return error
    if isinstance(error, requests.RequestException):
        return network_error(error, "Facebook")
    if isinstance(error, (KeyError, ValueError, TypeError)):
        return PlatformError(_("Facebook sent an answer Écoute could not read."), permanent=False)
    if not isinstance(error, facebook.GraphAPIError):
        raise error
    details = error.result.get("error", {}) if isinstance(error.result, dict) else {}
    code, subcode, said = error.code, details.get("error_subcode"), str(error.message)[:300]
    if code in REAUTH_CODES:
        return PlatformError(
            _("Facebook refused the Page token of “%(name)s” (error %(code)s): it expired, was revoked, or the "
              "password changed. An admin must paste a new Page access token, then the reply can be retried.")
            % {"name": credential.name, "code": f"{code}/{subcode}" if subcode else code},
            permanent=True, needs_reauth=True)
    if code == ALREADY_REPLIED_PRIVATELY:
        return PlatformError(_("Facebook says this comment already has its private reply: it allows only one. "
                           "Look in the Page's inbox."), permanent=True)
    if code in (CANNOT_REPLY_PRIVATELY, PERSON_UNAVAILABLE):
        return PlatformError(_("Facebook won't deliver a private reply to this person (error %(code)s): %(said)s")
                         % {"code": code, "said": said}, permanent=True)
    if code == BLOCKED_AS_ABUSIVE:
        return PlatformError(_("Facebook blocked this reply as unwanted (error 368): %(said)s") % {"said": said},
                         permanent=True)
    if code in PERMISSION_CODES:
        return PlatformError(
            _("Facebook denied a permission (error %(code)s): %(said)s. Public replies need "
              "pages_manage_engagement and private ones pages_messaging on the Page token.")
            % {"code": code, "said": said}, permanent=True)
    if code in RATE_LIMIT_CODES:
        return PlatformError(_("Facebook's rate limit is reached (error %(code)s).") % {"code": code}, permanent=False)
    if code == 100:
        return PlatformError(_("Facebook rejected this reply (error 100): %(said)s. The post or comment may have "
                           "been deleted.") % {"said": said}, permanent=True)
    return PlatformError(_("Facebook failed (error %(code)s): %(said)s") % {"code": code or "?", "said": said},
                     permanent=False)
