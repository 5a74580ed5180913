"""Training, judging, storing and loading classifier versions.

A new version (the candidate) is judged against the active one on the same data:

- **held-out corrections**: the latest corrections and confirmations people made (time-ordered:
  the newest share, made after the active version was trained), which the candidate is not
  trained on. Both versions label them; the candidate must score at least as well (macro-F1).
- **the corpus guard**: the candidate's cross-validated macro-F1 on the project corpus, overall
  and per language, may not drop by more than GUARD_DROP below the active version's — real
  English corrections must not cost the French corpus what it knew.

With too few new corrections for a held-out slice, the guard alone decides: corrections are
people's own judgement, and they are trusted as long as the corpus doesn't regress.
The candidate is stored with its comparison and its calibration (calibration.py), shown on
the version's admin page. The active version is loaded once per process and reloaded only when
another version is activated."""

import hashlib
import io
import logging
import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import joblib
import numpy as np
from django.db import Error as DatabaseError
from django.db import connections, transaction
from django.utils import timezone

from complaints.classifier import LABELS
from complaints.classifier.calibration import calibrated, calibration_fit
from complaints.classifier.corpus import Example, correction_examples, training_examples
from complaints.classifier.lexicon import language_guess
from complaints.models import ClassifierModel

logger = logging.getLogger(__name__)
_loaded: dict = {"version": None, "pipeline": None, "calibration": None}
MAX_CLASSIFIED_CHARS = 5_000
HELDOUT_SHARE = 0.2  # of all corrections, the newest ones
HELDOUT_MIN = 30  # fewer new corrections than this: no held-out judgement yet
HELDOUT_MAX = 300
GUARD_DROP = 0.01
# In a language people corrected (HELDOUT_MIN or more new corrections), when the held-out
# corrections don't find the candidate worse, the corpus may give up this much: the corrections are the
# people's own labelling of their own stream, and where it differs from the corpus's, it wins.
CORRECTED_GUARD_DROP = 0.03
CLEARLY_WORSE = 0.95  # share of resamples of the held-out slice in which the candidate scores lower


@dataclass
class TrainOutcome:
    model: ClassifierModel
    activated: bool
    message: str


class TrainingDataMissing(Exception):
    """Not enough labelled examples to train and cross-validate a model."""


def trained_until(model: ClassifierModel | None):
    """The time of the newest correction the version was trained on (older versions: all made
    before it was trained)."""
    if model is None:
        return None
    if "corpus_digest" not in model.metrics:
        return model.created_at
    stamp = model.metrics.get("trained_until")
    return None if stamp is None else datetime.fromisoformat(stamp)


def heldout_split(*, corrections: list[Example], after) -> tuple[list[Example], list[Example]]:
    """(corrections to train on, held-out corrections). The held-out slice is the newest
    HELDOUT_SHARE of the corrections that can judge (at most HELDOUT_MAX), only from those made
    after `after` (the active version never saw them), and only when there are at least
    HELDOUT_MIN. A mention "Check these" showed for being among the active version's least sure
    can't judge: a test chosen by one of the two versions compared is not a fair test (those
    are the hardest mentions for it, and the region the candidate's newest lessons come from).
    It is trained on; spot checks and corrections made elsewhere judge."""
    judges = [c for c in corrections if not c.unsure]
    size = min(HELDOUT_MAX, math.ceil(HELDOUT_SHARE * len(judges)))
    unseen = sum(1 for c in judges if after is None or c.at > after)
    size = min(size, unseen)
    if size < HELDOUT_MIN:
        return corrections, []
    heldout = judges[-size:]
    kept = {id(c) for c in heldout}
    return [c for c in corrections if id(c) not in kept], heldout


def _macro_f1(labels, predicted) -> float:
    from sklearn.metrics import f1_score

    return round(float(f1_score(labels, predicted, labels=list(LABELS), average="macro", zero_division=0)), 4)


