"""Queries the ORM compiles once per worker and database and that then run as plain SQL.

Building and compiling a queryset costs about as much as running a small query. A page that must answer with an
emptied cache (after a change, or when the cache lost its entries) and runs a few fixed queries therefore runs
them by their compiled SQL: ``compiled_rows(name, build, value)`` where ``build(placeholder)`` returns the
``values_list`` queryset with the placeholder standing for the one value that changes (an id). The rows are
the database driver's values: no ORM converters run, so the caller reads only columns whose values it can
take as the driver gives them (or converts them itself).
"""

from django.db import connection

PLACEHOLDER = -987_654_321  # stands for the changing value while a query is compiled
_compiled: dict[tuple[str, str], tuple[str, tuple]] = {}


def compiled_rows(name: str, build, value) -> list[tuple]:
    key = (connection.vendor, name)
    compiled = _compiled.get(key)
    if compiled is None:
        sql, params = build(PLACEHOLDER).query.sql_with_params()
        compiled = _compiled[key] = (sql, tuple(params))
    sql, params = compiled
    with connection.cursor() as cursor:
        cursor.execute(sql, [value if param == PLACEHOLDER else param for param in params])
        return cursor.fetchall()
