"""The SQLite full-text index knows each contribution's process and status (see search.py): a new, contentless
table replaces the external-content one. PostgreSQL keeps its GIN index."""

from django.db import migrations

from teilhabe.contributions.search import search_index_drop, search_index_ensure


def rebuild(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        search_index_drop(schema_editor.connection)
    search_index_ensure(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("contributions", "0010_tallies")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
