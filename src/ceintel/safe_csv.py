"""Writing CSV that is safe to open in a spreadsheet: formula-like cells neutralised.

A cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return)
can run as a formula when a CSV is opened in Excel. Values are kept as text
everywhere inside ceintel; every CSV written for people to open goes through
:func:`write_csv`, which prefixes such cells with an apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(path: Path, columns: list[str], rows: Iterable[Mapping[str, object]]) -> int:
    """Write rows (dicts) with a header; returns the number of rows written."""
    n = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise(row.get(c, "")) for c in columns])
            n += 1
    return n
