"""`manage.py bench classifier`, the learning part: zero-shot figures on public data, and a
learning curve through the product's own path — mentions ingested, answered in "Check these"
(or in random order) as a community manager would, `model_train` with its activation rule,
the newly active version relabelling open mentions — scored on a fixed test half.

Runs on a scratch database (created and dropped here); the public datasets are read from
../shared/datasets only, never written into the project."""

import csv
import random
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

from accounts import roles
from benchmarks.classifier import mapped
from complaints.classification import mentions_reclassify
from complaints.classifier import LABELS
from complaints.classifier.calibration import expected_calibration_error
from complaints.classifier.lifecycle import active_pipeline, classify_probabilities, model_activate, model_train
from complaints.models import ClassifierModel
from complaints.selectors import review_items
from complaints.services import mention_label_correct
from listening.choices import Platform
from listening.ingestion import mention_ingest
from listening.models import Brand, Mention
from platforms.normalized import NormalizedMention

CURVE_KS = (0, 50, 200, 500, 2000)
ORDERS = ("review", "random")
SENTIMENT3 = {"complaint": "negative", "praise": "positive", "question": "neutral", "other": "neutral"}


def airline_rows(root: Path) -> tuple[list[str], list[str]] | None:
    path = root / "airline-sentiment" / "Tweets.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [mapped(r["airline_sentiment"], r["text"]) for r in rows]


def _binary_f1(truth, predicted) -> float:
    """F1 of "complaint" against everything else."""
    return float(f1_score([t == "complaint" for t in truth], [p == "complaint" for p in predicted]))


def zero_shot(pipeline, root: Path) -> dict:
    """The active version on data it never trained on: airline (4 labels mapped, and complaint
    vs not), the complaints dataset (complaint vs not, macro-F1), XLM-T (3 sentiment classes)."""
    result = {}
    airline = airline_rows(root)
    if airline:
        texts, labels = airline
        predicted = list(pipeline.predict(texts))
        result["zero_shot_airline_macro_f1"] = round(float(f1_score(
            labels, predicted, labels=list(LABELS), average="macro", zero_division=0)), 4)
        result["zero_shot_airline_complaint_f1"] = round(_binary_f1(labels, predicted), 4)
    complaints = root / "complaints-social-media" / "complaints-data.csv"
    if complaints.exists():
        with complaints.open(encoding="utf-8", newline="") as handle:
            rows = [row for row in csv.reader(handle) if len(row) >= 3]
        truth = [row[2].strip() == "1" for row in rows]
        predicted = [label == "complaint" for label in pipeline.predict([row[1] for row in rows])]
        result["zero_shot_complaints_macro_f1"] = round(float(f1_score(truth, predicted, average="macro")), 4)
    for lang in ("french", "english"):
        folder = root / "xlmt-sentiment" / lang
        if folder.exists():
            texts = (folder / "test_text.txt").read_text(encoding="utf-8").split("\n")
            labels = (folder / "test_labels.txt").read_text(encoding="utf-8").split("\n")
            pairs = [(t, {"0": "negative", "1": "neutral", "2": "positive"}[lab.strip()])
                     for t, lab in zip(texts, labels) if lab.strip()]
            predicted = [SENTIMENT3[label] for label in pipeline.predict([t for t, _ in pairs])]
            result[f"zero_shot_xlmt_{lang}_3class_macro_f1"] = round(float(f1_score(
                [s for _, s in pairs], predicted, average="macro")), 4)
    return result


@contextmanager
def scratch_database(suffix: str = "bench_scratch"):
    """A database of its own, migrated, dropped afterwards: the bench's mentions, corrections
    and versions never reach the real one."""
    creation = connection.creation
    original = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})
    previous_test_name = connection.settings_dict["TEST"].get("NAME")
    connection.settings_dict["TEST"]["NAME"] = f"{original}_{suffix}"
    creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        creation.destroy_test_db(original, verbosity=0)
        connection.settings_dict["TEST"]["NAME"] = previous_test_name


def _score(texts: list[str], labels: list[str]) -> dict:
    """The active version (with its calibration) on the test half: macro-F1 and ECE."""
    version, classes, probabilities = classify_probabilities(texts)
    predicted = classes[probabilities.argmax(axis=1)]
    return {"version": version,
            "macro_f1": round(float(f1_score(labels, predicted, labels=list(LABELS), average="macro",
                                             zero_division=0)), 4),
            "ece": round(expected_calibration_error(probabilities.max(axis=1), predicted == np.array(labels)), 4),
            "mean_confidence": round(float(probabilities.max(axis=1).mean()), 4)}


def _ingest(texts: list[str]) -> list[int]:
    """The train half arrives as a brand's mentions, classified on the way in; their ids in
    the order of `texts`."""
    brand = Brand.objects.create(name="Bench airline")
    now = timezone.now()
    for start in range(0, len(texts), 1000):
        mention_ingest(brand=brand, platform=Platform.TWITTER, items=[
            NormalizedMention(external_id=f"bench-{n}", text=text, posted_at=now - timedelta(minutes=n))
            for n, text in enumerate(texts[start:start + 1000], start=start)])
    ids = dict(Mention.objects.filter(brand=brand).values_list("external_id", "pk"))
    return [ids[f"bench-{n}"] for n in range(len(texts))]


