"""Judging a classifier: stratified cross-validation and the figures admins see per version
(macro-F1, per-class precision / recall / F1, confusion matrix, per-language macro-F1)."""

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from complaints.classifier import LABELS
from complaints.classifier.pipeline import build_pipeline


def evaluate(texts: list[str], labels: list[str], strata: list[str] | None = None, folds: int = 5, seed: int = 0) -> dict:
    """Stratified k-fold cross-validation: macro-F1, per-class precision/recall/F1 and the
    confusion matrix of the out-of-fold predictions; per-language macro-F1 when strata
    are "label|lang" keys."""
    texts, labels = np.array(texts, dtype=object), np.array(labels)
    keys = np.array(strata) if strata is not None else labels
    predicted = np.empty(len(labels), dtype=object)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, keys):
        predicted[test] = build_pipeline().fit(list(texts[train]), labels[train]).predict(list(texts[test]))
    return metrics_of(labels, predicted, keys, folds)


def metrics_of(labels, predicted, keys=None, folds: int = 0) -> dict:
    precision, recall, f1, support = precision_recall_fscore_support(labels, predicted, labels=list(LABELS), zero_division=0)
    result = {
        "macro_f1": round(float(f1_score(labels, predicted, labels=list(LABELS), average="macro", zero_division=0)), 4),
        "per_class": {label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4),
                              "support": int(s)} for label, p, r, f, s in zip(LABELS, precision, recall, f1, support)},
        "confusion": {"labels": list(LABELS),
                      "matrix": confusion_matrix(labels, predicted, labels=list(LABELS)).tolist()},
        "folds": folds,
    }
    if keys is not None and any("|" in str(k) for k in keys):
        languages = np.array([str(k).split("|")[-1] for k in keys])
        result["by_language"] = {
            str(lang): round(float(f1_score(labels[languages == lang], predicted[languages == lang], labels=list(LABELS),
                                       average="macro", zero_division=0)), 4)
            for lang in sorted(set(languages))}
    return result
