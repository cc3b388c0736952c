"""Networks: peer groups, adults linked to children and places linking groups.

Everyone sees the aggregate summary. Roles that see record-level data (the
analyst) also see the pseudonymised graph — ``person_id`` pseudonyms, never
names — and every such view is written to the audit log (DESIGN principle 4).
"""

from fastapi import FastAPI, Request

from ceintel.charts import network_svg
from ceintel.web.pages import signed_in
from ceintel.web.pages.common import analysis, rows
from ceintel.web.pages.graph_svg import graph_svg


def routes(app: FastAPI, state) -> None:
    @app.get("/networks")
    def networks(request: Request):
        me = signed_in(state, request)
        summary = analysis(state, me, "network_summary")
        picture = network_svg(summary, title="Peer groups and links",
                              description="Peer groups of children linked to each other, by size, and the "
                                          "adults and places recorded as linked to them.") if not summary.empty else None
        records = None
        if me.sees_records():
            state.audit(request, me, "view_records", target="/networks",
                        detail="network_nodes, network_edges, adults_linked, bridging_places")
            nodes, edges = analysis(state, me, "network_nodes"), analysis(state, me, "network_edges")
            records = {"nodes": rows(nodes), "edges": rows(edges),
                       "adults": rows(analysis(state, me, "adults_linked")),
                       "bridging": rows(analysis(state, me, "bridging_places")),
                       "graph": graph_svg(nodes, edges) if not nodes.empty else None}
        return state.render(request, "networks.html", me, active="/networks", title="Networks",
                            summary=rows(summary), picture=picture, records=records)
