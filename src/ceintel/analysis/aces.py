"""Adverse childhood experiences (ACEs) recorded by services: prevalence, in aggregate only.

ACE data "prompted the best conversations" in the partnerships, and it is
also the data most easily turned into a score on a child. So this module
counts children, never scores them: it gives the share of children with 0, 1,
2–3 or 4+ recorded ACE types among children with exploitation concerns and
among all children known to services, and the share with each ACE type. No
function returns a child's ACE count; the per-child derivation stays inside
the SQL of :func:`_child_aces`, which only the aggregates read.

Where ACEs come from (what is *recorded*, not what happened):

* the warehouse ``ace`` table: CIN assessment factors and early help needs
  mapped to ACE types (``codes/cin_factor.yaml``, attribute ``ace``);
* police domestic incidents at which the child was present (any recorded
  role): domestic abuse;
* household imprisonment and the others only where a source records them.

Children known to fewer services have fewer chances for an ACE to be
recorded, so a lower share means less recorded, not necessarily less lived.
"""

from __future__ import annotations

import pandas as pd

from ceintel.analysis.context import Context
from ceintel.analysis.publish import ALL, margins, publish_counts
from ceintel.codes import code_list

BANDS = (("0", 0, 0), ("1", 1, 1), ("2 to 3", 2, 3), ("4 or more", 4, None))
COHORTS = ("children with exploitation concerns", "all children known to services")
DOMESTIC_INCIDENT = "Domestic incident"
"""The police occurrence detail that records a domestic incident (``police_occurrences`` source)."""


def _child_aces(ctx: Context) -> str:
    """SQL of (person_id, ace_type): distinct recorded ACE types per child known to services in the window."""
    w = ctx.window
    return f"""
        WITH known AS (
            SELECT DISTINCT person_id FROM an_contact
            WHERE under_18 AND start_date BETWEEN DATE '{w.start}' AND DATE '{w.end}'),
        recorded AS (
            SELECT a.person_id, a.ace_type FROM ace a WHERE a.recorded_date <= DATE '{w.end}'
            UNION
            SELECT person_id, 'domestic_abuse' FROM an_contact
            WHERE event_type = 'police_incident' AND detail = '{DOMESTIC_INCIDENT}' AND under_18
              AND start_date <= DATE '{w.end}')
        SELECT k.person_id, r.ace_type FROM known k LEFT JOIN recorded r USING (person_id)"""


def _cohort_sql(ctx: Context) -> str:
    return f"""
        SELECT person_id, list(DISTINCT ace_type) FILTER (WHERE ace_type IS NOT NULL) AS types,
               person_id IN (SELECT person_id FROM an_concern) AS concern
        FROM ({_child_aces(ctx)}) GROUP BY person_id"""


def ace_prevalence(ctx: Context, audience: str = "public") -> pd.DataFrame:
    """Children by number of recorded ACE types (0, 1, 2–3, 4+), for the two cohorts, with percentages.

    Columns: ``cohort``, ``aces``, ``children``, ``percentage`` (of the cohort).
    The bands add up to each cohort's total (row ``aces = All``): those are the
    relations the suppression protects.
    """
    counts = ctx.df(f"""
        SELECT concern, coalesce(len(types), 0) AS n, count(*) AS children FROM ({_cohort_sql(ctx)}) GROUP BY ALL""")
    rows = []
    for cohort in COHORTS:
        part = counts if cohort == COHORTS[1] else counts[counts["concern"]]
        for label, lo, hi in BANDS:
            sel = (part["n"] >= lo) & (part["n"] <= hi if hi is not None else True)
            rows.append({"cohort": cohort, "aces": label, "children": int(part.loc[sel, "children"].sum())})
    df = margins(pd.DataFrame(rows), ["cohort", "aces"], "children")
    df = df[df["cohort"] != ALL]  # the cohorts overlap: their sum is no one's total
    return _per_cohort(ctx, df, audience, key="aces", by=["aces"])


def ace_types(ctx: Context, audience: str = "public") -> pd.DataFrame:
    """Children with each recorded ACE type, for the two cohorts, as a percentage of the cohort.

    A child can have several types, so the rows of a cohort do not add up; each
    cohort's total row (``ace_type = All``, children in the cohort) is
    published beside them and protected like any count.
    """
    labels = {e.code: e.label for e in code_list("ace_type").entries}
    df = ctx.df(f"""
        WITH c AS ({_cohort_sql(ctx)})
        SELECT cohort, ace_type, count(*) AS children FROM (
            SELECT '{COHORTS[1]}' AS cohort, unnest(types) AS ace_type FROM c
            UNION ALL SELECT '{COHORTS[0]}', unnest(types) FROM c WHERE concern)
        GROUP BY ALL
        UNION ALL SELECT '{COHORTS[1]}', '{ALL}', count(*) FROM c
        UNION ALL SELECT '{COHORTS[0]}', '{ALL}', count(*) FROM c WHERE concern""")
    full = pd.MultiIndex.from_product([COHORTS, [*labels, ALL]], names=["cohort", "ace_type"])
    df = df.set_index(["cohort", "ace_type"]).reindex(full, fill_value=0).reset_index()
    df.insert(2, "label", df["ace_type"].map(labels).fillna("All children in the cohort"))
    # types are not additive (a child can have several): no relation within a cohort to protect
    return _per_cohort(ctx, df, audience, key="ace_type", by=["cohort"])


def _per_cohort(ctx: Context, df: pd.DataFrame, audience: str, *, key: str, by: list[str]) -> pd.DataFrame:
    """Each cohort's rows with their percentage of the cohort (its ``key = All`` row), published."""
    out = []
    for cohort in COHORTS:
        part = df[df["cohort"] == cohort].reset_index(drop=True)
        total = int(part.loc[part[key] == ALL, "children"].iloc[0])
        part["percentage"] = (100 * part["children"] / total).round(1) if total else None
        out.append(publish_counts(part, by, "children", threshold=ctx.threshold(audience),
                                  round_to=ctx.round_to(audience), derived=["percentage"]))
    return pd.concat(out, ignore_index=True)
