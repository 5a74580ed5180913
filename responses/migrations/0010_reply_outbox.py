"""The reply row is the outbox: a lease on queued and sending replies, and the sweeper that
sends again those whose lease ran out (beat, every minute; editable in the admin). Replies
already queued or sending have no lease, so the first sweep picks them up."""

from django.db import migrations, models

NAME = "Resend replies stuck in the outbox"


def schedule(apps, schema_editor):
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = Interval.objects.get_or_create(every=1, period="minutes")
    # A run still queued after a minute is replaced by the next one rather than piling up.
    Task.objects.get_or_create(name=NAME, defaults={"task": "responses.tasks.sweep_replies",
                                                    "interval": every_minute, "expire_seconds": 55})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0009_sla_models_move_to_sla"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="claimed_by",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="response",
            name="lease_until",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(condition=models.Q(("status__in", ["queued", "sending"])), fields=["lease_until"],
                               name="response_outbox"),
        ),
        migrations.RunPython(schedule, unschedule),
    ]
