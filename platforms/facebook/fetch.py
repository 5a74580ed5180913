"""Facebook Pages through facebook-sdk's GraphAPI: the Page's feed (its own posts and
visitors' posts), posts that tag the Page, and the comments under them, incrementally by
time. Webhook deliveries (webhook.py) bring the same items in real time; both
paths store an item once."""

import logging
from datetime import datetime

from platforms.base import Connector, FetchResult
from platforms.errors import PlatformError
from platforms.facebook.errors import NO_PAGE_TOKEN, fetch_error
from platforms.facebook.graph import KEY, comment_permalink, graph_client, with_photo
from platforms.normalized import NormalizedAuthor, NormalizedMention
from platforms.quota import quota_take

logger = logging.getLogger(__name__)

MAX_PAGES = 5
OVERLAP_SECONDS = 600  # re-read a little before the cursor: late comments, clock skew
COMMENT_FIELDS = "id,message,created_time,from,permalink_url,like_count,comment_count,parent{id},attachment"
POST_FIELDS = (
    "id,message,created_time,updated_time,from,permalink_url,shares,"
    f"reactions.summary(total_count).limit(0),comments.limit(100){{{COMMENT_FIELDS}}}"
)
def _time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


def _author(data: dict | None) -> NormalizedAuthor | None:
    if not data or not data.get("id"):
        return None  # Graph hides visitors' identity without the right permission
    return NormalizedAuthor(external_id=str(data["id"]), display_name=data.get("name", ""))


def normalize_post(post: dict) -> NormalizedMention:
    return NormalizedMention(
        external_id=str(post["id"]), text=post.get("message") or "", posted_at=_time(post["created_time"]),
        author=_author(post.get("from")), url=post.get("permalink_url") or "", conversation_id=str(post["id"]),
        reposts_count=int((post.get("shares") or {}).get("count") or 0),
        likes_count=int(((post.get("reactions") or {}).get("summary") or {}).get("total_count") or 0),
        replies_count=len(((post.get("comments") or {}).get("data")) or []),
        raw={k: v for k, v in post.items() if k != "comments"},
    )


def _photo_url(comment: dict) -> str:
    attachment = comment.get("attachment") or {}
    if not str(attachment.get("type") or "").startswith("photo"):
        return ""
    return ((attachment.get("media") or {}).get("image") or {}).get("src") or attachment.get("url") or ""


def normalize_comment(comment: dict, post_id: str) -> NormalizedMention:
    parent = (comment.get("parent") or {}).get("id") or post_id
    comment_id = str(comment["id"])
    return NormalizedMention(
        external_id=comment_id, text=with_photo(comment.get("message") or "", _photo_url(comment)),
        posted_at=_time(comment["created_time"]), author=_author(comment.get("from")),
        url=comment.get("permalink_url") or comment_permalink(str(post_id), comment_id, str(parent)),
        in_reply_to_id=str(parent),
        conversation_id=str(post_id), likes_count=int(comment.get("like_count") or 0),
        replies_count=int(comment.get("comment_count") or 0), raw=comment,
    )


class FacebookPageConnector(Connector):
    def fetch(self, source, cursor: dict) -> FetchResult:
        token = source.credential.secrets.get("page_access_token") if source.credential else None
        if not token:
            raise NO_PAGE_TOKEN.error(permanent=True, needs_reauth=True)
        graph = graph_client(token)
        params = {"fields": POST_FIELDS, "limit": 50}
        if cursor.get("since"):
            params["since"] = int(cursor["since"]) - OVERLAP_SECONDS
        items, skipped, newest = [], [], int(cursor.get("since") or 0)
        try:
            for edge in ("feed", "tagged"):
                for post in self._posts(graph, source.target, edge, params):
                    newest = max(newest, self._collect(post, items, skipped))
        except PlatformError:
            raise
        except Exception as error:  # noqa: BLE001 - translated, or re-raised when unknown
            raise fetch_error(error, source) from error
        return FetchResult(items=items, cursor={"since": newest} if newest else {}, skipped=skipped)

    def _posts(self, graph, page_id: str, edge: str, params: dict):
        after = None
        for _ in range(MAX_PAGES):
            quota_take(KEY)
            page = graph.get_connections(page_id, edge, **params, **({"after": after} if after else {}))
            yield from page.get("data") or []
            after = ((page.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (page.get("paging") or {}).get("next"):
                return

    def _collect(self, post: dict, items: list, skipped: list) -> int:
        """Adds the post and its comments; returns the newest time seen (unix seconds)."""
        newest = 0
        try:
            item = normalize_post(post)
            items.append(item)
            newest = int(item.posted_at.timestamp())
        except (KeyError, TypeError, ValueError) as error:
            skipped.append(f"post {post.get('id', '?')}: malformed ({error!r})")
            return newest
        for comment in (post.get("comments") or {}).get("data") or []:
            try:
                item = normalize_comment(comment, str(post["id"]))
                items.append(item)
                newest = max(newest, int(item.posted_at.timestamp()))
            except (KeyError, TypeError, ValueError) as error:
                skipped.append(f"comment {comment.get('id', '?')}: malformed ({error!r})")
        return newest
