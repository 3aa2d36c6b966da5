"""Small-cell suppression: publish counts so that no count below the threshold can be known.

The rule (settings.REPORT_MIN_CELL, m = 5 by default)
    Every count below m - zero included - is published as "< 5" (*primary* suppression). Enough other
    counts are then hidden, published as "x" (*complementary* suppression), that no "< 5" can be worked
    out from what is published: the cells that are shown, the totals, and the published rule itself.

What an attacker knows
    A shown cell exactly; a "< 5" cell lies in [0, m-1]; an "x" cell lies in [m, inf) (anything lower
    would have been "< 5"). The lines of a table add up: the cells of a 1-D table to its total; in a 2-D
    table each row to its row total, each column to its column total, and the row totals and the column
    totals each to the grand total.

When a cell is safe
    A suppressed cell is *protected* when at least two whole numbers are possible for it given all of the
    above. For tables whose lines add up (and whose constraint matrix is therefore a network matrix),
    two integer tables that agree on everything published differ by a sum of simple *cycles* of
    alternating +1/-1 changes that keep every line's sum; so a cell has a second possible value exactly
    when some cycle through it can be applied once without leaving any cell's known interval. The check
    looks for such a cycle.

The graph
    Each line is a node and each cell is an edge between the two lines it belongs to. A 2-D table with
    margins is read as an (r+1) x (c+1) table in which the margins carry a minus sign, so that every row
    and every column of it sums to zero: cell (i, j) joins row i and column j; row total i joins row i
    and the "total" column; column total j joins the "total" row and column j; the grand total joins the
    two total nodes. A 1-D table is one line: every cell, and the total, joins the node "row" and a free
    node. Applying +1 (in the signed reading) to a cell is a step row -> column, -1 a step column -> row,
    each allowed only if the cell's new value stays inside its known interval. A cell is protected iff
    there is a directed path back from one end of its edge to the other that does not use the cell.

The algorithm
    1. Primary: every count < m is "< 5". (With m = 1 nothing is suppressed: a "< 1" is always 0.)
    2. For each suppressed cell that is not yet protected, smallest first: find the cheapest cycle
       through it (Dijkstra over the graph above) where already-suppressed cells cost nothing, a shown
       cell costs its value (margins twice that, locked cells are not available), and a shown cell is
       assumed to move inside [m, inf) once hidden. Hide every shown cell on that cycle.
    3. Hiding more never makes a protected cell unprotected (it only widens what is possible), and every
       cell hidden in step 2 lies on a feasible cycle, so one pass suffices; a final audit lists any cell
       that could not be protected (only possible when totals are locked).

Totals shared between tables
    The same total (say, all questions in the period) is the total of several 1-D tables and the grand
    total of a 2-D table. If one table hid it and another showed it, the hiding would be undone. So
    `suppress_shared` first tries every table with the shared total *locked* (shown and not available for
    hiding); if any table then has a cell that cannot be protected, the total is hidden in every table and
    itself protected in each (it must not be derivable anywhere), and the tables are suppressed again.

Totals that are not sums
    Where a question can have several themas, a thema table's total (distinct questions) is smaller than
    the sum of its cells. The cycle moves keep every line's sum, so a table they produce satisfies the
    same (in)equalities as the true one: the protection found is still valid; only the cost model is
    approximate.

Limits: with m = 2 a table of exactly two ones cannot be protected (both read "< 2" and the total, at
least 2 whether shown or hidden, forces both to 1). Whatever cannot be protected is reported through the
result's `protected` flag; reports then leave that table out.

Tables published in stages
    `suppress_extend` adds margins to cells that were already published (a year's row totals to its
    quarters' columns): the published cells keep their state (a shown cell stays shown, a "< 5" stays
    "< 5", an "x" stays "x"), only the new margins can be hidden, so the later table says everything
    the earlier ones said and the suppression of the whole is checked at once. Differences between
    overlapping periods are ruled out by the publication grid itself (vragen/THREAT_MODEL.md,
    vragen.rapporten.raster).
"""

from __future__ import annotations

import heapq
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

SHOWN = "shown"
SMALL = "small"
HIDDEN = "hidden"
FREE = "free"  # an inner cell that is never published (only its margins are): anything from 0 up
HIDDEN_MARK = "x"


