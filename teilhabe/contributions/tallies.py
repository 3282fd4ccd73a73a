"""Tallies (``ContributionTally``): contributions, supports (online, and counted at events) and published comments
per status, channel, language and district of a process, kept exact in the transaction of every change.

Every service that changes what a tally counts wraps the change in ``tallied``: it locks the contributions
concerned and notes where they stand, and when the change is done it moves their amounts between the tally
rows (F() updates, rows created on first need). So one helper serves every kind of change (a new
contribution, a support, a comment, moderation, a corrected language, a deletion), and a service cannot
count one thing and forget another. ``tally_differences`` compares the rows with a fresh count;
``tallies_build`` rebuilds them (``manage.py check_counters --fix``, the benchmark's bulk load).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Sum

from teilhabe.contributions.models import Contribution, ContributionTally

# What tells the rows apart (the contribution's own columns of the same names), and what each row adds up.
KEY_FIELDS = ("process_id", "status", "channel", "language", "district_id")
AMOUNTS = ("contributions", "supports", "comments", "analog_supports")
# The contribution's columns each amount sums (contributions counts the rows).
SUMMED = ("support_count", "comment_count", "analog_support_count")
ZERO = (0,) * len(AMOUNTS)
_CHUNK = 500

Key = tuple  # (process_id, status, channel, language, district_id or None)
Amounts = tuple[int, int, int, int]


def _sort_key(key: Key) -> tuple:
    """A total order of keys (no district first), so that writers lock tally rows in one order: no deadlocks."""
    *head, district_id = key
    return (*head, district_id is not None, district_id or 0)


def _add(totals: dict, key: Key, amounts: Iterable[int], sign: int = 1) -> None:
    totals[key] = tuple(old + sign * new for old, new in zip(totals.get(key, ZERO), amounts, strict=True))


def _amounts_of(contribution_ids: Iterable[int], *, lock: bool) -> dict[Key, Amounts]:
    """What the given contributions add to each tally row now; with ``lock``, their rows stay locked until commit."""
    ids = sorted(set(contribution_ids))
    totals: dict[Key, Amounts] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = Contribution.objects.filter(pk__in=ids[start : start + _CHUNK]).order_by("pk")
        if lock:
            rows = rows.select_for_update()
        size = len(KEY_FIELDS)
        for row in rows.values_list(*KEY_FIELDS, *SUMMED):
            _add(totals, tuple(row[:size]), (1, *row[size:]))
    return totals


def _row(key: Key):
    return ContributionTally.objects.filter(**dict(zip(KEY_FIELDS, key, strict=True)))


def tally_apply(changes: dict[Key, Amounts]) -> None:
    """Add each change to its tally row, creating the row on first need; call inside the writing transaction.

    The row is changed by UPDATE … SET x = x + n, so concurrent writers never lose a change. When it does not
    exist yet it is created in a savepoint; if a concurrent writer created it first (the unique constraints
    say so), the savepoint is rolled back and the UPDATE repeated on that writer's row.
    """
    for key in sorted(changes, key=_sort_key):
        deltas = changes[key]
        updates = {field: F(field) + delta for field, delta in zip(AMOUNTS, deltas, strict=True) if delta}
        if not updates or _row(key).update(**updates):
            continue
        try:
            with transaction.atomic():
                ContributionTally.objects.create(**dict(zip(KEY_FIELDS, key, strict=True)))
        except IntegrityError:
            pass  # created by a concurrent writer in the meantime
        _row(key).update(**updates)


class Followed:
    """The contributions a ``tallied`` block changes; ``add`` those it creates."""

    def __init__(self, contribution_ids: Iterable[int]):
        self.ids = set(contribution_ids)
        self.before = _amounts_of(self.ids, lock=True)

    def add(self, contribution_id: int) -> None:
        self.ids.add(contribution_id)


@contextmanager
def tallied(contribution_ids: Iterable[int] = ()) -> Iterator[Followed]:
    """Keep the tallies exact across a change of the given contributions (status, channel, language, district,
    ``support_count``, ``comment_count``, ``analog_support_count``, creation or deletion).

    Use inside the service's transaction, around the whole change: the contributions are locked first (in id
    order), then the change runs, then the difference between before and after goes into the tally rows.
    Contributions created in the block are added with ``followed.add(pk)``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("tallied() must run inside the writing transaction.")
    followed = Followed(contribution_ids)
    yield followed
    changes = dict(_amounts_of(followed.ids, lock=False))
    for key, amounts in followed.before.items():
        _add(changes, key, amounts, sign=-1)
    tally_apply(changes)


# --------------------------------------------------------------------------------------------------------------
# Proof and rebuild


