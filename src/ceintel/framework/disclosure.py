"""Disclosure control for published counts: primary and secondary suppression (DfE convention).

Why this exists: a partnership's tables count children, often in small areas and
short periods. A count of 1 to 5 (the threshold) could identify a child, so the
Department for Education's convention (followed here) shows it as ``c``
("confidential"), and *secondary* suppression hides enough other cells that no
``c`` can be worked out from what is published. The DfE symbols are defined once,
here: ``c`` suppressed, ``z`` not applicable, ``:`` not available, ``k`` a positive
count that rounds to zero.

What the reader of a table knows. Every published table is a set of cells with
*additive relations*: a total equals the sum of its parts (council = its wards,
ward = its small areas, all children = girls + boys, a quarter = its three
months, a financial year or a rolling 12-month window = its twelve months). Write
the cells as a vector ``x`` and each relation as a row of ``A x = 0`` (``+1`` for the
total, ``-1`` for each part). A reader who sees the published cells ``x_P`` can
solve ``A_S x_S = -A_P x_P`` for the suppressed cells ``S``.

What "recoverable" means here. A suppressed cell ``i`` is *recoverable* when that
system fixes ``x_i`` to one value: exactly when the unit vector ``e_i`` lies in the
row space of ``A_S`` over the rationals, or, equivalently, when every change to the
suppressed cells that keeps all relations true leaves ``x_i`` unchanged. This
is *exact linear* recovery. :func:`recoverable` is the auditor that decides it;
:func:`suppress` adds cells until the auditor finds nothing.

Limits (what this module does not promise):

* **Interval bounds are not audited.** Counts are not negative, so a reader
  learns ranges: if a total of 7 has one published part of 2, the two hidden
  parts add up to 5 and each is at most 5. That is inherent in publishing totals
  and is how DfE tables work. One special case *is* handled, because it gives
  exact values: when a relation's total is published and all its hidden parts
  are zeros, the reader knows they are all 0. Such zeros are published as 0
  (unless ``protect`` holds them) and never picked again; the audit treats them as
  known. Longer chains of non-negativity reasoning (linear programming over
  several relations) are not checked.
* **Only the relations given are known.** Relations with other tables (another
  indicator with a shared total, a previous year's release) must be passed as
  constraints, or their hidden cells passed as ``protect``, to be accounted for.
* **Rounding.** :func:`publish_value` can round to a base (DfE rounds national
  and regional totals to 10). The audit assumes rounded cells are known exactly,
  which over-protects (a reader of a rounded cell knows less), never under-protects.

The algorithm (details in :func:`suppress`): a cheap vectorised rule first (no
relation may hold exactly one hidden cell), then the exact audit on connected
groups of hidden cells, with one more cell hidden next to each recoverable one,
until the audit is clean.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from heapq import heappop, heappush
from math import gcd

import numpy as np

from ceintel.errors import CeintelError

SUPPRESSED = "c"
NOT_APPLICABLE = "z"
NOT_AVAILABLE = ":"
ROUNDS_TO_ZERO = "k"

DEFAULT_THRESHOLD = 5



class DisclosureError(CeintelError):
    """A table cannot be protected as asked (its relations pin a hidden cell, whatever else is hidden)."""


@dataclass(frozen=True)
class Constraint:
    """One additive relation of a table: ``counts[total] == sum(counts[parts])`` holds exactly."""

    total: int
    parts: tuple[int, ...]


class ConstraintSet:
    """Constraints compiled into index arrays, reusable across calls on the same table shape.

    Building the arrays from many ``Constraint`` objects is a Python loop; an
    indicator published for several audiences can compile once and pass this
    object wherever a sequence of constraints is accepted.
    """

    def __init__(self, constraints: Sequence[Constraint], n_cells: int):
        n_rows = len(constraints)
        lengths = np.fromiter((1 + len(c.parts) for c in constraints), dtype=np.int64, count=n_rows)
        self.n_cells = int(n_cells)
        self.n_rows = n_rows
        self.row_ptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.row_ptr[1:])
        nnz = int(self.row_ptr[-1])
        self.cells = np.fromiter(
            (i for c in constraints for i in (c.total, *c.parts)), dtype=np.int64, count=nnz)
        self.starts = self.row_ptr[:-1]
        self.row_of = np.repeat(np.arange(n_rows, dtype=np.int64), lengths)
        self.is_total = np.zeros(nnz, dtype=bool)
        self.is_total[self.starts] = True
        self.coef = np.where(self.is_total, 1, -1).astype(np.int64)
        self._validate(constraints, lengths)
        # Column view: for each cell, the entries (and so the rows) it appears in.
        order = np.argsort(self.cells, kind="stable")
        self.col_entries = order
        self.col_rows = self.row_of[order]
        self.col_ptr = np.zeros(self.n_cells + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.cells, minlength=self.n_cells), out=self.col_ptr[1:])

    def _validate(self, constraints: Sequence[Constraint], lengths: np.ndarray) -> None:
        if self.n_rows and (lengths < 2).any():
            r = int(np.flatnonzero(lengths < 2)[0])
            raise ValueError(f"constraint {r} ({constraints[r]}) has no parts; a total needs at least one")
        bad = (self.cells < 0) | (self.cells >= self.n_cells)
        if bad.any():
            e = int(np.flatnonzero(bad)[0])
            raise ValueError(f"constraint {int(self.row_of[e])} refers to cell {int(self.cells[e])}, "
                             f"outside the table's {self.n_cells} cells")
        key = np.sort(self.row_of * self.n_cells + self.cells)
        if len(key) > 1 and (key[1:] == key[:-1]).any():
            r = int(key[1:][key[1:] == key[:-1]][0] // self.n_cells)
            raise ValueError(f"constraint {r} ({constraints[r]}) names a cell twice")

    def check(self, counts: np.ndarray) -> None:
        """Raise ValueError unless every relation holds for these counts (a wrong table would be
        protected against the wrong attacker)."""
        if len(counts) != self.n_cells:
            raise ValueError(f"{len(counts)} counts for constraints built on {self.n_cells} cells")
        if self.n_rows == 0:
            return
        residual = np.add.reduceat(self.coef * counts[self.cells], self.starts)
        if residual.any():
            r = int(np.flatnonzero(residual)[0])
            parts = self.cells[self.starts[r] + 1:self.row_ptr[r + 1]].tolist()
            raise ValueError(f"constraint {r} does not hold: cell {int(self.cells[self.starts[r]])} "
                             f"is not the sum of cells {parts}")

    def entries_of_rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Entry indices of the given rows, concatenated, and each row's offset into them."""
        return _ranges(self.row_ptr[rows], self.row_ptr[rows + 1])

    def rows_of_cells(self, cells: np.ndarray) -> np.ndarray:
        """Rows holding any of the given cells (with repeats)."""
        ent, _ = _ranges(self.col_ptr[cells], self.col_ptr[cells + 1])
        return self.col_rows[ent]