@dataclass(frozen=True)
class Count:
    """A published count: its value only when shown, never the true value of a suppressed cell."""

    value: int | None
    state: str = SHOWN
    threshold: int = 5

    def __str__(self) -> str:
        if self.state == SMALL:
            return f"< {self.threshold}"
        if self.state == HIDDEN:
            return HIDDEN_MARK
        return str(self.value)

    @property
    def suppressed(self) -> bool:
        return self.state != SHOWN

    @property
    def shown(self) -> bool:
        return self.state == SHOWN


@dataclass(frozen=True)
class Column:
    """A suppressed 1-D table: its cells and its total."""

    cells: tuple[Count, ...]
    total: Count
    protected: bool = True


@dataclass(frozen=True)
class Grid:
    """A suppressed 2-D table with row totals, column totals and a grand total."""

    cells: tuple[tuple[Count, ...], ...]
    row_totals: tuple[Count, ...]
    col_totals: tuple[Count, ...]
    total: Count
    protected: bool = True


@dataclass(frozen=True)
class OneWay:
    """The raw counts of a 1-D table, for `suppress_shared`."""

    values: Sequence[int]


@dataclass(frozen=True)
class TwoWay:
    """The raw counts of a 2-D table and its margins, for `suppress_shared`."""

    matrix: Sequence[Sequence[int]]
    row_totals: Sequence[int] | None = None
    col_totals: Sequence[int] | None = None


def min_cell() -> int:
    return settings.REPORT_MIN_CELL


# --- the engine ------------------------------------------------------------------------------------


@dataclass
class _Cell:
    u: str
    v: str
    value: int
    sign: int  # +1 for inner cells and the grand total, -1 for margins (the signed reading)
    margin: bool = False
    locked: bool = False
    state: str = SHOWN
    must_protect: bool = False
    known: bool = False  # a zero known without the table (no inner cell can be non-zero): "< m", safe


class _Engine:
    def __init__(self, cells: list[_Cell], m: int) -> None:
        self.cells = cells
        self.m = m
        self._version = 0  # bumped whenever a cell's state changes; the cached graphs depend on it
        self._graphs: dict = {}

    def bounds(self, cell: _Cell, *, if_hidden: bool = False) -> tuple[float, float]:
        if cell.state == FREE:
            return 0, math.inf
        if if_hidden or cell.state == HIDDEN:
            return self.m, math.inf
        if cell.state == SMALL:
            return 0, self.m - 1
        return cell.value, cell.value

    def can_move(self, cell: _Cell, step: int, *, if_hidden: bool = False) -> bool:
        low, high = self.bounds(cell, if_hidden=if_hidden)
        new = cell.value + cell.sign * step
        return low <= new <= high

    def cycle(self, index: int, *, allow_new: bool) -> list[int] | None:
        """The cheapest feasible cycle through cell `index` (the other cells on it), or None."""
        target = self.cells[index]
        best: tuple[float, list[int]] | None = None
        for step in (1, -1):
            if not self.can_move(target, step):
                continue
            # +1 on the target is a step u -> v; the cycle closes with a path v -> u (and vice versa).
            start, goal = (target.v, target.u) if step == 1 else (target.u, target.v)
            found = self._path(start, goal, skip=index, allow_new=allow_new)
            if found and (best is None or found[0] < best[0]):
                best = found
        return best[1] if best else None

    def _graph(self, allow_new: bool) -> dict[str, list[tuple[str, float, int]]]:
        key = (allow_new, self._version)
        if key not in self._graphs:
            graph: dict[str, list[tuple[str, float, int]]] = {}
            for i, cell in enumerate(self.cells):
                if cell.state != SHOWN:
                    cost, if_hidden = 0.0, False
                elif allow_new and not cell.locked:
                    cost, if_hidden = float(cell.value) * (2 if cell.margin else 1) + 1, True
                else:
                    continue
                if self.can_move(cell, 1, if_hidden=if_hidden):
                    graph.setdefault(cell.u, []).append((cell.v, cost, i))
                if self.can_move(cell, -1, if_hidden=if_hidden):
                    graph.setdefault(cell.v, []).append((cell.u, cost, i))
            self._graphs = {key: graph}
        return self._graphs[key]

    def _path(self, start: str, goal: str, *, skip: int, allow_new: bool):
        graph = self._graph(allow_new)
        distance = {start: 0.0}
        previous: dict[str, tuple[str, int]] = {}
        queue = [(0.0, start)]
        while queue:
            dist, node = heapq.heappop(queue)
            if node == goal:
                path, here = [], goal
                while here != start:
                    here, via = previous[here]
                    path.append(via)
                return dist, path
            if dist > distance.get(node, math.inf):
                continue
            for nxt, cost, via in graph.get(node, ()):
                if via != skip and dist + cost < distance.get(nxt, math.inf):
                    distance[nxt] = dist + cost
                    previous[nxt] = (node, via)
                    heapq.heappush(queue, (dist + cost, nxt))
        return None

    def protected(self, index: int) -> bool:
        """Is there a feasible cycle through this cell among the cells already suppressed?"""
        target = self.cells[index]
        graph = self._graph(False)
        for step in (1, -1):
            if not self.can_move(target, step):
                continue
            start, goal = (target.v, target.u) if step == 1 else (target.u, target.v)
            # All costs are zero here: a plain depth-first search with an early exit will do.
            seen, todo = {start}, [start]
            while todo:
                node = todo.pop()
                for nxt, _cost, via in graph.get(node, ()):
                    if via == index or nxt in seen:
                        continue
                    if nxt == goal:
                        return True
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    def run(self) -> list[int]:
        """Suppress; return the indices of cells that could not be protected."""
        if self.m <= 1:
            return []
        for cell in self.cells:
            if cell.value < self.m and not cell.locked:
                cell.state = SMALL
        self._version += 1
        todo = [
            i
            for i, cell in enumerate(self.cells)
            if (cell.state == SMALL or cell.must_protect) and not cell.known
        ]
        todo.sort(key=lambda i: (self.cells[i].value, i))
        for index in todo:
            if self.protected(index):
                continue
            path = self.cycle(index, allow_new=True)
            if path is None:
                continue
            for i in path:
                if self.cells[i].state == SHOWN:
                    self.cells[i].state = HIDDEN
            self._version += 1
        return [
            i
            for i, cell in enumerate(self.cells)
            if (cell.state == SMALL or cell.must_protect) and not cell.known and not self.protected(i)
        ]


