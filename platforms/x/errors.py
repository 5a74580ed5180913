"""X's answers, fetching and sending, as one PlatformError in plain words. X's HTTP status
decides; X's own words are only shown."""

from datetime import datetime, timezone

import requests
import tweepy
from django.utils.translation import gettext as _

from platforms.base import PRIVATE
from platforms.errors import PlatformError
from platforms.http import network_error

KEY = "twitter"
SEARCH_KIND = "x_search"
MENTIONS_KIND = "x_mentions"
READ_SECRETS = ("bearer_token",)
SEND_SECRETS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")


def _api_detail(error: tweepy.HTTPException) -> str:
    messages = [m for m in error.api_messages if m] or [str(error.response.reason or "")]
    return "; ".join(messages)[:300]


def fetch_error(error: Exception, source) -> PlatformError:
    """X's HTTP status says what happened; the message text is only shown, never parsed."""
    name = source.credential.name if source.credential else "?"
    if isinstance(error, tweepy.TooManyRequests):
        reset = getattr(error, "reset_time", None)
        retry_at = datetime.fromtimestamp(reset, tz=timezone.utc) if reset else None
        return PlatformError("X rate limit reached (429). Polling resumes at X's reset time.",
                              permanent=False, retry_at=retry_at)
    if isinstance(error, tweepy.Unauthorized):
        return PlatformError(
            f"X refused the credential “{name}” (401): the token is invalid, expired or revoked. "
            "Paste a new token in the admin, then re-enable the source.", permanent=True, needs_reauth=True)
    if isinstance(error, tweepy.Forbidden):
        return PlatformError(
            f"X refused access (403): the app behind “{name}” lacks the access level for this request. "
            f"X says: {_api_detail(error)}", permanent=True)
    if isinstance(error, tweepy.NotFound):
        return PlatformError(f"X says “{source.target}” does not exist (404). Check the account name.", permanent=True)
    if isinstance(error, tweepy.BadRequest):
        return PlatformError(f"X rejected the query (400): {_api_detail(error)}. Fix the source's query.", permanent=True)
    if isinstance(error, tweepy.TwitterServerError):
        return PlatformError(f"X had a server error ({error.response.status_code}). Écoute will retry.", permanent=False)
    if isinstance(error, tweepy.HTTPException):
        return PlatformError(f"X answered {error.response.status_code}: {_api_detail(error)}", permanent=False)
    if isinstance(error, requests.RequestException):
        return network_error(error, "X")
    if isinstance(error, (KeyError, ValueError, TypeError)):  # a response that isn't the JSON X documents
        return PlatformError(f"X sent a response Écoute could not read ({error!r:.100}). Écoute will retry.",
                              permanent=False)
    raise error


def send_error(error: Exception, credential, visibility: str) -> PlatformError:
    """X's HTTP status decides; X's own words are only shown."""
    name = credential.name
    if isinstance(error, PlatformError):  # Écoute's shared request quota
        return error
    if isinstance(error, tweepy.TooManyRequests):
        reset = getattr(error, "reset_time", None)
        return PlatformError(_("X's rate limit is reached (429): the reply goes out when X accepts requests again."),
                         permanent=False, retry_at=datetime.fromtimestamp(reset, tz=timezone.utc) if reset else None)
    if isinstance(error, tweepy.Unauthorized):
        return PlatformError(
            _("X refused the credential “%(name)s” (401): its access token is invalid, expired or revoked. "
              "An admin must paste new access tokens for the brand's account, then the reply can be retried.")
            % {"name": name}, permanent=True, needs_reauth=True)
    if isinstance(error, tweepy.Forbidden):
        if visibility == PRIVATE:
            reason = _("X refused to deliver this direct message (403). The person may not accept messages "
                       "from the brand's account, or the app may lack direct-message access.")
        else:
            reason = _("X refused to publish this reply (403). X only lets an account reply when the author "
                       "allows it: the author may have limited replies to people they mentioned or follow. "
                       "The app may also lack write access, or the same text was already posted.")
        said = _("X says: %(said)s") % {"said": _api_detail(error)}
        return PlatformError(f"{reason} {said}", permanent=True)
    if isinstance(error, tweepy.NotFound):
        return PlatformError(_("X says the post or person no longer exists (404): it may have been deleted."),
                         permanent=True)
    if isinstance(error, tweepy.BadRequest):
        return PlatformError(_("X rejected this reply (400): %(said)s") % {"said": _api_detail(error)}, permanent=True)
    if isinstance(error, tweepy.TwitterServerError):
        return PlatformError(_("X had a server error (%(status)s).") % {"status": error.response.status_code},
                         permanent=False)
    if isinstance(error, tweepy.HTTPException):
        return PlatformError(_("X answered %(status)s: %(said)s") % {"status": error.response.status_code,
                                                                 "said": _api_detail(error)}, permanent=False)
    if isinstance(error, requests.RequestException):
        return network_error(error, "X")
    if isinstance(error, (KeyError, ValueError, TypeError)):  # an answer that isn't the JSON X documents
        return PlatformError(_("X sent an answer Écoute could not read."), permanent=False)
    raise error
