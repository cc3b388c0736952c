"""Disclosure control for analysis tables: the framework's rule, applied to a data frame.

Why here and not in each analysis: an aggregate leaves an analysis only
through :func:`publish_counts`, so every overlap, pathway, ACE or place table
is suppressed by the one rule in :mod:`ceintel.framework.disclosure` (counts 1
to the audience's threshold shown as ``c``, and secondary suppression so that
no hidden count can be worked out from the table's own totals).

A table is "tidy with margins": one row per combination of its ``by``
columns, where a row whose value in a ``by`` column is :data:`ALL` is the total
of the rows that differ from it only in that column. Those totals are the
relations a reader could use, so they are the constraints the suppression
respects. Columns derived from a count (a percentage, a rate, a median of the
rows counted) are blanked wherever the count they come from is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ceintel.framework.disclosure import SUPPRESSED, Constraint, publish_values, suppress

ALL = "All"
"""The value a ``by`` column takes in a total row."""


def margins(df: pd.DataFrame, by: Sequence[str], count: str) -> pd.DataFrame:
    """Add every total row (each subset of ``by`` set to :data:`ALL`) by summing ``count``."""
    by = list(by)
    frames = [df]
    n = len(by)
    for mask in range(1, 1 << n):
        keep = [b for i, b in enumerate(by) if not mask >> i & 1]
        if keep:
            total = df.groupby(keep, dropna=False, as_index=False)[count].sum()
        else:
            total = pd.DataFrame({count: [df[count].sum()]})
        for i, b in enumerate(by):
            if mask >> i & 1:
                total[b] = ALL
        frames.append(total[[*by, count]])
    out = pd.concat(frames, ignore_index=True)
    return out


def constraints_of(df: pd.DataFrame, by: Sequence[str]) -> list[Constraint]:
    """The additive relations of a tidy table with margins (see the module docstring)."""
    by = list(by)
    keys = [tuple(r) for r in df[by].astype(str).itertuples(index=False, name=None)]
    index = {k: i for i, k in enumerate(keys)}
    parts: dict[tuple[int, int], list[int]] = {}
    for i, k in enumerate(keys):
        for d, value in enumerate(k):
            if value == ALL:
                continue
            total = k[:d] + (ALL,) + k[d + 1:]
            t = index.get(total)
            if t is not None:
                parts.setdefault((t, d), []).append(i)
    return [Constraint(t, tuple(p)) for (t, _), p in sorted(parts.items())]


def publish_counts(df: pd.DataFrame, by: Sequence[str], count: str, *, threshold: int,
                   round_to: int | None = None, derived: Sequence[str] = (),
                   protect: np.ndarray | None = None) -> pd.DataFrame:
    """The table as it may be published: ``count`` suppressed (``c``), ``derived`` columns blanked with it.

    The frame must already hold its margin rows (:func:`margins`); a ``count``
    that does not add up raises, because a table whose totals disagree with
    its parts cannot be protected by them.
    """
    out = df.reset_index(drop=True)
    return publish_with(out, count, constraints_of(out, by), threshold=threshold, round_to=round_to,
                        derived=derived, protect=protect)


def publish_with(df: pd.DataFrame, count: str, constraints: Sequence[Constraint], *, threshold: int,
                 round_to: int | None = None, derived: Sequence[str] = (),
                 protect: np.ndarray | None = None) -> pd.DataFrame:
    """:func:`publish_counts` with the relations given (row positions), for tables that are not a margin grid:
    e.g. UpSet data, where each agency's total is the sum of the combinations that include it."""
    out = df.reset_index(drop=True).copy()
    counts = out[count].fillna(0).astype(np.int64).to_numpy()
    hidden = suppress(counts, constraints, threshold, protect=protect)
    out[count] = publish_values(counts, hidden, round_to)
    for col in derived:
        values = out[col].astype(object)
        values[hidden] = SUPPRESSED
        out[col] = values
    return out

