"""The scope token of the SQLite full-text index begins with a private-use character (see search.py): rebuilt."""

from django.db import migrations

from teilhabe.contributions.search import search_index_drop, search_index_ensure


def rebuild(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        search_index_drop(schema_editor.connection)
    search_index_ensure(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("contributions", "0011_search_scope")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
