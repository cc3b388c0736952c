"""Overlaps and gaps: which agencies know the children with exploitation concerns, and who knew first.

Bringing datasets together "highlights the overlaps and gaps between them".
For every child of the partnership with an exploitation concern recorded in
the window (:data:`an_concern`), this module asks:

* which **combination of agencies** holds any record of the child (UpSet data:
  one row per combination, and the total);
* which agency **knew the child first** (their earliest record of any kind) and
  which first **recorded exploitation**;
* the **lag** from the first record anywhere to the first exploitation concern;
* children recorded as exploited by some agency but **unknown to children's
  social care** (no contact, referral, assessment or plan).

Aggregate functions return published tables (:mod:`ceintel.analysis.publish`);
``*_records`` functions return pseudonymised rows for analysts only.
"""

from __future__ import annotations

import pandas as pd

from ceintel.analysis.context import Context
from ceintel.analysis.publish import ALL, margins, publish_counts, publish_with
from ceintel.framework.disclosure import Constraint

LAG_BANDS = (("same day", 0, 0), ("1 to 30 days", 1, 30), ("1 to 6 months", 31, 182),
             ("6 to 12 months", 183, 365), ("1 to 2 years", 366, 730), ("more than 2 years", 731, None))
"""Bands of days from the first record anywhere to the first exploitation concern."""

SOCIAL_CARE = "social_care"


def knowledge_records(ctx: Context) -> pd.DataFrame:
    """Analyst view: per child with a concern, the agencies that know them and when each first did."""
    return ctx.df("""
        WITH known AS (
            SELECT c.person_id, src.agency, min(e.start_date) AS first_record
            FROM an_concern c
            JOIN event_age e USING (person_id)
            JOIN source src ON src.source_id = e.source_id
            GROUP BY ALL
            UNION ALL  -- agencies that hold a person record but no dated event (e.g. a register)
            SELECT c.person_id, src.agency, NULL::DATE
            FROM an_concern c JOIN person_record r USING (person_id) JOIN source src USING (source_id)
            WHERE NOT EXISTS (SELECT 1 FROM event_age e JOIN source s2 USING (source_id)
                              WHERE e.person_id = c.person_id AND s2.agency = src.agency)
            GROUP BY ALL)
        SELECT person_id, agency, min(first_record) AS first_record
        FROM known GROUP BY ALL ORDER BY person_id, first_record NULLS LAST, agency""")


def agency_combinations(ctx: Context, audience: str = "public") -> pd.DataFrame:
    """UpSet data: children with concerns by the exact set of agencies that know them, and the total.

    Columns: ``kind`` (combination or total), ``agencies`` (names joined by
    " + "), ``n_agencies``, ``children``. The relation protected is the total
    = the sum of the combinations. Each agency's own total is deliberately not
    in this table: with it, every agency would be a second relation over the
    same small combinations, and secondary suppression would have to hide the
    totals themselves (a chart's set sizes are the sums of the combinations
    shown, and are labelled as at least that many).
    """
    known = knowledge_records(ctx)
    per_child = known.groupby("person_id")["agency"].apply(lambda s: tuple(sorted(set(s))))
    combos = per_child.value_counts().rename_axis("combo").reset_index(name="children")
    rows = [{"kind": "combination", "agencies": " + ".join(c), "n_agencies": len(c), "children": int(n)}
            for c, n in zip(combos["combo"], combos["children"], strict=True)]
    rows.sort(key=lambda r: (-r["children"], r["agencies"]))
    agencies = sorted({a for c in combos["combo"] for a in c})
    rows.append({"kind": "total", "agencies": ALL, "n_agencies": len(agencies),
                 "children": int(sum(r["children"] for r in rows))})
    df = pd.DataFrame(rows, columns=["kind", "agencies", "n_agencies", "children"])
    constraints = [Constraint(len(df) - 1, tuple(range(len(df) - 1)))] if len(df) > 1 else []
    return publish_with(df, "children", constraints, threshold=ctx.threshold(audience),
                        round_to=ctx.round_to(audience))


