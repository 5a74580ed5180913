"""The linear model: a LinearSVC per cross-validation fold, each with sigmoid-calibrated
probabilities (scikit-learn's CalibratedClassifierCV). Once fitted, the folds' weights are
stacked into one matrix, so predicting is a single sparse product instead of one pass per
fold — the probabilities are CalibratedClassifierCV's.

Predicting needs only numpy and scipy: scikit-learn (~70 MB resident) is imported to train,
never by a worker that only classifies."""

import numpy as np
from scipy.special import expit


class CalibratedLinear:
    def __init__(self, C: float = 0.5, folds: int = 3):
        self.C = C
        self.folds = folds

    def fit(self, X, y):
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.svm import LinearSVC

        calibrated = CalibratedClassifierCV(
            LinearSVC(C=self.C, class_weight="balanced"), method="sigmoid", cv=self.folds).fit(X, y)
        self.classes_ = calibrated.classes_
        fitted = calibrated.calibrated_classifiers_
        for fold in fitted:  # stratified folds: every fold saw every class, in the same order
            if list(fold.estimator.classes_) != list(self.classes_):
                raise ValueError("Each label needs examples in every calibration fold.")
        self.coef_ = np.hstack([fold.estimator.coef_.T for fold in fitted]).astype(np.float32)
        self.intercept_ = np.concatenate([np.atleast_1d(fold.estimator.intercept_) for fold in fitted])
        self.slope_ = np.array([c.a_ for fold in fitted for c in fold.calibrators])
        self.offset_ = np.array([c.b_ for fold in fitted for c in fold.calibrators])
        return self

    def decision_scores(self, X) -> np.ndarray:
        """X is one matrix, or its column blocks in order (see MentionFeatures.blocks)."""
        if isinstance(X, list):
            starts = np.cumsum([0] + [block.shape[1] for block in X])
            scores = sum(block @ self.coef_[start:start + block.shape[1]] for block, start in zip(X, starts))
        else:
            scores = X @ self.coef_
        return np.asarray(scores, dtype=np.float64) + self.intercept_

    def predict_proba(self, X) -> np.ndarray:
        """X as for decision_scores."""
        return self.probabilities(self.decision_scores(X))

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities from decision_scores' output."""
        calibrated = expit(-(scores * self.slope_ + self.offset_))
        classes = len(self.classes_)
        if classes == 2:  # one score per fold: the probability of the second class
            positive = calibrated.mean(axis=1)
            return np.column_stack([1 - positive, positive])
        per_fold = calibrated.reshape(len(calibrated), -1, classes)
        total = per_fold.sum(axis=2, keepdims=True)
        normalized = np.divide(per_fold, total, out=np.full_like(per_fold, 1 / classes), where=total != 0)
        return normalized.mean(axis=1)
