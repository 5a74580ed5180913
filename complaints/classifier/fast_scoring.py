"""Decision scores through the compiled loop of _scorer.c, when it is built (scripts/
build_scorer.py; _venv.sh and the Dockerfile run it).

features.py still analyses every chunk a worker sees for the first time; the compiled
table keeps what it found and does the rest (split, look up, count, weight, multiply by the
model's coefficients) without a Python object per chunk. The scores are those of
MentionFeatures.blocks with CalibratedLinear.decision_scores (test_fast_scoring.py checks
it); without the compiled module the classifier runs on that numpy path, about half as fast."""

import numpy as np

from complaints.classifier.features import _STORE_LOCK, CACHE_LIMIT, MentionFeatures
from complaints.classifier.model import CalibratedLinear

try:
    from complaints.classifier import _scorer
except ImportError:  # not compiled on this machine
    _scorer = None


def compiled_available() -> bool:
    return _scorer is not None


class FastScoring:
    def __init__(self, features: MentionFeatures, model: CalibratedLinear):
        handles = "handles_" in features.__dict__  # absent from models trained before the lexicon
        self.features, self.intercept = features, model.intercept_
        self.columns = model.coef_.shape[1]  # one per class and fold (one per fold for two classes)
        self.forms: dict = {}  # normalized form → its parts, shared by the raw chunks that give it
        self.table = _scorer.Scorer(
            n_words=features.n_words_,
            bigram_keys=np.ascontiguousarray(features.bigram_keys_, dtype=np.int64),
            bigram_ids=np.ascontiguousarray(features.bigram_ids_, dtype=np.int32),
            word_idf=np.ascontiguousarray(features.word_idf_, dtype=np.float32),
            char_idf=np.ascontiguousarray(features.char_idf_, dtype=np.float32),
            handle_idf=np.ascontiguousarray(features.handle_idf_ if handles else [], dtype=np.float32),
            coef=np.ascontiguousarray(model.coef_, dtype=np.float32),
            columns=self.columns,
            handle_weight=float(features.addressee_weight if handles else 0),
        )

    @classmethod
    def for_pipeline(cls, features: MentionFeatures, model: CalibratedLinear) -> "FastScoring | None":
        return cls(features, model) if _scorer is not None else None

    def decision_scores(self, texts) -> np.ndarray:
        texts = [text if type(text) is str else str(text) for text in texts]
        with _STORE_LOCK:  # see MentionFeatures.blocks: one batch at a time per process
            if len(self.table) > CACHE_LIMIT:
                self.table.clear()
                self.forms.clear()
            new = self.table.missing(texts)
            if new:
                words, chars, handles = zip(*self.features._parts(new, self.forms))
                self.table.add(new, list(words), list(chars), list(handles))
            scores = self.table.scores(texts)
        return np.frombuffer(scores, dtype=np.float64).reshape(len(texts), self.columns) + self.intercept