@dataclass(frozen=True)
class TallyDifference:
    key: Key
    stored: Amounts
    counted: Amounts

    def __str__(self) -> str:
        process_id, status, channel, language, district_id = self.key
        where = f"process {process_id} {status} {channel} {language} district {district_id or '-'}"
        # Supports counted at events are named only where either side has some (most processes have none).
        shown = [index for index, name in enumerate(AMOUNTS) if name != "analog_supports" or self.stored[index] or
                 self.counted[index]]  # fmt: skip
        stored, counted = ({AMOUNTS[i]: amounts[i] for i in shown} for amounts in (self.stored, self.counted))
        return f"tally {where}: stored {stored}, counted {counted}"


def tallies_counted(process=None) -> dict[Key, Amounts]:
    """The tallies as a fresh aggregation of the contributions gives them (one GROUP BY)."""
    rows = Contribution.objects.order_by()
    if process is not None:
        rows = rows.filter(process=process)
    rows = rows.values(*KEY_FIELDS).annotate(n=Count("id"), **{column: Sum(column) for column in SUMMED})
    return {tuple(row[field] for field in KEY_FIELDS): (row["n"], *(row[column] for column in SUMMED)) for row in rows}


def tallies_stored(process=None) -> dict[Key, Amounts]:
    rows = ContributionTally.objects.order_by()
    if process is not None:
        rows = rows.filter(process=process)
    size = len(KEY_FIELDS)
    return {tuple(row[:size]): tuple(row[size:]) for row in rows.values_list(*KEY_FIELDS, *AMOUNTS)}


def tally_differences(process=None) -> list[TallyDifference]:
    """Every tally row that differs from the count of its contributions (a missing row counts as zeros)."""
    counted, stored = tallies_counted(process), tallies_stored(process)
    differences = [
        TallyDifference(key, stored.get(key, ZERO), counted.get(key, ZERO))
        for key in counted.keys() | stored.keys()
        if stored.get(key, ZERO) != counted.get(key, ZERO)
    ]
    return sorted(differences, key=lambda difference: _sort_key(difference.key))


@transaction.atomic
def tallies_build(process=None) -> list[TallyDifference]:
    """Set every tally row (of ``process``, or all) to a fresh count; returns the differences it repaired.

    Not audited: the service ``tallies_rebuild`` is the audited way; the benchmark's bulk load calls this. On
    PostgreSQL the table is locked against writers for the rebuild, so that a change committed meanwhile is
    neither lost nor counted twice (SQLite lets one writer at a time anyway).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{ContributionTally._meta.db_table}" IN EXCLUSIVE MODE')
    differences = tally_differences(process)
    stored = tallies_stored(process)
    missing = []
    for difference in differences:
        values = dict(zip(AMOUNTS, difference.counted, strict=True))
        if difference.key in stored:
            _row(difference.key).update(**values)
        else:
            missing.append(ContributionTally(**dict(zip(KEY_FIELDS, difference.key, strict=True)), **values))
    ContributionTally.objects.bulk_create(missing, batch_size=_CHUNK)
    return differences


# --------------------------------------------------------------------------------------------------------------
# Reads


def tally_totals(*, process, status: str) -> dict[str, int]:
    """Contributions, supports (online; ``analog_supports``: counted at events) and comments of ``process`` with
    ``status``, summed over its tally rows."""
    totals = (
        ContributionTally.objects.filter(process=process, status=status)
        .order_by()
        .aggregate(**{field: Sum(field) for field in AMOUNTS})
    )
    return {field: totals[field] or 0 for field in AMOUNTS}


def tally_count(*, process, status: str, **columns) -> int:
    """How many contributions of ``process`` with ``status`` have the given tally ``columns`` (channel, language,
    district_id), summed over the few tally rows that match instead of counting the contributions."""
    rows = ContributionTally.objects.filter(process=process, status=status, **columns).order_by()
    return rows.aggregate(n=Sum("contributions"))["n"] or 0


def tally_counts_by(*, process, status: str, fields: Iterable[str]) -> dict[str, dict]:
    """For each of ``fields`` (tally columns: channel, language, district_id), the contributions of ``process``
    with ``status`` per value; only values that occur are keys. Summed by the database, all in one small query
    (a page after a change of the lists asks for them, so the ORM's cost per query counts)."""
    fields = list(fields)
    unknown = set(fields) - set(KEY_FIELDS)
    if unknown:
        raise ValueError(f"not a tally column: {sorted(unknown)}")
    table = connection.ops.quote_name(ContributionTally._meta.db_table)
    # One branch per column; values as text, so that the branches' types agree on PostgreSQL too.
    branch = (
        "SELECT %s, CAST({column} AS text), SUM(contributions) FROM " + table + " "  # noqa: S608 - constants
        "WHERE process_id = %s AND status = %s AND contributions > 0 GROUP BY {column}"
    )
    sql = " UNION ALL ".join(branch.format(column=connection.ops.quote_name(field)) for field in fields)
    params = [value for index in range(len(fields)) for value in (index, process.pk, status)]
    counts: dict[str, dict] = {field: {} for field in fields}
    converters = [ContributionTally._meta.get_field(field).to_python for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for index, value, amount in cursor.fetchall():
            counts[fields[index]][converters[index](value)] = int(amount)
    return counts
