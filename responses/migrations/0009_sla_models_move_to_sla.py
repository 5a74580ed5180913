"""SLA policies and business calendars now belong to the sla app (sla/migrations/0001 adopts
their tables): the triage queue reads them and may not import responses. Nothing changes in the
database here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0008_response_error_detail"),
        ("accounts", "0002_roles"),  # gives roles permissions on these models: it must see them here
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Holiday"),
                migrations.DeleteModel(name="Shift"),
                migrations.DeleteModel(name="BusinessCalendar"),
                migrations.DeleteModel(name="SLAPolicy"),
            ],
            database_operations=[],
        ),
    ]