def _fast_macro_f1(truth: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Macro-F1 over LABELS for each row of resampled (truth, predicted) index arrays."""
    scores = []
    for label in range(len(LABELS)):
        tp = ((truth == label) & (predicted == label)).sum(axis=1)
        fp = ((truth != label) & (predicted == label)).sum(axis=1)
        fn = ((truth == label) & (predicted != label)).sum(axis=1)
        denominator = 2 * tp + fp + fn
        scores.append(np.divide(2 * tp, denominator, out=np.zeros(len(tp)), where=denominator > 0))
    return np.mean(scores, axis=0)


def worse_share(labels, candidate, active, resamples: int = 1000, seed: int = 0) -> float:
    """Paired bootstrap: in what share of resamples of the held-out slice the candidate's
    macro-F1 is below the active version's. Close to 1: clearly worse, not bad luck."""
    index = {label: i for i, label in enumerate(LABELS)}
    truth, mine, theirs = (np.array([index[str(x)] for x in column]) for column in (labels, candidate, active))
    draws = np.random.default_rng(seed).integers(0, len(truth), size=(resamples, len(truth)))
    difference = _fast_macro_f1(truth[draws], mine[draws]) - _fast_macro_f1(truth[draws], theirs[draws])
    return round(float((difference < 0).mean()), 4)


def _guard_figures(metrics: dict) -> dict:
    """Corpus macro-F1 overall and per language (versions trained before the guard existed
    have only their whole training set's figures, nearly all corpus)."""
    corpus = metrics.get("corpus") or metrics
    return {"all": float(corpus.get("macro_f1", 0.0)), **{k: float(v) for k, v in corpus.get("by_language", {}).items()}}


def activation_judge(*, candidate: dict, active: ClassifierModel | None) -> tuple[bool, list[dict]]:
    """(activate?, reasons). Reasons are codes with figures, rendered in each reader's language."""
    if active is None:
        return True, [{"code": "first"}]
    reasons, ok = [], True
    heldout_reason = _heldout_reason(candidate.get("heldout"))
    # Where people corrected, and the real mentions held out don't find the candidate worse (a
    # tie within chance included), the corpus may drop a little more; elsewhere (French when
    # English was corrected) it may not.
    trusted = heldout_reason["code"] in ("heldout_better", "heldout_within_noise")
    corrected = sorted(lang for lang, n in (candidate.get("new_corrections") or {}).items()
                       if lang and n >= HELDOUT_MIN) if trusted else []
    before, after = _guard_figures(active.metrics), _guard_figures(candidate)
    if candidate.get("corpus_digest") and active.metrics.get("corpus_digest") not in (None, candidate["corpus_digest"]):
        reasons.append({"code": "corpus_changed"})
    else:
        for key in sorted(set(before) & set(after)):
            allowed = CORRECTED_GUARD_DROP if key in corrected or (key == "all" and corrected) else GUARD_DROP
            if after[key] < before[key] - allowed:
                ok = False
                reasons.append({"code": "corpus_dropped", "scope": key, "before": before[key], "after": after[key],
                                "allowed": allowed})
        if ok:
            reasons.append({"code": "corpus_kept", "drop": GUARD_DROP,
                            **({"corrected": corrected, "corrected_drop": CORRECTED_GUARD_DROP} if corrected else {})})
    ok = ok and heldout_reason["code"] != "heldout_worse"
    return ok, reasons + [heldout_reason]


def _heldout_reason(heldout: dict | None) -> dict:
    if not heldout or heldout.get("active_macro_f1") is None:
        return {"code": "no_heldout", "minimum": HELDOUT_MIN}
    figures = {"mentions": heldout["mentions"], "candidate": heldout["candidate_macro_f1"],
               "active": heldout["active_macro_f1"]}
    if figures["candidate"] >= figures["active"]:
        return {"code": "heldout_better", **figures}
    if heldout.get("worse_share", 1.0) < CLEARLY_WORSE:
        # A few dozen corrections: one mention more or less moves macro-F1 by a few points.
        return {"code": "heldout_within_noise", "share": heldout.get("worse_share"), **figures}
    return {"code": "heldout_worse", **figures}


def _pipeline_of(model: ClassifierModel):
    if _loaded["version"] == model.version:
        return _loaded["pipeline"]
    try:
        return joblib.load(io.BytesIO(bytes(model.artifact)))
    except Exception:  # an artifact from an incompatible release: it can't be judged, the rest still can
        return None


def _corpus_digest(examples: list[Example]) -> str:
    digest = hashlib.sha256()
    for example in sorted((e.text, e.label) for e in examples if e.origin == "corpus"):
        digest.update("\x1f".join(example).encode("utf-8", "surrogatepass") + b"\x1e")
    return digest.hexdigest()[:16]


def _heldout_figures(pipeline, active: ClassifierModel | None, heldout: list[Example]) -> tuple[dict, np.ndarray, np.ndarray]:
    texts = [e.text[:MAX_CLASSIFIED_CHARS] for e in heldout]
    labels = np.array([e.label for e in heldout])
    probabilities = pipeline.predict_proba(texts)
    figures = {"mentions": len(heldout), "from": heldout[0].at.isoformat(), "until": heldout[-1].at.isoformat(),
               "candidate_macro_f1": _macro_f1(labels, pipeline.classes_[probabilities.argmax(axis=1)]),
               "active_macro_f1": None, "active_version": active.version if active else None}
    active_pipeline_ = _pipeline_of(active) if active else None
    if active_pipeline_ is not None:
        theirs = active_pipeline_.predict(texts)
        figures["active_macro_f1"] = _macro_f1(labels, theirs)
        figures["worse_share"] = worse_share(labels, pipeline.classes_[probabilities.argmax(axis=1)], theirs)
    truth = np.array([list(pipeline.classes_).index(label) for label in labels])
    return figures, probabilities, truth


def _spot_checks(examples: list[Example], out_of_fold: np.ndarray, heldout: list[Example],
                 heldout_probabilities: np.ndarray | None, classes) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities, truth as column indexes in LABELS order) of the corrections that were
    spot checks, each scored by a model that never saw it: out of fold for those trained on,
    the candidate itself for the held-out ones."""
    rows = [i for i, e in enumerate(examples) if e.origin == "correction" and e.spot_check]
    probabilities, truth = [out_of_fold[rows]], [LABELS.index(examples[i].label) for i in rows]
    if heldout and heldout_probabilities is not None:
        # The candidate's columns are its classes; put them in LABELS order.
        order = [LABELS.index(str(label)) for label in classes]
        in_labels_order = np.zeros_like(heldout_probabilities)
        in_labels_order[:, order] = heldout_probabilities
        kept = [i for i, e in enumerate(heldout) if e.spot_check]
        probabilities.append(in_labels_order[kept])
        truth += [LABELS.index(heldout[i].label) for i in kept]
    return np.vstack(probabilities), np.array(truth, dtype=int)


def model_train(*, force: bool = False, folds: int = 5, note: str = "") -> TrainOutcome:
    # Imported here: scikit-learn is needed to train, not by workers that only classify.
    from complaints.classifier.evaluation import cross_validate
    from complaints.classifier.pipeline import build_pipeline

    judged = ClassifierModel.objects.filter(is_active=True).first()
    train_on, heldout = heldout_split(corrections=correction_examples(), after=trained_until(judged))
    examples = training_examples(train_on)
    counts = {label: sum(e.label == label for e in examples) for label in LABELS}
    if min(counts.values()) < folds * 2:
        raise TrainingDataMissing(
            f"Too few labelled examples to train ({', '.join(f'{k}: {v}' for k, v in counts.items())}); each label "
            f"needs at least {folds * 2}. The corpus lives in complaints/corpus/*.jsonl.")
    texts, labels = [e.text for e in examples], [e.label for e in examples]
    metrics, out_of_fold = cross_validate(texts, labels, strata=[f"{e.label}|{e.lang}" for e in examples], folds=folds,
                                          origins=[e.origin for e in examples])
    pipeline = build_pipeline().fit(texts, labels)
    used = [e.at for e in examples if e.origin == "correction"]
    since = trained_until(judged)
    new = Counter(e.lang or language_guess(e.text) for e in train_on + heldout if since is None or e.at > since)
    metrics.update(corpus_digest=_corpus_digest(examples), trained_until=max(used).isoformat() if used else None,
                   new_corrections=dict(new))
    probabilities = truth = None
    if heldout:
        metrics["heldout"], probabilities, truth = _heldout_figures(pipeline, judged, heldout)
    metrics["calibration"] = calibration_fit(probabilities=probabilities, truth=truth,
                                             spot_checks=_spot_checks(examples, out_of_fold, heldout, probabilities, pipeline.classes_),
                                             cv_accuracy=(metrics.get("corpus") or metrics)["accuracy"])
    better, reasons = activation_judge(candidate=metrics, active=judged)
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    with transaction.atomic():
        active = ClassifierModel.objects.select_for_update().filter(is_active=True).first()
        if active is not None and (judged is None or active.pk != judged.pk):
            better, reasons = False, reasons + [{"code": "active_changed"}]
        metrics["decision"] = {"activated": bool(better or force), "forced": bool(force and not better),
                               "reasons": reasons, "against": judged.version if judged else None,
                               "against_corpus": _guard_figures(judged.metrics) if judged else {}}
        model = ClassifierModel.objects.create(
            version=f"{timezone.now():%Y%m%d-%H%M%S}-{ClassifierModel.objects.count() + 1}",
            artifact=buffer.getvalue(), metrics=metrics, examples=len(examples),
            corrections=len(used), note=note,
        )
        summary = "; ".join(reason_text(r) for r in reasons)
        if better or force:
            model_activate(model=model)
            return TrainOutcome(model, True, f"Version {model.version} is active ({summary}).")
    return TrainOutcome(model, False, (
        f"Version {model.version} is kept inactive ({summary}); {active.version} stays active. "
        f"Use --force to activate it anyway."))


def reason_text(reason: dict) -> str:
    """One reason of the judgement in the reader's language (admin page, command output)."""
    from django.utils.translation import gettext as _

    code = reason["code"]
    if code == "first":
        return _("no version was active")
    if code == "corpus_changed":
        return _("the corpus changed since the active version: no corpus comparison")
    if code == "corpus_dropped":
        scope = _("overall") if reason["scope"] == "all" else reason["scope"]
        return _("corpus macro-F1 (%(scope)s) would drop from %(before).3f to %(after).3f") % {
            "scope": scope, "before": reason["before"], "after": reason["after"]}
    if code == "corpus_kept" and reason.get("corrected"):
        return _("corpus macro-F1 within %(drop).2f of the active version, and within %(corrected_drop).2f "
                 "overall and in the corrected languages (%(languages)s), where the held-out corrections "
                 "don't find it worse") % {"drop": reason["drop"], "corrected_drop": reason["corrected_drop"],
                              "languages": ", ".join(reason["corrected"])}
    if code == "corpus_kept":
        return _("corpus macro-F1 overall and per language within %(drop).2f of the active version") % {
            "drop": reason["drop"]}
    if code in ("heldout_better", "heldout_worse"):
        text = (_("%(n)d held-out corrections: %(candidate).3f against %(active).3f for the active version")
                if code == "heldout_better" else
                _("%(n)d held-out corrections: %(candidate).3f, below %(active).3f for the active version"))
        return text % {"n": reason["mentions"], "candidate": reason["candidate"], "active": reason["active"]}
    if code == "heldout_within_noise":
        return _("%(n)d held-out corrections: %(candidate).3f against %(active).3f for the active version, "
                 "a gap within chance (lower in %(share).0f %% of resamples)") % {
            "n": reason["mentions"], "candidate": reason["candidate"], "active": reason["active"],
            "share": 100 * (reason.get("share") or 0)}
    if code == "no_heldout":
        return _("fewer than %(n)d new corrections: no held-out comparison yet") % {"n": reason["minimum"]}
    if code == "active_changed":
        return _("another version was activated during training")
    return code


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
        artifact, metrics = ClassifierModel.objects.filter(version=version).values_list("artifact", "metrics").get()
        _loaded.update(version=version, pipeline=joblib.load(io.BytesIO(bytes(artifact))),
                       calibration=(metrics or {}).get("calibration"))
    return _loaded["version"], _loaded["pipeline"]


