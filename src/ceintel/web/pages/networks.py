"""Networks: peer groups, adults linked to children and places linking groups.

Everyone sees the aggregate summary. Roles that see record-level data (the
analyst) also see the pseudonymised graph — ``person_id`` pseudonyms, never
names — and every such view is written to the audit log (DESIGN principle 4).
"""

import pandas as pd
from fastapi import FastAPI, Request

from ceintel.charts import network_svg
from ceintel.web.pages import signed_in
from ceintel.web.pages.common import analysis, cached_spec, rows
from ceintel.web.pages.graph_svg import graph_svg

MAX_NODES = 300
"""The picture and its tables show at most this many people and places: a region's graph has tens of thousands."""
MAX_ROWS = 200


def focus(nodes: pd.DataFrame, edges: pd.DataFrame, limit: int = MAX_NODES) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The largest peer groups with the adults and places linked to them, up to ``limit`` nodes.

    Groups are taken whole, largest first, so the picture shows real
    structure rather than a random sample; the tables say how much is left out.
    """
    if nodes.empty or len(nodes) <= limit:
        return nodes, edges
    groups = nodes.dropna(subset=["group_id"]).groupby("group_id").size().sort_values(ascending=False)
    chosen: set[str] = set()
    for gid in groups.index:
        members = set(nodes.loc[nodes["group_id"] == gid, "node_id"])
        linked = set(edges.loc[edges["a"].isin(members), "b"]) | set(edges.loc[edges["b"].isin(members), "a"])
        if chosen and len(chosen | members | linked) > limit:
            break
        chosen |= members | linked
    keep_nodes = nodes[nodes["node_id"].isin(chosen)]
    keep_edges = edges[edges["a"].isin(chosen) & edges["b"].isin(chosen)]
    return keep_nodes, keep_edges


def _records(state, me) -> dict:
    """The analysts' view (the same for every role that sees all records), kept until the next analysis run."""
    nodes, edges = analysis(state, me, "network_nodes"), analysis(state, me, "network_edges")
    shown_nodes, shown_edges = focus(nodes, edges)
    adults = analysis(state, me, "adults_linked")
    bridging = analysis(state, me, "bridging_places")
    return {"nodes": rows(shown_nodes), "edges": rows(shown_edges),
            "adults": rows(adults.head(MAX_ROWS)), "bridging": rows(bridging.head(MAX_ROWS)),
            "graph": graph_svg(shown_nodes, shown_edges) if not shown_nodes.empty else None,
            "of": {"nodes": len(nodes), "edges": len(edges), "adults": len(adults),
                   "bridging": len(bridging), "shown_nodes": len(shown_nodes), "max_rows": MAX_ROWS}}


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
            records = cached_spec(state, "network_records", lambda: _records(state, me))
        return state.render(request, "networks.html", me, active="/networks", title="Networks",
                            summary=rows(summary), picture=picture, records=records)
