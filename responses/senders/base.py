"""The one interface every platform's sending side implements.

A sender publishes one reply and, when an earlier attempt may have reached the platform,
looks there for that reply before anything is posted again. It never writes to the
database: responses/services.py records what happened."""

import html
import re
from datetime import datetime

import requests
from django.utils.translation import gettext as _


class SendError(Exception):
    """A reply that could not be sent, said in plain words for the agent.

    permanent: retrying won't help until a person acts (the platform refused this reply,
    the token was revoked). needs_reauth: an admin must paste new tokens on the credential.
    retry_at: when the platform says it will accept requests again (rate limits)."""

    def __init__(self, message: str, *, permanent: bool, needs_reauth: bool = False, retry_at: datetime | None = None):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.needs_reauth = needs_reauth
        self.retry_at = retry_at


class Sender:
    """Publishes replies for one credential on one platform."""

    platform: str = ""

    def __init__(self, credential):
        self.credential = credential

    def check(self, *, mention, visibility: str) -> None:
        """Raises a permanent SendError when this reply can't be sent at all, before any request."""

    def send(self, response) -> str:
        """Posts the reply; returns the platform's id for it."""
        raise NotImplementedError

    def find_existing(self, response, *, exclude: set[str]) -> str | None:
        """The platform id of this reply if the platform already has it (ids in `exclude`
        belong to other responses and are never returned)."""
        raise NotImplementedError


_LEADING_HANDLES = re.compile(r"^(?:@\w+\s+)+")
_URL = re.compile(r"https?://\S+")


def comparable(text: str) -> str:
    """A reply's text as the platform gives it back: X prefixes the @handles it replies to,
    escapes &, < and >, and rewrites links to t.co; spacing may change."""
    text = html.unescape(text or "")
    text = _LEADING_HANDLES.sub("", text.strip())
    text = _URL.sub("<link>", text)
    return " ".join(text.split()).casefold()


def same_text(ours: str, theirs: str) -> bool:
    return bool(comparable(ours)) and comparable(ours) == comparable(theirs)


def network_error(error: requests.RequestException, platform: str) -> SendError:
    """A request that got no answer. Whether it reached the platform is unknown, so the
    next attempt first looks for the reply there (see response_send)."""
    return SendError(
        _("%(platform)s could not be reached (%(error)s).") % {"platform": platform, "error": error.__class__.__name__},
        permanent=False,
    )
