"""Honest confidence. The model's probabilities are calibrated on the corpus it learned from,
and real mentions are harder: on them it claims more than it gets right. Each version
carries one calibration, applied to every probability it gives:

- **temperature**, fitted on the spot checks of "Check these" (mentions drawn at random from
  the stream, each scored by a model that never saw it) once there are enough of them;
- else on the held-out corrections it was judged on (real mentions that people labelled and it
  never saw). Those are the newest answers, and when people answer "Check these" they are the
  mentions the model was least sure of: a temperature fitted on them alone makes it too timid
  on the ordinary stream — hence the spot checks first;
- before that, a **cap**: no more confidence than the corpus cross-validation's accuracy.

Only numpy: workers that classify never import scikit-learn."""

import numpy as np

MIN_FOR_TEMPERATURE = 30
# Sharpening is bounded: a small held-out slice that the model got all right is no proof it
# should claim certainty.
_TEMPERATURES = np.exp(np.linspace(np.log(0.5), np.log(10.0), 241))


def with_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """p ** (1 / T), normalized: T > 1 softens, T < 1 sharpens; the order of labels is kept."""
    logs = np.log(np.clip(probabilities, 1e-12, 1.0)) / temperature
    logs -= logs.max(axis=1, keepdims=True)
    weights = np.exp(logs)
    return weights / weights.sum(axis=1, keepdims=True)


def temperature_fit(probabilities: np.ndarray, truth: np.ndarray) -> float:
    """The temperature with the lowest log-loss on labelled rows (truth: column indexes)."""
    rows = np.arange(len(truth))
    losses = [-np.log(np.clip(with_temperature(probabilities, t)[rows, truth], 1e-12, 1.0)).mean()
              for t in _TEMPERATURES]
    return float(_TEMPERATURES[np.argmin(losses)])


def capped(probabilities: np.ndarray, cap: float) -> np.ndarray:
    """The top label keeps at most `cap`; what it gives up goes to the others in proportion."""
    result = np.array(probabilities, dtype=np.float64, copy=True)
    rows = np.arange(len(result))
    best = result.argmax(axis=1)
    top = result[rows, best]
    excess = np.maximum(top - cap, 0.0)
    rest = 1.0 - top
    share = np.divide(result, rest[:, None], out=np.full_like(result, 1.0 / max(result.shape[1] - 1, 1)),
                      where=rest[:, None] > 0)
    result += share * excess[:, None]
    result[rows, best] = top - excess
    return result


def calibration_fit(*, probabilities: np.ndarray | None, truth: np.ndarray | None, cv_accuracy: float,
                    spot_checks: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
    """What a new version stores: a temperature fitted on the spot checks when there are
    enough, else on the held-out corrections when there are enough, else the corpus cap.
    Each pair is (probabilities, truth as column indexes of those probabilities)."""
    for source, (rows, answers) in (("spot_checks", spot_checks or (None, None)), ("heldout", (probabilities, truth))):
        if rows is not None and answers is not None and len(answers) >= MIN_FOR_TEMPERATURE:
            return {"method": "temperature", "temperature": round(temperature_fit(rows, answers), 4),
                    "mentions": len(answers), "fitted_on": source}
    return {"method": "cap", "cap": round(float(cv_accuracy), 4)}


def calibrated(probabilities: np.ndarray, calibration: dict | None) -> np.ndarray:
    calibration = calibration or {}
    if calibration.get("method") == "temperature":
        return with_temperature(probabilities, float(calibration["temperature"]))
    if calibration.get("method") == "cap":
        return capped(probabilities, float(calibration["cap"]))
    return probabilities


def expected_calibration_error(confidence, correct, bins: int = 10) -> float:
    """Mean |accuracy − confidence| over equal-width confidence bins, weighted by their size."""
    confidence, correct = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    if not len(confidence):
        return 0.0
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    error = 0.0
    for b in range(bins):
        keep = which == b
        if keep.any():
            error += keep.mean() * abs(correct[keep].mean() - confidence[keep].mean())
    return float(error)
