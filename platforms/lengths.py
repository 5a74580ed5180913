"""Counting a text in graphemes, as platforms that count what a reader sees do: "é" written as
e + accent, a flag, a family emoji joined by ZWJ each count 1."""

import unicodedata

_ZWJ = "\u200d"
_REGIONAL = range(0x1F1E6, 0x1F200)
_EXTENDERS = range(0x1F3FB, 0x1F400)  # skin tones


def _extends(char: str) -> bool:
    code = ord(char)
    return (unicodedata.category(char) in ("Mn", "Me", "Mc") or 0xFE00 <= code <= 0xFE0F or code in _EXTENDERS
            or 0xE0020 <= code <= 0xE007F)  # variation selectors, tag sequences (sub-flags)


def grapheme_count(text: str) -> int:
    """Extended grapheme clusters, close to Unicode's rules for what people write: combining
    marks, variation selectors, skin tones and ZWJ sequences join the character before;
    regional indicators pair into flags; CR LF is one."""
    count, previous, regional_open = 0, "", False
    for char in text:
        code = ord(char)
        if previous and (_extends(char) or char == _ZWJ or previous == _ZWJ or (previous == "\r" and char == "\n")):
            previous = char
            continue
        if code in _REGIONAL:
            if regional_open:
                regional_open = False
                previous = char
                continue
            regional_open = True
        else:
            regional_open = False
        count += 1
        previous = char
    return count

