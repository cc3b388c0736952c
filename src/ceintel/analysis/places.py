"""Places: where harm is recorded, as rates by ward and small area, places of concern, and harm outside the area.

The police "could show where more children were being exploited" and
practitioners could then say what life is like there. This module gives:

* **area rates**: per ward or small area, children with an exploitation
  concern who live there and exploitation incidents recorded there, each per
  10,000 children living there;
* **places of concern**: specific locations (a place type in a small area)
  linked to incidents involving several different children over time;
* **harm outside the boundary**: where the partnership's children are
  harmed outside its areas (other councils, beyond the force, online);
* **change over time**: incidents and children by ward and financial year.

An *exploitation incident* is a police, disruption or MACE event at a recorded
place that carries an exploitation type or involves a child with an
exploitation concern. Places are only as good as the recording: a place with
no type (a residential address, or a name no pattern knows) is counted in its
area but is never a place of concern.
"""

from __future__ import annotations

import pandas as pd

from ceintel.analysis.context import Context
from ceintel.analysis.publish import ALL, margins, publish_counts, publish_with
from ceintel.codes import code_list

PLACE_SERVICES = ("police", "disruption", "mace", "missing")
"""Services whose recorded places say where something happened (not, like a school roll, where a child belongs)."""

NOT_PLACES_OF_CONCERN = ("home", "school")
PER = 10_000


def incidents_sql(ctx: Context) -> str:
    """SQL of exploitation incidents: one row per event of a child at a recorded place (see the module docstring)."""
    services = ", ".join(f"'{s}'" for s in PLACE_SERVICES)
    w = ctx.window
    return f"""
        SELECT e.person_id, e.event_id, e.source_id, e.event_type, e.event_role, e.start_date, e.incident_ref,
               p.place_id, p.kind, p.lsoa, p.ward, p.la,
               e.person_id IN (SELECT person_id FROM an_child) AS partnership_child
        FROM event_age e
        JOIN an_service s USING (event_type)
        JOIN place p ON p.place_id = e.place_id
        WHERE s.service IN ({services}) AND e.under_18
          AND e.start_date BETWEEN DATE '{w.start}' AND DATE '{w.end}'
          AND (len(coalesce(e.exploitation_types, [])) > 0
               OR e.person_id IN (SELECT person_id FROM concern WHERE under_18))"""


def incidents(ctx: Context) -> str:
    """The table of exploitation incidents (:func:`incidents_sql`), made once per context on first use.

    Rates, places of concern, harm outside the area, change over time and the
    network all read it, so it is worked out once rather than once per analysis.
    """
    made = ctx.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'an_incident'").fetchone()[0]
    if not made:
        ctx.con.execute(f"CREATE TABLE an_incident AS {incidents_sql(ctx)}")
    return "an_incident"


def _population(ctx: Context, level: str) -> str:
    col = "g.ward" if level == "ward" else "g.lsoa"
    codes = ", ".join(f"'{c}'" for c in ctx.area_codes)
    return f"""
        SELECT {col} AS area_code, sum(p.children) AS population
        FROM population p JOIN geography g USING (lsoa)
        WHERE g.la IN ({codes}) AND p.year = (SELECT max(year) FROM population)
        GROUP BY ALL"""


