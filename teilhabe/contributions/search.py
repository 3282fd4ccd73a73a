"""The full-text index per database: an FTS5 table kept by triggers on SQLite, a GIN index on PostgreSQL.

SQLite rebuilds a table for many schema changes and drops its triggers with it, so ``search_index_ensure``
runs after every migrate (see apps.py) and restores triggers and index contents when they are missing.
"""

SQLITE_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS contributions_contribution_fts USING fts5(
    title, body, content='contributions_contribution', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='3')"""
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS contributions_fts_insert AFTER INSERT ON contributions_contribution BEGIN
        INSERT INTO contributions_contribution_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS contributions_fts_delete AFTER DELETE ON contributions_contribution BEGIN
        INSERT INTO contributions_contribution_fts(contributions_contribution_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS contributions_fts_update AFTER UPDATE OF title, body ON contributions_contribution
    BEGIN
        INSERT INTO contributions_contribution_fts(contributions_contribution_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO contributions_contribution_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
]
SQLITE_REBUILD = "INSERT INTO contributions_contribution_fts(contributions_contribution_fts) VALUES ('rebuild')"
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS contributions_fts_insert",
    "DROP TRIGGER IF EXISTS contributions_fts_delete",
    "DROP TRIGGER IF EXISTS contributions_fts_update",
    "DROP TABLE IF EXISTS contributions_contribution_fts",
]
POSTGRES_INDEX = """CREATE INDEX IF NOT EXISTS contributions_contribution_fts ON contributions_contribution
    USING gin (to_tsvector('simple'::regconfig, title || ' ' || body))"""
POSTGRES_DROP = ["DROP INDEX IF EXISTS contributions_contribution_fts"]


def search_index_ensure(connection) -> bool:
    """Create whatever part of the index is missing. Returns True when something had to be (re)built."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'contributions_contribution_fts'")
            if cursor.fetchone():
                return False
            cursor.execute(POSTGRES_INDEX)
            return True
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'trigger') AND name IN "
                "('contributions_contribution_fts', 'contributions_fts_insert', 'contributions_fts_delete', "
                "'contributions_fts_update')"
            )
            if cursor.fetchone()[0] == 4:
                return False
            cursor.execute(SQLITE_TABLE)
            for statement in SQLITE_TRIGGERS:
                cursor.execute(statement)
            cursor.execute(SQLITE_REBUILD)
            return True
    return False


def search_index_drop(connection) -> None:
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
