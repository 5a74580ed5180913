"""Text clean-up shared by the platforms and ingestion: HTML reduced to safe plain text, and values
Postgres cannot store (NUL characters) replaced."""

import hashlib
import html
import re
from html.parser import HTMLParser

_BLOCK_TAGS = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
_DROPPED_TAGS = {"script", "style", "noscript", "template", "iframe", "object"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _DROPPED_TAGS:
            self._dropping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _DROPPED_TAGS and self._dropping:
            self._dropping -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._dropping:
            self.parts.append(data)


def html_to_text(value: str) -> str:
    """Plain text of an HTML fragment: tags removed, scripts and styles dropped with their
    content, entities decoded, blank runs folded. The result is still escaped when shown."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return value.strip()
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    text = html.unescape("".join(parser.parts))
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\s*\n\s*", "\n", text).strip()


def storable(value):
    """Replaces NUL characters, which Postgres refuses in text and JSON, in strings and
    in nested lists and dicts."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(v) for v in value]
    return value


def short_id(value: str, limit: int = 128) -> str:
    """A platform id that fits the column: long ones (feed URLs) become a stable hash."""
    return value if len(value) <= limit else "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def web_url(value) -> str:
    """The URL when it is an absolute http(s) link, else "": a javascript:, data: or relative
    link from a platform, a feed, a webhook or an import is never stored or shown as a link."""
    text = str(value or "").strip()
    scheme, _, rest = text.partition(":")
    if scheme.casefold() not in ("http", "https") or not rest.startswith("//") or len(rest) <= 2:
        return ""
    if _SPACE_OR_CONTROL.search(text):
        return ""
    return text


_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")  # \s: what str.isspace() calls a space, in one C scan
