"""X (Twitter) through tweepy's API v2 Client: a search query (search_recent_tweets) or
an account's mentions (get_users_mentions), incrementally by since_id.

A poll reads at most MAX_PAGES pages; when more remain, the cursor keeps the pagination
token and the next poll carries on from it before moving since_id forward, so nothing
between two polls is skipped.

Recent search only reaches back 7 days and refuses an older since_id (a source paused for a
week, a worker down over a holiday). The poll then drops that cursor, reads from the oldest
time X still serves, and says in the source's health which stretch was lost."""

import html
import logging
from datetime import datetime, timedelta, timezone

import tweepy

from platforms.base import Connector, FetchResult
from platforms.errors import PlatformError
from platforms.http import TimeoutSession
from platforms.normalized import NormalizedAuthor, NormalizedMention
from platforms.quota import quota_take
from platforms.x.errors import (
    KEY, MENTIONS_KIND, NO_ACCOUNT, NO_BEARER_TOKEN, STALE_CURSOR, fetch_error, stale_since_id,
)

logger = logging.getLogger(__name__)

MAX_PAGES = 5
TWEET_FIELDS = ["created_at", "public_metrics", "conversation_id", "referenced_tweets", "lang",
                "author_id", "in_reply_to_user_id", "entities"]
USER_FIELDS = ["username", "name", "public_metrics", "verified"]
SEARCH_WINDOW = timedelta(days=7)
WINDOW_MARGIN = timedelta(minutes=5)  # X's clock and ours: ask for a little less than the whole window
TWITTER_EPOCH_MS = 1288834974657  # X post ids carry their creation time (ms since this epoch) above bit 22


