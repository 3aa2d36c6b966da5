"""Small-cell suppression, checked against an independent attacker.

The attacker knows the shown cells, that a "< m" cell lies in [0, m-1] and an "x" cell in [m, inf), and
that the lines add up. `other_value_possible` searches (bound propagation + bisection, no LP solver) for
a whole-number table consistent with all of that in which a suppressed cell takes a different value: if
there is none, the cell can be worked out.
"""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vragen.suppression import (
    HIDDEN,
    SMALL,
    Count,
    OneWay,
    TwoWay,
    suppress_1d,
    suppress_2d,
    suppress_margins,
    suppress_shared,
)

# --- the attacker ----------------------------------------------------------------------------------


def propagate(lines, bounds):
    bounds = dict(bounds)
    changed = True
    while changed:
        changed = False
        for coefs, const in lines:
            for var, coef in coefs.items():
                rest_min = rest_max = 0
                for other, c in coefs.items():
                    if other == var:
                        continue
                    lo, hi = bounds[other]
                    rest_min += min(c * lo, c * hi)
                    rest_max += max(c * lo, c * hi)
                low, high = const - rest_max, const - rest_min
                if coef == -1:
                    low, high = -high, -low
                new = (max(bounds[var][0], math.ceil(low)), min(bounds[var][1], math.floor(high)))
                if new[0] > new[1]:
                    return None
                if new != bounds[var]:
                    bounds[var] = new
                    changed = True
    return bounds


def solvable(lines, bounds):
    bounds = propagate(lines, bounds)
    if bounds is None:
        return False
    free = [v for v, (lo, hi) in bounds.items() if lo < hi]
    if not free:
        return True
    var = min(free, key=lambda v: bounds[v][1] - bounds[v][0])
    lo, hi = bounds[var]
    mid = (lo + hi) // 2
    return solvable(lines, {**bounds, var: (lo, mid)}) or solvable(lines, {**bounds, var: (mid + 1, hi)})


def other_value_possible(lines, bounds, var, true_value):
    lo, hi = bounds[var]
    for part in ((lo, true_value - 1), (true_value + 1, hi)):
        if part[0] <= part[1] and solvable(lines, {**bounds, var: part}):
            return True
    return False


def attacker_view(items, line_members, m, cap):
    """items: name -> (true value, Count). line_members: list of {name: coef}, each summing to 0."""
    bounds, lines = {}, []
    for name, (_value, count) in items.items():
        if count.state == SMALL:
            bounds[name] = (0, m - 1)
        elif count.state == HIDDEN:
            bounds[name] = (m, cap)
    for members in line_members:
        coefs = {n: c for n, c in members.items() if items[n][1].suppressed}
        const = -sum(c * items[n][1].value for n, c in members.items() if not items[n][1].suppressed)
        if coefs:
            lines.append((coefs, const))
    return lines, bounds


def derivable_cells(items, line_members, m):
    cap = sum(value for value, _ in items.values()) + 2 * m
    lines, bounds = attacker_view(items, line_members, m, cap)
    return [name for name in bounds if not other_value_possible(lines, bounds, name, items[name][0])]


def one_way_items(values, total, column):
    items = {f"c{i}": (v, column.cells[i]) for i, v in enumerate(values)}
    items["T"] = (total, column.total)
    lines = [{**{f"c{i}": 1 for i in range(len(values))}, "T": -1}]
    return items, lines


def two_way_items(matrix, grid):
    rows, cols = len(matrix), len(matrix[0])
    items = {f"a{i},{j}": (matrix[i][j], grid.cells[i][j]) for i in range(rows) for j in range(cols)}
    items.update({f"R{i}": (sum(matrix[i]), grid.row_totals[i]) for i in range(rows)})
    col_sums = [sum(matrix[i][j] for i in range(rows)) for j in range(cols)]
    items.update({f"C{j}": (col_sums[j], grid.col_totals[j]) for j in range(cols)})
    items["G"] = (sum(col_sums), grid.total)
    lines = [{**{f"a{i},{j}": 1 for j in range(cols)}, f"R{i}": -1} for i in range(rows)]
    lines += [{**{f"a{i},{j}": 1 for i in range(rows)}, f"C{j}": -1} for j in range(cols)]
    lines.append({**{f"R{i}": 1 for i in range(rows)}, "G": -1})
    lines.append({**{f"C{j}": 1 for j in range(cols)}, "G": -1})
    return items, lines


