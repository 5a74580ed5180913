"""Figures of the load and webhook benchmarks, from raw samples: percentiles per action, errors,
and the comparison of the loaded phase with the single-user phase. Pure functions, so the
arithmetic the targets are judged on is tested on its own."""

import math
import re
from collections import defaultdict
from collections.abc import Iterable

# Targets of the load benchmark (docs/benchmarks.md, "Load").
LOADED_OVER_SINGLE_MAX = 2.0  # every action's p95 under load ≤ 2× its single-user p95
PAGE_P95_MAX_MS = 150  # the queue and the mention page under load
PAGE_ACTIONS = ("queue", "mention")
WEBHOOK_P95_MAX_S = 2.0


def percentile(values: Iterable[float], p: float) -> float | None:
    """Nearest rank: p95 of 200 values is the 190th smallest; None without values."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def action_figures(samples: Iterable[tuple[str, float, bool]]) -> dict[str, dict]:
    """{action: {count, errors, p50_ms, p95_ms, p99_ms}} from (action, milliseconds, ok)
    samples. Percentiles are of every request, failed ones included: a slow error is slow."""
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for action, ms, ok in samples:
        times[action].append(ms)
        errors[action] += 0 if ok else 1
    return {action: {"count": len(values), "errors": errors[action],
                     "p50_ms": _rounded(percentile(values, 50)), "p95_ms": _rounded(percentile(values, 95)),
                     "p99_ms": _rounded(percentile(values, 99))}
            for action, values in sorted(times.items())}


def load_verdict(*, loaded: dict[str, dict], single: dict[str, dict]) -> dict:
    """Each action's loaded p95 next to its single-user p95, and whether the targets hold.
    An action the single-user phase never ran has no ratio (and fails the ratio target: it
    was not compared)."""
    actions = {}
    for action, figures in loaded.items():
        alone = (single.get(action) or {}).get("p95_ms")
        ratio = round(figures["p95_ms"] / alone, 2) if alone else None
        actions[action] = {**figures, "single_user_p95_ms": alone, "loaded_over_single": ratio}
    errors = sum(f["errors"] for f in loaded.values()) + sum(f["errors"] for f in single.values())
    slow_pages = {a: loaded[a]["p95_ms"] for a in PAGE_ACTIONS if a in loaded and loaded[a]["p95_ms"] > PAGE_P95_MAX_MS}
    over_ratio = {a: f["loaded_over_single"] for a, f in actions.items()
                  if f["loaded_over_single"] is None or f["loaded_over_single"] > LOADED_OVER_SINGLE_MAX}
    return {"actions": actions, "errors": errors, "targets": {
        "no_errors": errors == 0,
        "loaded_p95_within_2x_single": not over_ratio, "over_2x": over_ratio,
        "queue_and_mention_p95_within_150ms": not slow_pages and all(a in loaded for a in PAGE_ACTIONS),
        "pages_over_150ms": slow_pages}}


def webhook_figures(latencies_s: list[float], *, sent: int) -> dict:
    """Delivery → visible on the live endpoint: percentiles in seconds, and how many never showed."""
    return {"deliveries": sent, "visible": len(latencies_s), "never_visible": sent - len(latencies_s),
            "p50_s": _rounded(percentile(latencies_s, 50), 3), "p95_s": _rounded(percentile(latencies_s, 95), 3),
            "p99_s": _rounded(percentile(latencies_s, 99), 3), "max_s": _rounded(max(latencies_s, default=None), 3),
            "target_p95_s": WEBHOOK_P95_MAX_S,
            "within_target": bool(latencies_s) and sent == len(latencies_s)
            and percentile(latencies_s, 95) <= WEBHOOK_P95_MAX_S}


_TASK_DONE = re.compile(r"Task ([\w.]+)\[[^\]]+\] (?:succeeded|raised|retry)\S* in ([\d.]+)s")


def task_durations(log_lines: Iterable[str]) -> dict[str, dict]:
    """{task: {runs, p50_s, max_s, total_s}} from Celery worker logs ("Task x[id] succeeded in 0.2s")."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in log_lines:
        found = _TASK_DONE.search(line)
        if found:
            times[found.group(1).rsplit(".", 1)[-1]].append(float(found.group(2)))
    return {task: {"runs": len(values), "p50_s": _rounded(percentile(values, 50), 3),
                   "max_s": _rounded(max(values), 3), "total_s": _rounded(sum(values), 1)}
            for task, values in sorted(times.items())}
