"""Beat schedule for SLA alerts: every minute, near-breach and breach notifications.
Editable in the admin (Periodic tasks)."""

from django.db import migrations

NAME = "Send SLA breach alerts"


def create(apps, schema_editor):
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = Interval.objects.get_or_create(every=1, period="minutes")
    # A run still queued after a minute is replaced by the next one rather than piling up.
    Task.objects.get_or_create(name=NAME, defaults={"task": "responses.tasks.send_sla_alerts",
                                                    "interval": every_minute, "expire_seconds": 55})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("responses", "0002_business_hours_and_notifications"),
                    ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(create, remove)]
