"""What the simulated people read from Écoute's pages: the mentions linked from the queue, the
live bar's `since` id, the live bar's count, the mention "take next" opened. No Django here
(the Locust process uses it); tests check it against the real templates."""

import re

_MENTION_LINK = re.compile(r'href="/mentions/(\d+)/"')
_SINCE = re.compile(r"since=(\d+)")
_NEW_COUNT = re.compile(r'class="new-bar"[^>]*>\s*(\d+)')
_TAKEN = re.compile(r"(?:/mentions/(\d+)/$|[?&]open=(\d+)(?:&|$))")


def mention_ids(html: str) -> list[str]:
    return list(dict.fromkeys(_MENTION_LINK.findall(html)))


def live_bar_since(html: str) -> str | None:
    found = _SINCE.search(html)
    return found.group(1) if found else None


def live_bar_count(html: str) -> int:
    """The "N new mentions" bar's N; 0 when the bar is empty."""
    found = _NEW_COUNT.search(html)
    return int(found.group(1)) if found else 0


def taken_mention(location: str) -> str | None:
    """The mention "take next" redirected to (the inbox with it open, or its own page), or None
    when it went back to the queue with nothing open."""
    found = _TAKEN.search(location)
    return (found.group(1) or found.group(2)) if found else None
