"""The brand account's notifications (mentions, replies, quotes:
app.bsky.notification.listNotifications) and a search query (app.bsky.feed.searchPosts,
signed in), with cursor paging.

Both read newest first. Later polls stop at the newest time already read (notifications) or
ask only for posts since it (search: `since`, inclusive: a post seen twice is stored once).
A poll reads at most MAX_PAGES pages; when more remain, the cursor keeps Bluesky's page
cursor and the next poll carries on from it before moving the mark forward. Posts are read
again with getPosts (deleted ones are absent, counts current) and their authors' follower
counts with getProfiles (reach, for priority)."""

from datetime import datetime

from django.utils.translation import gettext as _

from platforms.base import Connector, FetchResult
from platforms.bluesky.xrpc import SEARCH_KIND, BlueskyClient
from platforms.errors import PlatformError
from platforms.normalized import NormalizedAuthor, NormalizedMention

MAX_PAGES = 5
REASONS = ("mention", "reply", "quote")
HIDING_LABELS = {"!hide", "!takedown", "!suspend"}


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def web_link(handle_or_did: str, uri: str) -> str:
    """https://bsky.app/profile/<handle>/post/<rkey> for at://<did>/app.bsky.feed.post/<rkey>."""
    return f"https://bsky.app/profile/{handle_or_did}/post/{uri.rsplit('/', 1)[-1]}"


def normalize_post(post: dict, followers: dict[str, int]) -> NormalizedMention:
    record, author = post["record"], post["author"]
    reply = record.get("reply") or {}
    handle = author.get("handle") or author["did"]
    return NormalizedMention(
        external_id=post["uri"],
        text=str(record.get("text") or ""),
        posted_at=_time(record.get("createdAt") or post["indexedAt"]),
        author=NormalizedAuthor(
            external_id=author["did"], handle=handle, display_name=author.get("displayName") or "",
            followers_count=followers.get(author["did"], 0), profile_url=f"https://bsky.app/profile/{handle}",
        ),
        url=web_link(handle, post["uri"]),
        language=((record.get("langs") or [""])[0] or "")[:8],
        in_reply_to_id=str((reply.get("parent") or {}).get("uri") or ""),
        conversation_id=str((reply.get("root") or {}).get("uri") or post["uri"]),
        reposts_count=int(post.get("repostCount") or 0),
        likes_count=int(post.get("likeCount") or 0),
        replies_count=int(post.get("replyCount") or 0),
        quotes_count=int(post.get("quoteCount") or 0),
        raw={"post": post},
    )


class BlueskyConnector(Connector):
    refreshes_engagement = True  # a stored post is never listed again: its counts are read with getPosts

    def refresh(self, source, external_ids: list[str]) -> list[NormalizedMention]:
        items, _skipped = self._posts(BlueskyClient(source.credential), list(external_ids))
        return items

    def fetch(self, source, cursor: dict) -> FetchResult:
        client = BlueskyClient(source.credential)
        cursor = dict(cursor)
        if source.kind == SEARCH_KIND:
            query = source.target.strip()
            if not query:
                raise PlatformError(_("This Bluesky source has no search query: write one in “watched”."),
                                    permanent=True)
            uris, next_cursor = self._search(client, query, cursor)
        else:
            uris, next_cursor = self._notifications(client, cursor)
        items, skipped = self._posts(client, uris)
        return FetchResult(items=items, cursor=next_cursor, skipped=skipped)

    def _walk(self, client, nsid: str, params: dict, cursor: dict, entries_key: str, stop_at: str):
        """Pages newest first from cursor["page"] (a poll cut short) or the top; returns the
        entries newer than stop_at and the next cursor."""
        mark = cursor.get("mark", "")
        page_cursor, newest = cursor.get("page"), cursor.get("pending_mark", "")
        entries, reached_mark = [], False
        for _page in range(MAX_PAGES if mark or page_cursor else 1):
            page = client.json("GET", nsid, params={**params, **({"cursor": page_cursor} if page_cursor else {})})
            for entry in page.get(entries_key) or []:
                if not isinstance(entry, dict):
                    continue
                at = str(entry.get("indexedAt") or "")
                if stop_at and at and _time(at) <= _time(stop_at):
                    reached_mark = True
                    break
                if at and (not newest or _time(at) > _time(newest)):
                    newest = at
                entries.append(entry)
            page_cursor = page.get("cursor")
            if reached_mark or not page_cursor or not (page.get(entries_key)):
                page_cursor = None
                break
        if page_cursor and mark:  # more remain between here and the mark: carry on next time
            return entries, {"mark": mark, "page": page_cursor, "pending_mark": newest}
        return entries, {"mark": newest or mark} if (newest or mark) else {}

    def _notifications(self, client, cursor: dict):
        params = {"limit": 50, "reasons": list(REASONS)}
        entries, next_cursor = self._walk(client, "app.bsky.notification.listNotifications", params, cursor,
                                          "notifications", cursor.get("mark", ""))
        uris = [n["uri"] for n in entries if n.get("reason") in REASONS and n.get("uri")]
        return uris, next_cursor

    def _search(self, client, query: str, cursor: dict):
        params = {"q": query, "sort": "latest", "limit": 100}
        if cursor.get("mark"):
            params["since"] = cursor["mark"]
        entries, next_cursor = self._walk(client, "app.bsky.feed.searchPosts", params, cursor, "posts", "")
        return [p["uri"] for p in entries if p.get("uri")], next_cursor

    def _posts(self, client, uris: list[str]):
        uris = list(dict.fromkeys(uris))
        views = client.posts(uris) if uris else {}
        followers = client.followers(sorted({v["author"]["did"] for v in views.values()
                                             if isinstance(v.get("author"), dict) and v["author"].get("did")}))
        items, skipped = [], []
        for uri in uris:
            post = views.get(uri)
            if post is None:
                skipped.append(f"{uri}: deleted before it was read")
                continue
            labels = {label.get("val") for label in post.get("labels") or [] if isinstance(label, dict)}
            if labels & HIDING_LABELS:
                skipped.append(f"{uri}: hidden by Bluesky's moderation ({', '.join(sorted(labels & HIDING_LABELS))})")
                continue
            try:
                items.append(normalize_post(post, followers))
            except (KeyError, TypeError, ValueError) as error:
                skipped.append(f"{uri}: malformed ({error!r:.100})")
        return items, skipped
