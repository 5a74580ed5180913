"""Honest confidence: what the queue shows is what the model gets right."""

import numpy as np

from complaints.classifier import lifecycle
from complaints.classifier.calibration import (
    calibrated,
    calibration_fit,
    capped,
    expected_calibration_error,
    with_temperature,
)
from complaints.models import ClassifierModel


def overconfident(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Four labels, skewed (half the rows are label 0); the model's top label is right 65 %
    of the time but it claims about 90 %."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(4, size=n, p=[0.5, 0.2, 0.2, 0.1])
    guess = np.where(rng.random(n) < 0.65, truth, rng.integers(0, 4, size=n))
    logits = rng.normal(0, 0.3, size=(n, 4))
    logits[np.arange(n), guess] += 3.2
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return probabilities, truth


def _ece(probabilities, truth):
    return expected_calibration_error(probabilities.max(axis=1), probabilities.argmax(axis=1) == truth)


def test_a_temperature_fitted_on_held_out_rows_makes_confidence_honest_on_new_rows():
    held_out, held_truth = overconfident(200, seed=1)
    fresh, fresh_truth = overconfident(5000, seed=2)
    before = _ece(fresh, fresh_truth)
    calibration = calibration_fit(probabilities=held_out, truth=held_truth, cv_accuracy=0.92)
    after = _ece(calibrated(fresh, calibration), fresh_truth)
    assert calibration["method"] == "temperature" and calibration["temperature"] > 1.2
    assert before > 0.1 and after < 0.03
    assert (calibrated(fresh, calibration).argmax(axis=1) == fresh.argmax(axis=1)).all()  # labels unchanged


def test_too_few_held_out_corrections_cap_confidence_at_the_corpus_accuracy():
    probabilities, truth = overconfident(20)
    calibration = calibration_fit(probabilities=probabilities, truth=truth, cv_accuracy=0.9)
    assert calibration == {"method": "cap", "cap": 0.9}
    result = calibrated(np.array([[0.99, 0.006, 0.004, 0.0], [0.5, 0.3, 0.1, 0.1]]), calibration)
    assert np.allclose(result.sum(axis=1), 1) and result[0, 0] == 0.9 and result[1, 0] == 0.5
    assert result[0, 1] > result[0, 2] > result[0, 3] >= 0  # what the top label gave up, in proportion


def test_temperature_keeps_rows_summing_to_one_and_softens_above_one():
    rows = np.array([[0.97, 0.01, 0.01, 0.01]])
    softer = with_temperature(rows, 2.0)
    assert np.isclose(softer.sum(), 1) and softer[0, 0] < 0.97
    assert np.allclose(capped(rows, 1.0), rows)


def test_new_mentions_get_the_active_versions_calibrated_confidence(db, mini_corpus):
    model = lifecycle.model_train(folds=3).model
    ClassifierModel.objects.filter(pk=model.pk).update(metrics={**model.metrics, "calibration": {"method": "cap",
                                                                                                  "cap": 0.6}})
    lifecycle._loaded.update(version=None)
    _, results = lifecycle.classify_texts(["Thanks for the quick reply, all sorted", "box en panne depuis lundi"])
    assert all(0 < confidence <= 0.6 for _, confidence in results)


def test_spot_checks_win_over_a_held_out_slice_of_only_hard_mentions():
    """Answers in "Check these" are the mentions the model was least sure of: fitted on those,
    the temperature would make it too timid on the ordinary stream. The spot checks (drawn at
    random) are fitted instead, and confidence stays honest on the whole stream."""
    stream, truth = overconfident(6000, seed=3)
    margin = np.sort(stream, axis=1)[:, -1] - np.sort(stream, axis=1)[:, -2]
    hardest = np.argsort(margin)[:300]
    # Hard mentions are also wrong more often than their probabilities say.
    hard_truth = truth[hardest].copy()
    flip = np.random.default_rng(5).random(len(hardest)) < 0.5
    hard_truth[flip] = (stream[hardest].argmax(axis=1)[flip] + 1) % 4
    drawn = np.random.default_rng(6).choice(len(stream), size=60, replace=False)
    on_hard = calibration_fit(probabilities=stream[hardest], truth=hard_truth, cv_accuracy=0.9)
    on_spots = calibration_fit(probabilities=stream[hardest], truth=hard_truth, cv_accuracy=0.9,
                               spot_checks=(stream[drawn], truth[drawn]))
    assert on_spots["fitted_on"] == "spot_checks" and on_spots["mentions"] == 60
    assert on_hard["fitted_on"] == "heldout"
    assert _ece(calibrated(stream, on_spots), truth) < 0.05 < _ece(calibrated(stream, on_hard), truth)
    too_few = calibration_fit(probabilities=stream[hardest], truth=hard_truth, cv_accuracy=0.9,
                              spot_checks=(stream[drawn[:20]], truth[drawn[:20]]))
    assert too_few["fitted_on"] == "heldout"
