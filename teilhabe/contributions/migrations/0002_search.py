"""Full-text search per database (see teilhabe/contributions/search.py)."""

from django.db import migrations

from teilhabe.contributions.search import search_index_drop, search_index_ensure


def forward(apps, schema_editor):
    search_index_ensure(schema_editor.connection)


def backward(apps, schema_editor):
    search_index_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
