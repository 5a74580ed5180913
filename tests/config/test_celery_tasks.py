"""A worker finds every task that beat or the code queues: tasks moved between apps (the
layering) change their names, and a schedule naming a task no worker knows fails silently."""

import ast
from pathlib import Path

from django.conf import settings
from django_celery_beat.models import PeriodicTask

from config.celery import app
from listening.schedules import TASK as SOURCE_POLL_TASK

ROOT = Path(settings.BASE_DIR)


def _registered() -> set[str]:
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks.py
    return set(app.tasks)


def test_every_scheduled_task_is_known_to_a_worker(db):
    scheduled = set(PeriodicTask.objects.exclude(task__startswith="celery.").values_list("task", flat=True))
    assert scheduled, "the migrations create beat's schedules"
    assert scheduled | {SOURCE_POLL_TASK} <= _registered()


def test_every_task_defined_in_a_tasks_module_is_registered_under_its_module():
    registered, defined = _registered(), set()
    for path in ROOT.glob("*/tasks.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and any("shared_task" in ast.unparse(d) for d in node.decorator_list):
                defined.add(f"{path.parent.name}.tasks.{node.name}")
    assert "pipeline.tasks.auto_assign_mentions" in defined
    assert defined <= registered
