"""Training, judging, storing and loading classifier versions.

A new version is cross-validated; it becomes the active one only if it scores at least as
well as the active version (macro-F1), unless forced. The active version is loaded once per
process and reloaded only when another version is activated."""

import io
from dataclasses import dataclass

import joblib
from django.db import transaction
from django.utils import timezone

from complaints.classifier import LABELS
from complaints.classifier.corpus import training_examples
from complaints.models import ClassifierModel

_loaded: dict = {"version": None, "pipeline": None}
MAX_CLASSIFIED_CHARS = 5_000


@dataclass
class TrainOutcome:
    model: ClassifierModel
    activated: bool
    message: str


class TrainingDataMissing(Exception):
    """Not enough labelled examples to train and cross-validate a model."""


def model_train(*, force: bool = False, folds: int = 5, note: str = "") -> TrainOutcome:
    # Imported here: scikit-learn is needed to train, not by workers that only classify.
    from complaints.classifier.evaluation import evaluate
    from complaints.classifier.pipeline import build_pipeline

    examples = training_examples()
    counts = {label: sum(e.label == label for e in examples) for label in LABELS}
    if min(counts.values()) < folds * 2:
        raise TrainingDataMissing(
            f"Too few labelled examples to train ({', '.join(f'{k}: {v}' for k, v in counts.items())}); each label "
            f"needs at least {folds * 2}. The corpus lives in complaints/corpus/*.jsonl.")
    texts, labels = [e.text for e in examples], [e.label for e in examples]
    metrics = evaluate(texts, labels, strata=[f"{e.label}|{e.lang}" for e in examples], folds=folds)
    buffer = io.BytesIO()
    joblib.dump(build_pipeline().fit(texts, labels), buffer, compress=3)
    with transaction.atomic():
        active = ClassifierModel.objects.select_for_update().filter(is_active=True).first()
        model = ClassifierModel.objects.create(
            version=f"{timezone.now():%Y%m%d-%H%M%S}-{ClassifierModel.objects.count() + 1}",
            artifact=buffer.getvalue(), metrics=metrics, examples=len(examples),
            corrections=sum(e.origin == "correction" for e in examples), note=note,
        )
        better = active is None or metrics["macro_f1"] >= active.macro_f1
        if better or force:
            model_activate(model=model)
            message = f"Version {model.version} is active (macro-F1 {metrics['macro_f1']:.3f}" + (
                f", was {active.macro_f1:.3f})." if active else ").")
            return TrainOutcome(model, True, message)
    return TrainOutcome(model, False, (
        f"Version {model.version} scored {metrics['macro_f1']:.3f}, below the active {active.version} "
        f"({active.macro_f1:.3f}): kept inactive. Use --force to activate it anyway."))


@transaction.atomic
def model_activate(*, model: ClassifierModel) -> None:
    ClassifierModel.objects.filter(is_active=True).exclude(pk=model.pk).update(is_active=False)
    ClassifierModel.objects.filter(pk=model.pk).update(is_active=True)
    model.is_active = True


def active_pipeline():
    """(version, pipeline) of the active model, or None. One small query per call; the model
    itself is unpickled only when the active version changed since this process loaded it."""
    version = ClassifierModel.objects.filter(is_active=True).values_list("version", flat=True).first()
    if version is None:
        return None
    if _loaded["version"] != version:
        artifact = ClassifierModel.objects.filter(version=version).values_list("artifact", flat=True).get()
        _loaded.update(version=version, pipeline=joblib.load(io.BytesIO(bytes(artifact))))
    return _loaded["version"], _loaded["pipeline"]


def classify_texts(texts: list[str]) -> tuple[str, list[tuple[str, float]]] | None:
    """(model version, [(label, confidence)]) for the texts, or None when no model is active."""
    active = active_pipeline()
    if active is None:
        return None
    version, pipeline = active
    if not texts:
        return version, []
    # A long blog post is judged on its opening: the label doesn't need 10 MB of text, and
    # the feature cache shouldn't fill with one post's words.
    probabilities = pipeline.predict_proba([text[:MAX_CLASSIFIED_CHARS] for text in texts])
    classes = pipeline.classes_
    best = probabilities.argmax(axis=1)
    return version, [(str(classes[i]), float(probabilities[row, i])) for row, i in enumerate(best)]
