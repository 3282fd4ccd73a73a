"""Small-cell protection (Geheimhaltung kleiner Fallzahlen) for every figure that counts people.

A count from 1 to k-1 (``small_cell_k()``, the setting ``SMALL_CELL_K``) is withheld (*primary suppression*),
totals and margins included. Zeros are shown, except in a line whose total is itself withheld as small: there
every count is withheld, so that "< k" does not tell a 0 from a 1. Further counts are withheld
(*complementary suppression*) until no withheld count can be worked out exactly from what is published: the
shown counts, totals and margins, and the bounds a reader knows (a withheld small count lies in 1..k-1, or
0..k-1 in a small line; a complement is at least k). A total is withheld only where its line cannot be
protected by withholding cells; a table that cannot be protected at all is withheld entirely. The rule, the
attacker it is proved against, its limits (an attacker who re-runs this method on candidate fillings is not
covered) and how callers publish related figures: docs/metrics.md, "Small cells".

How: the counts of a series or of a table with its margins are the flows of a circulation in a small
directed graph (a table: source -> column -> row -> sink -> source; the column -> row arcs are the cells,
the others the column totals, row totals and the grand total). Every published count is fixed; a withheld
count may move within its bounds. Because such a constraint system is totally unimodular, a withheld count
can take another integer value exactly when a cycle through its arc exists in the residual graph of the
withheld arcs (each with room to move in the direction the cycle needs). For each small count that is still
determined, the cheapest path of published arcs that closes such a cycle is withheld (cost: the count;
margins cost more than any set of cells, the grand total most). Withholding more never makes a count
determined again, so one pass in a fixed order suffices and the result is deterministic.

Pure Python and light on Django (only settings, translation and number formatting), so every layer may use it.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "MINIMUM_K",
    "ProtectedSeries",
    "ProtectedTable",
    "format_count",
    "protect_related",
    "protect_series",
    "protect_table",
    "small_cell_k",
]

# With k = 2 the only small count is 1, so "< 2" would name the value itself.
MINIMUM_K = 3
DEFAULT_K = 5

_CELL, _MARGIN, _GRAND = 0, 1, 2
_NEVER_PUBLISHED = "never"


def small_cell_k() -> int:
    """The threshold k: counts of people from 1 to k-1 are withheld (``settings.SMALL_CELL_K``, default 5)."""
    from django.conf import settings

    return _checked_k(getattr(settings, "SMALL_CELL_K", DEFAULT_K))


def _checked_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or k < MINIMUM_K:
        raise ValueError(f"The small-cell threshold k must be an integer of at least {MINIMUM_K}, not {k!r}.")
    return k


def _resolve_k(k: int | None) -> int:
    return small_cell_k() if k is None else _checked_k(k)


def _checked_count(value, where) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"A count must be an integer, not {value!r} ({where!r}).")
    if value < 0:
        raise ValueError(f"A count cannot be negative: {value} ({where!r}).")
    return value


def format_count(value: int | None, *, k: int | None = None) -> str:
    """A published count for people: the number in the current language's format, or "< k" if withheld."""
    from django.utils import formats
    from django.utils.translation import gettext

    if value is None:
        # Translators: a count of people that is withheld because it is below the threshold, e.g. "< 5".
        return gettext("< %(k)s") % {"k": formats.number_format(_resolve_k(k))}
    return formats.number_format(value)


# --- the circulation -------------------------------------------------------------------------------------


@dataclass
class _Arc:
    tail: int
    head: int
    value: int
    kind: int
    never_published: bool = False
    # In a line whose total is small: withheld even if zero, so that "< k" does not tell a zero from a 1.
    small_line: bool = False


