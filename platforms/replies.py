"""Recognising a reply the platform already has, from its text."""

import html
import re

_LEADING_HANDLES = re.compile(r"^(?:@\w+\s+)+")
_URL = re.compile(r"https?://\S+")


def comparable(text: str) -> str:
    """A reply's text as the platform gives it back: X prefixes the @handles it replies to,
    escapes &, < and >, and rewrites links to t.co; spacing may change."""
    text = html.unescape(text or "")
    text = _LEADING_HANDLES.sub("", text.strip())
    text = _URL.sub("<link>", text)
    return " ".join(text.split()).casefold()


def same_text(ours: str, theirs: str) -> bool:
    return bool(comparable(ours)) and comparable(ours) == comparable(theirs)