def _ranges(starts: np.ndarray, stops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated ``arange(start, stop)`` for each pair, and where each one begins."""
    lengths = stops - starts
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    total = int(offsets[-1])
    idx = np.arange(total, dtype=np.int64) - np.repeat(offsets[:-1] - starts, lengths)
    return idx, offsets


def _compile(constraints: Sequence[Constraint] | ConstraintSet, n_cells: int) -> ConstraintSet:
    if isinstance(constraints, ConstraintSet):
        if constraints.n_cells != n_cells:
            raise ValueError(f"constraints built for {constraints.n_cells} cells, table has {n_cells}")
        return constraints
    return ConstraintSet(constraints, n_cells)


def _as_counts(counts: np.ndarray) -> np.ndarray:
    arr = np.asarray(counts)
    if arr.ndim != 1:
        raise ValueError("counts must be one-dimensional (one value per cell)")
    if arr.size and not np.issubdtype(arr.dtype, np.integer) and not np.array_equal(arr, np.round(arr)):
        raise ValueError("counts must be whole numbers")
    arr = arr.astype(np.int64)
    if (arr < 0).any():
        raise ValueError(f"counts must not be negative (cell {int(np.flatnonzero(arr < 0)[0])})")
    return arr


def primary(counts: np.ndarray, threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """Cells that are small enough to identify a child: ``1 <= count <= threshold``. Zero is
    published (it identifies no one); threshold 0 means no primary suppression."""
    counts = np.asarray(counts)
    return (counts >= 1) & (counts <= threshold)


# --------------------------------------------------------------------------- the auditor

def recoverable(counts: np.ndarray, constraints: Sequence[Constraint] | ConstraintSet,
                suppressed: np.ndarray) -> np.ndarray:
    """Indices (sorted) of suppressed cells that a reader can work out exactly.

    Exact linear algebra: cell ``i`` is recoverable iff ``e_i`` lies in the row space
    of the constraint matrix restricted to the suppressed columns (the published
    cells move to the right-hand side and do not matter). Only the relations'
    coefficients decide it; ``counts`` is used to check that the relations hold.
    Non-negativity is not used here (see the module docstring).
    """
    counts = _as_counts(counts)
    table = _compile(constraints, len(counts))
    table.check(counts)
    hidden = np.asarray(suppressed, dtype=bool)
    if hidden.shape != counts.shape:
        raise ValueError("suppressed must be a boolean mask with one value per cell")
    labels = _components(table, hidden)
    return _audit(table, hidden, labels, np.unique(labels[hidden]))[0]


def _components(table: ConstraintSet, hidden: np.ndarray) -> np.ndarray:
    """Label each hidden cell with its connected group (cells linked by a relation both are in),
    the group's smallest cell; -1 for published cells. Hook-and-jump in numpy: a few passes,
    no Python loop over cells."""
    n = table.n_cells
    labels = np.where(hidden, np.arange(n, dtype=np.int64), -1)
    if table.n_rows == 0 or not hidden.any():
        return labels
    ent = np.flatnonzero(hidden[table.cells])
    rows = table.row_of[ent]
    cells = table.cells[ent]
    # Link every hidden cell of a relation to the relation's first hidden cell.
    first = np.ones(len(ent), dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    anchor = cells[first][np.cumsum(first) - 1]
    keep = anchor != cells
    u, v = anchor[keep], cells[keep]
    if not len(u):
        return labels
    parent = np.arange(n, dtype=np.int64)
    while True:
        pu, pv = parent[u], parent[v]
        low = np.minimum(pu, pv)
        before = parent.copy()
        np.minimum.at(parent, pu, low)
        np.minimum.at(parent, pv, low)
        while True:  # pointer jumping: every cell points at its root
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
        if np.array_equal(parent, before):
            break
    return np.where(hidden, parent, -1)


@dataclass
class _System:
    """One group's relations restricted to its hidden cells, in local numbering."""

    cells: np.ndarray        # global index of each local column (sorted)
    rows: np.ndarray         # global index of each local row
    row_ids: list[int]       # one entry per (row, hidden cell), sorted by row
    col_ids: list[int]
    coefs: list[int]


def _systems(table: ConstraintSet, hidden: np.ndarray, labels: np.ndarray,
             groups: np.ndarray) -> list[_System]:
    """The linear systems of the given groups (hidden cells in no relation are left out:
    nothing pins them)."""
    wanted = np.zeros(table.n_cells, dtype=bool)
    wanted[groups] = True  # a group is labelled by its smallest cell, itself hidden
    in_group = hidden & wanted[np.maximum(labels, 0)]
    ent = np.flatnonzero(in_group[table.cells])
    if not len(ent):
        return []
    cells = table.cells[ent]
    group = labels[cells]
    order = np.lexsort((table.row_of[ent], group))
    ent, cells, group = ent[order], cells[order], group[order]
    rows = table.row_of[ent]
    coef = table.coef[ent]
    bounds = np.flatnonzero(np.diff(group)) + 1
    out = []
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(ent)], strict=True):
        g_cells, local = np.unique(cells[lo:hi], return_inverse=True)
        g_rows = rows[lo:hi]
        new_row = np.ones(hi - lo, dtype=bool)
        new_row[1:] = g_rows[1:] != g_rows[:-1]
        out.append(_System(g_cells, g_rows[new_row], (np.cumsum(new_row) - 1).tolist(),
                           local.tolist(), coef[lo:hi].tolist()))
    return out


