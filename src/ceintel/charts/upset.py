"""UpSet-style chart: how many children each combination of agencies knows, with a dot matrix beneath.

Venn diagrams stop being readable past three agencies; an UpSet chart shows
any number. The top panel is a bar per combination (hidden counts as grey
"c" markers), the panel below marks which agencies make up each combination
with filled dots, so it reads without colour.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from ceintel.charts.style import (
    BAR,
    HIDDEN,
    HIDDEN_LEGEND,
    HIDDEN_STROKE,
    INK,
    SHOWN_LEGEND,
    config,
)
from ceintel.charts.values import read_value, records


def upset_rows(data: Any, *, sets: str = "agencies", value: str = "children", separator: str = " + ",
               limit: int = 12) -> tuple[list[dict], list[dict], list[str]]:
    """Combination bars (largest first, hidden last), matrix cells, and the agencies in order of appearance."""
    combos = []
    for r in records(data):
        v = read_value(r.get(value))
        members = [m.strip() for m in str(r.get(sets, "")).split(separator) if m.strip()]
        combos.append((v, members))
    combos.sort(key=lambda c: (c[0].number is None, -(c[0].number or 0), len(c[1]), c[1]))
    combos = combos[:limit]
    agencies = sorted({m for _, ms in combos for m in ms})
    bars, cells = [], []
    for i, (v, members) in enumerate(combos):
        key = f"{i + 1:02d}"
        bars.append({"combo": key, "value": v.number, "pos": v.number if v.shown else 0.0, "label": v.label(),
                     "shown_as": SHOWN_LEGEND if v.shown else HIDDEN_LEGEND, "members": " + ".join(members)})
        for a in agencies:
            cells.append({"combo": key, "agency": a, "member": a in members})
    return bars, cells, agencies


def upset_spec(data: Any, *, title: str, description: str, sets: str = "agencies", value: str = "children",
               separator: str = " + ", limit: int = 12, axis_title: str = "Children") -> dict:
    """A Vega-Lite spec of the ``limit`` largest combinations (the rest are left to the data table)."""
    bars, cells, agencies = upset_rows(data, sets=sets, value=value, separator=separator, limit=limit)
    order = [b["combo"] for b in bars]
    x = alt.X("combo:N", sort=order, title=None, axis=alt.Axis(labels=False, ticks=False, domain=False))
    color = alt.Color("shown_as:N", title=None,
                      scale=alt.Scale(domain=[SHOWN_LEGEND, HIDDEN_LEGEND], range=[BAR, HIDDEN]),
                      legend=alt.Legend(symbolType="square", symbolStrokeColor=HIDDEN_STROKE))
    top = alt.Chart(alt.Data(values=bars))
    y = alt.Y("pos:Q", title=axis_title, axis=alt.Axis(tickCount=4))
    layers = alt.layer(
        top.transform_filter("datum.value != null").mark_bar(width={"band": 0.7}).encode(x=x, y=y, color=color),
        top.transform_filter("datum.value == null").mark_square(size=80, stroke=HIDDEN_STROKE, strokeDash=[2, 1],
                                                                 opacity=1).encode(x=x, y=y, color=color),
        top.mark_text(dy=-8).encode(x=x, y=y, text="label:N"),
    ).properties(height=150, width=alt.Step(26))
    grid = alt.Chart(alt.Data(values=cells))
    yy = alt.Y("agency:N", sort=agencies, title=None, axis=alt.Axis(labelLimit=300, ticks=False, domain=False))
    matrix = alt.layer(
        grid.mark_circle(size=70, color="#e0e0e0", opacity=1).encode(x=x, y=yy),
        grid.transform_filter("datum.member").mark_circle(size=90, color=INK, opacity=1).encode(x=x, y=yy),
        grid.transform_filter("datum.member").mark_line(color=INK, strokeWidth=2).encode(x=x, y=yy, detail="combo:N"),
    ).properties(width=alt.Step(26), height=alt.Step(20))
    chart = alt.vconcat(layers, matrix, spacing=4).resolve_scale(x="shared").properties(
        title=title, description=description)
    spec = chart.to_dict()
    spec["config"] = config()
    return spec