def assert_states_follow_the_rule(items, m):
    for value, count in items.values():
        if value < m:
            assert count.state == SMALL
            assert str(count) == f"< {m}"
        if count.suppressed:
            assert count.value is None
        else:
            assert count.value == value


def lines_with_one_suppressed(items, lines):
    return [line for line in lines if sum(items[name][1].suppressed for name in line) == 1]


counts = st.integers(min_value=0, max_value=14)
# m = 2 has one table that nothing can protect (see test_threshold_two_has_one_hopeless_table).
thresholds = st.integers(min_value=3, max_value=6)


# --- examples --------------------------------------------------------------------------------------


def test_counts_below_the_threshold_read_less_than_five():
    column = suppress_1d([12, 3, 0, 20, 9], min_cell=5)
    assert [str(c) for c in column.cells][:3] == ["12", "< 5", "< 5"]
    assert column.cells[1].value is None


def test_a_single_small_cell_gets_a_complement():
    column = suppress_1d([12, 3, 7, 20], min_cell=5)
    assert [str(c) for c in column.cells] == ["12", "< 5", "x", "20"]
    assert str(column.total) == "42"


def test_nothing_is_suppressed_when_everything_is_large():
    column = suppress_1d([12, 30, 7, 20], min_cell=5)
    assert all(c.shown for c in column.cells)
    assert column.total == Count(69)


def test_a_small_total_is_itself_small():
    column = suppress_1d([1, 2], min_cell=5)
    assert str(column.total) == "< 5"


def test_threshold_one_suppresses_nothing():
    column = suppress_1d([0, 3, 9], min_cell=1)
    assert [str(c) for c in column.cells] == ["0", "3", "9"]


def test_the_default_threshold_comes_from_settings(settings):
    settings.REPORT_MIN_CELL = 10
    column = suppress_1d([12, 8, 30])
    assert str(column.cells[1]) == "< 10"


def test_2d_rows_and_columns_never_hold_a_single_suppressed_cell():
    matrix = [[10, 2, 8], [7, 9, 6], [5, 5, 11]]
    grid = suppress_2d(matrix, min_cell=5)
    items, lines = two_way_items(matrix, grid)
    assert str(grid.cells[0][1]) == "< 5"
    assert lines_with_one_suppressed(items, lines) == []
    assert derivable_cells(items, lines, 5) == []


def test_threshold_two_has_one_hopeless_table():
    # Both cells read "< 2" and the total is at least 2 whether shown or hidden: both must be 1.
    column = suppress_1d([1, 1], min_cell=2)
    assert column.protected is False


def test_locked_total_that_cannot_protect_is_reported():
    column = suppress_1d([4, 4], 8, min_cell=5, lock_total=True)
    assert column.protected is False


def test_shared_total_is_hidden_everywhere_when_one_table_needs_it():
    first, second = suppress_shared([OneWay([4, 4]), OneWay([3, 5])], 8, min_cell=5)
    assert str(first.total) == str(second.total) == "x"
    items, lines = one_way_items([3, 5], 8, second)
    assert derivable_cells(items, lines, 5) == []


def test_shared_total_stays_shown_when_possible():
    column, grid = suppress_shared([OneWay([3, 9, 8]), TwoWay([[10, 2], [3, 5]])], 20, min_cell=5)
    assert column.total == Count(20)
    assert grid.total == Count(20)


# --- properties ------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(counts, min_size=1, max_size=7), m=thresholds)
def test_1d_no_suppressed_cell_can_be_derived(values, m):
    column = suppress_1d(values, min_cell=m)
    items, lines = one_way_items(values, sum(values), column)
    assert_states_follow_the_rule(items, m)
    assert column.protected
    assert derivable_cells(items, lines, m) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(counts, min_size=1, max_size=7), m=thresholds)
