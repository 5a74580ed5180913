"""Facebook Pages through facebook-sdk's GraphAPI: the Page's feed (its own posts and
visitors' posts), posts that tag the Page, and the comments under them, incrementally by
time. Webhook deliveries (listening/webhooks.py) bring the same items in real time; both
paths store an item once."""

import logging
from datetime import datetime

import facebook
import requests
from django.conf import settings

from listening.choices import Platform
from listening.connectors.base import HTTP_TIMEOUT, Connector, ConnectorError, FetchResult, network_error
from listening.locks import quota_take
from listening.normalized import NormalizedAuthor, NormalizedMention

logger = logging.getLogger(__name__)

MAX_PAGES = 5
OVERLAP_SECONDS = 600  # re-read a little before the cursor: late comments, clock skew
COMMENT_FIELDS = "id,message,created_time,from,permalink_url,like_count,comment_count,parent{id}"
POST_FIELDS = (
    "id,message,created_time,updated_time,from,permalink_url,shares,"
    f"reactions.summary(total_count).limit(0),comments.limit(100){{{COMMENT_FIELDS}}}"
)
REAUTH_CODES = {190, 102}
PERMISSION_CODES = {10} | set(range(200, 300))
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001}


def graph_client(token: str) -> facebook.GraphAPI:
    graph = facebook.GraphAPI(access_token=token, timeout=HTTP_TIMEOUT[1])
    # facebook-sdk 3.1.0 only accepts Graph versions 2.8–3.1, all retired by Meta, and its
    # constructor refuses anything newer. Set the current version here, the one place
    # where a client is made, from settings.FACEBOOK_GRAPH_VERSION.
    graph.version = settings.FACEBOOK_GRAPH_VERSION
    return graph


def translate_error(error: Exception, source) -> ConnectorError:
    """Graph error codes decide; the message is only shown to the admin."""
    if isinstance(error, requests.RequestException):
        return network_error(error, "Facebook")
    if isinstance(error, (KeyError, ValueError, TypeError)):  # facebook-sdk choking on an odd response
        return ConnectorError(f"Facebook sent a response Écoute could not read ({error!r:.100}). Écoute will retry.",
                              permanent=False)
    if not isinstance(error, facebook.GraphAPIError):
        raise error
    details = error.result.get("error", {}) if isinstance(error.result, dict) else {}
    code, subcode = error.code, details.get("error_subcode")
    name = source.credential.name if source.credential else "?"
    said = str(error.message)[:300]
    if code in REAUTH_CODES:
        return ConnectorError(
            f"Facebook refused the Page token of “{name}” (error {code}{f'/{subcode}' if subcode else ''}): "
            "it expired, was revoked, or the password changed. Paste a new Page access token in the admin.",
            permanent=True, needs_reauth=True)
    if code in PERMISSION_CODES:
        return ConnectorError(f"Facebook denied a permission (error {code}): {said}. Grant it to the app, then re-enable the source.",
                              permanent=True)
    if code == 100 and subcode == 33:
        return ConnectorError(f"Facebook says Page {source.target} does not exist or this token can't see it.", permanent=True)
    if code in RATE_LIMIT_CODES:
        return ConnectorError(f"Facebook rate limit reached (error {code}). Écoute will wait and retry.", permanent=False)
    if code == 100:
        return ConnectorError(f"Facebook rejected the request (error 100): {said}", permanent=True)
    return ConnectorError(f"Facebook failed{f' (error {code})' if code else ''}: {said}. Écoute will retry.", permanent=False)


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


def normalize_comment(comment: dict, post_id: str) -> NormalizedMention:
    parent = (comment.get("parent") or {}).get("id") or post_id
    return NormalizedMention(
        external_id=str(comment["id"]), text=comment.get("message") or "", posted_at=_time(comment["created_time"]),
        author=_author(comment.get("from")), url=comment.get("permalink_url") or "", in_reply_to_id=str(parent),
        conversation_id=str(post_id), likes_count=int(comment.get("like_count") or 0),
        replies_count=int(comment.get("comment_count") or 0), raw=comment,
    )


class FacebookPageConnector(Connector):
    platform = Platform.FACEBOOK

    def fetch(self, source, cursor: dict) -> FetchResult:
        token = source.credential.secrets.get("page_access_token") if source.credential else None
        if not token:
            raise ConnectorError("This Facebook source has no Page access token. Add one to its credential in the admin.",
                                 permanent=True, needs_reauth=True)
        graph = graph_client(token)
        params = {"fields": POST_FIELDS, "limit": 50}
        if cursor.get("since"):
            params["since"] = int(cursor["since"]) - OVERLAP_SECONDS
        items, skipped, newest = [], [], int(cursor.get("since") or 0)
        try:
            for edge in ("feed", "tagged"):
                for post in self._posts(graph, source.target, edge, params):
                    newest = max(newest, self._collect(post, items, skipped))
        except ConnectorError:
            raise
        except Exception as error:  # noqa: BLE001 - translated, or re-raised when unknown
            raise translate_error(error, source) from error
        return FetchResult(items=items, cursor={"since": newest} if newest else {}, skipped=skipped)

    def _posts(self, graph, page_id: str, edge: str, params: dict):
        after = None
        for _ in range(MAX_PAGES):
            quota_take(Platform.FACEBOOK)
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
