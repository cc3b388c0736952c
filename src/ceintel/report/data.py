"""Looking values up in what was gathered: one published cell, a breakdown, a trend, an analysis table.

Plain functions over :class:`~ceintel.report.gather.Gathered`, so sections
never repeat the filtering, and a missing indicator or table is simply
``None`` or empty (the section then skips it).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ceintel.charts.values import Value, format_number, read_value
from ceintel.framework.dimensions import CATEGORIES
from ceintel.report.gather import Gathered
from ceintel.report.model import Cell

PARTNERSHIP = "partnership"


def cell_rows(g: Gathered, indicator: str, period: str, *, area_level: str = PARTNERSHIP,
              breakdown: str = "all") -> pd.DataFrame:
    c = g.cells
    return c[(c.indicator_id == indicator) & (c.period == period) & (c.area_level == area_level)
             & (c.breakdown == breakdown)]


_INDEX: dict[int, tuple[pd.DataFrame, dict]] = {}


def _index(g: Gathered) -> dict:
    """Cells keyed by (indicator, period, area level, area code, breakdown, category), built once per gathering."""
    held = _INDEX.get(id(g))
    if held is None or held[0] is not g.cells:
        c = g.cells
        keys = zip(c.indicator_id, c.period, c.area_level, c.area_code, c.breakdown, c.category, strict=True)
        held = (g.cells, dict(zip(keys, zip(c.value, c.status, strict=True), strict=True)))
        _INDEX.clear()
        _INDEX[id(g)] = held
    return held[1]


def value(g: Gathered, indicator: str, period: str | None = None, *, area_level: str = PARTNERSHIP,
          area_code: str | None = None, breakdown: str = "all", category: str = "all") -> Value | None:
    """One published value (or its symbol); None when the indicator or cell does not exist."""
    if indicator not in g.indicators:
        return None
    code = area_code if area_code is not None else (PARTNERSHIP if area_level == PARTNERSHIP else None)
    if code is None:
        rows = cell_rows(g, indicator, period or g.period.label, area_level=area_level, breakdown=breakdown)
        rows = rows[rows.category == category]
        return read_value(rows.iloc[0]["value"], rows.iloc[0]["status"]) if not rows.empty else None
    hit = _index(g).get((indicator, period or g.period.label, area_level, code, breakdown, category))
    return read_value(*hit) if hit else None


def unit(g: Gathered, indicator: str) -> str:
    return str(g.indicators.get(indicator, {}).get("unit", "count"))


def is_count(g: Gathered, indicator: str) -> bool:
    return unit(g, indicator) == "count"


def value_cell(g: Gathered, indicator: str, v: Value | None) -> Cell:
    """A table cell for a value: counts are marked, so the disclosure test can find them."""
    if v is None:
        return Cell(":")
    text = v.label(unit(g, indicator))
    return Cell(text, count=is_count(g, indicator) and v.shown, numeric=True)


def category_label(breakdown: str, category: str) -> str:
    for code, label in CATEGORIES.get(breakdown, ()):
        if code == category:
            return label[0].upper() + label[1:]
    return category.replace("_", " ").capitalize()


def breakdown_rows(g: Gathered, indicator: str, breakdown: str, period: str | None = None) -> list[dict]:
    """Rows (category label, value, status) of one breakdown at partnership level, in the framework's order."""
    rows = cell_rows(g, indicator, period or g.period.label, breakdown=breakdown)
    order = [code for code, _ in CATEGORIES.get(breakdown, ())]
    recs = rows.to_dict(orient="records")
    recs.sort(key=lambda r: order.index(r["category"]) if r["category"] in order else len(order))
    return [{"category": category_label(breakdown, r["category"]), "value": r["value"], "status": r["status"]}
            for r in recs]


def trend_rows(g: Gathered, indicators: list[str], *, label: dict[str, str] | None = None) -> list[dict]:
    """Partnership values of each indicator at each trend point (series = the indicator's short label)."""
    out = []
    for ind in indicators:
        if ind not in g.indicators:
            continue
        for p in g.trend:
            v = value(g, ind, p.label)
            out.append({"period": p.label, "series": (label or {}).get(ind, g.indicators[ind]["title"]),
                        "value": v.number if v else None, "status": (v.symbol if v else ":")})
    return out


def analysis(g: Gathered, table: str) -> pd.DataFrame:
    """An analysis table for the chosen audience (empty when the analysis has not been run)."""
    return g.analyses.get(table, pd.DataFrame())


def count_text(raw: Any) -> Cell:
    """A published count from an analysis table (a number or a symbol), marked as a count of people."""
    v = read_value(raw)
    return Cell(v.label(), count=v.shown, numeric=True)


def number_text(raw: Any, unit: str = "count") -> Cell:
    """A figure that is not a count of people (a share, a rate, days, or a count of places or groups)."""
    v = read_value(raw)
    return Cell(v.label(unit), numeric=True)


def share_text(raw: Any, *, fraction: bool = False) -> Cell:
    v = read_value(raw)
    if not v.shown:
        return Cell(v.label(), numeric=True)
    return Cell(format_number(v.number * 100 if fraction else v.number, "percentage"), numeric=True)
