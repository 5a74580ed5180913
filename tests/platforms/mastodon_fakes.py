"""Mastodon payloads in the shapes docs.joinmastodon.org documents (Status, Account,
Notification, Instance), written for Écoute's tests, and a small stateful instance for
exactly-once sending."""

import json
import re
from itertools import count

import requests

INSTANCE = "https://mastodon.example"
NOTIFICATIONS = f"{INSTANCE}/api/v1/notifications"
TAG = f"{INSTANCE}/api/v1/timelines/tag/lumio"
STATUSES = f"{INSTANCE}/api/v1/statuses"
VERIFY = f"{INSTANCE}/api/v1/accounts/verify_credentials"
INSTANCE_V2 = f"{INSTANCE}/api/v2/instance"
BRAND_ACCOUNT_ID = "109000000000000001"


def account(account_id="109000000000000100", username="lea", domain="mamot.example", followers=1234):
    acct = f"{username}@{domain}" if domain else username
    host = f"https://{domain}" if domain else INSTANCE
    return {"id": account_id, "username": username, "acct": acct, "display_name": username.title(),
            "url": f"{host}/@{username}", "followers_count": followers, "following_count": 10,
            "statuses_count": 42, "bot": False, "locked": False}


BRAND = account(BRAND_ACCOUNT_ID, "Lumio", domain=None, followers=25_000)


def status(status_id, html="<p>Toujours pas de fibre <a href=\"https://mastodon.example/tags/lumio\" "
                           "class=\"mention hashtag\" rel=\"tag\">#<span>lumio</span></a></p>",
           author=None, in_reply_to_id=None, visibility="public", **extra):
    author = author or account()
    return {"id": str(status_id), "uri": f"https://{author['acct'].split('@')[-1]}/users/{author['username']}/statuses/{status_id}",
            "url": f"{author['url']}/{status_id}", "created_at": "2026-11-23T08:00:00.000Z", "account": author,
            "content": html, "spoiler_text": "", "visibility": visibility, "sensitive": False, "language": "fr",
            "in_reply_to_id": in_reply_to_id, "in_reply_to_account_id": None, "reblog": None,
            "replies_count": 1, "reblogs_count": 3, "favourites_count": 9, "mentions": [], "tags": [],
            "media_attachments": [], "emojis": [], "filtered": [], **extra}


def notification(notification_id, the_status, kind="mention"):
    return {"id": str(notification_id), "type": kind, "created_at": "2026-11-23T08:00:01.000Z",
            "account": (the_status or {}).get("account") or account(), "status": the_status}


def link(url_newer=None, url_older=None) -> dict:
    """The Link header Mastodon sends with a page: rel="next" (older), rel="prev" (newer)."""
    parts = ([f'<{url_older}>; rel="next"'] if url_older else []) + ([f'<{url_newer}>; rel="prev"'] if url_newer else [])
    return {"Link": ", ".join(parts)} if parts else {}


def instance(max_characters=500):
    return {"domain": "mastodon.example", "title": "Mastodon Example", "version": "4.3.0",
            "configuration": {"statuses": {"max_characters": max_characters, "max_media_attachments": 4,
                                           "characters_reserved_per_url": 23}}}


def mention_html(acct: str, text: str) -> str:
    """How an instance renders a status that starts with @user@domain: the h-card shows @user."""
    user, _, domain = acct.partition("@")
    return (f'<p><span class="h-card" translate="no"><a href="https://{domain}/@{user}" class="u-url mention">'
            f'@<span>{user}</span></a></span> {text}</p>')


class FakeInstance:
    """Statuses the brand posts, kept like an instance keeps them: a POST with an
    Idempotency-Key already seen returns the status it created instead of a new one.
    `lose_answers` POSTs create the status, then the connection drops before the answer."""

    def __init__(self, http, lose_answers=0, context_lags=False):
        self.posted: list[dict] = []
        self.by_key: dict[str, dict] = {}
        self.lose_answers = lose_answers
        self.context_lags = context_lags  # the context endpoint doesn't show new replies yet
        self._ids = count(110000000000000001)
        http.post(STATUSES, json=self._post)
        http.get(re.compile(rf"{STATUSES}/\d+/context"), json=self._context)
        http.get(VERIFY, json=BRAND)
        http.get(INSTANCE_V2, json=instance())

    def _post(self, request, context):
        key = request.headers.get("Idempotency-Key")
        if key and key in self.by_key:
            return self.by_key[key]
        body = request.json()
        created = status(next(self._ids), html=f"<p>{body['status']}</p>", author=BRAND,
                         in_reply_to_id=body.get("in_reply_to_id"), visibility=body.get("visibility", "public"))
        if body["status"].startswith("@"):
            acct, _, rest = body["status"].partition(" ")
            created["content"] = mention_html(acct.lstrip("@"), rest)
        self.posted.append(created)
        if key:
            self.by_key[key] = created
        if self.lose_answers:
            self.lose_answers -= 1
            raise requests.exceptions.ReadTimeout("the answer never came back")
        return created

    def _context(self, request, context):
        parent = request.path.split("/")[-2]
        replies = [] if self.context_lags else [s for s in self.posted if s["in_reply_to_id"] == parent]
        return {"ancestors": [], "descendants": replies}


def as_json(payload) -> str:
    return json.dumps(payload)
