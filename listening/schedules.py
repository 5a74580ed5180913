"""Each polled source has one periodic task in django-celery-beat (shown in the admin under
Periodic tasks), kept in step with the source by the services that save and delete sources
(listening.services.source_save, source_delete), whatever calls them: the admin, a file
import, a script. Sources that are not polled (file imports) have none."""

import json

from django_celery_beat.models import IntervalSchedule, PeriodicTask

from listening.models import Source
from platforms.registry import platform_of_kind

TASK = "listening.tasks.poll_source"


def _task_name(source_id: int) -> str:
    return f"Poll source {source_id}"


def source_schedule_sync(*, source: Source) -> PeriodicTask | None:
    """Creates, updates or removes the source's task: its interval, enabled or not."""
    if platform_of_kind(source.kind) is None:
        source_schedule_remove(source_id=source.pk)
        return None
    every, _ = IntervalSchedule.objects.get_or_create(every=source.poll_every_minutes, period=IntervalSchedule.MINUTES)
    task, _ = PeriodicTask.objects.update_or_create(
        name=_task_name(source.pk),
        defaults={"task": TASK, "interval": every, "args": json.dumps([source.pk]), "enabled": source.enabled,
                  "description": str(source)[:200]},
    )
    return task


def source_schedule_remove(*, source_id: int) -> None:
    PeriodicTask.objects.filter(name=_task_name(source_id)).delete()