class _Network:
    """Published counts as arcs of a circulation; ``solve`` decides which to withhold."""

    def __init__(self, k: int):
        self.k = k
        self.nodes = 0
        self.arcs: list[_Arc] = []
        self.lines: list[tuple[int, list[int]]] = []
        self.withheld_entirely = False

    def node(self) -> int:
        self.nodes += 1
        return self.nodes - 1

    def arc(self, tail: int, head: int, value: int, kind: int, *, never_published: bool = False) -> int:
        self.arcs.append(_Arc(tail, head, value, kind, never_published))
        return len(self.arcs) - 1

    def line(self, total: int, members: list[int]) -> None:
        """A published equation: the members add up to the total."""
        self.lines.append((total, members))

    def _bounds(self, arc: _Arc) -> tuple[int, float]:
        # What a reader knows of a withheld count.
        if arc.never_published:
            return 0, float("inf")
        if arc.small_line:
            return 0, self.k - 1
        if 1 <= arc.value < self.k:
            return 1, self.k - 1
        return self.k, float("inf")

    def solve(self, forced: Iterable[int] = ()) -> set[int]:
        """The arcs to withhold; ``forced`` ones are withheld already (by a related table) and protected too."""
        arcs = self.arcs
        for total, members in self.lines:
            if not arcs[total].never_published and 1 <= arcs[total].value < self.k:
                for member in members:
                    arcs[member].small_line = True
        hidden = {i for i, a in enumerate(arcs) if a.never_published or a.small_line or 1 <= a.value < self.k}
        hidden |= set(forced)
        # Any set of cells costs less than one margin, any set of margins less than the grand total.
        big = 1 + sum(a.value for a in arcs if not a.never_published)
        weights = [
            a.value + (big if a.kind == _MARGIN else 0) + (big * len(arcs) if a.kind == _GRAND else 0) for a in arcs
        ]
        # A withheld zero need not be hidden itself; it only hides which counts of a small line are not zero.
        for index in sorted(i for i in hidden if not arcs[i].never_published and arcs[i].value > 0):
            if self._movable(index, hidden):
                continue
            path = self._cheapest_cover(index, hidden, weights)
            if path is None:
                # The bounds alone pin this count (e.g. a small margin whose line cannot move without another
                # count leaving its bounds): only tiny tables, where nothing can be published at all.
                self.withheld_entirely = True
                return set(range(len(arcs)))
            hidden |= path
        return hidden

    def _residual(self, hidden: set[int], exclude, weights=None):
        """Residual arcs (from, to, cost, arc index); published arcs only if weights are given (as if withheld)."""
        exclude = {exclude} if isinstance(exclude, int) else set(exclude)
        out: list[list[tuple[int, int, int]]] = [[] for _ in range(self.nodes)]
        for i, a in enumerate(self.arcs):
            if i in exclude:
                continue
            if i in hidden:
                low, high = self._bounds(a)
                cost = 0
            elif weights is not None and a.value >= self.k:
                low, high = self.k, float("inf")
                cost = weights[i]
            else:
                continue
            if a.value < high:
                out[a.tail].append((a.head, cost, i))
            if a.value > low:
                out[a.head].append((a.tail, cost, i))
        return out

    def _movable(self, index: int, hidden: set[int]) -> bool:
        a = self.arcs[index]
        low, high = self._bounds(a)
        graph = self._residual(hidden, index)
        return (a.value < high and _reaches(graph, a.head, a.tail)) or (
            a.value > low and _reaches(graph, a.tail, a.head)
        )

    def _cheapest_cover(self, index: int, hidden: set[int], weights) -> set[int] | None:
        a = self.arcs[index]
        low, high = self._bounds(a)
        graph = self._residual(hidden, index, weights)
        options = []
        if a.value < high:
            options.append(_cheapest_path(graph, a.head, a.tail))
        if a.value > low:
            options.append(_cheapest_path(graph, a.tail, a.head))
        options = [o for o in options if o is not None]
        if not options:
            return None
        cost, path = min(options, key=lambda o: (o[0], len(o[1]), o[1]))
        return set(path)


def _reaches(graph, start: int, goal: int) -> bool:
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt, _cost, _arc in graph[node]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _cheapest_path(graph, start: int, goal: int):
    """Dijkstra over (cost, arcs used); every node is settled once, so the same input always gives the same path."""
    queue = [(0, 0, (), start)]
    settled = set()
    while queue:
        cost, length, path, node = heapq.heappop(queue)
        if node in settled:
            continue
        settled.add(node)
        if node == goal:
            return cost, path
        for nxt, step, arc in graph[node]:
            if nxt not in settled:
                heapq.heappush(queue, (cost + step, length + 1, (*path, arc), nxt))
    return None


# --- results ----------------------------------------------------------------------------------------------


