"""Beat schedules for the classifier and the queue: nightly retraining, and priorities
refreshed every 10 minutes (waiting time keeps growing). Editable in the admin."""

from django.db import migrations


def create(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = Crontab.objects.get_or_create(minute="15", hour="3", day_of_week="*", day_of_month="*",
                                               month_of_year="*", timezone="Europe/Paris")
    every_10, _ = Interval.objects.get_or_create(every=10, period="minutes")
    Task.objects.get_or_create(name="Retrain the classifier (nightly)",
                               defaults={"task": "complaints.tasks.retrain_classifier", "crontab": nightly})
    Task.objects.get_or_create(name="Refresh queue priorities",
                               defaults={"task": "complaints.tasks.refresh_priorities", "interval": every_10})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=["Retrain the classifier (nightly)", "Refresh queue priorities"]).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_classifier_versions"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(create, remove)]
