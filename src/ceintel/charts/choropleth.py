"""Choropleth maps from GeoJSON, with hidden areas drawn grey on purpose and every area labelled.

Two things Vega does not do for us: it fills the whole canvas with a polygon
wound counter-clockwise (GeoJSON's usual winding; d3-geo reads rings as
spherical, where clockwise is the inside), and it silently drops shapes whose
value is null (a suppressed cell). So :func:`wind_clockwise` rewinds every
ring here, and hidden areas are their own layer, grey with a dashed edge and
a legend entry. Each area carries a direct label with its value or symbol, so
the map reads in black and white; the lightness of the fill only repeats it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import altair as alt

from ceintel.charts.style import HIDDEN, HIDDEN_LEGEND, HIDDEN_STROKE, INK, SEQUENTIAL, config
from ceintel.charts.values import read_value, records

Ring = list[list[float]]


def signed_area(ring: Ring) -> float:
    """Shoelace area in the plane of longitude (x) and latitude (y): negative when clockwise."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        total += x1 * y2 - x2 * y1
    return total / 2


def _wind(rings: list[Ring]) -> list[Ring]:
    out = []
    for i, ring in enumerate(rings):
        ring = [list(p[:2]) for p in ring]
        clockwise = signed_area(ring) < 0
        if (i == 0) != clockwise:  # exterior clockwise, holes counter-clockwise
            ring = ring[::-1]
        out.append(ring)
    return out


def wind_geometry(geometry: Mapping) -> dict:
    """A Polygon or MultiPolygon with exterior rings clockwise and holes counter-clockwise (as Vega needs)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return {"type": kind, "coordinates": _wind(geometry["coordinates"])}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [_wind(p) for p in geometry["coordinates"]]}
    return copy.deepcopy(dict(geometry))


def wind_clockwise(geojson: Mapping) -> dict:
    """A copy of a FeatureCollection with every polygon rewound for Vega."""
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": dict(f.get("properties") or {}),
                          "geometry": wind_geometry(f["geometry"])} for f in geojson.get("features", [])]}


def _centre(geometry: Mapping) -> tuple[float, float]:
    """The area-weighted centre of the largest polygon: where an area's label goes."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    ring = max((p[0] for p in polygons), key=lambda r: abs(signed_area(r)))
    a = signed_area(ring)
    if abs(a) < 1e-12:
        xs, ys = zip(*[(p[0], p[1]) for p in ring], strict=True)
        return sum(xs) / len(xs), sum(ys) / len(ys)
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (6 * a), cy / (6 * a)


def map_features(geojson: Mapping, data: Any, *, key_property: str, name_property: str, area_code: str = "area_code",
                 value: str = "value", status: str | None = "status", unit: str = "count",
                 label_names: bool = True) -> list[dict]:
    """Features (rewound) with the value, its label and whether it is shown; areas with no row are ``:``."""
    by_code = {str(r.get(area_code)): r for r in records(data)}
    out = []
    for f in wind_clockwise(geojson)["features"]:
        props = f["properties"]
        code = str(props.get(key_property))
        row = by_code.get(code)
        v = read_value(row.get(value), row.get(status) if status else None) if row else read_value(None, ":")
        lon, lat = _centre(f["geometry"])
        name = str(props.get(name_property, code))
        label = f"{name}\n{v.label(unit)}" if label_names else v.label(unit)
        out.append({"type": "Feature", "geometry": f["geometry"],
                    "properties": {"code": code, "name": name, "value": v.number, "label": label,
                                   "shown": v.shown, "hidden": None if v.shown else HIDDEN_LEGEND,
                                   "lon": lon, "lat": lat}})
    return out


def choropleth_spec(geojson: Mapping, data: Any, *, key_property: str, name_property: str, title: str,
                    description: str, area_code: str = "area_code", value: str = "value",
                    status: str | None = "status", unit: str = "count", legend_title: str = "Children",
                    label_names: bool = True, width: int = 440, height: int = 340) -> dict:
    """A Vega-Lite map: shown areas shaded by value, hidden areas grey (with a legend entry), all labelled."""
    features = map_features(geojson, data, key_property=key_property, name_property=name_property,
                            area_code=area_code, value=value, status=status, unit=unit, label_names=label_names)
    base = alt.Chart(alt.Data(values=features))
    shown = base.transform_filter("datum.properties.shown").mark_geoshape(stroke="white", strokeWidth=1).encode(
        color=alt.Color("properties.value:Q", title=legend_title,
                        scale=alt.Scale(scheme=SEQUENTIAL, zero=True),
                        legend=alt.Legend(orient="right", direction="vertical", gradientLength=120)))
    hidden = base.transform_filter("!datum.properties.shown").mark_geoshape(
        stroke=HIDDEN_STROKE, strokeWidth=1, strokeDash=[3, 2]).encode(
        fill=alt.Fill("properties.hidden:N", scale=alt.Scale(domain=[HIDDEN_LEGEND], range=[HIDDEN]),
                      legend=alt.Legend(title=None, orient="bottom", symbolType="square",
                                        symbolStrokeColor=HIDDEN_STROKE)))
    outline = base.mark_geoshape(filled=False, stroke=INK, strokeWidth=0.4)
    labels = base.mark_text(fontSize=10, lineBreak="\n", fontWeight="bold", color=INK, stroke="white",
                            strokeWidth=2.5, strokeOpacity=0.9).encode(
        longitude="properties.lon:Q", latitude="properties.lat:Q", text="properties.label:N")
    labels_fill = base.mark_text(fontSize=10, lineBreak="\n", fontWeight="bold", color=INK).encode(
        longitude="properties.lon:Q", latitude="properties.lat:Q", text="properties.label:N")
    chart = alt.layer(shown, hidden, outline, labels, labels_fill).resolve_scale(color="independent", fill="independent")
    chart = chart.project(type="mercator").properties(title=title, description=description, width=width, height=height)
    spec = chart.to_dict()
    spec["config"] = config()
    return spec
