"""The one-pass feature extractor gives exactly scikit-learn's TF-IDF features, whatever
its cache holds, and the trained model classifies without importing scikit-learn."""

import io
import subprocess
import sys

import joblib
import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from complaints.classifier import features as features_module
from complaints.classifier.features import MentionFeatures, chunk_normalize
from complaints.classifier.pipeline import build_pipeline
from complaints.classifier.lexicon import addressees, word_markers
from complaints.classifier.text import normalize, tokens

TEXTS = [
    "Merci @Lumio pour ces 3 jours SANS internet 👏👏!!! #fail https://t.co/xYz",
    "Bonjour, comment j’active l'option 5G ? Merci d'avance",
    "Livraison reçue en 24h, parfait... le livreur était très sympa",
    "WHY is my refund still not here after 3 weeks?!",
    "Great service at the Lyon store today, thanks Sam 🙏",
    "Job offer: community manager (H/F) in Nantes — apply at www.example.org/jobs",
    "nuuuul, l'appli plante encore.... j'en ai marre",
    "قطار متأخر مرة أخرى @Lumio",  # right-to-left text
    "<script>alert(1)</script> & <b>bold</b>",
    "@AmazonHelp @sam_92 still no refund, useless 😡",
    "@lumio_sav (@Lumio) merci, top !",
    "", "   ", "a",
]


def _reference(texts):
    """The same features from scikit-learn's vectorizers, on the raw text: words with their
    lexicon markers (chunk by chunk) and bigrams; char_wb 2–5-grams of the normalized text;
    char_wb 2–5-grams of the @handles, scaled by the addressee weight."""
    def words(text):
        found = []
        for chunk in text.split():
            chunk_words = tokens(normalize(chunk))
            found += chunk_words + word_markers(chunk_words) + addressees(chunk)[0]
        return found + [f"{a} {b}" for a, b in zip(found, found[1:])]

    def chars(text):
        return normalize(text)

    def handle_text(text):
        return " ".join(h for chunk in text.split() for h in addressees(chunk)[1])

    defaults = MentionFeatures()

    return FeatureUnion([
        ("words", TfidfVectorizer(analyzer=words, sublinear_tf=True, min_df=defaults.word_min_df)),
        ("chars", TfidfVectorizer(preprocessor=chars, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                  min_df=defaults.char_min_df, max_features=150_000, dtype=np.float32)),
        ("handles", TfidfVectorizer(preprocessor=handle_text, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                    min_df=2, dtype=np.float32)),
    ], transformer_weights={"handles": defaults.addressee_weight}).fit(texts)


def test_features_equal_scikit_learns_tfidf_vectorizers():
    training = TEXTS * 2 + [t.upper() for t in TEXTS]
    reference = _reference(training)
    ours = MentionFeatures().fit(training)
    unseen = ["Toujours pas de fibre depuis lundi, merci @Lumio", "How do I pay my bill online?",
              "@AmazonHelp colis perdu, inadmissible", "merci \ud83d", "@Lumio\udfff"] + TEXTS  # lone surrogates
    expected = reference.transform(unseen).toarray()
    assert ours.transform(unseen).shape == expected.shape
    assert np.allclose(ours.transform(unseen).toarray(), expected, atol=1e-6)


def test_a_rare_word_of_dissatisfaction_shares_the_common_ones_marker_and_care_accounts_are_marked():
    ours = MentionFeatures().fit(TEXTS)
    row = ours.transform(["@SNCF_Assistance lamentable"]).toarray()[0]
    for marker in ("_neg_", "_support_"):
        assert row[ours.unigrams_[marker]] > 0
    assert row[ours.unigrams_["_pos_"]] == 0
    friend = ours.transform(["@sam_92 lamentable"]).toarray()[0]
    assert friend[ours.unigrams_["_support_"]] == 0 and friend[ours.unigrams_["_neg_"]] > 0


