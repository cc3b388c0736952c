"""Children's journeys to help: timelines, the commonest pathways between services, and time from sign to help.

Partnerships wanted to understand "children's journeys to receiving help".
A journey here is what the records show: the dated events of one child
across agencies. Three views:

* **timeline** (analysts only): one child's events in order, by agency and service;
* **pathways**: for each child with an exploitation concern, the order in
  which services first recorded them (``education → missing → police →
  social_care → mace``), the commonest sequences, and the step-to-step links
  as data for a Sankey diagram;
* **time from sign to help**: for pairs such as first missing episode → first
  assessment, how many children had both (help after the sign) and the median
  days between.

The services are the ``group`` attribute of ``codes/event_type.yaml``; a
service's first contact is the child's first event of any type in that group
while under 18. Records show when a service recorded something, not when
help began or whether it helped.
"""

from __future__ import annotations

import pandas as pd

from ceintel.analysis.context import Context
from ceintel.analysis.publish import ALL, margins, publish_counts, publish_with
from ceintel.codes import code_list
from ceintel.framework.disclosure import Constraint

SIGNS = {"first missing episode": ("missing", "away_without_authorisation"),
         "first suspension or exclusion": ("suspension", "permanent_exclusion"),
         "first persistent absence": ("persistent_absence",),
         "first police incident as a victim": ("police_incident:victim",),
         "first emergency department attendance": ("emergency_department_attendance",)}
"""Early signs: the first event of these types (``type:role`` to require a recorded role)."""

HELP = {"early help": ("early_help_episode",),
        "social care assessment": ("assessment",),
        "child protection plan": ("child_protection_plan",),
        "MACE referral": ("mace_referral",),
        "MACE plan": ("mace_plan",),
        "exploitation service referral": ("voluntary_service_referral",)}
"""Help: the first event of these types after the sign."""

STEP_LIMIT = 6
"""Pathways are cut after this many services (longer ones end in "..."): rare long tails identify children."""


def service_labels() -> dict[str, str]:
    """Service group → a short label for charts."""
    return {"social_care": "Children's social care", "missing": "Missing episode", "police": "Police",
            "nrm": "NRM referral", "education": "Education (suspension or absence)", "health": "Emergency department",
            "youth_justice": "Youth justice", "early_help": "Early help", "mace": "MACE panel",
            "disruption": "Disruption", "voluntary": "Voluntary sector service", "other": "Other"}


def timeline(ctx: Context, person_id: str) -> pd.DataFrame:
    """Analyst view: one child's recorded events in date order (type label, agency, service, role, types)."""
    labels = {e.code: e.label for e in code_list("event_type").entries}
    df = ctx.df("""
        SELECT start_date, end_date, event_type, service, agency, source_id, event_role, exploitation_types
        FROM an_contact WHERE person_id = ? ORDER BY start_date, service, event_type""", [person_id])
    df.insert(3, "event", df["event_type"].map(labels))
    return df


def first_contacts(ctx: Context) -> pd.DataFrame:
    """Analyst view: per child with a concern, the first date each service recorded them while under 18."""
    return ctx.df("""
        SELECT k.person_id, k.service, min(k.start_date) AS first_date
        FROM an_contact k JOIN an_concern USING (person_id)
        WHERE k.under_18 AND k.service IS NOT NULL
        GROUP BY ALL ORDER BY k.person_id, first_date, k.service""")


def _sequences(ctx: Context) -> pd.Series:
    firsts = first_contacts(ctx)
    seq = firsts.groupby("person_id", sort=True)["service"].apply(list)
    return seq.apply(lambda s: s[:STEP_LIMIT] + (["..."] if len(s) > STEP_LIMIT else []))


def pathways(ctx: Context, top: int = 10, audience: str = "public") -> pd.DataFrame:
    """The commonest orders in which services first recorded children with a concern.

    Sequences are compared on their first three services (a longer exact
    sequence is nearly unique to a child); the ``top`` commonest are listed and
    the rest form "Other pathways". Columns: ``pathway``, ``steps``, ``children``.
    """
    seq = _sequences(ctx)
    labels = service_labels()
    heads = seq.apply(lambda s: " → ".join(labels.get(x, x) for x in s[:3]))
    counts = heads.value_counts()
    shown = counts.head(top)
    rows = [{"pathway": p, "steps": p.count("→") + 1, "children": int(n)} for p, n in shown.items()]
    other = int(counts.iloc[top:].sum())
    if other:
        rows.append({"pathway": "Other pathways", "steps": None, "children": other})
    df = margins(pd.DataFrame(rows, columns=["pathway", "steps", "children"]), ["pathway"], "children")
    df["steps"] = df["steps"].astype("Int64")
    return publish_counts(df, ["pathway"], "children", threshold=ctx.threshold(audience),
                          round_to=ctx.round_to(audience))


