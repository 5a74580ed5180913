"""Judging a classifier: stratified cross-validation and the figures admins see per version
(macro-F1, per-class precision / recall / F1, confusion matrix, per-language macro-F1)."""

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from complaints.classifier import LABELS
from complaints.classifier.pipeline import build_pipeline


def evaluate(texts: list[str], labels: list[str], strata: list[str] | None = None, folds: int = 5, seed: int = 0,
             origins: list[str] | None = None) -> dict:
    return cross_validate(texts, labels, strata, folds, seed, origins)[0]


def cross_validate(texts: list[str], labels: list[str], strata: list[str] | None = None, folds: int = 5,
                   seed: int = 0, origins: list[str] | None = None) -> tuple[dict, np.ndarray]:
    """evaluate()'s figures and each example's out-of-fold probabilities (columns in LABELS
    order): what a model that never saw the example thought of it."""
    """Stratified k-fold cross-validation: macro-F1, per-class precision/recall/F1 and the
    confusion matrix of the out-of-fold predictions; per-language macro-F1 when strata
    are "label|lang" keys. With origins, "corpus" holds the same figures for the corpus
    examples alone: the guard that corrections added to training don't make the model
    worse on what it already knew (see lifecycle.activation_judge)."""
    texts, labels = np.array(texts, dtype=object), np.array(labels)
    keys = np.array(strata) if strata is not None else labels
    probabilities = np.zeros((len(labels), len(LABELS)))
    fold_of = _folds(keys, np.array(origins) if origins is not None else None, folds, seed)
    for fold in range(folds):
        train, test = fold_of != fold, fold_of == fold
        pipeline = build_pipeline().fit(list(texts[train]), labels[train])
        columns = [LABELS.index(str(label)) for label in pipeline.classes_]
        probabilities[np.ix_(np.flatnonzero(test), columns)] = pipeline.predict_proba(list(texts[test]))
    predicted = np.array(LABELS, dtype=object)[probabilities.argmax(axis=1)]
    result = metrics_of(labels, predicted, keys, folds)
    if origins is not None:
        corpus = np.array(origins) == "corpus"
        if corpus.any():
            figures = metrics_of(labels[corpus], predicted[corpus], keys[corpus], folds)
            result["corpus"] = {"macro_f1": figures["macro_f1"], "accuracy": figures["accuracy"],
                                "by_language": figures.get("by_language", {}), "examples": int(corpus.sum())}
    return result, probabilities


def _folds(keys: np.ndarray, origins: np.ndarray | None, folds: int, seed: int) -> np.ndarray:
    """Each example's fold. The corpus is split on its own, so its folds stay the same
    whatever corrections are added: two versions' corpus figures differ by what they learnt,
    not by a reshuffle. Corrections are dealt into the folds in turn, per stratum."""
    fold_of = np.zeros(len(keys), dtype=int)
    corpus = np.ones(len(keys), dtype=bool) if origins is None else origins == "corpus"
    where = np.flatnonzero(corpus)
    for fold, (_, test) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=seed).split(where, keys[where])):
        fold_of[where[test]] = fold
    rest = np.flatnonzero(~corpus)
    if len(rest):
        rest = rest[np.random.default_rng(seed).permutation(len(rest))]
        rest = rest[np.argsort(keys[rest], kind="stable")]
        fold_of[rest] = np.arange(len(rest)) % folds
    return fold_of


def metrics_of(labels, predicted, keys=None, folds: int = 0) -> dict:
    precision, recall, f1, support = precision_recall_fscore_support(labels, predicted, labels=list(LABELS), zero_division=0)
    result = {
        "macro_f1": round(float(f1_score(labels, predicted, labels=list(LABELS), average="macro", zero_division=0)), 4),
        "per_class": {label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4),
                              "support": int(s)} for label, p, r, f, s in zip(LABELS, precision, recall, f1, support)},
        "confusion": {"labels": list(LABELS),
                      "matrix": confusion_matrix(labels, predicted, labels=list(LABELS)).tolist()},
        "accuracy": round(float(np.mean(np.asarray(labels) == np.asarray(predicted))), 4),
        "folds": folds,
    }
    if keys is not None and any("|" in str(k) for k in keys):
        languages = np.array([str(k).split("|")[-1] for k in keys])
        result["by_language"] = {
            str(lang): round(float(f1_score(labels[languages == lang], predicted[languages == lang], labels=list(LABELS),
                                       average="macro", zero_division=0)), 4)
            for lang in sorted(set(languages))}
    return result
