"""On Postgres, a trigger refuses any UPDATE of a mention event: the event log is the
evidence behind response times, so it is only ever appended to."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION listening_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'mention events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER listening_event_no_update BEFORE UPDATE ON listening_mentionevent
    FOR EACH ROW EXECUTE FUNCTION listening_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS listening_event_no_update ON listening_mentionevent;
DROP FUNCTION IF EXISTS listening_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("listening", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
