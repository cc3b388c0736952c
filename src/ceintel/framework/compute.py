"""Counting: every indicator × period × area × breakdown, from the units its SQL selects.

An indicator's SQL returns units, one row per thing to count::

    person_id   who (required)                 date        when it counts (required)
    end_date    until when, for spells          numerator   TRUE if the unit is in the numerator (percentages)
    value       a number to summarise (days)    lsoa        where it happened (``area: event``)
    source_id   which source recorded it (the ``source`` breakdown and caveats)

This module places each unit in the periods it overlaps, the areas and the
groups of :mod:`ceintel.framework.dimensions`, and counts. Counting children
means each child once per period (a child is "in" a period if any of their
rows overlaps it; their age band is their age at the end of the period);
counting events means every row (age at the event). First-time counts keep
each child's earliest row only. The result is one tidy table, ``fw_cell``,
with every combination present, zeros included, so a map shows a ward with
no recorded concern as 0 rather than leaving it out.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from ceintel.errors import ConfigError
from ceintel.framework.dimensions import AGE_BANDS, ALL, CATEGORIES, NOT_KNOWN, age_band_sql
from ceintel.framework.periods import Period
from ceintel.framework.registry import Indicator

UNIT_COLUMNS = ("person_id", "date", "end_date", "numerator", "value", "lsoa", "source_id")
REQUIRED_UNIT_COLUMNS = ("person_id", "date")

CELL_COLUMNS = (
    "indicator_id VARCHAR", "period_kind VARCHAR", "period VARCHAR", "area_level VARCHAR", "area_code VARCHAR",
    "breakdown VARCHAR", "category VARCHAR", "numerator BIGINT", "denominator DOUBLE", "value DOUBLE",
    "units BIGINT",
)


LOCAL_PERIOD_KINDS = ("financial_year", "rolling_12_months")
"""Period kinds shown for wards and small areas. Monthly counts for a small area are nearly all
1 to 5 (so hidden) and say little; years and rolling years are what a map of places needs."""


def _quoted(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def create_period_table(con: duckdb.DuckDBPyConnection, periods: list[Period]) -> None:
    """``period`` (one row per period) and ``period_month`` (the months each spans)."""
    con.execute("CREATE OR REPLACE TABLE period (period_kind VARCHAR, period VARCHAR, period_start DATE, "
                "period_end DATE, complete BOOLEAN, sort INTEGER)")
    con.execute("CREATE OR REPLACE TABLE period_month (period_kind VARCHAR, period VARCHAR, month VARCHAR)")
    rows = pa.table({
        "period_kind": [p.kind for p in periods], "period": [p.label for p in periods],
        "period_start": pa.array([p.start for p in periods], pa.date32()),
        "period_end": pa.array([p.end for p in periods], pa.date32()),
        "complete": pa.array([p.complete for p in periods], pa.bool_()),
        "sort": pa.array(list(range(len(periods))), pa.int32()),
    })
    spans = [(p.kind, p.label, m.strftime("%Y-%m")) for p in periods if p.kind != "month" for m in p.months]
    months = pa.table({"period_kind": [r[0] for r in spans], "period": [r[1] for r in spans],
                       "month": [r[2] for r in spans]}, schema=pa.schema(
        [("period_kind", pa.string()), ("period", pa.string()), ("month", pa.string())]))
    con.register("fw_new_periods", rows)
    con.register("fw_new_months", months)
    con.execute("INSERT INTO period SELECT * FROM fw_new_periods")
    con.execute("INSERT INTO period_month SELECT * FROM fw_new_months")
    con.unregister("fw_new_periods")
    con.unregister("fw_new_months")


def create_cell_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE OR REPLACE TABLE fw_cell ({', '.join(CELL_COLUMNS)})")


def unit_columns(con: duckdb.DuckDBPyConnection, ind: Indicator) -> tuple[str, ...]:
    """Run the indicator's SQL into ``fw_units``; return the unit columns it gives."""
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE fw_units AS SELECT * FROM ({ind.sql}) AS units")
    except duckdb.Error as exc:
        raise ConfigError(f"{ind.path}: the indicator's SQL failed: {str(exc).splitlines()[0]}") from None
    cols = tuple(r[0] for r in con.execute("DESCRIBE fw_units").fetchall())
    missing = [c for c in REQUIRED_UNIT_COLUMNS if c not in cols]
    if missing:
        raise ConfigError(f"{ind.path}: the SQL must return {', '.join(missing)} (it returns {', '.join(cols)})")
    unknown = [c for c in cols if c not in UNIT_COLUMNS]
    if unknown:
        raise ConfigError(f"{ind.path}: unexpected column(s) {', '.join(unknown)}; "
                          f"an indicator returns only {', '.join(UNIT_COLUMNS)}")
    if ind.unit == "percentage" and "numerator" not in cols:
        raise ConfigError(f"{ind.path}: a percentage needs a numerator column (TRUE for units in the numerator)")
    if ind.unit == "median_days" and "value" not in cols:
        raise ConfigError(f"{ind.path}: a median needs a value column")
    if ind.area == "event" and "lsoa" not in cols:
        raise ConfigError(f"{ind.path}: area: event needs an lsoa column")
    if "source" in ind.breakdowns and "source_id" not in cols:
        raise ConfigError(f"{ind.path}: the source breakdown needs a source_id column")
    return cols


