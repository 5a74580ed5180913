"""The brand account's mention notifications (GET /api/v1/notifications?types[]=mention) and a
followed hashtag (GET /api/v1/timelines/tag/:hashtag), incrementally.

The first poll reads the newest page. Later polls ask for what came after the newest id seen
(min_id) and follow the Link header's "prev" page towards newer items, at most MAX_PAGES
pages a poll: the cursor then holds the newest id read, and the next poll carries on from it,
so nothing between two polls is skipped. Content arrives as HTML and is stored as text."""

import logging
from datetime import datetime
from urllib.parse import quote

from django.utils.translation import gettext as _

from core.text import html_to_text
from platforms.base import Connector, FetchResult
from platforms.errors import PlatformError
from platforms.mastodon.api import HASHTAG_KIND, MastodonClient
from platforms.normalized import NormalizedAuthor, NormalizedMention

logger = logging.getLogger(__name__)

MAX_PAGES = 5
PAGE_SIZE = 40  # Mastodon's maximum for both endpoints


def newest(ids) -> str:
    """Mastodon ids are numeric strings that sort by length, then by value."""
    return max(ids, key=lambda i: (len(i), i), default="")


def acct_of(account: dict, host: str) -> str:
    """user@instance, for the brand's own accounts and replies: local accounts' acct has no domain."""
    acct = str(account.get("acct") or account.get("username") or "")
    return acct if "@" in acct or not acct else f"{acct}@{host}"


def _hidden_reason(status: dict) -> str:
    """Why a status must not be stored: a reblog repeats someone else's post, and a status a
    filter of the brand's account hides was hidden on purpose."""
    if status.get("reblog"):
        return "a boost, not a post"
    if any((result.get("filter") or {}).get("filter_action") == "hide" for result in status.get("filtered") or []):
        return "hidden by a filter of the brand's account"
    return ""


def normalize_status(status: dict, host: str) -> NormalizedMention:
    account = status["account"]
    text = html_to_text(status.get("content") or "")
    warning = html_to_text(status.get("spoiler_text") or "")
    if warning:  # a content warning is what readers see first
        text = f"{warning}\n{text}" if text else warning
    return NormalizedMention(
        external_id=str(status["id"]),
        text=text,
        posted_at=datetime.fromisoformat(status["created_at"].replace("Z", "+00:00")),
        author=NormalizedAuthor(
            external_id=f"{account['id']}@{host}", handle=acct_of(account, host),
            display_name=account.get("display_name") or account.get("username") or "",
            followers_count=int(account.get("followers_count") or 0), profile_url=account.get("url") or "",
        ),
        url=status.get("url") or status.get("uri") or "",
        language=status.get("language") or "",
        in_reply_to_id=str(status.get("in_reply_to_id") or ""),
        conversation_id=str(status.get("in_reply_to_id") or status["id"]),
        reposts_count=int(status.get("reblogs_count") or 0),
        likes_count=int(status.get("favourites_count") or 0),
        replies_count=int(status.get("replies_count") or 0),
        raw={"status": status},
    )


class MastodonConnector(Connector):
    refreshes_engagement = True  # min_id polling never lists a stored status again

    def refresh(self, source, external_ids: list[str]) -> list[NormalizedMention]:
        """Current counts of stored statuses in one request (GET /api/v1/statuses?id[]=…, Mastodon 4.3+).
        An older instance answers 404: counts then stay as first read."""
        if not external_ids:
            return []
        client = MastodonClient(source.credential)
        try:
            found = client.json("GET", "/api/v1/statuses", params={"id[]": list(external_ids)[:40]})
        except PlatformError as error:
            if error.permanent and not error.needs_reauth:
                return []
            raise
        items, skipped = [], []
        for status in found if isinstance(found, list) else []:
            self._take(status, client.host, items, skipped)
        return items

    def fetch(self, source, cursor: dict) -> FetchResult:
        client = MastodonClient(source.credential)
        if source.kind == HASHTAG_KIND:
            tag = source.target.strip().lstrip("#").strip()
            if not tag:
                raise PlatformError(_("This Mastodon source watches no hashtag: write one in “watched”."),
                                    permanent=True)
            path, params = f"/api/v1/timelines/tag/{quote(tag, safe='')}", {}
        else:
            path, params = "/api/v1/notifications", {"types[]": "mention"}
        return self._pages(client, path, params, dict(cursor))

    def _pages(self, client: MastodonClient, path: str, params: dict, cursor: dict) -> FetchResult:
        since = cursor.get("min_id", "")
        url, query = f"{client.base}{path}", {**params, "limit": PAGE_SIZE, **({"min_id": since} if since else {})}
        items, skipped, seen = [], [], []
        for _page in range(MAX_PAGES):
            answer = client.request("GET", url, params=query)
            try:
                page = answer.json()
            except ValueError as error:
                raise PlatformError(_("Mastodon sent an answer Écoute could not read. Écoute will retry."),
                                    permanent=False) from error
            if not isinstance(page, list) or not page:
                break
            for entry in page:
                seen.append(str(entry.get("id", "")) if isinstance(entry, dict) else "")
                self._take(entry, client.host, items, skipped)
            newer = answer.links.get("prev", {}).get("url")
            # The first poll reads the newest page only; the rate limit's last requests are left alone.
            if not since or not newer or answer.headers.get("X-RateLimit-Remaining") in ("0", "1"):
                break
            url, query = newer, None
        mark = newest([i for i in seen if i] + ([since] if since else []))
        return FetchResult(items=items, cursor={"min_id": mark} if mark else {}, skipped=skipped)

    @staticmethod
    def _take(entry, host: str, items: list, skipped: list) -> None:
        if not isinstance(entry, dict):
            skipped.append("an entry that is not an object")
            return
        status = entry.get("status") if "type" in entry else entry  # a notification wraps its status
        if "type" in entry and entry.get("type") != "mention":
            return
        if not status:
            skipped.append(f"notification {entry.get('id', '?')}: its post was deleted")
            return
        reason = _hidden_reason(status)
        if reason:
            skipped.append(f"status {status.get('id', '?')}: {reason}")
            return
        try:
            items.append(normalize_status(status, host))
        except (KeyError, TypeError, ValueError) as error:
            skipped.append(f"status {status.get('id', '?')}: malformed ({error!r:.100})")
