"""Full-text search per database: an FTS5 table kept by triggers on SQLite, a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE contributions_contribution_fts USING fts5(
        title, body, content='contributions_contribution', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER contributions_fts_insert AFTER INSERT ON contributions_contribution BEGIN
        INSERT INTO contributions_contribution_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER contributions_fts_delete AFTER DELETE ON contributions_contribution BEGIN
        INSERT INTO contributions_contribution_fts(contributions_contribution_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER contributions_fts_update AFTER UPDATE OF title, body ON contributions_contribution BEGIN
        INSERT INTO contributions_contribution_fts(contributions_contribution_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO contributions_contribution_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    "INSERT INTO contributions_contribution_fts(contributions_contribution_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS contributions_fts_insert",
    "DROP TRIGGER IF EXISTS contributions_fts_delete",
    "DROP TRIGGER IF EXISTS contributions_fts_update",
    "DROP TABLE IF EXISTS contributions_contribution_fts",
]
POSTGRES_FORWARD = [
    """CREATE INDEX contributions_contribution_fts ON contributions_contribution
       USING gin (to_tsvector('simple'::regconfig, title || ' ' || body))""",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS contributions_contribution_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
