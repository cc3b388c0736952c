"""Charts: hidden values stay visible, maps are wound for Vega, every SVG carries a title and a description."""

from __future__ import annotations

import re

import pytest

from ceintel.charts import (
    bar_spec,
    choropleth_spec,
    inline_svg,
    network_svg,
    render_svg,
    sankey_svg,
    trend_spec,
    upset_spec,
    wind_clockwise,
)
from ceintel.charts.choropleth import map_features, signed_area
from ceintel.charts.style import HIDDEN, HIDDEN_LEGEND
from ceintel.charts.upset import upset_rows
from ceintel.charts.values import read_value

ROWS = [{"category": "Sexual exploitation", "value": 12.0, "status": ""},
        {"category": "County lines", "value": None, "status": "c"},
        {"category": "Online", "value": 0.0, "status": ""}]


def _title_desc(svg: str, title: str) -> None:
    assert f"<title>{title}</title>" in svg
    desc = re.search(r"<desc>(.*?)</desc>", svg, re.S)
    assert desc and desc.group(1).strip()
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-label="[^"]+"', svg)


def test_read_value_keeps_symbols_and_never_turns_missing_into_zero():
    assert read_value(7, "").number == 7
    assert read_value(None, "c").label() == "c"
    assert read_value(float("nan"), None).label() == ":"
    assert read_value("c").shown is False
    assert read_value("12").number == 12
    assert read_value(0.0, "").label() == "0"


def test_bar_draws_a_hidden_value_as_a_labelled_grey_marker():
    spec = bar_spec(ROWS, category="category", title="Children by type", description="Three types.")
    assert spec["title"] == "Children by type" and spec["description"] == "Three types."
    data = spec["layer"][0]["data"]["values"] if "data" in spec["layer"][0] else spec["data"]["values"]
    hidden = [r for r in data if r["category"] == "County lines"]
    assert hidden and hidden[0]["label"] == "c" and hidden[0]["value"] is None
    svg = render_svg(spec)
    _title_desc(svg, "Children by type")
    assert ">c</text>" in svg  # the symbol is drawn beside the marker
    assert HIDDEN in svg and HIDDEN_LEGEND in svg  # grey marker with its own legend entry
    assert "County lines" in svg  # the category is not dropped


def test_trend_marks_hidden_points_and_labels_series():
    rows = [{"period": p, "series": s, "value": v, "status": "c" if v is None else ""}
            for s, vals in (("Any", (10, None, 14)), ("Sexual", (6, 7, 8))) for p, v in zip(("A", "B", "C"), vals, strict=True)]
    svg = render_svg(trend_spec(rows, period="period", series="series", title="Over time", description="Two lines."))
    _title_desc(svg, "Over time")
    assert ">c</text>" in svg and HIDDEN_LEGEND in svg
    assert ">Sexual</text>" in svg  # direct label at the end of the line


SQUARE = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]  # counter-clockwise, as GeoJSON usually winds
HOLE = [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]  # clockwise


def _geo():
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "A", "name": "Alder"},
         "geometry": {"type": "Polygon", "coordinates": [SQUARE, HOLE]}},
        {"type": "Feature", "properties": {"code": "B", "name": "Birch"},
         "geometry": {"type": "MultiPolygon",
                      "coordinates": [[[[x + 1, y] for x, y in SQUARE]]]}},
        {"type": "Feature", "properties": {"code": "C", "name": "Cedar"},
         "geometry": {"type": "Polygon", "coordinates": [[[x + 2, y] for x, y in SQUARE]]}},
    ]}


def test_choropleth_rings_are_wound_clockwise_for_vega():
    assert signed_area(SQUARE) > 0
    wound = wind_clockwise(_geo())
    a = wound["features"][0]["geometry"]["coordinates"]
    assert signed_area(a[0]) < 0  # exterior clockwise
    assert signed_area(a[1]) > 0  # hole the other way
    b = wound["features"][1]["geometry"]["coordinates"][0][0]
    assert signed_area(b) < 0
    assert signed_area(_geo()["features"][0]["geometry"]["coordinates"][0]) > 0  # the input is not changed


def test_choropleth_draws_hidden_and_missing_areas_grey_with_a_legend_entry():
    rows = [{"area_code": "A", "value": 9.0, "status": ""}, {"area_code": "B", "value": None, "status": "c"}]
    feats = map_features(_geo(), rows, key_property="code", name_property="name")
    by = {f["properties"]["code"]: f["properties"] for f in feats}
    assert by["A"]["shown"] and by["A"]["label"] == "Alder\n9"
    assert not by["B"]["shown"] and by["B"]["label"].endswith("c")
    assert not by["C"]["shown"] and by["C"]["label"].endswith(":")  # no row: not available, not dropped
    svg = render_svg(choropleth_spec(_geo(), rows, key_property="code", name_property="name", title="By ward",
                                     description="Three wards."))
    _title_desc(svg, "By ward")
    assert HIDDEN in svg and HIDDEN_LEGEND in svg
    assert svg.count(HIDDEN) >= 2  # both the suppressed and the unavailable area are filled grey


def test_upset_orders_combinations_and_keeps_hidden_ones():
    combos = [{"agencies": "Police", "children": "9"}, {"agencies": "Police + Health", "children": "c"},
              {"agencies": "Health", "children": "12"}]
    bars, cells, agencies = upset_rows(combos)
    assert [b["members"] for b in bars] == ["Health", "Police", "Police + Health"]
    assert bars[-1]["label"] == "c"
    assert agencies == ["Health", "Police"] and len(cells) == 6
    svg = render_svg(upset_spec(combos, title="Overlaps", description="Three combinations."))
    _title_desc(svg, "Overlaps")


def test_sankey_and_network_are_plain_accessible_svg():
    nodes = [{"node": "1. Education", "step": 1, "children": "12"}, {"node": "1. Police", "step": 1, "children": "c"},
             {"node": "2. Missing episode", "step": 2, "children": "9"}]
    links = [{"source": "1. Education", "target": "2. Missing episode", "children": "9"},
             {"source": "1. Police", "target": "2. Missing episode", "children": "c"}]
    svg = sankey_svg(nodes, links, title="Journeys", description="Two steps.")
    _title_desc(svg, "Journeys")
    assert "Police (c)" in svg and "stroke-dasharray" in svg  # the hidden node and link are drawn, marked
    assert "<script" not in svg
    summary = [{"measure": "peer groups of 3 to 5 children", "value": "2", "counts_people": False},
               {"measure": "adults linked to 5 or more children", "value": "c", "counts_people": True}]
    net = network_svg(summary, title="Networks", description="Two measures.")
    _title_desc(net, "Networks")
    assert net.count("<circle") == 2 * 3  # two groups of three dots
    assert "Adults linked to 5 or more children: c" in net


@pytest.mark.parametrize("make", [
    lambda: render_svg(bar_spec(ROWS, category="category", title="T", description="D")),
    lambda: sankey_svg([{"node": "1. A", "step": 1, "children": "7"}], [], title="T", description="D"),
])
def test_inline_svg_has_no_namespace_urls(make):
    svg = make()
    assert "http" in svg  # a standalone SVG file declares its namespace
    inline = inline_svg(svg)
    assert "http" not in inline and "xlink" not in inline
    assert "<title>T</title>" in inline and 'role="img"' in inline
