"""Trend lines over periods: each series its own dash and point shape, hidden points marked on the axis.

Periods are drawn in the order given (the framework's ``sort``), so labels
such as "12 months to 2026-03" need no date parsing. A hidden value breaks
the line and leaves a grey "c" marker on the baseline, never a silent gap.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from ceintel.charts.style import (
    DASHES,
    HIDDEN,
    HIDDEN_LEGEND,
    HIDDEN_STROKE,
    SERIES,
    SHAPES,
    config,
)
from ceintel.charts.values import read_value, records


def trend_rows(data: Any, period: str, value: str = "value", status: str | None = "status",
               series: str | None = None, unit: str = "count") -> list[dict]:
    out = []
    for i, r in enumerate(records(data)):
        v = read_value(r.get(value), r.get(status) if status else None)
        out.append({"period": str(r.get(period)), "order": i, "series": str(r.get(series)) if series else "",
                    "value": v.number, "label": v.label(unit), "hidden": HIDDEN_LEGEND if not v.shown else None})
    return out


def trend_spec(data: Any, *, period: str, title: str, description: str, value: str = "value",
               status: str | None = "status", series: str | None = None, unit: str = "count",
               axis_title: str = "Children", width: int = 460, height: int = 200) -> dict:
    """A Vega-Lite spec: a line per series over ``period`` (in row order), values labelled at each point."""
    rows = trend_rows(data, period, value, status, series, unit)
    names = list(dict.fromkeys(r["series"] for r in rows))
    n = max(1, min(len(names), len(SERIES)))
    base = alt.Chart(alt.Data(values=rows))
    periods = list(dict.fromkeys(r["period"] for r in rows))
    x = alt.X("period:O", sort=periods, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=140))
    y = alt.Y("value:Q", title=axis_title, scale=alt.Scale(zero=True), axis=alt.Axis(tickCount=5))
    shown = base.transform_filter("datum.value != null")
    legend = alt.Legend(title=None) if series else None
    line = base.mark_line(strokeWidth=2, point=False, invalid="break-paths-show-path-domains").encode(
        x=x, y=y,
        color=alt.Color("series:N", scale=alt.Scale(domain=names, range=list(SERIES[:n])), legend=legend),
        strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=names, range=[list(d) for d in DASHES[:n]]),
                                  legend=legend),
        detail="series:N")
    points = shown.mark_point(filled=True, size=45).encode(
        x=x, y=y,
        color=alt.Color("series:N", scale=alt.Scale(domain=names, range=list(SERIES[:n])), legend=legend),
        shape=alt.Shape("series:N", scale=alt.Scale(domain=names, range=list(SHAPES[:n])), legend=legend))
    labels = shown.mark_text(dy=-9, fontSize=10).encode(x=x, y=y, text="label:N")
    hidden = base.transform_filter("datum.value == null").transform_calculate(zero="0")
    marker = hidden.mark_square(size=70, stroke=HIDDEN_STROKE, strokeDash=[2, 1], opacity=1).encode(
        x=x, y=alt.Y("zero:Q"),
        fill=alt.Fill("hidden:N", scale=alt.Scale(domain=[HIDDEN_LEGEND], range=[HIDDEN]),
                      legend=alt.Legend(title=None, symbolType="square", symbolStrokeColor=HIDDEN_STROKE)))
    marker_text = hidden.mark_text(dy=-10, fontSize=10).encode(x=x, y=alt.Y("zero:Q"), text="label:N")
    layers = [line, points, labels, marker, marker_text]
    if series and len(names) > 1:
        last = shown.transform_window(rank="rank()", sort=[alt.SortField("order", order="descending")],
                                      groupby=["series"]).transform_filter("datum.rank == 1")
        layers.append(last.mark_text(align="left", dx=8, fontSize=10).encode(x=x, y=y, text="series:N"))
    chart = alt.layer(*layers).resolve_scale(color="shared").properties(
        title=title, description=description, width=width, height=height)
    spec = chart.to_dict()
    spec["config"] = config()
    return spec
