"""Blogs through RSS and Atom feeds (feedparser), including Google Alerts feeds and
WordPress comment feeds, with conditional GET: an unchanged feed costs one 304.

Each entry keeps the feed's language (xml:lang on the entry or the feed, RSS <language>,
dc:language) and its date (see dates.py); an entry without a readable date is dated when
Écoute first saw it, and its payload says so. Text the feed declares as plain text
(Atom type="text") is kept as written; only HTML is reduced to text."""

import logging
import time
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlparse

import feedparser
import requests
from django.utils.translation import gettext_lazy as _

from core.text import html_to_text, short_id
from platforms.base import Connector, FetchResult
from platforms.errors import ErrorKind
from platforms.feeds.dates import entry_time
from platforms.http import HTTP_TIMEOUT, network_error, retry_after
from platforms.normalized import NormalizedAuthor, NormalizedMention
from platforms.quota import quota_take

logger = logging.getLogger(__name__)

KEY = "blog"
FEED_KIND = "feed"
MAX_FEED_BYTES = 20 * 1024 * 1024
USER_AGENT = "Ecoute feed reader (+https://github.com/ecoute)"

GONE = ErrorKind("feeds.gone", _("The feed is gone (HTTP %(status)s). Check the URL in the source."))
REFUSED = ErrorKind("feeds.refused", _("The site refuses to serve the feed (HTTP %(status)s)."))
SLOW_DOWN = ErrorKind("feeds.slow_down", _("The site asks Écoute to slow down (HTTP 429)."))
SITE_ERROR = ErrorKind("feeds.site_error", _("The site answered HTTP %(status)s. Écoute will retry."))
TOO_LARGE = ErrorKind("feeds.too_large", _("The feed is larger than 20 MB: is the URL really a feed?"))
UNREADABLE = ErrorKind("feeds.unreadable", _("The feed could not be read (%(said)s)."))


def unwrap_link(link: str) -> str:
    """Google Alerts wraps article links in a redirect; keep the article's own URL."""
    parsed = urlparse(link or "")
    if parsed.netloc.endswith("google.com") and parsed.path == "/url":
        target = parse_qs(parsed.query).get("url")
        if target:
            return target[0]
    return link or ""


def _as_text(detail: dict | None, value: str) -> str:
    """Plain text stays as written ("History of the <blink> tag"); HTML is reduced to text."""
    if detail and detail.get("type") == "text/plain":
        return (value or "").strip()
    return html_to_text(value)


def language_code(tag: str | None) -> str:
    """A language tag as Écoute stores languages: "fr-FR", "FR_ca", "fr" -> "fr"."""
    primary = (tag or "").strip().replace("_", "-").split("-")[0].casefold()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else ""


def _entry_language(entry, feed_language: str) -> str:
    for detail in [*(entry.get("content") or []), entry.get("summary_detail"), entry.get("title_detail")]:
        found = language_code((detail or {}).get("language"))
        if found:
            return found
    return language_code(entry.get("language")) or feed_language


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
        raise GONE.error(permanent=True, status=status)
    if status in (401, 403):
        raise REFUSED.error(permanent=True, status=status)
    if status == 429:
        raise SLOW_DOWN.error(permanent=False, retry_at=retry_after(response))
    if status >= 400:
        raise SITE_ERROR.error(permanent=False, status=status)
    body = bytearray()
    try:
        for chunk in response.iter_content(64 * 1024):
            body.extend(chunk)
            if len(body) > MAX_FEED_BYTES:
                raise TOO_LARGE.error(permanent=True)
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
            raise UNREADABLE.error(permanent=False, said=f"{parsed.get('bozo_exception')!r:.200}")
        items, skipped = [], []
        feed_language = language_code(parsed.feed.get("language"))
        for entry in parsed.entries:
            try:
                item = self._normalize(entry, feed_language)
            except (KeyError, TypeError, ValueError) as error:
                skipped.append(f"entry {entry.get('id', '?')}: malformed ({error!r})")
                continue
            if item is None:
                skipped.append(f"entry without id or link: {entry.get('title', '')[:80]!r}")
            elif _matches(source.keywords, f"{item.title}\n{item.text}"):
                items.append(item)
        next_cursor = {"etag": response.headers.get("ETag", ""), "modified": response.headers.get("Last-Modified", "")}
        return FetchResult(items=items, cursor={k: v for k, v in next_cursor.items() if v}, skipped=skipped)

    def _normalize(self, entry, feed_language: str = "") -> NormalizedMention | None:
        link = unwrap_link(entry.get("link", ""))
        key = entry.get("id") or link
        if not key:
            return None
        body = (entry.get("content") or [None])[0] or entry.get("summary_detail")
        text = _as_text(body, (body or {}).get("value") or entry.get("summary", ""))
        author = entry.get("author", "")
        posted_at = entry_time(entry)
        raw = {"id": key, "link": link, "title": entry.get("title", ""), "author": author,
               "published": entry.get("published") or entry.get("updated") or entry.get("created") or "",
               "fetched": time.time()}
        if posted_at is None:  # no date Écoute can read: the time it was first seen stands in
            posted_at = datetime.now(timezone.utc)
            raw["dated_when_first_seen"] = True
        return NormalizedMention(
            external_id=short_id(key), title=_as_text(entry.get("title_detail"), entry.get("title", ""))[:500],
            text=text, posted_at=posted_at, url=link[:1000],
            author=NormalizedAuthor(external_id=short_id(f"{urlparse(link).netloc}:{author}"), display_name=author[:300])
            if author else None,
            language=_entry_language(entry, feed_language),
            raw=raw,
        )
