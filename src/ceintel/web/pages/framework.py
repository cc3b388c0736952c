"""The framework: every indicator, and one indicator's chart, table, breakdowns, question, limits and sources."""

import json

from fastapi import FastAPI, HTTPException, Request

from ceintel.charts import bar_spec, trend_spec
from ceintel.framework.dimensions import BREAKDOWN_LABELS
from ceintel.web.pages import signed_in
from ceintel.web.pages.common import cached_framework
from ceintel.web.pages.overview import axis_title_for

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
        period = period if period in set(state.readers.periods(period_kind)["period"]) else None
        key = f"indicator:{me.audience}:{indicator_id}:{period_kind}:{breakdown}:{area_level}:{period}"
        page = cached_framework(state, key, lambda: _page(state, me, ind, period_kind, breakdown, area_level, period))
        narratives = _narratives(state, "indicator", indicator_id)
        return state.render(request, "indicator.html", me, active="/framework", ind=ind, title=ind["title"],
                            **page, period_kind=period_kind,
                            breakdown=breakdown, breakdowns=allowed_breakdowns, area_level=area_level,
                            geographies=geographies, period_kinds=PERIOD_KINDS, area_levels=AREA_LEVELS,
                            breakdown_labels=BREAKDOWN_LABELS, sources=json.loads(ind["sources"] or "[]"),
                            caveats=json.loads(ind["caveats"] or "[]"), narratives=narratives)


def _page(state, me, ind: dict, period_kind: str, breakdown: str, area_level: str, period: str | None) -> dict:
    """The indicator page's rows and chart specs (cached by the caller until the next framework build)."""
    indicator_id, unit = ind["id"], ind["unit"]
    series = state.readers.cells(me, indicator_id, period_kind=period_kind, area_level="partnership")
    series = series[series["category"] == "all"]
    periods = list(series["period"])
    chosen = period if period in periods else (periods[-1] if periods else None)
    detail = state.readers.cells(me, indicator_id, period_kind=period_kind, period=chosen,
                                 area_level=area_level, breakdown=breakdown) if chosen else series.iloc[0:0]
    axis = axis_title_for(unit)
    series_title = f"{ind['title']} ({PERIOD_KINDS[period_kind].lower()})"
    spec = json.dumps(trend_spec(series, period="period", title=series_title, unit=unit, axis_title=axis,
                                 description=f"{series_title}, partnership; hidden values shown as c"))
    label = "area_name" if area_level != "partnership" and breakdown == "all" else "category"
    detail_title = (f"{chosen}: by {BREAKDOWN_LABELS.get(breakdown, breakdown)}" if breakdown != "all"
                    else f"{chosen}: by {AREA_LEVELS[area_level].lower()}")
    bar = json.dumps(bar_spec(detail, category=label, title=detail_title, unit=unit, axis_title=axis,
                              description=f"{ind['title']}, {detail_title}; hidden values shown as c")) \
        if len(detail) > 1 else None
    return {"series": series.to_dict("records"), "detail": detail.to_dict("records"), "label": label, "spec": spec,
            "bar_spec": bar, "period": chosen, "periods": periods}


def _narratives(state, kind: str, target: str) -> list:
    from ceintel.store.narratives import current_narratives

    with state.sessions() as s:
        return current_narratives(s, kind, target)
