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
    "", "   ", "a",
]


def _reference(texts):
    def words(text):
        found = tokens(text)
        return found + [f"{a} {b}" for a, b in zip(found, found[1:])]

    return FeatureUnion([
        ("words", TfidfVectorizer(analyzer=words, sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                                  max_features=150_000, dtype=np.float32)),
    ]).fit([normalize(t) for t in texts])


def test_features_equal_scikit_learns_tfidf_vectorizers():
    training = TEXTS * 2 + [t.upper() for t in TEXTS]
    reference = _reference(training)
    ours = MentionFeatures().fit(training)
    unseen = ["Toujours pas de fibre depuis lundi, merci @Lumio", "How do I pay my bill online?"] + TEXTS
    expected = reference.transform([normalize(t) for t in unseen]).toarray()
    assert ours.transform(unseen).shape == expected.shape
    assert np.allclose(ours.transform(unseen).toarray(), expected, atol=1e-6)


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
