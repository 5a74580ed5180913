"""Stores each open mention's resolution due time (listening 0013), as sla.state computes it, so
the report counts overdue resolutions with one SQL count instead of replaying the event log of
every mention whose clock ever stopped.

The computation is sla.state's own (the current models), not a copy frozen here: it runs only
where open mentions exist, i.e. when upgrading a deployment from the release that added the
column."""

from django.db import migrations

from listening.choices import OPEN_STATUSES
from sla.services import mentions_sla_refresh


def backfill(apps, schema_editor):
    Mention = apps.get_model("listening", "Mention")
    brand_ids = (Mention.objects.filter(status__in=[s.value for s in OPEN_STATUSES])
                 .values_list("brand_id", flat=True).distinct().order_by())
    for brand_id in list(brand_ids):
        mentions_sla_refresh(brand_id=brand_id)


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_initial"),
        ("listening", "0013_resolution_due_time"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
