"""Full-text search for the queue (Postgres only; the SQLite demo uses a simple match).
The expression must stay identical to complaints.selectors.SEARCH_VECTOR."""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS mention_search ON listening_mention USING gin (
  to_tsvector(CASE WHEN language = 'fr' THEN 'french'::regconfig ELSE 'english'::regconfig END, title || ' ' || text)
)"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS mention_search")


class Migration(migrations.Migration):
    dependencies = [("listening", "0004_leaner_mention_indexes")]
    operations = [migrations.RunPython(create, drop)]
