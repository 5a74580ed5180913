"""Packed report days, hardened:
- a pack records the format it was written in (labels, platforms, dtypes): one written before a
  label or platform was added is rebuilt, never decoded with shifted codes;
- an UPDATE bumps a day only when a column the report reads changed, from a row trigger limited
  to those columns (`UPDATE OF … WHEN …`): the priority refresh, which rewrites every open
  mention's priority every 10 minutes, no longer builds transition tables for nothing;
- TRUNCATE makes every pack stale;
- days that have stored times but no mention row get a pack to build."""

from django.db import migrations, models

ROW_FUNCTION = """
CREATE OR REPLACE FUNCTION report_days_touch_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO responses_reportday (brand_id, day, version)
    SELECT DISTINCT b, d, 1 FROM (VALUES (OLD.brand_id, (OLD.posted_at AT TIME ZONE 'UTC')::date),
                                        (NEW.brand_id, (NEW.posted_at AT TIME ZONE 'UTC')::date)) AS t (b, d)
    ORDER BY 1, 2
    ON CONFLICT (brand_id, day) DO UPDATE SET version = responses_reportday.version + 1;
  RETURN NULL;
END $$;
"""
TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION report_days_touch_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE responses_reportday SET version = version + 1;
  RETURN NULL;
END $$;
"""
# (table, the columns the report reads besides brand_id and posted_at)
TABLES = [
    ("listening_mention", ["label", "platform"]),
    ("responses_mentiontiming", ["agent_id", "first_response_minutes", "first_response_met", "resolution_minutes",
                                 "resolution_met"]),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(ROW_FUNCTION, params=None)
    schema_editor.execute(TRUNCATE_FUNCTION, params=None)
    for table, columns in TABLES:
        watched = ["brand_id", "posted_at", *columns]
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in watched)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_report_days_update ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_report_days_update AFTER UPDATE OF {', '.join(watched)} ON {table} "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION report_days_touch_row()")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_report_days_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION report_days_touch_all()")
    schema_editor.execute(
        "INSERT INTO responses_reportday (brand_id, day, version) "
        "SELECT DISTINCT brand_id, (posted_at AT TIME ZONE 'UTC')::date, 1 FROM responses_mentiontiming "
        "ON CONFLICT (brand_id, day) DO NOTHING")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _columns in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_report_days_update ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_report_days_truncate ON {table}")
        key = "id" if table == "listening_mention" else "mention_id"
        old = ", ".join(f"o.{c}" for c in _columns)
        new = ", ".join(f"n.{c}" for c in _columns)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_report_days_update AFTER UPDATE ON {table} "
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION report_days_touch('{key}', '{old}', '{new}')")
    schema_editor.execute("DROP FUNCTION IF EXISTS report_days_touch_row()")
    schema_editor.execute("DROP FUNCTION IF EXISTS report_days_touch_all()")


class Migration(migrations.Migration):
    dependencies = [("responses", "0005_report_days")]
    operations = [
        migrations.AddField("reportday", "pack_format", models.CharField(max_length=64, blank=True, db_default="")),
        migrations.RunPython(create, drop),
    ]
