"""Disclosure control: primary and secondary suppression, and the auditor behind it.

The rules checked here (see ``ceintel.framework.disclosure``):

* every count from 1 to the threshold is hidden, zero never on its own account;
* no hidden cell can be worked out exactly from the shown cells and the table's
  additive relations (``recoverable`` is empty), checked both by the module's own
  auditor and, on small tables, by an independent brute-force solver written here
  with exact fractions;
* suppression is deterministic and idempotent (running it again on its own output,
  as protected cells, adds nothing), so every extra hidden cell is there for a reason;
* the auditor agrees with the brute-force solver on random tables and masks.

Tables are made by Hypothesis from the shapes indicator tables take: a grid with both
margins, a three-level area hierarchy, a month / quarter / rolling-window series,
areas by periods, and random overlapping sums.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceintel.framework import disclosure
from ceintel.framework.disclosure import (
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    ROUNDS_TO_ZERO,
    SUPPRESSED,
    Constraint,
    ConstraintSet,
    primary,
    publish_value,
    publish_values,
    recoverable,
    suppress,
)

# --------------------------------------------------------------------------- an independent auditor


def brute_recoverable(n: int, constraints: list[Constraint], hidden: np.ndarray) -> list[int]:
    """Hidden cells fixed by the relations, by dense Gauss-Jordan elimination in fractions.

    Written without looking at the module's code path: build the matrix of the relations
    restricted to the hidden columns, bring it to reduced row echelon form, and a hidden
    cell is fixed iff some row of that form is its unit vector.
    """
    cols = [i for i in range(n) if hidden[i]]
    index = {c: k for k, c in enumerate(cols)}
    matrix = []
    for con in constraints:
        row = [Fraction(0)] * len(cols)
        for cell, coef in [(con.total, 1)] + [(p, -1) for p in con.parts]:
            if cell in index:
                row[index[cell]] += coef
        if any(row):
            matrix.append(row)
    pivots = []
    r = 0
    for c in range(len(cols)):
        p = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if p is None:
            continue
        matrix[r], matrix[p] = matrix[p], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [x / lead for x in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                f = matrix[i][c]
                matrix[i] = [a - f * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
    return sorted(cols[c] for k, c in enumerate(pivots)
                  if all(matrix[k][j] == 0 for j in range(len(cols)) if j != c))


# --------------------------------------------------------------------------- table shapes


class Table:
    """Cells as a flat list; ``leaf`` values drawn, every other cell the sum of its parts."""

    def __init__(self) -> None:
        self.parts_of: dict[int, tuple[int, ...]] = {}
        self.extra: list[Constraint] = []  # relations beyond the one that defines a cell
        self.n = 0

    def cell(self, parts: tuple[int, ...] = ()) -> int:
        i = self.n
        self.n += 1
        if parts:
            self.parts_of[i] = parts
        return i

    def build(self, leaf_values) -> tuple[np.ndarray, list[Constraint]]:
        counts = np.zeros(self.n, dtype=np.int64)
        leaves = iter(leaf_values)
        for i in range(self.n):  # parts always come before their total
            counts[i] = sum(counts[p] for p in self.parts_of[i]) if i in self.parts_of else next(leaves)
        constraints = [Constraint(t, p) for t, p in self.parts_of.items()] + self.extra
        return counts, constraints

    @property
    def n_leaves(self) -> int:
        return self.n - len(self.parts_of)


def grid(rows: int, cols: int) -> Table:
    """A rows x cols table with row totals, column totals and the grand total (both ways)."""
    t = Table()
    body = [[t.cell() for _ in range(cols)] for _ in range(rows)]
    row_totals = [t.cell(tuple(r)) for r in body]
    col_totals = [t.cell(tuple(body[i][j] for i in range(rows))) for j in range(cols)]
    grand = t.cell(tuple(row_totals))
    t.extra.append(Constraint(grand, tuple(col_totals)))
    return t


def hierarchy(mids: int, leaves: int) -> Table:
    """Partnership -> councils -> small areas."""
    t = Table()
    councils = [t.cell(tuple(t.cell() for _ in range(leaves))) for _ in range(mids)]
    t.cell(tuple(councils))
    return t


def series(months: int, width: int) -> Table:
    """Months, quarters (3 months), rolling windows of ``width`` months, and the whole span."""
    t = Table()
    m = [t.cell() for _ in range(months)]
    for q in range(0, months - 2, 3):
        t.cell(tuple(m[q:q + 3]))
    for end in range(width - 1, months):
        t.cell(tuple(m[end - width + 1:end + 1]))
    t.cell(tuple(m))
    return t


def areas_by_periods(leaves: int, months: int) -> Table:
    """Two small areas... a parent area, by months, quarters and a rolling window of 3."""
    t = Table()
    periods: list[tuple[int, ...]] = [(p,) for p in range(months)]
    periods += [tuple(range(q, q + 3)) for q in range(0, months - 2, 3)]
    periods += [tuple(range(e - 2, e + 1)) for e in range(2, months)]
    grid_cells = {}
    for a in range(leaves):
        for p, span in enumerate(periods):
            if len(span) == 1:
                grid_cells[a, p] = t.cell()
            else:
                grid_cells[a, p] = t.cell(tuple(grid_cells[a, s] for s in span))
    for p, span in enumerate(periods):
        total = t.cell(tuple(grid_cells[a, p] for a in range(leaves)))
        grid_cells["all", p] = total
        if len(span) > 1:  # the parent's period is also the sum of its months
            t.extra.append(Constraint(total, tuple(grid_cells["all", s] for s in span)))
    return t


def random_sums(leaves: int, draw) -> Table:
    """Random overlapping sums of earlier cells (leaves or sums)."""
    t = Table()
    for _ in range(leaves):
        t.cell()
    for _ in range(draw(st.integers(2, 8))):
        size = draw(st.integers(1, min(4, t.n)))
        parts = draw(st.lists(st.integers(0, t.n - 1), min_size=size, max_size=size, unique=True))
        t.cell(tuple(sorted(parts)))
    return t


small_counts = st.one_of(st.integers(0, 3), st.integers(0, 12))


@st.composite
def tables(draw, max_leaves: int = 30):
    shape = draw(st.sampled_from(["grid", "hierarchy", "series", "areas_by_periods", "random"]))
    if shape == "grid":
        t = grid(draw(st.integers(2, 4)), draw(st.integers(2, 4)))
    elif shape == "hierarchy":
        t = hierarchy(draw(st.integers(2, 3)), draw(st.integers(2, 4)))
    elif shape == "series":
        t = series(draw(st.integers(4, 13)), draw(st.integers(2, 4)))
    elif shape == "areas_by_periods":
        t = areas_by_periods(draw(st.integers(2, 3)), draw(st.integers(3, 6)))
    else:
        t = random_sums(draw(st.integers(2, 8)), draw)
    values = draw(st.lists(small_counts, min_size=t.n_leaves, max_size=t.n_leaves))
    return t.build(values)


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- properties


@FAST
@given(tables(), st.integers(0, 5))
def test_suppression_hides_small_counts_and_leaves_nothing_recoverable(table, threshold):
    counts, constraints = table
    mask = suppress(counts, constraints, threshold)
    small = (counts >= 1) & (counts <= threshold)
    assert mask[small].all(), "every count from 1 to the threshold is hidden"
    assert list(recoverable(counts, constraints, mask)) == []
    assert brute_recoverable(len(counts), constraints, mask) == []
    if threshold == 0:
        assert not mask.any(), "no primary cells, nothing to protect"


@FAST
@given(tables(), st.integers(1, 5))
def test_suppression_is_deterministic_and_idempotent(table, threshold):
    counts, constraints = table
    mask = suppress(counts, constraints, threshold)
    assert np.array_equal(mask, suppress(counts, constraints, threshold))
    # Fed back as protected cells, the mask is already safe: nothing is added, so every
    # hidden cell above the threshold is secondary suppression that the rules asked for.
    assert np.array_equal(mask, suppress(counts, constraints, threshold, protect=mask))


@FAST
@given(tables(), st.integers(1, 5))
def test_no_hidden_zero_is_given_away_by_a_zero_sum(table, threshold):
    """A shown total whose hidden parts are all zeros tells the reader they are 0."""
    counts, constraints = table
    mask = suppress(counts, constraints, threshold)
    for con in constraints:
        hidden_parts = [p for p in con.parts if mask[p]]
        if not mask[con.total] and hidden_parts:
            assert any(counts[p] > 0 for p in hidden_parts), con


@settings(max_examples=300, deadline=None)
@given(tables(), st.data())
def test_auditor_agrees_with_brute_force(table, data):
    counts, constraints = table
    hidden = np.array(data.draw(st.lists(st.booleans(), min_size=len(counts), max_size=len(counts))))
    assert list(recoverable(counts, constraints, hidden)) == brute_recoverable(
        len(counts), constraints, hidden)


def test_a_single_small_part_gets_a_second_part_hidden():
    # total 20 = 3 + 7 + 10: hiding the 3 alone gives it away (20 - 7 - 10); the smallest
    # other part goes with it, and the total stays visible.
    counts = np.array([20, 3, 7, 10])
    mask = suppress(counts, [Constraint(0, (1, 2, 3))], threshold=5)
    assert mask.tolist() == [False, True, True, False]


def test_the_total_is_hidden_only_if_no_part_will_do():
    # partnership 40 = councils 2 + 38: the only other part is the 38, so it is that, not
    # the partnership total, that is hidden.
    counts = np.array([40, 2, 38])
    assert suppress(counts, [Constraint(0, (1, 2))], 5).tolist() == [False, True, True]
    # One part only: the total and the part are the same number, both go.
    assert suppress(np.array([2, 2]), [Constraint(0, (1,))], 5).tolist() == [True, True]


def test_classic_two_by_two_with_margins():
    #        col0 col1 | total
    # row0     2   10  |  12
    # row1     8   12  |  20
    # total   10   22  |  32
    t = grid(2, 2)
    counts, constraints = t.build([2, 10, 8, 12])
    mask = suppress(counts, constraints, 5)
    # The small cell, one cell in its row, one in its column and the opposite corner:
    # the four body cells; all margins stay published.
    assert mask.tolist() == [True] * 4 + [False] * 5
    assert list(recoverable(counts, constraints, mask)) == []


def test_bridge_between_two_suppressed_rectangles_is_caught():
    # A 4x4 table with margins. Two hidden rectangles (rows 0-1 x cols 0-1 and rows 2-3 x
    # cols 2-3) joined by one bridge cell (1, 2). Every row and column with a hidden cell
    # has at least two, so no relation has a lone hidden cell, yet the bridge cell can be
    # worked out: every change that keeps all margins must leave it alone.
    t = grid(4, 4)
    counts, constraints = t.build([3] * 16)
    hidden = np.zeros(len(counts), dtype=bool)
    for r, c in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
        hidden[4 * r + c] = True
    assert recoverable(counts, constraints, hidden).tolist() == [4 * 1 + 2]
    # And suppression, asked to protect that pattern, hides more until it cannot.
    counts, constraints = t.build([1, 1, 9, 9, 1, 1, 1, 9, 9, 9, 1, 1, 9, 9, 1, 1])
    mask = suppress(counts, constraints, 5)
    assert mask[hidden].all()
    assert list(recoverable(counts, constraints, mask)) == []
    assert brute_recoverable(len(counts), constraints, mask) == []


def test_month_recoverable_from_its_quarter():
    # quarter = m1 + m2 + m3; hiding m1 alone gives m1 = quarter - m2 - m3.
    counts = np.array([4, 9, 11, 24])
    quarter = [Constraint(3, (0, 1, 2))]
    assert recoverable(counts, quarter, np.array([True, False, False, False])).tolist() == [0]
    assert recoverable(counts, quarter, np.array([True, True, False, False])).tolist() == []
    assert suppress(counts, quarter, 5).tolist() == [True, True, False, False]


def test_adjacent_rolling_windows_give_away_a_month():
    # Months 0..12; R11 = months 0..11 and R12 = months 1..12. R12 - R11 = m12 - m0, so with
    # m0 shown, a hidden m12 is recoverable even though each window holds several hidden
    # months (the cheap rule alone would not see it).
    months = [6, 7, 4, 8, 9, 5, 9, 8, 7, 9, 8, 9, 3]
    counts = np.array(months + [sum(months[0:12]), sum(months[1:13])])
    r11, r12 = 13, 14
    constraints = [Constraint(r11, tuple(range(0, 12))), Constraint(r12, tuple(range(1, 13)))]
    hidden = np.zeros(len(counts), dtype=bool)
    hidden[[2, 5, 12]] = True
    assert recoverable(counts, constraints, hidden).tolist() == [12]
    mask = suppress(counts, constraints, 5)
    assert mask[[2, 5, 12]].all()
    assert list(recoverable(counts, constraints, mask)) == []


def test_zero_is_published_and_a_positive_part_comes_first():
    # 0 is never hidden on its own account...
    counts = np.array([10, 0, 10])
    assert not suppress(counts, [Constraint(0, (1, 2))], 5).any()
    # ...and as a partner for a small cell, a positive part comes before a zero part
    # (which comes before the total).
    counts = np.array([13, 3, 0, 10])
    assert suppress(counts, [Constraint(0, (1, 2, 3))], 5).tolist() == [False, True, False, True]


def test_threshold_zero_means_no_suppression_and_protect_is_kept():
    counts = np.array([10, 1, 9])
    assert not suppress(counts, [Constraint(0, (1, 2))], 0).any()
    protect = np.array([False, False, True])
    assert suppress(counts, [Constraint(0, (1, 2))], 0, protect=protect).tolist() == [False, True, True]


def test_constraint_set_can_be_reused():
    t = grid(3, 3)
    counts, constraints = t.build([1, 7, 9, 8, 2, 9, 9, 9, 3])
    compiled = ConstraintSet(constraints, len(counts))
    assert np.array_equal(suppress(counts, compiled, 5), suppress(counts, constraints, 5))
    assert np.array_equal(suppress(counts, compiled, 2), suppress(counts, constraints, 2))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("constraints, message", [
    ([Constraint(0, (1, 2))], "does not hold"),
    ([Constraint(0, (1, 5))], "outside the table"),
    ([Constraint(0, (1, 1))], "names a cell twice"),
    ([Constraint(0, ())], "no parts"),
])
def test_bad_constraints_are_reported(constraints, message):
    with pytest.raises(ValueError, match=message):
        suppress(np.array([4, 1, 2]), constraints, 5)


def test_bad_counts_are_reported():
    with pytest.raises(ValueError, match="negative"):
        suppress(np.array([-1, 0]), [], 5)
    with pytest.raises(ValueError, match="whole numbers"):
        suppress(np.array([1.5, 2.0]), [], 5)


# --------------------------------------------------------------------------- the sound back-substitution


@settings(max_examples=100, deadline=None)
@given(tables(), st.data())
def test_modular_and_exact_back_substitution_agree(table, data):
    """The audit evaluates its random null-space vector modulo a prime; the exact fraction
    path (used if a pivot is divisible by the prime) must give the same answer."""
    counts, constraints = table
    hidden = np.array(data.draw(st.lists(st.booleans(), min_size=len(counts), max_size=len(counts))))
    compiled = ConstraintSet(constraints, len(counts))
    labels = disclosure._components(compiled, hidden)
    for system in disclosure._systems(compiled, hidden, labels, np.unique(labels[hidden])):
        rows = [{} for _ in range(system.row_ids[-1] + 1)]
        for r, c, a in zip(system.row_ids, system.col_ids, system.coefs, strict=True):
            rows[r][c] = a
        pivots = disclosure._eliminate(len(system.cells), rows)
        assert (disclosure._pinned_columns(len(system.cells), pivots, modular=True)
                == disclosure._pinned_columns(len(system.cells), pivots, modular=False))


# --------------------------------------------------------------------------- publishing


def test_symbols_and_published_values():
    assert (SUPPRESSED, NOT_APPLICABLE, NOT_AVAILABLE, ROUNDS_TO_ZERO) == ("c", "z", ":", "k")
    assert publish_value(3, True) == "c"
    assert publish_value(12, False) == 12
    assert publish_value(None, False) == ":"
    assert publish_value(14, False, round_to=10) == 10
    assert publish_value(15, False, round_to=10) == 20
    assert publish_value(4, False, round_to=10) == "k"
    assert publish_value(0, False, round_to=10) == 0
    assert publish_values(np.array([0, 3, 12]), np.array([False, True, False])) == [0, "c", 12]
    assert primary(np.array([0, 1, 5, 6]), 5).tolist() == [False, True, True, False]
