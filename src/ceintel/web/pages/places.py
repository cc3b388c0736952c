"""Places: where children are exploited — maps by ward and small area, places of concern, harm outside the area.

Every number comes from the published analysis tables (``ward_rates``,
``small_area_rates``, ...) for the viewer's audience, so a suppressed area is
drawn grey on the map and shown as ``c`` in the table behind it.
"""

import json
import re

from fastapi import FastAPI, Request

from ceintel.charts import choropleth_spec, trend_spec
from ceintel.web.pages import signed_in
from ceintel.web.pages.common import analysis, cached_spec, files, rows, spec_json

LEVELS = {"ward": ("Ward", "ward_rates", "ward_boundaries", r"^wd\d*cd$", r"^wd\d*nm$"),
          "small_area": ("Small area", "small_area_rates", "boundaries", r"^lsoa\d*cd$", r"^lsoa\d*nm$")}
MEASURES = {"children_rate": ("Children with an exploitation concern per 10,000 children", "rate_per_10000",
                              "Per 10,000"),
            "children_with_concern": ("Children with an exploitation concern", "count", "Children"),
            "incident_rate": ("Exploitation incidents per 10,000 children", "rate_per_10000", "Per 10,000"),
            "incidents": ("Exploitation incidents recorded", "count", "Incidents")}
RATE_COLUMNS = [("area_name", "Area"), ("population", "Children living there"),
                ("children_with_concern", "Children with a concern"), ("children_rate", "Per 10,000 children"),
                ("incidents", "Incidents"), ("incident_rate", "Incidents per 10,000 children")]


def _property(geojson: dict, pattern: str, fallback_index: int) -> str:
    """The boundary file's code or name property (``wd24cd``, ``lsoa21nm``, ...), whatever the year."""
    props = list((geojson.get("features") or [{}])[0].get("properties") or {})
    found = [p for p in props if re.match(pattern, p, re.IGNORECASE)]
    return found[0] if found else (props[fallback_index] if len(props) > fallback_index else "code")


def map_spec(state, level: str, measure: str, data) -> dict | None:
    label, _, attr, code_re, name_re = LEVELS[level]
    path = state.ws.root / getattr(state.partnership.geography, attr)
    geojson = files.get(path, lambda p: json.loads(p.read_text(encoding="utf-8")))
    if not geojson or not geojson.get("features"):
        return None
    title, unit, legend = MEASURES[measure]
    return spec_json(choropleth_spec(
        geojson, data, key_property=_property(geojson, code_re, 0), name_property=_property(geojson, name_re, 1),
        title=f"{title}, by {label.lower()}", unit=unit, legend_title=legend, value=measure, status=None,
        label_names=level == "ward",
        description=f"Map of {title.lower()} by {label.lower()}; areas in grey have a value withheld to protect "
                    f"children (shown as c in the table)."))


def routes(app: FastAPI, state) -> None:
    @app.get("/places")
    def places(request: Request, level: str = "ward", measure: str = "children_rate"):
        me = signed_in(state, request)
        level = level if level in LEVELS else "ward"  # only listed values reach a query or a file name
        measure = measure if measure in MEASURES else "children_rate"
        rates = analysis(state, me, LEVELS[level][1])
        spec = cached_spec(state, f"map:{me.audience}:{level}:{measure}", lambda: map_spec(state, level, measure, rates)) \
            if not rates.empty else None
        over_time = analysis(state, me, "incidents_over_time")
        trend = None
        if not over_time.empty:
            trend = cached_spec(state, f"trend:{me.audience}", lambda: spec_json(trend_spec(over_time, period="year", series="ward_name", value="incidents",
                                         status=None, axis_title="Incidents",
                                         title="Exploitation incidents by ward and financial year",
                                         description="Incidents recorded in each ward, one line per ward.")))
        return state.render(
            request, "places.html", me, active="/places", title="Places", level=level, levels=LEVELS,
            measure=measure, measures=MEASURES, spec=spec, rates=rows(rates), rate_columns=RATE_COLUMNS,
            concern=rows(analysis(state, me, "places_of_concern")),
            outside=rows(analysis(state, me, "harmed_outside")),
            over_time=rows(over_time), trend=trend)
