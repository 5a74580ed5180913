"""Bluesky's XRPC over requests, signed in with the brand account's app password.

The session (access and refresh tokens) is kept in the shared cache, so workers don't sign in
on every poll (Bluesky limits createSession to a few dozen a day). An expired access token is
refreshed by itself (refreshSession), and when the refresh token is spent too, Écoute signs in
again (createSession); only a refused app password needs an admin."""

import hashlib

import requests
from django.core.cache import cache
from django.utils.translation import gettext as _

from platforms.bluesky.errors import (
    SESSION_ERRORS,
    answer_error,
    error_name,
    login_error,
    request_error,
)
from platforms.errors import PlatformError
from platforms.http import TimeoutSession
from platforms.quota import quota_take

KEY = "bluesky"
MENTIONS_KIND = "bluesky_mentions"
SEARCH_KIND = "bluesky_search"
HANDLE = "bluesky_handle"
APP_PASSWORD = "bluesky_app_password"
SERVICE = "bluesky_service"
SECRETS = (HANDLE, APP_PASSWORD)
DEFAULT_SERVICE = "https://bsky.social"
QUOTA = 1500  # Écoute's own budget per 15 minutes; Bluesky allows 3000 per 5 minutes
SESSION_SECONDS = 60 * 24 * 3600  # a refresh token lives about two months


class BlueskyClient:
    def __init__(self, credential):
        secrets = credential.secrets if credential else {}
        self.credential_name = credential.name if credential else "?"
        self.handle = (secrets.get(HANDLE) or "").strip().lstrip("@")
        self.password = secrets.get(APP_PASSWORD) or ""
        if not self.handle or not self.password:
            raise PlatformError(
                _("The credential “%(name)s” needs the Bluesky handle of the brand's account and an app password: "
                  "an admin must add them.") % {"name": self.credential_name}, permanent=True, needs_reauth=True)
        self.service = (secrets.get(SERVICE) or DEFAULT_SERVICE).strip().rstrip("/")
        if not self.service.startswith("https://"):
            raise PlatformError(_("“%(value)s” is not a Bluesky server address (https://… expected).")
                                % {"value": self.service}, permanent=True)
        digest = hashlib.sha256(f"{self.service} {self.handle} {self.password}".encode()).hexdigest()[:20]
        self.cache_key = f"bluesky:session:{credential.pk if credential else 0}:{digest}"
        self.http = TimeoutSession()
        self._session = None

    # --- the session
    @property
    def session(self) -> dict:
        if self._session is None:
            self._session = cache.get(self.cache_key) or self._create_session()
        return self._session

    @property
    def did(self) -> str:
        return self.session["did"]

    def _keep(self, answer: requests.Response) -> dict:
        try:
            body = answer.json()
            session = {k: body[k] for k in ("accessJwt", "refreshJwt", "did", "handle")}
        except (ValueError, KeyError, TypeError) as error:
            raise PlatformError(_("Bluesky sent an answer Écoute could not read. Écoute will retry."),
                                permanent=False) from error
        cache.set(self.cache_key, session, SESSION_SECONDS)
        self._session = session
        return session

    def _post_raw(self, nsid: str, *, token: str | None = None, body: dict | None = None) -> requests.Response:
        quota_take(KEY, default=QUOTA)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            return self.http.post(f"{self.service}/xrpc/{nsid}", json=body, headers=headers)
        except requests.RequestException as error:
            raise request_error(error) from error

    def _create_session(self) -> dict:
        answer = self._post_raw("com.atproto.server.createSession",
                                body={"identifier": self.handle, "password": self.password})
        if answer.status_code != 200:
            raise login_error(answer, self.credential_name)
        return self._keep(answer)

    def _renew(self) -> None:
        """refreshSession with the refresh token; createSession when that is spent too."""
        refresh = (self._session or {}).get("refreshJwt")
        if refresh:
            answer = self._post_raw("com.atproto.server.refreshSession", token=refresh)
            if answer.status_code == 200:
                self._keep(answer)
                return
            if answer.status_code == 429 or answer.status_code >= 500:
                raise answer_error(answer, sending=False)
        cache.delete(self.cache_key)
        self._session = None
        self._create_session()

    # --- calls
    def call(self, method: str, nsid: str, *, sending: bool = False, params=None, body=None) -> requests.Response:
        """One XRPC call as the brand, renewing the session once if it expired."""
        for attempt in range(2):
            quota_take(KEY, default=QUOTA)
            try:
                answer = self.http.request(method, f"{self.service}/xrpc/{nsid}", params=params, json=body,
                                           headers={"Authorization": f"Bearer {self.session['accessJwt']}"})
            except requests.RequestException as error:
                raise request_error(error) from error
            if answer.status_code < 400:
                return answer
            expired = answer.status_code in (400, 401) and error_name(answer)[0] in SESSION_ERRORS
            if expired and attempt == 0:
                self._renew()
                continue
            raise answer_error(answer, sending=sending)
        raise AssertionError("unreachable")

    def json(self, method: str, nsid: str, **kwargs) -> dict:
        answer = self.call(method, nsid, **kwargs)
        try:
            body = answer.json()
        except ValueError as error:
            raise PlatformError(_("Bluesky sent an answer Écoute could not read. Écoute will retry."),
                                permanent=False) from error
        if not isinstance(body, dict):
            raise PlatformError(_("Bluesky sent an answer Écoute could not read. Écoute will retry."),
                                permanent=False)
        return body

    def posts(self, uris: list[str]) -> dict[str, dict]:
        """Current views of these posts by uri (app.bsky.feed.getPosts, 25 at a time); deleted ones are absent."""
        found = {}
        for start in range(0, len(uris), 25):
            page = self.json("GET", "app.bsky.feed.getPosts", params={"uris": uris[start:start + 25]})
            found |= {p["uri"]: p for p in page.get("posts") or [] if isinstance(p, dict) and p.get("uri")}
        return found

    def followers(self, dids: list[str]) -> dict[str, int]:
        """Followers per account (app.bsky.actor.getProfiles, 25 at a time), for a mention's reach."""
        counts = {}
        for start in range(0, len(dids), 25):
            page = self.json("GET", "app.bsky.actor.getProfiles", params={"actors": dids[start:start + 25]})
            counts |= {p["did"]: int(p.get("followersCount") or 0) for p in page.get("profiles") or []
                       if isinstance(p, dict) and p.get("did")}
        return counts
