"""The classifier: normalization → word 1–2-grams with lexicon markers, character 2–5-grams
and the @handles' character n-grams (TF-IDF, see features.py) → a linear SVM whose scores
become calibrated probabilities (model.py).

C = 0.8 and the handles' weight 0.3 were chosen over several cross-validation seeds on the
project corpus, on the public complaints dataset and on fresh batches of project mentions
scored by a model trained on the rest (see README, Classifier).

A plain object rather than a scikit-learn Pipeline, so that loading a trained model (and
classifying with it) doesn't import scikit-learn."""

import numpy as np

from complaints.classifier.features import MentionFeatures
from complaints.classifier.model import CalibratedLinear


class MentionClassifier:
    def __init__(self, features: MentionFeatures | None = None, model: CalibratedLinear | None = None):
        self.features = features or MentionFeatures()
        self.model = model or CalibratedLinear()

    def fit(self, texts, labels):
        self.model.fit(self.features.fit(texts).transform(texts), np.asarray(labels))
        return self

    @property
    def classes_(self) -> np.ndarray:
        return self.model.classes_

    def predict_proba(self, texts) -> np.ndarray:
        return self.model.predict_proba(self.features.blocks(texts))

    def predict(self, texts) -> np.ndarray:
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]


def build_pipeline() -> MentionClassifier:
    return MentionClassifier(MentionFeatures(), CalibratedLinear(C=0.8))
