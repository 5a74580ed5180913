"""Beat schedule: deliveries that are due (retries, and any whose send never started because
the broker was down) are sent every minute."""

from django.db import migrations

NAME = "Send due webhook deliveries"


def create(apps, schema_editor):
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = Interval.objects.get_or_create(every=1, period="minutes")
    Task.objects.get_or_create(name=NAME, defaults={"task": "integrations.tasks.send_due_deliveries",
                                                    "interval": every_minute})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("integrations", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(create, remove)]
