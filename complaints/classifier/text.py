"""Normalization and tokens for the classifier.

scikit-learn's default token pattern drops "?", "!", emoji and elided words (l', j', n'),
and has no French stop-word list. Here nothing that carries intent is dropped: negations,
question words, punctuation runs and emoji all become tokens."""

import re
import unicodedata

URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
HANDLE = re.compile(r"(?<![\w@])@\w{1,30}")
HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
# French elisions: l'appli → l' appli, j'ai → j' ai, qu'il → qu' il, aujourd'hui stays whole.
ELISION = re.compile(r"\b(l|j|n|qu|c|d|s|m|t|jusqu|lorsqu|puisqu)'(?=\w)", re.IGNORECASE)
ELONGATED = re.compile(r"(\w)\1{2,}")  # "nuuuul" → "nuul": keeps the emphasis, merges the spellings
PUNCT_RUN = re.compile(r"([!?])[!?]+")
ELLIPSIS = re.compile(r"\.{3,}|…")
TOKEN = re.compile(
    r"_url_|_user_|#\w+|\w+'\w+|\w+'|\w+"  # placeholders, hashtags, contractions, elided words, words
    r"|[!?]{1,2}|…"  # intent punctuation, single or repeated
    r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u3030\u303D\u3297\u3299]"  # emoji and symbols
)


def _accent_table() -> dict[int, str]:
    table = {}
    for code in range(0xC0, 0x250):  # Latin-1 Supplement and Latin Extended-A/B
        base = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if unicodedata.category(c) != "Mn")
        if base and base != chr(code):
            table[code] = base
    return table


_ACCENTS = _accent_table()


def _fold_accents(text: str) -> str:
    """Removes accents (customers often type without them) but leaves emoji intact."""
    return text if text.isascii() else text.translate(_ACCENTS)


def merge_elongations(text: str) -> str:
    # A search first: sub() with a backreference template prepares it again on every call, which
    # cost more than the search on the many words without elongation.
    return ELONGATED.sub(lambda m: m.group(1) * 2, text) if ELONGATED.search(text) else text


def normalize(text: str) -> str:
    # Each rewrite runs only when the character it needs is present: most chunks of a
    # mention need none of them, and a regex pass costs far more than a membership test.
    text = _fold_accents(text.translate(APOSTROPHES).lower())
    if "://" in text or "www." in text:
        text = URL.sub(" _url_ ", text)
    if "@" in text:
        text = HANDLE.sub(" _user_ ", text)
    if "#" in text:
        text = HASHTAG.sub(lambda m: f" #{m.group(1)} {m.group(1)} ", text)  # the tag and its word
    if "'" in text:
        text = ELISION.sub(lambda m: m.group(1) + "' ", text)
    text = merge_elongations(text)
    if "!" in text or "?" in text:
        text = PUNCT_RUN.sub(lambda m: " " + ("?!" if "?" in m.group() and "!" in m.group() else m.group(1) * 2) + " ", text)
    if "." in text or "…" in text:
        text = ELLIPSIS.sub(" … ", text)
    return text


def tokens(text: str) -> list[str]:
    """Word tokens of a normalized text (used as the word analyzer)."""
    return TOKEN.findall(text)
