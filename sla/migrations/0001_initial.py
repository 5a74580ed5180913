"""Adopts the SLA policies and business calendars that responses held until its migration 0007:
the tables are renamed (rows and ids stay), and their content types move with them, so the
permissions the roles hold on them still apply."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

MODELS = ["slapolicy", "businesscalendar", "shift", "holiday"]


def move_content_types(apps, schema_editor, *, source="responses", target="sla"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MODELS).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="sla", target="responses")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("listening", "0001_initial"),
        ("responses", "0009_sla_models_move_to_sla"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SLAPolicy",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("label", models.CharField(blank=True, choices=[("complaint", "Complaint"), ("question", "Question"), ("praise", "Praise"), ("other", "Other")], help_text="Leave empty for the policy that applies to labels without their own.", max_length=16, verbose_name="label")),
                        ("first_response_minutes", models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name="first response within (minutes)")),
                        ("resolution_minutes", models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name="resolution within (minutes)")),
                        ("near_breach_percent", models.PositiveIntegerField(default=80, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(99)], verbose_name="near-breach warning at (% of the time used)")),
                        ("counted_in", models.CharField(choices=[("calendar", "Calendar time (nights and weekends count)"), ("business_hours", "Business hours (the brand's calendar)")], default="calendar", help_text="Business hours need the brand's business calendar, with at least one shift.", max_length=16, verbose_name="counted in")),
                        ("brand", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="sla_policies", to="listening.brand", verbose_name="brand")),
                    ],
                    options={
                        "verbose_name": "SLA policy",
                        "verbose_name_plural": "SLA policies",
                        "constraints": [models.UniqueConstraint(fields=("brand", "label"), name="sla_policy_unique_per_label")],
                        "db_table": "responses_slapolicy",
                    },
                ),
                migrations.CreateModel(
                    name="BusinessCalendar",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("brand", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="business_calendar", to="listening.brand", verbose_name="brand")),
                    ],
                    options={
                        "verbose_name": "business calendar",
                        "verbose_name_plural": "business calendars",
                        "db_table": "responses_businesscalendar",
                    },
                ),
                migrations.CreateModel(
                    name="Shift",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("weekday", models.PositiveSmallIntegerField(choices=[(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"), (5, "Saturday"), (6, "Sunday")], verbose_name="day")),
                        ("starts_at", models.TimeField(verbose_name="starts at")),
                        ("ends_at", models.TimeField(help_text="An end at or before the start means the shift ends the next day (a night shift).", verbose_name="ends at")),
                        ("calendar", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="shifts", to="sla.businesscalendar", verbose_name="business calendar")),
                    ],
                    options={
                        "verbose_name": "shift",
                        "verbose_name_plural": "shifts",
                        "ordering": ["weekday", "starts_at"],
                        "db_table": "responses_shift",
                    },
                ),
                migrations.CreateModel(
                    name="Holiday",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("date", models.DateField(help_text="No shift starts on this date.", verbose_name="date")),
                        ("name", models.CharField(blank=True, max_length=120, verbose_name="name")),
                        ("calendar", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="holidays", to="sla.businesscalendar", verbose_name="business calendar")),
                    ],
                    options={
                        "verbose_name": "holiday",
                        "verbose_name_plural": "holidays",
                        "ordering": ["date"],
                        "constraints": [models.UniqueConstraint(fields=("calendar", "date"), name="holiday_unique_per_calendar")],
                        "db_table": "responses_holiday",
                    },
                ),
            ],
            database_operations=[],
        ),
        *[migrations.AlterModelTable(name=name, table=None) for name in MODELS],
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
