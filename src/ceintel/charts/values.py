"""From published rows to what a chart draws: each value either shown, or hidden with its symbol.

Published tables give a number, or a status symbol in its place (``c``, ``z``,
``:``, ``k``), either in a ``status`` column (the framework) or as text in the
value column itself (the analyses). This module reads both into one shape, so
no chart has to guess and no hidden value is ever dropped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Value:
    """A number to draw, or the symbol that stands in its place."""

    number: float | None
    symbol: str = ""

    @property
    def shown(self) -> bool:
        return self.number is not None

    def label(self, unit: str = "count") -> str:
        """The value as a reader sees it: a formatted number or its symbol."""
        if self.number is None:
            return self.symbol or ":"
        return format_number(self.number, unit)


def format_number(x: float, unit: str = "count") -> str:
    """Counts as whole numbers with thousands separators; percentages and rates with one decimal."""
    if unit == "percentage":
        return f"{x:.1f}%"
    if unit in ("rate_per_10000", "rate"):
        return f"{x:,.1f}"
    if unit == "median_days":
        return f"{x:,.0f} days"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.1f}"


def read_value(raw: Any, status: Any = None) -> Value:
    """One cell: a number (shown unless a status says otherwise) or a symbol.

    A value that is missing with no status is "not available" (``:``), never zero.
    """
    symbol = "" if status is None or (isinstance(status, float) and math.isnan(status)) else str(status).strip()
    if symbol and symbol != "k":
        return Value(None, symbol)
    if raw is None:
        return Value(None, symbol or ":")
    if isinstance(raw, str):
        text = raw.strip()
        try:
            return Value(float(text.replace(",", "")))
        except ValueError:
            return Value(None, text or ":")
    try:
        number = float(raw)
    except (TypeError, ValueError):
        return Value(None, ":")
    if math.isnan(number):
        return Value(None, symbol or ":")
    return Value(number)


def records(data: Any) -> list[dict]:
    """Rows of a data frame (or any iterable of mappings) as plain dicts."""
    if hasattr(data, "to_dict"):
        return [dict(r) for r in data.to_dict(orient="records")]
    return [dict(r) for r in data]


def values_of(rows: Iterable[Mapping], value: str, status: str | None = "status") -> list[Value]:
    return [read_value(r.get(value), r.get(status) if status else None) for r in rows]