# --- building tables -------------------------------------------------------------------------------


def _total_cell(total: int, u: str, v: str, sign: int, *, mode: str) -> _Cell:
    cell = _Cell(u=u, v=v, value=total, sign=sign, margin=True)
    if mode == "locked":
        cell.locked = True
    elif mode == "hidden":
        cell.state = HIDDEN
        cell.must_protect = True
        cell.locked = True  # "locked" only keeps the engine from re-classifying it as small
    return cell


def _count(cell: _Cell, m: int) -> Count:
    return Count(cell.value if cell.state == SHOWN else None, cell.state, m)


def _alone(total: int, m: int) -> Count:
    """A total without cells (an empty table): nothing to work out, only "< m" if small."""
    return Count(None, SMALL, m) if m > 1 and total < m else Count(total, SHOWN, m)


def _one_way(values: Sequence[int], total: int, m: int, mode: str) -> tuple[Column, list[int]]:
    if not values:
        return Column(cells=(), total=_alone(int(total), m)), []
    cells = [_Cell(u="row", v="free", value=int(v), sign=1) for v in values]
    cells.append(_total_cell(int(total), "row", "free", -1, mode=mode))
    if mode != "free" and total < m:
        # A small total is never locked: it is itself a small count.
        cells[-1].locked, cells[-1].must_protect, cells[-1].state = False, False, SHOWN
    failed = _Engine(cells, m).run()
    column = Column(
        cells=tuple(_count(c, m) for c in cells[:-1]), total=_count(cells[-1], m), protected=not failed
    )
    return column, failed


def _grid(cells: Sequence[_Cell], rows: int, cols: int, m: int, *, protected: bool) -> Grid:
    """The Grid of a two-way table's cells laid out as `_two_way` builds them: the rows × cols inner cells
    row by row, then the row totals, the column totals and the grand total."""
    counts = [_count(c, m) for c in cells]
    inner = rows * cols
    return Grid(
        cells=tuple(tuple(counts[i * cols + j] for j in range(cols)) for i in range(rows)),
        row_totals=tuple(counts[inner : inner + rows]),
        col_totals=tuple(counts[inner + rows : inner + rows + cols]),
        total=counts[-1],
        protected=protected,
    )


