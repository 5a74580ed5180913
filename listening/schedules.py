"""Each source has one periodic task in django-celery-beat (editable in the admin under
Periodic tasks), kept in step with the source by these two functions, which the admin
calls whenever a source is saved or deleted."""

import json

from django_celery_beat.models import IntervalSchedule, PeriodicTask

from listening.models import Source

TASK = "listening.tasks.poll_source"


def _task_name(source_id: int) -> str:
    return f"Poll source {source_id}"


def source_schedule_sync(*, source: Source) -> PeriodicTask:
    every, _ = IntervalSchedule.objects.get_or_create(every=source.poll_every_minutes, period=IntervalSchedule.MINUTES)
    task, _ = PeriodicTask.objects.update_or_create(
        name=_task_name(source.pk),
        defaults={"task": TASK, "interval": every, "args": json.dumps([source.pk]), "enabled": source.enabled,
                  "description": str(source)[:200]},
    )
    return task


def source_schedule_remove(*, source_id: int) -> None:
    PeriodicTask.objects.filter(name=_task_name(source_id)).delete()
