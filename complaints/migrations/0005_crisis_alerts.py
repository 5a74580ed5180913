"""Crisis alerts and each brand's alert settings; the Admin role may edit them in the admin
(permissions of models added after the roles migration are not in its groups yet); the crisis
check runs every 5 minutes (beat, editable in the admin)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TASK_NAME = "Check brands for complaint crises"


def grant_and_schedule(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("complaints")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admins = Group.objects.filter(name="Admin").first()
    if admins is not None:
        admins.permissions.add(*Permission.objects.filter(
            content_type__app_label="complaints", content_type__model__in=["crisisalert", "crisissettings"]))
    schedule(apps, schema_editor)


def schedule(apps, schema_editor):
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    every_5, _ = Interval.objects.get_or_create(every=5, period="minutes")
    # A check still queued when the next is due is dropped instead of piling up.
    Task.objects.get_or_create(name=TASK_NAME, defaults={"task": "complaints.tasks.check_crisis_alerts",
                                                         "interval": every_5, "expire_seconds": 280})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_retire_unloadable_models"),
        ("listening", "0005_mention_search"),
        ("accounts", "0002_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CrisisSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("enabled", models.BooleanField(default=True, verbose_name="check this brand for crises")),
                ("webhook_url", models.URLField(
                    blank=True, max_length=500, verbose_name="webhook URL",
                    help_text="A Slack-compatible incoming webhook (https://hooks.slack.com/services/…). "
                              "Leave empty for e-mail only.")),
                ("webhook_language", models.CharField(
                    choices=[("en", "English"), ("fr", "French")], default="en", max_length=8,
                    verbose_name="language of webhook messages")),
                ("brand", models.OneToOneField(
                    on_delete=django.db.models.deletion.CASCADE, related_name="crisis_settings", to="listening.brand",
                    verbose_name="brand")),
                ("email_recipients", models.ManyToManyField(
                    blank=True, help_text="Leave empty to e-mail every manager and admin.",
                    limit_choices_to=models.Q(("is_superuser", True), ("groups__name__in", ["Manager", "Admin"]),
                                              _connector="OR"),
                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="e-mail recipients")),
            ],
            options={"verbose_name": "crisis alert settings", "verbose_name_plural": "crisis alert settings"},
        ),
        migrations.CreateModel(
            name="CrisisAlert",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("state", models.CharField(
                    choices=[("open", "Open"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved")],
                    default="open", max_length=16, verbose_name="state")),
                ("opened_at", models.DateTimeField(verbose_name="opened")),
                ("window_start", models.DateTimeField(help_text="Start of the first hour found in crisis.",
                                                      verbose_name="crisis from")),
                ("window_end", models.DateTimeField(help_text="End of the last hour found in crisis.",
                                                    verbose_name="crisis until")),
                ("last_seen_at", models.DateTimeField(verbose_name="last found in crisis")),
                ("figures", models.JSONField(default=dict, verbose_name="figures")),
                ("reasons", models.JSONField(default=list, verbose_name="reasons")),
                ("top_mention_ids", models.JSONField(default=list, verbose_name="most shared complaints")),
                ("acknowledged_at", models.DateTimeField(blank=True, null=True, verbose_name="acknowledged")),
                ("resolved_at", models.DateTimeField(blank=True, null=True, verbose_name="resolved")),
                ("notified_at", models.DateTimeField(blank=True, null=True, verbose_name="e-mailed")),
                ("emailed_user_ids", models.JSONField(blank=True, default=list, verbose_name="e-mailed to")),
                ("webhook_sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent to the webhook")),
                ("webhook_error", models.TextField(blank=True, verbose_name="webhook error")),
                ("acknowledged_by", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                    to=settings.AUTH_USER_MODEL, verbose_name="acknowledged by")),
                ("brand", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="crisis_alerts", to="listening.brand",
                    verbose_name="brand")),
                ("resolved_by", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                    to=settings.AUTH_USER_MODEL, verbose_name="resolved by")),
            ],
            options={
                "verbose_name": "crisis alert",
                "verbose_name_plural": "crisis alerts",
                "ordering": ["-opened_at", "-id"],
                "indexes": [models.Index(fields=["state", "-opened_at"], name="crisis_alert_state_opened")],
                "constraints": [models.UniqueConstraint(
                    condition=models.Q(("state__in", ["open", "acknowledged"])), fields=("brand",),
                    name="one_active_crisis_alert_per_brand")],
            },
        ),
        migrations.RunPython(grant_and_schedule, unschedule),
    ]
