"""The full-text index per database: an FTS5 table kept by triggers on SQLite, a GIN index on PostgreSQL.

On SQLite the index also holds, per contribution, one token for its process and status (the column ``scope``, see
``search_scope``), so that the hits of a list (one process, one status) are counted and paged by the index alone:
``SELECT count(*) … MATCH '("sprachkurs"*) AND scope: "<U+E000>p4spublished"'`` reads two lists of ids and
never the contributions' table. The token begins with U+E000, from Unicode's private use area: a token character
for FTS5 but no word character of Python's ``re``, so no search term (``selectors.search_terms``) can ever match
it, and the terms need no column filter (which costs a fifth of a count); the column filter on the token keeps a
title that contains it from passing for one. The table is contentless (``content=''``): it keeps only the index,
never a second copy of the texts, and only ids are read from it.

SQLite rebuilds a table for many schema changes and drops its triggers with it, so ``search_index_ensure``
runs after every migrate (see apps.py) and restores triggers and index contents when they are missing.
"""

SQLITE_NAME = "contributions_contribution_search"
SQLITE_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS contributions_contribution_search USING fts5(
    title, body, scope, content='', tokenize='unicode61 remove_diacritics 2', prefix='3')"""
# What the index knows of a contribution besides its words: its process and status, as one token (U+E000, then
# letters and digits: the tokenizer splits at "_"); ``search_scope`` gives the same token in Python. A contentless
# table forgets a row by being told its indexed values again: the old ones, exactly as they were inserted.
_INSERT = """INSERT INTO contributions_contribution_search(rowid, title, body, scope)
        VALUES (new.id, new.title, new.body,
                char(57344) || 'p' || new.process_id || 's' || replace(new.status, '_', ''));"""
_DELETE = """INSERT INTO contributions_contribution_search(contributions_contribution_search, rowid, title, body, scope)
        VALUES ('delete', old.id, old.title, old.body,
                char(57344) || 'p' || old.process_id || 's' || replace(old.status, '_', ''));"""
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS contributions_search_insert AFTER INSERT ON contributions_contribution BEGIN\n"
    f"        {_INSERT}\n    END",
    "CREATE TRIGGER IF NOT EXISTS contributions_search_delete AFTER DELETE ON contributions_contribution BEGIN\n"
    f"        {_DELETE}\n    END",
    "CREATE TRIGGER IF NOT EXISTS contributions_search_update\n"
    "    AFTER UPDATE OF title, body, process_id, status ON contributions_contribution BEGIN\n"
    f"        {_DELETE}\n        {_INSERT}\n    END",
]
SQLITE_OBJECTS = (
    SQLITE_NAME,
    "contributions_search_insert",
    "contributions_search_delete",
    "contributions_search_update",
)
SQLITE_REBUILD = [
    "INSERT INTO contributions_contribution_search(contributions_contribution_search) VALUES ('delete-all')",
    """INSERT INTO contributions_contribution_search(rowid, title, body, scope)
    SELECT id, title, body, char(57344) || 'p' || process_id || 's' || replace(status, '_', '')
    FROM contributions_contribution""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS contributions_search_insert",
    "DROP TRIGGER IF EXISTS contributions_search_delete",
    "DROP TRIGGER IF EXISTS contributions_search_update",
    f"DROP TABLE IF EXISTS {SQLITE_NAME}",
    # The index before it knew the scope (an external-content table over the contributions' texts).
    "DROP TRIGGER IF EXISTS contributions_fts_insert",
    "DROP TRIGGER IF EXISTS contributions_fts_delete",
    "DROP TRIGGER IF EXISTS contributions_fts_update",
    "DROP TABLE IF EXISTS contributions_contribution_fts",
]
POSTGRES_INDEX = """CREATE INDEX IF NOT EXISTS contributions_contribution_fts ON contributions_contribution
    USING gin (to_tsvector('simple'::regconfig, title || ' ' || body))"""
POSTGRES_DROP = ["DROP INDEX IF EXISTS contributions_contribution_fts"]


SCOPE_MARK = "\ue000"  # char(57344) in SQL: private use, a token character for FTS5, not one of \w


def search_scope(process_id: int, status: str) -> str:
    """The token the SQLite index holds for the contributions of one process with one status."""
    return f"{SCOPE_MARK}p{process_id}s{status.replace('_', '')}"


def search_match(terms: list[str], *, scope: str | None = None) -> str:
    """An FTS5 query: every term as a prefix; with ``scope``, only the hits of that list.

    The terms are plain words (``selectors.search_terms``, runs of word characters): quotes are dropped, so no
    term can be FTS5 syntax, and none can match a scope token (they begin with ``SCOPE_MARK``).
    """
    words = " ".join('"' + term.replace('"', "") + '"*' for term in terms)
    return f'({words}) AND scope : "{scope}"' if scope else words


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
            names = ", ".join(f"'{name}'" for name in SQLITE_OBJECTS)
            cursor.execute(
                f"SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'trigger') AND name IN ({names})"  # noqa: S608
            )
            if cursor.fetchone()[0] == len(SQLITE_OBJECTS):
                return False
            cursor.execute(SQLITE_TABLE)
            for statement in SQLITE_TRIGGERS:
                cursor.execute(statement)
            for statement in SQLITE_REBUILD:
                cursor.execute(statement)
            return True
    return False


def search_index_rebuild(connection) -> None:
    """Fill the SQLite index afresh from the contributions (after a bulk insert without its triggers)."""
    with connection.cursor() as cursor:
        for statement in SQLITE_REBUILD:
            cursor.execute(statement)


def search_index_drop(connection) -> None:
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
