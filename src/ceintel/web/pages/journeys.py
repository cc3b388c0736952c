"""Journeys and overlaps: which agencies know children, who knew first, how long until help, common pathways.

Aggregates for everyone. An analyst may open one child's timeline (a
pseudonym, events in date order) — a view of record-level data, so it is
audited; everyone else is refused.
"""

import re

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse

from ceintel.charts import bar_spec, sankey_svg, upset_spec
from ceintel.web.pages import signed_in
from ceintel.web.pages.common import analysis, cached_spec, rows, spec_json

PERSON_ID = re.compile(r"^P[0-9a-f]{8,40}$")


def routes(app: FastAPI, state) -> None:
    @app.get("/journeys")
    def journeys(request: Request):
        me = signed_in(state, request)
        combos = analysis(state, me, "agency_combinations")
        combo_rows = combos[combos["kind"] == "combination"] if "kind" in combos.columns else combos
        upset = cached_spec(state, f"upset:{me.audience}", lambda: spec_json(upset_spec(combo_rows, title="Which agencies know the same children",
                                     description="The largest combinations of agencies that recorded an "
                                                 "exploitation concern or contact for the same children."))) \
            if not combo_rows.empty else None
        first = analysis(state, me, "first_to_know")
        knew_first = first[first["measure"] == "knew first"] if "measure" in first.columns else first
        first_spec = cached_spec(state, f"first:{me.audience}", lambda: spec_json(bar_spec(knew_first, category="agency", value="children", status=None,
                                        title="Which agency recorded the child first",
                                        description="Children with an exploitation concern, by the agency "
                                                    "that recorded them first."))) if not knew_first.empty else None
        paths = analysis(state, me, "pathways")
        path_spec = cached_spec(state, f"paths:{me.audience}", lambda: spec_json(bar_spec(paths, category="pathway", value="children", status=None,
                                       title="Commonest journeys between services",
                                       description="The orders in which services first recorded children "
                                                   "with an exploitation concern."))) if not paths.empty else None
        nodes, links = analysis(state, me, "pathway_nodes"), analysis(state, me, "pathway_links")
        sankey = sankey_svg(nodes, links, title="Journeys between services, step by step",
                            description="Each column is a step; bands show how many children moved from one "
                                        "service to the next (c where withheld).") \
            if not nodes.empty and not links.empty else None
        unknown_records = None
        if me.sees_records():
            state.audit(request, me, "view_records", target="/journeys", detail="unknown_to_social_care_records")
            unknown_records = rows(analysis(state, me, "unknown_to_social_care_records"))
        return state.render(
            request, "journeys.html", me, active="/journeys", title="Journeys and overlaps",
            combos=rows(combos), upset=upset, first=rows(first), first_spec=first_spec,
            lag=rows(analysis(state, me, "identification_lag")),
            unknown=rows(analysis(state, me, "unknown_to_social_care")), paths=rows(paths), path_spec=path_spec,
            sankey=sankey, nodes=rows(nodes), links=rows(links), sign=rows(analysis(state, me, "sign_to_help")),
            unknown_records=unknown_records)

    @app.get("/journeys/timeline")
    def timeline_form(request: Request, person_id: str = ""):
        me = signed_in(state, request)
        me.require_records()
        if not PERSON_ID.match(person_id):
            raise HTTPException(404, "no such pseudonym")
        return RedirectResponse(f"/journeys/timeline/{person_id}", status_code=303)

    @app.get("/journeys/timeline/{person_id}")
    def timeline(request: Request, person_id: str):
        me = signed_in(state, request)
        me.require_records()
        if not PERSON_ID.match(person_id):
            raise HTTPException(404, "no such pseudonym")
        state.audit(request, me, "view_records", target=f"timeline {person_id}")
        from ceintel.analysis.context import open_context
        from ceintel.analysis.journeys import timeline as child_timeline

        with open_context(state.ws) as ctx:
            events = child_timeline(ctx, person_id)
        return state.render(request, "timeline.html", me, active="/journeys", title="A child's timeline",
                            person_id=person_id, events=rows(events))