def _audit(table: ConstraintSet, hidden: np.ndarray, labels: np.ndarray, groups: np.ndarray,
           formulas: bool = False) -> tuple[np.ndarray, dict[int, list[int]]]:
    """Recoverable cells of the given groups (sorted) and, if asked, for each of them the
    shown cells the reader's formula for it uses (hiding any one of those breaks that
    formula, though maybe not every formula)."""
    found: list[np.ndarray] = []
    uses: dict[int, list[int]] = {}
    for system in _systems(table, hidden, labels, groups):
        n_rows = system.row_ids[-1] + 1
        rows: list[dict[int, int]] = [{} for _ in range(n_rows)]
        for r, c, a in zip(system.row_ids, system.col_ids, system.coefs, strict=True):
            rows[r][c] = a
        side = _shown_parts(table, hidden, system.rows) if formulas else None
        pivots = _eliminate(len(system.cells), rows, side)
        try:
            pinned = _pinned_columns(len(system.cells), pivots, modular=True)
        except ZeroDivisionError:
            pinned = _pinned_columns(len(system.cells), pivots, modular=False)
        if pinned:
            found.append(system.cells[pinned])
            if formulas:
                for local, support in zip(pinned, _formula_supports(pivots, pinned), strict=True):
                    uses[int(system.cells[local])] = support
    if not found:
        return np.zeros(0, dtype=np.int64), uses
    return np.sort(np.concatenate(found)), uses