def first_to_know(ctx: Context, audience: str = "public") -> pd.DataFrame:
    """Per agency: children it knew first (earliest record of any kind), and children whose exploitation it recorded first.

    Ties (two agencies the same day) go to each tied agency's "shared first"
    row rather than to one at random.
    """
    df = ctx.df("""
        WITH first_any AS (
            SELECT c.person_id, src.agency, min(e.start_date) AS d
            FROM an_concern c JOIN event_age e USING (person_id) JOIN source src ON src.source_id = e.source_id
            GROUP BY ALL),
        first_any_rank AS (
            SELECT person_id, CASE WHEN count(*) > 1 THEN 'Shared first (same day)' ELSE min(agency) END AS agency
            FROM (SELECT * FROM first_any QUALIFY d = min(d) OVER (PARTITION BY person_id))
            GROUP BY person_id),
        first_concern AS (
            SELECT c.person_id, s.agency, min(c.date) AS d
            FROM concern c JOIN an_concern a USING (person_id) JOIN source s ON s.source_id = c.source_id
            WHERE c.under_18 GROUP BY ALL),
        first_concern_rank AS (
            SELECT person_id, CASE WHEN count(*) > 1 THEN 'Shared first (same day)' ELSE min(agency) END AS agency
            FROM (SELECT * FROM first_concern QUALIFY d = min(d) OVER (PARTITION BY person_id))
            GROUP BY person_id)
        SELECT 'knew first' AS measure, agency, count(*) AS children FROM first_any_rank GROUP BY ALL
        UNION ALL
        SELECT 'recorded exploitation first', agency, count(*) FROM first_concern_rank GROUP BY ALL""")
    out = []
    for measure, part in df.groupby("measure", sort=True):
        part = margins(part[["agency", "children"]], ["agency"], "children")
        part.insert(0, "measure", measure)
        out.append(publish_counts(part.sort_values(["agency"], key=lambda s: s == ALL), ["agency"], "children",
                                  threshold=ctx.threshold(audience), round_to=ctx.round_to(audience)))
    return pd.concat(out, ignore_index=True) if out else df


def identification_lag(ctx: Context, audience: str = "public") -> tuple[pd.DataFrame, dict]:
    """Days from a child's first record anywhere to their first exploitation concern, in bands, and the median.

    Returns the published band table and a summary (``children``, ``median_days``,
    ``q1_days``, ``q3_days``; the quartiles only when the cohort is above the threshold).
    """
    lags = lag_records(ctx)
    bands = []
    for label, lo, hi in LAG_BANDS:
        d = lags["lag_days"]
        n = int(((d >= lo) & (d <= hi if hi is not None else True)).sum())
        bands.append({"lag": label, "children": n})
    df = margins(pd.DataFrame(bands), ["lag"], "children")
    published = publish_counts(df, ["lag"], "children", threshold=ctx.threshold(audience),
                               round_to=ctx.round_to(audience))
    n = len(lags)
    summary = {"children": n}
    if n > ctx.threshold(audience):
        q = lags["lag_days"].quantile([0.25, 0.5, 0.75]).round().astype(int).tolist()
        summary.update({"q1_days": q[0], "median_days": q[1], "q3_days": q[2]})
    return published, summary


def lag_records(ctx: Context) -> pd.DataFrame:
    """Analyst view: per child, the first record anywhere, the first concern, and the days between."""
    return ctx.df("""
        SELECT c.person_id, min(e.start_date) AS first_record, c.first_concern,
               greatest(date_diff('day', min(e.start_date), c.first_concern), 0) AS lag_days
        FROM an_concern c JOIN event_age e USING (person_id)
        GROUP BY c.person_id, c.first_concern ORDER BY c.person_id""")


def unknown_to_social_care_records(ctx: Context) -> pd.DataFrame:
    """Analyst view: children with an exploitation concern and no children's social care record at all."""
    return ctx.df(f"""
        SELECT c.person_id, c.first_concern, c.types, c.agencies
        FROM an_concern c
        WHERE NOT EXISTS (SELECT 1 FROM an_contact k WHERE k.person_id = c.person_id AND k.service = '{SOCIAL_CARE}')
        ORDER BY c.person_id""")


def unknown_to_social_care(ctx: Context, audience: str = "public") -> pd.DataFrame:
    """Children with an exploitation concern unknown to children's social care, by the agency recording the concern.

    A child whose concern two agencies recorded counts once under each, so the
    agency rows are not additive: the total row is of children, and is
    published separately from the agency rows' suppression.
    """
    rec = unknown_to_social_care_records(ctx)
    total = pd.DataFrame([{"agency": ALL, "children": len(rec), "of_children_with_concern":
                           int(ctx.con.execute("SELECT count(*) FROM an_concern").fetchone()[0])}])
    by_agency = (rec.explode("agencies").groupby("agencies").size().rename("children")
                 .rename_axis("agency").reset_index())
    by_agency["of_children_with_concern"] = None
    df = pd.concat([by_agency, total], ignore_index=True)
    df["share"] = (df["children"] / df["of_children_with_concern"]).where(df["agency"] == ALL)
    return publish_with(df, "children", [], threshold=ctx.threshold(audience), round_to=ctx.round_to(audience),
                        derived=["share"])
