"""Arriving mentions, replies and periodic work travel on separate Celery queues (docs/scaling.md)."""

import yaml
from django.conf import settings

from config.celery import app


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_arriving_mentions_replies_and_maintenance_have_their_own_queues():
    assert _queue("listening.tasks.ingest_items") == "ingest"
    assert _queue("listening.tasks.poll_source") == "ingest"
    assert _queue("pipeline.tasks.auto_assign_mentions") == "ingest"
    assert _queue("responses.tasks.send_response") == "send"
    assert _queue("complaints.tasks.refresh_priorities") == "celery"
    assert _queue("responses.tasks.send_sla_alerts") == "celery"
    assert _queue("complaints.tasks.retrain_classifier") == "train"
    assert _queue("complaints.tasks.reclassify_open_mentions") == "train"


def test_a_worker_started_without_a_queue_consumes_every_queue():
    # `celery worker` with no -Q listens to task_queues: an install with one worker loses nothing.
    assert {q.name for q in app.amqp.queues.values()} == {"celery", "ingest", "send", "train"}
    assert {q.name for q in settings.CELERY_TASK_QUEUES} == {"celery", "ingest", "send", "train"}


def test_compose_gives_arriving_mentions_and_training_workers_of_their_own():
    services = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())["services"]
    command = services["worker-ingest"]["command"]
    assert command[command.index("-Q") + 1] == "ingest"
    main = services["worker"]["command"]
    assert set(main[main.index("-Q") + 1].split(",")) == {q.name for q in settings.CELERY_TASK_QUEUES} - {"train"}
    train = services["worker-train"]["command"]
    assert train[:3] == ["nice", "-n", "15"] and train[train.index("-Q") + 1] == "train"