def test_the_addressee_changes_the_features_but_not_the_words():
    ours = MentionFeatures().fit(TEXTS * 2)
    care, main = ours.transform(["@AmazonHelp still no refund", "@Lumio still no refund"]).toarray()
    chars_end = ours.n_words_ + len(ours.chars_)
    assert np.allclose(care[ours.n_words_:chars_end], main[ours.n_words_:chars_end])  # both handles are _user_
    assert not np.allclose(care[chars_end:], main[chars_end:])  # the handles block tells them apart
    support = ours.unigrams_["_support_"]
    assert care[support] > 0 and main[support] == 0


def test_a_model_trained_before_the_lexicon_reads_mentions_as_it_was_trained():
    old = MentionFeatures().fit(TEXTS * 2)
    expected_words = len(old.chars_) + old.n_words_
    for attribute in ("handles_", "handle_idf_"):  # what a model pickled before them lacks
        del old.__dict__[attribute]
    old.__dict__.pop("_store", None)
    matrix = old.transform(["@AmazonHelp still no refund, useless", "merci, top"])
    assert matrix.shape == (2, expected_words)
    assert all(matrix[:, old.unigrams_[m]].nnz == 0 for m in ("_neg_", "_pos_", "_support_"))


def test_the_cache_never_changes_the_result(monkeypatch):
    ours = MentionFeatures().fit(TEXTS * 2)
    first = ours.transform(TEXTS).toarray()
    assert np.array_equal(ours.transform(TEXTS).toarray(), first)  # all from the cache
    monkeypatch.setattr(features_module, "CACHE_LIMIT", 3)
    ours.transform(TEXTS)  # over the limit: emptied, then filled again
    assert np.array_equal(ours.transform(TEXTS[::-1]).toarray()[::-1], first)


@pytest.mark.parametrize("chunk", [
    "Merci", "3-yr-old", "flight.", "lord...", "why“@JetBlue:", "http://t.co/x”😂", "WWW.Lumio.fr", "l’appli",
    "#FAIL", "nuuuul!!!", "ok?!", "été", "(H/F)", "a.b.c", "www.", "http://", "Https://x",
])
def test_chunk_shortcuts_agree_with_normalize(chunk):
    assert chunk_normalize(chunk) == normalize(chunk)


def test_a_trained_model_classifies_without_importing_scikit_learn(tmp_path):
    texts = ["panne encore, inadmissible", "comment payer ma facture ?", "merci, au top", "offre d'emploi à Lyon"] * 6
    labels = ["complaint", "question", "praise", "other"] * 6
    path = tmp_path / "model.joblib"
    buffer = io.BytesIO()
    joblib.dump(build_pipeline().fit(texts, labels), buffer)
    path.write_bytes(buffer.getvalue())
    code = ("import sys, joblib; model = joblib.load(sys.argv[1]); "
            "print(model.predict(['toujours en panne, inadmissible'])[0]); "
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                         cwd=str(features_module.__file__).rsplit("/complaints/", 1)[0])
    assert out.stdout.split() == ["complaint", "False"]


def test_threads_classifying_at_once_get_what_one_thread_gets():
    import threading

    ours = MentionFeatures().fit(TEXTS * 2)
    batches = [[f"{text} mot{n}x{i} @user{n}_{i}" for i, text in enumerate(TEXTS)] for n in range(40)]
    expected = [MentionFeatures().fit(TEXTS * 2).transform(batch).toarray() for batch in batches]
    results = {}

    def work(numbers):
        for n in numbers:
            results[n] = ours.transform(batches[n]).toarray()

    threads = [threading.Thread(target=work, args=(range(k, 40, 4),)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(np.array_equal(results[n], expected[n]) for n in range(40))


def test_fitting_again_forgets_what_the_previous_vocabulary_analysed():
    ours = MentionFeatures()
    ours.fit(TEXTS * 2).transform(TEXTS)
    other = ["tout autre chose ici", "rien à voir, vraiment", "autre chose encore"] * 3
    assert np.array_equal(ours.fit(other).transform(TEXTS).toarray(), MentionFeatures().fit(other).transform(TEXTS).toarray())
