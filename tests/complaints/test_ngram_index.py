"""The vectorized n-gram lookup finds exactly what cutting each word and looking its n-grams
up one by one finds, whatever the words and the vocabulary."""

from collections import Counter

import numpy as np

from complaints.classifier.features import MentionFeatures, _known_ngrams, char_ngrams
from complaints.classifier.ngram_index import NgramIndex

WORDS = ["merci", "retard", "👏👏", "قطار", "été", "a", "xx", "inadmissible", "_user_", "?!", "colis…",
         "zzzqqq", "日本", "l'appli", "supercalifragilisticexpialidocious", "🏳️‍🌈", "\u200f", "mañana", "\ud83d", "a\udfffb"]


def _vocabulary(words, low=2, high=5, keep=lambda gram: True):
    grams = sorted({g for g in char_ngrams(words, low, high) if keep(g)})
    return {gram: number for number, gram in enumerate(grams)}


def _as_counts(raw: bytes) -> Counter:
    return Counter(np.frombuffer(raw, dtype=np.int32).tolist())


def _groups():
    return [WORDS[:4], [], WORDS[4:9], ["pas", "de", "réseau"], WORDS[9:], ["unseen", "ŵord"]]


def test_the_index_agrees_with_the_one_by_one_lookup():
    vocabulary = _vocabulary(WORDS[::2] + ["pas", "de"])  # half the words known, half new
    index = NgramIndex(vocabulary, (2, 5))
    assert index.prefix_closed
    for group, found in zip(_groups(), index.ids_of(_groups()), strict=True):
        assert _as_counts(found) == _as_counts(_known_ngrams(group, vocabulary, (2, 5)))


def test_a_vocabulary_without_the_prefixes_is_still_read_exactly():
    vocabulary = _vocabulary(WORDS, keep=lambda gram: len(gram) != 3)  # 4-grams without their 3-gram prefix
    index = NgramIndex(vocabulary, (2, 5))
    assert not index.prefix_closed
    for group, found in zip(_groups(), index.ids_of(_groups()), strict=True):
        assert _as_counts(found) == _as_counts(_known_ngrams(group, vocabulary, (2, 5)))
    assert sum(map(len, index.ids_of(_groups()))) > 0


def test_empty_input_and_empty_vocabulary():
    assert NgramIndex({"ab": 0}, (2, 5)).ids_of([]) == []
    assert NgramIndex({"ab": 0}, (2, 5)).ids_of([[], []]) == [b"", b""]
    assert NgramIndex({}, (2, 5)).ids_of([["merci"]]) == [b""]


def test_an_alphabet_too_large_for_64_bit_numbers_falls_back_to_the_one_by_one_lookup():
    letters = [chr(0x4E00 + i) for i in range(7000)]  # 7,001 digits: 7,002 ** 5 > 2 ** 63
    vocabulary = {f"{a}{b}": i for i, (a, b) in enumerate(zip(letters, letters[1:]))}
    assert not NgramIndex.usable(vocabulary, (2, 5))
    features = MentionFeatures(char_min_df=1, word_min_df=1, handle_min_df=1).fit(["".join(letters[:3]) + " merci"])
    features.chars_ = vocabulary
    assert _as_counts(features._ngram_ids("chars_", (2, 5), [[letters[0] + letters[1]]])[0]) == Counter({0: 1})
    assert features.__dict__["_indexes"]["chars_"] is None
