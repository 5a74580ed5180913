"""How X counts a post's length: every link counts as a t.co link (23), light characters 1,
every other character (CJK, emoji…) 2."""

import re

X_URL_LENGTH = 23
URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))


def _weight(char: str) -> int:
    code = ord(char)
    return 1 if any(low <= code <= high for low, high in _LIGHT) else 2


def x_length(text: str) -> int:
    """The length X counts for a post: links 23, light characters 1, others 2."""
    links = URL.findall(text)
    rest = URL.sub("", text)
    return X_URL_LENGTH * len(links) + sum(_weight(c) for c in rest)
