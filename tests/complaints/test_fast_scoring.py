"""The compiled scoring loop gives the numpy path's probabilities, whatever the text, the
order chunks arrive in, or the state of its table; it refuses bad input without changing."""

import pickle
import threading

import numpy as np
import pytest

from complaints.classifier import fast_scoring
from complaints.classifier.corpus import corpus_examples
from complaints.classifier.fast_scoring import FastScoring, compiled_available
from complaints.classifier.pipeline import build_pipeline

HOSTILE = [
    "<script>alert('x')</script> & <b>gras</b> &amp;",
    "قطار متأخر مرة أخرى @Lumio_SAV", "שירות גרוע @Lumio",
    "🔥🔥🔥 top 👍🏽👍🏽 merci 🙏", "NUUUUUL!!!! vraiment nuuul... l’appli PLANTE", "lone \ud800 surrogate \udfff",
    "tab\tand\nnew\u2003lines\u00a0here\x1cand\x1dthere", "@@@ ### !!! ??? … ...", "",
    " " * 50, "x" * 20_000, "mot " * 3_000, "www.lumio.fr/aide http://t.co/x https://t.co/y?z=1",
    "j'ai l'appli qu'il m'a dit aujourd'hui", "C'EST INADMISSIBLE #SNCF #fail #retard", "@Free_SAV @sam_92 @x",
    "merci merci merci merci", "ça ça ça déçu déçue DÉÇU",
]
# Chunks near the edge of what the compiled module analyses itself (plain ASCII), and just past it.
EDGES = ["Merci", "merci,", "a.", ".a", "a..b", "a.b.c.", "(ok)", "x-y;z:w", "2024", "2h30", "RETAAARD", "aaaa,,,,",
         "www.x", "WWW.x", "awww.", "www", "wwww", "x.www.y", "nuuuul,", "l'appli", "don't", "ok!", "ok?", "#fail",
         "@lumio", "_url_", "a_b", "é", "naïve", "ｆｕｌｌ", "ǅ", "İstanbul", "ß", "1,2", "()", "-", ",", ";;", "Ok.",
         "bad", "BAD", "bad,", "great", "great.", "thanks!!", "merci.", "top", "nul", "(nul)", "decu",
         "ŵww.x", "wwww.x", "ww.x", "déçu", "DÉÇU!", "très?", "nuuul!!!", "?!", "!?!", "!", "??", "!!!!", "a.!", "a!b",
         "ok!.", "..!", "Ⱥ", "æ", "Œuvre", "\x00", "a\x00b", "ªº", "×", "«oui»", "éé.éé", "ééé", "ÉÉÉÉ", "gr8!!!!",
         "(déçu)", "ş", "ǲ", "ŵŵŵ.", "NÉ.", "1.2.3"]


@pytest.fixture(scope="module")
def trained():
    assert compiled_available(), "The compiled scorer is not built: run `python scripts/build_scorer.py`."
    examples = corpus_examples()
    training = examples[::5]
    pipeline = build_pipeline().fit([e.text for e in training], [e.label for e in training])
    unseen = [e.text for number, e in enumerate(examples) if number % 5][:3000]
    return pipeline, unseen


def _both(pipeline, texts):
    return pipeline.predict_proba(texts), pipeline.predict_proba(texts, compiled=False)


def test_unseen_mentions_get_the_numpy_paths_probabilities(trained):
    pipeline, unseen = trained
    compiled, reference = _both(pipeline, unseen)
    assert np.allclose(compiled, reference, atol=1e-5)
    assert (compiled.argmax(axis=1) == reference.argmax(axis=1)).mean() > 0.999


def test_hostile_and_edge_texts_get_the_numpy_paths_probabilities(trained):
    pipeline, _ = trained
    texts = HOSTILE + EDGES + [" ".join(EDGES), " ".join(EDGES[::-1]), " ".join(EDGES * 3)]
    compiled, reference = _both(pipeline, texts)
    assert np.allclose(compiled, reference, atol=1e-5)


@pytest.mark.parametrize("chunk", EDGES)
def test_a_chunk_analysed_in_c_scores_as_when_python_analyses_it(trained, chunk):
    pipeline, _ = trained
    by_c = FastScoring(pipeline.features, pipeline.model)
    by_python = FastScoring(pipeline.features, pipeline.model)
    forms, word_ids, names = pipeline.features.chunk_words([chunk], by_python.forms)
    by_python.table.add([chunk], word_ids, forms, [" ".join(n) for n in names])
    texts = [chunk, f"{chunk} {chunk}", f"retard {chunk} merci"]
    by_c.table.add_plain(texts)
    by_python.table.add_plain(texts)  # the other chunks; this one is already there
    assert np.allclose(by_c.decision_scores(texts), by_python.decision_scores(texts), atol=1e-6)


def test_only_chunks_that_are_not_plain_are_handed_back_distinct_and_in_order(trained):
    pipeline, _ = trained
    table = FastScoring(pipeline.features, pipeline.model).table
    assert table.add_plain(["Merci @Lumio !", "retard encore @Lumio", "l'appli Merci ! déçu…"]) == [
        "@Lumio", "l'appli", "déçu…"]
    assert len(table) == 4  # Merci, !, retard, encore: analysed in C
    assert table.add_plain(["Merci retard !"]) == []


