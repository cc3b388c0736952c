"""Horizontal bar chart of published values, hidden values drawn as labelled grey markers.

A suppressed count is part of the picture: leaving its bar out would read
as zero. Each hidden value is a grey square on the axis with its symbol
beside it, and has its own legend entry; every shown bar carries its value
as a direct label, so the chart reads in black and white without a legend.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from ceintel.charts.style import BAR, HIDDEN, HIDDEN_LEGEND, HIDDEN_STROKE, SHOWN_LEGEND, config
from ceintel.charts.values import read_value, records


def bar_rows(data: Any, category: str, value: str = "value", status: str | None = "status",
             unit: str = "count") -> list[dict]:
    """One row per category: the number (or None), where to draw it, its label and whether it is shown."""
    out = []
    for i, r in enumerate(records(data)):
        v = read_value(r.get(value), r.get(status) if status else None)
        out.append({"category": str(r.get(category)), "value": v.number, "pos": v.number if v.shown else 0.0,
                    "label": v.label(unit), "shown_as": SHOWN_LEGEND if v.shown else HIDDEN_LEGEND, "order": i})
    return out


def bar_spec(data: Any, *, category: str, title: str, description: str, value: str = "value",
             status: str | None = "status", unit: str = "count", axis_title: str = "Children",
             width: int = 380) -> dict:
    """A Vega-Lite spec: one bar per row of ``data`` in the given order; hidden values as grey "c" markers."""
    rows = bar_rows(data, category, value, status, unit)
    base = alt.Chart(alt.Data(values=rows))
    y = alt.Y("category:N", sort=list(dict.fromkeys(r["category"] for r in rows)), title=None,
              axis=alt.Axis(labelLimit=340, ticks=False, domain=False))
    color = alt.Color("shown_as:N", title=None,
                      scale=alt.Scale(domain=[SHOWN_LEGEND, HIDDEN_LEGEND], range=[BAR, HIDDEN]),
                      legend=alt.Legend(symbolType="square", symbolStrokeColor=HIDDEN_STROKE))
    maximum = max([r["pos"] for r in rows] + [1.0])
    x = alt.X("pos:Q", title=axis_title, scale=alt.Scale(domain=[0, maximum * 1.18], nice=False),
              axis=alt.Axis(format="~s" if unit == "count" else "~g", tickCount=5))
    bars = base.transform_filter("datum.value != null").mark_bar(height={"band": 0.7}).encode(
        y=y, x=x, color=color)
    hidden = base.transform_filter("datum.value == null").mark_square(
        size=90, stroke=HIDDEN_STROKE, strokeDash=[2, 1], strokeWidth=1, opacity=1).encode(y=y, x=x, color=color)
    labels = base.mark_text(align="left", baseline="middle", dx=7).encode(y=y, x=x, text="label:N")
    chart = alt.layer(bars, hidden, labels).properties(
        title=title, description=description, width=width, height=alt.Step(24))
    spec = chart.to_dict()
    spec["config"] = config()
    return spec
