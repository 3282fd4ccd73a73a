"""Small-cell protection — TEMPORARY STAND-IN with the interface of the real module (issue 15, item 4).

The real ``teilhabe/core/disclosure.py`` (with complementary suppression proven by property tests) replaces this
file when it is merged; callers use only ``protect_series``, ``protect_table``, ``format_count`` and
``small_cell_k``. This stand-in suppresses every count from 1 to k - 1 and, where a published total would reveal a
single suppressed cell, also the smallest other cell (in series, and per row and column of tables).
"""

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.utils.translation import gettext


def small_cell_k() -> int:
    return int(getattr(settings, "SMALL_CELL_K", 5))


def _small(value: int, k: int) -> bool:
    return 0 < value < k


def _complement(values: dict, suppressed: set, k: int) -> None:
    """Suppress more cells of one line until no single suppressed cell can be recovered from its total."""
    if len(suppressed) == 1 or (suppressed and sum(values[key] for key in suppressed) < k):
        others = sorted((value, str(key), key) for key, value in values.items() if key not in suppressed and value)
        if others:
            suppressed.add(others[0][2])


class ProtectedSeries:
    def __init__(self, counts: Mapping, k: int, with_total: bool):
        self._counts = dict(counts)
        self.k = k
        suppressed = {key for key, value in self._counts.items() if _small(value, k)}
        if with_total:
            _complement(self._counts, suppressed, k)
        self.suppressed = suppressed
        whole = sum(self._counts.values())
        self.total = (None if _small(whole, k) else whole) if with_total else None

    def value(self, key) -> int | None:
        if key in self.suppressed:
            return None
        return self._counts.get(key, 0)

    def items(self):
        return [(key, self.value(key)) for key in self._counts]


class ProtectedTable:
    def __init__(self, cells: Mapping, rows: Iterable, cols: Iterable, k: int):
        self.rows, self.cols, self.k = list(rows), list(cols), k
        self._cells = {(r, c): int(cells.get((r, c), 0)) for r in self.rows for c in self.cols}
        suppressed = {key for key, value in self._cells.items() if _small(value, k)}
        for _round in range(4):
            before = len(suppressed)
            for r in self.rows:
                line = {(r, c): self._cells[(r, c)] for c in self.cols}
                mine = {key for key in line if key in suppressed}
                _complement(line, mine, k)
                suppressed |= mine
            for c in self.cols:
                line = {(r, c): self._cells[(r, c)] for r in self.rows}
                mine = {key for key in line if key in suppressed}
                _complement(line, mine, k)
                suppressed |= mine
            if len(suppressed) == before:
                break
        self.suppressed = suppressed
        whole = sum(self._cells.values())
        self.total = None if _small(whole, k) else whole

    def cell(self, r, c) -> int | None:
        return None if (r, c) in self.suppressed else self._cells.get((r, c), 0)

    def row_total(self, r) -> int | None:
        value = sum(self._cells[(r, c)] for c in self.cols)
        return None if _small(value, self.k) else value

    def col_total(self, c) -> int | None:
        value = sum(self._cells[(r, c)] for r in self.rows)
        return None if _small(value, self.k) else value


def protect_series(counts: Mapping, *, k: int | None = None, total: bool = True) -> ProtectedSeries:
    return ProtectedSeries(counts, small_cell_k() if k is None else k, total)


def protect_table(cells: Mapping, rows: Iterable, cols: Iterable, *, k: int | None = None) -> ProtectedTable:
    return ProtectedTable(cells, rows, cols, small_cell_k() if k is None else k)


def format_count(value: int | None, *, k: int | None = None) -> str:
    if value is None:
        return gettext("< %(k)s") % {"k": small_cell_k() if k is None else k}
    return str(value)