def test_the_order_chunks_arrive_in_and_a_cleared_table_change_nothing(trained, monkeypatch):
    pipeline, unseen = trained
    expected = pipeline.predict_proba(unseen[:400], compiled=False)
    scoring = FastScoring(pipeline.features, pipeline.model)
    one_by_one = np.vstack([scoring.decision_scores([text]) for text in unseen[:400][::-1]])[::-1]
    monkeypatch.setattr(fast_scoring, "CACHE_LIMIT", 50)  # the table starts afresh every few batches
    small_batches = np.vstack([scoring.decision_scores(unseen[:400][i:i + 7]) for i in range(0, 400, 7)])
    for scores in (one_by_one, small_batches):
        assert np.allclose(pipeline.model.probabilities(scores), expected, atol=1e-5)


def test_bad_input_is_refused_and_leaves_the_table_as_it_was(trained):
    pipeline, _ = trained
    scoring = FastScoring(pipeline.features, pipeline.model)
    table = scoring.table
    table.add_plain(["retard encore"])
    before = scoring.decision_scores(["retard encore"])
    with pytest.raises(TypeError, match="not str"):
        table.add_plain(["ok", 3])
    with pytest.raises(KeyError, match="never added"):
        table.scores(["chunk-jamais-vu!"])
    too_big = np.array([len(pipeline.features.unigrams_) * 10], dtype=np.int32).tobytes()
    for words in (too_big, b"\x01\x02\x03", np.array([-2], dtype=np.int32).tobytes()):
        with pytest.raises(ValueError):
            table.add(["bizarre#"], [words], ["bizarre #"], [""])
    with pytest.raises(ValueError, match="one part of each kind"):
        table.add(["a!", "b!"], [b""], ["a !"], [""])
    assert len(table) == 2 and table.add_plain(["bizarre#"]) == ["bizarre#"]
    assert np.array_equal(scoring.decision_scores(["retard encore"]), before)


def test_threads_scoring_at_once_get_what_one_thread_gets(trained):
    pipeline, unseen = trained
    batches = [[f"{text} mot{n}x{i} @user{n}_{i}" for i, text in enumerate(unseen[n * 20:(n + 1) * 20])] for n in range(40)]
    expected = [pipeline.predict_proba(batch, compiled=False) for batch in batches]
    results = {}

    def work(numbers):
        for n in numbers:
            results[n] = pipeline.predict_proba(batches[n])

    threads = [threading.Thread(target=work, args=(range(k, 40, 4),)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(np.allclose(results[n], expected[n], atol=1e-5) for n in range(40))


def test_the_compiled_table_is_not_pickled_and_is_built_again(trained):
    pipeline, unseen = trained
    pipeline.predict_proba(unseen[:5])
    assert "_fast" in pipeline.__dict__
    copy = pickle.loads(pickle.dumps(pipeline))
    assert "_fast" not in copy.__dict__
    assert np.allclose(copy.predict_proba(unseen[:50]), pipeline.predict_proba(unseen[:50]), atol=1e-9)


def test_refitting_drops_the_table_of_the_previous_model(trained):
    _, unseen = trained
    pipeline = build_pipeline()
    texts = ["panne encore, inadmissible", "comment payer ma facture ?", "merci, au top", "offre d'emploi à Lyon"] * 6
    labels = ["complaint", "question", "praise", "other"] * 6
    pipeline.fit(texts, labels).predict_proba(unseen[:5])
    first = pipeline.__dict__["_fast"]
    pipeline.fit(texts[::-1], labels[::-1])
    assert "_fast" not in pipeline.__dict__
    assert np.allclose(pipeline.predict_proba(unseen[:50]), pipeline.predict_proba(unseen[:50], compiled=False), atol=1e-5)
    assert pipeline.__dict__["_fast"] is not first


def test_scores_of_other_texts_than_the_last_added_look_their_chunks_up(trained):
    pipeline, unseen = trained
    scoring = FastScoring(pipeline.features, pipeline.model)
    first, second = unseen[:30], unseen[30:60]
    scoring.decision_scores(first + second)  # everything is known
    scoring.table.add_plain(first)  # remembers its lookups for `first`
    expected = pipeline.predict_proba(second, compiled=False)
    scores = np.frombuffer(scoring.table.scores(second), dtype=np.float64).reshape(30, -1) + scoring.intercept
    assert np.allclose(pipeline.model.probabilities(scores), expected, atol=1e-5)
    scoring.table.add_plain(first)
    same_objects = list(first)  # another list, the same strings: the lookups stand
    scores = np.frombuffer(scoring.table.scores(same_objects), dtype=np.float64).reshape(30, -1) + scoring.intercept
    assert np.allclose(pipeline.model.probabilities(scores), pipeline.predict_proba(first, compiled=False), atol=1e-5)