def _two_way(table: TwoWay, total: int, m: int, mode: str) -> tuple[Grid, list[int]]:
    matrix = [[int(v) for v in row] for row in table.matrix]
    rows = len(matrix)
    cols = len(matrix[0]) if rows else 0
    if not rows or not cols:
        empty = tuple(_alone(0, m) for _ in range(rows))
        return Grid(
            cells=tuple(() for _ in range(rows)),
            row_totals=empty,
            col_totals=tuple(_alone(0, m) for _ in range(cols)),
            total=_alone(int(total), m),
        ), []
    row_totals = list(table.row_totals) if table.row_totals is not None else [sum(r) for r in matrix]
    col_totals = (
        list(table.col_totals)
        if table.col_totals is not None
        else [sum(matrix[i][j] for i in range(rows)) for j in range(cols)]
    )
    cells = [
        _Cell(u=f"r{i}", v=f"c{j}", value=matrix[i][j], sign=1) for i in range(rows) for j in range(cols)
    ]
    cells += [_Cell(u=f"r{i}", v="cT", value=int(row_totals[i]), sign=-1, margin=True) for i in range(rows)]
    cells += [_Cell(u="rT", v=f"c{j}", value=int(col_totals[j]), sign=-1, margin=True) for j in range(cols)]
    grand = _total_cell(int(total), "rT", "cT", 1, mode=mode)
    if mode != "free" and total < m:
        grand.locked, grand.must_protect, grand.state = False, False, SHOWN
    cells.append(grand)
    failed = _Engine(cells, m).run()
    grid = _grid(cells, rows, cols, m, protected=not failed)
    return grid, failed


def suppress_extend(
    matrix: Sequence[Sequence[int]],
    published: Sequence[Sequence[Count]],
    col_totals: Sequence[int],
    published_col_totals: Sequence[Count],
    total: int,
    *,
    mode: str,
    min_cell: int,
) -> tuple[Grid, bool]:
    """Add row totals and a grand total to columns that were published before (see the docstring).

    `published[i][j]` is how cell (i, j) was published, `published_col_totals[j]` how column j's total
    was. `mode` is "locked" (the grand total shown) or "hidden" (hidden and itself protected), as in
    `suppress_shared`. Returns the grid and whether every suppressed cell is protected.
    """
    m = min_cell
    rows, cols = len(matrix), len(matrix[0]) if matrix else 0

    def preset(cell: _Cell, count: Count, *, shared: bool = False) -> _Cell:
        if count.state == SHOWN:
            cell.locked = True
        elif count.state == HIDDEN:
            cell.state = HIDDEN
            cell.locked = True  # keeps the engine from re-reading it as small
            cell.must_protect = shared  # a hidden shared total must not be derivable here either
        else:
            cell.state = SMALL
            cell.must_protect = True
        return cell

    cells = [
        preset(_Cell(u=f"r{i}", v=f"c{j}", value=int(matrix[i][j]), sign=1), published[i][j])
        for i in range(rows)
        for j in range(cols)
    ]
    cells += [
        _Cell(u=f"r{i}", v="cT", value=sum(int(v) for v in matrix[i]), sign=-1, margin=True)
        for i in range(rows)
    ]
    cells += [
        preset(
            _Cell(u="rT", v=f"c{j}", value=int(col_totals[j]), sign=-1, margin=True),
            published_col_totals[j],
            shared=True,
        )
        for j in range(cols)
    ]
    grand = _total_cell(int(total), "rT", "cT", 1, mode=mode)
    if total < m:
        grand.locked, grand.must_protect, grand.state = False, False, SHOWN
    cells.append(grand)
    engine = _Engine(cells, m)
    for cell in cells:  # run() would only mark unlocked small values: the preset ones are marked
        if cell.state == SMALL:
            cell.locked = False
    failed = engine.run()
    grid = _grid(cells, rows, cols, m, protected=not failed)
    return grid, not failed


def _threshold(value: int | None) -> int:
    return min_cell() if value is None else value


def suppress_1d(
    values: Sequence[int], total: int | None = None, *, min_cell: int | None = None, lock_total: bool = False
) -> Column:
    """Suppress a 1-D table. `total` defaults to the sum; `lock_total` keeps it shown."""
    m = _threshold(min_cell)
    total = sum(values) if total is None else total
    column, _ = _one_way(values, total, m, "locked" if lock_total else "free")
    return column


