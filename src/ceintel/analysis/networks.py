"""Networks of people and places: peer groups, adults linked to several children, places that connect groups.

Partnerships wanted to move from operational to strategic use of data about
the adults who exploit children. The graph is built only from what sources
recorded:

* **recorded associations** (the warehouse ``association`` table: police
  associates, siblings and family, a disruption order and the child it protects);
* **co-occurrence**: two people named in the same police incident or
  disruption action (``incident_ref``); domestic incidents and missing-person
  reports are left out, as they link households, not peers;
* **shared places**: a person's incidents at a place of concern (a place type
  in a small area, as in :mod:`ceintel.analysis.places`).

Peer groups are communities (Louvain modularity, fixed seed) of the children
linked to each other by co-occurrence and by associations other than family
ones. Roles in the graph are only the roles sources recorded on events
(victim, suspect, witness...): the algorithm never labels anyone, and a child
is never called an offender; an adult is "linked to" children, as recorded.

The strategic view counts groups, adults linked to 2+ and 5+ children, and
places bridging groups; the analyst view is the pseudonymised graph.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from ceintel.analysis.context import Context
from ceintel.analysis.places import NOT_PLACES_OF_CONCERN, incidents
from ceintel.analysis.publish import publish_with

FAMILY_KINDS = ("sibling", "family", "household_member")
"""Association kinds that link a household, not a peer group."""

GROUP_SIZES = (("2 children", 2, 2), ("3 to 5 children", 3, 5), ("6 to 10 children", 6, 10),
               ("11 or more children", 11, None))
SEED = 2026


@dataclass
class Network:
    """The analyst's graph: node and edge tables, and the peer groups found."""

    nodes: pd.DataFrame
    """node_id, node_type (person or place), role (child or adult, as the identity step settled it), partnership_child,
    recorded_roles (event roles sources recorded), place_type, lsoa, group_id."""
    edges: pd.DataFrame
    """a, b, kind (association kind, co_occurrence or at_place), links (how many records), first_date, last_date."""
    groups: dict[str, set[str]]
    """group id → children (person ids)."""


def edges(ctx: Context) -> pd.DataFrame:
    """Every person–person and person–place link, one row per pair and kind, from the three kinds of record."""
    excluded = ", ".join(f"'{k}'" for k in NOT_PLACES_OF_CONCERN)
    return ctx.df(f"""
        WITH people AS (SELECT person_id, role FROM person),
        assoc AS (
            SELECT least(person_a, person_b) AS a, greatest(person_a, person_b) AS b, kind,
                   count(*) AS links, min(date) AS first_date, max(date) AS last_date
            FROM association WHERE person_a IS NOT NULL AND person_b IS NOT NULL AND person_a <> person_b
              AND coalesce(date, DATE '{ctx.window.end}') <= DATE '{ctx.window.end}'
            GROUP BY ALL),
        inc AS (
            SELECT DISTINCT e.person_id, e.source_id || ':' || e.incident_ref AS ref, e.start_date
            FROM event e
            WHERE e.incident_ref IS NOT NULL AND e.person_id IS NOT NULL
              AND (e.event_type LIKE 'disruption_%'
                   OR (e.event_type = 'police_incident' AND coalesce(e.detail, '') <> 'Domestic incident'))
              AND e.start_date BETWEEN DATE '{ctx.window.start}' AND DATE '{ctx.window.end}'),
        co AS (
            SELECT x.person_id AS a, y.person_id AS b, 'co_occurrence' AS kind, count(DISTINCT x.ref) AS links,
                   min(x.start_date) AS first_date, max(x.start_date) AS last_date
            FROM inc x JOIN inc y ON x.ref = y.ref AND x.person_id < y.person_id
            GROUP BY ALL),
        at_place AS (
            SELECT person_id AS a, 'place:' || kind || ':' || coalesce(lsoa, la, 'elsewhere') AS b,
                   'at_place' AS kind, count(*) AS links, min(start_date) AS first_date, max(start_date) AS last_date
            FROM {incidents(ctx)} WHERE kind IS NOT NULL AND kind NOT IN ({excluded})
            GROUP BY ALL)
        SELECT * FROM assoc UNION ALL SELECT * FROM co UNION ALL SELECT * FROM at_place
        ORDER BY kind, a, b""")