def _id_time(post_id: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(((int(post_id) >> 22) + TWITTER_EPOCH_MS) / 1000, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _shown_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "?"


def _client(source) -> tweepy.Client:
    credential = source.credential
    token = credential.secrets.get("bearer_token") if credential else None
    if not token:
        raise NO_BEARER_TOKEN.error(permanent=True, needs_reauth=True)
    # Never wait_on_rate_limit: it would sleep inside the worker. A 429 is reported
    # and the source waits for the reset time instead.
    client = tweepy.Client(bearer_token=token, wait_on_rate_limit=False)
    client.session = TimeoutSession()
    return client


def normalize_tweet(tweet: dict, users: dict[str, dict]) -> NormalizedMention:
    user = users.get(str(tweet.get("author_id")), {})
    metrics = tweet.get("public_metrics") or {}
    replied_to = next((r["id"] for r in tweet.get("referenced_tweets") or [] if r.get("type") == "replied_to"), "")
    handle = user.get("username", "")
    return NormalizedMention(
        external_id=str(tweet["id"]),
        text=html.unescape(tweet.get("text") or ""),  # X sends &, < and > as &amp; &lt; &gt;
        posted_at=datetime.fromisoformat(tweet["created_at"].replace("Z", "+00:00")),
        author=NormalizedAuthor(
            external_id=str(tweet.get("author_id") or ""), handle=handle, display_name=user.get("name", ""),
            followers_count=int((user.get("public_metrics") or {}).get("followers_count") or 0),
            profile_url=f"https://x.com/{handle}" if handle else "",
        ) if tweet.get("author_id") else None,
        url=f"https://x.com/{handle or 'i'}/status/{tweet['id']}",
        language=tweet.get("lang") or "",
        in_reply_to_id=str(replied_to),
        conversation_id=str(tweet.get("conversation_id") or ""),
        reposts_count=int(metrics.get("retweet_count") or 0),
        likes_count=int(metrics.get("like_count") or 0),
        replies_count=int(metrics.get("reply_count") or 0),
        quotes_count=int(metrics.get("quote_count") or 0),
        raw={"tweet": tweet, "author": user},
    )


class XConnector(Connector):
    refreshes_engagement = True

    def fetch(self, source, cursor: dict) -> FetchResult:
        client = _client(source)
        client.return_type = dict  # plain JSON: the raw payload is stored as X sent it
        cursor = dict(cursor)
        try:
            if source.kind == MENTIONS_KIND:
                if not cursor.get("user_id"):
                    quota_take(KEY)
                    found = client.get_user(username=source.target.lstrip("@").strip())
                    if not found.get("data"):
                        raise NO_ACCOUNT.error(permanent=True, target=source.target)
                    cursor["user_id"] = found["data"]["id"]
                call, page_param = (lambda **p: client.get_users_mentions(cursor["user_id"], **p)), "pagination_token"
            else:
                call, page_param = (lambda **p: client.search_recent_tweets(source.target, **p)), "next_token"
            try:
                return self._pages(call, page_param, cursor)
            except tweepy.BadRequest as error:
                if not (stale_since_id(error) and cursor.get("since_id")):
                    raise
                return self._from_window_start(call, page_param, cursor)
        except PlatformError:
            raise
        except Exception as error:  # noqa: BLE001 - translated, or re-raised when unknown
            raise fetch_error(error, source) from error

    def refresh(self, source, external_ids: list[str]) -> list[NormalizedMention]:
        """Polling by since_id never sees a stored post again: its counts come from one lookup
        of up to 100 posts (GET /2/tweets)."""
        if not external_ids:
            return []
        client = _client(source)
        client.return_type = dict
        try:
            quota_take(KEY)
            page = client.get_tweets(ids=external_ids[:100], expansions=["author_id"], tweet_fields=TWEET_FIELDS,
                                     user_fields=USER_FIELDS)
        except PlatformError:
            raise
        except Exception as error:  # noqa: BLE001 - translated, or re-raised when unknown
            raise fetch_error(error, source) from error
        users = {str(u["id"]): u for u in (page.get("includes") or {}).get("users", [])}
        items = []
        for tweet in page.get("data") or []:  # deleted or protected posts are simply absent
            try:
                items.append(normalize_tweet(tweet, users))
            except (KeyError, TypeError, ValueError):
                logger.warning("Skipped a malformed post in X's lookup for source %s", source.pk)
        return items

    def _from_window_start(self, call, page_param: str, cursor: dict) -> FetchResult:
        """The cursor is older than X's window: read from the window's start instead."""
        start = datetime.now(timezone.utc) - SEARCH_WINDOW + WINDOW_MARGIN
        fresh = {k: v for k, v in cursor.items() if k == "user_id"}
        fresh["start_time"] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        result = self._pages(call, page_param, fresh)
        logger.warning("X refused the since_id %s as too old; reading from %s", cursor["since_id"], fresh["start_time"])
        result.notice = STALE_CURSOR.notice(last_read=_shown_time(_id_time(cursor["since_id"])),
                                            start=_shown_time(start))
        return result

    def _pages(self, call, page_param: str, cursor: dict) -> FetchResult:
        params = {"max_results": 100, "expansions": ["author_id"], "tweet_fields": TWEET_FIELDS, "user_fields": USER_FIELDS}
        if cursor.get("since_id"):
            params["since_id"] = cursor["since_id"]
        elif cursor.get("start_time"):
            params["start_time"] = cursor["start_time"]
        token, newest = cursor.get("next_token"), cursor.get("pending_newest_id")
        items, skipped = [], []
        for _ in range(MAX_PAGES):
            quota_take(KEY)
            page = call(**params, **({page_param: token} if token else {}))
            meta = page.get("meta") or {}
            newest = newest or meta.get("newest_id")
            users = {str(u["id"]): u for u in (page.get("includes") or {}).get("users", [])}
            for tweet in page.get("data") or []:
                try:
                    items.append(normalize_tweet(tweet, users))
                except (KeyError, TypeError, ValueError) as error:
                    skipped.append(f"tweet {tweet.get('id', '?') if isinstance(tweet, dict) else '?'}: malformed ({error!r})")
            token = meta.get("next_token")
            if not token:
                break
        next_cursor = {k: v for k, v in cursor.items() if k == "user_id"}
        if token:  # more pages remain: carry on from here next time
            next_cursor.update(since_id=cursor.get("since_id"), start_time=cursor.get("start_time"), next_token=token,
                               pending_newest_id=newest)
        else:
            next_cursor["since_id"] = newest or cursor.get("since_id")
        return FetchResult(items=items, cursor={k: v for k, v in next_cursor.items() if v}, skipped=skipped)