class ProtectedSeries:
    """Counts per category, with the ones to withhold replaced by None; ``total`` is the published total."""

    def __init__(
        self,
        keys: list,
        values: list[int],
        suppressed: list[bool],
        total: int | None,
        *,
        k: int,
        total_suppressed: bool,
        has_total: bool,
        withheld_entirely: bool = False,
    ):
        self.k = k
        #: Nothing of it can be published (a handful of people): every count, zeros too, is withheld.
        self.withheld_entirely = withheld_entirely
        self._keys = keys
        self._index = {key: i for i, key in enumerate(keys)}
        self._values = values
        self._suppressed = suppressed
        self._total = total
        self._total_suppressed = total_suppressed
        self.has_total = has_total

    def value(self, key) -> int | None:
        i = self._index[key]
        return None if self._suppressed[i] else self._values[i]

    def is_suppressed(self, key) -> bool:
        return self._suppressed[self._index[key]]

    @property
    def total(self) -> int | None:
        return None if (self._total_suppressed or not self.has_total) else self._total

    @property
    def total_suppressed(self) -> bool:
        return self.has_total and self._total_suppressed

    def keys(self) -> list:
        return list(self._keys)

    def items(self) -> list[tuple[Hashable, int | None]]:
        return [(key, self.value(key)) for key in self._keys]

    def __repr__(self):
        return f"ProtectedSeries({self.items()!r}, total={self.total!r}, k={self.k})"


class ProtectedTable:
    """A table of counts with its row, column and grand totals, the ones to withhold replaced by None."""

    def __init__(self, rows: list, cols: list, values: dict, hidden: set, *, k: int, withheld_entirely: bool = False):
        self.k = k
        #: Nothing of it can be published (a handful of people): every count, zeros too, is withheld.
        self.withheld_entirely = withheld_entirely
        self.rows = rows
        self.cols = cols
        self._row_set = set(rows)
        self._col_set = set(cols)
        self._values = values
        self._hidden = hidden

    def _get(self, key) -> int | None:
        return None if key in self._hidden else self._values[key]

    def cell(self, row, col) -> int | None:
        self._check(row, col)
        return self._get(("cell", row, col))

    def row_total(self, row) -> int | None:
        self._check(row, None)
        return self._get(("row", row))

    def col_total(self, col) -> int | None:
        self._check(None, col)
        return self._get(("col", col))

    @property
    def total(self) -> int | None:
        return self._get(("total",))

    def is_suppressed(self, row, col) -> bool:
        return self.cell(row, col) is None

    def _check(self, row, col):
        if row is not None and row not in self._row_set:
            raise KeyError(row)
        if col is not None and col not in self._col_set:
            raise KeyError(col)

    def row_series(self) -> ProtectedSeries:
        """The row totals as a series whose total is the grand total: the same numbers, withheld alike."""
        return self._series(self.rows, "row")

    def col_series(self) -> ProtectedSeries:
        """The column totals as a series whose total is the grand total."""
        return self._series(self.cols, "col")

    def _series(self, keys, kind) -> ProtectedSeries:
        return ProtectedSeries(
            list(keys),
            [self._values[(kind, key)] for key in keys],
            [(kind, key) in self._hidden for key in keys],
            self._values[("total",)],
            k=self.k,
            total_suppressed=("total",) in self._hidden,
            has_total=True,
            withheld_entirely=self.withheld_entirely,
        )

    def __repr__(self):
        return f"ProtectedTable(rows={self.rows!r}, cols={self.cols!r}, k={self.k})"


# --- entry points -----------------------------------------------------------------------------------------


def protect_series(counts: Mapping[Hashable, int], *, k: int | None = None, total: bool = True) -> ProtectedSeries:
    """Withhold the small counts of a series and their complements.

    ``total=False`` only if the sum of the series is published nowhere (no total, no share of a total);
    then no complements are needed. A series that is a margin of a published table must come from
    ``ProtectedTable.row_series()``/``col_series()`` instead, or the two outputs could be differenced.
    """
    k = _resolve_k(k)
    keys = list(counts)
    values = [_checked_count(counts[key], key) for key in keys]
    network = _Network(k)
    source, sink = network.node(), network.node()
    arc_of = {i: network.arc(source, sink, values[i], _CELL) for i in _canonical(range(len(keys)), keys)}
    arcs = [arc_of[i] for i in range(len(keys))]
    total_arc = network.arc(sink, source, sum(values), _GRAND, never_published=not total)
    network.line(total_arc, arcs)
    hidden = network.solve()
    return ProtectedSeries(
        keys,
        values,
        [arc in hidden for arc in arcs],
        sum(values),
        k=k,
        total_suppressed=total_arc in hidden,
        has_total=total,
        withheld_entirely=network.withheld_entirely,
    )


def protect_table(
    cells: Mapping[tuple[Hashable, Hashable], int], rows: Sequence, cols: Sequence, *, k: int | None = None
) -> ProtectedTable:
    """Withhold the small counts of a table (missing cells are 0) with its margins and grand total."""
    return protect_related([(cells, rows, cols)], k=k)[0]