def worker_preload(**_kwargs) -> None:
    """Celery's worker_init: the worker's main process loads the active version before it
    forks its pool, so every child starts with it instead of spending about 2 s unpickling it
    on the first mention it stores (the first webhook deliveries after a restart waited for
    it: `bench webhook`). The connection used is closed, so no child inherits it."""
    try:
        active_pipeline()
    except DatabaseError as error:  # the children will load it on first use
        logger.warning("Classifier not preloaded: %s", error)
    finally:
        connections.close_all()


def classify_probabilities(texts: list[str]) -> tuple[str, np.ndarray, np.ndarray] | None:
    """(model version, label of each column, calibrated probabilities: one row per text), or
    None when no model is active."""
    active = active_pipeline()
    if active is None:
        return None
    version, pipeline = active
    if not texts:
        return version, pipeline.classes_, np.zeros((0, len(pipeline.classes_)))
    # A long blog post is judged on its opening: the label doesn't need 10 MB of text, and
    # the feature cache shouldn't fill with one post's words.
    probabilities = pipeline.predict_proba([text[:MAX_CLASSIFIED_CHARS] for text in texts])
    return version, pipeline.classes_, calibrated(probabilities, _loaded["calibration"])


def classify_texts(texts: list[str]) -> tuple[str, list[tuple[str, float]]] | None:
    """(model version, [(label, calibrated confidence)]) for the texts, or None when no model is active."""
    result = classify_probabilities(texts)
    if result is None:
        return None
    version, classes, probabilities = result
    best = probabilities.argmax(axis=1)
    return version, [(str(classes[i]), float(probabilities[row, i])) for row, i in enumerate(best)]