def test_1d_locked_total_protects_or_says_so(values, m):
    column = suppress_1d(values, min_cell=m, lock_total=True)
    items, lines = one_way_items(values, sum(values), column)
    assert_states_follow_the_rule(items, m)
    if sum(values) >= m:
        assert column.total.shown
    if column.protected:
        assert derivable_cells(items, lines, m) == []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    data=st.data(),
    m=thresholds,
)
def test_2d_no_suppressed_cell_can_be_derived(shape, data, m):
    rows, cols = shape
    matrix = [[data.draw(counts) for _ in range(cols)] for _ in range(rows)]
    grid = suppress_2d(matrix, min_cell=m)
    items, lines = two_way_items(matrix, grid)
    assert_states_follow_the_rule(items, m)
    assert lines_with_one_suppressed(items, lines) == []
    assert grid.protected
    assert derivable_cells(items, lines, m) == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    data=st.data(),
    m=thresholds,
)
def test_shared_total_protects_every_table(shape, data, m):
    rows, cols = shape
    matrix = [[data.draw(counts) for _ in range(cols)] for _ in range(rows)]
    total = sum(map(sum, matrix))
    # A 1-D table with the same total: a random split of it.
    cuts = sorted(data.draw(st.lists(st.integers(0, total), min_size=1, max_size=4)))
    values = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    column, grid = suppress_shared([OneWay(values), TwoWay(matrix)], total, min_cell=m)
    assert str(column.total) == str(grid.total)
    items, lines = one_way_items(values, total, column)
    assert derivable_cells(items, lines, m) == []
    items, lines = two_way_items(matrix, grid)
    assert derivable_cells(items, lines, m) == []


@settings(max_examples=40, deadline=None)
@given(
    shape=st.tuples(st.integers(3, 12), st.integers(3, 12)),
    data=st.data(),
)
def test_large_2d_tables_pass_the_interval_check(shape, data):
    """Bigger tables, checked by bound propagation alone: sound, so a collapse to one value is a leak."""
    rows, cols = shape
    matrix = [
        [data.draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 9, 15, 40])) for _ in range(cols)]
        for _ in range(rows)
    ]
    grid = suppress_2d(matrix, min_cell=5)
    items, lines = two_way_items(matrix, grid)
    assert lines_with_one_suppressed(items, lines) == []
    cap = sum(map(sum, matrix)) + 10
    attacker_lines, bounds = attacker_view(items, lines, 5, cap)
    narrowed = propagate(attacker_lines, bounds)
    assert narrowed is not None
    assert [name for name, (lo, hi) in narrowed.items() if lo == hi] == []


@pytest.mark.parametrize("m", [2, 5])
def test_big_table_is_fast(m):
    import time

    matrix = [[(i * 7 + j * 3) % 9 for j in range(12)] for i in range(22)]
    start = time.perf_counter()
    suppress_2d(matrix, min_cell=m)
    assert time.perf_counter() - start < 1.0


def test_extend_keeps_what_was_published_and_protects_the_new_margins():
    """A year's row totals added to quarters published before: no quarter cell changes state, and a
    "< 5" that the year total would give away is protected by hiding new cells only."""
    from vragen.suppression import Count as C
    from vragen.suppression import suppress_1d, suppress_extend

    matrix = [[12, 9, 3], [7, 2, 8], [1, 11, 6]]
    columns = [suppress_1d([row[j] for row in matrix], min_cell=5) for j in range(3)]
    published = [[columns[j].cells[i] for j in range(3)] for i in range(3)]
    col_totals = [sum(row[j] for row in matrix) for j in range(3)]
    grid, ok = suppress_extend(
        matrix,
        published,
        col_totals,
        [c.total for c in columns],
        sum(col_totals),
        mode="locked",
        min_cell=5,
    )
    assert ok
    for i in range(3):
        for j in range(3):
            assert grid.cells[i][j].state == published[i][j].state
            assert grid.cells[i][j] == published[i][j]
    assert grid.total == C(sum(col_totals), threshold=5)
    # Row 2 has one "< 5" (the 1) beside shown cells: its year total may not be shown with them.
    row = grid.cells[2]
    if sum(c.suppressed for c in row) == 1:
        assert grid.row_totals[2].suppressed


