"""The overview: each theme's headline indicators, latest 12 months against the 12 before, with trends."""

import json

from fastapi import FastAPI, Request

from ceintel.charts import trend_spec
from ceintel.web.pages import signed_in
from ceintel.web.pages.common import cached_framework

HEADLINES_PER_THEME = 2


def headline(state, me, ind: dict) -> dict:
    """The newest complete rolling-12-month value and the one a year before, for one indicator."""
    cells = state.readers.cells(me, ind["id"], period_kind="rolling_12_months")
    cells = cells[cells["complete"]]
    out = {"id": ind["id"], "title": ind["title"], "unit": ind["unit"], "question": ind["question"],
           "latest": None, "before": None, "period": None, "spec": None}
    if cells.empty:
        return out
    latest = cells.iloc[-1]
    out.update(period=latest["period"], latest=latest["value"] if latest["status"] == "" else latest["status"])
    if len(cells) > 12:
        before = cells.iloc[-13]
        out["before"] = before["value"] if before["status"] == "" else before["status"]
    quarters = state.readers.cells(me, ind["id"], period_kind="quarter")
    title = f"{ind['title']}: by quarter"
    out["spec"] = json.dumps(trend_spec(quarters, period="period", title=title, unit=ind["unit"],
                                        description=f"{title}; hidden values shown as c", axis_title=axis_title_for(ind["unit"])))
    out["rows"] = quarters[["period", "value", "status"]].to_dict("records")
    return out


def axis_title_for(unit: str) -> str:
    return {"count": "Number", "rate_per_10000": "Per 10,000 children", "percentage": "Per cent",
            "median_days": "Days"}.get(unit, unit)


def routes(app: FastAPI, state) -> None:
    @app.get("/")
    def overview(request: Request):
        me = signed_in(state, request)

        def build():
            inds = state.readers.indicators()
            out = []
            for _, group in inds.groupby("theme", sort=False):
                chosen = group[group["unit"].isin(["count", "rate_per_10000"])].head(HEADLINES_PER_THEME)
                out.append({"theme": group.iloc[0]["theme_title"],
                            "headlines": [headline(state, me, r) for r in chosen.to_dict("records")]})
            return out

        themes = cached_framework(state, f"overview:{me.audience}", build)
        info = state.readers.build_info()
        return state.render(request, "overview.html", me, active="/", themes=themes, info=info,
                            title="Overview")