def sankey(ctx: Context, steps: int = 4, audience: str = "public") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sankey data: nodes (step, service, children) and links (from, to, children) over the first ``steps`` services.

    Relations protected: each node's children are the sum of its incoming links
    (from step 2 on), and the first step's nodes add up to all children.
    Returns ``(nodes, links)``; node ids are ``"<step>. <service label>"``.
    """
    seq = _sequences(ctx)
    labels = service_labels()
    node_counts: dict[tuple[int, str], int] = {}
    link_counts: dict[tuple[str, str], int] = {}
    for s in seq:
        s = [x for x in s if x != "..."][:steps]
        for i, x in enumerate(s):
            node_counts[(i + 1, x)] = node_counts.get((i + 1, x), 0) + 1
            if i:
                key = (f"{i}. {labels.get(s[i - 1], s[i - 1])}", f"{i + 1}. {labels.get(x, x)}")
                link_counts[key] = link_counts.get(key, 0) + 1
    nodes = pd.DataFrame([{"node": f"{st}. {labels.get(x, x)}", "step": st, "service": x, "children": n}
                          for (st, x), n in sorted(node_counts.items())], columns=["node", "step", "service", "children"])
    links = pd.DataFrame([{"source": a, "target": b, "children": n} for (a, b), n in sorted(link_counts.items())],
                         columns=["source", "target", "children"])
    # one table of cells: nodes first, then links, then the step-1 total
    cells = pd.concat([nodes.assign(kind="node"), links.assign(kind="link")], ignore_index=True)
    cells.loc[len(cells)] = {"kind": "total", "node": ALL, "children": int(len(seq))}
    constraints = []
    for i, row in nodes.iterrows():
        incoming = tuple(len(nodes) + j for j, t in enumerate(links["target"]) if t == row["node"])
        if row["step"] > 1 and incoming:
            constraints.append(Constraint(i, incoming))
    first = tuple(i for i, r in nodes.iterrows() if r["step"] == 1)
    if first:
        constraints.append(Constraint(len(cells) - 1, first))
    published = publish_with(cells, "children", constraints, threshold=ctx.threshold(audience),
                             round_to=ctx.round_to(audience))
    pub_nodes = published[published["kind"] == "node"][["node", "step", "service", "children"]].copy()
    pub_nodes["step"] = pub_nodes["step"].astype(int)
    pub_links = published[published["kind"] == "link"][["source", "target", "children"]]
    return pub_nodes.reset_index(drop=True), pub_links.reset_index(drop=True)


def _first_of(types: tuple[str, ...]) -> str:
    conds = []
    for t in types:
        if ":" in t:
            et, role = t.split(":")
            conds.append(f"(event_type = '{et}' AND event_role = '{role}')")
        else:
            conds.append(f"event_type = '{t}'")
    return " OR ".join(conds)


def sign_to_help_records(ctx: Context) -> pd.DataFrame:
    """Analyst view: per child with a concern, each sign's first date and each kind of help's first date after it."""
    parts = []
    for sign, st in SIGNS.items():
        for help_, ht in HELP.items():
            parts.append(f"""
                SELECT s.person_id, '{sign}' AS sign, '{help_}' AS help, s.d AS sign_date, min(h.start_date) AS help_date
                FROM (SELECT person_id, min(start_date) AS d FROM an_contact JOIN an_concern USING (person_id)
                      WHERE under_18 AND ({_first_of(st)}) GROUP BY person_id) s
                LEFT JOIN an_contact h ON h.person_id = s.person_id AND ({_first_of(ht).replace('event_', 'h.event_')})
                     AND h.start_date >= s.d
                GROUP BY ALL""")
    df = ctx.df(" UNION ALL ".join(parts) + " ORDER BY person_id, sign, help")
    df["days"] = (pd.to_datetime(df["help_date"]) - pd.to_datetime(df["sign_date"])).dt.days
    return df


def sign_to_help(ctx: Context, audience: str = "public") -> pd.DataFrame:
    """Per (sign, help): children with the sign, those who then had the help, and the median days between.

    Medians and quartiles are shown only where the children they summarise
    are above the threshold, the same rule as the framework's medians.
    """
    rec = sign_to_help_records(ctx)
    threshold = ctx.threshold(audience)
    rows = []
    for (sign, help_), g in rec.groupby(["sign", "help"], sort=False):
        reached = g["days"].dropna()
        row = {"sign": sign, "help": help_, "children_with_sign": int(len(g)), "children_helped": int(len(reached)),
               "median_days": None, "q1_days": None, "q3_days": None}
        if len(reached) > threshold:
            q = reached.quantile([0.25, 0.5, 0.75]).round().astype(int).tolist()
            row.update(q1_days=q[0], median_days=q[1], q3_days=q[2])
        rows.append(row)
    df = pd.DataFrame(rows, columns=["sign", "help", "children_with_sign", "children_helped", "median_days",
                                     "q1_days", "q3_days"])
    df["share_helped"] = df["children_helped"] / df["children_with_sign"].where(df["children_with_sign"] > 0)
    df = publish_with(df, "children_with_sign", [], threshold=threshold, round_to=ctx.round_to(audience),
                      derived=["share_helped"])
    return publish_with(df, "children_helped", [], threshold=threshold, round_to=ctx.round_to(audience),
                        derived=["share_helped", "median_days", "q1_days", "q3_days"])
