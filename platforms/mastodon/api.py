"""Mastodon's REST API over requests, for any instance: the brand account's access token,
the instance's rate-limit headers, Link-header paging and the instance's post length."""

from urllib.parse import urlsplit

import requests
from django.core.cache import cache
from django.utils.translation import gettext as _

from platforms.errors import PlatformError
from platforms.http import TimeoutSession
from platforms.mastodon.errors import answer_error, request_error
from platforms.quota import quota_take

KEY = "mastodon"
MENTIONS_KIND = "mastodon_mentions"
HASHTAG_KIND = "mastodon_hashtag"
INSTANCE = "mastodon_instance"
TOKEN = "mastodon_access_token"
SECRETS = (INSTANCE, TOKEN)
QUOTA = 600  # Écoute's own budget per 15 minutes; instances allow 300 per 5 minutes per account
DEFAULT_MAX_CHARACTERS = 500  # Mastodon's own default, used when the instance doesn't say
LIMIT_CACHE_SECONDS = 24 * 3600


def instance_url(value: str) -> str:
    """https://host of an instance written as "mastodon.social", "@x@host" or a full URL."""
    value = (value or "").strip().rstrip("/")
    if "@" in value and "://" not in value:
        value = value.rsplit("@", 1)[1]
    if "://" not in value:
        value = f"https://{value}"
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise PlatformError(_("“%(value)s” is not a Mastodon instance address (https://… expected).") % {"value": value},
                            permanent=True)
    return f"https://{parts.netloc}"


class MastodonClient:
    """One instance, one access token. Every request counts against Écoute's quota and
    every failure becomes a PlatformError in plain words."""

    def __init__(self, credential):
        secrets = credential.secrets if credential else {}
        name = credential.name if credential else "?"
        if not secrets.get(INSTANCE) or not secrets.get(TOKEN):
            raise PlatformError(
                _("The credential “%(name)s” needs the Mastodon instance address and an access token of the "
                  "brand's account: an admin must add them.") % {"name": name}, permanent=True, needs_reauth=True)
        self.base = instance_url(secrets[INSTANCE])
        self.host = urlsplit(self.base).hostname
        self.credential_name = name
        self.session = TimeoutSession()
        self.session.headers.update({"Authorization": f"Bearer {secrets[TOKEN]}", "Accept": "application/json"})
        self._me = None

    def request(self, method: str, path_or_url: str, *, sending: bool = False, **kwargs) -> requests.Response:
        url = path_or_url if path_or_url.startswith("https://") else f"{self.base}{path_or_url}"
        quota_take(KEY, default=QUOTA)
        try:
            answer = self.session.request(method, url, **kwargs)
        except requests.RequestException as error:
            raise request_error(error) from error
        if answer.status_code >= 400:
            raise answer_error(answer, credential_name=self.credential_name, sending=sending)
        return answer

    def json(self, method: str, path_or_url: str, **kwargs):
        answer = self.request(method, path_or_url, **kwargs)
        try:
            return answer.json()
        except ValueError as error:
            raise PlatformError(_("Mastodon sent an answer Écoute could not read. Écoute will retry."),
                                permanent=False) from error

    def me(self) -> dict:
        """The brand's own account (the access token's)."""
        if self._me is None:
            self._me = self.json("GET", "/api/v1/accounts/verify_credentials")
        return self._me

    def max_characters(self) -> int:
        return instance_max_characters(self.base, self.session)


def instance_max_characters(base: str, session: requests.Session | None = None) -> int:
    """The instance's post length (GET /api/v2/instance, configuration.statuses.max_characters),
    cached for a day; Mastodon's default 500 when the instance can't be asked (cached briefly)."""
    key = f"mastodon:max_characters:{base}"
    cached = cache.get(key)
    if cached:
        return cached
    try:
        answer = (session or TimeoutSession()).get(f"{base}/api/v2/instance", timeout=(3, 5))
        answer.raise_for_status()
        limit = int(answer.json()["configuration"]["statuses"]["max_characters"])
        cache.set(key, limit, LIMIT_CACHE_SECONDS)
        return limit
    except (requests.RequestException, ValueError, KeyError, TypeError):
        cache.set(key, DEFAULT_MAX_CHARACTERS, 10 * 60)
        return DEFAULT_MAX_CHARACTERS
