"""How Mastodon counts a post: graphemes, every link as 23 characters, and a mention of
@user@instance by its @user part only."""

import re

from platforms.lengths import grapheme_count

URL_LENGTH = 23
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_ACCT = re.compile(r"(?<![\w/])@(\w+)@[\w.-]+\w")


def mastodon_length(text: str) -> int:
    links = _URL.findall(text)
    rest = _ACCT.sub(lambda m: f"@{m.group(1)}", _URL.sub("", text))
    return URL_LENGTH * len(links) + grapheme_count(rest)