def _shown_parts(table: ConstraintSet, hidden: np.ndarray, rows: np.ndarray) -> list[dict[int, int]]:
    """For each row, its shown cells (global index -> coefficient)."""
    ent, offsets = table.entries_of_rows(rows)
    shown = ~hidden[table.cells[ent]]
    local_row = np.repeat(np.arange(len(rows)), np.diff(offsets))[shown]
    out: list[dict[int, int]] = [{} for _ in range(len(rows))]
    for r, c, a in zip(local_row.tolist(), table.cells[ent[shown]].tolist(),
                       table.coef[ent[shown]].tolist(), strict=True):
        out[r][c] = a
    return out


def _formula_supports(pivots: list[tuple[int, dict[int, int], dict]], pinned: list[int]) -> list[list[int]]:
    """For each pinned column, the shown cells in one combination of rows that equals it.

    Expands ``e_i`` over the pivot rows in pivot order (each pivot row holds only later
    pivot columns and free ones, so the expansion ends), adding up their shown parts.
    Modulo p: this only chooses which cell to hide next, the audit judges the result."""
    pivot_of = {c: k for k, (c, _, _) in enumerate(pivots)}
    out = []
    for i in pinned:
        todo = {i: 1}
        formula: dict[int, int] = {}
        heap = [pivot_of[i]]
        while heap:
            k = heappop(heap)
            c, row, side = pivots[k]
            t = todo.pop(c, 0)
            if not t:
                continue
            z = t * pow(row[c], -1, _PRIME) % _PRIME
            for j, v in row.items():
                if j != c:
                    new = (todo.get(j, 0) - z * v) % _PRIME
                    if new:
                        if j not in todo and j in pivot_of:
                            heappush(heap, pivot_of[j])
                        todo[j] = new
                    else:
                        todo.pop(j, None)
            for g, v in side.items():
                formula[g] = (formula.get(g, 0) + z * v) % _PRIME
        out.append(sorted(g for g, v in formula.items() if v))
    return out


# Back-substitution runs modulo the Mersenne prime 2**31 - 1 (see _pinned_columns); the
# formulas of _formula_picks are computed in the same field.
_PRIME = (1 << 31) - 1
_SEED = 20240601  # fixed: the same input always gives the same mask


def _eliminate(n_cols: int, rows: list[dict[int, int]],
               side: list[dict[int, int]] | None = None) -> list[tuple[int, dict[int, int], dict]]:
    """Sparse Gaussian elimination over the integers of ``rows`` (dicts column -> coefficient;
    consumed). Exact: rows are combined as ``a*row_k - b*row_r``, which keeps the same row
    space over the rationals, and divided by the gcd of their entries.

    Returns the pivots in order: (column, pivot row, its side part). Every pivot row is
    free of earlier pivot columns, so values can be solved back in reverse order. ``side``,
    if given, holds for each row extra columns that ride along in every combination but
    are never pivoted on (the shown cells, to read off the reader's formulas).

    Pivoting is Markowitz-style to keep fill-in low: a column found in a single row first
    (no other row changes), else the shortest row, on its column found in the fewest rows
    (preferring a coefficient of +-1).
    """
    col_rows: list[set[int]] = [set() for _ in range(n_cols)]
    buckets: list[set[int]] = [set() for _ in range(8)]
    where = [0] * len(rows)  # each row's bucket (its length); -1 once used as a pivot
    for r, row in enumerate(rows):
        for c in row:
            col_rows[c].add(r)
        length = len(row)
        while length >= len(buckets):
            buckets.append(set())
        buckets[length].add(r)
        where[r] = length
    singles = [c for c in range(n_cols) if len(col_rows[c]) == 1]
    pivots: list[tuple[int, dict[int, int], dict]] = []
    empty: dict[int, int] = {}
    shortest = 0
    while True:
        if singles:
            c = singles.pop()
            if len(col_rows[c]) != 1:
                continue
            (r,) = col_rows[c]
            row = rows[r]
        else:
            while shortest < len(buckets) and not buckets[shortest]:
                shortest += 1
            if shortest == len(buckets):
                break
            r = buckets[shortest].pop()
            where[r] = -1
            if shortest == 0:
                continue  # an empty row: implied by the others
            row = rows[r]
            best = -1
            for j, v in row.items():
                score = len(col_rows[j]) if v == 1 or v == -1 else len(col_rows[j]) + (1 << 30)
                if best < 0 or score < best:
                    best, c = score, j
            a = row[c]
            unit = a == 1 or a == -1
            for k in [k for k in col_rows[c] if k != r]:
                krow = rows[k]
                b = krow.pop(c)
                if unit:
                    m = b * a  # b / a, as a is +-1
                else:
                    m = b
                    for j in krow:
                        krow[j] *= a
                for j, v in row.items():
                    if j == c:
                        continue
                    old = krow.get(j)
                    if old is None:
                        krow[j] = -m * v
                        col_rows[j].add(k)
                    else:
                        new = old - m * v
                        if new:
                            krow[j] = new
                        else:
                            del krow[j]
                            col_rows[j].discard(k)
                            if len(col_rows[j]) == 1:
                                singles.append(j)
                if side is not None:
                    _combine(side[k], side[r], m, 1 if unit else a)
                if not unit:
                    _divide_by_gcd(krow, side[k] if side is not None else empty)
                length = len(krow)
                if where[k] != length:
                    buckets[where[k]].discard(k)
                    while length >= len(buckets):
                        buckets.append(set())
                    buckets[length].add(k)
                    where[k] = length
                    if length < shortest:
                        shortest = length
            col_rows[c] = {r}
        if where[r] >= 0:
            buckets[where[r]].discard(r)
            where[r] = -1
        for j in row:
            col_rows[j].discard(r)
            if len(col_rows[j]) == 1:
                singles.append(j)
        pivots.append((c, row, side[r] if side is not None else empty))
    return pivots


