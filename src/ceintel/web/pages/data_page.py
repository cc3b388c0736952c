"""Data: the data map (who holds what, how well), quality per source and over time, and the linkage report.

Nothing here identifies a child: the data map and the quality tables count
rows and fields. Counts of recorded events per month and per exploitation
type can still be small, so below the disclosure threshold they are shown as
``c`` to roles that do not see that agency's records.
"""

import re

from fastapi import FastAPI, Request

from ceintel.charts import trend_spec
from ceintel.warehouse import warehouse_path
from ceintel.web.pages import signed_in
from ceintel.web.pages.common import files, rows, spec_json

SOURCE_COLUMNS = [("agency", "Agency"), ("source_id", "Source"), ("extract_date", "Extract date"),
                  ("rows_read", "Rows read"), ("rows_loaded", "Rows loaded"), ("rows_quarantined", "Rows held back"),
                  ("mean_completeness", "Completeness (mean)"), ("lowest_completeness_field", "Least complete field"),
                  ("mean_validity", "Validity (mean)"), ("days_newest_to_extract", "Days from newest event to extract"),
                  ("coverage", "Share living in the area"), ("gap_months", "Months with a gap"),
                  ("spike_months", "Months with a spike")]


def _threshold(state, me) -> int:
    rule = state.partnership.disclosure.audiences.get(me.audience)
    return rule.threshold if rule else 5


def protect(n, me, agency: str | None, threshold: int):
    """A small count as ``c`` unless the viewer sees this agency's records."""
    if n is None or me.sees_records(agency):
        return n
    return "c" if 0 < int(n) <= threshold else n


def _percent(v):
    return None if v is None else f"{100 * float(v):.0f}%"


def _datamap(state):
    from ceintel.quality.datamap import collect
    from ceintel.warehouse import warehouse_path

    path = warehouse_path(state.ws)
    return files.get(path, lambda _: collect(state.ws), "datamap") if path.exists() else collect(state.ws)


def _linkage(state) -> str | None:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")  # raw HTML in the file is shown as text
    def render(path):  # table alignment comes out as style attributes, which the CSP blocks: drop them
        return re.sub(r' style="[^"]*"', "", md.render(path.read_text(encoding="utf-8")))

    return files.get(state.ws.reports / "linkage.md", render, "linkage")


def routes(app: FastAPI, state) -> None:
    @app.get("/data")
    def data(request: Request, source: str | None = None):
        me = signed_in(state, request)
        threshold = _threshold(state, me)
        entries = []
        for e in _datamap(state):
            agency = e["agency"]
            entries.append({**e, "event_types": [(t, protect(n, me, agency, threshold)) for t, n in e["event_types"]],
                            "recorded": [(t, protect(n, me, agency, threshold)) for t, n in e["recorded"]]})
        quality = rows(state.readers.warehouse("SELECT * FROM quality_source ORDER BY agency, source_id"))
        for q in quality:
            for key in ("mean_completeness", "mean_validity", "coverage"):
                q[key] = _percent(q[key])
        sources = [q["source_id"] for q in quality]
        source = source if source in sources else (sources[0] if sources else None)  # only a known source is queried
        trend, months = None, []
        if source:
            agency = next(q["agency"] for q in quality if q["source_id"] == source)
            df = state.readers.warehouse("SELECT strftime(month, '%Y-%m') AS month, events, flag FROM quality_period "
                                         "WHERE source_id = ? AND event_type IS NULL AND NOT partial ORDER BY month",
                                         [source])
            months = rows(df)
            for m in months:
                m["events"] = protect(m["events"], me, agency, threshold)
            if months:
                def build(months=months, source=source):
                    return spec_json(trend_spec(months, period="month", value="events", status=None,
                                                axis_title="Events", title=f"Events recorded each month: {source}",
                                                description="Events the source recorded each month; gaps and "
                                                            "spikes are flagged in the table."))

                # the spec differs only by source and by whether small counts are shown (the role's view)
                key = f"trend:{source}:{me.sees_records(agency)}:{threshold}"
                trend = files.get(warehouse_path(state.ws), lambda _: build(), key)
        return state.render(request, "data.html", me, active="/data", title="Data", entries=entries,
                            quality=quality, source_columns=SOURCE_COLUMNS, sources=sources, source=source,
                            trend=trend, months=months, linkage=_linkage(state))