def protect_related(
    tables: Sequence[tuple[Mapping, Sequence, Sequence]], *, k: int | None = None
) -> list[ProtectedTable]:
    """Protect tables published together that break down the same people by the same rows.

    Each table is ``(cells, rows, cols)``; every table has the same rows and the same row totals (e.g.
    participants per district by age band, by gender and by language), so the row totals and the grand total
    are one set of published numbers: they are withheld alike in all, and cells are chosen so that neither one
    table nor their combination reveals a withheld count. One or two tables form one network and are solved
    exactly like a single table; three or more are protected by margin moves (``_solve_many``).
    """
    k = _resolve_k(k)
    if not tables:
        raise ValueError("protect_related needs at least one table.")
    prepared = [_prepared(cells, rows, cols) for cells, rows, cols in tables]
    for other in prepared[1:]:
        if set(other[1]) != set(prepared[0][1]):
            raise ValueError("Related tables must have the same rows.")
    row_totals = [_row_totals(values, rows, cols) for values, rows, cols in prepared]
    # The pattern must not depend on the order in which an output lists its rows and columns (one sorted by
    # size, one alphabetically), or two outputs of the same data could disagree; the arcs follow one order.
    rows = _canonical(prepared[0][1])
    if any(totals != row_totals[0] for totals in row_totals[1:]):
        raise ValueError("Related tables must count the same people per row: their row totals differ.")

    if len(prepared) <= 2:
        hidden, entire = _solve_joint(prepared, rows, row_totals[0], k)
    else:
        hidden, entire = _solve_many(prepared, rows, row_totals[0], k)
    results = []
    for position, (values, rows_, cols) in enumerate(prepared):
        table_values: dict[tuple, int] = {("total",): sum(row_totals[0].values())}
        for row in rows_:
            table_values[("row", row)] = row_totals[0][row]
        for col in cols:
            table_values[("col", col)] = sum(values[(row, col)] for row in rows_)
            for row in rows_:
                table_values[("cell", row, col)] = values[(row, col)]
        own = {key[1:] for key in hidden if key[0] == position} | {key[1:] for key in hidden if key[0] == "shared"}
        if entire:
            own = set(table_values)
        results.append(ProtectedTable(list(rows_), list(cols), table_values, own, k=k, withheld_entirely=entire))
    return results


def _table_network(values, rows, cols, row_totals, k):
    """One table alone, its shared arcs (row totals, grand total) keyed alike in every table."""
    network = _Network(k)
    source, sink = network.node(), network.node()
    nodes = {"source": source, "sink": sink}
    ids: dict[tuple, int] = {}
    for row in rows:
        nodes[("row", row)] = network.node()
        ids[("shared", "row", row)] = network.arc(nodes[("row", row)], sink, row_totals[row], _MARGIN)
    ids[("shared", "total")] = network.arc(sink, source, sum(row_totals.values()), _GRAND)
    network.line(ids[("shared", "total")], [ids[("shared", "row", row)] for row in rows])
    cols = _canonical(cols)
    for col in cols:
        col_node = network.node()
        ids[("col", col)] = network.arc(source, col_node, sum(values[(row, col)] for row in rows), _MARGIN)
        for row in rows:
            ids[("cell", row, col)] = network.arc(col_node, nodes[("row", row)], values[(row, col)], _CELL)
        network.line(ids[("col", col)], [ids[("cell", row, col)] for row in rows])
    network.line(ids[("shared", "total")], [ids[("col", col)] for col in cols])
    for row in rows:
        network.line(ids[("shared", "row", row)], [ids[("cell", row, col)] for col in cols])
    return network, ids, nodes


