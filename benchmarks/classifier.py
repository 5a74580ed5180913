"""`manage.py bench classifier`: the classifier measured on public data from outside the
project (../shared/datasets, read here only, never copied into the project)."""

import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from complaints.classifier import LABELS
from complaints.classifier.corpus import corpus_examples
from complaints.classifier.fast_scoring import compiled_available
from complaints.classifier.lifecycle import active_pipeline, model_train
from complaints.classifier.pipeline import build_pipeline

SENTIMENT = {"negative": "complaint", "positive": "praise", "0": "complaint", "2": "praise"}


def datasets_dir() -> Path:
    return Path(os.environ.get("ECOUTE_DATASETS") or Path(settings.BASE_DIR).parent / "shared" / "datasets")


def mapped(sentiment: str, text: str) -> str:
    """The datasets README's mapping: negative → complaint, positive → praise, neutral →
    question when it asks something, else other."""
    return SENTIMENT.get(sentiment) or ("question" if "?" in text else "other")


def complaints_cross_validated(path: Path, folds: int = 10) -> float:
    """The pipeline trained and tested on the complaints dataset (complaint vs not)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle) if len(row) >= 3]
    texts = np.array([row[1] for row in rows], dtype=object)
    labels = np.array(["complaint" if row[2].strip() == "1" else "other" for row in rows])
    predicted = np.empty(len(labels), dtype=object)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(texts, labels):
        predicted[test] = build_pipeline().fit(list(texts[train]), labels[train]).predict(list(texts[test]))
    return float(f1_score(labels, predicted, average="macro"))


def _airline(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [mapped(r["airline_sentiment"], r["text"]) for r in rows]


def _xlmt(folder: Path) -> tuple[list[str], list[str]]:
    texts = (folder / "test_text.txt").read_text(encoding="utf-8").split("\n")
    labels = (folder / "test_labels.txt").read_text(encoding="utf-8").split("\n")
    pairs = [(t, lab.strip()) for t, lab in zip(texts, labels) if lab.strip()]
    return [t for t, _ in pairs], [mapped(lab, t) for t, lab in pairs]


def _macro_f1(pipeline, texts, labels) -> float:
    return float(f1_score(labels, pipeline.predict(texts), labels=list(LABELS), average="macro", zero_division=0))


class HeldoutError(ValueError):
    """The held-out file is missing or unreadable; the message says where."""


def heldout_scores(pipeline, path: Path) -> dict:
    """The active model on a labelled held-out file kept outside the project: JSON lines with
    `text`, `label` (one of LABELS) and `lang`; macro-F1 overall, per language, and the gap
    between languages."""
    texts, labels, languages = [], [], []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, label, lang = str(row["text"]), str(row["label"]), str(row.get("lang", ""))
            except (ValueError, KeyError, TypeError) as error:
                raise HeldoutError(f"{path}, line {number}: not a JSON object with text and label ({error}).") from None
            if label not in LABELS:
                raise HeldoutError(f"{path}, line {number}: label {label!r} is not one of {', '.join(LABELS)}.")
            texts.append(text), labels.append(label), languages.append(lang)
    if not texts:
        raise HeldoutError(f"{path} holds no labelled mention.")
    predicted = np.asarray(pipeline.predict(texts), dtype=object)
    labels, languages = np.array(labels, dtype=object), np.array(languages)
    score = lambda keep: round(float(f1_score(labels[keep], predicted[keep], labels=list(LABELS), average="macro",  # noqa: E731
                                              zero_division=0)), 4)
    result = {"heldout_mentions": len(texts), "heldout_macro_f1": score(slice(None))}
    by_language = {lang: score(languages == lang) for lang in sorted(set(languages)) if lang}
    if by_language:
        result["heldout_by_language"] = by_language
    if {"fr", "en"} <= set(by_language):
        result["heldout_fr_minus_en"] = round(by_language["fr"] - by_language["en"], 4)
    return result


def _stream(pipeline, texts: list[str], warm_up: int, batch: int, compiled: bool) -> tuple[float, float]:
    """(mentions/s while warming up, mentions/s after), from an empty feature cache."""
    pipeline.__dict__.pop("_fast", None)
    pipeline.features.__dict__.pop("_store", None)
    started = time.perf_counter()
    for start in range(0, warm_up, batch):
        pipeline.predict_proba(texts[start:start + batch], compiled=compiled)
    cold = warm_up / (time.perf_counter() - started)
    unseen = texts[warm_up:]
    started = time.perf_counter()
    for start in range(0, len(unseen), batch):
        pipeline.predict_proba(unseen[start:start + batch], compiled=compiled)
    return cold, len(unseen) / (time.perf_counter() - started)


def _throughput(pipeline, texts: list[str], warm_up: int = 5_000, batch: int = 500) -> dict:
    """Mentions per second, one process. The feature cache starts empty; the model first
    sees `warm_up` mentions (a worker that has been running), then is timed on the rest,
    which it has never seen — a stream of new mentions, not the same texts again. Measured
    with the compiled scoring loop (when built) and on numpy alone, alternately, three times
    each: the figures are the medians, the ratio the median of the three pairs'."""
    texts = list(dict.fromkeys(texts))
    random.Random(0).shuffle(texts)
    warm_up = min(warm_up, len(texts) // 2)
    compiled = compiled_available()
    runs = {True: [], False: []}
    for _ in range(3):
        for path in ((True, False) if compiled else (False,)):
            runs[path].append(_stream(pipeline, texts, warm_up, batch, path))
    main = runs[compiled]
    result = {"mentions_per_s": round(statistics.median(after for _, after in main)),
              "mentions_per_s_cold_start": round(statistics.median(cold for cold, _ in main)),
              "throughput_mentions": len(texts) - warm_up, "throughput_batch": batch,
              "scorer": "compiled" if compiled else "numpy"}
    if compiled:
        result["mentions_per_s_numpy"] = round(statistics.median(after for _, after in runs[False]))
        result["compiled_over_numpy"] = round(statistics.median(
            fast[1] / slow[1] for fast, slow in zip(runs[True], runs[False])), 2)
    pipeline.__dict__.pop("_fast", None)
    return result


def _worker_peak_mb(texts: list[str]) -> float:
    """Peak resident memory of a fresh process that loads Django and the active model and
    classifies every text in batches, as a Celery worker process does (so its feature
    cache is as full as a long-running worker's)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as handle:
        json.dump(texts, handle)
    # VmHWM, not getrusage: ru_maxrss survives exec, so it would report this (larger) process.
    code = ("import django, json, sys; django.setup(); "
            "from complaints.classifier.lifecycle import classify_texts; "
            "texts = json.load(open(sys.argv[1], encoding='utf-8')); "
            "[classify_texts(texts[i:i + 500]) for i in range(0, len(texts), 500)]; "
            "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])")
    try:
        out = subprocess.run([sys.executable, "-c", code, handle.name], capture_output=True, text=True, check=True,
                             cwd=settings.BASE_DIR, env=os.environ.copy())
    finally:
        os.unlink(handle.name)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def bench_classifier(heldout: Path | None = None) -> dict:
    heldout = heldout or (Path(os.environ["ECOUTE_HELDOUT"]) if os.environ.get("ECOUTE_HELDOUT") else None)
    if heldout is not None and not heldout.is_file():
        raise HeldoutError(f"No held-out file at {heldout}.")
    if active_pipeline() is None:
        model_train(note="bench classifier: no active model yet")
    version, pipeline = active_pipeline()
    root, result = datasets_dir(), {"benchmark": "classifier", "model_version": version}
    complaints = root / "complaints-social-media" / "complaints-data.csv"
    if complaints.exists():
        result["complaints_cv10_macro_f1"] = round(complaints_cross_validated(complaints), 4)
    throughput_texts = [example.text for example in corpus_examples()]
    airline = root / "airline-sentiment" / "Tweets.csv"
    if airline.exists():
        texts, labels = _airline(airline)
        result["airline_macro_f1"] = round(_macro_f1(pipeline, texts, labels), 4)
        throughput_texts += texts
    for lang in ("french", "english"):
        folder = root / "xlmt-sentiment" / lang
        if folder.exists():
            texts, labels = _xlmt(folder)
            result[f"xlmt_{lang}_macro_f1"] = round(_macro_f1(pipeline, texts, labels), 4)
            throughput_texts += texts
    if heldout is not None:
        result.update(heldout_scores(pipeline, heldout))
    result.update(_throughput(pipeline, throughput_texts))
    result["worker_peak_mb"] = round(_worker_peak_mb(throughput_texts), 1)
    return result
