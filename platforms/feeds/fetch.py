"""Blogs through RSS and Atom feeds (feedparser), including Google Alerts feeds and
WordPress comment feeds, with conditional GET: an unchanged feed costs one 304."""

import calendar
import logging
import time
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlparse

import feedparser
import requests

from core.text import html_to_text, short_id
from platforms.base import Connector, FetchResult
from platforms.errors import PlatformError
from platforms.http import HTTP_TIMEOUT, network_error, retry_after
from platforms.normalized import NormalizedAuthor, NormalizedMention
from platforms.quota import quota_take

logger = logging.getLogger(__name__)

KEY = "blog"
FEED_KIND = "feed"
MAX_FEED_BYTES = 20 * 1024 * 1024
USER_AGENT = "Ecoute feed reader (+https://github.com/ecoute)"


def unwrap_link(link: str) -> str:
    """Google Alerts wraps article links in a redirect; keep the article's own URL."""
    parsed = urlparse(link or "")
    if parsed.netloc.endswith("google.com") and parsed.path == "/url":
        target = parse_qs(parsed.query).get("url")
        if target:
            return target[0]
    return link or ""


def _entry_time(entry) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(stamp), tz=timezone.utc) if stamp else None


def _matches(keywords: str, text: str) -> bool:
    words = [w.strip().casefold() for w in keywords.split(",") if w.strip()]
    return not words or any(word in text.casefold() for word in words)


def _download(url: str, cursor: dict) -> requests.Response | None:
    headers = {"User-Agent": USER_AGENT}
    if cursor.get("etag"):
        headers["If-None-Match"] = cursor["etag"]
    if cursor.get("modified"):
        headers["If-Modified-Since"] = cursor["modified"]
    quota_take(KEY)
    try:
        response = requests.get(url, headers=headers, timeout=HTTP_TIMEOUT, stream=True)
    except requests.RequestException as error:
        raise network_error(error, "The feed's site") from error
    status = response.status_code
    if status == 304:
        return None
    if status in (404, 410):
        raise PlatformError(f"The feed is gone (HTTP {status}). Check the URL in the source.", permanent=True)
    if status in (401, 403):
        raise PlatformError(f"The site refuses to serve the feed (HTTP {status}).", permanent=True)
    if status == 429:
        raise PlatformError("The site asks Écoute to slow down (HTTP 429).", permanent=False, retry_at=retry_after(response))
    if status >= 400:
        raise PlatformError(f"The site answered HTTP {status}. Écoute will retry.", permanent=False)
    body = bytearray()
    try:
        for chunk in response.iter_content(64 * 1024):
            body.extend(chunk)
            if len(body) > MAX_FEED_BYTES:
                raise PlatformError("The feed is larger than 20 MB: is the URL really a feed?", permanent=True)
    except requests.RequestException as error:
        raise network_error(error, "The feed's site") from error
    response._content = bytes(body)
    return response


class FeedConnector(Connector):
    def fetch(self, source, cursor: dict) -> FetchResult:
        response = _download(source.target, cursor)
        if response is None:
            return FetchResult(items=[], cursor=cursor)
        parsed = feedparser.parse(response.content, response_headers={
            "content-type": response.headers.get("Content-Type", ""), "content-location": source.target})
        if parsed.bozo and not parsed.entries:
            raise PlatformError(f"The feed could not be read ({parsed.get('bozo_exception')!r:.200}).", permanent=False)
        items, skipped = [], []
        for entry in parsed.entries:
            try:
                item = self._normalize(entry)
            except (KeyError, TypeError, ValueError) as error:
                skipped.append(f"entry {entry.get('id', '?')}: malformed ({error!r})")
                continue
            if item is None:
                skipped.append(f"entry without id or link: {entry.get('title', '')[:80]!r}")
            elif _matches(source.keywords, f"{item.title}\n{item.text}"):
                items.append(item)
        next_cursor = {"etag": response.headers.get("ETag", ""), "modified": response.headers.get("Last-Modified", "")}
        return FetchResult(items=items, cursor={k: v for k, v in next_cursor.items() if v}, skipped=skipped)

    def _normalize(self, entry) -> NormalizedMention | None:
        link = unwrap_link(entry.get("link", ""))
        key = entry.get("id") or link
        if not key:
            return None
        content = (entry.get("content") or [{}])[0].get("value") or entry.get("summary", "")
        author = entry.get("author", "")
        return NormalizedMention(
            external_id=short_id(key), title=html_to_text(entry.get("title", ""))[:500],
            text=html_to_text(content), posted_at=_entry_time(entry) or datetime.now(timezone.utc), url=link[:1000],
            author=NormalizedAuthor(external_id=short_id(f"{urlparse(link).netloc}:{author}"), display_name=author[:300])
            if author else None,
            language=(entry.get("language") or "")[:8],
            raw={"id": key, "link": link, "title": entry.get("title", ""), "author": author,
                 "published": entry.get("published", ""), "fetched": time.time()},
        )
