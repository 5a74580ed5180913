"""A second full-text index holding open mentions only, so that a search of the queue can
read its few matches straight from the index instead of walking the priority order past
thousands of rows that don't match (see complaints.selectors.queue_mentions). The expression
must stay identical to complaints.selectors.SEARCH_VECTOR and the predicate to OPEN_STATUSES."""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS mention_search_open ON listening_mention USING gin (
  to_tsvector(CASE WHEN language = 'fr' THEN 'french'::regconfig ELSE 'english'::regconfig END, title || ' ' || text)
) WHERE status IN ('new', 'open', 'waiting')"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS mention_search_open")


class Migration(migrations.Migration):
    dependencies = [("listening", "0005_mention_search")]
    operations = [migrations.RunPython(create, drop)]
