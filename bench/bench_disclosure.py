"""Benchmark: secondary suppression on a realistic borough-shaped indicator table.

    python bench/bench_disclosure.py --councils 1 5 10 --runs 3

The table: 1 partnership -> councils -> ~20 wards each -> ~6 small areas each;
42 months, 14 quarters, 4 financial years (the last one part-year) and 31
rolling 12-month windows, every period a sum of months; a breakdown
(all children = girls + boys). Counts are Poisson at small-area-month-sex level
with small, uneven means, summed up every margin, so most small-area cells are
below the threshold, as in real small-area tables. The relations: every area is
the sum of its children, every period the sum of its months, every "all" the sum
of its categories. Five councils give about 200,000 cells.

Prints a Markdown table (cells, relations, primary and final suppressed cells,
seconds for ``suppress``, seconds for a separate full audit with ``recoverable``)
to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

from ceintel.framework.disclosure import Constraint, ConstraintSet, primary, recoverable, suppress

MONTHS = 42
QUARTERS = [list(range(3 * q, 3 * q + 3)) for q in range(MONTHS // 3)]
YEARS = [list(range(12 * y, min(12 * y + 12, MONTHS))) for y in range((MONTHS + 11) // 12)]
ROLLING = [list(range(t - 11, t + 1)) for t in range(11, MONTHS)]
PERIODS = [[m] for m in range(MONTHS)] + QUARTERS + YEARS + ROLLING
PERIODS_NO_ROLLING = [[m] for m in range(MONTHS)] + QUARTERS + YEARS


def build(councils: int, seed: int = 1, categories: int = 2, mean: float = 0.15,
          rolling: bool = True) -> tuple[np.ndarray, list[Constraint]]:
    """Counts and relations of one synthetic indicator table: ``categories`` breakdown
    categories (girls, boys) plus "all" (none if 0), small-area monthly means averaging
    ``mean`` per category, with or without the rolling 12-month windows."""
    periods = PERIODS if rolling else PERIODS_NO_ROLLING
    rng = np.random.default_rng(seed)
    parent = [-1]  # area 0 is the partnership
    for _ in range(councils):
        council = len(parent)
        parent.append(0)
        for _ in range(int(rng.integers(15, 26))):
            ward = len(parent)
            parent.append(council)
            parent.extend([ward] * int(rng.integers(4, 9)))
    parent = np.array(parent)
    n_areas = len(parent)
    children = [[] for _ in range(n_areas)]
    for a, p in enumerate(parent):
        if p >= 0:
            children[p].append(a)
    leaves = [a for a in range(n_areas) if not children[a]]
    n_periods, n_breakdown = len(periods), categories + 1

    def cell(area: int, period: int, b: int) -> int:
        return (area * n_periods + period) * n_breakdown + b

    # Leaf counts: small areas x months x categories, means between ~0.02 and ~0.5.
    counts = np.zeros((n_areas, n_periods, n_breakdown), dtype=np.int64)
    means = rng.gamma(1.5, mean / 1.5, size=len(leaves))
    for a, m in zip(leaves, means, strict=True):
        if categories:
            counts[a, :MONTHS, 1:] = rng.poisson(m, size=(MONTHS, categories))
        else:
            counts[a, :MONTHS, 0] = rng.poisson(m, size=MONTHS)
    if categories:
        counts[:, :MONTHS, 0] = counts[:, :MONTHS, 1:].sum(axis=2)
    for p, months in enumerate(periods[MONTHS:], start=MONTHS):
        counts[:, p, :] = counts[:, months, :].sum(axis=1)
    for a in sorted(range(n_areas), key=lambda a: -depth(parent, a)):  # deepest first
        if children[a]:
            counts[a] = counts[children[a]].sum(axis=0)

    constraints: list[Constraint] = []
    for a in range(n_areas):
        if children[a]:
            for p in range(n_periods):
                for b in range(n_breakdown):
                    constraints.append(Constraint(cell(a, p, b), tuple(cell(c, p, b) for c in children[a])))
        for p, months in enumerate(periods[MONTHS:], start=MONTHS):
            for b in range(n_breakdown):
                constraints.append(Constraint(cell(a, p, b), tuple(cell(a, m, b) for m in months)))
        if categories:
            for p in range(n_periods):
                constraints.append(Constraint(cell(a, p, 0), tuple(cell(a, p, b) for b in range(1, n_breakdown))))
    return counts.reshape(-1), constraints


def depth(parent: np.ndarray, a: int) -> int:
    d = 0
    while parent[a] >= 0:
        a, d = int(parent[a]), d + 1
    return d


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--councils", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threshold", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| councils | cells | relations | primary | suppressed | compile s | suppress s (median) "
          "| audit s | recoverable |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for councils in args.councils:
        counts, constraints = build(councils)
        started = time.perf_counter()
        table = ConstraintSet(constraints, len(counts))
        compile_s = time.perf_counter() - started
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            mask = suppress(counts, table, args.threshold)
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
        leaked = recoverable(counts, table, mask)
        audit_s = time.perf_counter() - started
        print(f"| {councils} | {len(counts):,} | {len(constraints):,} | "
              f"{int(primary(counts, args.threshold).sum()):,} | {int(mask.sum()):,} | {compile_s:.2f} | "
              f"{statistics.median(times):.2f} | {audit_s:.2f} | {len(leaked)} |")


if __name__ == "__main__":
    main()