def suppress_2d(
    matrix: Sequence[Sequence[int]],
    row_totals: Sequence[int] | None = None,
    col_totals: Sequence[int] | None = None,
    total: int | None = None,
    *,
    min_cell: int | None = None,
    lock_total: bool = False,
) -> Grid:
    """Suppress a 2-D table with its margins (each defaults to the sums of the cells)."""
    m = _threshold(min_cell)
    table = TwoWay(matrix, row_totals, col_totals)
    if total is None:
        total = sum(sum(row) for row in matrix)
    grid, _ = _two_way(table, total, m, "locked" if lock_total else "free")
    return grid


def suppress_margins(
    matrix: Sequence[Sequence[int]], possible: Sequence[Sequence[bool]], *, min_cell: int | None = None
) -> Grid:
    """Suppress the two margins of a cross table whose inner cells are never published.

    Two tables of the same people by two different properties (families by kind of aanbod and by
    thema) are the row and column totals of one cross table (kind x thema), and whoever knows which
    combinations exist (the public catalogue) knows which inner cells can be non-zero: `possible`.
    Suppressing each table on its own would let one undo the other's hiding; read as one two-way table
    with unpublished inner cells (state FREE: anything from 0 up; impossible ones are known zeros, not
    in the graph), the margins are protected together by the same cycle argument. The grand total is
    shown if it can be, else hidden. The returned Grid's inner cells are meaningless (never publish
    them); its row totals, column totals and total are the two tables and their shared total.
    """
    m = _threshold(min_cell)
    rows = len(matrix)
    cols = len(matrix[0]) if rows else 0
    total = sum(sum(int(v) for v in row) for row in matrix)

    def run(mode: str) -> tuple[Grid, list[int]]:
        cells = []
        for i in range(rows):
            for j in range(cols):
                cell = _Cell(u=f"r{i}", v=f"c{j}", value=int(matrix[i][j]), sign=1, locked=True)
                if possible[i][j]:
                    cell.state = FREE
                elif cell.value:
                    raise ValueError("an impossible cell holds a count")
                # else: a known zero, shown and locked (no edge: it never moves)
                cells.append(cell)
        cells += [
            _Cell(
                u=f"r{i}",
                v="cT",
                value=sum(int(v) for v in matrix[i]),
                sign=-1,
                margin=True,
                known=not any(possible[i]),
            )
            for i in range(rows)
        ]
        cells += [
            _Cell(
                u="rT",
                v=f"c{j}",
                value=sum(int(matrix[i][j]) for i in range(rows)),
                sign=-1,
                margin=True,
                known=not any(possible[i][j] for i in range(rows)),
            )
            for j in range(cols)
        ]
        grand = _total_cell(total, "rT", "cT", 1, mode=mode)
        if mode != "free" and total < m:
            grand.locked, grand.must_protect, grand.state = False, False, SHOWN
        grand.known = not any(any(row) for row in possible)
        cells.append(grand)
        failed = _Engine(cells, m).run()
        return _grid(cells, rows, cols, m, protected=not failed), failed

    if not rows or not cols:
        return Grid(cells=(), row_totals=(), col_totals=(), total=_alone(total, m))
    grid, failed = run("locked")
    if failed and total >= m:
        grid, failed = run("free")
    if failed:
        logger.warning("suppression: a cross table's margins could not be fully protected")
    return grid


def suppress_shared(
    tables: Sequence[OneWay | TwoWay], total: int, *, min_cell: int | None = None
) -> list[Column | Grid]:
    """Suppress several tables that publish the same `total`, consistently (see the module docstring)."""
    m = _threshold(min_cell)

    def run(mode: str) -> tuple[list[Column | Grid], bool]:
        results, ok = [], True
        for table in tables:
            if isinstance(table, OneWay):
                result, failed = _one_way(table.values, total, m, mode)
            else:
                result, failed = _two_way(table, total, m, mode)
            results.append(result)
            ok = ok and not failed
        return results, ok

    results, ok = run("locked")
    if ok or total < m:
        return results
    results, ok = run("hidden")
    if not ok:
        logger.warning("suppression: a table could not be fully protected")
    return results