def _combine(target: dict[int, int], source: dict[int, int], m: int, scale: int) -> None:
    """``target = scale * target - m * source`` (sparse, in place)."""
    if scale != 1:
        for j in target:
            target[j] *= scale
    for j, v in source.items():
        new = target.get(j, 0) - m * v
        if new:
            target[j] = new
        else:
            target.pop(j, None)


def _divide_by_gcd(row: dict[int, int], side: dict[int, int]) -> None:
    g = 0
    for v in row.values():
        g = gcd(g, v)
        if g == 1:
            return
    for v in side.values():
        g = gcd(g, v)
        if g == 1:
            return
    if g > 1:
        for j in row:
            row[j] //= g
        for j in side:
            side[j] //= g


def _pinned_columns(n_cols: int, pivots: list[tuple[int, dict[int, int], object]],
                    modular: bool) -> list[int]:
    """Columns that are 0 in a random null-space vector: the cells the rows pin.

    Free columns get random values and pivot columns are solved back. A cell is pinned
    iff it is 0 in *every* null-space vector; in a random one it is 0 otherwise only by
    chance. The pivot rows come from exact integer elimination; the values are computed
    modulo the prime p. Why that is sound: a pivot's value is a linear form in the free
    values with rational coefficients. If the form is zero (the cell is pinned) it is
    zero modulo p as well; if it is not, it can still vanish modulo p (coefficients
    divisible by p, or an unlucky draw, chance about 1/p). So the only possible error
    is to call a cell pinned when it is not, which makes :func:`suppress` hide a cell
    more than needed, never fewer. (Eliminating modulo p instead would not be safe: the
    rank can drop modulo p, and a pinned cell would then look free.) A pivot divisible
    by p cannot be inverted: ZeroDivisionError, and the caller redoes it in fractions.
    """
    rng = random.Random(_SEED)
    pivoted = {c for c, _, _ in pivots}
    value: dict[int, object] = {j: rng.randrange(1, _PRIME) for j in range(n_cols) if j not in pivoted}
    fixed = []
    if modular:
        for c, row, _ in reversed(pivots):
            s = 0
            for j, a in row.items():
                if j != c:
                    s += a * value[j]
            a = row[c] % _PRIME
            if a == 0:
                raise ZeroDivisionError
            v = (-s * pow(a, -1, _PRIME)) % _PRIME
            value[c] = v
            if v == 0:
                fixed.append(c)
    else:
        for c, row, _ in reversed(pivots):
            s = sum((a * value[j] for j, a in row.items() if j != c), Fraction(0))
            v = -s / row[c]
            value[c] = v
            if v == 0:
                fixed.append(c)
    return sorted(fixed)


# --------------------------------------------------------------------------- suppression