def _solve_many(prepared, rows, row_totals, k) -> tuple[set[tuple], bool]:
    """Three or more tables on the same rows, which no longer form one network.

    Each table is protected alone with the row totals withheld in any of them withheld in all. Then every
    withheld count that can move only together with the shared margins gets one such move (a *margin move*:
    one row total up and another down, or a row total and the grand total up) that every other table can
    follow with counts of its own; where a table cannot yet, the cheapest counts that let it are withheld.
    A move of the margins followed by every table changes no published number, so no count it moves is pinned.
    """
    nets = [_table_network(values, rows, cols, row_totals, k) for values, _rows, cols in prepared]
    rows = list(rows)
    shared_hidden: set[tuple] = set()
    while True:
        hidden = [net.solve(forced={ids[key] for key in shared_hidden}) for net, ids, _nodes in nets]
        if any(net.withheld_entirely for net, _ids, _nodes in nets):
            return set(), True
        found = {key for (net, ids, _n), h in zip(nets, hidden, strict=True) for key in ids if ids[key] in h}
        found = {key for key in found if key[0] == "shared"}
        if found <= shared_hidden:
            break
        shared_hidden |= found
    covered: list[set[int]] = [set() for _ in nets]
    changed = True
    while changed:
        changed = False
        for position, (net, ids, _nodes) in enumerate(nets):
            shared_arcs = {arc for key, arc in ids.items() if key[0] == "shared"}
            for index in sorted(hidden[position]):
                arc = net.arcs[index]
                if arc.value == 0 or index in covered[position]:
                    continue
                if index in shared_arcs and position > 0:
                    continue  # one move per shared count is enough; the first table's is followed by all
                if index not in shared_arcs:
                    if _locally_movable(net, hidden[position], shared_arcs, index):
                        continue
                    cover = _local_cover(net, hidden[position], shared_arcs, index)
                    if cover is not None:
                        hidden[position] |= cover
                        changed = True
                        continue
                move = _margin_move(nets, hidden, position, index, rows)
                if move is None:
                    return set(), True
                for other, arcs in enumerate(move):
                    hidden[other] |= arcs
                    covered[other] |= arcs
                changed = True
    keys = set()
    for position, (_net, ids, _nodes) in enumerate(nets):
        for key, arc in ids.items():
            if arc in hidden[position]:
                keys.add(key if key[0] == "shared" else (position, *key))
    return keys, False


def _weights(net):
    big = 1 + sum(a.value for a in net.arcs)
    return [a.value + big * (a.kind != _CELL) for a in net.arcs]


def _locally_movable(net, hidden, shared_arcs, index) -> bool:
    arc = net.arcs[index]
    low, high = net._bounds(arc)
    graph = net._residual(hidden, shared_arcs | {index})
    return (arc.value < high and _reaches(graph, arc.head, arc.tail)) or (
        arc.value > low and _reaches(graph, arc.tail, arc.head)
    )


def _local_cover(net, hidden, shared_arcs, index):
    """The cheapest counts of this table alone, shared margins fixed, that let ``index`` move."""
    arc = net.arcs[index]
    low, high = net._bounds(arc)
    graph = net._residual(hidden, shared_arcs | {index}, _weights(net))
    options = []
    if arc.value < high:
        options.append(_cheapest_path(graph, arc.head, arc.tail))
    if arc.value > low:
        options.append(_cheapest_path(graph, arc.tail, arc.head))
    options = [o for o in options if o is not None]
    if not options:
        return None
    return set(min(options, key=lambda o: (o[0], len(o[1]), o[1]))[1])


def _segments(rows):
    """Moves of the shared margins through the sink: (from node, to node, [(shared key, +1 or -1)])."""
    for first in rows:
        for second in rows:
            if first != second:
                yield ("row", first), ("row", second), [(("shared", "row", first), 1), (("shared", "row", second), -1)]
        yield ("row", first), "source", [(("shared", "row", first), 1), (("shared", "total"), 1)]
        yield "source", ("row", first), [(("shared", "total"), -1), (("shared", "row", first), -1)]


