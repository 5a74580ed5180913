"""The arithmetic behind the load and webhook benchmarks' verdicts."""

from benchmarks import figures


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 201))
    assert figures.percentile(values, 95) == 190
    assert figures.percentile(values, 50) == 100
    assert figures.percentile(reversed(values), 99) == 198
    assert figures.percentile([7.0], 99) == 7.0
    assert figures.percentile([], 95) is None


def test_action_figures_count_errors_and_time_failed_requests_too():
    samples = [("queue", ms, True) for ms in range(1, 101)] + [("queue", 900.0, False), ("reply", 30.0, True)]
    result = figures.action_figures(samples)
    assert result["queue"]["count"] == 101
    assert result["queue"]["errors"] == 1
    assert result["queue"]["p99_ms"] == 100
    assert result["queue"]["p50_ms"] == 51
    assert result["reply"] == {"count": 1, "errors": 0, "p50_ms": 30.0, "p95_ms": 30.0, "p99_ms": 30.0}


def _action(p95, errors=0):
    return {"count": 100, "errors": errors, "p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95 * 1.2}


def test_the_verdict_compares_each_action_with_its_single_user_p95():
    loaded = {"queue": _action(120), "mention": _action(90), "reply": _action(300)}
    single = {"queue": _action(50), "mention": _action(45), "reply": _action(100)}
    verdict = figures.load_verdict(loaded=loaded, single=single)
    assert verdict["actions"]["queue"]["single_user_p95_ms"] == 50
    assert verdict["actions"]["queue"]["loaded_over_single"] == 2.4
    assert verdict["actions"]["mention"]["loaded_over_single"] == 2.0
    targets = verdict["targets"]
    assert targets["no_errors"]
    assert targets["queue_and_mention_p95_within_150ms"]
    assert not targets["loaded_p95_within_2x_single"]
    assert targets["over_2x"] == {"queue": 2.4, "reply": 3.0}


def test_errors_in_either_phase_and_slow_pages_fail_the_targets():
    verdict = figures.load_verdict(loaded={"queue": _action(151), "mention": _action(40)},
                                   single={"queue": _action(100, errors=1), "mention": _action(30)})
    assert verdict["errors"] == 1
    assert not verdict["targets"]["no_errors"]
    assert verdict["targets"]["pages_over_150ms"] == {"queue": 151}
    assert not verdict["targets"]["queue_and_mention_p95_within_150ms"]


def test_an_action_never_timed_alone_is_not_within_the_ratio():
    verdict = figures.load_verdict(loaded={"queue": _action(60), "mention": _action(60), "report": _action(400)},
                                   single={"queue": _action(50), "mention": _action(50)})
    assert verdict["actions"]["report"]["loaded_over_single"] is None
    assert verdict["targets"]["over_2x"] == {"report": None}
    # Without a mention page timed under load, the page target is not met either.
    assert not figures.load_verdict(loaded={"queue": _action(60)}, single={"queue": _action(50)})[
        "targets"]["queue_and_mention_p95_within_150ms"]


def test_webhook_figures_count_what_never_showed_as_a_miss():
    latencies = [0.2] * 18 + [1.5, 1.9]
    result = figures.webhook_figures(latencies, sent=20)
    assert (result["p50_s"], result["p95_s"], result["max_s"]) == (0.2, 1.5, 1.9)
    assert result["within_target"]
    missing = figures.webhook_figures(latencies, sent=21)
    assert missing["never_visible"] == 1
    assert not missing["within_target"]
    slow = figures.webhook_figures([0.5] * 18 + [2.5, 3.0], sent=20)
    assert slow["p95_s"] == 2.5 and not slow["within_target"]
    assert figures.webhook_figures([], sent=0)["within_target"] is False


def test_task_durations_are_read_from_the_worker_log():
    lines = [
        "[2026-12-06 08:50:38,515: INFO/ForkPoolWorker-1] Task responses.tasks.refresh_report_days[63af] "
        "succeeded in 3.6191517629999908s: 273",
        "[2026-12-06 08:50:38,560: INFO/ForkPoolWorker-2] Task listening.tasks.ingest_items[fc6e] succeeded in "
        "0.0825s: {'fetched': 1}",
        "[2026-12-06 08:50:38,713: INFO/MainProcess] Task listening.tasks.ingest_items[c155] received",
        "[2026-12-06 08:50:38,811: INFO/ForkPoolWorker-2] Task listening.tasks.ingest_items[c155] succeeded in "
        "0.1176s: {'fetched': 1}",
    ]
    result = figures.task_durations(lines)
    assert result["ingest_items"] == {"runs": 2, "p50_s": 0.083, "max_s": 0.118, "total_s": 0.2}
    assert result["refresh_report_days"]["runs"] == 1
    assert set(result) == {"ingest_items", "refresh_report_days"}