def suppress(counts: np.ndarray, constraints: Sequence[Constraint] | ConstraintSet, threshold: int,
             protect: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask, True where the cell must not be published (shown as ``c``).

    Primary: ``1 <= count <= threshold`` (0 is published; threshold 0 means no
    primary suppression), plus any ``protect`` cells (e.g. hidden in another
    release of the same numbers). Secondary, repeated until nothing changes:

    1. *Lone cells* (vectorised): a relation with exactly one hidden cell gives it
       away, so hide a second cell in it: the smallest positive part, else a zero
       part, else the total (so a partnership total stays visible when a small
       part will do). Hiding a zero protects as well as hiding a positive count
       (the reader no longer knows it is 0) and tells less, so zeros come before
       totals. Ties go to the lower cell index: the result is deterministic.
       Each pass fixes, for each lone cell, only its relation with the best
       candidate, as that candidate often fixes the cell's other relations too.
    2. *Zeros given away*: a relation whose total is shown and whose hidden parts
       are all zeros tells the reader they are 0. A zero total above a newly
       hidden zero is hidden with it; zeros given away anyway are shown again
       and never picked (protected ones stay hidden and count as known).
    3. *Exact audit* of the groups of hidden cells that changed (the auditor of
       :func:`recoverable`). For each recoverable cell, work out the reader's
       formula for it and hide the smallest shown cell the formula uses
       (formulas are worked out for up to a few hundred cells per group and pass;
       beyond that, the smallest candidate in the cell's own relations). Back to 1.

    The audit is exact (or errs towards hiding more), so the mask returned never
    leaves a hidden cell that :func:`recoverable` can recover. Raises
    :class:`DisclosureError` if the relations alone pin a cell that must be
    hidden (possible only with ``protect`` or constraints that force a value).
    """
    counts = _as_counts(counts)
    n = len(counts)
    table = _compile(constraints, n)
    table.check(counts)
    if threshold < 0:
        raise ValueError(f"threshold must be 0 or more, not {threshold}")
    mask = primary(counts, threshold)
    protected = np.zeros(n, dtype=bool)
    if protect is not None:
        protected = np.asarray(protect, dtype=bool)
        if protected.shape != counts.shape:
            raise ValueError("protect must be a boolean mask with one value per cell")
        mask |= protected
    if table.n_rows == 0 or not mask.any():
        return mask
    state = _State(table, counts, mask, protected, threshold)
    state.run()
    return state.mask


class _State:
    """The working state of one :func:`suppress` call."""

    def __init__(self, table: ConstraintSet, counts: np.ndarray, mask: np.ndarray,
                 protected: np.ndarray, threshold: int):
        n = table.n_cells
        self.threshold = threshold
        self.table, self.counts, self.mask, self.protected = table, counts, mask, protected
        self.zero = counts == 0
        self.banned = np.zeros(n, dtype=bool)  # zeros shown again after being given away
        self.known = np.zeros(n, dtype=bool)   # hidden but known to the reader
        self.dirty = mask.copy()               # hidden cells whose group must be audited again
        # Candidate order within a relation: positive part < zero part < total; then count.
        order = np.lexsort((np.arange(n), counts))  # cells by (count, index)
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n, dtype=np.int64)
        tier = np.where(self.zero[table.cells], 1, 0) + 2 * table.is_total
        self.key = tier * n + rank[table.cells]
        self.rank, self.rank_cell = rank, order  # key % n -> cell

    def hidden(self) -> np.ndarray:
        return self.mask & ~self.known

    def eligible(self) -> np.ndarray:
        return ~self.mask & ~self.banned

    def hide(self, cells: np.ndarray) -> None:
        """Hide cells, with the zero totals above hidden zeros, and mark their groups dirty."""
        cells = np.unique(np.asarray(cells, dtype=np.int64))
        if not len(cells):
            return
        self.mask[cells] = True
        cells = np.concatenate([cells, self._escort_zeros(cells)])
        self.dirty[_touching(self.table, cells)] = True

    def run(self) -> None:
        while True:
            self._lone_rule()
            if self._given_away():
                continue
            hidden = self.hidden()
            self.dirty &= hidden
            if not self.dirty.any():
                return
            labels = _components(self.table, hidden)
            found, _ = _audit(self.table, hidden, labels, np.unique(labels[self.dirty]))
            self.dirty[:] = False
            if not len(found):
                return
            # A hidden zero that can be worked out protects nothing: show it (or, if
            # protected, count it as known) rather than hiding more to cover it. Every
            # null-space vector is 0 on it, so this changes nobody else's status.
            zeros = found[self.zero[found]]
            self.banned[zeros] = True
            self.mask[zeros[~self.protected[zeros]]] = False
            self.known[zeros[self.protected[zeros]]] = True
            found = found[~self.zero[found]]
            if not len(found):
                continue
            picks = self._picks(found, hidden)
            if len(found) <= _FEW:
                picks = np.union1d(picks, self._neighbours(found))
            if not len(picks):
                raise DisclosureError(
                    f"cell {int(found[0])} can be worked out from the table's relations alone, "
                    f"and every cell in its relations is already hidden; check the constraints "
                    f"and the protected cells")
            self.hide(picks)

    def _lone_rule(self) -> None:
        """Hide a second cell in every relation with exactly one hidden cell, until none is left."""
        table, n = self.table, self.table.n_cells
        while True:
            hidden_entry = self.hidden()[table.cells]
            n_hidden = np.add.reduceat(hidden_entry.astype(np.int64), table.starts)
            lone = np.flatnonzero(n_hidden == 1)
            if not len(lone):
                return
            ent, offsets = table.entries_of_rows(lone)
            cells = table.cells[ent]
            best = np.minimum.reduceat(np.where(self.eligible()[cells], self.key[ent], _NONE),
                                       offsets[:-1])
            lone_cell = np.maximum.reduceat(np.where(hidden_entry[ent], cells, -1), offsets[:-1])
            ok = best != _NONE
            if not ok.any():
                return  # nothing left to hide in these relations; the audit will tell
            best, lone_cell = best[ok], lone_cell[ok]
            # One relation per lone cell: the one offering the best candidate.
            order = np.lexsort((best, lone_cell))
            first = np.ones(len(order), dtype=bool)
            first[1:] = lone_cell[order][1:] != lone_cell[order][:-1]
            self.hide(self.rank_cell[best[order][first] % n])

    def _escort_zeros(self, new: np.ndarray) -> np.ndarray:
        """Hide the shown zero totals above newly hidden zeros (and so on up), returning them.

        A total of 0 tells the reader that every part is 0, so a hidden zero part protects
        nothing while such a total is shown; hiding the total with it does (the reader then
        only knows that the two are equal)."""
        table, out = self.table, []
        while True:
            new = new[self.zero[new]]
            if not len(new):
                break
            ent, _ = _ranges(table.col_ptr[new], table.col_ptr[new + 1])
            ent = table.col_entries[ent]
            ent = ent[~table.is_total[ent]]
            totals = table.cells[table.starts[table.row_of[ent]]]
            new = np.unique(totals[self.zero[totals] & ~self.mask[totals] & ~self.banned[totals]])
            self.mask[new] = True
            out.append(new)
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)

    def _given_away(self) -> bool:
        """Show (or count as known) hidden zeros a reader pins by non-negativity: a relation
        with its total shown and only zeros among its hidden parts says each is 0. Returns
        whether any cell was shown again."""
        table = self.table
        given = np.zeros(table.n_cells, dtype=bool)
        hidden = self.hidden()
        if not (hidden & self.zero).any():
            return False
        zero_entry = self.zero[table.cells]
        while True:
            unknown = (hidden & ~given)[table.cells]
            total_unknown = unknown[table.starts]
            n_unknown = np.add.reduceat(unknown.astype(np.int64), table.starts)
            n_positive = np.add.reduceat((unknown & ~zero_entry).astype(np.int64), table.starts)
            rows = np.flatnonzero(~total_unknown & (n_unknown > 0) & (n_positive == 0))
            if not len(rows):
                break
            ent, _ = table.entries_of_rows(rows)
            given[table.cells[ent[unknown[ent]]]] = True
        if not given.any():
            return False
        self.banned |= given
        shown = given & ~self.protected
        self.mask &= ~shown
        self.known |= given & self.protected
        self.dirty[_touching(table, np.flatnonzero(given))] = True
        return bool(shown.any())

    def _picks(self, found: np.ndarray, hidden: np.ndarray) -> np.ndarray:
        """Cells to hide so that the recoverable cells ``found`` may no longer be.

        For each one, the best shown cell in its relations, where "best" also counts the
        relations the pick would expose (relations with no hidden cell yet, which would then
        need a further cell): a cheap cell there is not cheap. Vectorised in waves: a
        recoverable cell waits while a lower-numbered one shares a relation with it, and is
        dropped once a relation of it got a pick (that pick may be enough; the next audit
        tells)."""
        table, n = self.table, self.table.n_cells
        n_hidden = np.add.reduceat(hidden[table.cells].astype(np.int64), table.starts)
        exposed = np.bincount(table.cells, weights=(n_hidden[table.row_of] == 0), minlength=n)
        penalty = max(self.threshold, 1)
        # Cost in half units: the count, half a unit for a zero (it hides little but helps
        # less often), and the relations it would expose.
        cost = (2 * self.counts + self.zero + 2 * penalty * exposed.astype(np.int64))[table.cells]
        further = 2 * penalty  # a cell two relations away costs a little more
        # Parts before totals, whatever the cost (a total hidden exposes the level above).
        span = int(cost.max()) + further + 1
        fix_key = (table.is_total * span + cost) * n + self.rank[table.cells]
        further *= n
        has_rows = np.diff(table.col_ptr) > 0
        eligible = self.eligible()
        touched = np.zeros(table.n_rows, dtype=bool)
        picks: list[np.ndarray] = []
        waiting = np.unique(found)
        while len(waiting):
            entry_key = np.where(eligible[table.cells], fix_key, _NONE)
            row_best = np.minimum.reduceat(entry_key, table.starts)
            # The best candidate one relation further out, through a hidden cell.
            cell_best = np.full(n, _NONE)
            cell_best[has_rows] = np.minimum.reduceat(row_best[table.col_rows],
                                                      table.col_ptr[:-1][has_rows])
            via = np.where(hidden[table.cells], cell_best[table.cells], _NONE)
            row_best2 = np.minimum.reduceat(via, table.starts)
            row_best = np.minimum(row_best, np.where(row_best2 == _NONE, _NONE, row_best2 + further))
            ent, offsets = _ranges(table.col_ptr[waiting], table.col_ptr[waiting + 1])
            rows = table.col_rows[ent]
            best = np.minimum.reduceat(row_best[rows], offsets[:-1])
            # Lowest-numbered waiting cell of each relation goes first.
            row_first = np.full(table.n_rows, _NONE)
            np.minimum.at(row_first, rows, np.repeat(waiting, np.diff(offsets)))
            first = np.minimum.reduceat(row_first[rows], offsets[:-1]) == waiting
            go = first & (best != _NONE)
            chosen = np.unique(self.rank_cell[best[go] % further % n])
            for i in waiting[first & (best == _NONE)].tolist():
                extra = self._reach_out(i, hidden, eligible)
                if extra is not None:
                    chosen = np.union1d(chosen, [extra])
            if len(chosen):
                picks.append(chosen)
                eligible[chosen] = False
                touched[table.rows_of_cells(chosen)] = True
            done = np.maximum.reduceat(touched[rows].astype(np.int8), offsets[:-1]).astype(bool)
            waiting = waiting[~(done | first)]
        return np.concatenate(picks) if picks else np.zeros(0, dtype=np.int64)

    def _neighbours(self, found: np.ndarray) -> np.ndarray:
        """Every shown cell in the relations of the recoverable cells. Used when only a few
        are left: a cell still recoverable after the usual pick often needs several cells
        hidden at once (a month in a series of rolling windows, say), which single picks
        find one audit at a time; this costs a few extra cells and saves those audits."""
        table = self.table
        ent, _ = table.entries_of_rows(np.unique(table.rows_of_cells(found)))
        cells = table.cells[ent]
        return np.unique(cells[self.eligible()[cells]])

    def _reach_out(self, i: int, hidden: np.ndarray, eligible: np.ndarray) -> int | None:
        """Nothing to hide in the relations of cell i: look further out, through hidden cells."""
        table, n = self.table, self.table.n_cells
        rows = table.rows_of_cells(np.array([i]))
        seen = np.zeros(n, dtype=bool)
        while True:
            ent, _ = table.entries_of_rows(np.unique(rows))
            near = table.cells[ent]
            ok = eligible[near]
            if ok.any():
                return int(self.rank_cell[self.key[ent][ok].min() % n])
            near = np.unique(near[hidden[near] & ~seen[near]])
            if not len(near):
                return None
            seen[near] = True
            rows = table.rows_of_cells(near)


_NONE = np.iinfo(np.int64).max
_FEW = 16  # at most this many recoverable cells left: hide all shown cells around them
def _touching(table: ConstraintSet, cells: np.ndarray) -> np.ndarray:
    """The given cells and every cell sharing a relation with one of them."""
    cells = np.asarray(cells, dtype=np.int64)
    if not len(cells):
        return cells
    rows = np.unique(table.rows_of_cells(cells))
    ent, _ = table.entries_of_rows(rows)
    return np.concatenate([cells, table.cells[ent]])


# --------------------------------------------------------------------------- publishing

def round_to_base(count: int, base: int) -> int:
    """Round half up to a multiple of base (DfE: national and regional totals to the nearest 10)."""
    return ((int(count) + base // 2) // base) * base


def round_counts_to_base(counts: np.ndarray, base: int | None) -> np.ndarray:
    """:func:`round_to_base` for a whole column of counts (as floats, so hidden cells can be NaN)."""
    counts = np.asarray(counts, dtype=np.int64)
    if not base:
        return counts.astype(float)
    return (((counts + base // 2) // base) * base).astype(float)


def publish_value(count: int | None, suppressed: bool, round_to: int | None = None) -> int | str:
    """What to print in a cell: ``c`` if suppressed, ``:`` if there is no value, ``k`` if a positive
    count rounds to zero, else the (possibly rounded) count."""
    if suppressed:
        return SUPPRESSED
    if count is None:
        return NOT_AVAILABLE
    if round_to:
        rounded = round_to_base(count, round_to)
        if rounded == 0 and count > 0:
            return ROUNDS_TO_ZERO
        return rounded
    return int(count)


def publish_values(counts: np.ndarray, suppressed: np.ndarray, round_to: int | None = None) -> list[int | str]:
    """:func:`publish_value` for a whole column of cells."""
    return [publish_value(c, s, round_to)
            for c, s in zip(np.asarray(counts).tolist(), np.asarray(suppressed, dtype=bool).tolist(),
                            strict=True)]