def is_time_additive(ind: Indicator, cols: tuple[str, ...]) -> bool:
    """Months add up to quarters and years only when each unit falls in one month."""
    return ind.time_additive and (ind.counts == "first_time" or "end_date" not in cols)


def compute_indicator(con: duckdb.DuckDBPyConnection, ind: Indicator, partnership_codes: tuple[str, ...]) -> tuple[str, ...]:
    """Append one indicator's cells to ``fw_cell``; returns its unit columns."""
    return compute_all(con, [ind], partnership_codes)[ind.id]


def compute_all(con: duckdb.DuckDBPyConnection, indicators: list[Indicator], partnership_codes: tuple[str, ...],
                progress: Callable[[int, int, str], None] | None = None) -> dict[str, tuple[str, ...]]:
    """Append every indicator's cells to ``fw_cell``; returns each one's unit columns.

    Each indicator's SQL runs on its own (so an error names its file), then the
    counting runs once for all of them: a handful of large statements DuckDB
    runs in parallel rather than dozens of small ones per indicator.
    """
    con.execute("""CREATE OR REPLACE TEMP TABLE fw_units_all (indicator_id VARCHAR, person_id VARCHAR, date DATE,
        end_date DATE, numerator BOOLEAN, value DOUBLE, lsoa VARCHAR, source_id VARCHAR)""")
    columns: dict[str, tuple[str, ...]] = {}
    for i, ind in enumerate(indicators):
        if progress:
            progress(i, len(indicators), ind.id)
        cols = unit_columns(con, ind)
        columns[ind.id] = cols
        opt = {c: (f"CAST(u.{c} AS {t})" if c in cols else f"CAST(NULL AS {t})") for c, t in
               (("end_date", "DATE"), ("value", "DOUBLE"), ("lsoa", "VARCHAR"), ("source_id", "VARCHAR"))}
        numerator = "COALESCE(CAST(u.numerator AS BOOLEAN), FALSE)" if "numerator" in cols else "TRUE"
        con.execute(f"""
            INSERT INTO fw_units_all
            SELECT '{ind.id}', CAST(u.person_id AS VARCHAR), CAST(u.date AS DATE), {opt['end_date']}, {numerator},
                   {opt['value']}, {opt['lsoa']}, {opt['source_id']}
            FROM fw_units u WHERE u.date IS NOT NULL AND u.person_id IS NOT NULL
        """)
    con.execute("DROP TABLE IF EXISTS fw_units")
    con.execute("""CREATE OR REPLACE TEMP TABLE fw_unit_sources AS
                   SELECT DISTINCT indicator_id, source_id FROM fw_units_all WHERE source_id IS NOT NULL""")
    _indicator_table(con, indicators)
    codes = _quoted(partnership_codes)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fw_u AS
        WITH placed AS (
            SELECT u.indicator_id, i.counts, u.person_id, u.date,
                   CASE WHEN i.counts = 'first_time' THEN NULL ELSE GREATEST(COALESCE(u.end_date, u.date), u.date)
                   END AS end_date,
                   u.numerator, u.value, u.source_id,
                   p.birth_month, p.sex, p.ethnicity_group, p.looked_after, p.sen, p.disability,
                   CASE WHEN i.area = 'home' THEN p.la WHEN g.la IS NOT NULL THEN g.la
                        ELSE 'partnership~unknown' END AS la,
                   CASE WHEN i.area = 'home' THEN p.ward ELSE g.ward END AS ward,
                   CASE WHEN i.area = 'home' THEN p.lsoa ELSE g.lsoa END AS lsoa,
                   ROW_NUMBER() OVER (PARTITION BY u.indicator_id, u.person_id ORDER BY u.date, u.end_date) AS nth
            FROM fw_units_all u
            JOIN fw_ind i ON i.indicator_id = u.indicator_id
            JOIN fw_person p ON p.person_id = u.person_id
            LEFT JOIN geography g ON i.area = 'event' AND g.lsoa = u.lsoa
            WHERE CASE WHEN i.area = 'home' THEN p.in_partnership
                       ELSE (g.la IN ({codes}) OR (g.lsoa IS NULL AND p.in_partnership)) END
        )
        SELECT * EXCLUDE (nth) FROM placed WHERE counts <> 'first_time' OR nth = 1
    """)
    con.execute("DROP TABLE IF EXISTS fw_units_all")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fw_up AS
        SELECT pe.period_kind, pe.period, u.indicator_id, u.person_id,
               ANY_VALUE(u.la) AS la, ANY_VALUE(u.ward) AS ward, ANY_VALUE(u.lsoa) AS lsoa,
               ANY_VALUE(u.sex) AS sex, ANY_VALUE(u.ethnicity_group) AS ethnicity_group,
               ANY_VALUE(u.looked_after) AS looked_after, ANY_VALUE(u.sen) AS sen,
               ANY_VALUE(u.disability) AS disability, CAST(NULL AS VARCHAR) AS source,
               {age_band_sql('ANY_VALUE(u.birth_month)', 'ANY_VALUE(pe.period_end)')} AS age_band,
               BOOL_OR(u.numerator) AS numerator, CAST(NULL AS DOUBLE) AS value
        FROM fw_u u JOIN period pe ON u.date <= pe.period_end AND COALESCE(u.end_date, u.date) >= pe.period_start
        WHERE u.counts = 'children'
        GROUP BY pe.period_kind, pe.period, u.indicator_id, u.person_id
        UNION ALL
        SELECT pe.period_kind, pe.period, u.indicator_id, u.person_id, u.la, u.ward, u.lsoa, u.sex,
               u.ethnicity_group, u.looked_after, u.sen, u.disability, COALESCE(u.source_id, '{NOT_KNOWN}'),
               {age_band_sql('u.birth_month', 'u.date')}, u.numerator, u.value
        FROM fw_u u JOIN period pe ON u.date <= pe.period_end AND COALESCE(u.end_date, u.date) >= pe.period_start
        WHERE u.counts <> 'children'
    """)
    con.execute("DROP TABLE IF EXISTS fw_u")
    _count(con, sorted({b for ind in indicators for b in ind.breakdowns}))
    _fill_and_store(con, indicators)
    for t in ("fw_up", "fw_counted", "fw_skeleton"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return columns


def _count(con: duckdb.DuckDBPyConnection, breakdowns: list[str]) -> None:
    """``fw_counted``: one pass over the placed units, grouped by each area level and each breakdown."""
    key = "indicator_id, period_kind, period"
    sets = [f"({key})", f"({key}, la)", f"({key}, ward)", f"({key}, lsoa)"]
    sets += [f"({key}, {b})" for b in breakdowns] + [f"({key}, la, {b})" for b in breakdowns]
    level = ("CASE WHEN GROUPING(lsoa) = 0 THEN 'small_area' WHEN GROUPING(ward) = 0 THEN 'ward' "
             "WHEN GROUPING(la) = 0 THEN 'council' ELSE 'partnership' END")
    code = ("CASE WHEN GROUPING(lsoa) = 0 THEN lsoa WHEN GROUPING(ward) = 0 THEN ward "
            "WHEN GROUPING(la) = 0 THEN la ELSE 'partnership' END")
    which = " ".join(f"WHEN GROUPING({b}) = 0 THEN '{b}'" for b in breakdowns)
    value = " ".join(f"WHEN GROUPING({b}) = 0 THEN CAST({b} AS VARCHAR)" for b in breakdowns)
    breakdown = f"CASE {which} ELSE '{ALL}' END" if breakdowns else f"'{ALL}'"
    category = f"CASE {value} ELSE '{ALL}' END" if breakdowns else f"'{ALL}'"
    local = _quoted(LOCAL_PERIOD_KINDS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fw_counted AS
        SELECT * FROM (
            SELECT {key}, {level} AS area_level, {code} AS area_code, {breakdown} AS breakdown,
                   {category} AS category,
                   SUM(CASE WHEN numerator THEN 1 ELSE 0 END) AS numerator, COUNT(*) AS denominator,
                   MEDIAN(value) AS value, COUNT(value) AS units
            FROM fw_up GROUP BY GROUPING SETS ({", ".join(sets)})
        ) AS counted
        WHERE area_code IS NOT NULL AND (area_level IN ('partnership', 'council') OR period_kind IN ({local}))
    """)


def _indicator_table(con: duckdb.DuckDBPyConnection, indicators: list[Indicator]) -> None:
    """``fw_ind``: how each indicator is counted, for the statements that count them all at once."""
    con.register("fw_ind_new", pa.table({
        "indicator_id": [i.id for i in indicators],
        "counts": [i.counts for i in indicators],
        "area": [i.area for i in indicators],
        "unit": [i.unit for i in indicators],
        "breakdowns": pa.array([list(i.breakdowns) for i in indicators], pa.list_(pa.string())),
        "geographies": pa.array([list(i.geographies) for i in indicators], pa.list_(pa.string())),
    }))
    con.execute("CREATE OR REPLACE TEMP TABLE fw_ind AS SELECT * FROM fw_ind_new")
    con.unregister("fw_ind_new")


def _fill_and_store(con: duckdb.DuckDBPyConnection, indicators: list[Indicator]) -> None:
    """Every period × area × category present (zeros included), rates and percentages worked out."""
    cats = [f"SELECT '{b}' AS breakdown, '{c}' AS category" for b, entries in CATEGORIES.items() for c, _ in entries]
    cat_sql = " UNION ALL ".join([f"SELECT '{ALL}' AS breakdown, '{ALL}' AS category"] + cats)
    local = _quoted(LOCAL_PERIOD_KINDS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fw_skeleton AS
        WITH cats AS ({cat_sql}),
        area_period AS (
            SELECT a.area_level, a.area_code, pe.period_kind, pe.period FROM area a CROSS JOIN period pe
            WHERE pe.period_kind IN ({local}) OR a.area_level IN ('partnership', 'council')
        ),
        ind_level AS (SELECT indicator_id, UNNEST(geographies) AS area_level FROM fw_ind
                      UNION SELECT indicator_id, 'partnership' FROM fw_ind),
        ind_breakdown AS (SELECT indicator_id, UNNEST(breakdowns) AS breakdown FROM fw_ind),
        ind_category AS (
            SELECT b.indicator_id, b.breakdown, c.category FROM ind_breakdown b JOIN cats c USING (breakdown)
            UNION ALL
            SELECT DISTINCT u.indicator_id, 'source', u.source FROM fw_up u
            JOIN ind_breakdown b ON b.indicator_id = u.indicator_id AND b.breakdown = 'source'
            WHERE u.source IS NOT NULL
        )
        SELECT il.indicator_id, ap.period_kind, ap.period, ap.area_level, ap.area_code,
               '{ALL}' AS breakdown, '{ALL}' AS category
        FROM ind_level il JOIN area_period ap USING (area_level)
        UNION ALL
        SELECT ic.indicator_id, ap.period_kind, ap.period, ap.area_level, ap.area_code, ic.breakdown, ic.category
        FROM ind_category ic JOIN area_period ap ON ap.area_level IN ('partnership', 'council')
    """)
    if any(i.unit == "rate_per_10000" for i in indicators):
        _population(con)
        pop_join = ("LEFT JOIN fw_pop pop ON pop.period_kind = s.period_kind AND pop.period = s.period "
                    "AND pop.area_code = s.area_code AND pop.breakdown = s.breakdown AND pop.category = s.category")
        children = "pop.children"
    else:
        pop_join, children = "", "CAST(NULL AS DOUBLE)"
    con.execute(f"""
        INSERT INTO fw_cell
        SELECT s.indicator_id, s.period_kind, s.period, s.area_level, s.area_code, s.breakdown, s.category,
               CASE WHEN i.unit = 'median_days' THEN COALESCE(k.units, 0) ELSE COALESCE(k.numerator, 0) END,
               CASE i.unit WHEN 'rate_per_10000' THEN {children}
                           WHEN 'percentage' THEN COALESCE(k.denominator, 0) END,
               CASE i.unit
                   WHEN 'count' THEN COALESCE(k.numerator, 0)
                   WHEN 'rate_per_10000' THEN CASE WHEN {children} > 0
                                                   THEN 10000.0 * COALESCE(k.numerator, 0) / {children} END
                   WHEN 'percentage' THEN CASE WHEN COALESCE(k.denominator, 0) > 0
                                               THEN 100.0 * k.numerator / k.denominator END
                   WHEN 'median_days' THEN k.value
               END,
               COALESCE(k.units, 0)
        FROM fw_skeleton s
        JOIN fw_ind i ON i.indicator_id = s.indicator_id
        LEFT JOIN fw_counted k ON k.indicator_id = s.indicator_id AND k.period_kind = s.period_kind
             AND k.period = s.period AND k.area_level = s.area_level AND k.area_code = s.area_code
             AND k.breakdown = s.breakdown AND k.category = s.category
        {pop_join}
    """)


def _population(con: duckdb.DuckDBPyConnection) -> None:
    """``fw_pop``: children living in each area (by age band and sex), for the year nearest each period."""
    if con.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'fw_pop'").fetchone()[0]:
        return
    bands = " ".join(f"WHEN age BETWEEN {lo} AND {hi} THEN '{band}'" for band, lo, hi in AGE_BANDS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fw_pop_year AS
        WITH base AS (
            SELECT p.year, p.lsoa, a.parent_code AS ward, w.parent_code AS la,
                   CASE {bands} END AS age_band, p.sex, p.children
            FROM population p
            JOIN area a ON a.area_level = 'small_area' AND a.area_code = p.lsoa
            JOIN area w ON w.area_level = 'ward' AND w.area_code = a.parent_code
        ),
        levels AS (
            SELECT year, 'partnership' AS area_code, age_band, sex, children FROM base
            UNION ALL SELECT year, la, age_band, sex, children FROM base
            UNION ALL SELECT year, ward, age_band, sex, children FROM base
            UNION ALL SELECT year, lsoa, age_band, sex, children FROM base
        )
        SELECT year, area_code, '{ALL}' AS breakdown, '{ALL}' AS category, SUM(children) AS children
        FROM levels GROUP BY year, area_code
        UNION ALL
        SELECT year, area_code, 'age_band', age_band, SUM(children) FROM levels GROUP BY year, area_code, age_band
        UNION ALL
        SELECT year, area_code, 'sex', sex, SUM(children) FROM levels GROUP BY year, area_code, sex
    """)
    con.execute("""
        CREATE OR REPLACE TABLE fw_pop AS
        WITH years AS (SELECT DISTINCT year FROM population),
        nearest AS (
            SELECT pe.period_kind, pe.period, y.year FROM period pe CROSS JOIN years y
            QUALIFY ROW_NUMBER() OVER (PARTITION BY pe.period_kind, pe.period
                                       ORDER BY ABS(y.year - EXTRACT(YEAR FROM pe.period_end)), y.year DESC) = 1
        )
        SELECT n.period_kind, n.period, py.area_code, py.breakdown, py.category, py.children
        FROM nearest n JOIN fw_pop_year py ON py.year = n.year
    """)
    con.execute("DROP TABLE fw_pop_year")
