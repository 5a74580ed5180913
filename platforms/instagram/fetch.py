"""An Instagram professional account through the Graph API: comments (and their replies)
under its recent media, and media it is tagged in, incrementally by time.

Instagram lists no @mentions: a caption or a comment elsewhere that @mentions the account
is only announced by the `mentions` webhook, with ids alone. `complete` looks those up
(mentioned_comment / mentioned_media) in the worker before they are stored, and gives
webhook comments their exact time and link."""

import logging
from datetime import datetime, timedelta, timezone

from platforms.base import Connector, FetchResult
from platforms.errors import PlatformError
from platforms.instagram.errors import fetch_error, instagram_client
from platforms.instagram.graph import (
    COMMENT,
    COMMENT_FIELDS,
    GRAPH_QUOTA,
    MEDIA_FIELDS,
    MENTIONED_COMMENT,
    MENTIONED_COMMENT_FIELDS,
    MENTIONED_MEDIA,
    OWN_MEDIA_FIELDS,
    TAGGED_MEDIA,
    normalize_comment,
    normalize_media,
    normalize_mentioned_comment,
)
from platforms.instagram.reach import reach_add
from platforms.normalized import NormalizedMention
from platforms.quota import quota_take

logger = logging.getLogger(__name__)

MEDIA_PER_POLL = 50  # the account's most recent media; comments on older ones come by webhook
MAX_PAGES = 5
OVERLAP_SECONDS = 600  # re-read a little before the cursor: late comments, clock skew
FIRST_POLL_DAYS = 7
THREAD_FIELDS = f"{COMMENT_FIELDS},replies.limit(50){{{COMMENT_FIELDS}}}"


def _token(source) -> str:
    token = source.credential.secrets.get("ig_access_token") if source.credential else None
    if not token:
        raise PlatformError("This Instagram source has no access token. Add the Page access token to its credential "
                            "in the admin.", permanent=True, needs_reauth=True)
    return token


def _unix(moment: datetime) -> int:
    return int(moment.timestamp())


class InstagramConnector(Connector):
    def fetch(self, source, cursor: dict) -> FetchResult:
        graph = instagram_client(_token(source))
        since = int(cursor.get("since") or 0)
        floor = since - OVERLAP_SECONDS if since else _unix(datetime.now(timezone.utc) - timedelta(days=FIRST_POLL_DAYS))
        seen_counts = dict(cursor.get("counts") or {})
        items, skipped, counts = [], [], {}
        try:
            for media in self._pages(graph, source.target, "media", OWN_MEDIA_FIELDS, MEDIA_PER_POLL, max_pages=1):
                media_id, count = str(media["id"]), int(media.get("comments_count") or 0)
                counts[media_id] = count
                if count and seen_counts.get(media_id) != count:  # unchanged counts: nothing new to read
                    self._comments(graph, media, floor, items, skipped)
            for media in self._pages(graph, source.target, "tags", MEDIA_FIELDS, 25):
                if not self._collect(lambda m=media: normalize_media(m, TAGGED_MEDIA), media, floor, items, skipped):
                    break  # newest first: the rest is older than the cursor
        except PlatformError:
            raise
        except Exception as error:  # noqa: BLE001 - translated, or re-raised when unknown
            raise fetch_error(error, source, graph.session.last_response) from error
        reach_add(graph, source.target, items)
        newest = max([since, *(_unix(item.posted_at) for item in items)])
        return FetchResult(items=items, cursor={"since": newest, "counts": counts} if newest else {"counts": counts},
                           skipped=skipped)

    def _pages(self, graph, node: str, edge: str, fields: str, limit: int, max_pages: int = MAX_PAGES):
        after = None
        for _ in range(max_pages):
            quota_take(GRAPH_QUOTA)
            page = graph.get_connections(node, edge, fields=fields, limit=limit, **({"after": after} if after else {}))
            yield from page.get("data") or []
            paging = page.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not after or not paging.get("next"):
                return

    def _comments(self, graph, media: dict, floor: int, items: list, skipped: list) -> None:
        for comment in self._pages(graph, str(media["id"]), "comments", THREAD_FIELDS, 50):
            self._collect(lambda c=comment: normalize_comment(c, media), comment, floor, items, skipped)
            for reply in (comment.get("replies") or {}).get("data") or []:
                reply = {"parent_id": comment.get("id"), **reply}
                self._collect(lambda r=reply: normalize_comment(r, media), reply, floor, items, skipped)

    @staticmethod
    def _collect(normalize, data: dict, floor: int, items: list, skipped: list) -> bool:
        """Adds the item if it is new enough; False when it is older than the cursor."""
        try:
            item = normalize()
        except (KeyError, TypeError, ValueError) as error:
            skipped.append(f"Instagram item {data.get('id', '?')}: malformed ({error!r:.100})")
            return True
        if _unix(item.posted_at) < floor:
            return False
        items.append(item)
        return True

    def complete(self, source, items: list[NormalizedMention]) -> list[NormalizedMention]:
        """Webhook items that carry ids only are looked up; a mention Instagram no longer
        shows (deleted, comments turned off) is left out, a comment keeps what the webhook said."""
        pending = [item for item in items if item.raw.get("ig_lookup")]
        if not pending:
            return items
        graph = instagram_client(_token(source))
        done = []
        for item in items:
            lookup = item.raw.get("ig_lookup")
            if not lookup:
                done.append(item)
                continue
            try:
                done.append(self._look_up(graph, source.target, lookup, item))
            except PlatformError:
                raise
            except Exception as error:  # noqa: BLE001 - translated, or re-raised when unknown
                failure = fetch_error(error, source, graph.session.last_response)
                if not failure.permanent or failure.needs_reauth:
                    raise failure from error
                if lookup == COMMENT:
                    done.append(item)  # what the webhook said is enough to answer it
                else:
                    logger.warning("Instagram %s %s left out: %s", lookup, item.external_id, failure.message)
        reach_add(graph, source.target, done)
        return done

    def _look_up(self, graph, account: str, lookup: str, item: NormalizedMention) -> NormalizedMention:
        quota_take(GRAPH_QUOTA)
        if lookup == MENTIONED_COMMENT:
            found = graph.get_object(
                account, fields=f"mentioned_comment.comment_id({item.external_id}){{{MENTIONED_COMMENT_FIELDS}}}")
            return normalize_mentioned_comment(found["mentioned_comment"])
        if lookup == MENTIONED_MEDIA:
            found = graph.get_object(account, fields=f"mentioned_media.media_id({item.external_id}){{{MEDIA_FIELDS}}}")
            return normalize_media(found["mentioned_media"], MENTIONED_MEDIA)
        comment = graph.get_object(item.external_id, fields=f"{COMMENT_FIELDS},media{{id,permalink}}")
        said = {k: v for k, v in item.raw.items() if k != "ig_lookup"}
        return normalize_comment({**said, **comment}, comment.get("media") or {"id": item.conversation_id})

