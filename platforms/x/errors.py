"""X's answers, fetching and sending, as one PlatformError in plain words. X's HTTP status
decides; X's own words are only shown."""

from datetime import datetime, timezone

import requests
import tweepy
from django.utils.translation import gettext_lazy as _

from platforms.base import PRIVATE
from platforms.errors import ErrorKind, PlatformError
from platforms.http import network_error

KEY = "twitter"
SEARCH_KIND = "x_search"
MENTIONS_KIND = "x_mentions"
READ_SECRETS = ("bearer_token",)
SEND_SECRETS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")

# Reading.
NO_BEARER_TOKEN = ErrorKind("x.no_bearer_token", _(
    "This X source has no bearer token. Add one to its credential in the admin."))
NO_ACCOUNT = ErrorKind("x.no_account", _("X has no account “%(target)s”."))
RATE_LIMITED = ErrorKind("x.rate_limited", _("X rate limit reached (429). Polling resumes at X's reset time."))
TOKEN_REFUSED = ErrorKind("x.token_refused", _(
    "X refused the credential “%(name)s” (401): the token is invalid, expired or revoked. "
    "Paste a new token in the admin, then re-enable the source."))
ACCESS_REFUSED = ErrorKind("x.access_refused", _(
    "X refused access (403): the app behind “%(name)s” lacks the access level for this request. X says: %(said)s"))
TARGET_NOT_FOUND = ErrorKind("x.target_not_found", _(
    "X says “%(target)s” does not exist (404). Check the account name."))
QUERY_REJECTED = ErrorKind("x.query_rejected", _("X rejected the query (400): %(said)s. Fix the source's query."))
PAYMENT_REQUIRED = ErrorKind("x.payment_required", _(
    "X stopped serving this source (402, payment required): the X developer account behind “%(name)s” has no "
    "credits left or its plan does not include this request. Polling is paused. An admin must add credits or "
    "change the plan in X's developer portal, then resume polling. X says: %(said)s"))
SERVER_ERROR = ErrorKind("x.server_error", _("X had a server error (%(status)s). Écoute will retry."))
OTHER_ANSWER = ErrorKind("x.other_answer", _("X answered %(status)s: %(said)s"))
UNREADABLE = ErrorKind("x.unreadable", _("X sent a response Écoute could not read. Écoute will retry."))
STALE_CURSOR = ErrorKind("x.stale_cursor", _(
    "X's recent search only reaches back 7 days, and this source was last read up to %(last_read)s. "
    "Posts from then until %(start)s could not be read and were skipped; reading resumed from %(start)s."))

# Replying.
SEND_RATE_LIMITED = ErrorKind("x.send_rate_limited", _(
    "X's rate limit is reached (429): the reply goes out when X accepts requests again."))
SEND_TOKEN_REFUSED = ErrorKind("x.send_token_refused", _(
    "X refused the credential “%(name)s” (401): its access token is invalid, expired or revoked. "
    "An admin must paste new access tokens for the brand's account, then the reply can be retried."))
MESSAGE_REFUSED = ErrorKind("x.message_refused", _(
    "X refused to deliver this direct message (403). The person may not accept messages from the brand's "
    "account, or the app may lack direct-message access. X says: %(said)s"))
REPLY_REFUSED = ErrorKind("x.reply_refused", _(
    "X refused to publish this reply (403). X only lets an account reply when the author allows it: the author "
    "may have limited replies to people they mentioned or follow. The app may also lack write access, or the same "
    "text was already posted. X says: %(said)s"))
SEND_PAYMENT_REQUIRED = ErrorKind("x.send_payment_required", _(
    "X refused the reply (402, payment required): the X developer account behind “%(name)s” has no credits "
    "left or its plan does not include posting. An admin must add credits or change the plan, then the reply "
    "can be retried. X says: %(said)s"))
GONE = ErrorKind("x.gone", _("X says the post or person no longer exists (404): it may have been deleted."))
REPLY_REJECTED = ErrorKind("x.reply_rejected", _("X rejected this reply (400): %(said)s"))
SEND_SERVER_ERROR = ErrorKind("x.send_server_error", _("X had a server error (%(status)s)."))
SEND_UNREADABLE = ErrorKind("x.send_unreadable", _("X sent an answer Écoute could not read."))
CANNOT_REPLY = ErrorKind("x.cannot_reply", _(
    "The credential “%(name)s” can read X but not reply: an admin must add the API key, API key secret and the "
    "access tokens of the brand's account to it."))