def _margin_move(nets, hidden, position, index, rows):
    """The cheapest move of the shared margins that moves ``index`` and that every table can follow.

    Returns, per table, the arcs to withhold (and to count as movable) for it, or None if there is none.
    """
    net, ids, nodes = nets[position]
    names = {arc: key for key, arc in ids.items()}
    target = net.arcs[index]
    best = None
    for start, end, moves in _segments(rows):
        keys = [key for key, _sign in moves]
        if names.get(index, (None,))[0] == "shared" and names[index] not in keys:
            continue
        # Every shared arc of the move needs room in its direction, withheld or not (then it will be).
        room = True
        for key, sign in moves:
            shared = net.arcs[ids[key]]
            if ids[key] in hidden[position]:
                low, high = net._bounds(shared)
            elif shared.value >= net.k:
                low, high = net.k, float("inf")
            else:
                room = False
                break
            if (sign > 0 and shared.value >= high) or (sign < 0 and shared.value <= low):
                room = False
                break
        if not room:
            continue
        total = sum(_weights(net)[ids[key]] for key in keys if ids[key] not in hidden[position])
        plan = []
        for other, (net_u, ids_u, nodes_u) in enumerate(nets):
            shared_u = {arc for key, arc in ids_u.items() if key[0] == "shared"}
            graph = net_u._residual(
                hidden[other], shared_u | ({index} if other == position else set()), _weights(net_u)
            )
            if other == position and names[index][0] != "shared":
                low, high = net._bounds(target)
                routes = []
                for ok, tail, head in (
                    (target.value < high, target.tail, target.head),
                    (target.value > low, target.head, target.tail),
                ):
                    if not ok:
                        continue
                    first = _cheapest_path(graph, nodes[end], tail)
                    second = _cheapest_path(graph, head, nodes[start])
                    if first is not None and second is not None:
                        routes.append((first[0] + second[0], {*first[1], *second[1], index}))
                if not routes:
                    plan = None
                    break
                cost, arcs = min(routes, key=lambda r: (r[0], sorted(r[1])))
            else:
                path = _cheapest_path(graph, nodes_u[end], nodes_u[start])
                if path is None:
                    plan = None
                    break
                cost, arcs = path[0], set(path[1])
            total += cost
            plan.append(arcs | {ids_u[key] for key in keys})
        if plan is not None and (best is None or total < best[0]):
            best = (total, plan)
    return None if best is None else best[1]


def _solve_joint(prepared, rows, row_totals, k) -> tuple[set[tuple], bool]:
    """Withheld counts of one table or two chained on their rows, as keys (position or "shared", kind, ...)."""
    network = _Network(k)
    source, sink = network.node(), network.node()
    row_in = {row: network.node() for row in rows}
    # With one table the rows' totals flow straight to the sink; with two they flow on through the second.
    row_out = {row: network.node() for row in rows} if len(prepared) == 2 else {row: sink for row in rows}
    ids: dict[tuple, int] = {}
    for row in rows:
        ids[("shared", "row", row)] = network.arc(row_in[row], row_out[row], row_totals[row], _MARGIN)
    ids[("shared", "total")] = network.arc(sink, source, sum(row_totals.values()), _GRAND)
    network.line(ids[("shared", "total")], [ids[("shared", "row", row)] for row in rows])
    for position, (values, _rows, cols) in enumerate(prepared):
        cols = _canonical(cols)
        col_node = {col: network.node() for col in cols}
        for col in cols:
            col_sum = sum(values[(row, col)] for row in rows)
            if position == 0:
                ids[(position, "col", col)] = network.arc(source, col_node[col], col_sum, _MARGIN)
            else:
                ids[(position, "col", col)] = network.arc(col_node[col], sink, col_sum, _MARGIN)
            for row in rows:
                if position == 0:
                    arc = network.arc(col_node[col], row_in[row], values[(row, col)], _CELL)
                else:
                    arc = network.arc(row_out[row], col_node[col], values[(row, col)], _CELL)
                ids[(position, "cell", row, col)] = arc
            network.line(ids[(position, "col", col)], [ids[(position, "cell", row, col)] for row in rows])
        network.line(ids[("shared", "total")], [ids[(position, "col", col)] for col in cols])
        for row in rows:
            network.line(ids[("shared", "row", row)], [ids[(position, "cell", row, col)] for col in cols])
    hidden_arcs = network.solve()
    return {key for key, arc in ids.items() if arc in hidden_arcs}, network.withheld_entirely


def _prepared(cells: Mapping, rows: Iterable, cols: Iterable):
    rows, cols = list(rows), list(cols)
    if len(set(rows)) != len(rows) or len(set(cols)) != len(cols):
        raise ValueError("Rows and columns must not repeat.")
    row_set, col_set = set(rows), set(cols)
    values = {(row, col): 0 for row in rows for col in cols}
    for key, value in cells.items():
        if not (isinstance(key, tuple) and len(key) == 2 and key[0] in row_set and key[1] in col_set):
            raise ValueError(f"Cell {key!r} is not a (row, column) of the table.")
        values[key] = _checked_count(value, key)
    return values, rows, cols


def _canonical(items, keys=None) -> list:
    """A fixed order of keys whatever order they came in: by type name and repr (keys need a stable repr)."""
    items = list(items)
    if keys is None:
        return sorted(items, key=lambda item: (type(item).__name__, repr(item)))
    return sorted(items, key=lambda i: (type(keys[i]).__name__, repr(keys[i])))


def _row_totals(values, rows, cols) -> dict:
    return {row: sum(values[(row, col)] for col in cols) for row in rows}