def area_rates(ctx: Context, level: str = "ward", audience: str = "public") -> pd.DataFrame:
    """Per ward (or ``small_area``): children with a concern living there, incidents recorded there, and rates.

    Columns: ``area_code``, ``area_name``, ``population``, ``children_with_concern``,
    ``children_rate`` (per 10,000), ``incidents``, ``incident_rate``. The
    partnership row (``area_code = All``) is the sum of the areas, including
    "not known"; children and incidents are suppressed separately, each
    protected by that sum.
    """
    if level not in ("ward", "small_area"):
        raise ValueError("level must be 'ward' or 'small_area'")
    home_col = "ward" if level == "ward" else "lsoa"
    codes = ", ".join(f"'{c}'" for c in ctx.area_codes)
    df = ctx.df(f"""
        WITH areas AS (SELECT area_code, area_name FROM area WHERE area_level = '{level}'),
        kids AS (SELECT c.{home_col} AS area_code, count(*) AS n FROM an_concern JOIN an_child c USING (person_id)
                 GROUP BY ALL),
        inc AS (SELECT {'ward' if level == 'ward' else 'lsoa'} AS area_code, count(DISTINCT coalesce(incident_ref, source_id || event_id)) AS n
                FROM {incidents(ctx)} WHERE la IN ({codes}) GROUP BY ALL),
        pop AS ({_population(ctx, level)})
        SELECT a.area_code, a.area_name, coalesce(pop.population, 0) AS population,
               coalesce(kids.n, 0) AS children_with_concern, coalesce(inc.n, 0) AS incidents
        FROM areas a LEFT JOIN kids USING (area_code) LEFT JOIN inc USING (area_code) LEFT JOIN pop USING (area_code)
        ORDER BY a.area_code""")
    total = {"area_code": ALL, "area_name": ctx.partnership.name, "population": int(df["population"].sum()),
             "children_with_concern": int(df["children_with_concern"].sum()), "incidents": int(df["incidents"].sum())}
    df = pd.concat([df, pd.DataFrame([total])], ignore_index=True)
    df["children_rate"] = (PER * df["children_with_concern"] / df["population"].where(df["population"] > 0)).round(1)
    df["incident_rate"] = (PER * df["incidents"] / df["population"].where(df["population"] > 0)).round(1)
    t, r = ctx.threshold(audience), ctx.round_to(audience)
    df = publish_counts(df, ["area_code"], "children_with_concern", threshold=t, round_to=r, derived=["children_rate"])
    df = publish_counts(df, ["area_code"], "incidents", threshold=t, round_to=r, derived=["incident_rate"])
    return df[["area_code", "area_name", "population", "children_with_concern", "children_rate", "incidents",
               "incident_rate"]]


def place_records(ctx: Context) -> pd.DataFrame:
    """Analyst view: every recorded place with exploitation incidents: children, incidents, adults, months, dates."""
    return ctx.df(f"""
        WITH inc AS (SELECT * FROM {incidents(ctx)}),
        adults AS (
            SELECT e.place_id, count(DISTINCT e.person_id) AS adults
            FROM event_age e WHERE e.adult AND e.place_id IS NOT NULL
              AND (e.event_role = 'suspect' OR e.event_type LIKE 'disruption_%')
            GROUP BY ALL)
        SELECT i.place_id, any_value(i.kind) AS kind, any_value(i.lsoa) AS lsoa, any_value(i.ward) AS ward,
               any_value(i.la) AS la, count(DISTINCT i.person_id) AS children,
               count(DISTINCT coalesce(i.incident_ref, i.source_id || i.event_id)) AS incidents,
               count(DISTINCT date_trunc('month', i.start_date)) AS months, min(i.start_date) AS first_seen,
               max(i.start_date) AS last_seen, coalesce(any_value(a.adults), 0) AS adults_recorded
        FROM inc i LEFT JOIN adults a USING (place_id)
        GROUP BY i.place_id ORDER BY children DESC, incidents DESC, i.place_id""")


def places_of_concern(ctx: Context, min_children: int = 3, audience: str = "public") -> pd.DataFrame:
    """Places of concern: a place type in a small area linked to incidents involving ``min_children`` or more children.

    Ranked by the number of different children, then incidents, then how many
    months they span. Columns: ``rank``, ``kind``, ``place_type``, ``lsoa``,
    ``lsoa_name``, ``ward_name``, ``la``, ``places`` (recorded locations
    grouped), ``children``, ``incidents``, ``months``, ``first_seen``, ``last_seen``.
    Children and incidents are suppressed as counts; a place listed with ``c``
    children still shows that it is a place of concern, never who.
    """
    excluded = ", ".join(f"'{k}'" for k in NOT_PLACES_OF_CONCERN)
    df = ctx.df(f"""
        WITH inc AS (SELECT * FROM {incidents(ctx)})
        SELECT i.kind, i.lsoa, any_value(g.lsoa_name) AS lsoa_name, any_value(g.ward_name) AS ward_name,
               any_value(i.la) AS la, count(DISTINCT i.place_id) AS places,
               count(DISTINCT i.person_id) AS children,
               count(DISTINCT coalesce(i.incident_ref, i.source_id || i.event_id)) AS incidents,
               count(DISTINCT date_trunc('month', i.start_date)) AS months,
               min(i.start_date) AS first_seen, max(i.start_date) AS last_seen
        FROM inc i LEFT JOIN geography g ON g.lsoa = i.lsoa
        WHERE i.kind IS NOT NULL AND i.kind NOT IN ({excluded})
        GROUP BY i.kind, i.lsoa
        HAVING count(DISTINCT i.person_id) >= {int(min_children)}
        ORDER BY children DESC, incidents DESC, months DESC, i.kind, i.lsoa""")
    labels = {e.code: e.label for e in code_list("place_type").entries}
    df.insert(0, "rank", range(1, len(df) + 1))
    df.insert(2, "place_type", df["kind"].map(labels))
    t, r = ctx.threshold(audience), ctx.round_to(audience)
    df = publish_with(df, "children", [], threshold=t, round_to=r)
    return publish_with(df, "incidents", [], threshold=t, round_to=r)


