"""Small-cell protection (TEMPORARY STAND-IN).

This file stands in for the disclosure module another branch is writing (issue 15, item 4), with the same
interface, so that the council reports can protect their people counts now. The lead replaces it with the real
module when merging; nothing here is meant to outlive that.

A count of people under k (setting ``TEILHABE_SMALL_CELL_K``, default 5), but above zero, is suppressed; if a
series then has exactly one suppressed cell and shows its total, the smallest shown cell is suppressed too, so
that the total minus the others does not reveal it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

from django.conf import settings


def small_cell_k() -> int:
    return int(getattr(settings, "TEILHABE_SMALL_CELL_K", 5))


def _small(value: int, k: int) -> bool:
    return 0 < value < k


class ProtectedSeries:
    def __init__(self, counts: Mapping[Hashable, int], *, k: int, total: bool):
        self._counts = dict(counts)
        suppressed = {key for key, value in self._counts.items() if _small(value, k)}
        if total and len(suppressed) == 1:
            shown = sorted(
                (value, str(key), key) for key, value in self._counts.items() if key not in suppressed and value
            )
            if shown:
                suppressed.add(shown[0][2])
        self._suppressed = suppressed
        whole = sum(self._counts.values())
        self.total = None if _small(whole, k) else whole

    def value(self, key) -> int | None:
        if key in self._suppressed:
            return None
        return self._counts.get(key, 0)

    def items(self):
        return [(key, self.value(key)) for key in self._counts]


def protect_series(counts: Mapping[Hashable, int], *, k: int | None = None, total: bool = True) -> ProtectedSeries:
    return ProtectedSeries(counts, k=small_cell_k() if k is None else k, total=total)


class ProtectedTable:
    def __init__(self, cells: Mapping[tuple, int], rows: Iterable, cols: Iterable, *, k: int):
        self._cells = dict(cells)
        self._rows, self._cols = list(rows), list(cols)
        self._k = k
        suppressed = {key for key, value in self._cells.items() if _small(value, k)}
        # Each row and column with one suppressed cell loses its next smallest too (repeated until stable).
        changed = True
        while changed:
            changed = False
            lines = [[(r, c) for c in self._cols] for r in self._rows] + [
                [(r, c) for r in self._rows] for c in self._cols
            ]
            for line in lines:
                hidden = [key for key in line if key in suppressed]
                if len(hidden) == 1:
                    shown = sorted(
                        (self._cells.get(key, 0), str(key), key)
                        for key in line
                        if key not in suppressed and self._cells.get(key, 0)
                    )
                    if shown:
                        suppressed.add(shown[0][2])
                        changed = True
        self._suppressed = suppressed

    def cell(self, r, c) -> int | None:
        return None if (r, c) in self._suppressed else self._cells.get((r, c), 0)

    def _sum(self, keys) -> int | None:
        whole = sum(self._cells.get(key, 0) for key in keys)
        return None if _small(whole, self._k) else whole

    def row_total(self, r) -> int | None:
        return self._sum([(r, c) for c in self._cols])

    def col_total(self, c) -> int | None:
        return self._sum([(r, c) for r in self._rows])

    @property
    def total(self) -> int | None:
        return self._sum(self._cells.keys())


def protect_table(cells: Mapping[tuple, int], rows, cols, *, k: int | None = None) -> ProtectedTable:
    return ProtectedTable(cells, rows, cols, k=small_cell_k() if k is None else k)


def format_count(value: int | None, *, k: int | None = None) -> str:
    if value is None:
        return f"< {small_cell_k() if k is None else k}"
    return str(value)