NO_AUTHOR = ErrorKind("x.no_author", _("X does not say who wrote this post, so no direct message can be sent."))


def _api_detail(error: tweepy.HTTPException) -> str:
    messages = [m for m in error.api_messages if m] or [str(error.response.reason or "")]
    return "; ".join(messages)[:300]


def _reset_time(error) -> datetime | None:
    reset = getattr(error, "reset_time", None)
    return datetime.fromtimestamp(reset, tz=timezone.utc) if reset else None


def stale_since_id(error: Exception) -> bool:
    """X's recent search refuses a since_id older than its 7-day window with a 400 whose
    error names the since_id parameter. Any other 400 is the query's fault."""
    if not isinstance(error, tweepy.BadRequest):
        return False
    return any("since_id" in ((e.get("parameters") or {}) if isinstance(e, dict) else {}) for e in error.api_errors)


def fetch_error(error: Exception, source) -> PlatformError:
    """X's HTTP status says what happened; the message text is only shown, never parsed."""
    name = source.credential.name if source.credential else "?"
    if isinstance(error, tweepy.TooManyRequests):
        return RATE_LIMITED.error(permanent=False, retry_at=_reset_time(error))
    if isinstance(error, tweepy.Unauthorized):
        return TOKEN_REFUSED.error(permanent=True, needs_reauth=True, name=name)
    if isinstance(error, tweepy.Forbidden):
        return ACCESS_REFUSED.error(permanent=True, name=name, said=_api_detail(error))
    if isinstance(error, tweepy.NotFound):
        return TARGET_NOT_FOUND.error(permanent=True, target=source.target)
    if isinstance(error, tweepy.BadRequest):
        return QUERY_REJECTED.error(permanent=True, said=_api_detail(error))
    if isinstance(error, tweepy.TwitterServerError):
        return SERVER_ERROR.error(permanent=False, status=error.response.status_code)
    if isinstance(error, tweepy.HTTPException):
        if error.response.status_code == 402:  # credits used up: no retry helps until someone pays
            return PAYMENT_REQUIRED.error(permanent=True, name=name, said=_api_detail(error))
        return OTHER_ANSWER.error(permanent=False, status=error.response.status_code, said=_api_detail(error))
    if isinstance(error, requests.RequestException):
        return network_error(error, "X")
    if isinstance(error, (KeyError, ValueError, TypeError)):  # a response that isn't the JSON X documents
        return UNREADABLE.error(permanent=False)
    raise error


def send_error(error: Exception, credential, visibility: str) -> PlatformError:
    """X's HTTP status decides; X's own words are only shown."""
    name = credential.name
    if isinstance(error, PlatformError):  # Écoute's shared request quota
        return error
    if isinstance(error, tweepy.TooManyRequests):
        return SEND_RATE_LIMITED.error(permanent=False, retry_at=_reset_time(error))
    if isinstance(error, tweepy.Unauthorized):
        return SEND_TOKEN_REFUSED.error(permanent=True, needs_reauth=True, name=name)
    if isinstance(error, tweepy.Forbidden):
        kind = MESSAGE_REFUSED if visibility == PRIVATE else REPLY_REFUSED
        return kind.error(permanent=True, said=_api_detail(error))
    if isinstance(error, tweepy.NotFound):
        return GONE.error(permanent=True)
    if isinstance(error, tweepy.BadRequest):
        return REPLY_REJECTED.error(permanent=True, said=_api_detail(error))
    if isinstance(error, tweepy.TwitterServerError):
        return SEND_SERVER_ERROR.error(permanent=False, status=error.response.status_code)
    if isinstance(error, tweepy.HTTPException):
        if error.response.status_code == 402:
            return SEND_PAYMENT_REQUIRED.error(permanent=True, name=name, said=_api_detail(error))
        return OTHER_ANSWER.error(permanent=False, status=error.response.status_code, said=_api_detail(error))
    if isinstance(error, requests.RequestException):
        return network_error(error, "X")
    if isinstance(error, (KeyError, ValueError, TypeError)):  # an answer that isn't the JSON X documents
        return SEND_UNREADABLE.error(permanent=False)
    raise error
