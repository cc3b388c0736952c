"""Vega-Lite specifications for the web pages (until the shared ``ceintel.charts`` package covers them).

Suppressed values are never silently dropped: a bar or point whose value is
hidden is drawn as a grey mark labelled ``c`` at zero height, so a reader sees
that a number exists and is protected.
"""

from __future__ import annotations

import math

import pandas as pd

INK, ACCENT, GREY = "#1b1b1b", "#1d4f91", "#8c8c8c"


def _values(df: pd.DataFrame, x: str, y: str, status: str = "status") -> list[dict]:
    out = []
    for r in df.to_dict("records"):
        v = r.get(y)
        shown = v is not None and not (isinstance(v, float) and math.isnan(v)) and r.get(status, "") in ("", None)
        out.append({"x": str(r[x]), "y": float(v) if shown else 0.0, "label": _label(v) if shown else
                    (r.get(status) or ":"), "hidden": not shown})
    return out


def _label(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.1f}"


def trend(df: pd.DataFrame, x: str, y: str, title: str, unit: str = "count") -> dict:
    """Values over periods: a line of the shown values, grey ``c`` marks where a value is hidden."""
    values = _values(df, x, y)
    return {
        "title": title, "width": "container", "height": 220, "data": {"values": values},
        "encoding": {"x": {"field": "x", "type": "ordinal", "title": None, "sort": None,
                           "axis": {"labelAngle": -40, "labelColor": INK}},
                     "y": {"field": "y", "type": "quantitative", "title": unit.replace("_", " "),
                           "axis": {"labelColor": INK}}},
        "layer": [
            {"transform": [{"filter": "!datum.hidden"}], "mark": {"type": "line", "color": ACCENT, "point": True}},
            {"transform": [{"filter": "datum.hidden"}],
             "mark": {"type": "text", "color": GREY, "dy": -6, "fontWeight": "bold"}, "encoding": {"text": {"field": "label"}}},
        ],
        "config": {"font": "DejaVu Sans", "view": {"stroke": None}},
    }


def bars(df: pd.DataFrame, x: str, y: str, title: str, unit: str = "count") -> dict:
    """A horizontal bar per category; hidden values are a grey ``c`` label at zero."""
    values = _values(df, x, y)
    return {
        "title": title, "width": "container", "height": {"step": 22}, "data": {"values": values},
        "encoding": {"y": {"field": "x", "type": "nominal", "title": None, "sort": None},
                     "x": {"field": "y", "type": "quantitative", "title": unit.replace("_", " ")}},
        "layer": [
            {"mark": {"type": "bar", "color": ACCENT}, "transform": [{"filter": "!datum.hidden"}]},
            {"mark": {"type": "text", "align": "left", "dx": 4, "color": INK}, "encoding": {"text": {"field": "label"}}},
        ],
        "config": {"font": "DejaVu Sans", "view": {"stroke": None}},
    }
