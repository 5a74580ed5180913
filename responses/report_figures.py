"""The report's figures from the period's arrays (responses.report_days): counts by bucket, label
and platform; medians and 90th percentiles; SLA outcomes; per agent. Percentiles interpolate
exactly as Postgres's percentile_cont (a test compares them), found with np.partition — a
selection, not a sort."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np

from responses.report_days import LABELS, PLATFORMS, Material, epoch_minutes

FRACTIONS = (0.5, 0.9)


@dataclass
class TimeFigures:
    answered: int = 0
    first_response: list = field(default_factory=lambda: [None, None])  # median, p90 (minutes)
    resolved: int = 0
    resolution: list = field(default_factory=lambda: [None, None])
    first_response_met: int = 0
    first_response_judged: int = 0  # met or missed, including open mentions past their due time
    resolution_met: int = 0
    resolution_judged: int = 0


@dataclass
class AgentTimes:
    agent_id: int
    handled: int
    first_response_median: float | None
    first_response_met: int
    first_response_judged: int


def percentiles(values: np.ndarray, fractions=FRACTIONS, *, scratch: bool = False) -> list:
    """[median, 90th percentile] of the values that are not NaN, as percentile_cont gives them.
    np.partition puts NaN last, so the selection runs on the array as it is (no filtered copy);
    scratch: the array is a copy of ours, reordered in place."""
    n = len(values) - int(np.count_nonzero(np.isnan(values)))
    if not n:
        return [None] * len(fractions)
    ranks = [fraction * (n - 1) for fraction in fractions]
    needed = sorted({int(r) for r in ranks} | {min(int(r) + 1, n - 1) for r in ranks})
    if scratch:
        values.partition(needed)
        ordered = values
    else:
        ordered = np.partition(values, needed)
    result = []
    for rank in ranks:
        low = int(rank)
        high = min(low + 1, n - 1)
        result.append(float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low)))
    return result


def bucket_starts(buckets: list[date], zone) -> np.ndarray:
    return np.array([epoch_minutes(datetime.combine(day, time(0), tzinfo=zone)) for day in buckets], dtype=np.int64)


def _bucket_index(at: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.searchsorted(starts, at, side="right") - 1


def volume_by_bucket(material: Material, buckets: list[date], zone) -> dict[date, dict[tuple[str, str], int]]:
    """{bucket: {(label, platform): mentions posted}}."""
    index = _bucket_index(material.mention_at, bucket_starts(buckets, zone))
    key = (index * len(LABELS) + material.label) * len(PLATFORMS) + material.platform
    counts = np.bincount(key, minlength=len(buckets) * len(LABELS) * len(PLATFORMS)).reshape(
        len(buckets), len(LABELS), len(PLATFORMS))
    result: dict[date, dict[tuple[str, str], int]] = {}
    for b, label, platform in zip(*np.nonzero(counts)):
        result.setdefault(buckets[b], {})[(LABELS[label], PLATFORMS[platform])] = int(counts[b, label, platform])
    return result


def _groups_in_runs(keys: np.ndarray, runs: list[tuple[int, int]], n: int) -> list[list[tuple[int, int]]]:
    """For keys that only grow inside each run: the (start, end) slices of each key 0..n-1."""
    slices: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for start, end in runs:
        bounds = start + np.searchsorted(keys[start:end], np.arange(n + 1), side="left")
        for key in range(n):
            if bounds[key + 1] > bounds[key]:
                slices[key].append((int(bounds[key]), int(bounds[key + 1])))
    return slices


def _take(array: np.ndarray, slices: list[tuple[int, int]]) -> np.ndarray:
    return np.concatenate([array[s:e] for s, e in slices]) if slices else array[:0]


def _figures(m: Material, rows) -> TimeFigures:
    """rows: a slice list or an index array into the timing arrays."""
    def pick(array):
        return _take(array, rows) if isinstance(rows, list) else array[rows]

    first, resolution = pick(m.first_response), pick(m.resolution)
    first_met, resolution_met = pick(m.first_response_met), pick(m.resolution_met)
    copied = not isinstance(rows, slice)  # slices concatenated or indexed: our own copy
    return TimeFigures(
        answered=int(np.count_nonzero(~np.isnan(first))), first_response=percentiles(first, scratch=copied),
        resolved=int(np.count_nonzero(~np.isnan(resolution))), resolution=percentiles(resolution, scratch=copied),
        first_response_met=int(np.count_nonzero(first_met == 1)),
        first_response_judged=int(np.count_nonzero(first_met >= 0)),
        resolution_met=int(np.count_nonzero(resolution_met == 1)),
        resolution_judged=int(np.count_nonzero(resolution_met >= 0)))


def times_by_bucket(material: Material, buckets: list[date], zone) -> tuple[dict[date, TimeFigures], TimeFigures]:
    index = _bucket_index(material.timing_at, bucket_starts(buckets, zone))
    per_bucket = {}
    for b, slices in enumerate(_groups_in_runs(index, material.timing_runs, len(buckets))):
        if slices:
            per_bucket[buckets[b]] = _figures(material, slices)
    return per_bucket, _figures(material, slice(None))


def agents(material: Material) -> list[AgentTimes]:
    """Per agent (who sent the first reply, else the assignee): mentions handled, median first
    response, first responses on time."""
    assigned = np.flatnonzero(material.agent)
    if not len(assigned):
        return []
    ids = material.agent[assigned]
    # User ids that fit 16 bits sort by radix (numpy's stable sort of small integers): one pass.
    keys = ids.astype(np.uint16) if ids.max() < 2 ** 16 else ids
    order = assigned[np.argsort(keys, kind="stable")]
    sorted_ids = material.agent[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    ends = np.append(starts[1:], len(order))
    first, first_met = material.first_response[order], material.first_response_met[order]
    result = []
    for start, end in zip(starts, ends):
        mine = first_met[start:end]
        result.append(AgentTimes(agent_id=int(sorted_ids[start]), handled=int(end - start),
                                 first_response_median=_median(first[start:end]),
                                 first_response_met=int(np.count_nonzero(mine == 1)),
                                 first_response_judged=int(np.count_nonzero(mine >= 0))))
    return result


def _median(values: np.ndarray) -> float | None:
    return percentiles(values, (0.5,), scratch=True)[0]  # a slice of the agents' own reordered copy
