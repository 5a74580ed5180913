import pytest

from complaints.classifier.text import normalize, tokens


def _tokens(text):
    return tokens(normalize(text))


@pytest.mark.parametrize("text, expected", [
    ("J’ai appelé", ["j'", "ai", "appele"]),            # curly apostrophe, elision, accents folded
    ("l'appli n'est pas dispo", ["l'", "appli", "n'", "est", "pas", "dispo"]),
    ("qu'il m'explique", ["qu'", "il", "m'", "explique"]),
    ("aujourd'hui", ["aujourd'hui"]),
    ("I don't know", ["i", "don't", "know"]),
])
def test_elisions_and_contractions_keep_their_words(text, expected):
    assert _tokens(text) == expected


def test_urls_and_handles_become_placeholders_and_hashtags_keep_their_word():
    assert _tokens("@SNCF voir https://t.co/abc #fail") == ["_user_", "voir", "_url_", "#fail", "fail"]


def test_punctuation_runs_emoji_and_sarcasm_markers_are_kept():
    toks = _tokens("Merci pour ces 2h de retard 👏👏!!! vraiment?! ...")
    assert "👏" in toks and "!!" in toks and "?!" in toks and "…" in toks
    assert _tokens("why?") == ["why", "?"]


def test_elongated_words_merge_and_negations_stay():
    assert _tokens("c'est nuuuuul, jamais plus") == ["c'", "est", "nuul", "jamais", "plus"]
    assert "not" in _tokens("It's NOT working")
