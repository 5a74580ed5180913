"""The classifier: normalization → word 1–2-grams with lexicon markers, character 2–5-grams
and the @handles' character n-grams (TF-IDF, see features.py) → a linear SVM whose scores
become calibrated probabilities (model.py).

C = 0.8 and the handles' weight 0.3 were chosen over several cross-validation seeds on the
project corpus, on the public complaints dataset and on fresh batches of project mentions
scored by a model trained on the rest (see README, Classifier).

A plain object rather than a scikit-learn Pipeline, so that loading a trained model (and
classifying with it) doesn't import scikit-learn.

Classifying goes through the compiled loop (fast_scoring.py) when it is built, and through
the features' sparse blocks and the model's product otherwise; both give the same scores."""

import numpy as np

from complaints.classifier.fast_scoring import FastScoring
from complaints.classifier.features import MentionFeatures
from complaints.classifier.model import CalibratedLinear

_NO_FAST_SCORING = object()


class MentionClassifier:
    def __init__(self, features: MentionFeatures | None = None, model: CalibratedLinear | None = None):
        self.features = features or MentionFeatures()
        self.model = model or CalibratedLinear()

    def fit(self, texts, labels):
        self.__dict__.pop("_fast", None)  # built for the previous model
        self.model.fit(self.features.fit(texts).transform(texts), np.asarray(labels))
        return self

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_fast", None)  # compiled, per process: built again on first use
        return state

    @property
    def classes_(self) -> np.ndarray:
        return self.model.classes_

    def predict_proba(self, texts, *, compiled: bool = True) -> np.ndarray:
        """compiled=False takes the numpy path even where the compiled loop is built (to compare them)."""
        if compiled:
            fast = self.__dict__.get("_fast")
            if fast is None:
                fast = self.__dict__["_fast"] = FastScoring.for_pipeline(self.features, self.model) or _NO_FAST_SCORING
            if fast is not _NO_FAST_SCORING:
                return self.model.probabilities(fast.decision_scores(texts))
        return self.model.predict_proba(self.features.blocks(texts))

    def predict(self, texts) -> np.ndarray:
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]


def build_pipeline() -> MentionClassifier:
    return MentionClassifier(MentionFeatures(), CalibratedLinear(C=0.8))
