"""The framework: every indicator, and one indicator's chart, table, breakdowns, question, limits and sources."""

import json

from fastapi import FastAPI, HTTPException, Request

from ceintel.framework.dimensions import BREAKDOWN_LABELS
from ceintel.web import specs
from ceintel.web.pages import signed_in

PERIOD_KINDS = {"month": "Months", "quarter": "Quarters", "financial_year": "Financial years",
                "rolling_12_months": "Rolling 12 months"}
AREA_LEVELS = {"partnership": "Partnership", "council": "Council", "ward": "Ward", "small_area": "Small area"}


def routes(app: FastAPI, state) -> None:
    @app.get("/framework")
    def framework(request: Request):
        me = signed_in(state, request)
        inds = state.readers.indicators()
        themes = [(group.iloc[0]["theme_title"], group.to_dict("records")) for _, group in inds.groupby("theme", sort=False)]
        return state.render(request, "framework.html", me, active="/framework", themes=themes, title="Framework")

    @app.get("/framework/{indicator_id}")
    def indicator(request: Request, indicator_id: str, period_kind: str = "quarter", breakdown: str = "all",
                  area_level: str = "partnership", period: str | None = None):
        me = signed_in(state, request)
        ind = state.readers.indicator(indicator_id)
        if ind is None:
            raise HTTPException(404, "no such indicator")
        allowed_breakdowns = ["all", *json.loads(ind["breakdowns"] or "[]")]
        geographies = json.loads(ind["geographies"] or "[]") or ["partnership"]
        # only values from the lists are used in queries; anything else falls back to the default
        period_kind = period_kind if period_kind in PERIOD_KINDS else "quarter"
        breakdown = breakdown if breakdown in allowed_breakdowns else "all"
        area_level = area_level if area_level in geographies else "partnership"
        series = state.readers.cells(me, indicator_id, period_kind=period_kind, area_level="partnership")
        series = series[series["category"] == "all"]
        periods = list(series["period"])
        chosen = period if period in periods else (periods[-1] if periods else None)
        detail = state.readers.cells(me, indicator_id, period_kind=period_kind, period=chosen,
                                     area_level=area_level, breakdown=breakdown) if chosen else series.iloc[0:0]
        unit = ind["unit"]
        spec = json.dumps(specs.trend(series, "period", "value", f"{ind['title']} ({PERIOD_KINDS[period_kind].lower()})",
                                      unit))
        label = "area_name" if area_level != "partnership" and breakdown == "all" else "category"
        bar_spec = json.dumps(specs.bars(detail, label, "value", f"{chosen}: by {BREAKDOWN_LABELS.get(breakdown, breakdown)}"
                                         if breakdown != "all" else f"{chosen}: by {AREA_LEVELS[area_level].lower()}",
                                         unit)) if len(detail) > 1 else None
        narratives = _narratives(state, "indicator", indicator_id)
        return state.render(request, "indicator.html", me, active="/framework", ind=ind, title=ind["title"],
                            series=series.to_dict("records"), detail=detail.to_dict("records"), label=label,
                            spec=spec, bar_spec=bar_spec, period_kind=period_kind, period=chosen, periods=periods,
                            breakdown=breakdown, breakdowns=allowed_breakdowns, area_level=area_level,
                            geographies=geographies, period_kinds=PERIOD_KINDS, area_levels=AREA_LEVELS,
                            breakdown_labels=BREAKDOWN_LABELS, sources=json.loads(ind["sources"] or "[]"),
                            caveats=json.loads(ind["caveats"] or "[]"), narratives=narratives)


def _narratives(state, kind: str, target: str) -> list:
    from ceintel.store.narratives import current_narratives

    with state.sessions() as s:
        return current_narratives(s, kind, target)