def _answer(*, pks: list[int], truth: dict[int, str], actor, spot_checks: frozenset = frozenset(),
            review: bool = False) -> None:
    """review: the ids come from "Check these" (each one a spot check or one of the least sure)."""
    for mention in Mention.objects.filter(pk__in=pks).select_related("author").order_by("pk"):
        mention_label_correct(mention=mention, label=truth[mention.pk], actor=actor,
                              spot_check=mention.pk in spot_checks, unsure=review and mention.pk not in spot_checks)


def _next_in_review_order(*, count: int, actor, rng: random.Random):
    """Batches of "Check these" as a person works through it: each batch is the page's
    least sure mentions (and its spot checks) once the previous batch was answered.
    Yields (mention ids, the ids of the spot checks among them)."""
    left = count
    while left > 0:
        items = review_items(user=actor, limit=min(50, left), rng=rng)
        if not items:
            return
        left -= len(items)
        yield [item.mention.pk for item in items], frozenset(item.mention.pk for item in items if item.spot_check)


def decision_summary(metrics: dict) -> dict:
    """What the activation rule saw for one retraining: its verdict, its reasons (codes with
    figures), and the calibration the candidate carries — so a refused point says why."""
    decision = metrics.get("decision", {})
    return {"activated": decision.get("activated"), "reasons": decision.get("reasons", []),
            "corpus": (metrics.get("corpus") or {}).get("by_language"),
            "corpus_before": decision.get("against_corpus"),
            "calibration": metrics.get("calibration")}


def learning_curve(*, texts: list[str], labels: list[str], ks=CURVE_KS, seed: int = 0, root: Path | None = None,
                   orders=ORDERS, log=print) -> dict:
    """Run inside a scratch database (or a test's). The zero-shot figures (with `root`) are the
    corpus-only version's; then the curve per order."""
    train_texts, test_texts, train_labels, test_labels = train_test_split(
        texts, labels, test_size=0.5, stratify=labels, random_state=seed)
    # A community manager on every brand, as the review queue only shows a person's own brands.
    actor = get_user_model().objects.create(username="bench-reviewer")
    actor.groups.add(Group.objects.get_or_create(name=roles.COMMUNITY_MANAGER)[0])
    started = time.perf_counter()
    first = model_train(note="bench: corpus only").model
    result = {"curve_split": {"train": len(train_texts), "test": len(test_texts), "seed": seed},
              "retrain_s_k0": round(time.perf_counter() - started, 1)}
    if root is not None:
        result.update(zero_shot(active_pipeline()[1], root))
        log(f"zero-shot: {result}")
    ids = _ingest(train_texts)
    truth = dict(zip(ids, train_labels))
    for order in orders:
        Mention.objects.update(label_corrected_at=None, label_corrected_by=None)
        ClassifierModel.objects.exclude(pk=first.pk).delete()
        model_activate(model=first)
        mentions_reclassify(since=timezone.now() - timedelta(days=1))
        shuffled = list(truth)
        random.Random(seed).shuffle(shuffled)
        spot_rng = random.Random(seed)
        curve, done, decision = {}, 0, None
        for k in ks:
            if k > done:
                if order == "review":
                    for batch, spots in _next_in_review_order(count=k - done, actor=actor, rng=spot_rng):
                        _answer(pks=batch, truth=truth, actor=actor, spot_checks=spots, review=True)
                else:
                    _answer(pks=shuffled[done:k], truth=truth, actor=actor)
                done = k
                started = time.perf_counter()
                outcome = model_train(note=f"bench: {order} order, k={k}")
                seconds = time.perf_counter() - started
                decision = decision_summary(outcome.model.metrics)
                log(f"{order} k={k}: {outcome.message}")
                if outcome.activated:
                    mentions_reclassify(since=timezone.now() - timedelta(days=1))
                result[f"retrain_s_{order}_k{k}"] = round(seconds, 1)
            scores = _score(test_texts, test_labels)
            curve[k] = {"macro_f1": scores["macro_f1"], "ece": scores["ece"],
                        "mean_confidence": scores["mean_confidence"],
                        "activated": scores["version"] != first.version if k else None,
                        **({"decision": decision} if k else {})}
            log(f"{order} k={k}: {curve[k]}")
        result[f"curve_{order}"] = curve
    return result


def bench_learning(*, root: Path, ks=CURVE_KS, orders=ORDERS, log=print) -> dict:
    """orders: both by default; one at a time lets two processes (two scratch databases) share
    the work."""
    airline = airline_rows(root)
    if airline is None:
        return {"learning_curve": f"skipped: no airline dataset under {root}"}
    with scratch_database(f"bench_{'_'.join(orders)}"), override_settings(CLASSIFIER_RETRAIN_AFTER_CORRECTIONS=10**9):
        return learning_curve(texts=airline[0], labels=airline[1], ks=ks, root=root, orders=orders, log=log)
