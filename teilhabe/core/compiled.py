"""Queries the ORM compiles once per worker and database and that then run as plain SQL.

Building and compiling a queryset costs about as much as running a small query. A page that must answer with an
emptied cache (after a change, or when the cache lost its entries) and runs a few fixed queries therefore runs
them by their compiled SQL: ``compiled_rows(name, build, value)`` where ``build(placeholder)`` returns the
``values_list`` queryset with the placeholder standing for the one value that changes (an id). A query with
several changing values passes them as a tuple: ``build`` then gets one placeholder per value, in order, an
integer for an integer and a moment for a ``datetime`` (aware); the moment is given to the database as the ORM
would give it. The rows are the database driver's values: no ORM converters run, so the caller reads only
columns whose values it can take as the driver gives them (or converts them itself: ``aware`` for moments,
which SQLite gives without their time zone).
"""

import datetime

from django.db import connection
from django.utils import timezone

PLACEHOLDER = -987_654_321  # stands for the changing value while a query is compiled
# Stands for a changing moment (one microsecond apart for each moment of a query); no stored moment is this one.
MOMENT_PLACEHOLDER = datetime.datetime(1901, 2, 3, 4, 5, 6, 700_000, tzinfo=datetime.UTC)
_compiled: dict[tuple[str, str], tuple[str, tuple, tuple]] = {}


def _placeholders(values: tuple) -> list:
    placeholders = []
    for index, value in enumerate(values):
        if isinstance(value, datetime.datetime):
            placeholders.append(MOMENT_PLACEHOLDER + datetime.timedelta(microseconds=index))
        else:
            placeholders.append(PLACEHOLDER - index)
    return placeholders


def _as_parameter(value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def compiled_rows(name: str, build, value) -> list[tuple]:
    several = isinstance(value, tuple)
    values = value if several else (value,)
    key = (connection.vendor, name)
    compiled = _compiled.get(key)
    if compiled is None:
        placeholders = _placeholders(values)
        queryset = build(*placeholders) if several else build(placeholders[0])
        sql, params = queryset.query.sql_with_params()
        stand_ins = tuple(_as_parameter(placeholder) for placeholder in placeholders)
        compiled = _compiled[key] = (sql, tuple(params), stand_ins)
    sql, params, stand_ins = compiled
    given = {stand_in: _as_parameter(actual) for stand_in, actual in zip(stand_ins, values, strict=True)}
    with connection.cursor() as cursor:
        cursor.execute(sql, [given.get(param, param) if _hashable(param) else param for param in params])
        return cursor.fetchall()


def _hashable(value) -> bool:
    return isinstance(value, int | str | datetime.datetime)


def aware(value):
    """A moment read by ``compiled_rows`` (SQLite gives it naive, in UTC; PostgreSQL aware); None stays None."""
    if value is None or not isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value
