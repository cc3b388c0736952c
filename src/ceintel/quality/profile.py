"""The quality profile of every source: plain functions from a DuckDB connection to aggregates.

Each function reads the warehouse's canonical tables (``source``,
``ingest_summary``, ``quality_field``, ``person_record``, ``event``) from the
connection it is given and returns figures per source; none returns a record,
an identifier or a record key. The two that compare identities across rows
(:func:`uniqueness` and :func:`consistency`) read the identity step's staging
through a relation the caller names, and return counts only.

:func:`write_quality_tables` is the edge: the warehouse build calls it to store
``quality_source``, ``quality_period`` and ``quality_consistency`` beside
``quality_field``, so the CLI, the report and the web app read one set of
figures.

What these figures can and cannot say: they describe how each extract is
recorded and delivered, not how well an agency works with children. A field
that is often blank may simply not be asked for in that service; a month
with few events may be a quiet month. They are prompts for a conversation
with the data's owner.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from ceintel import duck

if TYPE_CHECKING:
    from ceintel.workspace import Workspace

NOT_KNOWN_SEX = ("U",)
"""Sex codes that mean "not known or not stated" (an answer of sorts, but not a value to compare)."""

MIN_MONTHLY_MEDIAN = 10
"""A series whose median month holds fewer events than this is too small to call a month a gap or a spike."""

GAP_BELOW = 0.5
SPIKE_ABOVE = 2.0

QUALITY_TABLES: dict[str, str] = {
    "quality_source": """CREATE TABLE quality_source (
        source_id VARCHAR,              -- the source (one extract)
        agency VARCHAR,
        extract_date DATE,
        rows_read BIGINT,               -- rows in the extract (blank rows included)
        rows_loaded BIGINT,
        rows_quarantined BIGINT,        -- held back with a reason (quarantine/<source>.csv), out-of-area rows included
        rows_out_of_area BIGINT,        -- of those held back: about people living and harmed outside the partnership
        duplicate_rows BIGINT,          -- of those held back: exact copies of an earlier row
        fields BIGINT,                  -- mapped fields
        mean_completeness DOUBLE,       -- share of rows with a value, averaged over the mapped columns (constants left out)
        lowest_completeness DOUBLE,
        lowest_completeness_field VARCHAR,
        mean_validity DOUBLE,           -- share of values that pass every check, averaged over fields with values
        lowest_validity DOUBLE,
        lowest_validity_field VARCHAR,
        person_records BIGINT,          -- records of people (one per agency person number)
        events BIGINT,
        events_per_record DOUBLE,
        records_sharing_identifier BIGINT,  -- records sharing an NHS number or pupil number with another record of this source
        identifiers_shared BIGINT,      -- NHS or pupil numbers held by more than one record of this source
        records_sex_disagree BIGINT,    -- records whose rows give different sexes
        records_dob_disagree BIGINT,    -- records whose rows give different dates of birth
        oldest_event DATE,
        newest_event DATE,
        days_newest_to_extract BIGINT,  -- days from the newest event to the extract date
        lag_median_days DOUBLE,         -- age of events at the extract date: median
        lag_p90_days DOUBLE,            -- and 90th percentile
        residents BIGINT,               -- person records living in a partnership area
        living_elsewhere BIGINT,        -- person records living outside the partnership's areas
        area_unknown BIGINT,            -- person records whose home area is not known
        coverage DOUBLE,                -- residents / person records
        area_unknown_share DOUBLE,      -- area_unknown / person records
        months BIGINT,                  -- complete months counted in quality_period
        gap_months BIGINT,              -- of those: below half the median month (all event types together)
        spike_months BIGINT             -- of those: above double the median month
    )""",
    "quality_period": """CREATE TABLE quality_period (
        source_id VARCHAR,
        event_type VARCHAR,             -- NULL: every event type of the source together
        month DATE,                     -- first day of the month
        events BIGINT,                  -- events starting in the month (0 where none)
        series_median DOUBLE,           -- the median complete month of this source and event type
        ratio DOUBLE,                   -- events / series_median
        flag VARCHAR,                   -- 'gap' (below half the median), 'spike' (above double), or NULL
        partial BOOLEAN,                -- the month is not over at the extract date (never flagged)
        enough_to_judge BOOLEAN         -- series_median >= MIN_MONTHLY_MEDIAN; smaller series are not flagged
    )""",
    "quality_consistency": """CREATE TABLE quality_consistency (
        scope VARCHAR,                  -- 'within record' (rows of one record) or 'across sources'
        source_id VARCHAR,              -- NULL: across every pair of sources (each person counted once)
        other_source_id VARCHAR,        -- the second source (across sources only)
        linked_by VARCHAR,              -- 'record', 'nhs_number' or 'upn'
        attribute VARCHAR,              -- 'sex' or 'date_of_birth'
        checked BIGINT,                 -- records (within) or identifiers held in both sources (across)
        known BIGINT,                   -- of those, with the attribute known (on both sides, across)
        disagree BIGINT,                -- of those known, with values that disagree
        not_known_one_side BIGINT,      -- known on some rows or one side, recorded as not known on the other
        day_month_swapped BIGINT,       -- of the disagreements on date of birth: day and month swapped
        disagree_share DOUBLE           -- disagree / known
    )""",
}


# --------------------------------------------------------------------------- helpers

def _query(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _has(con: duckdb.DuckDBPyConnection, relation: str | None) -> bool:
    if not relation:
        return False
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? UNION ALL "
                        "SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [relation, relation]).fetchall()
    return sum(r[0] for r in found) > 0


def _lit_list(values: Iterable[str]) -> str:
    items = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return f"[{items}]::VARCHAR[]"


def _share(part: float | None, whole: float | None) -> float | None:
    return round(part / whole, 4) if part is not None and whole else None


# --------------------------------------------------------------------------- completeness and validity

def field_profile(con: duckdb.DuckDBPyConnection, source: str | None = None, *, current: bool = True) -> list[dict]:
    """Completeness and validity of every mapped field (the ingest engine's profile, as stored)."""
    where = ["current"] if current else []
    params: list[Any] = []
    if source:
        where.append("source_id = ?")
        params.append(source)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return _query(con, f"""SELECT source_id, extract_date, field, "column", rows, present, invalid, distinct_values,
                                  completeness, validity, current
                           FROM quality_field {clause} ORDER BY source_id, extract_date, field""", params)


def field_history(con: duckdb.DuckDBPyConnection, source: str) -> list[dict]:
    """Completeness and validity of a source's fields in every extract kept, oldest first."""
    return _query(con, """SELECT extract_date, current, field, completeness, validity, rows
                          FROM quality_field WHERE source_id = ? ORDER BY extract_date, field""", [source])


def _field_summary(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    rows = _query(con, """
        SELECT source_id, count(*) AS fields,
               avg(completeness) AS mean_completeness,
               min(completeness) AS lowest_completeness,
               arg_min(field, completeness) AS lowest_completeness_field,
               avg(validity) AS mean_validity,
               min(validity) AS lowest_validity,
               arg_min(field, validity) AS lowest_validity_field
        FROM quality_field WHERE current AND "column" <> '(constant)' GROUP BY source_id""")
    return {r.pop("source_id"): r for r in rows}


# --------------------------------------------------------------------------- uniqueness

def duplicate_rows(quarantine_files: Iterable[Path]) -> dict[str, int]:
    """Rows held back as exact copies of an earlier row, per source (from ``quarantine/<source>.csv``)."""
    out: dict[str, int] = {}
    for path in quarantine_files:
        n = 0
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if (row.get("reason") or "").startswith("duplicate of row"):
                    n += 1
        out[path.stem] = n
    return out


def uniqueness(con: duckdb.DuckDBPyConnection, identity: str | None = None,
               duplicates: dict[str, int] | None = None) -> list[dict]:
    """Per source: duplicate rows held back, records and events per record, and records sharing a person key.

    A person key (NHS number, pupil number) held by two records of one source
    usually means the same child was registered twice; ``identity`` names the
    relation holding the identity staging (counts only leave this function).
    """
    duplicates = duplicates or {}
    rows = _query(con, """
        SELECT s.source_id,
               (SELECT count(*) FROM person_record p WHERE p.source_id = s.source_id) AS person_records,
               (SELECT count(*) FROM event e WHERE e.source_id = s.source_id) AS events
        FROM source s ORDER BY s.source_id""")
    shared: dict[str, tuple[int, int]] = {}
    if _has(con, identity):
        for source_id, records, ids in con.execute(f"""
            WITH keys AS (
              SELECT DISTINCT source_id, record_key, 'nhs:' || nhs_number AS id FROM {identity}
              WHERE nhs_number IS NOT NULL
              UNION
              SELECT DISTINCT source_id, record_key, 'upn:' || upn FROM {identity} WHERE upn IS NOT NULL),
            shared AS (SELECT source_id, id FROM keys GROUP BY ALL HAVING count(DISTINCT record_key) > 1)
            SELECT source_id, count(DISTINCT record_key), count(DISTINCT id)
            FROM keys JOIN shared USING (source_id, id) GROUP BY source_id""").fetchall():
            shared[source_id] = (records, ids)
    known = _has(con, identity)
    for r in rows:
        r["duplicate_rows"] = duplicates.get(r["source_id"], 0)
        r["events_per_record"] = round(r["events"] / r["person_records"], 2) if r["person_records"] else None
        records, ids = shared.get(r["source_id"], (0, 0)) if known else (None, None)
        r["records_sharing_identifier"], r["identifiers_shared"] = records, ids
    return rows


# --------------------------------------------------------------------------- timeliness

def timeliness(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Per source: how old events are when the extract is taken (median, 90th percentile) and the newest event."""
    return _query(con, """
        SELECT e.source_id,
               min(e.start_date) AS oldest_event,
               max(e.start_date) AS newest_event,
               date_diff('day', max(e.start_date), any_value(s.extracted_at)) AS days_newest_to_extract,
               round(quantile_cont(date_diff('day', e.start_date, s.extracted_at), 0.5), 1) AS lag_median_days,
               round(quantile_cont(date_diff('day', e.start_date, s.extracted_at), 0.9), 1) AS lag_p90_days
        FROM event e JOIN source s USING (source_id)
        WHERE e.start_date IS NOT NULL
        GROUP BY e.source_id ORDER BY e.source_id""")


# --------------------------------------------------------------------------- coverage

def coverage(con: duckdb.DuckDBPyConnection, areas: Iterable[str]) -> list[dict]:
    """Per source: person records living in the partnership's areas, elsewhere, or where not known."""
    area_list = _lit_list(areas)
    rows = _query(con, f"""
        SELECT s.source_id,
               count(p.record_id) AS person_records,
               count(p.record_id) FILTER (WHERE list_contains({area_list}, p.home_la)) AS residents,
               count(p.record_id) FILTER (WHERE p.home_la IS NOT NULL
                                           AND NOT list_contains({area_list}, p.home_la)) AS living_elsewhere,
               count(p.record_id) FILTER (WHERE p.home_la IS NULL) AS area_unknown
        FROM source s LEFT JOIN person_record p USING (source_id)
        GROUP BY s.source_id ORDER BY s.source_id""")
    for r in rows:
        r["coverage"] = _share(r["residents"], r["person_records"])
        r["area_unknown_share"] = _share(r["area_unknown"], r["person_records"])
    return rows


# --------------------------------------------------------------------------- consistency

def consistency(con: duckdb.DuckDBPyConnection, identity: str) -> pa.Table:
    """Does a child's sex and date of birth agree between the rows of one record, and between sources?

    Within a source, a record whose rows give two sexes or two dates of birth
    disagrees with itself. Across sources, an NHS number (or pupil number)
    held in two sources is one child; their sexes or dates of birth should
    agree. Only counts come back: how many were checked, how many disagree,
    how many show a day and month swapped.
    """
    if not _has(con, identity):
        return con.execute(f"SELECT * FROM ({_empty_select('quality_consistency')})").to_arrow_table()
    not_known = _lit_list(NOT_KNOWN_SEX)
    swap = ("CASE WHEN day(d) <= 12 AND day(d) <> month(d) "
            "THEN make_date(year(d), day(d), month(d)) END")
    return con.execute(f"""
        WITH ids AS (
          SELECT source_id, record_key, nhs_number, upn,
                 CASE WHEN sex IS NULL OR list_contains({not_known}, sex) THEN NULL ELSE sex END AS sex_known,
                 sex IS NOT NULL AS sex_given, date_of_birth AS dob
          FROM {identity}),
        recorded AS (   -- does the source record the attribute at all?
          SELECT source_id, bool_or(sex_given) AS has_sex, bool_or(dob IS NOT NULL) AS has_dob
          FROM ids GROUP BY source_id),
        per_record AS (
          SELECT source_id, record_key,
                 coalesce(list(DISTINCT sex_known) FILTER (WHERE sex_known IS NOT NULL), []::VARCHAR[]) AS sexes,
                 bool_or(sex_given AND sex_known IS NULL) AS sex_not_known,
                 coalesce(list(DISTINCT dob) FILTER (WHERE dob IS NOT NULL), []::DATE[]) AS dobs,
                 bool_or(dob IS NULL) AS dob_not_known
          FROM ids GROUP BY ALL),
        within AS (
          SELECT 'within record' AS scope, source_id, NULL::VARCHAR AS other_source_id, 'record' AS linked_by,
                 'sex' AS attribute, count(*) AS checked, count(*) FILTER (WHERE len(sexes) > 0) AS known,
                 count(*) FILTER (WHERE len(sexes) > 1) AS disagree,
                 count(*) FILTER (WHERE len(sexes) > 0 AND sex_not_known) AS not_known_one_side,
                 NULL::BIGINT AS day_month_swapped
          FROM per_record GROUP BY source_id
          UNION ALL
          SELECT 'within record', p.source_id, NULL, 'record', 'date_of_birth', count(*),
                 count(*) FILTER (WHERE len(dobs) > 0), count(*) FILTER (WHERE len(dobs) > 1),
                 count(*) FILTER (WHERE len(dobs) > 0 AND dob_not_known AND r.has_dob),
                 count(*) FILTER (WHERE len(dobs) > 1 AND
                                  list_has_any(dobs, list_transform(dobs, lambda d: {swap})))
          FROM per_record p JOIN recorded r USING (source_id) GROUP BY p.source_id),
        keyed AS (
          SELECT source_id, 'nhs_number' AS linked_by, nhs_number AS id, sex_known, sex_given, dob FROM ids
          WHERE nhs_number IS NOT NULL
          UNION ALL
          SELECT source_id, 'upn', upn, sex_known, sex_given, dob FROM ids WHERE upn IS NOT NULL),
        per_id AS (
          SELECT source_id, linked_by, id,
                 coalesce(list(DISTINCT sex_known) FILTER (WHERE sex_known IS NOT NULL), []::VARCHAR[]) AS sexes,
                 coalesce(list(DISTINCT dob) FILTER (WHERE dob IS NOT NULL), []::DATE[]) AS dobs
          FROM keyed GROUP BY ALL),
        pairs AS (
          SELECT a.source_id, b.source_id AS other_source_id, a.linked_by, a.id,
                 a.sexes AS sa, b.sexes AS sb, a.dobs AS da, b.dobs AS db,
                 ra.has_sex AND rb.has_sex AS both_record_sex, ra.has_dob AND rb.has_dob AS both_record_dob
          FROM per_id a JOIN per_id b ON a.linked_by = b.linked_by AND a.id = b.id AND a.source_id < b.source_id
          JOIN recorded ra ON ra.source_id = a.source_id JOIN recorded rb ON rb.source_id = b.source_id),
        judged AS (
          SELECT *,
                 len(sa) > 0 AND len(sb) > 0 AS sex_known,
                 len(sa) > 0 AND len(sb) > 0 AND NOT list_has_any(sa, sb) AS sex_disagree,
                 both_record_sex AND ((len(sa) > 0) <> (len(sb) > 0)) AS sex_one_side,
                 len(da) > 0 AND len(db) > 0 AS dob_known,
                 len(da) > 0 AND len(db) > 0 AND NOT list_has_any(da, db) AS dob_disagree,
                 both_record_dob AND ((len(da) > 0) <> (len(db) > 0)) AS dob_one_side,
                 len(da) > 0 AND len(db) > 0 AND NOT list_has_any(da, db)
                   AND list_has_any(da, list_transform(db, lambda d: {swap})) AS dob_swapped
          FROM pairs),
        across AS (
          SELECT 'across sources' AS scope, source_id, other_source_id, linked_by, 'sex' AS attribute,
                 count(DISTINCT id) AS checked, count(DISTINCT id) FILTER (WHERE sex_known) AS known,
                 count(DISTINCT id) FILTER (WHERE sex_disagree) AS disagree,
                 count(DISTINCT id) FILTER (WHERE sex_one_side) AS not_known_one_side,
                 NULL::BIGINT AS day_month_swapped
          FROM judged GROUP BY GROUPING SETS ((source_id, other_source_id, linked_by), (linked_by))
          UNION ALL
          SELECT 'across sources', source_id, other_source_id, linked_by, 'date_of_birth',
                 count(DISTINCT id), count(DISTINCT id) FILTER (WHERE dob_known),
                 count(DISTINCT id) FILTER (WHERE dob_disagree),
                 count(DISTINCT id) FILTER (WHERE dob_one_side),
                 count(DISTINCT id) FILTER (WHERE dob_swapped)
          FROM judged GROUP BY GROUPING SETS ((source_id, other_source_id, linked_by), (linked_by)))
        SELECT scope, source_id, other_source_id, linked_by, attribute, checked, known, disagree,
               not_known_one_side, day_month_swapped,
               CASE WHEN known > 0 THEN round(disagree / known, 4) END AS disagree_share
        FROM (SELECT * FROM within UNION ALL SELECT * FROM across)
        ORDER BY scope DESC, source_id NULLS FIRST, other_source_id, linked_by, attribute""").to_arrow_table()


# --------------------------------------------------------------------------- counts by period

def monthly_counts(con: duckdb.DuckDBPyConnection, *, start: dt.date | None = None, end: dt.date | None = None,
                   min_median: float = MIN_MONTHLY_MEDIAN) -> pa.Table:
    """Events per month for each source and event type (and all types together), gaps and spikes flagged.

    Months run from the source's first event (not before ``start``) to the
    extract date (not after ``end``); a month with no events is a row with
    0, the most telling gap of all. A complete month below half, or above
    double, the median complete month of its series is flagged, where that
    median is at least ``min_median`` (smaller series are too small to judge).
    """
    start_sql = f"DATE '{start.isoformat()}'" if start else "NULL::DATE"
    end_sql = f"DATE '{end.isoformat()}'" if end else "NULL::DATE"
    return con.execute(f"""
        WITH ev AS (
          SELECT e.source_id, e.event_type, date_trunc('month', e.start_date)::DATE AS month
          FROM event e JOIN source s USING (source_id)
          WHERE e.start_date IS NOT NULL AND e.start_date <= s.extracted_at
            AND ({start_sql} IS NULL OR e.start_date >= date_trunc('month', {start_sql}))
            AND ({end_sql} IS NULL OR e.start_date <= {end_sql})),
        bounds AS (
          SELECT ev.source_id, min(ev.month) AS first_month,
                 date_trunc('month', least(any_value(s.extracted_at), coalesce({end_sql}, any_value(s.extracted_at))))::DATE
                   AS last_month,
                 any_value(s.extracted_at) AS extracted_at
          FROM ev JOIN source s USING (source_id) GROUP BY ev.source_id),
        months AS (
          SELECT source_id, unnest(generate_series(first_month, last_month, INTERVAL 1 MONTH))::DATE AS month,
                 extracted_at, {end_sql} AS period_end
          FROM bounds WHERE first_month <= last_month),
        series AS (
          SELECT m.source_id, t.event_type, m.month, m.extracted_at, m.period_end
          FROM months m JOIN (SELECT DISTINCT source_id, event_type FROM ev) t USING (source_id)
          UNION ALL
          SELECT source_id, NULL::VARCHAR, month, extracted_at, period_end FROM months),
        counts AS (
          SELECT source_id, event_type, month, count(*) AS n FROM ev GROUP BY ALL
          UNION ALL
          SELECT source_id, NULL::VARCHAR, month, count(*) FROM ev GROUP BY ALL),
        filled AS (
          SELECT s.source_id, s.event_type, s.month, coalesce(c.n, 0) AS events,
                 (s.month + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE >
                   least(s.extracted_at, coalesce(s.period_end, s.extracted_at)) AS partial
          FROM series s LEFT JOIN counts c ON c.source_id = s.source_id AND c.month = s.month
            AND c.event_type IS NOT DISTINCT FROM s.event_type),
        medians AS (
          SELECT source_id, event_type, quantile_cont(events, 0.5) FILTER (WHERE NOT partial) AS series_median
          FROM filled GROUP BY ALL)
        SELECT f.source_id, f.event_type, f.month, f.events, m.series_median,
               CASE WHEN m.series_median > 0 THEN round(f.events / m.series_median, 3) END AS ratio,
               CASE WHEN f.partial OR coalesce(m.series_median, 0) < {float(min_median)} THEN NULL
                    WHEN f.events < {GAP_BELOW} * m.series_median THEN 'gap'
                    WHEN f.events > {SPIKE_ABOVE} * m.series_median THEN 'spike' END AS flag,
               f.partial,
               coalesce(m.series_median, 0) >= {float(min_median)} AS enough_to_judge
        FROM filled f JOIN medians m ON m.source_id = f.source_id AND m.event_type IS NOT DISTINCT FROM f.event_type
        ORDER BY f.source_id, f.event_type NULLS FIRST, f.month""").to_arrow_table()


# --------------------------------------------------------------------------- the source summary

def _within_disagreements(table: pa.Table) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in table.to_pylist():
        if r["scope"] == "within record":
            out.setdefault(r["source_id"], {})[r["attribute"]] = r["disagree"]
    return out


def _period_flags(table: pa.Table) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for r in table.to_pylist():
        if r["event_type"] is None and not r["partial"]:
            c = out.setdefault(r["source_id"], Counter())
            c["months"] += 1
            if r["flag"]:
                c[r["flag"]] += 1
    return out


def source_summary(con: duckdb.DuckDBPyConnection, *, areas: Iterable[str], identity: str | None,
                   duplicates: dict[str, int], periods: pa.Table, checks: pa.Table) -> list[dict]:
    """One row per source bringing every dimension together (the rows of ``quality_source``)."""
    base = _query(con, """SELECT s.source_id, s.agency, s.extracted_at AS extract_date, i."read" AS rows_read,
                                 i.loaded AS rows_loaded, i.quarantined AS rows_quarantined,
                                 i.out_of_area AS rows_out_of_area
                          FROM source s LEFT JOIN ingest_summary i USING (source_id) ORDER BY s.source_id""")
    fields = _field_summary(con)
    unique = {r["source_id"]: r for r in uniqueness(con, identity, duplicates)}
    timely = {r["source_id"]: r for r in timeliness(con)}
    covered = {r["source_id"]: r for r in coverage(con, areas)}
    within = _within_disagreements(checks)
    flags = _period_flags(periods)
    has_identity = _has(con, identity)
    out = []
    for b in base:
        sid = b["source_id"]
        f, u, t, c = fields.get(sid, {}), unique.get(sid, {}), timely.get(sid, {}), covered.get(sid, {})
        w, fl = within.get(sid, {}), flags.get(sid, Counter())
        out.append({
            **b,
            "duplicate_rows": u.get("duplicate_rows", 0),
            "fields": f.get("fields", 0),
            **{k: (round(f[k], 4) if isinstance(f.get(k), float) else f.get(k))
               for k in ("mean_completeness", "lowest_completeness", "lowest_completeness_field", "mean_validity",
                         "lowest_validity", "lowest_validity_field")},
            "person_records": u.get("person_records", 0), "events": u.get("events", 0),
            "events_per_record": u.get("events_per_record"),
            "records_sharing_identifier": u.get("records_sharing_identifier"),
            "identifiers_shared": u.get("identifiers_shared"),
            "records_sex_disagree": w.get("sex", 0) if has_identity else None,
            "records_dob_disagree": w.get("date_of_birth", 0) if has_identity else None,
            **{k: t.get(k) for k in ("oldest_event", "newest_event", "days_newest_to_extract", "lag_median_days",
                                     "lag_p90_days")},
            **{k: c.get(k) for k in ("residents", "living_elsewhere", "area_unknown", "coverage",
                                     "area_unknown_share")},
            "months": fl["months"], "gap_months": fl["gap"], "spike_months": fl["spike"],
        })
    return out


# --------------------------------------------------------------------------- the edge: the warehouse

def _empty_select(table: str) -> str:
    """A SELECT with the columns and types of a quality table and no rows."""
    con = duck.connect()
    con.execute(QUALITY_TABLES[table])
    cols = con.execute(f"DESCRIBE {table}").fetchall()
    con.close()
    return "SELECT " + ", ".join(f"NULL::{c[1]} AS {c[0]}" for c in cols) + " WHERE false"


def _insert(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table | list[dict]) -> None:
    cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    if isinstance(data, list):
        if not data:
            return
        data = pa.Table.from_pylist([{c: row.get(c) for c in cols} for row in data])
    if data.num_rows == 0:
        return
    con.register("_quality_in", data)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _quality_in")
    finally:
        con.unregister("_quality_in")


def write_quality_tables(con: duckdb.DuckDBPyConnection, ws: Workspace) -> None:
    """Compute the profile and store ``quality_source``, ``quality_period``, ``quality_consistency``.

    Called by the warehouse build once the canonical tables are loaded. The
    identity staging is read through a temporary view that never reaches the
    warehouse file; only counts are written.
    """
    partnership = ws.config()
    for name, ddl in QUALITY_TABLES.items():
        con.execute(f"DROP TABLE IF EXISTS {name}")
        con.execute(ddl)
    sources = [r[0] for r in con.execute("SELECT source_id FROM source").fetchall()]
    identity_files = [str(p) for p in sorted(ws.identity_staging.glob("*.parquet")) if p.stem in sources]
    identity = None
    if identity_files:
        identity = "q_identity"
        con.execute(f"""CREATE OR REPLACE TEMP VIEW {identity} AS
                        SELECT source_id, record_key, nhs_number, upn, sex, date_of_birth
                        FROM read_parquet({identity_files!r}, union_by_name = true)""")
    try:
        quarantine = [p for p in sorted(ws.quarantine.glob("*.csv")) if p.stem in sources]
        duplicates = duplicate_rows(quarantine)
        periods = monthly_counts(con, start=partnership.periods.start, end=partnership.periods.end)
        checks = consistency(con, identity) if identity else con.execute(
            _empty_select("quality_consistency")).to_arrow_table()
        summary = source_summary(con, areas=partnership.area_codes, identity=identity, duplicates=duplicates,
                                 periods=periods, checks=checks)
        _insert(con, "quality_source", summary)
        _insert(con, "quality_period", periods)
        _insert(con, "quality_consistency", checks)
    finally:
        if identity:
            con.execute(f"DROP VIEW IF EXISTS {identity}")


# --------------------------------------------------------------------------- reading the stored profile

def read_sources(con: duckdb.DuckDBPyConnection, source: str | None = None) -> list[dict]:
    """The rows of ``quality_source`` (one per source)."""
    if source:
        return _query(con, "SELECT * FROM quality_source WHERE source_id = ?", [source])
    return _query(con, "SELECT * FROM quality_source ORDER BY agency, source_id")


def read_periods(con: duckdb.DuckDBPyConnection, source: str | None = None, *,
                 flagged_only: bool = False) -> list[dict]:
    """The rows of ``quality_period``: counts by month, gaps and spikes flagged."""
    where, params = [], []
    if source:
        where.append("source_id = ?")
        params.append(source)
    if flagged_only:
        where.append("flag IS NOT NULL")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return _query(con, f"SELECT * FROM quality_period {clause} ORDER BY source_id, event_type NULLS FIRST, month",
                  params)


def read_consistency(con: duckdb.DuckDBPyConnection, *, scope: str | None = None) -> list[dict]:
    """The rows of ``quality_consistency``."""
    if scope:
        return _query(con, "SELECT * FROM quality_consistency WHERE scope = ? ORDER BY source_id NULLS FIRST, "
                           "other_source_id, linked_by, attribute", [scope])
    return _query(con, "SELECT * FROM quality_consistency ORDER BY scope DESC, source_id NULLS FIRST, "
                       "other_source_id, linked_by, attribute")
