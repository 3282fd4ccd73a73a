"""TEMPORARY STAND-IN written on the evaluation branch, to be replaced by the real small-cell protection module
(issue 15, item 4). Same interface: series and tables of counts in which every cell under k is withheld, with
complementary suppression so that a published total does not reveal a withheld cell."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

from django.conf import settings
from django.utils.translation import gettext as _


def small_cell_k() -> int:
    return int(getattr(settings, "TEILHABE_SMALL_CELL_K", 5))


def _suppress(counts: dict, k: int, *, with_total: bool) -> set:
    hidden = {key for key, value in counts.items() if 0 < value < k}
    if with_total and len(hidden) == 1:
        # One withheld cell and a published total: the total minus the rest would reveal it.
        rest = sorted((value, str(key), key) for key, value in counts.items() if key not in hidden and value > 0)
        if rest:
            hidden.add(rest[0][2])
    return hidden


class ProtectedSeries:
    def __init__(self, counts: Mapping[Hashable, int], *, k: int, total: bool):
        self._counts = dict(counts)
        self._hidden = _suppress(self._counts, k, with_total=total)
        self._total_shown = total

    def value(self, key) -> int | None:
        if key in self._hidden:
            return None
        return self._counts.get(key, 0)

    @property
    def total(self) -> int | None:
        if not self._total_shown:
            return None
        return sum(self._counts.values())

    def items(self) -> Iterable[tuple[Hashable, int | None]]:
        return [(key, self.value(key)) for key in self._counts]


def protect_series(counts: Mapping[Hashable, int], *, k: int | None = None, total: bool = True) -> ProtectedSeries:
    return ProtectedSeries(counts, k=small_cell_k() if k is None else k, total=total)


class ProtectedTable:
    def __init__(self, cells: Mapping[tuple, int], rows, cols, *, k: int):
        self._cells = {(r, c): cells.get((r, c), 0) for r in rows for c in cols}
        self.rows, self.cols = list(rows), list(cols)
        hidden = {key for key, value in self._cells.items() if 0 < value < k}
        changed = True
        while changed:  # every row and column with a withheld cell has at least two
            changed = False
            for line in [[(r, c) for c in self.cols] for r in self.rows] + [
                [(r, c) for r in self.rows] for c in self.cols
            ]:
                inside = [key for key in line if key in hidden]
                if len(inside) == 1:
                    rest = sorted(
                        (self._cells[key], str(key), key) for key in line if key not in hidden and self._cells[key] > 0
                    )
                    if rest:
                        hidden.add(rest[0][2])
                        changed = True
        self._hidden = hidden
        self._k = k

    def cell(self, r, c) -> int | None:
        return None if (r, c) in self._hidden else self._cells[(r, c)]

    def row_total(self, r) -> int | None:
        value = sum(self._cells[(r, c)] for c in self.cols)
        return None if 0 < value < self._k else value

    def col_total(self, c) -> int | None:
        value = sum(self._cells[(r, c)] for r in self.rows)
        return None if 0 < value < self._k else value

    @property
    def total(self) -> int | None:
        value = sum(self._cells.values())
        return None if 0 < value < self._k else value


def protect_table(cells: Mapping[tuple, int], rows, cols, *, k: int | None = None) -> ProtectedTable:
    return ProtectedTable(cells, rows, cols, k=small_cell_k() if k is None else k)


def format_count(value: int | None, *, k: int | None = None) -> str:
    if value is None:
        return _("< %(k)s") % {"k": small_cell_k() if k is None else k}
    return str(value)