def _nodes(ctx: Context, e: pd.DataFrame) -> pd.DataFrame:
    ids = pd.unique(pd.concat([e["a"], e["b"]], ignore_index=True))
    people = [i for i in ids if not str(i).startswith("place:")]
    ctx.con.register("an_node_ids", pd.DataFrame({"person_id": people}))
    try:
        p = ctx.df("""
            SELECT n.person_id AS node_id, 'person' AS node_type, coalesce(p.role, 'not known') AS role,
                   n.person_id IN (SELECT person_id FROM an_child) AS partnership_child,
                   coalesce(list(DISTINCT e.event_role ORDER BY e.event_role)
                            FILTER (WHERE e.event_role IS NOT NULL), []) AS recorded_roles
            FROM an_node_ids n LEFT JOIN person p USING (person_id) LEFT JOIN event e USING (person_id)
            GROUP BY ALL ORDER BY node_id""")
    finally:
        ctx.con.unregister("an_node_ids")
    places = sorted(i for i in ids if str(i).startswith("place:"))
    pl = pd.DataFrame({"node_id": places, "node_type": "place", "role": None, "partnership_child": False,
                       "recorded_roles": [[] for _ in places]})
    pl["place_type"] = [p.split(":")[1] for p in places]
    pl["lsoa"] = [p.split(":")[2] for p in places]
    p["place_type"], p["lsoa"] = None, None
    return pd.concat([p, pl], ignore_index=True)


def peer_groups(nodes: pd.DataFrame, e: pd.DataFrame) -> dict[str, set[str]]:
    """Communities of children linked to children by co-occurrence or non-family associations (2 or more children)."""
    children = set(nodes.loc[(nodes["node_type"] == "person") & (nodes["role"] == "child"), "node_id"])
    g = nx.Graph()
    peer = e[(e["kind"] != "at_place") & ~e["kind"].isin(FAMILY_KINDS)]
    for a, b, w in zip(peer["a"], peer["b"], peer["links"], strict=True):
        if a in children and b in children:
            prev = g.get_edge_data(a, b, {"weight": 0})["weight"]
            g.add_edge(a, b, weight=prev + int(w))
    groups: list[set[str]] = []
    for component in nx.connected_components(g):
        if len(component) < 2:
            continue
        sub = g.subgraph(component)
        parts = nx.community.louvain_communities(sub, weight="weight", seed=SEED) if len(component) > 3 else [component]
        groups += [set(p) for p in parts if len(p) >= 2]
    groups.sort(key=lambda s: (-len(s), min(s)))
    return {f"group {i + 1}": members for i, members in enumerate(groups)}


def build_network(ctx: Context) -> Network:
    """The whole graph with its peer groups (analysts only: it holds pseudonymised person ids)."""
    e = edges(ctx)
    nodes = _nodes(ctx, e) if len(e) else pd.DataFrame(
        columns=["node_id", "node_type", "role", "partnership_child", "recorded_roles", "place_type", "lsoa"])
    groups = peer_groups(nodes, e)
    member = {p: gid for gid, ms in groups.items() for p in ms}
    nodes["group_id"] = nodes["node_id"].map(member)
    return Network(nodes, e, groups)


def adults_linked(net: Network) -> pd.DataFrame:
    """Analyst view: adults linked to children (co-occurrence, non-family associations, disruption), with how many.

    Columns: ``person_id``, ``children`` (different children linked), ``groups``
    (peer groups those children belong to), ``recorded_roles`` (as sources
    recorded them), ``kinds`` (the kinds of link). Family links (a parent, a
    sibling) are left out: they are not what this view is for.
    """
    role = dict(zip(net.nodes["node_id"], net.nodes["role"], strict=True))
    roles = dict(zip(net.nodes["node_id"], net.nodes["recorded_roles"], strict=True))
    group = dict(zip(net.nodes["node_id"], net.nodes["group_id"], strict=True))
    links: dict[str, set[str]] = {}
    kinds: dict[str, set[str]] = {}
    e = net.edges[(net.edges["kind"] != "at_place") & ~net.edges["kind"].isin(FAMILY_KINDS)]
    for a, b, k in zip(e["a"], e["b"], e["kind"], strict=True):
        for adult, child in ((a, b), (b, a)):
            if role.get(adult) == "adult" and role.get(child) == "child":
                links.setdefault(adult, set()).add(child)
                kinds.setdefault(adult, set()).add(k)
    rows = [{"person_id": p, "children": len(cs), "groups": len({group[c] for c in cs if isinstance(group.get(c), str)}),
             "recorded_roles": _as_list(roles.get(p)), "kinds": sorted(kinds[p])} for p, cs in links.items()]
    df = pd.DataFrame(rows, columns=["person_id", "children", "groups", "recorded_roles", "kinds"])
    return df.sort_values(["children", "person_id"], ascending=[False, True]).reset_index(drop=True)