# --- two tables of the same people: the margins of a cross table -----------------------------------------


def margin_items(matrix, possible, grid, cap):
    """The attacker of two linked tables (families by kind and by thema): the inner cells are never
    published but the catalogue says which can be non-zero (those lie in [0, cap], the rest are 0)."""
    rows, cols = len(matrix), len(matrix[0])
    bounds, lines = {}, []
    for i in range(rows):
        for j in range(cols):
            if possible[i][j]:
                bounds[f"a{i},{j}"] = (0, cap)
    published = {f"R{i}": (sum(matrix[i]), grid.row_totals[i]) for i in range(rows)}
    published.update(
        {f"C{j}": (sum(matrix[i][j] for i in range(rows)), grid.col_totals[j]) for j in range(cols)}
    )
    published["G"] = (sum(map(sum, matrix)), grid.total)
    for name, (_value, count) in published.items():
        if count.state == SMALL:
            bounds[name] = (0, 4)
        elif count.state == HIDDEN:
            bounds[name] = (5, cap)
    members = [({f"a{i},{j}": 1 for j in range(cols) if possible[i][j]}, f"R{i}") for i in range(rows)] + [
        ({f"a{i},{j}": 1 for i in range(rows) if possible[i][j]}, f"C{j}") for j in range(cols)
    ]
    members.append(({f"R{i}": 1 for i in range(rows)}, "G"))
    for inner, margin in members:
        coefs = {name: c for name, c in inner.items() if name in bounds}
        const = -sum(published[name][1].value for name in inner if name not in bounds)
        if margin in bounds:
            coefs[margin] = -1
        else:
            const += published[margin][1].value
        if coefs:
            lines.append((coefs, const))
    return published, lines, bounds


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=st.tuples(st.integers(1, 4), st.integers(1, 4)), data=st.data())
def test_margins_of_a_cross_table_protect_each_other(shape, data):
    rows, cols = shape
    possible = [[data.draw(st.booleans()) for _ in range(cols)] for _ in range(rows)]
    matrix = [[data.draw(counts) if possible[i][j] else 0 for j in range(cols)] for i in range(rows)]
    grid = suppress_margins(matrix, possible, min_cell=5)
    cap = sum(map(sum, matrix)) + 10
    published, lines, bounds = margin_items(matrix, possible, grid, cap)
    assert_states_follow_the_rule(published, 5)
    if not grid.protected:
        return
    # Every "< 5" or "x" with an inner cell that can be non-zero keeps two possible values; a margin
    # whose every cell is impossible is a zero the catalogue already tells.
    known = {f"R{i}" for i in range(rows) if not any(possible[i])}
    known |= {f"C{j}" for j in range(cols) if not any(possible[i][j] for i in range(rows))}
    known |= {"G"} if not any(map(any, possible)) else set()
    for name, (value, count) in published.items():
        if count.suppressed and name not in known:
            assert other_value_possible(lines, bounds, name, value), (name, matrix, possible)


def test_one_kind_one_thema_cannot_undo_each_other():
    """Soort A only with thema 1, B only with 3, C only with 2: the two tables are the same figures in
    another order, so a cell hidden in one must be hidden in the other."""
    matrix = [[2, 0, 0], [0, 0, 6], [0, 6, 0]]
    possible = [[value > 0 for value in row] for row in matrix]
    grid = suppress_margins(matrix, possible, min_cell=5)
    assert grid.protected
    assert [str(c) for c in grid.row_totals] == ["< 5", str(grid.col_totals[2]), str(grid.col_totals[1])]
    assert str(grid.row_totals[0]) == "< 5"
    assert sum(c.suppressed for c in (*grid.row_totals, grid.total)) >= 2


def test_a_margin_without_possible_cells_is_small_and_needs_no_complement():
    grid = suppress_margins([[9, 0], [0, 0]], [[True, False], [False, False]], min_cell=5)
    assert grid.protected
    assert [str(c) for c in grid.row_totals] == ["9", "< 5"]
    assert [str(c) for c in grid.col_totals] == ["9", "< 5"]
    assert str(grid.total) == "9"