def harmed_outside(ctx: Context, audience: str = "public") -> pd.DataFrame:
    """Exploitation incidents of the partnership's children at places outside its areas, by where and place type.

    ``where`` is the council's name for places elsewhere in the geography,
    "Outside the geography" for places beyond it, and "Online" for online
    places. Columns: ``where``, ``place_type``, ``children``, ``incidents``.
    """
    codes = ", ".join(f"'{c}'" for c in ctx.area_codes)
    labels = {e.code: e.label for e in code_list("place_type").entries}
    df = ctx.df(f"""
        WITH inc AS (SELECT * FROM {incidents(ctx)}),
        la AS (SELECT DISTINCT la, la_name FROM geography)
        SELECT CASE WHEN i.kind = 'online' THEN 'Online' WHEN i.la IS NULL OR l.la_name IS NULL
                    THEN 'Outside the geography' ELSE l.la_name END AS "where",
               coalesce(i.kind, 'not recorded') AS kind,
               count(DISTINCT i.person_id) AS children,
               count(DISTINCT coalesce(i.incident_ref, i.source_id || i.event_id)) AS incidents
        FROM inc i LEFT JOIN la l ON l.la = i.la
        WHERE i.partnership_child AND (i.la IS NULL OR i.la NOT IN ({codes}) OR i.kind = 'online')
        GROUP BY ALL ORDER BY children DESC""")
    df["place_type"] = df["kind"].map(labels).fillna("Type not recorded")
    t, r = ctx.threshold(audience), ctx.round_to(audience)
    df = publish_with(df, "children", [], threshold=t, round_to=r)
    df = publish_with(df, "incidents", [], threshold=t, round_to=r)
    return df[["where", "place_type", "children", "incidents"]]


def change_over_time(ctx: Context, audience: str = "public") -> pd.DataFrame:
    """Exploitation incidents by ward and financial year, with the change from the year before.

    Wards add up to the partnership for each year (the relations protected).
    The change is shown only where both years' counts are.
    """
    codes = ", ".join(f"'{c}'" for c in ctx.area_codes)
    fy = ctx.partnership.periods.financial_year_start_month
    df = ctx.df(f"""
        WITH inc AS (SELECT * FROM {incidents(ctx)}),
        years AS (SELECT DISTINCT year(start_date - INTERVAL {fy - 1} MONTH) AS fy FROM inc),
        wards AS (SELECT area_code AS ward, area_name AS ward_name FROM area WHERE area_level = 'ward'
                  AND area_code NOT LIKE '%~unknown')
        SELECT y.fy, w.ward, w.ward_name,
               count(DISTINCT coalesce(i.incident_ref, i.source_id || i.event_id))
                 FILTER (WHERE i.event_id IS NOT NULL) AS incidents
        FROM years y CROSS JOIN wards w
        LEFT JOIN inc i ON i.ward = w.ward AND i.la IN ({codes})
             AND year(i.start_date - INTERVAL {fy - 1} MONTH) = y.fy
        GROUP BY ALL ORDER BY y.fy, w.ward""")
    end = ctx.window.end

    def label(y: int) -> str:
        complete = (end.year, end.month) >= (y + 1 if fy > 1 else y, (fy - 2) % 12 + 1)
        return f"{y}-{(y + 1) % 100:02d}" + ("" if complete else " (to date)")

    df["year"] = df["fy"].map(label)
    df = margins(df[["year", "ward", "incidents"]], ["year", "ward"], "incidents")
    df = df[df["year"] != ALL].sort_values(["year", "ward"], key=lambda s: s.map(lambda v: (v == ALL, v)))
    names = dict(ctx.con.execute("SELECT area_code, area_name FROM area WHERE area_level = 'ward'").fetchall())
    df["ward_name"] = df["ward"].map(names).fillna(ctx.partnership.name)
    out = publish_counts(df, ["year", "ward"], "incidents", threshold=ctx.threshold(audience),
                         round_to=ctx.round_to(audience))
    shown = pd.to_numeric(out["incidents"], errors="coerce")
    out["change"] = (shown - shown.groupby(out["ward"]).shift(1)).astype("Int64")
    return out[["year", "ward", "ward_name", "incidents", "change"]].reset_index(drop=True)