def _as_list(value: object) -> list:
    return [] if value is None or (isinstance(value, float) and pd.isna(value)) else sorted(value)  # type: ignore[call-overload]


def bridging_places(net: Network) -> pd.DataFrame:
    """Places of concern where children of two or more different peer groups had incidents.

    Columns: ``place`` (``place:<type>:<small area>``), ``place_type``, ``lsoa``, ``groups``, ``children``.
    """
    group = dict(zip(net.nodes["node_id"], net.nodes["group_id"], strict=True))
    at = net.edges[net.edges["kind"] == "at_place"]
    by_place: dict[str, list[str]] = {}
    for person, place in zip(at["a"], at["b"], strict=True):
        by_place.setdefault(place, []).append(person)
    rows = []
    for place, people in by_place.items():
        gs = {group[p] for p in people if isinstance(group.get(p), str)}
        if len(gs) >= 2:
            _, kind, lsoa = place.split(":", 2)
            rows.append({"place": place, "place_type": kind, "lsoa": lsoa, "groups": len(gs), "children": len(set(people))})
    df = pd.DataFrame(rows, columns=["place", "place_type", "lsoa", "groups", "children"])
    return df.sort_values(["groups", "children", "place"], ascending=[False, False, True]).reset_index(drop=True)


def network_summary(ctx: Context, net: Network | None = None, audience: str = "public") -> pd.DataFrame:
    """The strategic view: peer groups by size, children in groups, adults linked to 2+ and 5+ children, bridging places.

    Counts of people are suppressed like any count; counts of groups and places
    are not counts of people, and are shown.
    Columns: ``measure``, ``value``, ``counts_people``.
    """
    net = net or build_network(ctx)
    partnership_children = set(net.nodes.loc[net.nodes["partnership_child"].astype(bool), "node_id"])
    groups = {g: m for g, m in net.groups.items() if m & partnership_children}
    sizes = Counter(len(m) for m in groups.values())
    adults = adults_linked(net)
    rows = [{"measure": "peer groups (2 or more children linked to each other)", "value": len(groups),
             "counts_people": False}]
    for label, lo, hi in GROUP_SIZES:
        rows.append({"measure": f"peer groups of {label}", "value": sum(n for s, n in sizes.items()
                                                                    if s >= lo and (hi is None or s <= hi)),
                     "counts_people": False})
    rows += [
        {"measure": "children in peer groups", "value": sum(len(m) for m in groups.values()), "counts_people": True},
        {"measure": "adults linked to 2 or more children", "value": int((adults["children"] >= 2).sum()),
         "counts_people": True},
        {"measure": "adults linked to 5 or more children", "value": int((adults["children"] >= 5).sum()),
         "counts_people": True},
        {"measure": "places of concern linking 2 or more peer groups", "value": len(bridging_places(net)),
         "counts_people": False},
    ]
    df = pd.DataFrame(rows)
    people = df[df["counts_people"]]
    published = publish_with(people, "value", [], threshold=ctx.threshold(audience), round_to=ctx.round_to(audience))
    df["value"] = df["value"].astype(object)
    df.loc[df["counts_people"], "value"] = published["value"].to_numpy()
    return df


def adjusted_rand_index(truth: dict[str, str], found: dict[str, str]) -> float:
    """Adjusted Rand index of two labellings of the same items (1 = identical partitions, ~0 = chance)."""
    items = sorted(truth)
    if len(items) < 2:
        return 1.0
    pairs = Counter((truth[i], found.get(i, f"alone:{i}")) for i in items)
    a = Counter(truth[i] for i in items)
    b = Counter(found.get(i, f"alone:{i}") for i in items)

    def c2(n: int) -> float:
        return n * (n - 1) / 2

    index = sum(c2(n) for n in pairs.values())
    sum_a, sum_b = sum(c2(n) for n in a.values()), sum(c2(n) for n in b.values())
    expected = sum_a * sum_b / c2(len(items))
    maximum = (sum_a + sum_b) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)
